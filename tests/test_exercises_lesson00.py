"""Tests for the lesson 00 warm-up checker: right answer passes, typical mistakes get precise messages, stubs are todo."""

import numpy as np
import pytest
import torch

from attention.exercises import check_split_appetite


def split_right(bites):
    return bites / bites.sum()


def test_right_answers_pass():
    assert check_split_appetite(split_right).passed
    assert check_split_appetite(lambda bites: list(bites / np.sum(bites))).passed  # a list is fine
    assert check_split_appetite(lambda bites: torch.tensor(bites) / float(sum(bites))).passed  # so is a tensor


@pytest.mark.parametrize(
    "answer, message",
    [
        (lambda bites: bites, "returned the bites unchanged"),
        (lambda bites: bites / bites.max(), "divided by the largest entry"),
        (lambda bites: bites / len(bites), "divided by the number of dishes"),
        (lambda bites: np.exp(bites) / np.exp(bites).sum(), "is a softmax of the bites"),
        (lambda bites: 1 - bites / bites.sum(), "differs from the expected values"),
        (lambda bites: bites / bites.sum() * 0.5, "sum to 0.500, they must sum to 1"),
        (lambda bites: (bites / bites.sum())[:1], "has shape (1,), expected (2,)"),
        (lambda bites: float(bites.sum()), "has shape (), expected (2,)"),
        (lambda bites: np.full(bites.shape, np.nan), "contains NaN or infinity"),
        (lambda bites: bites.nosuchmethod(), "AttributeError"),
    ],
)
def test_typical_mistakes(answer, message):
    result = check_split_appetite(answer)
    assert result.status == "wrong", result
    assert message in result.message
    assert repr(result).startswith("❌ WRONG · split my appetite:")


def test_stub_is_todo_and_non_function_is_an_error():
    def stub(bites):
        raise NotImplementedError("your code here")

    assert check_split_appetite(stub).status == "todo"
    assert repr(check_split_appetite(stub)).startswith("⏳")
    returned_none = check_split_appetite(lambda bites: None)  # a forgotten `return` is a mistake, not a stub
    assert returned_none.status == "wrong" and "returned None: did you forget the `return` line?" in returned_none.message
    assert repr(check_split_appetite(split_right)).startswith("✅")
    with pytest.raises(ValueError, match="split_appetite must be a function"):
        check_split_appetite(np.array([0.8, 0.2]))
