"""Tests for the lesson 13 checkers: right answers pass, typical mistakes get precise messages, stubs are todo."""

import numpy as np
import pytest
import torch

from attention.exercises import check_best_span, check_mix


def span_loop(start, end, max_answer):
    best, where = -np.inf, None
    for i in range(len(start)):
        for j in range(i, min(len(end), i + max_answer)):
            if start[i] + end[j] > best:
                best, where = start[i] + end[j], (i, j)
    return where


def span_vectorised(start, end, max_answer):
    T = len(start)
    i, j = np.arange(T)[:, None], np.arange(T)[None, :]
    pair = np.where((j >= i) & (j < i + max_answer), start[:, None] + end[None, :], -np.inf)
    k = int(pair.argmax())
    return k // T, k % T


def span_torch(start, end, max_answer):
    i, j = span_vectorised(start, end, max_answer)
    return torch.tensor([i, j])


def test_best_span_right_answers_pass():
    for answer in (span_loop, span_vectorised, span_torch):
        assert check_best_span(answer).passed


def span_off_by_one(start, end, max_answer):
    return span_loop(start, end, max_answer + 1)


def span_unlimited(start, end, max_answer):
    return span_loop(start, end, 100)


@pytest.mark.parametrize(
    "answer, message",
    [
        (lambda s, e, m: (int(np.argmax(s)), int(np.argmax(e))), "ends (word 1) before it starts (word 2)"),
        (span_off_by_one, "one more than max_answer"),
        (span_unlimited, "more than max_answer"),
        (lambda s, e, m: span_loop(s, e, m)[::-1], "you returned (end, start)"),
        (lambda s, e, m: (0, 0), "scores"),
        (lambda s, e, m: (1.5, 2.0), "positions, not scores"),
        (lambda s, e, m: span_loop(s, e, m)[0], "return two positions"),
        (lambda s, e, m: "0-3", "should be an array of numbers"),
        (lambda s, e, m: s[10], "IndexError"),
    ],
)
def test_best_span_typical_mistakes(answer, message):
    result = check_best_span(answer)
    assert result.status == "wrong", result
    assert message in result.message


def test_best_span_stub_and_non_function():
    def stub(start, end, max_answer):
        raise NotImplementedError("your code here")

    assert check_best_span(stub).status == "todo"
    with pytest.raises(ValueError, match="best_span must be a function"):
        check_best_span([0, 1])


def mix_right(p_gen, words, copy, src, V):
    out = np.zeros((len(p_gen), V))
    out[:, : words.shape[1]] = p_gen[:, None] * words
    np.add.at(out, (slice(None), src), (1 - p_gen[:, None]) * copy)
    return out


def mix_torch(p_gen, words, copy, src, V):
    p, w, c = (torch.as_tensor(x) for x in (p_gen, words, copy))
    out = torch.zeros(len(p), V, dtype=w.dtype)
    out[:, : w.shape[1]] = p[:, None] * w
    index = torch.as_tensor(src)[None, :].expand(len(p), -1)
    return out.scatter_add(1, index, (1 - p[:, None]) * c)


def mix_overwrite(p_gen, words, copy, src, V):
    out = np.zeros((len(p_gen), V))
    out[:, : words.shape[1]] = p_gen[:, None] * words
    out[:, src] = (1 - p_gen[:, None]) * copy
    return out


def mix_by_position(p_gen, words, copy, src, V):
    out = np.zeros((len(p_gen), V))
    out[:, : words.shape[1]] = p_gen[:, None] * words
    out[:, : copy.shape[1]] += (1 - p_gen[:, None]) * copy
    return out


def test_mix_right_answers_pass():
    assert check_mix(mix_right).passed
    assert check_mix(mix_torch).passed


@pytest.mark.parametrize(
    "answer, message",
    [
        (mix_overwrite, "ADD the weights"),
        (mix_by_position, "the token the input holds there"),
        (lambda p, w, c, s, V: mix_right(1 - p, w, c, s, V), "swapped"),
        (lambda p, w, c, s, V: mix_right(p, w, c / (1 - p[:, None]), s, V), "not multiplied by (1 - p_gen)"),
        (lambda p, w, c, s, V: mix_right(p, w / p[:, None], c, s, V), "not multiplied by p_gen"),
        (lambda p, w, c, s, V: mix_right(p, w, c, s, V) * 2, "should sum to 1"),
        (lambda p, w, c, s, V: np.roll(mix_right(p, w, c, s, V), 1, axis=0), "differs from the expected values"),
        (lambda p, w, c, s, V: mix_right(p, w, c, s, V)[:, :-1], "expected (4, 10)"),
        (lambda p, w, c, s, V: mix_right(p, w, c, s, V) * np.nan, "NaN"),
        (lambda p, w, c, s, V: c @ w, "ValueError"),
    ],
)
def test_mix_typical_mistakes(answer, message):
    result = check_mix(answer)
    assert result.status == "wrong", result
    assert message in result.message


def test_mix_stub_and_non_function():
    def stub(*args):
        raise NotImplementedError("your code here")

    assert check_mix(stub).status == "todo"
    with pytest.raises(ValueError, match="mix must be a function"):
        check_mix(np.eye(3))


@pytest.mark.parametrize("call_to_spoil", range(10))
def test_best_span_never_passes_an_answer_wrong_in_one_case(call_to_spoil):
    calls = []

    def almost(start, end, max_answer):
        calls.append(1)
        i, j = span_loop(start, end, max_answer)
        if len(calls) == call_to_spoil + 1:
            return (i, j + 1) if j + 1 < min(len(end), i + max_answer) else (i, j - 1) if j > i else (i + 1, j + 1)
        return i, j

    assert check_best_span(almost).status == "wrong"


@pytest.mark.parametrize("where", [(0, 0), (2, 9), (3, 5)])
def test_mix_never_passes_an_answer_wrong_in_one_entry(where):
    def almost(p, w, c, s, V):
        out = mix_right(p, w, c, s, V)
        out[where] += 1e-4
        return out

    assert check_mix(almost).status == "wrong"
