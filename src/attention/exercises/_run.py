"""Running a learner's function for a checker: time limit, tripwires on shortcuts, input changes, crash messages.

Taught in notebooks/00_start_here.ipynb ("how exercises work"); used by every checker through :func:`call`.
"""

from __future__ import annotations

import _thread
import contextlib
import copy
import importlib
import inspect
import re
import signal
import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import numpy as np
import torch

from ._core import Wrong

TIME_LIMIT = 10.0  # seconds one call of the learner's function may take before it is stopped


class _TimeUp(BaseException):  # BaseException: a learner's `except Exception:` cannot swallow it
    pass


# ---------------------------------------------------------------- describing a call


def describe(x) -> str:
    """A short description of one argument: its kind and shape, not its numbers."""
    if isinstance(x, torch.Tensor):
        kind = "bool tensor" if x.dtype == torch.bool else "tensor"
        return f"{kind} {tuple(x.shape)}" if x.ndim else f"tensor({x.item()!r})"
    if isinstance(x, np.ndarray):
        return f"{'bool array' if x.dtype == bool else 'array'} {x.shape}"
    if isinstance(x, torch.nn.Module):
        return type(x).__name__
    if isinstance(x, (list, tuple)):
        if len(x) <= 12 and all(isinstance(v, (str, int, float)) for v in x):
            return repr(x)
        return f"a {type(x).__name__} of {len(x)}"
    if callable(x):
        return getattr(x, "__name__", "a function")
    text = repr(x)
    return text if len(text) <= 40 else text[:37] + "..."


def describe_call(fn, args: Sequence, kwargs: dict) -> str:
    name = getattr(fn, "__name__", "your function")
    name = "your function" if name == "<lambda>" else name
    parts = [describe(a) for a in args] + [f"{k}={describe(v)}" for k, v in kwargs.items()]
    return f"{name}({', '.join(parts)})"


_HINTS = [  # (pattern in the error message, what usually causes it)
    (
        r"mat1 and mat2 shapes|matmul: Input operand|not aligned|size mismatch|Expected size for first two dimensions",
        "a matrix product needs matching inner sizes, (n, k) @ (k, m): check the order of the operands and which one "
        "needs a transpose (.T, or .transpose(-2, -1) for batches)",
    ),
    (
        r"return_types",
        "torch's x.max(dim) and x.min(dim) return (values, indices): take .values, or use x.amax(dim, keepdim=True)",
    ),
    (
        r"could not be broadcast|must match the size of tensor",
        "the shapes do not line up: keep the reduced axis (keepdims=True in NumPy, keepdim=True in torch) or add one "
        "with [:, None]",
    ),
    (
        r"'numpy\.ndarray' object has no attribute '(\w+)'",
        "NumPy arrays have no .{0}: check the name (NumPy has .sum(), .max(), .mean(), .T); if .{0} is a torch method, "
        "remember this input is a NumPy array, not a tensor",
    ),
    (
        r"'Tensor' object has no attribute '(\w+)'",
        "torch tensors have no .{0}: check the name (torch has .sum(), .amax(), .mean(), .transpose()); if .{0} is a "
        "NumPy method, remember this input is a torch tensor, not a NumPy array",
    ),
    (
        r"must be Tensor, not numpy|expected Tensor as element|can't convert np\.ndarray|unexpected keyword argument 'dim'"
        r"|unexpected keyword argument 'keepdim'",
        "this input is a NumPy array: use NumPy (np.exp, .sum(axis=-1, keepdims=True), .T), not torch's functions",
    ),
    (
        r"expected np\.ndarray|Can't call numpy\(\) on Tensor",
        "this input is a torch tensor: use torch (torch.exp, .sum(dim=-1, keepdim=True), .transpose(-2, -1))",
    ),
    (
        r"'tuple' object has no attribute|'tuple' and|and 'tuple'|tuple indices must",
        "a module such as MultiHeadAttention or block.self_attn returns a tuple (output, weights): keep the output with [0]",
    ),
    (
        r"is invalid for input of size|cannot reshape array of size",
        "the sizes you reshape to must multiply to the number of elements: check that each one comes from the right "
        "axis (H and W, or T and d, can differ)",
    ),
    (r"view size is not compatible", "after a transpose a tensor is not contiguous: use .reshape instead of .view"),
    (
        r"truth value of an array|Boolean value of Tensor with more than one",
        "`if x:` on an array is ambiguous: test a missing argument with `if mask is not None:`, compare arrays with "
        "np.allclose or torch.allclose",
    ),
    (r"values to unpack", "the names on the left must match the number of axes: B, T, d = x.shape needs a 3-D x"),
]


def _hint(error: Exception) -> str:
    text = f"{type(error).__name__}: {error}"
    for pattern, hint in _HINTS:
        found = re.search(pattern, text)
        if found:
            return f". Hint: {hint.format(*found.groups())}"
    return ""


# ---------------------------------------------------------------- running the learner's code


@contextlib.contextmanager
def _time_limit(seconds: float | None) -> Iterator[None]:
    """Raise _TimeUp in the main thread after ``seconds`` (SIGALRM where there is one, else an interrupt)."""
    if not seconds or threading.current_thread() is not threading.main_thread():
        yield
        return
    if hasattr(signal, "setitimer"):

        def alarm(signum, frame):
            raise _TimeUp

        previous = signal.signal(signal.SIGALRM, alarm)
        signal.setitimer(signal.ITIMER_REAL, seconds)
        try:
            yield
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)
        return
    lock, state = threading.Lock(), {"running": True, "fired": False}  # Windows: interrupt the main thread

    def fire():
        with lock:
            if state["running"]:
                state["fired"] = True
                _thread.interrupt_main()

    timer = threading.Timer(seconds, fire)
    timer.start()
    try:
        yield
    except KeyboardInterrupt:
        if state["fired"]:
            raise _TimeUp from None
        raise
    finally:
        with lock:
            state["running"] = False
        timer.cancel()


@dataclass(frozen=True)
class Shortcut:
    """A library function an exercise asks the learner to write, not to call."""

    owner: object  # a module ("attention", "torch.nn.functional") or an object whose attribute it is
    name: str  # the attribute
    label: str  # how to name it to the learner, e.g. "the library's split_heads"


@contextlib.contextmanager
def _tripwires(fn, shortcuts: Sequence[Shortcut], used: list[str]) -> Iterator[None]:
    """While the learner's function runs, every shortcut still works but records that it was used."""
    restore = []
    try:
        for shortcut in shortcuts:
            owner = importlib.import_module(shortcut.owner) if isinstance(shortcut.owner, str) else shortcut.owner
            original = getattr(owner, shortcut.name)

            def wire(*args, _original=original, _label=shortcut.label, **kwargs):
                used.append(_label)
                return _original(*args, **kwargs)

            places = [(owner, shortcut.name)]
            home = _module(getattr(original, "__module__", None))
            if home is not None and getattr(home, shortcut.name, None) is original and home is not owner:
                places.append((home, shortcut.name))
            for owner_, attr in places:
                restore.append((owner_, attr, attr in vars(owner_), getattr(owner_, attr)))
                setattr(owner_, attr, wire)
            # The library checks inputs once at the public name and calls an unchecked core `_name` inside (a
            # MultiHeadAttention calls _split_heads): reaching the core through the library is the same shortcut.
            core = getattr(home, "_" + shortcut.name, None) if home is not None else None
            if callable(core):

                def wire_core(*args, _core=core, _label=shortcut.label, **kwargs):
                    used.append(_label)
                    return _core(*args, **kwargs)

                restore.append((home, "_" + shortcut.name, True, core))
                setattr(home, "_" + shortcut.name, wire_core)
            for scope in _scopes(fn):  # the learner's `from attention import split_heads` binds it there
                for key, value in list(scope.items()):
                    if value is original:
                        restore.append((scope, key, True, value))
                        scope[key] = wire
            for cell in getattr(inspect.unwrap(fn), "__closure__", None) or ():  # ... or in an enclosing function
                if _cell_value(cell) is original:
                    restore.append((cell, "cell_contents", True, original))
                    cell.cell_contents = wire
        yield
    finally:
        for owner_, attr, own, value in reversed(restore):
            if isinstance(owner_, dict):
                owner_[attr] = value
            elif own:
                setattr(owner_, attr, value)
            else:
                delattr(owner_, attr)


def _module(name):
    try:
        return importlib.import_module(name) if isinstance(name, str) else None
    except ImportError:
        return None


def _cell_value(cell):
    try:
        return cell.cell_contents
    except ValueError:  # an empty cell
        return None


def _scopes(fn) -> list[dict]:
    fn = inspect.unwrap(fn) if callable(fn) else fn
    scope = getattr(fn, "__globals__", None)
    return [scope] if isinstance(scope, dict) else []


def _snapshot(x):
    if isinstance(x, torch.nn.Module):
        return {k: v.detach().clone() for k, v in x.state_dict().items()}
    if isinstance(x, (torch.Tensor, np.ndarray, list, dict)):
        return copy.deepcopy(x.detach() if isinstance(x, torch.Tensor) else x)
    return None


def _changed(x, before) -> bool:
    if before is None:
        return False
    if isinstance(x, torch.nn.Module):
        now = x.state_dict()
        return now.keys() != before.keys() or any(not torch.equal(now[k], before[k]) for k in now)
    if isinstance(x, torch.Tensor):
        return x.shape != before.shape or not torch.equal(x.detach(), before)
    if isinstance(x, np.ndarray):
        return x.shape != before.shape or not np.array_equal(x, before, equal_nan=x.dtype.kind in "fc")
    try:
        return bool(x != before)
    except Exception:  # a list of arrays: compare element by element
        return len(x) != len(before) or any(_changed(a, b) for a, b in zip(x, before))


def _parameter_names(fn, count: int) -> list[str]:
    try:
        names = [
            p.name for p in inspect.signature(fn).parameters.values() if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)
        ]
    except (TypeError, ValueError):
        names = []
    return [f"`{names[i]}`" if i < len(names) else f"number {i + 1}" for i in range(count)]


def call(fn, *args, what: str | None = None, shortcuts: Sequence[Shortcut] = (), **kwargs):
    """Call the learner's function and turn everything that can go wrong into a :class:`Wrong` that says what.

    A crash is reported with the call (argument kinds and shapes) and a hint for the usual causes; a function
    still running after :data:`TIME_LIMIT` seconds is stopped; ``None`` (a forgotten ``return``), an argument
    changed in place, and a call of one of ``shortcuts`` (library functions the exercise asks to write) are wrong.
    ``...`` as the result, or ``NotImplementedError``, means the exercise is not done yet.
    """
    what = what or describe_call(fn, args, kwargs)
    before = [_snapshot(a) for a in args]
    used: list[str] = []
    try:
        with _tripwires(fn, shortcuts, used), _time_limit(TIME_LIMIT):
            result = fn(*args, **kwargs)
    except NotImplementedError:
        raise
    except _TimeUp:
        raise Wrong(
            f"{what} was still running after {TIME_LIMIT:g} s and was stopped: an endless loop? (a `while` whose "
            "condition never becomes False, or a loop over a huge range)"
        ) from None
    except RecursionError:
        raise Wrong(f"{what} raised RecursionError: your function calls itself without end") from None
    except Exception as error:  # the learner's code crashed: report it, don't crash the notebook
        raise Wrong(f"{what} raised {type(error).__name__}: {error}{_hint(error)}") from None
    if used:
        raise Wrong(f"{what} calls {used[0]}: this exercise is to write it yourself, without calling it")
    if result is None:
        raise Wrong(f"{what} returned None: did you forget the `return` line?")
    if result is Ellipsis:
        raise NotImplementedError
    for name, arg, old in zip(_parameter_names(fn, len(args)), args, before, strict=True):
        if _changed(arg, old):
            raise Wrong(
                f"{what} changed its argument {name} in place (for example with `-=`, `/=`, `[...] =` or an "
                "in-place method): the caller's data must stay as it was. Work on a new array instead "
                "(`x = x - m`, or `x.clone()` / `x.copy()` first)"
            )
    return result
