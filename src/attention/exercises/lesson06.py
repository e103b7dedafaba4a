"""Checkers for notebooks/06_why_attention.ipynb: Bahdanau's additive scores, vectorised.

Taught in notebooks/06_why_attention.ipynb.
"""

from __future__ import annotations

import numpy as np
import torch

from ..additive import _additive_scores
from ._core import Wrong, as_array, checker, expect_callable, expect_close, fresh_rng, is_close, pick
from ._loops import expect_no_loops
from ._run import Shortcut, call

_SHORTCUTS = [
    Shortcut("attention", "additive_scores", "the library's additive_scores"),
    Shortcut("attention", "additive_attention", "the library's additive_attention"),
    Shortcut("attention.additive", "additive_scores", "the library's additive_scores"),
]


def _inputs(seed: int, B: int, T_q: int, T_k: int, d_q: int, d_k: int, d_a: int):
    g = torch.Generator().manual_seed(seed)  # fixed seeds for the fixed cases, random ones for the fresh cases
    query = torch.randn(B, T_q, d_q, generator=g)  # decoder states: what I need next
    key = torch.randn(B, T_k, d_k, generator=g)  # encoder states: what each input position is about
    w_q = torch.randn(d_q, d_a, generator=g) / d_q**0.5
    w_k = torch.randn(d_k, d_a, generator=g) / d_k**0.5
    v = torch.randn(d_a, generator=g)
    return query, key, w_q, w_k, v


def _diagnose(got: np.ndarray, query, key, w_q, w_k, v) -> None:
    """Name the usual mistakes when the scores have the right shape but the wrong numbers."""
    q, k = query @ w_q, key @ w_k  # (B, T_q, d_a), (B, T_k, d_a)
    pair = q[:, :, None, :] + k[:, None, :, :]  # (B, T_q, T_k, d_a)
    expected = torch.tanh(pair) @ v
    mistakes = [
        (pair @ v, "the tanh is missing: score = v . tanh(q W_q + k W_k), the tanh comes before the product with v"),
        (
            torch.tanh(pair @ v),
            "the tanh is in the wrong place: apply it to q W_q + k W_k (a d_a-vector), then take the product with v",
        ),
        (
            torch.tanh(q[:, :, None, :] * k[:, None, :, :]) @ v,
            "you multiplied q W_q and k W_k: Bahdanau's score ADDS them (that is why it is called additive)",
        ),
        (torch.tanh(pair).sum(-1), "you summed the hidden layer: weigh it with v instead, tanh(...) @ v"),
        (torch.softmax(expected, dim=-1), "you returned the weights (a softmax): return the scores, before any softmax"),
        (expected / w_q.shape[1] ** 0.5, "the scores are divided by sqrt(d_a): additive scores are not scaled"),
    ]
    for wrong, message in mistakes:
        if is_close(got, wrong.numpy(), atol=1e-5):
            raise Wrong(message)
    if query.shape[-1] == key.shape[-1]:
        swapped = torch.tanh((query @ w_k)[:, :, None, :] + (key @ w_q)[:, None, :, :]) @ v
        if is_close(got, swapped.numpy(), atol=1e-5):
            raise Wrong("W_q and W_k are swapped: the query (decoder state) goes through w_q, the keys through w_k")


@checker("additive scores, vectorised")
def check_additive_scores(additive_scores) -> str:
    """Check ``additive_scores(query (B, T_q, d_q), key (B, T_k, d_k), w_q, w_k, v) -> scores (B, T_q, T_k)``."""
    expect_callable(additive_scores, "additive_scores")
    rng = fresh_rng()  # after the fixed cases, two with sizes no one has seen before
    fresh = [
        (
            int(rng.integers(2**62)),
            (
                pick(rng, 1, 5, {2, 3}),
                pick(rng, 2, 8, {4, 5}),
                pick(rng, 2, 9, {6, 5, 3}),
                pick(rng, 2, 7, {5, 4}),
                pick(rng, 2, 7, {3, 4}),
                pick(rng, 2, 7, {6, 4}),
            ),
        )
        for _ in range(2)
    ]
    # (B, T_q, T_k, d_q, d_k, d_a): first T_q == T_k and d_q == d_k, so that swapped roles run and can be named
    for seed, sizes in ((0, (2, 5, 5, 4, 4, 4)), (1, (3, 4, 6, 5, 3, 6)), *fresh):
        B, T_q, T_k = sizes[:3]
        query, key, w_q, w_k, v = _inputs(seed, *sizes)
        what = f"additive_scores(query {tuple(query.shape)}, key {tuple(key.shape)}, w_q, w_k, v)"
        got = as_array(
            call(
                additive_scores, query.clone(), key.clone(), w_q.clone(), w_k.clone(), v.clone(), what=what, shortcuts=_SHORTCUTS
            ),
            "scores",
        )
        if got.shape == (B, T_k, T_q) and T_q != T_k:
            raise Wrong(f"scores have shape {got.shape} = (B, T_k, T_q): one ROW per query, one column per key")
        if got.shape != (B, T_q, T_k):
            raise Wrong(f"scores have shape {got.shape}, expected (B, T_q, T_k) = {(B, T_q, T_k)}")
        expected = _additive_scores(query, key, w_q, w_k, v).numpy()
        if not is_close(got, expected, atol=1e-5):
            if T_q == T_k and is_close(got, np.swapaxes(expected, -1, -2), atol=1e-5):
                raise Wrong("the scores are transposed: row i should hold query i's score against every key")
            _diagnose(got, query, key, w_q, w_k, v)
            expect_close(got, expected, "scores", atol=1e-5)
    expect_no_loops(
        additive_scores,
        "additive_scores",
        "Give q W_q an axis for the keys and k W_k one for the queries (unsqueeze or None) and let broadcasting add every pair.",
    )
    return "every query against every key in one broadcast: (B, T_q, 1, d_a) + (B, 1, T_k, d_a), tanh, then v."
