"""Tests for attention.sliding_window against torch's SDPA with an explicit mask (float64), and the sink cache."""

import pytest
import torch
from torch.nn import functional as F

from attention import (
    SinkKVCache,
    causal_mask,
    count_flops,
    peak_memory_bytes,
    scaled_dot_product_attention,
    sliding_window_attention,
    sliding_window_mask,
)


def mask_by_hand(T_q, T_k, window, num_sinks):
    """The oracle, one entry at a time: query i sits at position p = T_k - T_q + i."""
    out = torch.zeros(T_q, T_k, dtype=torch.bool)
    for i in range(T_q):
        p = T_k - T_q + i
        for j in range(T_k):
            out[i, j] = (p - window < j <= p) or (j < num_sinks and j <= p)
    return out


@pytest.mark.parametrize("T_q, T_k", [(1, 1), (6, 6), (4, 9), (10, 10), (1, 7)])
@pytest.mark.parametrize("window", [1, 2, 3, 20])
@pytest.mark.parametrize("num_sinks", [0, 1, 4])
def test_mask_matches_the_definition(T_q, T_k, window, num_sinks):
    assert torch.equal(sliding_window_mask(T_q, T_k, window, num_sinks), mask_by_hand(T_q, T_k, window, num_sinks))


def test_mask_examples_and_limits():
    m = sliding_window_mask(5, window=2)
    assert m.int().tolist() == [[1, 0, 0, 0, 0], [1, 1, 0, 0, 0], [0, 1, 1, 0, 0], [0, 0, 1, 1, 0], [0, 0, 0, 1, 1]]
    assert (sliding_window_mask(5, window=2).sum(-1) <= 2).all()  # never more than window keys
    assert torch.equal(sliding_window_mask(7, window=7), causal_mask(7))  # a window as long as the text: causal
    with_sink = sliding_window_mask(5, window=2, num_sinks=1)
    assert with_sink[:, 0].all() and with_sink.int().sum().item() == m.int().sum().item() + 3


@pytest.mark.parametrize("shape", [(1, 1, 13, 4), (2, 3, 40, 8), (3, 17, 5)])
@pytest.mark.parametrize("window", [1, 4, 7, 64])
@pytest.mark.parametrize("num_sinks", [0, 2])
@pytest.mark.parametrize("block_size", [None, 1, 5, 16])
def test_blocked_attention_equals_sdpa_with_the_mask(shape, window, num_sinks, block_size):
    g = torch.Generator().manual_seed(window + 10 * num_sinks)
    q, k, v = (torch.randn(shape, generator=g, dtype=torch.float64) for _ in range(3))
    T = shape[-2]
    mask = sliding_window_mask(T, window=window, num_sinks=num_sinks)
    out = sliding_window_attention(q, k, v, window, num_sinks=num_sinks, block_size=block_size)
    torch.testing.assert_close(out, F.scaled_dot_product_attention(q, k, v, attn_mask=mask), atol=1e-12, rtol=0)
    torch.testing.assert_close(out, scaled_dot_product_attention(q, k, v, mask=mask)[0], atol=1e-12, rtol=0)


def test_blocked_attention_with_more_keys_than_queries_and_gradients():
    g = torch.Generator().manual_seed(3)
    q = torch.randn(2, 2, 5, 8, generator=g, dtype=torch.float64, requires_grad=True)
    k, v = (torch.randn(2, 2, 12, 8, generator=g, dtype=torch.float64, requires_grad=True) for _ in range(2))
    mask = sliding_window_mask(5, 12, window=4, num_sinks=2)
    out = sliding_window_attention(q, k, v, window=4, num_sinks=2, block_size=2)
    ref = F.scaled_dot_product_attention(q, k, v, attn_mask=mask)
    torch.testing.assert_close(out, ref, atol=1e-12, rtol=0)
    grads = torch.autograd.grad(out.sin().sum(), (q, k, v))
    expected = torch.autograd.grad(ref.sin().sum(), (q, k, v))
    for a, b in zip(grads, expected):
        torch.testing.assert_close(a, b, atol=1e-12, rtol=0)


def test_blocked_attention_work_and_memory_grow_like_T_times_window(one_thread):
    d, window = 16, 32
    flops, peaks = [], []
    for T in (256, 512, 1024):
        q, k, v = (torch.randn(1, 1, T, d) for _ in range(3))
        flops.append(count_flops(lambda: sliding_window_attention(q, k, v, window)))  # noqa: B023
        peaks.append(peak_memory_bytes(lambda: sliding_window_attention(q, k, v, window)))  # noqa: B023
    assert 1.9 < flops[1] / flops[0] < 2.1 and 1.9 < flops[2] / flops[1] < 2.1  # linear in T
    q, k, v = (torch.randn(1, 1, 1024, d) for _ in range(3))
    full = count_flops(lambda: scaled_dot_product_attention(q, k, v))
    assert flops[2] < full / 10
    assert peaks[2] < 3 * peaks[1]


def test_sink_cache_keeps_the_first_and_the_last_positions():
    cache = SinkKVCache(window=3, num_sinks=2)
    for t in range(10):
        cache.append(torch.full((1, 2, 1, 4), float(t)), torch.full((1, 2, 1, 5), float(-t)))
        assert len(cache) == min(t + 1, 5)
    assert cache.positions == [0, 1, 7, 8, 9]
    assert cache.keys[0, 0, :, 0].tolist() == [0.0, 1.0, 7.0, 8.0, 9.0]
    assert cache.values[0, 1, :, 0].tolist() == [0.0, -1.0, -7.0, -8.0, -9.0]
    assert cache.nbytes() == 5 * 2 * (4 + 5) * 4 and cache.seen == 10
    plain = SinkKVCache(window=3)
    plain.append(torch.zeros(1, 1, 6, 2), torch.zeros(1, 1, 6, 2))  # several positions at once
    assert plain.positions == [3, 4, 5]


def test_sink_cache_bad_input():
    with pytest.raises(ValueError, match="window"):
        SinkKVCache(window=0)
    with pytest.raises(ValueError, match="num_sinks"):
        SinkKVCache(window=2, num_sinks=-1)
    cache = SinkKVCache(window=2)
    with pytest.raises(ValueError, match="empty"):
        cache.keys  # noqa: B018
    with pytest.raises(ValueError, match=r"\(B, h, t, d\)"):
        cache.append(torch.zeros(2, 1, 4), torch.zeros(2, 1, 4))
    cache.append(torch.zeros(1, 2, 1, 4), torch.zeros(1, 2, 1, 4))
    with pytest.raises(ValueError, match="do not match"):
        cache.append(torch.zeros(1, 3, 1, 4), torch.zeros(1, 3, 1, 4))


@pytest.mark.parametrize(
    "call, words",
    [
        (lambda: sliding_window_mask(4, window=0), "window"),
        (lambda: sliding_window_mask(4, window=2.0), "window"),
        (lambda: sliding_window_mask(4, window=2, num_sinks=-1), "num_sinks"),
        (lambda: sliding_window_mask(5, 3, window=2), "T_k >= T_q"),
        (lambda: sliding_window_mask(0, window=2), "T_q"),
        (lambda: sliding_window_attention(torch.randn(4, 8), torch.randn(4, 6), torch.randn(4, 8), 2), "d_k"),
        (lambda: sliding_window_attention(torch.randn(5, 8), torch.randn(3, 8), torch.randn(3, 8), 2), "T_k >= T_q"),
        (
            lambda: sliding_window_attention(torch.randn(4, 8), torch.randn(4, 8), torch.randn(4, 8), 2, block_size=0),
            "block_size",
        ),
        (
            lambda: sliding_window_attention(torch.ones(4, 8, dtype=torch.long), torch.randn(4, 8), torch.randn(4, 8), 2),
            "floating-point",
        ),
    ],
)
def test_bad_input_names_the_problem(call, words):
    with pytest.raises(ValueError) as error:
        call()
    assert words in str(error.value)
