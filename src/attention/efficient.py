"""Attention that saves memory: online softmax, tiled attention, a KV cache, grouped-query attention.

Taught in notebooks/08_efficient_attention.ipynb. Plain attention builds the whole
``(T_q, T_k)`` score matrix. :func:`tiled_attention` walks over blocks of keys
instead, keeping a running max, a running denominator and a running output (the
FlashAttention idea, in plain torch), so its extra memory grows like ``T``, not ``T**2``.
Masks are boolean with ``True`` = "may attend"; fully masked query rows give zeros.
"""

from __future__ import annotations

import math

import torch

from ._checks import check_float_tensors, check_int, check_mask, check_qkv, check_scale, scores_shape, shape_of
from .masks import causal_mask
from .scaled_dot_product import _attention


def _check_block_size(block_size) -> None:
    check_int("block_size", block_size)


def online_softmax_update(
    running_max: torch.Tensor, running_sum: torch.Tensor, scores: torch.Tensor
) -> tuple[torch.Tensor, torch.Tensor]:
    """One streaming step: fold a chunk of ``scores (..., C)`` into the running max and sum of exponentials.

    Taught in notebooks/08_efficient_attention.ipynb. ``running_max`` and
    ``running_sum`` have shape ``(...)`` and start at ``-inf`` and ``0``. After all
    chunks, ``running_sum == sum(exp(x - running_max))`` over every score seen.
    """
    check_float_tensors(running_max=running_max, running_sum=running_sum, scores=scores)
    if scores.ndim < 1 or running_max.shape != scores.shape[:-1] or running_sum.shape != scores.shape[:-1]:
        raise ValueError(
            f"running_max and running_sum must have the shape of scores without its last axis, {shape_of(scores)[:-1]}: "
            f"got running_max {shape_of(running_max)}, running_sum {shape_of(running_sum)}, scores {shape_of(scores)}"
        )
    return _online_softmax_update(running_max, running_sum, scores)


def _online_softmax_update(running_max, running_sum, scores):
    """The unchecked core of :func:`online_softmax_update`."""
    new_max = torch.maximum(running_max, scores.amax(dim=-1))  # (...)
    safe_max = new_max.masked_fill(torch.isneginf(new_max), 0.0)  # nothing seen yet: avoid -inf - -inf
    rescale = torch.exp(running_max - safe_max)  # old sum was relative to the old max
    new_sum = running_sum * rescale + torch.exp(scores - safe_max.unsqueeze(-1)).sum(dim=-1)  # (...)
    return new_max, new_sum


def online_softmax(scores: torch.Tensor, block_size: int = 128) -> torch.Tensor:
    """Softmax over the last axis computed by streaming over chunks of ``block_size`` scores.

    Taught in notebooks/08_efficient_attention.ipynb. Pass 1 keeps only a running
    max and a running sum per row (:func:`online_softmax_update`); pass 2 divides.
    Equals ``torch.softmax``; a row that is all ``-inf`` gives zeros.
    """
    check_float_tensors(scores=scores)
    _check_block_size(block_size)
    if scores.ndim < 1 or scores.shape[-1] == 0:
        raise ValueError(f"scores must have a non-empty last axis, got shape {shape_of(scores)}")
    running_max = torch.full(scores.shape[:-1], float("-inf"), dtype=scores.dtype, device=scores.device)  # (...)
    running_sum = torch.zeros(scores.shape[:-1], dtype=scores.dtype, device=scores.device)  # (...)
    for start in range(0, scores.shape[-1], block_size):
        chunk = scores[..., start : start + block_size]  # (..., C)
        running_max, running_sum = _online_softmax_update(running_max, running_sum, chunk)
    safe_max = running_max.masked_fill(torch.isneginf(running_max), 0.0).unsqueeze(-1)  # (..., 1)
    safe_sum = running_sum.masked_fill(running_sum == 0, 1.0).unsqueeze(-1)  # all -inf row: numerators are 0
    return torch.exp(scores - safe_max) / safe_sum


def tiled_attention(
    query: torch.Tensor,
    key: torch.Tensor,
    value: torch.Tensor,
    mask: torch.Tensor | None = None,
    causal: bool = False,
    block_size: int = 128,
    scale: float | None = None,
    return_lse: bool = False,
):
    """Attention over blocks of keys that never builds the ``(T_q, T_k)`` matrix; returns the output.

    Taught in notebooks/08_efficient_attention.ipynb. Same shapes and mask sense as
    :func:`attention.scaled_dot_product_attention` (``mask`` broadcastable to
    ``(..., T_q, T_k)``, True = may attend). ``causal=True`` lets query i see keys
    up to i (aligned bottom-right when ``T_k > T_q``, as with a KV cache). The
    weights are never formed, so only the output ``(..., T_q, d_v)`` is returned,
    or ``(output, logsumexp)`` with ``return_lse=True`` (logsumexp ``(..., T_q)``
    is ``-inf`` for fully masked rows, whose output is zeros).

    Gradients flow through with autograd, but autograd then keeps every block's
    weights for the backward pass; FlashAttention instead recomputes them.
    """
    check_float_tensors(query=query, key=key, value=value)
    check_qkv(query, key, value)
    check_mask(mask, scores_shape(query, key), for_torch=True, inputs=f"query {shape_of(query)}, key {shape_of(key)}")
    _check_block_size(block_size)
    check_scale(scale)
    T_q, T_k = query.shape[-2], key.shape[-2]
    if causal and T_k < T_q:
        raise ValueError(f"causal=True needs T_k >= T_q, got query {shape_of(query)}, key {shape_of(key)}")
    scale = 1.0 / math.sqrt(query.shape[-1]) if scale is None else scale
    batch = torch.broadcast_shapes(query.shape[:-2], key.shape[:-2], value.shape[:-2])
    if mask is not None:
        mask = mask.expand(*batch, T_q, T_k)  # a view: no copy is made
    q_pos = torch.arange(T_q, device=query.device) + (T_k - T_q)  # (T_q,) position of each query among the keys
    run_max = query.new_full((*batch, T_q), float("-inf"))  # (..., T_q) largest score seen so far
    run_sum = query.new_zeros((*batch, T_q))  # (..., T_q) sum of exp(score - run_max)
    acc = query.new_zeros((*batch, T_q, value.shape[-1]))  # (..., T_q, d_v) unnormalised output
    for start in range(0, T_k, block_size):
        stop = min(start + block_size, T_k)
        k_blk, v_blk = key[..., start:stop, :], value[..., start:stop, :]  # (..., C, d_k), (..., C, d_v)
        s = query @ k_blk.transpose(-2, -1) * scale  # (..., T_q, d_k) @ (..., d_k, C) -> (..., T_q, C)
        if mask is not None:
            s = s.masked_fill(~mask[..., start:stop], float("-inf"))
        if causal:
            k_pos = torch.arange(start, stop, device=query.device)  # (C,)
            s = s.masked_fill(k_pos[None, :] > q_pos[:, None], float("-inf"))  # (T_q, C) broadcasts
        new_max = torch.maximum(run_max, s.amax(dim=-1))  # (..., T_q)
        safe_max = new_max.masked_fill(torch.isneginf(new_max), 0.0)  # row with nothing allowed yet
        p = torch.exp(s - safe_max.unsqueeze(-1))  # (..., T_q, C) this block's unnormalised weights
        rescale = torch.exp(run_max - safe_max)  # (..., T_q) old sums were relative to the old max
        run_sum = run_sum * rescale + p.sum(dim=-1)
        acc = acc * rescale.unsqueeze(-1) + p @ v_blk  # (..., T_q, C) @ (..., C, d_v) -> (..., T_q, d_v)
        run_max = new_max
    empty = run_sum == 0  # fully masked rows
    output = acc / run_sum.masked_fill(empty, 1.0).unsqueeze(-1)  # (..., T_q, d_v), zeros where empty
    if not return_lse:
        return output
    lse = run_max + torch.log(run_sum)  # (..., T_q); -inf where empty
    return output, lse


class KVCache:
    """Keys and values of the tokens decoded so far, so each new token attends without recomputing them.

    Taught in notebooks/08_efficient_attention.ipynb. Tensors are ``(B, h, t, d)``;
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

    Taught in notebooks/08_efficient_attention.ipynb. ``bytes_per_value`` is 2 for
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

    Taught in notebooks/08_efficient_attention.ipynb: the slow, memory-hungry way to
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

    Taught in notebooks/08_efficient_attention.ipynb. ``query (B, h_q, T_q, d_k)``,
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
