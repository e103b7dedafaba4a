"""Tests for the lesson 01 checkers: right answers pass, typical mistakes get precise messages, stubs are todo."""

import numpy as np
import pytest
import torch

from attention import softmax
from attention.exercises import check_scores, check_soft_lookup, check_softmax_temperature, check_temperature_for


def stub(*args):
    raise NotImplementedError("your code here")


def scores_right(query, features):
    return features @ query


def test_scores_right_answers_pass():
    assert check_scores(scores_right).passed
    assert check_scores(lambda q, f: (f * q).sum(axis=1)).passed
    assert check_scores(lambda q, f: [float(row @ q) for row in f]).passed  # a list is fine
    assert check_scores(lambda q, f: torch.tensor(f) @ torch.tensor(q)).passed  # so is a tensor


@pytest.mark.parametrize(
    "answer, message",
    [
        (lambda q, f: f * q, "multiplied flavour by flavour but did not add up"),
        (lambda q, f: (f * q).sum(axis=0), "added up over the dishes (axis 0)"),
        (lambda q, f: softmax(f @ q), "you returned softmax weights"),
        (lambda q, f: f @ q / np.sqrt(len(q)), "divided by sqrt(d) = sqrt(5)"),
        (lambda q, f: (f @ q)[:-1], "has shape (6,), expected (7,)"),
        (lambda q, f: f @ q + 1, "differs from the expected values"),
        (lambda q, f: f.T @ q, "ValueError"),
        (lambda q, f: (f * q).sum(), "added up everything into one number"),
        (lambda q, f: "spicy", "should be an array of numbers"),
    ],
)
def test_scores_typical_mistakes(answer, message):
    result = check_scores(answer)
    assert result.status == "wrong", result
    assert message in result.message


def softmax_right(scores, temperature):
    z = scores / temperature
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def test_softmax_temperature_right_answers_pass():
    assert check_softmax_temperature(softmax_right).passed
    assert check_softmax_temperature(lambda s, t: torch.softmax(torch.tensor(s) / t, dim=-1)).passed


def test_softmax_temperature_must_not_call_the_library_softmax():
    result = check_softmax_temperature(lambda s, t: softmax(s, temperature=t))
    assert result.status == "wrong"
    assert "calls the library's softmax: this exercise is to write it yourself" in result.message
    assert check_softmax_temperature(lambda s, t: torch.softmax(torch.tensor(s) / t, dim=-1)).passed


def sm(x, axis=-1):
    """A home-made softmax, so the typical mistakes below do not call the library's (which is a mistake of its own)."""
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def naive(scores, temperature):
    e = np.exp(scores / temperature)
    return e / e.sum(axis=-1, keepdims=True)


@pytest.mark.parametrize(
    "answer, message",
    [
        (lambda s, t: sm(s / t, axis=0), "your columns sum to 1, not your rows"),
        (lambda s, t: np.exp(s / t) / np.exp(s / t).sum(), "divided by the sum of ALL entries"),
        (lambda s, t: sm(s * t), "you multiplied by the temperature"),
        (lambda s, t: sm(s), "the temperature made no difference"),
        (lambda s, t: s / t, "must sum to 1"),
        (lambda s, t: (s / t) / (s / t).sum(axis=-1, keepdims=True), "differs from the expected values"),
        (naive, "overflows (exp(1000) is inf): subtract the largest score first"),
        (lambda s, t: sm(s / t).ravel()[:3], "expected (6,)"),
        (lambda s, t: np.full(s.shape, np.nan), "contains NaN"),
    ],
)
def test_softmax_temperature_typical_mistakes(answer, message):
    result = check_softmax_temperature(answer)
    assert result.status == "wrong", result
    assert message in result.message


def lookup_right(query, keys, values, temperature):
    return softmax(keys @ query / temperature) @ values


@pytest.mark.parametrize(
    "answer, message",
    [
        (lambda q, k, v, t: softmax(k @ q / t), "returned the weights (6,)"),
        (lambda q, k, v, t: softmax(k @ q / t) @ k, "mixed the keys"),
        (lambda q, k, v, t: (k @ q / t) @ v, "turn the scores into weights with a softmax first"),
        (lambda q, k, v, t: v[np.argmax(k @ q)], "a hard lookup"),
        (lambda q, k, v, t: softmax(k @ q * t) @ v, "you multiplied the scores by the temperature"),
        (lambda q, k, v, t: softmax(k @ q) @ v, "the temperature made no difference"),
        (lambda q, k, v, t: softmax(k @ q / (np.sqrt(len(q)) * t)) @ v, "divided by sqrt(d) = sqrt(5) as well"),
        (lambda q, k, v, t: (lookup_right(q, k, v, t), softmax(k @ q / t)), "returned a tuple of 2"),
        (lambda q, k, v, t: lookup_right(q, k, v, t)[:2], "has shape (2,), expected (3,)"),
        (lambda q, k, v, t: softmax(k @ v) @ v, "ValueError"),
        (lambda q, k, v, t: v.mean(axis=0), "differs from the expected values"),
        (lambda q, k, v, t: softmax(k @ q / t)[:, None] * v, "did not add them up"),
        (lambda q, k, v, t: (softmax(k @ q / t)[:, None] * v).mean(axis=0), "you averaged the weighted values"),
    ],
)
def test_soft_lookup_typical_mistakes(answer, message):
    result = check_soft_lookup(answer)
    assert result.status == "wrong", result
    assert message in result.message


def test_soft_lookup_right_answers_pass():
    assert check_soft_lookup(lookup_right).passed
    assert check_soft_lookup(lambda q, k, v, t: softmax_right(k @ q, t) @ v).passed


@pytest.mark.parametrize("check", [check_scores, check_softmax_temperature, check_soft_lookup])
def test_stubs_are_todo_and_non_functions_are_errors(check):
    assert check(stub).status == "todo"
    assert check(lambda *args: None).status == "wrong"  # a forgotten `return`
    assert check(None).status == "todo"
    assert repr(check(stub)).startswith("⏳")
    with pytest.raises(ValueError, match="must be a function"):
        check(np.ones(3))


def temperature_closed_form(scores, share):
    return (scores[0] - scores[1]) / np.log(share / (1 - share))


def temperature_bisection(scores, share):
    low, high = 1e-3, 100.0
    for _ in range(60):
        mid = (low + high) / 2
        share_mid = np.exp(scores[0] / mid) / np.exp(scores / mid).sum()
        low, high = (mid, high) if share_mid > share else (low, mid)  # too picky: warm up
    return (low + high) / 2


def test_temperature_for_right_answers_pass():
    assert check_temperature_for(temperature_closed_form).passed
    assert check_temperature_for(temperature_bisection).passed
    assert check_temperature_for(lambda s, p: torch.tensor((s[0] - s[1]) / np.log(p / (1 - p)))).passed
    assert check_temperature_for(stub).status == "todo"


@pytest.mark.parametrize(
    "answer, message",
    [
        (lambda s, p: np.log(p / (1 - p)) / (s[0] - s[1]), "upside down"),
        (lambda s, p: (s[0] - s[1]) * np.log(p / (1 - p)), "you multiplied the gap by log(ratio)"),
        (lambda s, p: (s[0] - s[1]) / np.log10(p / (1 - p)), "you took log10"),
        (lambda s, p: (s[0] - s[1]) / (p / (1 - p)), "you forgot the log"),
        (lambda s, p: (s[0] - s[1]) / np.log(p), "log(share) alone is negative"),
        (lambda s, p: -(s[0] - s[1]) / np.log(p / (1 - p)), "a temperature is a positive number"),
        (lambda s, p: 0.76, "of the appetite, not"),  # the lesson's number typed in
        (lambda s, p: 1.01 * temperature_closed_form(s, p), "of the appetite, not"),  # 1% off
        (lambda s, p: np.array([0.76, 0.24]), "return one number"),
        (lambda s, p: "0.76", "should be an array of numbers"),
    ],
)
def test_temperature_for_typical_mistakes(answer, message):
    result = check_temperature_for(answer)
    assert result.status == "wrong", result
    assert message in result.message
