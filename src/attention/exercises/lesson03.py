"""Checkers for notebooks/03_self_attention.ipynb: self-attention by hand, and the permutation test.

Taught in notebooks/03_self_attention.ipynb.
"""

from __future__ import annotations

import math

import numpy as np
import torch

from ..scaled_dot_product import scaled_dot_product_attention
from ._core import (
    Wrong,
    as_array,
    checker,
    expect_callable,
    expect_close,
    expect_shape,
    fresh_rng,
    fresh_torch,
    is_close,
    pick,
)
from ._run import call


def _softmax(scores: torch.Tensor, dim: int = -1) -> np.ndarray:
    return torch.softmax(scores, dim=dim).numpy()


def _diagnose_self_weights(
    weights: np.ndarray, Q: torch.Tensor, K: torch.Tensor, expected_w: np.ndarray, d: int, d_v: int
) -> None:
    """Raise Wrong naming the mistake behind weights that are not ``expected_w``, if it is a typical one."""
    d_k = K.shape[-1]
    if not np.allclose(weights.sum(axis=1), 1.0):
        sums = weights.sum(axis=1).round(3)
        raise Wrong(f"each row of the weights should sum to 1 (softmax over the keys); your row sums are {sums}")
    if np.allclose(weights, _softmax(Q @ K.T)):
        raise Wrong(f"the weights are right up to the scale: divide the scores by sqrt(d_k) = sqrt({d_k}) before the softmax")
    for name, size in ((f"d_v = {d_v}, the size of the values", d_v), (f"d = {d}, the size of X's rows", d)):
        if size != d_k and np.allclose(weights, _softmax(Q @ K.T / math.sqrt(size))):
            raise Wrong(
                f"you divided by sqrt({name}): scale by sqrt(d_k) = sqrt({d_k}), the size of the queries and keys (K.shape[-1])"
            )
    if np.allclose(weights, _softmax(K @ Q.T / math.sqrt(d_k))):
        raise Wrong("queries and keys are swapped: row i holds query i's scores, Q @ K.T (Q = X @ W_q, K = X @ W_k)")
    if np.allclose(weights, expected_w.T):
        raise Wrong("your weights are transposed: row i should be query i (what token i attends to)")
    if np.allclose(weights, _softmax(Q @ Q.T / math.sqrt(d_k))):
        raise Wrong("the keys must come from W_k (K = X @ W_k); you used W_q for both queries and keys")


@checker("self-attention from one sequence")
def check_self_attention(self_attention) -> str:
    """Check ``self_attention(X (T, d), W_q (d, d_k), W_k (d, d_k), W_v (d, d_v)) -> (output (T, d_v), weights (T, T))``."""
    expect_callable(self_attention, "self_attention")
    rng = fresh_rng()
    fixed = [(5, 6, 4, 3), (7, 8, 16, 5)]
    fresh = [tuple(pick(rng, 2, 11, avoid={f[j] for f in fixed}) for j in range(4)) for _ in range(2)]  # sizes no one has seen
    for i, (T, d, d_k, d_v) in enumerate([*fixed, *fresh]):
        if i != 1:  # the two fixed cases share one seeded generator, each fresh case has its own
            gen = torch.Generator().manual_seed(3) if i == 0 else fresh_torch(rng)
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
            raise Wrong(
                "your weights' COLUMNS sum to 1: take the softmax over the keys, the last axis (dim=-1), so each ROW sums to 1"
            )
        if not np.allclose(weights, expected_w, rtol=1e-5, atol=1e-6):
            _diagnose_self_weights(weights, Q, K, expected_w, d, d_v)
        expect_close(weights, expected_w, f"weights for X of shape {(T, d)}")
        output = as_array(result[0], "output")
        if output.shape == (T, d) and not is_close(output, expected_out) and np.allclose(output, expected_w @ X.numpy()):
            raise Wrong("the output mixes the raw embeddings X: mix the values V = X @ W_v instead (weights @ V)")
        expect_shape(output, (T, d_v), f"output for X of shape {(T, d)} and W_v of shape {(d, d_v)}")
        expect_close(output, expected_out, f"output for X of shape {(T, d)}")
    return "Q, K and V all come from the same tokens: that is self-attention."


def _attend(X: torch.Tensor, W: torch.Tensor, mask: torch.Tensor | None = None) -> torch.Tensor:
    out, _ = scaled_dot_product_attention(X @ W[0], X @ W[1], X @ W[2], mask=mask)  # (T, d)
    return out


def _permutation_cases(rng: np.random.Generator):
    """(name, f, equivariant?) for a fresh X: five functions that are equivariant and eight that are not.

    "equivariant?" is True, False, or the one position whose row moves wrongly (only two rows of the output move, so
    an answer comparing just some rows, for example the first or the last, is caught).
    """
    gen = fresh_torch(rng)
    T, d = int(rng.integers(5, 9)), int(rng.integers(3, 7))
    X = torch.randn(T, d, generator=gen)
    W = torch.randn(3, d, d, generator=gen) / d**0.5
    positions = torch.randn(T, d, generator=gen)
    causal = torch.ones(T, T, dtype=torch.bool).tril()
    roll = torch.stack([torch.roll(torch.arange(d), t) for t in range(T)])  # (T, d): row t's features rotated by t
    cases = [
        ("self-attention", lambda x: _attend(x, W), True),
        ("a per-token layer tanh(X @ W)", lambda x: torch.tanh(x @ W[0]), True),
        ("LayerNorm of every token", lambda x: torch.nn.functional.layer_norm(x, (d,)), True),
        ("a softmax over the tokens (each column sums to 1)", lambda x: torch.softmax(x, dim=0), True),
        ("self-attention, then a per-token layer", lambda x: torch.tanh(_attend(x, W) @ W[1]), True),
        ("self-attention with positions added, f(X) = attention(X + P)", lambda x: _attend(x + positions, W), False),
        ("a running mean (token t averages tokens 0..t)", lambda x: x.cumsum(0) / torch.arange(1, T + 1)[:, None], False),
        ("self-attention with the output rows in reverse order", lambda x: _attend(x, W).flip(0), False),
        (
            "a per-token layer whose output features are rotated by the token's position",
            lambda x: torch.tanh(x @ W[0]).gather(1, roll),
            False,
        ),
        ("causal self-attention (token t sees tokens 0..t)", lambda x: _attend(x, W, causal), False),
        ("self-attention plus a position vector added to its output", lambda x: _attend(x, W) + positions, False),
    ]
    for r in rng.choice(np.arange(1, T - 1), size=2, replace=False):  # one special position, not the first or last
        bump = torch.zeros(T, d)
        bump[r] = 1.0
        cases.append(
            (f"a per-token layer with a bump added at position {r} only", lambda x, b=bump: torch.tanh(x @ W[0]) + b, int(r))
        )
    return X, cases


def _permutation_moving(T: int, r: int, rng: np.random.Generator) -> torch.Tensor:
    """A permutation that brings token r to a middle position i != r: then only rows r and i of the output move."""
    i = int(rng.choice([j for j in range(1, T - 1) if j != r]))
    perm = rng.permutation(T)
    j = int(np.flatnonzero(perm == r)[0])
    perm[[i, j]] = perm[[j, i]]  # now perm[i] == r
    return torch.from_numpy(perm)


def _permutation_for(X: torch.Tensor, f, rng: np.random.Generator) -> torch.Tensor:
    """A random permutation under which f's output moves clearly in every row, when f is not equivariant.

    Then comparing only some rows, or a summary of them, cannot give the right answer.
    """
    T, best, best_rows = X.shape[0], None, -1
    for _ in range(200):
        perm = torch.from_numpy(rng.permutation(T))
        rows = int(((f(X[perm]) - f(X)[perm]).abs().amax(-1) > 0.05).sum())  # rows that differ clearly
        if rows > best_rows:
            best, best_rows = perm, rows
        if rows == T:
            break
    return best


@checker("is it permutation-equivariant?")
def check_permutation_test(is_permutation_equivariant) -> str:
    """Check ``is_permutation_equivariant(f, X, perm) -> bool`` on functions that are and are not equivariant.

    Fresh inputs every time, each function asked twice, in a random order: only a real test passes.
    """
    expect_callable(is_permutation_equivariant, "is_permutation_equivariant")
    rng = fresh_rng()
    X, cases = _permutation_cases(rng)
    asked = []
    for name, f, kind in cases:
        for _ in range(2):
            if kind is True:
                perm = torch.from_numpy(rng.permutation(X.shape[0]))
            elif kind is False:
                perm = _permutation_for(X, f, rng)
            else:
                perm = _permutation_moving(X.shape[0], kind, rng)
            asked.append((name, f, kind is True, perm))
    for index in rng.permutation(len(asked)):
        name, f, expected, perm = asked[index]
        what = f"is_permutation_equivariant(f = {name}, X {tuple(X.shape)}, perm)"
        answer = call(is_permutation_equivariant, f, X.clone(), perm.clone(), what=what)
        if isinstance(answer, (torch.Tensor, np.ndarray)) and answer.dtype in (torch.bool, np.bool_) and answer.ndim == 0:
            answer = bool(answer)  # torch.equal/allclose give Python bools; a 0-d bool tensor is fine too
        if isinstance(answer, (torch.Tensor, np.ndarray)) and answer.ndim > 0:
            raise Wrong(
                f"you returned {tuple(answer.shape)} element-by-element comparisons: return ONE True or False for the "
                "whole function, e.g. with torch.allclose(a, b, atol=1e-6)"
            )
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
        raise Wrong(
            f"{name} is NOT permutation-equivariant but you said True: compare the whole outputs f(X[perm]) and "
            "f(X)[perm] (not their sums, sorted values or any other summary that forgets where each number sits)"
        )
    return "you can now test any layer for permutation equivariance."
