"""Input checks shared by the NumPy and torch attention code.

Every public function validates its arguments *before* computing anything and
raises a ``ValueError`` that names the argument and the shapes involved, so a
learner with a half-finished answer sees what is wrong instead of a stack trace
from deep inside a matrix multiply.
"""

from __future__ import annotations

import numpy as np
import torch


def shape_of(x) -> tuple[int, ...]:
    """Return the shape of an array or tensor as a plain tuple."""
    return tuple(x.shape)


def check_qkv(q, k, v) -> None:
    """Check that query, key and value have compatible attention shapes.

    Expected: q ``(..., T_q, d_k)``, k ``(..., T_k, d_k)``, v ``(..., T_k, d_v)``.
    """
    for name, x in (("query", q), ("key", k), ("value", v)):
        if x.ndim < 2:
            raise ValueError(
                f"{name} must have at least 2 dimensions (..., T, d), got shape {shape_of(x)}"
            )
    if q.shape[-1] != k.shape[-1]:
        raise ValueError(
            f"query and key must have the same last dimension d_k: "
            f"query {shape_of(q)} has d_k={q.shape[-1]}, key {shape_of(k)} has d_k={k.shape[-1]}"
        )
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


def check_mask(mask, q, k) -> None:
    """Check a boolean mask (True = may attend) against query and key shapes."""
    if mask is None:
        return
    if not isinstance(mask, (np.ndarray, torch.Tensor)):
        raise ValueError(f"mask must be a boolean array or tensor (True = may attend), got {type(mask).__name__}")
    if isinstance(q, torch.Tensor) and not isinstance(mask, torch.Tensor):
        raise ValueError(
            f"mask must be a torch.Tensor for torch inputs, got {type(mask).__name__} with shape {shape_of(mask)} "
            "(convert it with torch.from_numpy(mask))"
        )
    is_bool = mask.dtype == torch.bool if isinstance(mask, torch.Tensor) else mask.dtype == np.bool_
    if not is_bool:
        raise ValueError(
            f"mask must be boolean (True = may attend), got dtype {mask.dtype} with shape {shape_of(mask)}"
        )
    scores_shape = tuple(np.broadcast_shapes(q.shape[:-2], k.shape[:-2])) + (q.shape[-2], k.shape[-2])
    try:
        out = np.broadcast_shapes(shape_of(mask), scores_shape)
    except ValueError:
        out = None
    if out != scores_shape:
        raise ValueError(
            f"mask of shape {shape_of(mask)} does not broadcast to the scores shape "
            f"(..., T_q, T_k) = {scores_shape} (query {shape_of(q)}, key {shape_of(k)})"
        )


def check_float_tensors(**tensors) -> None:
    """Check that every named tensor is a floating-point torch tensor of one dtype."""
    dtypes = set()
    for name, x in tensors.items():
        if not isinstance(x, torch.Tensor):
            raise ValueError(f"{name} must be a torch.Tensor, got {type(x).__name__}")
        if not x.is_floating_point():
            raise ValueError(
                f"{name} must be a floating-point tensor, got dtype {x.dtype} with shape {shape_of(x)}"
            )
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
            raise ValueError(
                f"{name} must be a floating-point array, got dtype {x.dtype} with shape {shape_of(x)}"
            )
