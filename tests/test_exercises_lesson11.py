"""Tests for the lesson 11 checkers: right answers pass, typical mistakes get precise messages, stubs are todo."""

import numpy as np
import pytest

from attention.exercises import check_patchify, check_pool_orders


def _softmax(x):
    z = np.exp(x - x.max())
    return z / z.sum()


def pool_right(past, context):
    w = _softmax(past @ context / np.sqrt(past.shape[1]))
    return w @ past, w


def pool_unscaled(past, context):
    w = _softmax(past @ context)
    return w @ past, w


def pool_mean(past, context):
    return past.mean(0), np.full(len(past), 1 / len(past))


def pool_argmax(past, context):
    w = _softmax(past @ context / np.sqrt(past.shape[1]))
    return past[w.argmax()], w


def pool_sqrt_orders(past, context):
    w = _softmax(past @ context / np.sqrt(past.shape[0]))  # sqrt(T_h) instead of sqrt(d)
    return w @ past, w


def pool_unsummed(past, context):
    w = _softmax(past @ context / np.sqrt(past.shape[1]))
    return w[:, None] * past, w  # (T_h, d): weighted but not summed


def pool_stub(past, context):
    raise NotImplementedError("your code here")


def test_pool_orders_right_answer_passes():
    result = check_pool_orders(pool_right)
    assert result.status == "pass" and result.passed


@pytest.mark.parametrize(
    "answer, message",
    [
        (pool_unscaled, "divide the scores by sqrt(d) = sqrt(5)"),
        (pool_mean, "plain average, not attention"),
        (pool_argmax, "just the highest-weighted order"),
        (lambda past, context: pool_right(past, context)[0], "return a tuple (query, weights)"),
        (lambda past, context: pool_right(past, context)[::-1], "the order is (query, weights)"),
        (pool_sqrt_orders, "the number of past orders"),
        (lambda past, context: (past.mean(0), pool_right(past, context)[1]), "the query ignores the weights"),
        (lambda past, context: (past.sum(0), pool_right(past, context)[1]), "the query ignores the weights"),
        (pool_unsummed, "did not add them up"),
        (lambda past, context: (pool_right(past, context)[0][:2], pool_right(past, context)[1]), "has shape (2,), expected (5,)"),
        (lambda past, context: (pool_right(past, context)[0], 2 * pool_right(past, context)[1]), "should sum to 1"),
        (lambda past, context: 1 / 0, "ZeroDivisionError"),
    ],
)
def test_pool_orders_typical_mistakes(answer, message):
    result = check_pool_orders(answer)
    assert result.status == "wrong"
    assert message in result.message


def test_pool_orders_stub_and_non_function():
    assert check_pool_orders(pool_stub).status == "todo"
    assert check_pool_orders(None).status == "todo"
    with pytest.raises(ValueError, match="pool_orders must be a function"):
        check_pool_orders(np.ones(3))


def patchify_right(images, p):
    B, H, W = images.shape
    return images.reshape(B, H // p, p, W // p, p).permute(0, 1, 3, 2, 4).reshape(B, -1, p * p)


def patchify_numpy(images, p):
    x = images.numpy()
    B, H, W = x.shape
    return x.reshape(B, H // p, p, W // p, p).transpose(0, 1, 3, 2, 4).reshape(B, -1, p * p)


def test_patchify_right_answers_pass():
    assert check_patchify(patchify_right).passed
    assert check_patchify(patchify_numpy).passed  # a NumPy result is fine too


@pytest.mark.parametrize(
    "answer, message",
    [
        (lambda images, p: images.reshape(images.shape[0], -1, p * p), "pixels of one image ROW"),
        (
            lambda images, p: images.reshape(2, 8 // p, p, 8 // p, p).permute(0, 3, 1, 2, 4).reshape(2, -1, p * p),
            "numbered column by column",
        ),
        (
            lambda images, p: images.reshape(2, 8 // p, p, 8 // p, p).permute(0, 1, 3, 4, 2).reshape(2, -1, p * p),
            "transposed",
        ),
        (lambda images, p: patchify_right(images, p)[:, :-1], "has shape (2, 15, 4), expected (2, 16, 4)"),
        (lambda images, p: patchify_right(images, p) + 1, "differs from the expected values"),
    ],
)
def test_patchify_typical_mistakes(answer, message):
    result = check_patchify(answer)
    assert result.status == "wrong"
    assert message in result.message


def test_patchify_stub_and_non_function():
    def stub(images, p):
        raise NotImplementedError("your code here")

    assert check_patchify(stub).status == "todo"
    with pytest.raises(ValueError, match="patchify must be a function"):
        check_patchify("patchify")
