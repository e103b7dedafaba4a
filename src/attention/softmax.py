"""Softmax: turn scores into weights that are positive and sum to one.

Taught in notebooks/01_ordering_food.ipynb ("split my appetite").
"""

from __future__ import annotations

import numpy as np
import torch

from ._checks import check_float_arrays


def softmax(scores: np.ndarray, axis: int = -1, temperature: float = 1.0) -> np.ndarray:
    """Numerically stable softmax of a NumPy array along ``axis``.

    Taught in notebooks/01_ordering_food.ipynb. Dividing by ``temperature``
    first makes the weights sharper (< 1) or flatter (> 1). Entries equal to
    ``-inf`` get weight 0; a slice that is all ``-inf`` gets all zeros (not NaN).
    """
    scores = np.asarray(scores)
    if np.issubdtype(scores.dtype, np.integer) or scores.dtype == np.bool_:
        scores = scores.astype(np.float64)
    check_float_arrays(scores=scores)
    if not temperature > 0:
        raise ValueError(f"temperature must be > 0, got {temperature}")
    if scores.ndim == 0:
        raise ValueError("scores must have at least 1 dimension, got a scalar (shape ())")
    z = scores / temperature
    z_max = np.max(z, axis=axis, keepdims=True)
    z_max = np.where(np.isfinite(z_max), z_max, 0.0)  # all -inf slice: avoid inf - inf
    e = np.exp(z - z_max)  # largest entry becomes exp(0) = 1: no overflow
    total = np.sum(e, axis=axis, keepdims=True)
    return np.divide(e, total, out=np.zeros_like(e), where=total > 0)


def softmax_torch(scores: torch.Tensor, dim: int = -1, temperature: float = 1.0) -> torch.Tensor:
    """Softmax of a torch tensor where an all ``-inf`` slice gives zeros, not NaN.

    Taught in notebooks/02_scaled_dot_product.ipynb (fully masked rows).
    """
    if not temperature > 0:
        raise ValueError(f"temperature must be > 0, got {temperature}")
    z = scores if temperature == 1.0 else scores / temperature
    all_masked = torch.isneginf(z).all(dim=dim, keepdim=True)
    z = z.masked_fill(all_masked, 0.0)  # any finite value; the row is zeroed below
    return torch.softmax(z, dim=dim).masked_fill(all_masked, 0.0)
