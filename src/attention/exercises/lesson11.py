"""Checkers for notebooks/11_attention_everywhere.ipynb: pooling past orders, cutting images into patches.

Taught in notebooks/11_attention_everywhere.ipynb.
"""

from __future__ import annotations

import numpy as np
import torch

from ..recommend import taste_query
from ..softmax import softmax
from ..vision import image_to_patches
from ._core import Wrong, as_array, checker, expect_callable, expect_close, expect_shape, fresh_rng, is_close, pick
from ._loops import expect_no_loops
from ._run import Shortcut, call

_POOL = [
    Shortcut("attention", "taste_query", "the library's taste_query"),
    Shortcut("attention", "recommend", "the library's recommend"),
]
_PATCHES = [Shortcut("attention", "image_to_patches", "the library's image_to_patches")]


@checker("pool my past orders")
def check_pool_orders(pool_orders) -> str:
    """Check ``pool_orders(past (T_h, d), context (d,)) -> (query (d,), weights (T_h,))``."""
    expect_callable(pool_orders, "pool_orders")
    rng, fresh = np.random.default_rng(9), fresh_rng()
    for i, (T_h, d) in enumerate(((4, 5), (7, 3), *((pick(fresh, 2, 10, {4, 7}), pick(fresh, 2, 10, {5, 3})) for _ in "ab"))):
        rng = rng if i < 2 else fresh  # two fixed cases, then two no one has seen before
        past = rng.uniform(-1, 1, size=(T_h, d))
        context = rng.uniform(-2, 2, size=d)
        result = call(pool_orders, past.copy(), context.copy(), shortcuts=_POOL)
        if not isinstance(result, tuple) or len(result) != 2:
            raise Wrong(f"return a tuple (query, weights), got {type(result).__name__}")
        first, second = as_array(result[0], "the query"), as_array(result[1], "the weights")
        expected_q, expected_w = taste_query(past, np.arange(T_h), context=context)
        if is_close(first, expected_q) and is_close(second, expected_w):
            continue
        if first.shape == (T_h,) and second.shape == (d,) and T_h != d:
            raise Wrong("you returned (weights, query): the order is (query, weights)")
        if first.shape == (T_h, d):
            raise Wrong(
                f"the query has shape {first.shape}: you weighted each order but did not add them up. "
                "Sum over the orders: weights @ past gives shape (d,)"
            )
        query = expect_shape(first, (d,), f"query for past {past.shape}")
        weights = expect_shape(second, (T_h,), f"weights for past {past.shape}")
        if not np.isclose(weights.sum(), 1.0):
            raise Wrong(f"the weights should sum to 1 (softmax over the past orders), yours sum to {weights.sum():.4f}")
        if np.allclose(weights, 1.0 / T_h):
            raise Wrong("every past order got the same weight: that is a plain average, not attention. Score the orders first.")
        if np.allclose(weights, softmax(past @ context)):
            raise Wrong(f"the weights are right up to the scale: divide the scores by sqrt(d) = sqrt({d}) before the softmax")
        if T_h != d and np.allclose(weights, softmax(past @ context / np.sqrt(T_h))):
            raise Wrong(
                f"you divided by sqrt(T_h) = sqrt({T_h}), the number of past orders: divide by sqrt(d) = sqrt({d}), "
                "the length of one flavour vector (past.shape[1])"
            )
        expect_close(weights, expected_w, f"weights for past {past.shape}")
        if np.allclose(query, past[int(weights.argmax())]):
            raise Wrong("the query is just the highest-weighted order: take the weighted sum of ALL past orders")
        if np.allclose(query, past.mean(0)) or np.allclose(query, past.sum(0)):
            raise Wrong(
                "the query ignores the weights (a plain average or sum of the orders): weight each order by its "
                "attention weight, weights @ past"
            )
        expect_close(query, expected_q, f"query for past {past.shape}")
    return "your taste query pools the past orders with attention, just like attention.taste_query."


@checker("cut an image into patches")
def check_patchify(patchify) -> str:
    """Check ``patchify(images (B, H, W), patch_size) -> (B, N, patch_size**2)`` against the library."""
    expect_callable(patchify, "patchify")
    expect_no_loops(patchify, "patchify", "Reshape to (B, H/p, p, W/p, p), permute the axes, and reshape again.")
    square = torch.arange(2 * 8 * 8, dtype=torch.float32).reshape(2, 8, 8)
    rng = fresh_rng()  # then images that are not square, of a size no one has seen before
    size = int(rng.integers(2, 5))
    rows, cols = (int(v) for v in rng.choice(np.arange(1, 6), size=2, replace=False))  # patches per column / row
    B = pick(rng, 1, 4, {2})
    pixels = rng.permutation(B * rows * size * cols * size).astype(np.float32)
    wide = torch.from_numpy(pixels).reshape(B, rows * size, cols * size)
    for images, p in ((square, 2), (square, 4), (wide, size)):
        B, H, W = images.shape
        N = (H // p) * (W // p)
        what = f"patches of size {p} from images {tuple(images.shape)}"
        got = expect_shape(
            call(patchify, images.clone(), p, what=f"patchify(images {(B, H, W)}, {p})", shortcuts=_PATCHES), (B, N, p * p), what
        )
        expected = image_to_patches(images, p).numpy()
        blocks = images.reshape(B, H // p, p, W // p, p)  # (B, rows, p, cols, p)
        mistakes = {
            "strips": images.reshape(B, N, p * p),
            "columns first": blocks.permute(0, 3, 1, 2, 4).reshape(B, N, p * p),
            "transposed": blocks.permute(0, 1, 3, 4, 2).reshape(B, N, p * p),
        }
        if np.array_equal(got, expected):
            continue
        if np.array_equal(got, mistakes["strips"].numpy()):
            raise Wrong(
                f"your patch 0 is {got[0, 0].astype(int).tolist()}: pixels of one image ROW, not a {p}x{p} square. "
                f"Reshape to (B, H/{p}, {p}, W/{p}, {p}) and permute so the two {p}-axes sit next to each other."
            )
        if np.array_equal(got, mistakes["columns first"].numpy()):
            raise Wrong("your patches are numbered column by column: number them row by row (left to right, then down)")
        if np.array_equal(got, mistakes["transposed"].numpy()):
            raise Wrong(f"the pixels inside each {p}x{p} patch are transposed: read each patch row by row")
        expect_close(got, expected, f"patches of size {p}")
    return "your patches match attention.image_to_patches: each one becomes a token."
