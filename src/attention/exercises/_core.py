"""The machinery every exercise checker shares: run the learner's answer, report clearly.

Taught in notebooks/00_start_here.ipynb ("how exercises work"). A checker
returns a :class:`CheckResult` that shows as one line in the notebook:

* ``⏳ not done yet`` when the answer is still the starter stub
  (it raises ``NotImplementedError`` or is ``None``/``...``),
* ``❌`` plus a precise message for a wrong answer (wrong shape, rows not
  summing to 1, a mask ignored, ...),
* ``✅`` when it is right.

Checkers never raise for a wrong answer, so a learner's notebook still runs
top to bottom. They do raise ``ValueError`` when called with the wrong *kind* of
argument (for example an array where a function is expected).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np
import torch

TODO, WRONG, PASS = "todo", "wrong", "pass"
_ICONS = {TODO: "⏳", WRONG: "❌", PASS: "✅"}


class Wrong(Exception):
    """Raised inside a checker body to report a wrong answer with a message."""


@dataclass(frozen=True)
class CheckResult:
    """What a checker found: ``status`` is "todo", "wrong" or "pass"."""

    exercise: str  # the exercise's title, shown in the message
    status: str  # one of TODO, WRONG, PASS
    message: str  # what to tell the learner

    @property
    def passed(self) -> bool:
        return self.status == PASS

    def __bool__(self) -> bool:
        return self.passed

    def __repr__(self) -> str:
        return f"{_ICONS[self.status]} {self.exercise}: {self.message}"


def _is_stub(answer) -> bool:
    return answer is None or answer is Ellipsis


def checker(exercise: str):
    """Turn ``body(answer, ...) -> success message`` into a checker returning CheckResult.

    Inside ``body`` call the learner's code through :func:`call`, and raise
    :class:`Wrong` with a precise message for a wrong answer.
    """

    def decorate(body):
        @functools.wraps(body)
        def check(answer, *args, **kwargs) -> CheckResult:
            if _is_stub(answer):
                return CheckResult(exercise, TODO, "not done yet: write your answer in the cell above, then run it.")
            try:
                message = body(answer, *args, **kwargs)
            except NotImplementedError:
                return CheckResult(
                    exercise, TODO, "not done yet: replace `raise NotImplementedError` with your code, then run the cell."
                )
            except Wrong as wrong:
                return CheckResult(exercise, WRONG, str(wrong))
            return CheckResult(exercise, PASS, message or "correct!")

        return check

    return decorate


def expect_callable(answer, name: str) -> None:
    """Raise ValueError (a usage error, not a wrong answer) unless ``answer`` is callable."""
    if not callable(answer):
        raise ValueError(f"{name} must be a function (pass the function itself, without calling it), got {type(answer).__name__}")


def call(fn, *args, **kwargs):
    """Call the learner's function; turn a crash into a :class:`Wrong` that says what happened."""
    try:
        result = fn(*args, **kwargs)
    except NotImplementedError:
        raise
    except Exception as error:  # the learner's code crashed: report it, don't crash the notebook
        raise Wrong(f"your function raised {type(error).__name__}: {error}") from None
    if _is_stub(result):
        raise NotImplementedError
    return result


def as_array(x, what: str) -> np.ndarray:
    """Convert a learner's result (array, tensor, list) to a float NumPy array or report why not."""
    if isinstance(x, torch.Tensor):
        x = x.detach().cpu().numpy()
    try:
        return np.asarray(x, dtype=float)
    except (TypeError, ValueError):
        raise Wrong(f"{what} should be an array of numbers, got {type(x).__name__}") from None


def expect_shape(x, shape: tuple[int, ...], what: str) -> np.ndarray:
    """Report a wrong shape, naming the expected and the actual shape."""
    x = as_array(x, what)
    if x.shape != tuple(shape):
        raise Wrong(f"{what} has shape {x.shape}, expected {tuple(shape)}")
    return x


def expect_close(actual, expected, what: str, atol: float = 1e-6) -> None:
    """Report the largest difference when ``actual`` is not ``expected`` (within ``atol``)."""
    actual, expected = as_array(actual, what), np.asarray(expected, dtype=float)
    if actual.shape != expected.shape:
        raise Wrong(f"{what} has shape {actual.shape}, expected {expected.shape}")
    if np.isnan(actual).any():
        raise Wrong(f"{what} contains NaN")
    err = np.abs(actual - expected)
    if not err.max(initial=0.0) <= atol:
        where = np.unravel_index(int(err.argmax()), err.shape)
        raise Wrong(
            f"{what} differs from the expected values: at index {tuple(int(i) for i in where)} "
            f"you have {actual[where]:.4f}, expected {expected[where]:.4f}"
        )
