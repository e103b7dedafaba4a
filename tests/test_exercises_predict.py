"""Predict-then-run checkers: a prediction is graded against the measurement, never crashes, never leaks digits."""

import math

import numpy as np
import pytest
import torch

from attention.exercises import check_choice, check_prediction

ARGS = dict(low=0.0, high=1.0, tolerance=0.15, why="without positions the model cannot tell first from last.")


@pytest.mark.parametrize("guess", [0.1, 0.25, np.float32(0.2), torch.tensor(0.05), 0, 1 - 1])
def test_a_close_prediction_is_done_and_explained(guess):
    result = check_prediction("reversal without positions", guess, 0.12, **ARGS)
    assert result.passed and "cannot tell first from last" in result.message
    assert "0.12" not in result.message  # the measured number is in the experiment's output, not here


@pytest.mark.parametrize(("guess", "direction"), [(0.9, "lower"), (0.5, "lower")])
def test_a_far_prediction_is_wrong_and_says_which_way(guess, direction):
    result = check_prediction("reversal without positions", guess, 0.12, **ARGS)
    assert result.status == "wrong" and f"measured {direction}" in result.message and "0.12" not in result.message


def test_higher_when_the_guess_is_too_low():
    assert "measured higher" in check_prediction("x", 0.1, 0.9, **ARGS).message


@pytest.mark.parametrize("guess", [None, ...])
def test_no_prediction_yet_is_not_done(guess):
    assert check_prediction("x", guess, 0.5, **ARGS).status == "todo"


@pytest.mark.parametrize("guess", ["0.3", "low", True, [0.3], {"a": 1}, float("nan"), math.inf, -0.1, 1.5, 10**400, 1j])
def test_nonsense_predictions_are_wrong_not_crashes(guess):
    result = check_prediction("x", guess, 0.5, **ARGS)
    assert result.status == "wrong" and "prediction" in result.message


def test_the_edges_of_the_tolerance():
    assert check_prediction("x", 0.65, 0.5, **ARGS).passed  # exactly the tolerance away
    assert not check_prediction("x", 0.6501, 0.5, **ARGS).passed


@pytest.mark.parametrize(
    "bad", [dict(low=1.0, high=0.0), dict(tolerance=0.0), dict(tolerance=-1), dict(low="a"), dict(high=float("nan"))]
)
def test_misuse_of_the_checker_is_a_value_error(bad):
    with pytest.raises(ValueError):
        check_prediction("x", 0.5, 0.5, **{**ARGS, **bad})
    with pytest.raises(ValueError, match="measured must be a finite number"):
        check_prediction("x", 0.5, float("nan"), **ARGS)


CHOICES = ["rises", "falls", "stays"]


@pytest.mark.parametrize("guess", ["falls", " Falls ", "FALLS"])
def test_the_right_word_is_done(guess):
    assert check_choice("no causal mask", guess, "falls", CHOICES, why="the decoder copies the answer.").passed


@pytest.mark.parametrize(
    ("guess", "status"), [("rises", "wrong"), ("goes down", "wrong"), (3, "wrong"), (None, "todo"), (..., "todo")]
)
def test_other_words_and_non_words(guess, status):
    result = check_choice("no causal mask", guess, "falls", CHOICES, why="the decoder copies the answer.")
    assert result.status == status
    if status == "wrong" and isinstance(guess, str) and guess in CHOICES:
        assert "'falls'" in result.message


def test_choice_misuse():
    with pytest.raises(ValueError, match="choices"):
        check_choice("x", "a", "c", ["a", "b"], why="")
    with pytest.raises(ValueError, match="choices"):
        check_choice("x", "a", "a", ["a"], why="")


def _stub():
    raise NotImplementedError("your code here")


def test_a_prediction_written_as_a_function():
    why = "the decoder copies the answer."
    assert check_choice("x", lambda: "falls", "falls", CHOICES, why=why).passed
    assert check_choice("x", lambda: "rises", "falls", CHOICES, why=why).status == "wrong"
    assert check_choice("x", _stub, "falls", CHOICES, why=why).status == "todo"  # the learner edition's stub
    crashed = check_choice("x", lambda: {}["spicy"], "falls", CHOICES, why=why)
    assert crashed.status == "wrong" and "KeyError" in crashed.message
    assert check_prediction("x", lambda: 0.2, 0.12, **ARGS).passed
    assert check_prediction("x", _stub, 0.12, **ARGS).status == "todo"
    assert check_prediction("x", lambda: "high", 0.12, **ARGS).status == "wrong"


def test_a_prediction_function_is_called():
    def stub():
        raise NotImplementedError("your code here")

    assert check_choice("x", lambda: "falls", "falls", CHOICES, why="").passed
    assert check_choice("x", lambda: "rises", "falls", CHOICES, why="").status == "wrong"
    assert check_choice("x", stub, "falls", CHOICES, why="").status == "todo"
    assert check_choice("x", lambda: 1 / 0, "falls", CHOICES, why="").status == "wrong"
    assert check_prediction("x", lambda: 0.5, 0.5, **ARGS).passed
    assert check_prediction("x", stub, 0.5, **ARGS).status == "todo"
    assert check_prediction("x", lambda: [][1], 0.5, **ARGS).status == "wrong"
