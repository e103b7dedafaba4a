"""Tests for attention.measure: peak memory is the allocations' running peak, FLOPs and medians are sane."""

import pytest
import torch

from attention.measure import count_flops, median_seconds, peak_memory_bytes, time_side_by_side


def test_peak_memory_counts_live_tensors():
    def two_live():
        a = torch.ones(1000, 250)  # 1 MB
        b = torch.ones(1000, 250)  # 1 MB while a is alive
        return a.sum() + b.sum()

    def one_at_a_time():
        for _ in range(3):
            torch.ones(1000, 250).sum()  # freed before the next one

    peak_two = peak_memory_bytes(two_live)
    peak_one = peak_memory_bytes(one_at_a_time)
    assert 2_000_000 <= peak_two < 2_100_000
    assert 1_000_000 <= peak_one < 1_100_000
    assert peak_memory_bytes(two_live) == peak_two  # deterministic


def test_peak_memory_of_scores_grows_quadratically():
    peaks = []
    for T in (128, 256):
        q = torch.randn(T, 16)
        peaks.append(peak_memory_bytes(lambda: torch.softmax(q @ q.T, dim=-1)))  # noqa: B023
    assert peaks[0] >= 2 * 128 * 128 * 4 and peaks[1] == 4 * peaks[0]


def test_count_flops_and_median():
    a, b = torch.randn(8, 16), torch.randn(16, 4)
    assert count_flops(lambda: a @ b) == 2 * 8 * 16 * 4
    assert median_seconds(lambda: a @ b, repeats=3, warmup=0) >= 0
    with pytest.raises(ValueError, match="repeats must be >= 1"):
        median_seconds(lambda: None, repeats=0)


def test_median_seconds_is_time_side_by_side_of_one_function():
    calls = []
    times = time_side_by_side({"a": lambda: calls.append("a"), "b": lambda: calls.append("b")}, rounds=3, warmup=1)
    assert calls == ["a", "b"] * 4  # one warm-up round, then 3 rounds, the candidates interleaved
    assert sorted(times) == ["a", "b"] and all(len(t) == 3 and min(t) >= 0 for t in times.values())
    assert median_seconds(lambda: None, repeats=3, warmup=0) >= 0
    with pytest.raises(ValueError, match="rounds must be an int >= 1"):
        time_side_by_side({"a": lambda: None}, rounds=0)
    with pytest.raises(ValueError, match="candidates must be a non-empty dict"):
        time_side_by_side({})
    with pytest.raises(ValueError, match="fn must be a function"):
        median_seconds(3)
