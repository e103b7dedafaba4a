"""The shared checker machinery: todo for stubs, precise wrong messages, pass, usage errors."""

import numpy as np
import pytest

from attention.exercises._core import Wrong, call, checker, expect_callable, expect_close, expect_shape


@checker("double it")
def check_double(fn):
    expect_callable(fn, "fn")
    x = np.arange(3.0)
    result = expect_shape(call(fn, x), (3,), "your result")
    expect_close(result, 2 * x, "your result")
    return "doubled correctly"


def stub(x):
    raise NotImplementedError("your code here")


@pytest.mark.parametrize(
    "answer, status, text",
    [
        (lambda x: 2 * x, "pass", "✅ double it: doubled correctly"),
        (stub, "todo", "not done yet"),
        (None, "todo", "not done yet"),
        (lambda x: None, "todo", "not done yet"),
        (lambda x: x, "wrong", "at index (2,) you have 2.0000, expected 4.0000"),
        (lambda x: np.stack([x, x]), "wrong", r"shape (2, 3), expected (3,)"),
        (lambda x: x * np.nan, "wrong", "contains NaN"),
        (lambda x: 1 / 0, "wrong", "your function raised ZeroDivisionError"),
        (lambda x: "text", "wrong", "should be an array of numbers"),
    ],
)
def test_statuses_and_messages(answer, status, text):
    result = check_double(answer)
    assert result.status == status
    assert text in repr(result)
    assert bool(result) == (status == "pass")


def test_non_function_is_a_usage_error():
    with pytest.raises(ValueError, match="fn must be a function"):
        check_double(np.arange(3.0))


def test_wrong_can_be_raised_directly():
    @checker("always wrong")
    def check(fn):
        raise Wrong("because")

    assert repr(check(lambda: 1)) == "❌ always wrong: because"
