"""Scaled dot-product attention: softmax(Q K^T / sqrt(d_k)) V, in NumPy and torch.

Taught in notebooks/02_scaled_dot_product.ipynb. Both versions return
``(output, weights)``: output ``(..., T_q, d_v)``, weights ``(..., T_q, T_k)``.
Masks are boolean with ``True`` = "may attend"; a query whose keys are all
masked (or that has no keys at all) gets zero weights and a zero output (not NaN).
"""

from __future__ import annotations

import math

import numpy as np
import torch

from ._checks import (
    check_float_arrays,
    check_float_tensors,
    check_mask,
    check_probability,
    check_qkv,
    check_scale,
    scores_shape,
    shape_of,
)
from .softmax import _softmax_np, _softmax_torch


def _describe(query, key) -> str:
    return f"query {shape_of(query)}, key {shape_of(key)}"


def scaled_dot_product_attention_np(
    query: np.ndarray,
    key: np.ndarray,
    value: np.ndarray,
    mask: np.ndarray | None = None,
    scale: float | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Scaled dot-product attention in NumPy, returning ``(output, weights)``.

    Taught in notebooks/02_scaled_dot_product.ipynb. ``mask`` is boolean,
    broadcastable to ``(..., T_q, T_k)``, True = may attend. ``scale``
    defaults to ``1 / sqrt(d_k)``.
    """
    check_float_arrays(query=query, key=key, value=value)
    check_qkv(query, key, value)
    check_mask(mask, scores_shape(query, key), for_torch=False, inputs=_describe(query, key))
    check_scale(scale)
    return _attention_np(query, key, value, mask, scale)


def _attention_np(query, key, value, mask=None, scale=None):
    """The unchecked core of :func:`scaled_dot_product_attention_np`."""
    scale = 1.0 / math.sqrt(query.shape[-1]) if scale is None else scale
    scores = query @ np.swapaxes(key, -1, -2) * scale  # (..., T_q, d_k) @ (..., d_k, T_k) -> (..., T_q, T_k)
    if mask is not None:
        scores = np.where(mask, scores, -np.inf)  # masked keys can never win
    weights = _softmax_np(scores, axis=-1)  # (..., T_q, T_k), rows sum to 1 (or 0 if fully masked or no keys)
    output = weights @ value  # (..., T_q, T_k) @ (..., T_k, d_v) -> (..., T_q, d_v)
    return output, weights


def scaled_dot_product_attention(
    query: torch.Tensor,
    key: torch.Tensor,
    value: torch.Tensor,
    mask: torch.Tensor | None = None,
    scale: float | None = None,
    dropout_p: float = 0.0,
) -> tuple[torch.Tensor, torch.Tensor]:
    """Scaled dot-product attention in torch, returning ``(output, weights)``.

    Taught in notebooks/02_scaled_dot_product.ipynb. Same maths and mask sense
    as ``torch.nn.functional.scaled_dot_product_attention`` (True = may attend),
    but it also returns the weights so they can be inspected and plotted.
    ``dropout_p`` drops weights during training (after the softmax).
    """
    check_float_tensors(query=query, key=key, value=value)
    check_qkv(query, key, value)
    check_mask(mask, scores_shape(query, key), for_torch=True, inputs=_describe(query, key))
    check_scale(scale)
    check_probability("dropout_p", dropout_p)
    return _attention(query, key, value, mask, scale, dropout_p)


def _attention(query, key, value, mask=None, scale=None, dropout_p=0.0):
    """The unchecked core of :func:`scaled_dot_product_attention`: the maths, for inputs checked already."""
    scale = 1.0 / math.sqrt(query.shape[-1]) if scale is None else scale
    # Scaling the queries (T_q x d_k numbers) instead of the scores (T_q x T_k) gives the same result with far
    # less work when T_k is large; torch's own attention does the same.
    scores = (query * scale) @ key.transpose(-2, -1)  # (..., T_q, d_k) @ (..., d_k, T_k) -> (..., T_q, T_k)
    if mask is not None:
        scores.masked_fill_(~mask, float("-inf"))  # masked keys can never win (in place: scores is ours)
        weights = _softmax_torch(scores, dim=-1)  # (..., T_q, T_k), a fully masked row -> zeros
    elif scores.requires_grad:
        weights = torch.softmax(scores, dim=-1)  # (..., T_q, T_k)
    else:
        # Without autograd nothing needs the scores again: write the weights over them. This saves allocating a
        # second T_q x T_k buffer, which at long T costs more time than the softmax itself (benchmarks/).
        weights = torch.softmax(scores, dim=-1, out=scores)  # (..., T_q, T_k)
    if dropout_p > 0.0:
        weights = torch.nn.functional.dropout(weights, p=dropout_p)
    output = weights @ value  # (..., T_q, T_k) @ (..., T_k, d_v) -> (..., T_q, d_v)
    return output, weights
