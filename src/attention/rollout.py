"""Attention rollout: follow attention through all layers, residual connections included.

Taught in notebooks/08_real_attention.ipynb (Abnar & Zuidema 2020, arXiv:2005.00928). One layer's
attention says where each token reads from the layer below, but the residual connection also
carries the token itself up. Rollout models a layer as ``residual * I + (1 - residual) * A``,
with ``A`` averaged over heads, and multiplies the layers: ``R_l = A_l' @ R_{l-1}``.
"""

from __future__ import annotations

import numbers

import torch

from ._checks import shape_of


def attention_rollout(attentions: torch.Tensor, residual: float = 0.5) -> torch.Tensor:
    """Roll attention out over layers: ``(layers, heads, T, T)`` -> ``(layers, T, T)``.

    Taught in notebooks/08_real_attention.ipynb. Entry ``[l, i, j]`` is how much of token ``i``'s
    vector after layer ``l`` comes from input token ``j``; every row sums to 1. The last entry,
    ``[-1]``, is the rollout of the whole model. ``residual=0.5`` is Abnar & Zuidema's choice.
    """
    if not isinstance(attentions, torch.Tensor) or attentions.ndim != 4 or attentions.shape[-1] != attentions.shape[-2]:
        raise ValueError(f"attentions must have shape (layers, heads, T, T), got {shape_of(attentions)}")
    if not attentions.is_floating_point():
        raise ValueError(f"attentions must be floating point (weights), got dtype {attentions.dtype}")
    if attentions.shape[0] == 0 or attentions.shape[1] == 0 or attentions.shape[-1] == 0:
        raise ValueError(f"attentions must have at least one layer, head and token, got {shape_of(attentions)}")
    if isinstance(residual, bool) or not isinstance(residual, numbers.Real) or not 0.0 <= residual <= 1.0:
        raise ValueError(f"residual must be a number in [0, 1], got {residual!r}")
    L, _, T, _ = attentions.shape
    eye = torch.eye(T, dtype=attentions.dtype, device=attentions.device)  # (T, T)
    per_layer = residual * eye + (1 - residual) * attentions.mean(dim=1)  # (L, h, T, T) -> (L, T, T)
    per_layer = per_layer / per_layer.sum(-1, keepdim=True)  # rows sum to 1 (they already do for softmax rows)
    rolled, out = eye, []
    for layer in range(L):
        rolled = per_layer[layer] @ rolled  # (T, T) @ (T, T) -> (T, T)
        out.append(rolled)
    return torch.stack(out)  # (L, T, T)
