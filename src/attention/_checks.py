"""Input checks, one implementation of each rule, called once at every public entry point.

Every public function and module validates its arguments *before* computing anything and
raises a ``ValueError`` that names the argument and the shapes involved, so a learner with
a half-finished answer sees what is wrong instead of a stack trace from deep inside a
matrix multiply. Inner code, which only ever gets checked inputs, calls the unchecked cores.
"""

from __future__ import annotations

import math
import numbers

import numpy as np
import torch


def shape_of(x) -> tuple[int, ...] | str:
    """The shape of an array or tensor as a plain tuple; for anything else, "(no shape)"."""
    shape = getattr(x, "shape", None)
    return tuple(shape) if shape is not None else "(no shape)"


def check_int(name: str, value, low: int = 1) -> None:
    """``value`` must be a Python or NumPy integer (not a bool, not a float) and at least ``low``."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < low:
        raise ValueError(f"{name} must be an int >= {low}, got {value!r}")


def check_probability(name: str, value) -> None:
    """A dropout probability: a real number in [0, 1)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not 0.0 <= value < 1.0:
        raise ValueError(f"{name} must be a number in [0, 1), got {value!r}")


def check_temperature(temperature) -> None:
    """A softmax temperature: a finite real number > 0."""
    if (
        isinstance(temperature, bool)
        or not isinstance(temperature, numbers.Real)
        or not (math.isfinite(temperature) and temperature > 0)
    ):
        raise ValueError(f"temperature must be > 0 and finite, got {temperature!r}")


def check_scale(scale) -> None:
    """An attention scale: None (1 / sqrt(d_k)) or a finite real number."""
    if scale is not None and (isinstance(scale, bool) or not isinstance(scale, numbers.Real) or not math.isfinite(scale)):
        raise ValueError(f"scale must be None (1 / sqrt(d_k)) or a finite number, got {scale!r}")


def check_float_tensors(**tensors) -> None:
    """Check that every named tensor is a floating-point torch tensor of one dtype."""
    dtypes = set()
    for name, x in tensors.items():
        if not isinstance(x, torch.Tensor):
            hint = " (convert it with torch.from_numpy(x))" if isinstance(x, np.ndarray) else ""
            raise ValueError(f"{name} must be a torch.Tensor, got {type(x).__name__} {shape_of(x)}{hint}")
        if not x.is_floating_point():
            raise ValueError(f"{name} must be a floating-point tensor, got dtype {x.dtype} with shape {shape_of(x)}")
        dtypes.add(x.dtype)
    if len(dtypes) > 1:
        described = ", ".join(f"{n} {x.dtype}" for n, x in tensors.items())
        raise ValueError(f"all inputs must share one dtype, got {described}")


def check_float_arrays(**arrays) -> None:
    """Check that every named array is a floating-point NumPy array."""
    for name, x in arrays.items():
        if not isinstance(x, np.ndarray):
            raise ValueError(f"{name} must be a numpy.ndarray, got {type(x).__name__}")
        if not np.issubdtype(x.dtype, np.floating):
            raise ValueError(f"{name} must be a floating-point array, got dtype {x.dtype} with shape {shape_of(x)}")


def check_module_dtype(module: torch.nn.Module, **tensors) -> None:
    """The inputs of a module must have the dtype of its weights (torch would fail deep inside a matmul)."""
    weight = next(module.parameters(), None)
    if weight is None:
        return
    for name, x in tensors.items():
        if x.dtype != weight.dtype:
            raise ValueError(
                f"{name} has dtype {x.dtype} but the {type(module).__name__}'s weights are {weight.dtype}: "
                f"pass {weight.dtype} inputs (x.to({weight.dtype})) or convert the module (module.to({x.dtype}))"
            )


def check_tokens(x, d_model: int, name: str = "x") -> None:
    """Token vectors for a module of width ``d_model``: a float tensor ``(B, T, d_model)``."""
    check_float_tensors(**{name: x})
    if x.ndim != 3 or x.shape[-1] != d_model:
        raise ValueError(f"{name} must have shape (B, T, d_model={d_model}), got {shape_of(x)}")


def check_qkv(q, k, v) -> None:
    """Check that query, key and value have compatible attention shapes.

    Expected: q ``(..., T_q, d_k)``, k ``(..., T_k, d_k)``, v ``(..., T_k, d_v)`` with d_k >= 1.
    """
    for name, x in (("query", q), ("key", k), ("value", v)):
        if x.ndim < 2:
            raise ValueError(f"{name} must have at least 2 dimensions (..., T, d), got shape {shape_of(x)}")
    if q.shape[-1] != k.shape[-1]:
        raise ValueError(
            f"query and key must have the same last dimension d_k: "
            f"query {shape_of(q)} has d_k={q.shape[-1]}, key {shape_of(k)} has d_k={k.shape[-1]}"
        )
    if q.shape[-1] == 0:
        raise ValueError(f"query and key have d_k=0 features (query {shape_of(q)}, key {shape_of(k)}): d_k must be >= 1")
    if k.shape[-2] != v.shape[-2]:
        raise ValueError(
            f"key and value must have the same number of positions T_k: "
            f"key {shape_of(k)} has T_k={k.shape[-2]}, value {shape_of(v)} has T_k={v.shape[-2]}"
        )
    try:
        np.broadcast_shapes(q.shape[:-2], k.shape[:-2], v.shape[:-2])
    except ValueError:
        raise ValueError(
            f"query, key and value have batch dimensions that do not broadcast: "
            f"query {shape_of(q)}, key {shape_of(k)}, value {shape_of(v)}"
        ) from None


def scores_shape(q, k) -> tuple[int, ...]:
    """Shape of the scores ``q @ k^T``: the broadcast batch dimensions, then ``(T_q, T_k)``."""
    return tuple(np.broadcast_shapes(q.shape[:-2], k.shape[:-2])) + (q.shape[-2], k.shape[-2])


def check_mask_kind(mask, for_torch: bool) -> None:
    """A mask is a boolean array (NumPy inputs) or a boolean tensor (torch inputs); True = may attend."""
    if not isinstance(mask, (np.ndarray, torch.Tensor)):
        raise ValueError(f"mask must be a boolean array or tensor (True = may attend), got {type(mask).__name__}")
    if for_torch and not isinstance(mask, torch.Tensor):
        raise ValueError(
            f"mask must be a torch.Tensor for torch inputs, got {type(mask).__name__} with shape {shape_of(mask)} "
            "(convert it with torch.from_numpy(mask))"
        )
    is_bool = mask.dtype == torch.bool if isinstance(mask, torch.Tensor) else mask.dtype == np.bool_
    if not is_bool:
        raise ValueError(f"mask must be boolean (True = may attend), got dtype {mask.dtype} with shape {shape_of(mask)}")


def check_mask(mask, scores: tuple[int, ...], for_torch: bool, scores_name: str = "(..., T_q, T_k)", inputs: str = "") -> None:
    """The one mask rule: a boolean mask (True = may attend) that broadcasts to the scores' shape.

    ``scores`` is the shape of the scores the mask is applied to, ``scores_name`` says what its axes are
    and ``inputs`` names the inputs' shapes for the message. Broadcasting follows NumPy's (and torch's) rule.
    """
    if mask is None:
        return
    check_mask_kind(mask, for_torch)
    try:
        fits = np.broadcast_shapes(shape_of(mask), scores) == scores
    except ValueError:
        fits = False
    if not fits:
        raise ValueError(
            f"mask of shape {shape_of(mask)} does not broadcast to the scores shape {scores_name} = {scores}"
            + (f" ({inputs})" if inputs else "")
        )
