"""Checkers for notebooks/03_self_attention.ipynb: self-attention by hand, and the permutation test.

Taught in notebooks/03_self_attention.ipynb.
"""

from __future__ import annotations

import math

import numpy as np
import torch

from ..scaled_dot_product import scaled_dot_product_attention
from ._core import Wrong, as_array, call, checker, expect_callable, expect_close, expect_shape


def _softmax(scores: torch.Tensor, dim: int = -1) -> np.ndarray:
    return torch.softmax(scores, dim=dim).numpy()


@checker("self-attention from one sequence")
def check_self_attention(self_attention) -> str:
    """Check ``self_attention(X (T, d), W_q (d, d_k), W_k (d, d_k), W_v (d, d_v)) -> (output (T, d_v), weights (T, T))``."""
    expect_callable(self_attention, "self_attention")
    gen = torch.Generator().manual_seed(3)
    for T, d, d_k, d_v in ((5, 6, 4, 3), (7, 8, 16, 5)):
        X = torch.randn(T, d, generator=gen, dtype=torch.float64)
        W_q, W_k = (torch.randn(d, d_k, generator=gen, dtype=torch.float64) for _ in range(2))
        W_v = torch.randn(d, d_v, generator=gen, dtype=torch.float64)
        result = call(self_attention, X.clone(), W_q.clone(), W_k.clone(), W_v.clone())
        if not isinstance(result, tuple) or len(result) != 2:
            raise Wrong(f"return a tuple (output, weights), got {type(result).__name__}")
        Q, K, V = X @ W_q, X @ W_k, X @ W_v  # (T, d_k), (T, d_k), (T, d_v)
        expected_out, expected_w = (t.numpy() for t in scaled_dot_product_attention(Q, K, V))
        first = as_array(result[0], "output")
        if first.shape == (T, T) and np.allclose(first, expected_w):
            raise Wrong("you returned (weights, output): return (output, weights), in that order")
        weights = expect_shape(result[1], (T, T), f"weights for X of shape {(T, d)}")
        if np.isnan(weights).any():
            raise Wrong("your weights contain NaN")
        if np.allclose(weights.sum(axis=0), 1.0) and not np.allclose(weights.sum(axis=1), 1.0):
            raise Wrong("your weights' COLUMNS sum to 1: take the softmax over the keys, the last axis (dim=-1), "
                        "so each ROW sums to 1")
        if not np.allclose(weights.sum(axis=1), 1.0):
            sums = weights.sum(axis=1).round(3)
            raise Wrong(f"each row of the weights should sum to 1 (softmax over the keys); your row sums are {sums}")
        if np.allclose(weights, _softmax(Q @ K.T)):
            raise Wrong(f"the weights are right up to the scale: divide the scores by sqrt(d_k) = sqrt({d_k}) before the softmax")
        for name, size in ((f"d_v = {d_v}, the size of the values", d_v), (f"d = {d}, the size of X's rows", d)):
            if size != d_k and np.allclose(weights, _softmax(Q @ K.T / math.sqrt(size))):
                raise Wrong(f"you divided by sqrt({name}): scale by sqrt(d_k) = sqrt({d_k}), the size of the queries and keys "
                            "(K.shape[-1])")
        if np.allclose(weights, _softmax(K @ Q.T / math.sqrt(d_k))):
            raise Wrong("queries and keys are swapped: row i holds query i's scores, Q @ K.T (Q = X @ W_q, K = X @ W_k)")
        if np.allclose(weights, expected_w.T):
            raise Wrong("your weights are transposed: row i should be query i (what token i attends to)")
        if np.allclose(weights, _softmax(Q @ Q.T / math.sqrt(d_k))):
            raise Wrong("the keys must come from W_k (K = X @ W_k); you used W_q for both queries and keys")
        expect_close(weights, expected_w, f"weights for X of shape {(T, d)}")
        output = as_array(result[0], "output")
        if output.shape == (T, d) and np.allclose(output, expected_w @ X.numpy()):
            raise Wrong("the output mixes the raw embeddings X: mix the values V = X @ W_v instead (weights @ V)")
        expect_shape(output, (T, d_v), f"output for X of shape {(T, d)} and W_v of shape {(d, d_v)}")
        expect_close(output, expected_out, f"output for X of shape {(T, d)}")
    return "Q, K and V all come from the same tokens: that is self-attention."


def _attend(X: torch.Tensor, W: torch.Tensor) -> torch.Tensor:
    out, _ = scaled_dot_product_attention(X @ W[0], X @ W[1], X @ W[2])  # (T, d)
    return out


@checker("is it permutation-equivariant?")
def check_permutation_test(is_permutation_equivariant) -> str:
    """Check ``is_permutation_equivariant(f, X, perm) -> bool`` on functions that are and are not equivariant."""
    expect_callable(is_permutation_equivariant, "is_permutation_equivariant")
    gen = torch.Generator().manual_seed(4)
    T, d = 5, 4
    X = torch.randn(T, d, generator=gen)
    W = torch.randn(3, d, d, generator=gen)
    positions = torch.randn(T, d, generator=gen)
    perm = torch.tensor([2, 0, 3, 4, 1])  # not its own inverse, so perm and its inverse differ
    cases = [
        ("self-attention", lambda x: _attend(x, W), True),
        ("a per-token layer tanh(X @ W)", lambda x: torch.tanh(x @ W[0]), True),
        ("self-attention with positions added, f(X) = attention(X + P)", lambda x: _attend(x + positions, W), False),
        ("a running mean (token t averages tokens 0..t)", lambda x: x.cumsum(0) / torch.arange(1, T + 1)[:, None], False),
    ]
    for name, f, expected in cases:
        answer = call(is_permutation_equivariant, f, X.clone(), perm.clone())
        if isinstance(answer, (torch.Tensor, np.ndarray)) and answer.dtype in (torch.bool, np.bool_) and answer.ndim == 0:
            answer = bool(answer)  # torch.equal/allclose give Python bools; a 0-d bool tensor is fine too
        if isinstance(answer, (torch.Tensor, np.ndarray)) and answer.ndim > 0:
            raise Wrong(f"you returned {tuple(answer.shape)} element-by-element comparisons: return ONE True or False for the "
                        "whole function, e.g. with torch.allclose(a, b, atol=1e-6)")
        if not isinstance(answer, (bool, np.bool_)):
            raise Wrong(f"return True or False (one answer for the whole function), got {type(answer).__name__}")
        if bool(answer) == expected:
            continue
        if expected:
            raise Wrong(
                f"{name} IS permutation-equivariant but you said False. Compare f(X[perm]) with f(X)[perm] "
                "(the same outputs, moved the same way), not with f(X) and not with the inverse permutation; "
                "and use torch.allclose, since sums taken in another order differ in the last digits."
            )
        raise Wrong(f"{name} is NOT permutation-equivariant but you said True: did you compare f(X[perm]) with f(X)[perm]?")
    return "you can now test any layer for permutation equivariance."
