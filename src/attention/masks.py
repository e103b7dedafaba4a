"""Boolean attention masks. Convention: ``True`` means "may attend".

This is the sense of ``torch.nn.functional.scaled_dot_product_attention``'s
boolean ``attn_mask``. ``torch.nn.MultiheadAttention``'s ``key_padding_mask``
uses the opposite sense (``True`` = ignore); use :func:`to_torch_key_padding_mask`.
Taught in notebooks/02_scaled_dot_product.ipynb.
"""

from __future__ import annotations

import numbers
from collections.abc import Sequence

import torch


def causal_mask(T_q: int, T_k: int | None = None, device=None) -> torch.Tensor:
    """Mask ``(T_q, T_k)`` where position i may attend to keys 0..i (True = may attend).

    Taught in notebooks/02_scaled_dot_product.ipynb. When ``T_k > T_q`` (queries
    are the last ``T_q`` of ``T_k`` positions, as with a KV cache) the diagonal is
    aligned to the bottom-right, like torch's ``is_causal`` with a cache.
    """
    T_k = T_q if T_k is None else T_k
    for name, n in (("T_q", T_q), ("T_k", T_k)):
        if not isinstance(n, numbers.Integral) or isinstance(n, bool) or n < 1:
            raise ValueError(f"{name} must be a positive int, got {n!r}")
    if T_k < T_q:
        raise ValueError(f"causal_mask needs T_k >= T_q, got T_q={T_q}, T_k={T_k}")
    ones = torch.ones(T_q, T_k, dtype=torch.bool, device=device)
    return torch.tril(ones, diagonal=T_k - T_q)  # (T_q, T_k)


def padding_mask(lengths: Sequence[int] | torch.Tensor, T: int) -> torch.Tensor:
    """Mask ``(B, 1, T)`` that is True for the first ``lengths[b]`` keys of sequence b.

    Taught in notebooks/02_scaled_dot_product.ipynb. The middle axis of size 1
    broadcasts over queries, so it fits scores of shape ``(B, T_q, T)``.
    """
    if isinstance(T, bool) or not isinstance(T, numbers.Integral) or T < 1:
        raise ValueError(f"T must be a positive int (the number of key positions), got {T!r}")
    try:
        lengths = torch.as_tensor(lengths)
    except (TypeError, ValueError, RuntimeError):
        raise ValueError(f"lengths must be a 1-D sequence of ints (one length per sequence), got {lengths!r}") from None
    if lengths.ndim != 1:
        raise ValueError(f"lengths must be 1-D (one length per sequence), got shape {tuple(lengths.shape)}")
    if len(lengths) == 0:
        raise ValueError("lengths is empty: give one length per sequence of the batch")
    if lengths.dtype.is_floating_point or lengths.dtype.is_complex or lengths.dtype == torch.bool:
        raise ValueError(f"lengths must hold integers, got dtype {lengths.dtype}")
    if lengths.min() < 0 or lengths.max() > T:
        raise ValueError(f"every length must be in 0..T={T}, got lengths {lengths.tolist()}")
    return _padding_mask(lengths, T)


def _padding_mask(lengths: torch.Tensor, T: int) -> torch.Tensor:
    """The unchecked core of :func:`padding_mask` (``lengths`` an integer tensor ``(B,)``)."""
    positions = torch.arange(T, device=lengths.device)  # (T,)
    return (positions[None, :] < lengths[:, None])[:, None, :]  # (B, 1, T)


def to_torch_key_padding_mask(mask: torch.Tensor) -> torch.Tensor:
    """Convert our key mask (True = may attend) to torch's ``key_padding_mask`` (True = ignore).

    Taught in notebooks/04_multi_head.ipynb. Accepts ``(B, T)`` or ``(B, 1, T)``
    (as made by :func:`padding_mask`) and returns ``(B, T)``.
    """
    if not isinstance(mask, torch.Tensor) or mask.dtype != torch.bool:
        got = f"dtype {mask.dtype} with shape {tuple(mask.shape)}" if hasattr(mask, "dtype") else type(mask).__name__
        raise ValueError(f"mask must be a boolean torch.Tensor (True = may attend), got {got}")
    if mask.ndim == 3 and mask.shape[1] == 1:
        mask = mask[:, 0, :]  # (B, 1, T) -> (B, T)
    if mask.ndim != 2:
        raise ValueError(f"mask must have shape (B, T) or (B, 1, T), got {tuple(mask.shape)}")
    return ~mask
