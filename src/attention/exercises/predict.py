"""Predict, then run: grade a prediction the learner wrote down before running an experiment.

Taught in notebooks/00_start_here.ipynb ("how exercises work") and used across the course: the learner writes what
they expect an ablation to do (a number, such as an accuracy, or one of a few words, such as "falls"), runs the
experiment, and the checker compares. The message never prints the measured number (it is in the experiment's
own output, and a trained model's numbers differ a little from machine to machine); it says whether the
prediction was within the tolerance, in which direction it missed, and why the result comes out as it does.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from ._core import PASS, TODO, WRONG, CheckResult, UsageError


def _number(value, what: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) and not hasattr(value, "__float__"):
        raise UsageError(f"{what} must be a number, got {type(value).__name__}")
    number = float(value)
    if not math.isfinite(number):
        raise UsageError(f"{what} must be a finite number, got {number}")
    return number


def _written(prediction):
    """The prediction itself, or what the learner's prediction function returns (``NotImplementedError``: none yet).

    An exercise cell can hold ``def my_prediction(): return ...`` between the solution markers, so that the learner
    edition's stub (``raise NotImplementedError``) runs without an error; the checker calls it here.
    """
    if callable(prediction) and not isinstance(prediction, type):
        try:
            return prediction()
        except NotImplementedError:
            return None
        except Exception as error:  # the learner's function crashed: grade it as no valid prediction
            return f"<{type(error).__name__}>"
    return prediction


def check_prediction(
    exercise: str,
    prediction,
    measured,
    *,
    low: float,
    high: float,
    tolerance: float,
    why: str,
) -> CheckResult:
    """Grade a numeric prediction: DONE within ``tolerance`` of what was measured, WRONG otherwise.

    ``low``..``high`` is the range a sensible prediction lies in (0..1 for an accuracy); ``why`` explains the result.
    """
    low, high, tolerance = (_number(v, name) for v, name in ((low, "low"), (high, "high"), (tolerance, "tolerance")))
    measured = _number(measured, "measured")
    prediction = _written(prediction)
    if not low < high or tolerance <= 0:
        raise UsageError(f"need low < high and tolerance > 0, got low={low}, high={high}, tolerance={tolerance}")
    if prediction is None or prediction is Ellipsis:
        return CheckResult(exercise, TODO, "write your prediction (a number) before you run the experiment, then run this cell.")
    if isinstance(prediction, bool) or isinstance(prediction, (str, bytes)):
        return CheckResult(exercise, WRONG, f"a prediction here is a number between {low:g} and {high:g}, got {prediction!r:.40}")
    try:
        guess = float(prediction)
    except (TypeError, ValueError, OverflowError):
        return CheckResult(
            exercise, WRONG, f"a prediction here is one number between {low:g} and {high:g}, got {type(prediction).__name__}"
        )
    if not math.isfinite(guess) or not low <= guess <= high:
        return CheckResult(exercise, WRONG, f"a prediction here lies between {low:g} and {high:g}, got {guess:g}")
    if abs(guess - measured) <= tolerance * (1 + 1e-9):  # 0.65 - 0.5 is 0.15000000000000002 in floats
        return CheckResult(exercise, PASS, f"your prediction {guess:g} is within {tolerance:g} of what the run measured. {why}")
    direction = "lower" if measured < guess else "higher"
    return CheckResult(
        exercise,
        WRONG,
        f"your prediction {guess:g} is more than {tolerance:g} away: the run measured {direction} (see its output above). {why}",
    )


def check_choice(exercise: str, prediction, measured: str, choices: Sequence[str], *, why: str) -> CheckResult:
    """Grade a prediction that is one of a few words (``choices``), e.g. "rises", "falls", "stays"."""
    choices = list(choices)
    if len(choices) < 2 or not all(isinstance(c, str) for c in choices) or measured not in choices:
        raise UsageError(f"choices must be at least two strings including measured={measured!r}, got {choices!r}")
    prediction = _written(prediction)
    if prediction is None or prediction is Ellipsis:
        return CheckResult(exercise, TODO, f"write your prediction, one of {choices}, before you run the experiment.")
    if not isinstance(prediction, str) or prediction.strip().lower() not in choices:
        return CheckResult(exercise, WRONG, f"a prediction here is one of {choices}, got {prediction!r:.40}")
    if prediction.strip().lower() == measured:
        return CheckResult(exercise, PASS, f"you predicted {measured!r}, and so it came out. {why}")
    return CheckResult(exercise, WRONG, f"you predicted {prediction.strip().lower()!r}, the run shows {measured!r}. {why}")
