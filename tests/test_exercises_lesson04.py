"""Tests for the lesson 04 checkers: right answers pass, typical mistakes get precise messages, stubs are todo."""

import numpy as np
import pytest

from attention.exercises import check_count_parameters, check_merge_heads, check_split_heads


def split_right(x, h):
    B, T, d = x.shape
    return x.reshape(B, T, h, d // h).transpose(1, 2)


def split_numpy(x, h):
    B, T, d = x.shape
    return x.numpy().reshape(B, T, h, d // h).transpose(0, 2, 1, 3)


def split_loop(x, h):
    d_k = x.shape[-1] // h
    import torch

    return torch.stack([x[..., i * d_k : (i + 1) * d_k] for i in range(h)], dim=1)


def test_split_heads_right_answers_pass():
    for answer in (split_right, split_numpy, split_loop):
        assert check_split_heads(answer).passed


@pytest.mark.parametrize(
    "answer, message",
    [
        (lambda x, h: x.reshape(x.shape[0], h, x.shape[1], -1), "without a transpose"),
        (lambda x, h: x.reshape(x.shape[0], x.shape[1], h, -1), "move the head axis before T"),
        (lambda x, h: x.reshape(x.shape[0], x.shape[1], -1, h).permute(0, 3, 1, 2), "every h-th feature"),
        (lambda x, h: x.reshape(x.shape[0], -1, x.shape[1] * h), "expected (B, h, T, d_k) = (2, 2, 3, 4)"),
        (lambda x, h: split_right(x, h) * 2, "differs from the expected values"),
        (lambda x, h: 1 / 0, "ZeroDivisionError"),
    ],
)
def test_split_heads_typical_mistakes(answer, message):
    result = check_split_heads(answer)
    assert result.status == "wrong"
    assert message in result.message


def merge_right(x):
    B, h, T, d_k = x.shape
    return x.transpose(1, 2).reshape(B, T, h * d_k)


def test_merge_heads_right_answer_passes():
    assert check_merge_heads(merge_right).passed
    assert check_merge_heads(lambda x: x.permute(0, 2, 1, 3).flatten(2)).passed


@pytest.mark.parametrize(
    "answer, message",
    [
        (lambda x: x.reshape(x.shape[0], x.shape[2], -1), "without a transpose"),
        (lambda x: x.transpose(1, 2), "also flatten the last two axes"),
        (lambda x: x.permute(0, 2, 3, 1).reshape(x.shape[0], x.shape[2], -1), "interleaved"),
        (lambda x: merge_right(x)[..., :-1], "expected (B, T, h * d_k) = (2, 3, 8)"),
        (lambda x: merge_right(x) + 1, "differs from the expected values"),
    ],
)
def test_merge_heads_typical_mistakes(answer, message):
    result = check_merge_heads(answer)
    assert result.status == "wrong"
    assert message in result.message


def test_count_parameters():
    assert check_count_parameters(lambda d, h: 4 * d * d + 4 * d).passed
    assert check_count_parameters(lambda d, h: np.int64(4 * d * (d + 1))).passed


@pytest.mark.parametrize(
    "answer, message",
    [
        (lambda d, h: 3 * d * d + 3 * d, "forgot W_O"),
        (lambda d, h: 4 * d * d, "forgot the biases"),
        (lambda d, h: 3 * d * d, "forgot W_O and the biases"),
        (lambda d, h: 4 * h * (d * d + d), "does not depend on the number of heads"),
        (lambda d, h: 4 * (d * (d // h) + d // h), "counted one head only"),
        (lambda d, h: 4 * d * d + 4 * d + 1, "expected 288"),
        (lambda d, h: "many", "should be a whole number, got str 'many'"),
    ],
)
def test_count_parameters_typical_mistakes(answer, message):
    result = check_count_parameters(answer)
    assert result.status == "wrong"
    assert message in result.message


def test_stubs_and_non_functions():
    def stub(*args):
        raise NotImplementedError("your code here")

    checks = ((check_split_heads, "split_heads"), (check_merge_heads, "merge_heads"))
    checks += ((check_count_parameters, "count_parameters"),)
    for check, name in checks:
        assert check(stub).status == "todo"
        assert check(None).status == "todo"
        with pytest.raises(ValueError, match=f"{name} must be a function"):
            check(42)
