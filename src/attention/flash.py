"""FlashAttention's two-level tiling: blocks of queries outside, blocks of keys inside, and a backward that recomputes.

Taught in notebooks/10_modern_attention.ipynb. Lesson 09's :func:`attention.tiled_attention` walks over key blocks
for *all* queries at once, so it still holds a ``T x block`` matrix. FlashAttention-2 (Dao, 2023) also cuts the
queries into blocks: for one block of queries it streams over the key blocks with the online softmax, writes that
block's output and its log-sum-exp, and moves on. Only one ``block_q x block_k`` tile of scores exists at a time.
The backward pass never stores the weights either: it recomputes each tile from the saved log-sum-exp.
Masks are boolean, True = may attend; a fully masked query row gives zeros (and zero gradients).
"""

from __future__ import annotations

import math

import torch

from ._checks import check_float_tensors, check_mask, check_qkv, scores_shape, shape_of


def _tile_scores(q_blk, k, qs, qe, ks, ke, mask, causal, shift):
    """Scores of one tile, masked: ``(..., qe - qs, ke - ks)``; q_blk is already scaled."""
    s = q_blk @ k[..., ks:ke, :].transpose(-2, -1)  # (..., bq, d_k) @ (..., d_k, bk) -> (..., bq, bk)
    if mask is not None:
        s.masked_fill_(~mask[..., qs:qe, ks:ke], float("-inf"))
    if causal and ke - 1 > qs + shift:  # the tile crosses the diagonal: some keys are in the future
        q_pos = torch.arange(qs + shift, qe + shift, device=s.device)[:, None]  # (bq, 1)
        k_pos = torch.arange(ks, ke, device=s.device)[None, :]  # (1, bk)
        s.masked_fill_(k_pos > q_pos, float("-inf"))
    return s


def _key_end(causal: bool, qe: int, shift: int, T_k: int) -> int:
    """Keys after the block's last query are all in the future when causal: skip those tiles entirely."""
    return min(T_k, qe + shift) if causal else T_k


def _flash_forward(q, k, v, mask, causal, block_q, block_k, scale):
    T_q, T_k, d_v = q.shape[-2], k.shape[-2], v.shape[-1]
    batch = torch.broadcast_shapes(q.shape[:-2], k.shape[:-2], v.shape[:-2])
    shift = T_k - T_q  # query i sits at key position i + shift
    out = q.new_empty((*batch, T_q, d_v))  # (..., T_q, d_v)
    lse = q.new_empty((*batch, T_q))  # (..., T_q) log-sum-exp of each query's scores
    for qs in range(0, T_q, block_q):
        qe = min(qs + block_q, T_q)
        q_blk = q[..., qs:qe, :] * scale  # (..., bq, d_k)
        run_max = q.new_full((*batch, qe - qs), float("-inf"))  # (..., bq)
        run_sum = q.new_zeros((*batch, qe - qs))  # (..., bq)
        acc = q.new_zeros((*batch, qe - qs, d_v))  # (..., bq, d_v) unnormalised output
        for ks in range(0, _key_end(causal, qe, shift, T_k), block_k):
            ke = min(ks + block_k, _key_end(causal, qe, shift, T_k))
            s = _tile_scores(q_blk, k, qs, qe, ks, ke, mask, causal, shift)  # (..., bq, bk)
            new_max = torch.maximum(run_max, s.amax(dim=-1))  # (..., bq)
            safe_max = new_max.masked_fill(torch.isneginf(new_max), 0.0)  # nothing allowed yet: avoid -inf - -inf
            p = s.sub_(safe_max.unsqueeze(-1)).exp_()  # (..., bq, bk) in place: the tile is ours
            rescale = torch.exp(run_max - safe_max)  # (..., bq)
            run_sum = run_sum * rescale + p.sum(dim=-1)
            acc.mul_(rescale.unsqueeze(-1)).add_(p @ v[..., ks:ke, :])  # (..., bq, bk) @ (..., bk, d_v) -> (..., bq, d_v)
            run_max = new_max
        empty = run_sum == 0  # fully masked rows
        out[..., qs:qe, :] = acc / run_sum.masked_fill(empty, 1.0).unsqueeze(-1)
        lse[..., qs:qe] = run_max + torch.log(run_sum)  # -inf where empty
    return out, lse


def _flash_backward(q, k, v, out, lse, d_out, d_lse, mask, causal, block_q, block_k, scale):
    T_q, T_k = q.shape[-2], k.shape[-2]
    batch = out.shape[:-2]
    shift = T_k - T_q
    d_q = q.new_zeros((*batch, *q.shape[-2:]))
    d_k = k.new_zeros((*batch, *k.shape[-2:]))
    d_v = v.new_zeros((*batch, *v.shape[-2:]))
    delta = (d_out * out).sum(-1)  # (..., T_q) = sum_j p_ij dp_ij, the softmax's backward term
    if d_lse is not None:
        delta = delta - d_lse  # d lse_i / d s_ij = p_ij: folds into the same term
    safe_lse = lse.masked_fill(torch.isneginf(lse), float("inf"))  # empty rows: p = exp(-inf) = 0
    for qs in range(0, T_q, block_q):
        qe = min(qs + block_q, T_q)
        q_blk = q[..., qs:qe, :] * scale  # (..., bq, d_k)
        do_blk = d_out[..., qs:qe, :]  # (..., bq, d_v)
        for ks in range(0, _key_end(causal, qe, shift, T_k), block_k):
            ke = min(ks + block_k, _key_end(causal, qe, shift, T_k))
            s = _tile_scores(q_blk, k, qs, qe, ks, ke, mask, causal, shift)  # (..., bq, bk) recomputed
            p = torch.exp(s - safe_lse[..., qs:qe, None])  # (..., bq, bk) the weights, recomputed
            d_v[..., ks:ke, :] += p.transpose(-2, -1) @ do_blk  # (..., bk, bq) @ (..., bq, d_v)
            dp = do_blk @ v[..., ks:ke, :].transpose(-2, -1)  # (..., bq, d_v) @ (..., d_v, bk) -> (..., bq, bk)
            ds = p * (dp - delta[..., qs:qe, None])  # (..., bq, bk) gradient of the scores
            d_q[..., qs:qe, :] += (ds @ k[..., ks:ke, :]) * scale  # (..., bq, d_k)
            d_k[..., ks:ke, :] += ds.transpose(-2, -1) @ q_blk  # (..., bk, d_k); q_blk carries the scale
    return d_q, d_k, d_v


class _FlashAttention(torch.autograd.Function):
    @staticmethod
    def forward(ctx, q, k, v, mask, causal, block_q, block_k, scale):
        out, lse = _flash_forward(q, k, v, mask, causal, block_q, block_k, scale)
        ctx.save_for_backward(q, k, v, out, lse, mask)
        ctx.settings = (causal, block_q, block_k, scale)
        return out, lse

    @staticmethod
    def backward(ctx, d_out, d_lse):
        q, k, v, out, lse, mask = ctx.saved_tensors
        d_out = torch.zeros_like(out) if d_out is None else d_out
        d_q, d_k, d_v = _flash_backward(q, k, v, out, lse, d_out, d_lse, mask, *ctx.settings)
        return d_q, d_k, d_v, None, None, None, None, None


def flash_attention(
    query: torch.Tensor,
    key: torch.Tensor,
    value: torch.Tensor,
    mask: torch.Tensor | None = None,
    causal: bool = False,
    block_q: int = 256,
    block_k: int = 256,
    scale: float | None = None,
    return_lse: bool = False,
):
    """Exact attention tiled over query blocks AND key blocks (FlashAttention-2's loop order); returns the output.

    Taught in notebooks/10_modern_attention.ipynb. The default 256 x 256 tile of float32 scores is 256 KB, which
    fits a CPU core's L2 cache (FlashAttention sizes its tiles for a GPU's on-chip SRAM the same way). Same shapes,
    mask sense and causal alignment as
    :func:`attention.tiled_attention` (``mask`` broadcastable to ``(..., T_q, T_k)``, True = may attend;
    ``causal=True`` aligns the diagonal bottom-right when ``T_k > T_q``). Only one ``block_q x block_k`` tile of
    scores is alive at a time, and with ``causal=True`` the tiles wholly in the future are skipped. Gradients use
    FlashAttention's backward: each tile's weights are recomputed from the saved log-sum-exp instead of stored.
    With ``return_lse=True`` returns ``(output, logsumexp (..., T_q))``; logsumexp is ``-inf`` for fully masked rows.
    """
    check_float_tensors(query=query, key=key, value=value)
    check_qkv(query, key, value)
    check_mask(mask, scores_shape(query, key), for_torch=True, inputs=f"query {shape_of(query)}, key {shape_of(key)}")
    for name, n in (("block_q", block_q), ("block_k", block_k)):
        if not isinstance(n, int) or isinstance(n, bool) or n < 1:
            raise ValueError(f"{name} must be an int >= 1, got {n!r}")
    T_q, T_k = query.shape[-2], key.shape[-2]
    if causal and T_k < T_q:
        raise ValueError(f"causal=True needs T_k >= T_q, got query {shape_of(query)}, key {shape_of(key)}")
    scale = 1.0 / math.sqrt(query.shape[-1]) if scale is None else float(scale)
    batch = torch.broadcast_shapes(query.shape[:-2], key.shape[:-2], value.shape[:-2])
    if mask is not None:
        batch = torch.broadcast_shapes(batch, mask.shape[:-2])
        mask = mask.expand(*batch, T_q, T_k)  # views, no copies: tiles are sliced from them
    query, key, value = (x.expand(*batch, *x.shape[-2:]) for x in (query, key, value))  # autograd sums shared grads
    out, lse = _FlashAttention.apply(query, key, value, mask, causal, block_q, block_k, scale)
    return (out, lse) if return_lse else out
