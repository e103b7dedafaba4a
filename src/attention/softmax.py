"""Softmax: turn scores into weights that are positive and sum to one.

Taught in notebooks/01_ordering_food.ipynb ("split my appetite").
"""

from __future__ import annotations

import numbers

import numpy as np
import torch

from ._checks import check_float_arrays, check_float_tensors, check_temperature, shape_of


def softmax(scores: np.ndarray, axis: int = -1, temperature: float = 1.0) -> np.ndarray:
    """Numerically stable softmax of a NumPy array along ``axis``.

    Taught in notebooks/01_ordering_food.ipynb. Dividing by ``temperature``
    makes the weights sharper (< 1) or flatter (> 1). Entries equal to ``-inf``
    get weight 0; a slice that is all ``-inf`` (every key masked) gets all zeros,
    not NaN. A NaN score gives NaN weights for its slice, as in torch.
    """
    scores = np.asarray(scores)
    if np.issubdtype(scores.dtype, np.integer) or scores.dtype == np.bool_:
        scores = scores.astype(np.float64)
    check_float_arrays(scores=scores)
    _check_axis(scores, axis, "axis", temperature)
    return _softmax_np(scores, axis, temperature)


def softmax_torch(scores: torch.Tensor, dim: int = -1, temperature: float = 1.0) -> torch.Tensor:
    """Softmax of a torch tensor where an all ``-inf`` slice gives zeros, not NaN.

    Taught in notebooks/02_scaled_dot_product.ipynb (fully masked rows).
    """
    check_float_tensors(scores=scores)
    _check_axis(scores, dim, "dim", temperature)
    return _softmax_torch(scores, dim, temperature)


def _check_axis(scores, axis: int, name: str, temperature: float) -> None:
    """What both softmaxes check besides the dtype: the temperature, and an axis that exists."""
    check_temperature(temperature)
    if scores.ndim == 0:
        raise ValueError("scores must have at least 1 dimension, got a scalar (shape ())")
    if isinstance(axis, bool) or not isinstance(axis, numbers.Integral) or not -scores.ndim <= axis < scores.ndim:
        raise ValueError(f"{name}={axis!r} is out of range for scores of shape {shape_of(scores)}")


def _softmax_np(scores: np.ndarray, axis: int = -1, temperature: float = 1.0) -> np.ndarray:
    """The unchecked core of :func:`softmax` (float array, temperature > 0)."""
    if scores.shape[axis] == 0:
        return scores.copy()  # nothing to split the weight over
    all_masked = np.isneginf(scores).all(axis=axis, keepdims=True)  # every key masked: zeros
    top = np.max(scores, axis=axis, keepdims=True)  # NaN if the slice has a NaN
    top = np.where(np.isinf(top), 0.0, top)  # all -inf slice: avoid -inf - -inf
    # Subtract the max before dividing by the temperature: the largest entry becomes exp(0) = 1 whatever the
    # temperature, so a tiny one cannot overflow (10 / 1e-38 is inf in float32, (10 - 10) / 1e-38 is 0).
    with np.errstate(over="ignore"):  # only ever towards -inf (every entry is <= 0 here), whose exp is 0
        e = np.exp((scores - top) / temperature)
    total = np.sum(e, axis=axis, keepdims=True)
    with np.errstate(invalid="ignore"):  # NaN rows stay NaN, quietly, as in torch
        return np.divide(e, total, out=np.zeros_like(e), where=~all_masked)


def _softmax_torch(scores: torch.Tensor, dim: int = -1, temperature: float = 1.0) -> torch.Tensor:
    """The unchecked core of :func:`softmax_torch`."""
    if scores.shape[dim] == 0:
        return scores.clone()  # nothing to split the weight over
    all_masked = torch.isneginf(scores).all(dim=dim, keepdim=True)
    if temperature != 1.0:  # subtract the max first (see softmax): a tiny temperature cannot overflow
        top = scores.amax(dim=dim, keepdim=True)
        scores = (scores - top.masked_fill(torch.isinf(top), 0.0)) / temperature
    z = scores.masked_fill(all_masked, 0.0)  # any finite value; the row is zeroed below
    return torch.softmax(z, dim=dim).masked_fill(all_masked, 0.0)
