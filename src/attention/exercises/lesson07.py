"""Checker for notebooks/07_real_attention.ipynb: find the head where one word looks most at another.

Taught in notebooks/07_real_attention.ipynb.
"""

from __future__ import annotations

import torch

from ._core import Wrong, call, checker, expect_callable

_TOKENS = ["[CLS]", "the", "dog", "chased", "the", "ball", "because", "it", "was", "bored", "[SEP]"]


def _planted_attentions() -> tuple[torch.Tensor, tuple[int, int], tuple[int, int]]:
    """Random (3, 4, T, T) weights with one planted strongest "it" -> "dog" head and a decoy "dog" -> "it" head."""
    torch.manual_seed(7)
    L, h, T = 3, 4, len(_TOKENS)
    attentions = torch.softmax(torch.randn(L, h, T, T), dim=-1)  # (L, h, T, T)
    it, dog = _TOKENS.index("it"), _TOKENS.index("dog")
    answer, decoy = (2, 1), (1, 3)
    attentions[answer][it] = torch.full((T,), 0.05 / (T - 1))
    attentions[answer][it, dog] = 0.95  # the right answer: row "it", column "dog"
    attentions[decoy][dog] = torch.full((T,), 0.02 / (T - 1))
    attentions[decoy][dog, it] = 0.98  # the wrong direction: row "dog", column "it"
    return attentions, answer, decoy


@checker("find the head where one word looks at another")
def check_find_head(find_head) -> str:
    """Check ``find_head(attentions (L, h, T, T), tokens, query, key) -> (layer, head)``."""
    expect_callable(find_head, "find_head")
    attentions, answer, decoy = _planted_attentions()
    L, h, T, _ = attentions.shape
    result = call(find_head, attentions.clone(), list(_TOKENS), "it", "dog")
    if isinstance(result, float) or (isinstance(result, torch.Tensor) and result.numel() == 1 and result.is_floating_point()):
        raise Wrong(
            f"you returned a weight ({float(result):.3f}), not where it is: use argmax() to get the position "
            "of the largest weight, then divmod it into (layer, head)"
        )
    if (isinstance(result, torch.Tensor) and result.numel() == 1) or isinstance(result, int):
        flat = int(result)
        if flat == answer[0] * h + answer[1]:
            raise Wrong(f"you returned the flat index {flat}: turn it into (layer, head) with divmod({flat}, num_heads={h})")
        raise Wrong(f"return a pair (layer, head), got the single number {flat}")
    try:
        layer, head = (int(x) for x in result)
    except (TypeError, ValueError):
        raise Wrong(f"return a pair (layer, head) of ints, got {result!r}") from None
    if (layer, head) == answer:
        return f"layer {layer}, head {head} is where 'it' looks most at 'dog' in the test weights."
    if (layer, head) == decoy:
        raise Wrong(
            "you found where 'dog' looks at 'it': row = the query (the word doing the looking), "
            "column = the key, so read attentions[:, :, tokens.index(query), tokens.index(key)]"
        )
    flat = answer[0] * h + answer[1]
    if (layer, head) == divmod(flat, L) and L != h:
        raise Wrong(
            f"you divided the flat index {flat} by the number of layers ({L}): divmod(index, num_heads), "
            f"with num_heads = attentions.shape[1] = {h}"
        )
    if (head, layer) == answer:
        raise Wrong(f"layer and head are swapped: you returned ({layer}, {head}), the order is (layer, head)")
    it, dog = _TOKENS.index("it"), _TOKENS.index("dog")
    if (layer, head) == tuple(int(x) for x in divmod(int(attentions[:, :, it, dog].argmin()), h)):
        raise Wrong("that is the head with the SMALLEST weight: use argmax, not argmin")
    raise Wrong(
        f"({layer}, {head}) is not it: there 'it' gives 'dog' {float(attentions[layer % L, head % h, it, dog]):.3f}, "
        f"but another head gives it {float(attentions[answer][it, dog]):.3f}"
    )
