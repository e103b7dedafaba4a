"""Tests for the lesson 03 checkers: right answers pass, typical mistakes get precise messages, stubs are todo."""

import math

import numpy as np
import pytest
import torch

from attention.exercises import check_permutation_test, check_self_attention


def sa_right(X, W_q, W_k, W_v):
    Q, K, V = X @ W_q, X @ W_k, X @ W_v
    w = torch.softmax(Q @ K.T / math.sqrt(K.shape[-1]), dim=-1)
    return w @ V, w


def sa_numpy(X, W_q, W_k, W_v):
    X, W_q, W_k, W_v = (t.numpy() for t in (X, W_q, W_k, W_v))
    Q, K, V = X @ W_q, X @ W_k, X @ W_v
    s = Q @ K.T / np.sqrt(K.shape[-1])
    w = np.exp(s - s.max(-1, keepdims=True))
    w /= w.sum(-1, keepdims=True)
    return w @ V, w


def _sa(X, W_q, W_k, W_v, *, scale=True, dim=-1, swap=False, same_qk=False, values=True):
    Q, K, V = X @ W_q, X @ (W_q if same_qk else W_k), (X @ W_v if values else X)
    if swap:
        Q, K = K, Q
    s = Q @ K.T / (math.sqrt(K.shape[-1]) if scale else 1.0)
    w = torch.softmax(s, dim=dim)
    return w @ V, w


def _sa_scaled_by(X, W_q, W_k, W_v, size):
    Q, K, V = X @ W_q, X @ W_k, X @ W_v
    w = torch.softmax(Q @ K.T / math.sqrt(size), dim=-1)
    return w @ V, w


def test_self_attention_right_answers_pass():
    assert check_self_attention(sa_right).passed
    assert check_self_attention(sa_numpy).passed  # NumPy results are fine too


@pytest.mark.parametrize(
    "answer, message",
    [
        (lambda *a: _sa(*a, scale=False), "divide the scores by sqrt(d_k) = sqrt(4)"),
        (lambda *a: _sa(*a, dim=0), "COLUMNS sum to 1"),
        (lambda *a: _sa(*a, swap=True), "queries and keys are swapped"),
        (lambda *a: _sa(*a, same_qk=True), "you used W_q for both"),
        (lambda *a: _sa(*a, values=False), "mixes the raw embeddings X"),
        (lambda *a: (sa_right(*a)[0], sa_right(*a)[1].T), "COLUMNS sum to 1"),
        (lambda *a: sa_right(*a)[0], "return a tuple (output, weights)"),
        (lambda *a: (sa_right(*a)[0], 2 * sa_right(*a)[1]), "should sum to 1"),
        (lambda *a: (sa_right(*a)[0][:, :2], sa_right(*a)[1]), "has shape (5, 2), expected (5, 3)"),
        (lambda *a: (sa_right(*a)[0] + 1, sa_right(*a)[1]), "differs from the expected values"),
        (lambda *a: (sa_right(*a)[0], sa_right(*a)[1][:, :-1]), "has shape (5, 4), expected (5, 5)"),
        (lambda X, *a: 1 / 0, "ZeroDivisionError"),
        (lambda *a: sa_right(*a)[::-1], "you returned (weights, output)"),
        (lambda X, W_q, W_k, W_v: _sa_scaled_by(X, W_q, W_k, W_v, W_v.shape[-1]), "sqrt(d_v = 3, the size of the values)"),
        (lambda X, W_q, W_k, W_v: _sa_scaled_by(X, W_q, W_k, W_v, X.shape[-1]), "sqrt(d = 6, the size of X's rows)"),
    ],
)
def test_self_attention_typical_mistakes(answer, message):
    result = check_self_attention(answer)
    assert result.status == "wrong"
    assert message in result.message


def test_self_attention_stub_and_non_function():
    def stub(X, W_q, W_k, W_v):
        raise NotImplementedError("your code here")

    assert check_self_attention(stub).status == "todo"
    assert check_self_attention(None).status == "todo"
    with pytest.raises(ValueError, match="self_attention must be a function"):
        check_self_attention(np.ones(3))


def perm_right(f, X, perm):
    return torch.allclose(f(X[perm]), f(X)[perm], atol=1e-6)


def test_permutation_test_right_answers_pass():
    assert check_permutation_test(perm_right).passed
    assert check_permutation_test(lambda f, X, p: torch.allclose(f(X[p]), f(X)[p], atol=1e-5)).passed
    assert check_permutation_test(lambda f, X, p: torch.isclose(f(X[p]), f(X)[p], atol=1e-5).all()).passed  # 0-d bool tensor
    assert check_permutation_test(lambda f, X, p: np.allclose(f(X[p]), f(X)[p], atol=1e-5)).passed  # NumPy's bool is fine


@pytest.mark.parametrize(
    "answer, message",
    [
        (lambda f, X, p: torch.allclose(f(X[p]), f(X), atol=1e-6), "not with f(X)"),  # invariance, not equivariance
        (lambda f, X, p: torch.allclose(f(X[p]), f(X)[torch.argsort(p)], atol=1e-6), "not with the inverse permutation"),
        (lambda f, X, p: True, "is NOT permutation-equivariant but you said True"),
        (lambda f, X, p: torch.isclose(f(X[p]), f(X)[p]), "element-by-element comparisons"),
        (lambda f, X, p: "yes", "return True or False"),
    ],
)
def test_permutation_test_typical_mistakes(answer, message):
    result = check_permutation_test(answer)
    assert result.status == "wrong"
    assert message in result.message


def test_permutation_test_stub_and_non_function():
    def stub(f, X, perm):
        raise NotImplementedError("your code here")

    assert check_permutation_test(stub).status == "todo"
    with pytest.raises(ValueError, match="is_permutation_equivariant must be a function"):
        check_permutation_test(True)
