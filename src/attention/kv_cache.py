"""Decoding with less memory: a KV cache, and grouped-query attention, which makes the cache smaller.

Taught in notebooks/09_efficient_attention.ipynb. A decoder writing token t needs the keys and values of
tokens 0..t-1 again: :class:`KVCache` keeps them instead of recomputing them, :func:`kv_cache_bytes` says what
that costs, and :func:`grouped_query_attention` lets groups of query heads share one key/value head (GQA; MQA
with one), so there is less to keep. Tensors are ``(B, heads, T, d)``; masks are boolean, True = may attend.
"""

from __future__ import annotations

import torch

from ._checks import check_float_tensors, check_int, check_mask, check_qkv, check_scale, shape_of
from .masks import causal_mask
from .scaled_dot_product import _attention


class KVCache:
    """Keys and values of the tokens decoded so far, so each new token attends without recomputing them.

    Taught in notebooks/09_efficient_attention.ipynb. Tensors are ``(B, h, t, d)``;
    space for ``max_len`` positions is allocated at the first :meth:`append`.
    """

    def __init__(self, max_len: int):
        check_int("max_len", max_len)
        self.max_len = max_len  # most positions the cache can hold
        self.length = 0  # positions filled so far
        self._k: torch.Tensor | None = None  # (B, h, max_len, d_k) once allocated
        self._v: torch.Tensor | None = None  # (B, h, max_len, d_v) once allocated

    def __len__(self) -> int:
        return self.length

    def append(self, key: torch.Tensor, value: torch.Tensor) -> None:
        """Store the keys ``(B, h, t, d_k)`` and values ``(B, h, t, d_v)`` of ``t`` new positions."""
        check_float_tensors(key=key, value=value)
        if key.ndim != 4 or value.ndim != 4 or key.shape[:3] != value.shape[:3]:
            raise ValueError(
                f"key and value must be (B, h, t, d) with the same B, h, t, got key {shape_of(key)}, value {shape_of(value)}"
            )
        if self._k is None:
            B, h, _, d_k = key.shape
            self._k = key.new_zeros((B, h, self.max_len, d_k))  # (B, h, max_len, d_k)
            self._v = value.new_zeros((B, h, self.max_len, value.shape[-1]))  # (B, h, max_len, d_v)
        elif key.shape[:2] != self._k.shape[:2] or key.shape[-1] != self._k.shape[-1] or value.shape[-1] != self._v.shape[-1]:
            raise ValueError(
                f"key {shape_of(key)} / value {shape_of(value)} do not match the cache "
                f"(B, h, ., d_k) = {shape_of(self._k)}, d_v = {self._v.shape[-1]}"
            )
        elif key.dtype != self._k.dtype:
            raise ValueError(f"key and value have dtype {key.dtype} but the cache holds {self._k.dtype} (it would round them)")
        t = key.shape[2]
        if self.length + t > self.max_len:
            raise ValueError(f"cache is full: holds {self.length} of max_len={self.max_len}, cannot add {t} more")
        self._k[:, :, self.length : self.length + t] = key.detach()
        self._v[:, :, self.length : self.length + t] = value.detach()
        self.length += t

    @property
    def keys(self) -> torch.Tensor:
        """The cached keys ``(B, h, length, d_k)`` (a view, no copy)."""
        if self._k is None:
            raise ValueError("the cache is empty: append keys and values first")
        return self._k[:, :, : self.length]

    @property
    def values(self) -> torch.Tensor:
        """The cached values ``(B, h, length, d_v)`` (a view, no copy)."""
        if self._v is None:
            raise ValueError("the cache is empty: append keys and values first")
        return self._v[:, :, : self.length]

    def attend(self, query: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """Causal attention of the newest ``t`` queries ``(B, h, t, d_k)`` over every cached position.

        Returns ``(output, weights)`` like :func:`attention.scaled_dot_product_attention`.
        Call :meth:`append` with the same positions' keys and values first.
        """
        keys = self.keys  # (B, h, length, d_k)
        check_float_tensors(query=query, key=keys)
        B, h, _, d_k = keys.shape
        if query.ndim != 4 or query.shape[:2] != (B, h) or query.shape[3] != d_k or not 1 <= query.shape[2] <= self.length:
            raise ValueError(
                f"query must be (B={B}, h={h}, t, d_k={d_k}) like the cache, with 1 <= t <= cached length "
                f"{self.length}, got {shape_of(query)}"
            )
        mask = causal_mask(query.shape[2], self.length, device=query.device)  # (t, length), bottom-right aligned
        return _attention(query, keys, self.values, mask=mask)

    def nbytes(self) -> int:
        """Bytes allocated for the cached keys and values (the whole ``max_len``)."""
        if self._k is None:
            return 0
        return self._k.numel() * self._k.element_size() + self._v.numel() * self._v.element_size()


def kv_cache_bytes(batch: int, seq_len: int, num_layers: int, num_kv_heads: int, head_dim: int, bytes_per_value: int = 2) -> int:
    """Bytes a decoder's KV cache needs: keys AND values for every layer, kv head and position.

    Taught in notebooks/09_efficient_attention.ipynb. ``bytes_per_value`` is 2 for
    float16/bfloat16, 4 for float32.
    """
    for name, n in (
        ("batch", batch),
        ("seq_len", seq_len),
        ("num_layers", num_layers),
        ("num_kv_heads", num_kv_heads),
        ("head_dim", head_dim),
        ("bytes_per_value", bytes_per_value),
    ):
        check_int(name, n)
    return 2 * batch * seq_len * num_layers * num_kv_heads * head_dim * bytes_per_value


def repeat_kv(x: torch.Tensor, num_repeats: int) -> torch.Tensor:
    """Repeat each key/value head ``num_repeats`` times: ``(B, h_kv, T, d)`` -> ``(B, h_kv * num_repeats, T, d)``.

    Taught in notebooks/09_efficient_attention.ipynb: the slow, memory-hungry way to
    do grouped-query attention, used to check :func:`grouped_query_attention`.
    """
    if not isinstance(x, torch.Tensor) or x.ndim != 4:
        raise ValueError(f"x must be a tensor of shape (B, h_kv, T, d), got {shape_of(x)}")
    check_int("num_repeats", num_repeats)
    return x.repeat_interleave(num_repeats, dim=1)  # (B, h_kv * r, T, d): head j serves query heads j*r .. j*r+r-1


def grouped_query_attention(
    query: torch.Tensor,
    key: torch.Tensor,
    value: torch.Tensor,
    mask: torch.Tensor | None = None,
    scale: float | None = None,
) -> tuple[torch.Tensor, torch.Tensor]:
    """Attention where groups of query heads share one key/value head (GQA; MQA when there is one kv head).

    Taught in notebooks/09_efficient_attention.ipynb. ``query (B, h_q, T_q, d_k)``,
    ``key (B, h_kv, T_k, d_k)``, ``value (B, h_kv, T_k, d_v)``; ``h_kv`` must divide
    ``h_q``; query heads ``j*g .. j*g+g-1`` (g = h_q / h_kv) use kv head j, as with
    torch's ``enable_gqa=True``. ``mask`` broadcasts to ``(B, h_q, T_q, T_k)``.
    Returns ``(output (B, h_q, T_q, d_v), weights (B, h_q, T_q, T_k))``.
    """
    check_float_tensors(query=query, key=key, value=value)
    for name, x in (("query", query), ("key", key), ("value", value)):
        if x.ndim != 4:
            raise ValueError(f"{name} must have shape (B, heads, T, d), got {shape_of(x)}")
    B, h_q, T_q, _ = query.shape
    h_kv = key.shape[1]
    if h_kv == 0 or h_q == 0:
        raise ValueError(
            f"h_q={h_q} query heads and h_kv={h_kv} key/value heads: both must be >= 1 "
            f"(query {shape_of(query)}, key {shape_of(key)})"
        )
    if value.shape[1] != h_kv:
        raise ValueError(f"key and value must have the same number of heads: key {shape_of(key)}, value {shape_of(value)}")
    if h_q % h_kv != 0:
        raise ValueError(
            f"key/value heads h_kv={h_kv} must divide query heads h_q={h_q} (query {shape_of(query)}, key {shape_of(key)})"
        )
    if key.shape[0] != B or value.shape[0] != B:
        raise ValueError(
            f"query, key and value must share the batch size B: "
            f"query {shape_of(query)}, key {shape_of(key)}, value {shape_of(value)}"
        )
    check_qkv(query[:, :h_kv], key, value)  # d_k and T_k agree
    check_scale(scale)
    g = h_q // h_kv
    T_k = key.shape[2]
    if mask is not None:
        check_mask(
            mask,
            (B, h_q, T_q, T_k),
            for_torch=True,
            scores_name="(B, h_q, T_q, T_k)",
            inputs=f"query {shape_of(query)}, key {shape_of(key)}",
        )
        mask = mask.expand(B, h_q, T_q, T_k).reshape(B, h_kv, g, T_q, T_k)  # (B, h_kv, g, T_q, T_k)
    q = query.reshape(B, h_kv, g, T_q, query.shape[-1])  # (B, h_q, T_q, d_k) -> (B, h_kv, g, T_q, d_k)
    k, v = key.unsqueeze(2), value.unsqueeze(2)  # (B, h_kv, 1, T_k, d): shared by the g query heads, never copied
    out, weights = _attention(q, k, v, mask=mask, scale=scale)  # (B, h_kv, g, T_q, d_v), (..., T_q, T_k)
    return out.reshape(B, h_q, T_q, value.shape[-1]), weights.reshape(B, h_q, T_q, T_k)
