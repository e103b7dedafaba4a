"""Checkers for notebooks/04_multi_head.ipynb: splitting and merging heads, counting parameters.

Taught in notebooks/04_multi_head.ipynb.
"""

from __future__ import annotations

import numpy as np
import torch

from ..multi_head import merge_heads, split_heads
from ._core import Wrong, as_array, as_count, checker, expect_callable, expect_close, fresh_rng, pick
from ._run import Shortcut, call

_SPLIT = [Shortcut("attention", "split_heads", "the library's split_heads")]
_MERGE = [Shortcut("attention", "merge_heads", "the library's merge_heads")]
_MODULES = [
    Shortcut("attention", "MultiHeadAttention", "the library's MultiHeadAttention"),
    Shortcut("torch.nn", "MultiheadAttention", "torch's nn.MultiheadAttention"),
]


def _numbered(*shape: int) -> torch.Tensor:
    return torch.arange(float(np.prod(shape))).reshape(shape)  # every entry different, so mix-ups show


@checker("split into heads")
def check_split_heads(split_heads_fn) -> str:
    """Check ``split_heads(x (B, T, d_model), num_heads) -> (B, num_heads, T, d_k)`` against the library."""
    expect_callable(split_heads_fn, "split_heads")
    rng = fresh_rng()  # then batch sizes, lengths and head counts no one has seen before
    sizes = [(pick(rng, 1, 5, {2}), pick(rng, 2, 8, {3, 5}), pick(rng, 1, 7, {2, 4}), pick(rng, 2, 6, {4, 3})) for _ in "ab"]
    fresh = [(B, T, h * d_k, h) for B, T, h, d_k in sizes]
    for i, (B, T, d_model, h) in enumerate(((2, 3, 8, 2), (2, 5, 12, 4), *fresh)):
        d_k = d_model // h
        x = _numbered(B, T, d_model) * (1.0 if i < 2 else float(rng.uniform(0.5, 2)))  # (B, T, d_model)
        got = as_array(call(split_heads_fn, x.clone(), h, shortcuts=_SPLIT), f"split_heads(x of shape {(B, T, d_model)}, {h})")
        expected = split_heads(x, h).numpy()
        if got.shape == (B, T, h, d_k) and T != h:
            raise Wrong(
                f"you returned shape {got.shape} = (B, T, h, d_k): move the head axis before T with .transpose(1, 2), "
                f"expected (B, h, T, d_k) = {(B, h, T, d_k)}"
            )
        if got.shape == expected.shape and np.array_equal(got, expected):
            continue
        if got.shape != expected.shape:
            raise Wrong(
                f"split_heads(x of shape {(B, T, d_model)}, num_heads={h}) has shape {got.shape}, "
                f"expected (B, h, T, d_k) = {expected.shape}"
            )
        if np.array_equal(got, x.reshape(B, h, T, d_k).numpy()):
            raise Wrong(
                "you reshaped straight to (B, h, T, d_k) without a transpose: then one head's 'token' rows hold "
                "features of DIFFERENT tokens, and heads mix positions. Reshape to (B, T, h, d_k) first, then "
                ".transpose(1, 2)."
            )
        if np.array_equal(got, x.reshape(B, T, d_k, h).permute(0, 3, 1, 2).numpy()):
            raise Wrong(
                "head 0 takes every h-th feature (0, h, 2h, ...): each head should take one contiguous block "
                "of d_k features. Reshape to (B, T, h, d_k), not (B, T, d_k, h)."
            )
        expect_close(got, expected, f"split_heads(x of shape {(B, T, d_model)}, {h})")
    return "each head gets its own block of d_k features for every token."


@checker("merge the heads")
def check_merge_heads(merge_heads_fn) -> str:
    """Check ``merge_heads(x (B, h, T, d_k)) -> (B, T, h * d_k)`` against the library."""
    expect_callable(merge_heads_fn, "merge_heads")
    rng = fresh_rng()
    fresh = [(pick(rng, 1, 5, {1, 2}), pick(rng, 1, 7, {2, 4}), pick(rng, 2, 8, {3, 5}), pick(rng, 2, 6, {3, 4})) for _ in "ab"]
    for i, (B, h, T, d_k) in enumerate(((2, 2, 3, 4), (1, 4, 5, 3), *fresh)):
        x = _numbered(B, h, T, d_k) * (1.0 if i < 2 else float(rng.uniform(0.5, 2)))  # (B, h, T, d_k)
        got = as_array(call(merge_heads_fn, x.clone(), shortcuts=_MERGE), f"merge_heads(x of shape {(B, h, T, d_k)})")
        expected = merge_heads(x).numpy()
        if got.shape == (B, T, h, d_k):
            raise Wrong(
                f"you returned shape {got.shape}: also flatten the last two axes into h * d_k = {h * d_k} "
                "with .reshape(B, T, h * d_k)"
            )
        if got.shape != expected.shape:
            raise Wrong(
                f"merge_heads(x of shape {(B, h, T, d_k)}) has shape {got.shape}, expected (B, T, h * d_k) = {expected.shape}"
            )
        if not np.array_equal(got, expected) and np.array_equal(got, x.reshape(B, T, h * d_k).numpy()):
            raise Wrong(
                "you reshaped (B, h, T, d_k) straight to (B, T, h * d_k) without a transpose: the rows you built "
                "glue together different tokens of one head. First .transpose(1, 2) to (B, T, h, d_k), then reshape."
            )
        if not np.array_equal(got, expected) and np.array_equal(got, x.permute(0, 2, 3, 1).reshape(B, T, h * d_k).numpy()):
            raise Wrong(
                "the features are interleaved (head 0's first, head 1's first, ...): put head 0's d_k features "
                "first, then head 1's. Transpose to (B, T, h, d_k), not (B, T, d_k, h)."
            )
        expect_close(got, expected, f"merge_heads(x of shape {(B, h, T, d_k)})")
        split = split_heads(x.transpose(1, 2).reshape(B, T, h * d_k), h)
        round_trip = as_array(call(merge_heads_fn, split, shortcuts=_MERGE), "round trip")
        expect_close(round_trip, x.transpose(1, 2).reshape(B, T, h * d_k).numpy(), "merge_heads(split_heads(x))")
    return "merge_heads undoes split_heads: the heads' outputs sit side by side, ready for W_O."


@checker("count the parameters")
def check_count_parameters(count_parameters) -> str:
    """Check ``count_parameters(d_model, num_heads) -> int``: W_Q, W_K, W_V, W_O with biases = 4 d^2 + 4 d."""
    expect_callable(count_parameters, "count_parameters")
    rng = fresh_rng()
    fresh = [(int(h * d_k), int(h)) for h, d_k in rng.integers((1, 3), (13, 200), (2, 2))]  # sizes no one has seen
    for d, h in ((8, 2), (64, 8), (512, 8), *fresh):
        what = f"count_parameters({d}, {h})"
        got = as_count(call(count_parameters, d, h, what=what, shortcuts=_MODULES), what)
        right = 4 * d * d + 4 * d
        d_k = d // h
        mistakes = {
            3 * d * d + 3 * d: "you forgot W_O, the output projection: four (d, d) weight matrices, not three",
            4 * d * d: "you forgot the biases: each of the four nn.Linear layers also has d_model biases",
            3 * d * d: "you forgot W_O and the biases",
            4 * h * (d * d + d): f"each head does NOT get its own full (d, d) matrices: head i uses a (d, d_k = {d_k}) slice "
            "of W_Q, W_K and W_V, so the total does not depend on the number of heads",
            4 * (d * d_k + d_k): "you counted one head only: all h heads together use the full (d, d) matrices",
            3 * (d * d_k + d_k) + d * d + d: "you counted one head's W_Q, W_K, W_V only: all h heads together use "
            "full (d, d) matrices",
        }
        if got != right and got in mistakes:
            raise Wrong(f"count_parameters({d}, {h}) = {got}: {mistakes[got]}")
        if got != right:
            raise Wrong(
                f"count_parameters({d}, {h}) = {got}, expected {right}: W_Q, W_K, W_V, W_O each have a (d, d) weight and d biases"
            )
    return "4·d² + 4·d, whatever the number of heads: more heads cost no more parameters."
