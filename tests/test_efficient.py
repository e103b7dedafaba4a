"""Tests for attention.efficient and attention.kv_cache: online softmax, tiled attention, KV cache, GQA, against torch."""

import pytest
import torch
from torch.nn import functional as F

from attention import (
    KVCache,
    causal_mask,
    grouped_query_attention,
    kv_cache_bytes,
    online_softmax,
    online_softmax_update,
    repeat_kv,
    scaled_dot_product_attention,
    softmax_torch,
    tiled_attention,
)

ATOL = 1e-6
SHAPES = [((1, 5, 4), (1, 5, 4)), ((2, 3, 17, 8), (2, 3, 17, 8)), ((2, 2, 9, 16), (2, 2, 33, 16)), ((40, 6), (70, 6))]


def qkv(q_shape, k_shape, seed, d_v=None):
    g = torch.Generator().manual_seed(seed)
    v_shape = k_shape[:-1] + ((d_v or k_shape[-1]),)
    return tuple(torch.randn(s, generator=g, dtype=torch.float64) for s in (q_shape, k_shape, v_shape))


@pytest.mark.parametrize("block_size", [1, 3, 8, 100])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_online_softmax_equals_softmax(block_size, seed):
    g = torch.Generator().manual_seed(seed)
    scores = torch.randn(3, 4, 21, generator=g, dtype=torch.float64) * 10
    torch.testing.assert_close(online_softmax(scores, block_size), torch.softmax(scores, -1), atol=ATOL, rtol=0)


def test_online_softmax_masked_rows_and_large_scores():
    scores = torch.tensor(
        [[1000.0, 999.0, -1000.0, 5.0], [float("-inf")] * 4, [float("-inf"), 1.0, float("-inf"), 2.0]], dtype=torch.float64
    )
    out = online_softmax(scores, block_size=2)
    assert not out.isnan().any()
    torch.testing.assert_close(out, softmax_torch(scores), atol=ATOL, rtol=0)
    assert out[1].eq(0).all()


def test_online_softmax_update_tracks_max_and_sum():
    scores = torch.tensor([[0.5, 3.0, -1.0, 2.0, 7.0]], dtype=torch.float64)
    m, s = torch.tensor([float("-inf")], dtype=torch.float64), torch.zeros(1, dtype=torch.float64)
    for chunk in scores.split(2, dim=-1):
        m, s = online_softmax_update(m, s, chunk)
    assert m.item() == 7.0
    assert abs(s.item() - torch.exp(scores - 7.0).sum().item()) < ATOL


@pytest.mark.parametrize("q_shape, k_shape", SHAPES)
@pytest.mark.parametrize("seed", [0, 1])
@pytest.mark.parametrize("block_size", [1, 4, 16, 512])
def test_tiled_equals_library_and_torch(q_shape, k_shape, seed, block_size):
    q, k, v = qkv(q_shape, k_shape, seed, d_v=5)
    out = tiled_attention(q, k, v, block_size=block_size)
    ours, _ = scaled_dot_product_attention(q, k, v)
    torch.testing.assert_close(out, ours, atol=ATOL, rtol=0)
    torch.testing.assert_close(out, F.scaled_dot_product_attention(q, k, v), atol=ATOL, rtol=0)


@pytest.mark.parametrize("q_shape, k_shape", SHAPES)
@pytest.mark.parametrize("block_size", [2, 5, 64])
def test_tiled_causal_equals_torch(q_shape, k_shape, block_size):
    q, k, v = qkv(q_shape, k_shape, seed=3)
    mask = causal_mask(q.shape[-2], k.shape[-2])
    out = tiled_attention(q, k, v, causal=True, block_size=block_size)
    torch.testing.assert_close(out, F.scaled_dot_product_attention(q, k, v, attn_mask=mask), atol=ATOL, rtol=0)
    torch.testing.assert_close(out, scaled_dot_product_attention(q, k, v, mask=mask)[0], atol=ATOL, rtol=0)
    if q.shape[-2] == k.shape[-2]:
        torch.testing.assert_close(out, F.scaled_dot_product_attention(q, k, v, is_causal=True), atol=ATOL, rtol=0)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_tiled_boolean_mask_fully_masked_rows_and_lse(seed):
    q, k, v = qkv((2, 3, 12, 8), (2, 3, 20, 8), seed)
    g = torch.Generator().manual_seed(seed)
    mask = torch.rand(2, 1, 12, 20, generator=g) > 0.5  # broadcast over heads
    mask[0, 0, 4] = False  # a query that may attend to nothing
    mask[1, 0, :, 7:] = False
    out, lse = tiled_attention(q, k, v, mask=mask, block_size=6, return_lse=True)
    ours, _ = scaled_dot_product_attention(q, k, v, mask=mask)
    torch.testing.assert_close(out, ours, atol=ATOL, rtol=0)
    assert out[0, :, 4].eq(0).all() and not out.isnan().any()
    scores = (q @ k.transpose(-2, -1) / 8**0.5).masked_fill(~mask, float("-inf"))
    torch.testing.assert_close(lse, torch.logsumexp(scores, dim=-1), atol=ATOL, rtol=0)
    assert torch.isneginf(lse[0, :, 4]).all()
    both = tiled_attention(q, k, v, mask=mask, causal=True, block_size=4)
    torch.testing.assert_close(both, scaled_dot_product_attention(q, k, v, mask=mask & causal_mask(12, 20))[0], atol=ATOL, rtol=0)


def test_tiled_gradients_match_naive():
    q, k, v = (x.requires_grad_() for x in qkv((2, 2, 10, 4), (2, 2, 13, 4), seed=5))
    mask = causal_mask(10, 13)
    weights = torch.randn(2, 2, 10, 4, dtype=torch.float64, generator=torch.Generator().manual_seed(1))
    (tiled_attention(q, k, v, causal=True, block_size=4) * weights).sum().backward()
    tiled_grads = [x.grad.clone() for x in (q, k, v)]
    for x in (q, k, v):
        x.grad = None
    (F.scaled_dot_product_attention(q, k, v, attn_mask=mask) * weights).sum().backward()
    for mine, ref in zip(tiled_grads, (q.grad, k.grad, v.grad)):
        torch.testing.assert_close(mine, ref, atol=ATOL, rtol=0)
    assert torch.autograd.gradcheck(
        lambda a, b, c: tiled_attention(a, b, c, block_size=3), (q[:1, :1, :4], k[:1, :1, :5], v[:1, :1, :5])
    )


def test_tiled_float32_is_close():
    q, k, v = (x.float() for x in qkv((1, 1, 300, 32), (1, 1, 300, 32), seed=0))
    torch.testing.assert_close(
        tiled_attention(q, k, v, causal=True, block_size=64),
        F.scaled_dot_product_attention(q, k, v, is_causal=True),
        atol=1e-5,
        rtol=1e-5,
    )


def test_tiled_bad_inputs():
    q, k, v = qkv((2, 5, 4), (2, 6, 4), seed=0)
    with pytest.raises(ValueError, match="block_size must be an int >= 1"):
        tiled_attention(q, k, v, block_size=0)
    with pytest.raises(ValueError, match="same last dimension d_k"):
        tiled_attention(q, k[..., :3], v)
    with pytest.raises(ValueError, match="same number of positions T_k"):
        tiled_attention(q, k, v[:, :4])
    with pytest.raises(ValueError, match="does not broadcast"):
        tiled_attention(q, k, v, mask=torch.ones(5, 5, dtype=torch.bool))
    with pytest.raises(ValueError, match="boolean"):
        tiled_attention(q, k, v, mask=torch.ones(5, 6))
    with pytest.raises(ValueError, match="causal=True needs T_k >= T_q"):
        tiled_attention(k, q, q, causal=True)
    with pytest.raises(ValueError, match="block_size"):
        online_softmax(torch.randn(3, 4), block_size=-2)


@pytest.mark.parametrize("seed", [0, 1])
@pytest.mark.parametrize("first", [1, 4])
def test_kv_cache_decoding_equals_full_causal(seed, first):
    q, k, v = qkv((2, 3, 11, 8), (2, 3, 11, 8), seed)
    full = F.scaled_dot_product_attention(q, k, v, is_causal=True)  # (2, 3, 11, 8)
    cache = KVCache(max_len=16)
    outs = []
    cache.append(k[:, :, :first], v[:, :, :first])  # a prompt of `first` tokens at once
    outs.append(cache.attend(q[:, :, :first])[0])
    for t in range(first, 11):  # then one token per step
        cache.append(k[:, :, t : t + 1], v[:, :, t : t + 1])
        out, weights = cache.attend(q[:, :, t : t + 1])
        assert weights.shape == (2, 3, 1, t + 1)
        outs.append(out)
    torch.testing.assert_close(torch.cat(outs, dim=2), full, atol=ATOL, rtol=0)
    assert len(cache) == 11 and cache.keys.shape == (2, 3, 11, 8)
    assert cache.nbytes() == 2 * 2 * 3 * 16 * 8 * 8


def test_kv_cache_bad_inputs():
    cache = KVCache(max_len=3)
    with pytest.raises(ValueError, match="cache is empty"):
        _ = cache.keys
    with pytest.raises(ValueError, match="max_len"):
        KVCache(0)
    k = torch.zeros(1, 2, 2, 4)
    cache.append(k, k)
    with pytest.raises(ValueError, match="cache is full"):
        cache.append(k, k)
    with pytest.raises(ValueError, match="do not match the cache"):
        cache.append(torch.zeros(1, 3, 1, 4), torch.zeros(1, 3, 1, 4))
    with pytest.raises(ValueError, match="t <= cached length"):
        cache.attend(torch.zeros(1, 2, 3, 4))


@pytest.mark.parametrize("h_q, h_kv", [(8, 1), (8, 2), (6, 3), (4, 4)])
@pytest.mark.parametrize("seed", [0, 1])
def test_gqa_equals_repeated_heads_and_torch(h_q, h_kv, seed):
    q, _, _ = qkv((2, h_q, 7, 8), (2, h_q, 9, 8), seed)
    _, k, v = qkv((2, h_kv, 7, 8), (2, h_kv, 9, 8), seed + 10, d_v=5)
    mask = causal_mask(7, 9)
    out, weights = grouped_query_attention(q, k, v, mask=mask)
    ref, ref_w = scaled_dot_product_attention(q, repeat_kv(k, h_q // h_kv), repeat_kv(v, h_q // h_kv), mask=mask)
    torch.testing.assert_close(out, ref, atol=ATOL, rtol=0)
    torch.testing.assert_close(weights, ref_w, atol=ATOL, rtol=0)
    assert out.shape == (2, h_q, 7, 5) and weights.shape == (2, h_q, 7, 9)
    torch.testing.assert_close(out, F.scaled_dot_product_attention(q, k, v, attn_mask=mask, enable_gqa=True), atol=ATOL, rtol=0)


def test_gqa_per_head_mask_and_bad_inputs():
    q, _, _ = qkv((1, 4, 5, 8), (1, 4, 5, 8), 0)
    _, k, v = qkv((1, 2, 5, 8), (1, 2, 6, 8), 1)
    mask = torch.rand(1, 4, 5, 6, generator=torch.Generator().manual_seed(0)) > 0.4
    out, _ = grouped_query_attention(q, k, v, mask=mask)
    torch.testing.assert_close(
        out, scaled_dot_product_attention(q, repeat_kv(k, 2), repeat_kv(v, 2), mask=mask)[0], atol=ATOL, rtol=0
    )
    with pytest.raises(ValueError, match="h_kv=3 must divide query heads h_q=4"):
        grouped_query_attention(q, torch.zeros(1, 3, 6, 8, dtype=torch.float64), torch.zeros(1, 3, 6, 8, dtype=torch.float64))
    with pytest.raises(ValueError, match="same number of heads"):
        grouped_query_attention(q, k, v[:, :1])
    with pytest.raises(ValueError, match="shape \\(B, heads, T, d\\)"):
        grouped_query_attention(q[0], k, v)
    with pytest.raises(ValueError, match="same last dimension d_k"):
        grouped_query_attention(q, k[..., :4], v)
    with pytest.raises(ValueError, match="does not broadcast"):
        grouped_query_attention(q, k, v, mask=torch.ones(5, 5, dtype=torch.bool))
    with pytest.raises(ValueError, match="num_repeats"):
        repeat_kv(k, 0)


def test_kv_cache_bytes():
    # a 7B-style model: 32 layers, 32 heads of 128, 4096 tokens, float16 -> 2 GiB per sequence
    assert kv_cache_bytes(1, 4096, 32, 32, 128, 2) == 2 * 1024**3
    assert kv_cache_bytes(1, 4096, 32, 8, 128, 2) * 4 == kv_cache_bytes(1, 4096, 32, 32, 128, 2)  # GQA with 8 kv heads
    cache = KVCache(max_len=10)
    cache.append(torch.zeros(2, 3, 1, 4), torch.zeros(2, 3, 1, 4))
    assert cache.nbytes() == kv_cache_bytes(2, 10, 1, 3, 4, 4)
    with pytest.raises(ValueError, match="num_kv_heads must be an int >= 1"):
        kv_cache_bytes(1, 10, 2, 0, 64)
