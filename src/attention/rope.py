"""Rotary position embeddings (RoPE): turn each pair of query/key features by an angle set by the position.

Taught in notebooks/10_modern_attention.ipynb. Lesson 05 showed that moving a sinusoidal position vector by k
places is a rotation of every (sin, cos) pair. RoPE (Su et al., 2021; LLaMA, Mistral, Qwen) applies that rotation
to the queries and keys themselves instead of adding a position vector to the tokens: features ``(2i, 2i+1)`` of
the vector at position ``t`` are turned by the angle ``t * omega_i`` with ``omega_i = base ** (-2i / d)``. A dot
product of two rotated vectors then depends on the *difference* of their positions only.

Pairs are neighbours ``(0, 1), (2, 3), ...`` as in lesson 05 and the RoFormer paper; Hugging Face's LLaMA pairs
feature ``i`` with ``i + d/2`` ("rotate_half"), the same idea with the features in another order.
"""

from __future__ import annotations

import torch

from ._checks import check_float_tensors, shape_of


def rope_frequencies(head_dim: int, base: float = 10000.0, dtype: torch.dtype = torch.float64) -> torch.Tensor:
    """The angle per position of each feature pair, ``omega_i = base ** (-2i / head_dim)``: shape ``(head_dim / 2,)``.

    Taught in notebooks/10_modern_attention.ipynb. The first pair turns fastest (1 radian per position).
    """
    if not isinstance(head_dim, int) or isinstance(head_dim, bool) or head_dim < 2 or head_dim % 2:
        raise ValueError(f"head_dim must be a positive even int (features come in pairs), got head_dim={head_dim!r}")
    if not isinstance(base, (int, float)) or isinstance(base, bool) or base <= 1:
        raise ValueError(f"base must be a number > 1, got base={base!r}")
    return float(base) ** (-torch.arange(0, head_dim, 2, dtype=dtype) / head_dim)  # (head_dim/2,)


def _check_positions(positions, x: torch.Tensor) -> torch.Tensor:
    T = x.shape[-2]
    if positions is None:
        return torch.arange(T, device=x.device)
    if not isinstance(positions, torch.Tensor):
        positions = torch.as_tensor(positions)
    if positions.is_complex() or positions.dtype == torch.bool:
        raise ValueError(f"positions must be numbers, got dtype {positions.dtype}")
    if positions.ndim == 0 or positions.shape[-1] != T:
        raise ValueError(
            f"positions must have one entry per position, shape (..., T={T}), got {shape_of(positions)} for x {shape_of(x)}"
        )
    try:
        fits = torch.broadcast_shapes(positions.shape, x.shape[:-1]) == x.shape[:-1]
    except RuntimeError:
        fits = False
    if not fits:
        raise ValueError(f"positions {shape_of(positions)} do not broadcast to x's (..., T) = {shape_of(x)[:-1]}")
    return positions


def apply_rope(x: torch.Tensor, positions=None, base: float = 10000.0) -> torch.Tensor:
    """Rotate the feature pairs of ``x (..., T, d)`` by ``position * omega_i``; returns a new tensor of the same shape.

    Taught in notebooks/10_modern_attention.ipynb. ``positions`` (default ``0 .. T-1``) has shape ``(T,)`` or
    anything that broadcasts to ``(..., T)``; it may be a float tensor (e.g. scaled positions). Apply it to queries
    and keys, never to values.
    """
    check_float_tensors(x=x)
    if x.ndim < 2 or x.shape[-1] % 2:
        raise ValueError(f"x must have shape (..., T, d) with an even d (pairs of features), got {shape_of(x)}")
    positions = _check_positions(positions, x)
    omega = rope_frequencies(x.shape[-1], base, dtype=torch.float64).to(x.device)  # (d/2,)
    angles = positions.to(torch.float64)[..., None] * omega  # (..., T, 1) * (d/2,) -> (..., T, d/2)
    cos = torch.cos(angles).to(x.dtype).repeat_interleave(2, dim=-1)  # (..., T, d): each pair's cos, twice
    sin = torch.sin(angles).to(x.dtype).repeat_interleave(2, dim=-1)  # (..., T, d)
    even, odd = x[..., 0::2], x[..., 1::2]  # (..., T, d/2) each: the two coordinates of every pair
    turned = torch.stack([-odd, even], dim=-1).flatten(-2)  # (..., T, d): each pair (a, b) -> (-b, a), a quarter turn
    return x * cos + turned * sin  # (a cos - b sin, a sin + b cos): each pair turned counter-clockwise by its angle
