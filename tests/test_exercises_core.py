"""The shared checker machinery: todo for stubs, precise wrong messages, pass, usage errors, never a crash."""

import time

import numpy as np
import pytest
import torch

import attention
from attention.exercises import _core, _run
from attention.exercises._core import Wrong, as_array, as_count, checker, expect_callable, expect_close, expect_shape
from attention.exercises._loops import expect_no_loops
from attention.exercises._run import Shortcut, call


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
        (lambda x: 2 * x, "pass", "✅ DONE · double it: doubled correctly"),
        (stub, "todo", "⏳ NOT DONE YET · double it: replace `raise NotImplementedError`"),
        (None, "todo", "⏳ NOT DONE YET · double it: write your answer"),
        (lambda x: ..., "todo", "NOT DONE YET"),
        (lambda x: None, "wrong", "❌ WRONG · double it: your function(array (3,)) returned None: did you forget the `return`"),
        (lambda x: x, "wrong", "at index (2,) you have 2, expected 4"),
        (lambda x: np.stack([x, x]), "wrong", r"shape (2, 3), expected (3,)"),
        (lambda x: x * np.nan, "wrong", "contains NaN"),
        (lambda x: 1 / 0, "wrong", "your function(array (3,)) raised ZeroDivisionError"),
        (lambda x: "text", "wrong", "should be an array of numbers, got the text 'text'"),
        (lambda x: 2 * x + 0j, "wrong", "holds complex numbers"),
        (lambda x: torch.complex(2 * torch.tensor(x), torch.zeros(3, dtype=torch.float64)), "wrong", "holds complex numbers"),
        (lambda x: [[0.0], [2.0, 3.0], [4.0]], "wrong", "should be an array of numbers"),
        (lambda x: [10**400, 2, 4], "wrong", "should be an array of numbers"),
    ],
)
def test_statuses_and_messages(answer, status, text):
    result = check_double(answer)
    assert result.status == status
    assert text in repr(result), repr(result)
    assert bool(result) == (status == "pass")


@pytest.mark.parametrize("status, word, icon", [("pass", "DONE", "✅"), ("wrong", "WRONG", "❌"), ("todo", "NOT DONE YET", "⏳")])
def test_results_say_it_in_words_and_in_colour(status, word, icon):
    result = _core.CheckResult("an exercise", status, "use `x <= 1` & <b>not</b> this")
    assert repr(result).startswith(f"{icon} {word} · an exercise: ")  # text/plain: readable without an emoji font
    page = result._repr_html_()
    assert f"<b>{icon} {word}</b>" in page and f"attention-check-{status}" in page and "background:" in page
    assert "<code>x &lt;= 1</code> &amp; &lt;b&gt;not&lt;/b&gt; this" in page  # escaped; `code` shown as code


def test_non_function_is_a_usage_error():
    with pytest.raises(ValueError, match="fn must be a function"):
        check_double(np.arange(3.0))


def test_wrong_can_be_raised_directly():
    @checker("always wrong")
    def check(fn):
        raise Wrong("because")

    assert repr(check(lambda: 1)) == "❌ WRONG · always wrong: because"


def test_a_crash_while_reading_the_answer_is_reported_not_raised():
    @checker("read it")
    def check(fn):
        return f"{int(call(fn)):d}"  # int(inf) raises OverflowError inside the checker

    result = check(lambda: float("inf"))
    assert result.status == "wrong" and "could not be read: OverflowError" in result.message


@pytest.mark.parametrize(
    "error, hint",
    [
        (lambda: np.ones((2, 3)) @ np.ones((2, 3)), "matching inner sizes"),
        (lambda: torch.ones(2, 3) @ torch.ones(2, 3), "matching inner sizes"),
        (lambda: torch.ones(2, 3) - torch.ones(2, 3).max(-1), "take .values"),
        (lambda: np.ones((2, 3)) - np.ones((2, 3)).max(-1), "keepdims=True"),
        (lambda: torch.ones(2, 3) / torch.ones(2, 3).sum(-1), "keepdim=True"),
        (lambda: torch.exp(np.ones(3)), "this input is a NumPy array"),
        (lambda: np.ones(3).masked_fill(None, 0), "NumPy arrays have no .masked_fill: check the name"),
        (lambda: np.ones(3).total(), "NumPy arrays have no .total: check the name (NumPy has .sum()"),
        (lambda: torch.ones(3).argsort(axis=0).nosuch(), "torch tensors have no .nosuch"),
        (lambda: torch.ones(2) + (torch.ones(2), torch.ones(2)), "returns a tuple (output, weights)"),
        (lambda: (torch.ones(2), None).shape, "returns a tuple (output, weights)"),
        (lambda: torch.ones(2, 3, 4).transpose(1, 2).view(2, 12), "use .reshape instead of .view"),
        (lambda: bool(np.ones(3)), "`if mask is not None:`"),
        (lambda: torch.ones(2, 12).reshape(2, 5, 5), "comes from the right axis"),
    ],
)
def test_crashes_name_the_call_and_the_usual_cause(error, hint):
    def answer(x):
        error()

    with pytest.raises(Wrong) as raised:
        call(answer, np.ones((2, 3)))
    assert str(raised.value).startswith("answer(array (2, 3)) raised ")
    assert hint in str(raised.value)


def test_an_endless_loop_is_stopped(monkeypatch):
    monkeypatch.setattr(_run, "TIME_LIMIT", 0.3)

    def forever(x):
        while True:
            try:
                x = x + 1
            except Exception:  # a learner's catch-all must not swallow the time limit
                pass

    started = time.perf_counter()
    result = check_double(forever)
    assert time.perf_counter() - started < 5
    assert result.status == "wrong" and "still running after 0.3 s and was stopped: an endless loop?" in result.message
    assert check_double(lambda x: 2 * x).passed  # the alarm is gone afterwards


def test_changing_an_input_in_place_is_wrong():
    def in_place(x):
        x *= 2
        return x

    result = check_double(in_place)
    assert result.status == "wrong" and "changed its argument `x` in place" in result.message

    def tensor_in_place(scores):
        scores.sub_(1)
        return scores

    with pytest.raises(Wrong, match="changed its argument `scores` in place"):
        call(tensor_in_place, torch.ones(3))
    block = torch.nn.Linear(2, 2)
    with pytest.raises(Wrong, match="changed its argument `module` in place"):
        call(lambda module, x: module.weight.data.zero_() @ x, block, torch.ones(2))


def test_shortcuts_are_detected_however_they_are_reached():
    from attention import split_heads  # noqa: F401  (the learner's import, which the tripwire must see)

    shortcut = [Shortcut("attention", "split_heads", "the library's split_heads")]
    x = torch.ones(1, 2, 4)
    for answer in (
        lambda x: split_heads(x, 2),
        lambda x: attention.split_heads(x, 2),
        lambda x: attention.multi_head.split_heads(x, 2),
        lambda x: attention.MultiHeadAttention(4, 2)(x),
    ):
        with pytest.raises(Wrong, match="calls the library's split_heads: this exercise is to write it yourself"):
            call(answer, x, shortcuts=shortcut)
    assert attention.split_heads is attention.multi_head.split_heads  # everything put back
    assert split_heads is attention.split_heads
    assert call(lambda x: x.reshape(1, 2, 2, 2).transpose(1, 2), x, shortcuts=shortcut).shape == (1, 2, 2, 2)


def test_a_method_can_be_a_shortcut_and_is_put_back():
    block = attention.TransformerBlock(4, 2, 8).eval()
    x = torch.randn(1, 3, 4)
    with pytest.raises(Wrong, match="calls the whole block"):
        call(lambda b, x: b(x), block, x, shortcuts=[Shortcut(block, "forward", "the whole block")])
    assert "forward" not in vars(block) and block(x).shape == (1, 3, 4)


def loop_free(T, d):
    return np.arange(T)[:, None] * np.ones(d)


def with_for(T, d):
    rows = []
    for t in range(T):
        rows.append(np.full(d, t))
    return np.array(rows)


def with_comprehension(T, d):
    return np.array([np.full(d, t) for t in range(T)])


def _helper_rows(T, d):
    t = 0
    out = []
    while t < T:
        out.append(np.full(d, t))
        t += 1
    return out


def with_helper(T, d):
    return np.array(_helper_rows(T, d))


def with_map(T, d):
    return np.array(list(map(lambda t: np.full(d, t), range(T))))


@pytest.mark.parametrize(
    "answer, found",
    [
        (with_for, "a `for` loop"),
        (with_comprehension, "a comprehension"),
        (with_helper, "a `while` loop in _helper_rows()"),
        (with_map, "map(), a loop in disguise"),
    ],
)
def test_loops_are_found_where_the_exercise_forbids_them(answer, found):
    with pytest.raises(Wrong, match="asks for no Python loops"):
        expect_no_loops(answer, "table", "Broadcast.")
    try:
        expect_no_loops(answer, "table", "Broadcast.")
    except Wrong as wrong:
        assert found in str(wrong)
    expect_no_loops(loop_free, "table", "Broadcast.")  # no loop: nothing to say
    expect_no_loops(np.zeros, "table", "Broadcast.")  # no source to read: nothing to say


def test_as_count_is_exact_and_strict():
    assert as_count(10**400, "n") == 10**400
    assert as_count(288.0, "n") == 288 and as_count(np.int64(7), "n") == 7 and as_count(torch.tensor(5), "n") == 5
    for bad, message in [
        (288.9, "no fractional part"),
        (float("inf"), "got inf"),
        ("288", "got str"),
        (True, "got bool"),
        (np.ones(2), "one whole number"),
        ([1, 2], "got list"),
        (float("nan"), "got nan"),
    ]:
        with pytest.raises(Wrong, match=message):
            as_count(bad, "n")


def test_differences_show_enough_digits_and_their_size():
    with pytest.raises(Wrong) as raised:
        expect_close(np.array([1.92743]), np.array([1.92740]), "w")
    assert "you have 1.92743, expected 1.9274 (off by 3e-05, more than the 2e-05 allowed" in str(raised.value)
    expect_close(np.array([1000.004]), np.array([1000.0]), "w")  # relative tolerance: 1e-5 of 1000
    with pytest.raises(Wrong, match="index"):
        expect_close(np.array([1e-3 + 1e-5]), np.array([1e-3]), "w")
    assert as_array(torch.tensor([1.0], dtype=torch.bfloat16), "w").dtype == np.float64
