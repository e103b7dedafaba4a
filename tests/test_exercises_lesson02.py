"""Tests for the lesson 02 checkers: right answers pass, typical mistakes get precise messages, stubs are todo."""

import numpy as np
import pytest
import torch

from attention import softmax
from attention.exercises import check_attention_weights, check_scaled_dot_product


def _softmax_nan(x, axis=-1):
    """A home-made softmax that gives NaN for an all -inf row (the mistake to catch)."""
    with np.errstate(invalid="ignore"):
        e = np.exp(x - x.max(axis=axis, keepdims=True))
        return e / e.sum(axis=axis, keepdims=True)


# ---- exercise 1: attention_weights(Q, K) ----


def weights_right(Q, K):
    return softmax(Q @ K.T / np.sqrt(Q.shape[-1]), axis=-1)


def weights_torch(Q, K):
    q, k = torch.as_tensor(Q), torch.as_tensor(K)
    return torch.softmax(q @ k.T / q.shape[-1] ** 0.5, dim=-1)


@pytest.mark.parametrize("answer", [weights_right, weights_torch, lambda Q, K: weights_right(Q, K).tolist()])
def test_attention_weights_right_answers_pass(answer):
    result = check_attention_weights(answer)
    assert result.status == "pass" and result.passed, result


@pytest.mark.parametrize(
    "answer, message",
    [
        (lambda Q, K: softmax(Q @ K.T), "forgot to divide the scores by sqrt(d_k)"),
        (lambda Q, K: softmax(Q @ K.T / Q.shape[-1]), "divided the scores by d_k = 4 instead of by sqrt(d_k)"),
        (lambda Q, K: softmax(Q @ K.T * np.sqrt(Q.shape[-1])), "multiplied the scores by sqrt(d_k)"),
        (lambda Q, K: softmax(Q @ K.T / np.sqrt(Q.shape[-1]), axis=0), "your COLUMNS sum to 1"),
        (lambda Q, K: softmax(Q @ K / np.sqrt(Q.shape[-1])), "K is not transposed"),
        (lambda Q, K: softmax(K @ Q.T / np.sqrt(Q.shape[-1])), "the scores are K @ Q.T"),
        (lambda Q, K: softmax(Q @ K.T / np.sqrt(K.shape[0])), "divided by sqrt(T_k) = sqrt(5)"),
        (lambda Q, K: softmax(Q @ K.T / np.sqrt(Q.shape[0])), "divided by sqrt(T_q) = sqrt(3)"),
        (
            lambda Q, K: softmax((Q @ K.T / np.sqrt(Q.shape[-1])).reshape(-1)).reshape(len(Q), len(K)),
            "softmax over the whole matrix",
        ),
        (lambda Q, K: Q @ K.T / np.sqrt(Q.shape[-1]), "these are the scaled scores, not weights"),
        (lambda Q, K: softmax(Q @ K.T) / np.sqrt(Q.shape[-1]), "AFTER the softmax"),
        (lambda Q, K: 2 * weights_right(Q, K), "should sum to 1"),
        (lambda Q, K: weights_right(Q, K)[:, :-1], "has shape (4, 3), expected (4, 4)"),
        (lambda Q, K: weights_right(Q, K) * np.nan, "contain NaN"),
        (lambda Q, K: weights_right(Q, K)[::-1], "differs from the expected values"),
        (lambda Q, K: 1 / 0, "ZeroDivisionError"),
    ],
)
def test_attention_weights_typical_mistakes(answer, message):
    result = check_attention_weights(answer)
    assert result.status == "wrong", result
    assert message in result.message, result.message


def test_attention_weights_transposed_result_has_its_own_message():
    def answer(Q, K):  # right in the square case, then rows = keys
        return weights_right(Q, K) if len(Q) == len(K) else softmax(K @ Q.T / np.sqrt(Q.shape[-1]), axis=0)

    result = check_attention_weights(answer)
    assert result.status == "wrong"
    assert "have shape (5, 3), expected (T_q, T_k) = (3, 5)" in result.message
    # Q @ K with non-square shapes crashes: reported, not raised
    crash = check_attention_weights(lambda Q, K: softmax(Q @ K[:3])).message
    assert "your function(array (4, 4), array (4, 4)) raised ValueError: matmul" in crash
    assert "Hint: a matrix product needs matching inner sizes" in crash


def test_attention_weights_stub_and_non_function():
    def stub(Q, K):
        raise NotImplementedError("your code here")

    assert check_attention_weights(stub).status == "todo"
    assert check_attention_weights(None).status == "todo"
    assert check_attention_weights(lambda Q, K: None).status == "wrong"
    with pytest.raises(ValueError, match="attention_weights must be a function"):
        check_attention_weights(np.ones((2, 2)))


# ---- exercise 2: scaled_dot_product(Q, K, V, mask) ----


def make_sdp(fill=-np.inf, sense=True, after=False, own_softmax=False, scale=True, swap=False, weights_only=False, ignore=False):
    """A scaled_dot_product answer with one chosen mistake switched on."""

    def scaled_dot_product(Q, K, V, mask=None):
        scores = Q @ K.T / (np.sqrt(Q.shape[-1]) if scale else 1.0)
        if mask is not None and not after and not ignore:
            scores = np.where(mask if sense else ~mask, scores, fill)
        weights = (_softmax_nan if own_softmax else softmax)(scores, axis=-1)
        if mask is not None and after:
            weights = weights * mask
        output = weights @ V
        if swap:
            return weights, output
        if weights_only:
            return weights, weights
        return output, weights

    return scaled_dot_product


def test_scaled_dot_product_right_answers_pass():
    assert check_scaled_dot_product(make_sdp()).passed
    assert check_scaled_dot_product(make_sdp(fill=-np.inf, own_softmax=False)).passed

    def torch_answer(Q, K, V, mask=None):
        q, k, v = torch.as_tensor(Q), torch.as_tensor(K), torch.as_tensor(V)
        scores = q @ k.T / q.shape[-1] ** 0.5
        if mask is not None:
            scores = scores.masked_fill(~torch.as_tensor(mask), float("-inf"))
        weights = torch.nan_to_num(torch.softmax(scores, dim=-1))  # an all -inf row: NaN -> 0
        return weights @ v, weights

    assert check_scaled_dot_product(torch_answer).passed


@pytest.mark.parametrize("name", ["scaled_dot_product_attention_np", "scaled_dot_product_attention"])
def test_scaled_dot_product_must_not_call_the_library(name):
    import attention

    def shortcut(Q, K, V, mask=None):
        if name.endswith("_np"):
            return attention.scaled_dot_product_attention_np(Q, K, V, mask=mask)
        out, w = attention.scaled_dot_product_attention(
            *(torch.as_tensor(a) for a in (Q, K, V)), mask=None if mask is None else torch.as_tensor(mask)
        )
        return out.numpy(), w.numpy()

    for check in (check_scaled_dot_product, check_attention_weights):
        result = check(shortcut) if check is check_scaled_dot_product else check(lambda Q, K: shortcut(Q, K, K)[1])
        assert result.status == "wrong" and f"calls the library's {name}" in result.message, result


def _if_mask(Q, K, V, mask=None):
    if mask:
        pass
    return make_sdp()(Q, K, V, mask)


def _unguarded_mask(Q, K, V, mask=None):
    scores = np.where(mask, Q @ K.T / np.sqrt(Q.shape[-1]), -np.inf)  # no `if mask is not None`: None masks everything
    weights = softmax(scores, axis=-1)
    return weights @ V, weights


@pytest.mark.parametrize(
    "answer, message",
    [
        (make_sdp(ignore=True), "the mask is ignored (padding mask)"),
        (make_sdp(sense=False), "the mask is applied with the wrong sense: True means 'may attend'"),
        (make_sdp(sense=False, own_softmax=True), "the mask is applied with the wrong sense"),
        (make_sdp(after=True), "zeroed the masked weights AFTER the softmax"),
        (make_sdp(own_softmax=True), "query 2 may attend to no key at all (its mask row is all False) and you return NaN"),
        (make_sdp(fill=-1e9), "a -1e9 fill spreads the weight evenly"),
        (make_sdp(fill=-1e9, own_softmax=True), "a -1e9 fill spreads the weight evenly"),
        (make_sdp(swap=True), "you returned (weights, output)"),
        (make_sdp(weights_only=True), "your output is the weights (4, 5)"),
        (make_sdp(scale=False), "forgot to divide the scores by sqrt(d_k)"),
        (lambda Q, K, V, mask=None: make_sdp()(Q, K, V, mask)[0], "return a tuple (output, weights)"),
        (lambda Q, K, V, mask=None: (make_sdp()(Q, K, V, mask)[0] + 1, make_sdp()(Q, K, V, mask)[1]), "output (no mask)"),
        (lambda Q, K, V, mask=None: (V[:4], make_sdp()(Q, K, V, mask)[1]), "differs from the expected values"),
        (lambda Q, K, V, mask=None: (make_sdp()(Q, K, V, mask)[0][:, :2], make_sdp()(Q, K, V, mask)[1]), "expected (4, 3)"),
        (_if_mask, "Test for a missing mask with `if mask is not None:`"),
        (_unguarded_mask, "np.where(None, scores, -np.inf) masks everything"),
    ],
)
def test_scaled_dot_product_typical_mistakes(answer, message):
    result = check_scaled_dot_product(answer)
    assert result.status == "wrong", result
    assert message in result.message, result.message


def test_scaled_dot_product_masked_weight_not_exactly_zero():
    def leaky(Q, K, V, mask=None):
        out, w = make_sdp()(Q, K, V, mask)
        if mask is not None:
            w = np.where(mask, w, 1e-12)
        return out, w

    result = check_scaled_dot_product(leaky)
    assert result.status == "wrong"
    assert "masked weights must be exactly 0 (padding mask)" in result.message


def test_scaled_dot_product_stub_and_non_function():
    def stub(Q, K, V, mask=None):
        raise NotImplementedError("your code here")

    assert check_scaled_dot_product(stub).status == "todo"
    with pytest.raises(ValueError, match="scaled_dot_product must be a function"):
        check_scaled_dot_product("scaled_dot_product")
