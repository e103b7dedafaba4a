"""Checker for notebooks/08_real_attention.ipynb: find the head where one word looks most at another.

Taught in notebooks/08_real_attention.ipynb.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from ._core import Wrong, checker, expect_callable, fresh_rng, fresh_torch, pick
from ._run import call

_TOKENS = ["[CLS]", "the", "dog", "chased", "the", "ball", "because", "it", "was", "bored", "[SEP]"]
_WORDS = ["the", "dog", "cat", "chased", "ball", "because", "it", "was", "bored", "sat", "on", "mat", "and", "ran"]


@dataclass
class _Case:
    attentions: torch.Tensor  # (L, h, T, T)
    tokens: list[str]
    query: str
    key: str
    answer: tuple[int, int]  # where the first `query` looks most at the first `key`
    decoy: tuple[int, int]  # where `key` looks most at `query`: the wrong direction
    later: tuple[int, int] | None  # where a LATER occurrence of `query` looks even more at `key`


def _plant(attentions, where, row: int, col: int, weight: float) -> None:
    T = attentions.shape[-1]
    attentions[where][row] = torch.full((T,), (1 - weight) / (T - 1))
    attentions[where][row, col] = weight


def _fixed_case() -> _Case:
    """Random (3, 4, T, T) weights with one planted strongest "it" -> "dog" head and a decoy "dog" -> "it" head."""
    torch.manual_seed(7)
    L, h, T = 3, 4, len(_TOKENS)
    attentions = torch.softmax(torch.randn(L, h, T, T), dim=-1)  # (L, h, T, T)
    it, dog = _TOKENS.index("it"), _TOKENS.index("dog")
    _plant(attentions, (2, 1), it, dog, 0.95)  # the right answer: row "it", column "dog"
    _plant(attentions, (1, 3), dog, it, 0.98)  # the wrong direction: row "dog", column "it"
    return _Case(attentions, list(_TOKENS), "it", "dog", (2, 1), (1, 3), None)


def _fresh_case(rng: np.random.Generator) -> _Case:
    """A sentence, a model size and planted heads no one has seen before; the query word occurs twice."""
    L, h = pick(rng, 2, 7, {3}), pick(rng, 3, 13, {4})  # not the fixed case's 3 layers of 4 heads
    query, key = (str(w) for w in rng.choice(_WORDS, size=2, replace=False))
    others = [str(w) for w in rng.choice([w for w in _WORDS if w not in (query, key)], size=int(rng.integers(4, 9)))]
    words = others + [query, key]
    words = [words[i] for i in rng.permutation(len(words))] + [query]  # the query word again, later
    tokens = ["[CLS]", *words, "[SEP]"]
    T = len(tokens)
    attentions = torch.softmax(torch.randn(L, h, T, T, generator=fresh_torch(rng)), dim=-1)  # (L, h, T, T)
    heads = [divmod(int(i), h) for i in rng.choice(np.arange(h, L * h), size=3, replace=False)]  # not in layer 0
    q, k, q_later = tokens.index(query), tokens.index(key), T - 2
    _plant(attentions, heads[0], q, k, 0.9)
    _plant(attentions, heads[1], k, q, 0.97)
    _plant(attentions, heads[2], q_later, k, 0.99)
    return _Case(attentions, tokens, query, key, heads[0], heads[1], heads[2])


def _read_pair(result, case: _Case) -> tuple[int, int]:
    L, h = case.attentions.shape[:2]
    if isinstance(result, float) or (isinstance(result, torch.Tensor) and result.numel() == 1 and result.is_floating_point()):
        raise Wrong(
            f"you returned a weight ({float(result):.3f}), not where it is: use argmax() to get the position "
            "of the largest weight, then divmod it into (layer, head)"
        )
    if (isinstance(result, torch.Tensor) and result.numel() == 1) or isinstance(result, (int, np.integer)):
        flat = int(result)
        if flat == case.answer[0] * h + case.answer[1]:
            raise Wrong(f"you returned the flat index {flat}: turn it into (layer, head) with divmod({flat}, num_heads={h})")
        raise Wrong(f"return a pair (layer, head), got the single number {flat}")
    try:
        layer, head = (int(x) for x in result)
    except (TypeError, ValueError, RuntimeError):
        raise Wrong(f"return a pair (layer, head) of ints, got {result!r:.60}") from None
    return layer, head


def _diagnose(layer: int, head: int, case: _Case) -> None:
    L, h = case.attentions.shape[:2]
    q, k = case.tokens.index(case.query), case.tokens.index(case.key)
    if (layer, head) == case.decoy:
        raise Wrong(
            f"you found where '{case.key}' looks at '{case.query}': row = the query (the word doing the looking), "
            "column = the key, so read attentions[:, :, tokens.index(query), tokens.index(key)]"
        )
    if (layer, head) == case.later:
        raise Wrong(
            f"'{case.query}' occurs twice in {case.tokens} and you used a later one: take the first occurrence, "
            "tokens.index(query)"
        )
    flat = case.answer[0] * h + case.answer[1]
    if (layer, head) == divmod(flat, L) and L != h:
        raise Wrong(
            f"you divided the flat index {flat} by the number of layers ({L}): divmod(index, num_heads), "
            f"with num_heads = attentions.shape[1] = {h}"
        )
    if (head, layer) == case.answer:
        raise Wrong(f"layer and head are swapped: you returned ({layer}, {head}), the order is (layer, head)")
    if (layer, head) == tuple(int(x) for x in divmod(int(case.attentions[:, :, q, k].argmin()), h)):
        raise Wrong("that is the head with the SMALLEST weight: use argmax, not argmin")
    if not (0 <= layer < L and 0 <= head < h):
        raise Wrong(f"({layer}, {head}) is not a head of these weights: they have {L} layers of {h} heads")
    raise Wrong(
        f"({layer}, {head}) is not it: there '{case.query}' gives '{case.key}' "
        f"{float(case.attentions[layer, head, q, k]):.3f}, but another head gives it "
        f"{float(case.attentions[case.answer][q, k]):.3f}"
    )


@checker("find the head where one word looks at another")
def check_find_head(find_head) -> str:
    """Check ``find_head(attentions (L, h, T, T), tokens, query, key) -> (layer, head)``."""
    expect_callable(find_head, "find_head")
    rng = fresh_rng()
    for case in (_fixed_case(), _fresh_case(rng), _fresh_case(rng)):
        L, h, T, _ = case.attentions.shape
        what = f"find_head(attentions {(L, h, T, T)}, {len(case.tokens)} tokens, {case.query!r}, {case.key!r})"
        result = call(find_head, case.attentions.clone(), list(case.tokens), case.query, case.key, what=what)
        layer, head = _read_pair(result, case)
        if (layer, head) != case.answer:
            _diagnose(layer, head, case)
    return "layer 2, head 1 is where 'it' looks most at 'dog' in the test weights (and the right head in two fresh cases)."
