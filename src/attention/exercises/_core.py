"""The machinery every exercise checker shares: run the learner's answer, report clearly.

Taught in notebooks/00_start_here.ipynb ("how exercises work"). A checker
returns a :class:`CheckResult` that shows as one coloured line in the notebook
(plain text where HTML is not shown):

* ``⏳ NOT DONE YET`` when the answer is still the starter stub
  (it raises ``NotImplementedError``, or the name is ``None``/``...``),
* ``❌ WRONG`` plus a precise message for a wrong answer (wrong shape, rows not
  summing to 1, a mask ignored, a crash with the call that crashed, a function
  that returned None, changed its input, called the library function it should
  replace, or ran longer than :data:`TIME_LIMIT` seconds),
* ``✅ DONE`` when it is right.

With ``ATTENTION_LANG=zh`` set while the checker runs (the Chinese edition, notebooks/zh/, sets it), the result
shows itself in Chinese (``❌ 有误 · 练习名：消息``), translated by the catalogue in :mod:`.zh`; ``message`` and
``exercise`` keep the English text the checker wrote, so code that tests them works in both editions.

Checkers never raise for a wrong answer, so a learner's notebook still runs
top to bottom. They do raise ``ValueError`` when called with the wrong *kind* of
argument (for example an array where a function is expected).
"""

from __future__ import annotations

import functools
import html
import re
from dataclasses import dataclass, field

import numpy as np
import torch

from . import zh

TODO, WRONG, PASS = "todo", "wrong", "pass"
_ICONS = {TODO: "⏳", WRONG: "❌", PASS: "✅"}
_WORDS = {TODO: "NOT DONE YET", WRONG: "WRONG", PASS: "DONE"}
_COLOURS = {
    TODO: ("#6b4f00", "#fff4cc", "#e0b000"),
    WRONG: ("#8c1116", "#fde7e7", "#d33a3f"),
    PASS: ("#14532d", "#e3f4e8", "#2e9b52"),
}  # text, background, left border


class Wrong(Exception):
    """Raised inside a checker body to report a wrong answer with a message."""


class UsageError(ValueError):
    """The checker itself was called wrongly (not the learner's answer being wrong): raised, not reported."""


@dataclass(frozen=True)
class CheckResult:
    """What a checker found: ``status`` is "todo", "wrong" or "pass"."""

    exercise: str  # the exercise's title, shown in the message
    status: str  # one of TODO, WRONG, PASS
    message: str  # what to tell the learner (in English, as the checker wrote it)
    language: str = field(default_factory=zh.current_language, compare=False)  # "zh" when ATTENTION_LANG=zh

    @property
    def passed(self) -> bool:
        return self.status == PASS

    def __bool__(self) -> bool:
        return self.passed

    def shown(self) -> tuple[str, str, str]:
        """(status word, exercise, message) as the learner sees them, in Chinese when ``language`` is "zh".

        A message the catalogue does not know yet is shown in English rather than not at all.
        """
        if self.language != "zh":
            return _WORDS[self.status], self.exercise, self.message
        try:
            exercise = zh.translate(self.exercise, sentence=False) or self.exercise
            message = zh.translate(self.message) or self.message
        except Exception:  # noqa: BLE001  a checker never crashes: fall back to the English text
            exercise, message = self.exercise, self.message
        return zh.WORDS[self.status], exercise, message

    def __repr__(self) -> str:
        word, exercise, message = self.shown()
        return f"{_ICONS[self.status]} {word} · {exercise}{self._colon(exercise)}{message}"

    def _colon(self, exercise: str) -> str:
        if self.language != "zh":
            return ": "
        return "" if exercise.endswith("？") else "："  # 练习名：消息, but no colon after a question mark

    def _repr_html_(self) -> str:
        text, background, border = _COLOURS[self.status]
        word, exercise, message = self.shown()
        message = re.sub(r"`([^`]+)`", r"<code>\1</code>", html.escape(message, quote=False))
        if self.language == "zh":  # lang picks CJK glyphs; the course's web font first, then common CJK system fonts
            lang, colon = ' lang="zh-CN"', self._colon(exercise)
            fonts = (
                "var(--jp-ui-font-family, sans-serif), 'Course Sans SC', 'Noto Sans SC', 'Noto Sans CJK SC', "
                "'PingFang SC', 'Microsoft YaHei', sans-serif; overflow-wrap: anywhere"
            )
        else:
            lang, colon, fonts = "", ": ", "var(--jp-ui-font-family, sans-serif)"
        return (
            f'<div class="attention-check attention-check-{self.status}"{lang} style="color: {text}; '
            f"background: {background}; border-left: 6px solid {border}; padding: 6px 10px; "
            f'font-family: {fonts}; line-height: 1.45">'
            f"<b>{_ICONS[self.status]} {word}</b> · {html.escape(exercise)}{colon}{message}</div>"
        )


def checker(exercise: str):
    """Turn ``body(answer, ...) -> success message`` into a checker returning CheckResult.

    Inside ``body`` call the learner's code through :func:`call`, and raise
    :class:`Wrong` with a precise message for a wrong answer. Anything else that
    goes wrong while the body reads the answer (a conversion that overflows, a
    ragged list) is reported as a wrong answer too: a checker never crashes.
    """

    def decorate(body):
        @functools.wraps(body)
        def check(answer, *args, **kwargs) -> CheckResult:
            if answer is None or answer is Ellipsis:
                return CheckResult(exercise, TODO, "write your answer in the cell above, then run it.")
            try:
                message = body(answer, *args, **kwargs)
            except NotImplementedError:
                return CheckResult(exercise, TODO, "replace `raise NotImplementedError` with your code, then run the cell.")
            except Wrong as wrong:
                return CheckResult(exercise, WRONG, str(wrong))
            except UsageError:
                raise
            except Exception as error:  # reading the answer failed: say so instead of crashing the notebook
                return CheckResult(exercise, WRONG, f"your answer could not be read: {type(error).__name__}: {error}")
            return CheckResult(exercise, PASS, message or "correct!")

        return check

    return decorate


def expect_callable(answer, name: str) -> None:
    """Raise ValueError (a usage error, not a wrong answer) unless ``answer`` is callable."""
    if not callable(answer):
        raise UsageError(f"{name} must be a function (pass the function itself, without calling it), got {type(answer).__name__}")


def fresh_rng() -> np.random.Generator:
    """A generator seeded from the operating system: cases no one can read off a previous run."""
    return np.random.default_rng()


def fresh_torch(rng: np.random.Generator) -> torch.Generator:
    return torch.Generator().manual_seed(int(rng.integers(2**62)))


def pick(rng: np.random.Generator, low: int, high: int, avoid=()) -> int:
    """A random size in ``low..high-1`` that is none of ``avoid`` (the fixed cases' sizes on that axis).

    Fresh cases differ from the fixed ones on every axis, so an answer that only works for the fixed sizes
    (a batch size or head count typed in) fails.
    """
    choices = [n for n in range(low, high) if n not in set(avoid)]
    return int(rng.choice(choices))


# ---------------------------------------------------------------- reading and comparing the result


def as_array(x, what: str) -> np.ndarray:
    """Convert a learner's result (array, tensor, list) to a float NumPy array or report why not."""
    if isinstance(x, (str, bytes)):
        raise Wrong(f"{what} should be an array of numbers, got the text {x!r:.40}")
    if isinstance(x, torch.Tensor):
        if x.is_complex():
            raise Wrong(
                f"{what} holds complex numbers ({x.dtype}): the answer is real, check for a square root "
                "or a power of a negative number"
            )
        x = x.detach().cpu()
        x = x.to(torch.float64) if x.dtype in (torch.float16, torch.bfloat16) else x
    try:
        array = np.asarray(x)
    except (TypeError, ValueError, OverflowError) as error:
        raise Wrong(f"{what} should be an array of numbers, got {type(x).__name__} ({error})") from None
    if array.dtype.kind == "c":
        raise Wrong(f"{what} holds complex numbers: the answer is real, check for a square root or a power of a negative number")
    if array.dtype.kind not in "biuf":
        try:
            array = array.astype(float)
        except (TypeError, ValueError, OverflowError):
            raise Wrong(f"{what} should be an array of numbers, got {type(x).__name__} of {array.dtype}") from None
    return array.astype(float)


def as_count(x, what: str) -> int:
    """A whole number (int, integral float, 0-d integer array or tensor), exactly, or a :class:`Wrong`."""
    if isinstance(x, (bool, np.bool_)) or isinstance(x, (str, bytes)):
        raise Wrong(f"{what} should be a whole number, got {type(x).__name__} {x!r:.40}")
    if isinstance(x, (torch.Tensor, np.ndarray)):
        if tuple(x.shape) != ():
            raise Wrong(f"{what} should be one whole number, got an array of shape {tuple(x.shape)}")
        x = x.item()
    if isinstance(x, (int, np.integer)):
        return int(x)
    if isinstance(x, (float, np.floating)):
        if not np.isfinite(x):
            raise Wrong(f"{what} should be a whole number, got {x}")
        if float(x).is_integer():
            return int(x)
        raise Wrong(f"{what} should be a whole number, got {x!r}: counts have no fractional part")
    raise Wrong(f"{what} should be a whole number, got {type(x).__name__}")


def expect_shape(x, shape: tuple[int, ...], what: str) -> np.ndarray:
    """Report a wrong shape, naming the expected and the actual shape."""
    x = as_array(x, what)
    if x.shape != tuple(shape):
        raise Wrong(f"{what} has shape {x.shape}, expected {tuple(shape)}")
    return x


def _pair(a: float, b: float) -> tuple[str, str]:
    """``a`` and ``b`` with just enough significant digits to tell them apart (at least 4)."""
    for digits in range(4, 18):
        left, right = f"{a:.{digits}g}", f"{b:.{digits}g}"
        if left != right:
            return left, right
    return repr(a), repr(b)


def is_close(actual: np.ndarray, expected, atol: float = 1e-6, rtol: float = 1e-5) -> bool:
    """The test :func:`expect_close` applies (same shape, no NaN, within ``atol + rtol * |expected|``)."""
    expected = np.asarray(expected, dtype=float)
    return actual.shape == expected.shape and bool(np.allclose(actual, expected, rtol=rtol, atol=atol))


def expect_close(actual, expected, what: str, atol: float = 1e-6, rtol: float = 1e-5) -> None:
    """Report the largest difference when ``actual`` is not ``expected`` within ``atol + rtol * |expected|``."""
    actual, expected = as_array(actual, what), np.asarray(expected, dtype=float)
    if actual.shape != expected.shape:
        raise Wrong(f"{what} has shape {actual.shape}, expected {expected.shape}")
    if np.isnan(actual).any():
        raise Wrong(f"{what} contains NaN")
    with np.errstate(invalid="ignore", over="ignore"):
        err = np.abs(actual - expected)
        allowed = atol + rtol * np.abs(expected)
        bad = ~(err <= allowed)
    if bad.any():
        where = np.unravel_index(int(np.argmax(np.where(bad, err / allowed, -1.0))), err.shape)
        have, want = _pair(float(actual[where]), float(expected[where]))
        index = tuple(int(i) for i in where)
        raise Wrong(
            f"{what} differs from the expected values: at index {index} you have {have}, expected {want} "
            f"(off by {float(err[where]):.2g}, more than the {float(allowed[where]):.2g} allowed for round-off)"
        )
