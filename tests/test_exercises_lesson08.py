"""The lesson 08 checker: right answer passes, typical mistakes get precise messages, stubs are 'todo'."""

import re

import pytest

from attention.exercises import check_find_head


def right(attentions, tokens, query, key):
    weights = attentions[:, :, tokens.index(query), tokens.index(key)]  # (L, h)
    return divmod(int(weights.argmax()), weights.shape[1])


def test_right_answer_passes():
    result = check_find_head(right)
    assert result.status == "pass" and "layer 2, head 1" in result.message


@pytest.mark.parametrize(
    "answer, message",
    [
        (lambda a, t, q, k: right(a, t, k, q), "row = the query"),
        (lambda a, t, q, k: tuple(reversed(right(a, t, q, k))), "layer and head are swapped"),
        (lambda a, t, q, k: a[:, :, t.index(q), t.index(k)].argmax(), "flat index 9"),
        (lambda a, t, q, k: divmod(int(a[:, :, t.index(q), t.index(k)].argmin()), a.shape[1]), "SMALLEST"),
        (lambda a, t, q, k: divmod(int(a[:, :, t.index(q), t.index(k)].argmax()), a.shape[0]), "number of layers"),
        (lambda a, t, q, k: a[:, :, t.index(q), t.index(k)].max(), r"returned a weight \(0\.950\)"),
        (lambda a, t, q, k: (0, 0), r"\(0, 0\) is not it"),
        (lambda a, t, q, k: "layer 2", "return a pair"),
        (lambda a, t, q, k: 1 / 0, "ZeroDivisionError"),
    ],
)
def test_typical_mistakes_are_named(answer, message):
    result = check_find_head(answer)
    assert result.status == "wrong"
    assert re.search(message, result.message), result.message


def test_stub_is_todo():
    def stub(attentions, tokens, query, key):
        raise NotImplementedError("your code here")

    assert check_find_head(stub).status == "todo"


def test_non_function_is_a_usage_error():
    with pytest.raises(ValueError, match="find_head must be a function"):
        check_find_head((2, 1))
