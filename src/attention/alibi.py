"""ALiBi: attention with linear biases. No position vectors at all; every head subtracts slope x distance.

Taught in notebooks/10_modern_attention.ipynb. Press, Smith and Lewis (2022, "Train short, test long") add
``-m_h * |i - j|`` to the score of query ``i`` and key ``j`` in head ``h``: older keys lose a little, linearly, and
each head has its own slope ``m_h`` (a geometric sequence, so some heads look far and some look near). Used by
BLOOM and MPT. Masks are boolean, True = may attend; a fully masked query row gives zeros.
"""

from __future__ import annotations

import math

import torch

from ._checks import check_float_tensors, check_mask, check_qkv, scores_shape, shape_of
from .softmax import softmax_torch


def alibi_slopes(num_heads: int) -> torch.Tensor:
    """The paper's slope of each head, ``(num_heads,)``: ``2**(-8/n), 2**(-16/n), ..., 2**-8`` for n heads.

    Taught in notebooks/10_modern_attention.ipynb. When ``num_heads`` is not a power of two the paper takes the
    slopes of the power of two below it and fills up with every other slope of the power of two above.
    """
    if not isinstance(num_heads, int) or isinstance(num_heads, bool) or num_heads < 1:
        raise ValueError(f"num_heads must be an int >= 1, got {num_heads!r}")

    def power_of_two(n: int) -> list[float]:
        start = 2.0 ** (-8.0 / n)
        return [start ** (i + 1) for i in range(n)]

    below = 2 ** int(math.floor(math.log2(num_heads)))
    slopes = power_of_two(below) + power_of_two(2 * below)[0::2][: num_heads - below]
    return torch.tensor(slopes, dtype=torch.float64)  # (num_heads,)


def alibi_bias(slopes: torch.Tensor, T_q: int, T_k: int | None = None) -> torch.Tensor:
    """The bias ``-slope_h * |i - j|`` added to the scores, shape ``(num_heads, T_q, T_k)``.

    Taught in notebooks/10_modern_attention.ipynb. When ``T_k > T_q`` the queries are the last ``T_q`` of the
    ``T_k`` positions (as with a KV cache), like :func:`attention.causal_mask`. In a causal model only ``j <= i``
    is ever used, where the bias is ``-slope * (i - j)``.
    """
    T_k = T_q if T_k is None else T_k
    for name, n in (("T_q", T_q), ("T_k", T_k)):
        if not isinstance(n, int) or isinstance(n, bool) or n < 1:
            raise ValueError(f"{name} must be a positive int, got {n!r}")
    if T_k < T_q:
        raise ValueError(f"alibi_bias needs T_k >= T_q (queries are the last T_q positions), got T_q={T_q}, T_k={T_k}")
    if not isinstance(slopes, torch.Tensor) or slopes.ndim != 1 or not slopes.is_floating_point():
        raise ValueError(
            f"slopes must be a 1-D float tensor (one slope per head), got {type(slopes).__name__} "
            f"{shape_of(slopes) if isinstance(slopes, torch.Tensor) else ''}"
        )
    q_pos = torch.arange(T_k - T_q, T_k, device=slopes.device)  # (T_q,) where each query sits among the keys
    k_pos = torch.arange(T_k, device=slopes.device)  # (T_k,)
    distance = (q_pos[:, None] - k_pos[None, :]).abs().to(slopes.dtype)  # (T_q, T_k)
    return -slopes[:, None, None] * distance  # (h, 1, 1) * (T_q, T_k) -> (h, T_q, T_k)


def alibi_attention(
    query: torch.Tensor,
    key: torch.Tensor,
    value: torch.Tensor,
    slopes: torch.Tensor | None = None,
    mask: torch.Tensor | None = None,
    scale: float | None = None,
) -> tuple[torch.Tensor, torch.Tensor]:
    """Scaled dot-product attention plus the ALiBi bias, returning ``(output, weights)``.

    Taught in notebooks/10_modern_attention.ipynb. ``query (..., h, T_q, d_k)``, ``key (..., h, T_k, d_k)``,
    ``value (..., h, T_k, d_v)``: the head axis is third from the end. ``slopes`` ``(h,)`` defaults to
    :func:`alibi_slopes`. ``mask`` (True = may attend) broadcasts to ``(..., h, T_q, T_k)``; pass
    ``causal_mask(T_q, T_k)`` for a decoder.
    """
    check_float_tensors(query=query, key=key, value=value)
    for name, x in (("query", query), ("key", key), ("value", value)):
        if x.ndim < 3:
            raise ValueError(f"{name} must have shape (..., heads, T, d), got {shape_of(x)}")
    h = query.shape[-3]
    if key.shape[-3] not in (1, h) or value.shape[-3] not in (1, h):
        raise ValueError(
            f"key and value need the query's {h} heads (or 1): query {shape_of(query)}, "
            f"key {shape_of(key)}, value {shape_of(value)}"
        )
    check_qkv(query, key, value)
    check_mask(mask, scores_shape(query, key), for_torch=True, inputs=f"query {shape_of(query)}, key {shape_of(key)}")
    T_q, T_k = query.shape[-2], key.shape[-2]
    if T_k < T_q:
        raise ValueError(f"alibi_attention needs T_k >= T_q, got query {shape_of(query)}, key {shape_of(key)}")
    slopes = alibi_slopes(h) if slopes is None else slopes
    if not isinstance(slopes, torch.Tensor) or slopes.shape != (h,):
        got = shape_of(slopes) if isinstance(slopes, torch.Tensor) else repr(slopes)
        raise ValueError(f"slopes must be a tensor of shape (heads,) = ({h},), got {got}")
    scale = 1.0 / math.sqrt(query.shape[-1]) if scale is None else scale
    bias = alibi_bias(slopes.to(device=query.device, dtype=query.dtype), T_q, T_k)  # (h, T_q, T_k)
    scores = (query * scale) @ key.transpose(-2, -1) + bias  # (..., h, T_q, T_k)
    if mask is not None:
        scores = scores.masked_fill(~mask, float("-inf"))
    weights = softmax_torch(scores, dim=-1)  # (..., h, T_q, T_k); fully masked rows -> zeros
    return weights @ value, weights  # (..., h, T_q, d_v), (..., h, T_q, T_k)
