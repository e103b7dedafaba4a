"""Measure what a computation costs: median wall time, peak memory its tensors take, FLOPs.

Taught in notebooks/08_efficient_attention.ipynb, used by benchmarks/bench_attention.py.
Peak memory is measured, not estimated: torch's profiler records every allocation
and free made by the CPU allocator while ``fn`` runs, and the peak is the highest
point of their running total. It counts only memory allocated *during* the call
(inputs that already exist are not counted), and does not depend on timing.
"""

from __future__ import annotations

import os
import statistics
import time
from collections.abc import Callable

from torch.profiler import ProfilerActivity, profile
from torch.utils.flop_counter import FlopCounterMode


def median_seconds(fn: Callable[[], object], repeats: int = 5, warmup: int = 1) -> float:
    """Median wall-clock seconds of ``fn()`` over ``repeats`` runs after ``warmup`` untimed runs.

    Taught in notebooks/08_efficient_attention.ipynb. Wall time on a shared CPU is
    noisy: compare medians, and only ratios measured side by side in one run.
    """
    if repeats < 1 or warmup < 0:
        raise ValueError(f"repeats must be >= 1 and warmup >= 0, got repeats={repeats}, warmup={warmup}")
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def peak_memory_bytes(fn: Callable[[], object]) -> int:
    """Peak bytes of CPU memory allocated by torch while ``fn()`` runs, above what existed before.

    Taught in notebooks/08_efficient_attention.ipynb. Deterministic: the same
    computation allocates the same tensors in the same order every time.
    """
    os.environ.setdefault("KINETO_LOG_LEVEL", "6")  # silence the profiler's start/stop lines on stderr
    with profile(activities=[ProfilerActivity.CPU], profile_memory=True, record_shapes=False) as prof:
        fn()
    events = [e for e in prof.profiler.kineto_results.events() if e.name() == "[memory]" and str(e.device_type()).endswith("CPU")]
    events.sort(key=lambda e: e.start_ns())
    live = peak = 0
    for event in events:
        live += event.nbytes()  # positive for an allocation, negative for a free
        peak = max(peak, live)
    return peak


def count_flops(fn: Callable[[], object]) -> int:
    """Floating-point operations of the matrix products ``fn()`` runs (torch's FlopCounterMode).

    Taught in notebooks/08_efficient_attention.ipynb. Counts matmuls and attention
    kernels (2 per multiply-add), not softmax or elementwise work; deterministic.
    """
    counter = FlopCounterMode(display=False)
    with counter:
        fn()
    return counter.get_total_flops()
