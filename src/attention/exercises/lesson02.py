"""Checkers for notebooks/02_scaled_dot_product.ipynb: attention weights, then masked attention.

Taught in notebooks/02_scaled_dot_product.ipynb. Both exercises work on 2-D NumPy arrays:
Q ``(T_q, d_k)``, K ``(T_k, d_k)``, V ``(T_k, d_v)``, mask ``(T_q, T_k)`` with True = may attend.
"""

from __future__ import annotations

import math

import numpy as np

from ..scaled_dot_product import scaled_dot_product_attention_np
from ..softmax import softmax
from ._core import Wrong, as_array, checker, expect_callable, expect_close, expect_shape, fresh_rng, is_close, pick
from ._run import Shortcut, call

_SHORTCUTS = [
    Shortcut("attention", "scaled_dot_product_attention_np", "the library's scaled_dot_product_attention_np"),
    Shortcut("attention", "scaled_dot_product_attention", "the library's scaled_dot_product_attention"),
    Shortcut("torch.nn.functional", "scaled_dot_product_attention", "torch's F.scaled_dot_product_attention"),
]


def _weights_mistakes(Q: np.ndarray, K: np.ndarray) -> dict[str, np.ndarray]:
    """Typical wrong weight matrices for Q, K, each with the message that explains it."""
    T_q, d_k = Q.shape
    T_k = K.shape[0]
    scores = Q @ K.T  # (T_q, T_k)
    right_scale = 1 / math.sqrt(d_k)
    mistakes = {
        "forgot to divide the scores by sqrt(d_k): the weights are softmax(Q K^T), "
        f"expected softmax(Q K^T / sqrt(d_k)) with d_k = {d_k}": softmax(scores),
        f"divided the scores by d_k = {d_k} instead of by sqrt(d_k) = sqrt({d_k})": softmax(scores / d_k),
        f"multiplied the scores by sqrt(d_k) instead of dividing by it (d_k = {d_k})": softmax(scores * math.sqrt(d_k)),
        "divided the weights by sqrt(d_k) AFTER the softmax, so the rows no longer sum to 1: divide the SCORES by "
        "sqrt(d_k), then take the softmax": softmax(scores) * right_scale,
        "softmax over the wrong axis: your COLUMNS sum to 1, but each ROW (one query) must sum to 1. "
        "Use softmax(scores, axis=-1) (over the keys)": softmax(scores * right_scale, axis=0),
        "softmax over the whole matrix (all entries together sum to 1): each ROW (one query) must sum to 1, "
        "use softmax(scores, axis=-1)": softmax((scores * right_scale).reshape(-1)).reshape(scores.shape),
    }
    if T_k != d_k:
        mistakes[
            f"divided by sqrt(T_k) = sqrt({T_k}), the number of keys: scale by sqrt(d_k) = sqrt({d_k}), "
            "the size of each query/key vector (Q.shape[-1])"
        ] = softmax(scores / math.sqrt(T_k))
    if T_q != d_k and T_q != T_k:
        mistakes[
            f"divided by sqrt(T_q) = sqrt({T_q}), the number of queries: scale by sqrt(d_k) = sqrt({d_k}), "
            "the size of each query/key vector (Q.shape[-1])"
        ] = softmax(scores / math.sqrt(T_q))
    if K.shape == Q.shape == (d_k, d_k):  # square inputs: Q @ K runs but means nothing
        mistakes["K is not transposed: the scores are Q @ K.T (each query dotted with each key), you used Q @ K"] = softmax(
            Q @ K * right_scale
        )
        mistakes["the scores are K @ Q.T (rows = keys): use Q @ K.T so rows are queries and columns keys"] = softmax(
            K @ Q.T * right_scale
        )
    return mistakes


def _diagnose_weights(got: np.ndarray, expected: np.ndarray, Q: np.ndarray, K: np.ndarray, what: str) -> None:
    """Raise Wrong with the most precise message for weights that are not ``expected``."""
    if np.isnan(got).any():
        raise Wrong(f"{what} contain NaN")
    if np.allclose(got, expected, atol=1e-6):
        return
    for message, wrong in _weights_mistakes(Q, K).items():
        if np.allclose(got, wrong, atol=1e-6):
            raise Wrong(message)
    row_sums = got.sum(axis=-1)
    if not np.allclose(row_sums, 1.0, atol=1e-6):
        if np.allclose(got, Q @ K.T / math.sqrt(Q.shape[-1]), atol=1e-6):
            raise Wrong("these are the scaled scores, not weights: apply softmax over the keys (axis=-1)")
        raise Wrong(
            f"each row of {what} should sum to 1 (one query splits its appetite over all keys), "
            f"your row sums are {np.round(row_sums, 3).tolist()}"
        )
    expect_close(got, expected, what)


@checker("attention weights softmax(Q K^T / sqrt(d_k))")
def check_attention_weights(attention_weights) -> str:
    """Check ``attention_weights(Q (T_q, d_k), K (T_k, d_k)) -> weights (T_q, T_k)``."""
    expect_callable(attention_weights, "attention_weights")
    rng, fresh = np.random.default_rng(2), fresh_rng()
    # a square case first (T_q = T_k = d_k) so that `Q @ K` without the transpose runs and can be recognised;
    # then two cases with sizes and numbers no one has seen before
    shapes = [(4, 4, 4), (3, 5, 6), (2, 7, 9)]
    shapes += [tuple(pick(fresh, 2, 11, avoid={s[j] for s in shapes}) for j in range(3)) for _ in range(2)]
    for i, (T_q, T_k, d_k) in enumerate(shapes):
        rng = rng if i < 3 else fresh
        Q = rng.normal(size=(T_q, d_k))
        K = rng.normal(size=(T_k, d_k))
        what = f"weights for Q {Q.shape}, K {K.shape}"
        result = as_array(call(attention_weights, Q.copy(), K.copy(), shortcuts=_SHORTCUTS), what)
        if result.shape == (T_k, T_q) and T_k != T_q:
            raise Wrong(
                f"{what} have shape {result.shape}, expected (T_q, T_k) = {(T_q, T_k)}: one ROW per query and one "
                "column per key, so compute Q @ K.T (not K @ Q.T)"
            )
        got = expect_shape(result, (T_q, T_k), what)
        expected = softmax(Q @ K.T / math.sqrt(d_k))
        _diagnose_weights(got, expected, Q, K, what)
    return "your weights are softmax(Q K^T / sqrt(d_k)) with one row per query, and every row sums to 1."


def _check_masked_case(scaled_dot_product, Q, K, V, mask, label: str) -> None:
    T_q, T_k, d_v = Q.shape[0], K.shape[0], V.shape[1]
    args = (Q.copy(), K.copy(), V.copy(), None if mask is None else mask.copy())
    try:
        result = call(scaled_dot_product, *args, shortcuts=_SHORTCUTS)
    except Wrong as wrong:
        if "truth value of an array" in str(wrong):
            raise Wrong(f"{wrong}. Test for a missing mask with `if mask is not None:`, not `if mask:`") from None
        raise
    if not isinstance(result, tuple) or len(result) != 2:
        raise Wrong(f"return a tuple (output, weights), got {type(result).__name__}")
    output, weights = as_array(result[0], "output"), as_array(result[1], "weights")
    expected_out, expected_w = scaled_dot_product_attention_np(Q, K, V, mask=mask)
    if is_close(weights, expected_w) and is_close(output, expected_out) and (mask is None or (weights[~mask] == 0).all()):
        return
    if output.shape == (T_q, T_k) and weights.shape == (T_q, d_v):
        raise Wrong("you returned (weights, output): return (output, weights), in that order")
    if output.shape == (T_q, T_k) and np.allclose(output, expected_w, atol=1e-6):
        raise Wrong(
            f"your output is the weights {(T_q, T_k)}: the output is the weighted sum of the values, weights @ V {(T_q, d_v)}"
        )
    weights = expect_shape(weights, (T_q, T_k), f"weights ({label})")
    output = expect_shape(output, (T_q, d_v), f"output ({label})")
    if mask is not None:
        dead = ~mask.any(axis=-1)  # queries that may attend to nothing
        if (np.isnan(weights).any() or np.isnan(output).any()) and dead.any():
            row = int(np.flatnonzero(dead)[0])
            raise Wrong(
                f"query {row} may attend to no key at all (its mask row is all False) and you return NaN: "
                "a fully masked row must give zero weights and a zero output (attention.softmax does that)"
            )
        _, ignored_w = scaled_dot_product_attention_np(Q, K, V)
        if np.allclose(weights, ignored_w, atol=1e-6):
            raise Wrong(f"the mask is ignored ({label}): set the scores where mask is False to -inf before the softmax")
        if np.allclose(weights, ignored_w * mask, atol=1e-6):
            raise Wrong(
                "you zeroed the masked weights AFTER the softmax, so the rows no longer sum to 1: "
                "mask the scores (-inf where mask is False) BEFORE the softmax"
            )
        _, inverted_w = scaled_dot_product_attention_np(Q, K, V, mask=~mask)
        if np.allclose(np.nan_to_num(weights), inverted_w, atol=1e-6):
            raise Wrong(
                "the mask is applied with the wrong sense: True means 'may attend', so block the keys where mask "
                "is False (np.where(mask, scores, -np.inf)), not where it is True"
            )
        if dead.any():
            row = int(np.flatnonzero(dead)[0])
            if not np.allclose(weights[dead], 0.0, atol=1e-9):
                raise Wrong(
                    f"query {row} may attend to no key at all (its mask row is all False), so its weights must all be 0 "
                    f"and its output 0; yours are {np.round(weights[row], 3).tolist()} "
                    "(a -1e9 fill spreads the weight evenly: use -inf and attention.softmax)"
                )
        masked = weights[~mask]
        if np.isnan(masked).any() or not np.all(masked == 0):
            raise Wrong(f"masked weights must be exactly 0 ({label}), yours go up to {np.nanmax(np.abs(masked)):.2e}")
    if mask is None and (np.isnan(weights).all() or np.allclose(weights, 0.0)):
        raise Wrong(
            "with mask=None every weight is 0 (or NaN): np.where(None, scores, -np.inf) masks everything. "
            "Apply the mask only `if mask is not None:`"
        )
    if mask is None:
        _diagnose_weights(weights, expected_w, Q, K, f"weights ({label})")
    else:
        expect_close(weights, expected_w, f"weights ({label})")
    expect_close(output, expected_out, f"output ({label}), the weighted sum weights @ V,")


@checker("scaled dot-product attention with a mask")
def check_scaled_dot_product(scaled_dot_product) -> str:
    """Check ``scaled_dot_product(Q, K, V, mask) -> (output (T_q, d_v), weights (T_q, T_k))``, mask True = may attend."""
    expect_callable(scaled_dot_product, "scaled_dot_product")
    rng = np.random.default_rng(22)
    T_q, T_k, d_k, d_v = 4, 5, 6, 3
    Q = rng.normal(size=(T_q, d_k))
    K = rng.normal(size=(T_k, d_k))
    V = rng.normal(size=(T_k, d_v))
    _check_masked_case(scaled_dot_product, Q, K, V, None, "no mask")
    padding = np.ones((T_q, T_k), dtype=bool)
    padding[:, 3:] = False  # the last two keys are padding
    _check_masked_case(scaled_dot_product, Q, K, V, padding, "padding mask")
    causal = np.tril(np.ones((T_q, T_k), dtype=bool))  # query i sees keys 0..i
    _check_masked_case(scaled_dot_product, Q, K, V, causal, "causal mask")
    dead_row = causal.copy()
    dead_row[2] = False  # query 2 may attend to nothing
    _check_masked_case(scaled_dot_product, Q, K, V, dead_row, "mask with a fully masked row")
    rng = fresh_rng()  # sizes, numbers and a mask no one has seen before
    T_q, T_k, d_k, d_v = (pick(rng, 2, 9, avoid={fixed}) for fixed in (T_q, T_k, d_k, d_v))
    Q, K, V = rng.normal(size=(T_q, d_k)), rng.normal(size=(T_k, d_k)), rng.normal(size=(T_k, d_v))
    mask = rng.random((T_q, T_k)) < 0.6
    mask[np.arange(T_q), rng.integers(T_k, size=T_q)] = True  # every row may attend somewhere ...
    mask[rng.integers(T_q)] = False  # ... but one
    _check_masked_case(scaled_dot_product, Q, K, V, mask, f"a random mask {mask.shape}")
    return "output and weights match attention.scaled_dot_product_attention_np, with masks and fully masked rows."
