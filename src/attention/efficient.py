"""Attention that saves memory: online softmax and tiled attention (the KV cache and GQA are in kv_cache.py).

Taught in notebooks/09_efficient_attention.ipynb. Plain attention builds the whole
``(T_q, T_k)`` score matrix. :func:`tiled_attention` walks over blocks of keys
instead, keeping a running max, a running denominator and a running output (the
FlashAttention idea, in plain torch), so its extra memory grows like ``T``, not ``T**2``.
Masks are boolean with ``True`` = "may attend"; fully masked query rows give zeros.
"""

from __future__ import annotations

import math

import torch

from ._checks import check_float_tensors, check_int, check_mask, check_qkv, check_scale, scores_shape, shape_of


def _check_block_size(block_size) -> None:
    check_int("block_size", block_size)


def online_softmax_update(
    running_max: torch.Tensor, running_sum: torch.Tensor, scores: torch.Tensor
) -> tuple[torch.Tensor, torch.Tensor]:
    """One streaming step: fold a chunk of ``scores (..., C)`` into the running max and sum of exponentials.

    Taught in notebooks/09_efficient_attention.ipynb. ``running_max`` and
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

    Taught in notebooks/09_efficient_attention.ipynb. Pass 1 keeps only a running
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

    Taught in notebooks/09_efficient_attention.ipynb. Same shapes and mask sense as
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
