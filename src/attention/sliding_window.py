"""Sliding-window attention (Mistral) and attention sinks (StreamingLLM): look only at the last few keys.

Taught in notebooks/10_modern_attention.ipynb. With a window of ``W`` keys, query ``i`` may attend to keys
``i-W+1 .. i`` (itself included), so each query costs ``W`` scores instead of ``i``: the work and memory grow like
``T * W``, not ``T**2``. Trained models park much of their attention on the first tokens (an *attention sink*);
StreamingLLM (Xiao et al., 2024) keeps those ``num_sinks`` first tokens in the cache next to the window.
Masks are boolean, True = may attend.
"""

from __future__ import annotations

import math

import torch

from ._checks import check_float_tensors, check_qkv, shape_of
from .scaled_dot_product import scaled_dot_product_attention


def _check_window(window, num_sinks) -> None:
    if not isinstance(window, int) or isinstance(window, bool) or window < 1:
        raise ValueError(f"window must be an int >= 1 (the query itself counts), got window={window!r}")
    if not isinstance(num_sinks, int) or isinstance(num_sinks, bool) or num_sinks < 0:
        raise ValueError(f"num_sinks must be an int >= 0, got num_sinks={num_sinks!r}")


def sliding_window_mask(T_q: int, T_k: int | None = None, window: int = 1, num_sinks: int = 0, device=None) -> torch.Tensor:
    """Mask ``(T_q, T_k)``: query i may attend to the ``window`` keys ending at its own position, and the first ``num_sinks``.

    Taught in notebooks/10_modern_attention.ipynb. True = may attend. Like :func:`attention.causal_mask`, when
    ``T_k > T_q`` the queries are the last ``T_q`` positions. ``window >= T_k`` gives the causal mask.
    """
    T_k = T_q if T_k is None else T_k
    for name, n in (("T_q", T_q), ("T_k", T_k)):
        if not isinstance(n, int) or isinstance(n, bool) or n < 1:
            raise ValueError(f"{name} must be a positive int, got {n!r}")
    if T_k < T_q:
        raise ValueError(f"sliding_window_mask needs T_k >= T_q, got T_q={T_q}, T_k={T_k}")
    _check_window(window, num_sinks)
    q_pos = torch.arange(T_k - T_q, T_k, device=device)[:, None]  # (T_q, 1) position of each query
    k_pos = torch.arange(T_k, device=device)[None, :]  # (1, T_k)
    in_window = (k_pos <= q_pos) & (k_pos > q_pos - window)  # (T_q, T_k) the last `window` keys
    is_sink = (k_pos < num_sinks) & (k_pos <= q_pos)  # (T_q, T_k) the first tokens, never the future
    return in_window | is_sink


def sliding_window_attention(
    query: torch.Tensor,
    key: torch.Tensor,
    value: torch.Tensor,
    window: int,
    num_sinks: int = 0,
    block_size: int | None = None,
    scale: float | None = None,
) -> torch.Tensor:
    """Attention with a sliding window (and sinks) that only computes the scores the window keeps; returns the output.

    Taught in notebooks/10_modern_attention.ipynb. Same result as :func:`attention.scaled_dot_product_attention`
    with ``mask=sliding_window_mask(T_q, T_k, window, num_sinks)``, but queries go in blocks of ``block_size``
    (default ``window``), each scored against only the keys its window can reach plus the sinks: about
    ``T * (window + block_size + num_sinks)`` scores instead of ``T_q * T_k``. Shapes as in
    :func:`attention.scaled_dot_product_attention`; output ``(..., T_q, d_v)``.
    """
    check_float_tensors(query=query, key=key, value=value)
    check_qkv(query, key, value)
    _check_window(window, num_sinks)
    block_size = window if block_size is None else block_size
    if not isinstance(block_size, int) or isinstance(block_size, bool) or block_size < 1:
        raise ValueError(f"block_size must be an int >= 1, got {block_size!r}")
    T_q, T_k = query.shape[-2], key.shape[-2]
    if T_k < T_q:
        raise ValueError(f"sliding_window_attention needs T_k >= T_q, got query {shape_of(query)}, key {shape_of(key)}")
    scale = 1.0 / math.sqrt(query.shape[-1]) if scale is None else scale
    shift = T_k - T_q  # query i sits at key position i + shift
    outputs = []
    for start in range(0, T_q, block_size):
        stop = min(start + block_size, T_q)
        lo, hi = max(0, start + shift - window + 1), stop + shift  # keys the block's windows reach: [lo, hi)
        sinks = list(range(min(num_sinks, lo)))  # sinks not already in [lo, hi)
        keys = torch.tensor(sinks + list(range(lo, hi)), device=query.device)  # (n,) key positions used
        q_pos = torch.arange(start + shift, stop + shift, device=query.device)[:, None]  # (b, 1)
        allowed = ((keys <= q_pos) & (keys > q_pos - window)) | ((keys < num_sinks) & (keys <= q_pos))  # (b, n)
        k_blk = key.index_select(-2, keys)  # (..., n, d_k)
        v_blk = value.index_select(-2, keys)  # (..., n, d_v)
        out, _ = scaled_dot_product_attention(query[..., start:stop, :], k_blk, v_blk, mask=allowed, scale=scale)
        outputs.append(out)  # (..., b, d_v)
    return torch.cat(outputs, dim=-2)  # (..., T_q, d_v)


class SinkKVCache:
    """A KV cache that keeps the first ``num_sinks`` positions and the last ``window`` ones, dropping the middle.

    Taught in notebooks/10_modern_attention.ipynb (StreamingLLM). ``num_sinks=0`` is a plain sliding-window
    cache. Tensors are ``(B, h, t, d)``; at most ``num_sinks + window`` positions are ever held, however long
    the stream. ``positions`` says which stream positions are kept, in order.
    """

    def __init__(self, window: int, num_sinks: int = 0):
        _check_window(window, num_sinks)
        self.window = window  # how many of the most recent positions are kept
        self.num_sinks = num_sinks  # how many of the first positions are kept for ever
        self.seen = 0  # positions appended so far
        self._k: torch.Tensor | None = None  # (B, h, kept, d_k)
        self._v: torch.Tensor | None = None  # (B, h, kept, d_v)
        self._pos: list[int] = []  # stream position of each kept entry

    def __len__(self) -> int:
        return len(self._pos)

    def append(self, key: torch.Tensor, value: torch.Tensor) -> None:
        """Add the keys ``(B, h, t, d_k)`` and values ``(B, h, t, d_v)`` of ``t`` new positions, then evict."""
        check_float_tensors(key=key, value=value)
        if key.ndim != 4 or value.ndim != 4 or key.shape[:3] != value.shape[:3]:
            raise ValueError(
                f"key and value must be (B, h, t, d) with the same B, h, t, got key {shape_of(key)}, value {shape_of(value)}"
            )
        if self._k is not None and (
            key.shape[:2] != self._k.shape[:2]
            or key.shape[-1] != self._k.shape[-1]
            or value.shape[-1] != self._v.shape[-1]
            or key.dtype != self._k.dtype
        ):
            raise ValueError(
                f"key {shape_of(key)} / value {shape_of(value)} do not match the cache's "
                f"(B, h, ., d) = {shape_of(self._k)} / {shape_of(self._v)}"
            )
        t = key.shape[2]
        new_pos = list(range(self.seen, self.seen + t))
        k = key.detach() if self._k is None else torch.cat([self._k, key.detach()], dim=2)  # (B, h, kept + t, d_k)
        v = value.detach() if self._v is None else torch.cat([self._v, value.detach()], dim=2)  # (B, h, kept + t, d_v)
        pos = self._pos + new_pos
        keep = [i for i, p in enumerate(pos) if p < self.num_sinks or p >= self.seen + t - self.window]
        index = torch.tensor(keep, device=key.device)
        self._k, self._v = k.index_select(2, index), v.index_select(2, index)  # (B, h, kept, d)
        self._pos = [pos[i] for i in keep]
        self.seen += t

    @property
    def keys(self) -> torch.Tensor:
        """The kept keys ``(B, h, kept, d_k)``, oldest first."""
        if self._k is None:
            raise ValueError("the cache is empty: append keys and values first")
        return self._k

    @property
    def values(self) -> torch.Tensor:
        """The kept values ``(B, h, kept, d_v)``, oldest first."""
        if self._v is None:
            raise ValueError("the cache is empty: append keys and values first")
        return self._v

    @property
    def positions(self) -> list[int]:
        """The stream positions of the kept entries, e.g. ``[0, 1, 97, 98, 99]`` for 2 sinks and a window of 3."""
        return list(self._pos)

    def nbytes(self) -> int:
        """Bytes held by the kept keys and values."""
        if self._k is None:
            return 0
        return self._k.numel() * self._k.element_size() + self._v.numel() * self._v.element_size()
