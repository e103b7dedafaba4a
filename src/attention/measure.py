"""Measure what a computation costs: median wall time, peak memory its tensors take, FLOPs.

Taught in notebooks/09_efficient_attention.ipynb, used by benchmarks/bench_attention.py (wall time: one
timer, :func:`time_side_by_side`).
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


def time_side_by_side(candidates: dict[str, Callable[[], object]], rounds: int = 5, warmup: int = 1) -> dict[str, list[float]]:
    """Wall-clock seconds of every round for each candidate; each round runs every candidate once, in turn.

    The course's one timer (benchmarks/bench_attention.py compares ratios with it; :func:`median_seconds`
    is it for one function). Interleaving makes a change of load on a shared CPU hit all candidates
    alike, so ratios per round are fair. torch's ``torch.utils.benchmark.Timer`` times one statement
    at a time (and on one thread unless told otherwise), which is why it is not used here.
    """
    if not isinstance(candidates, dict) or not candidates or not all(callable(fn) for fn in candidates.values()):
        raise ValueError(f"candidates must be a non-empty dict of name -> function, got {candidates!r}"[:200])
    for name, value, low in (("rounds", rounds, 1), ("warmup", warmup, 0)):
        if isinstance(value, bool) or not isinstance(value, int) or value < low:
            raise ValueError(f"{name} must be an int >= {low}, got {name}={value!r}")
    for _ in range(warmup):
        for fn in candidates.values():
            fn()
    times: dict[str, list[float]] = {name: [] for name in candidates}
    for _ in range(rounds):
        for name, fn in candidates.items():
            start = time.perf_counter()
            fn()
            times[name].append(time.perf_counter() - start)
    return times


def median_seconds(fn: Callable[[], object], repeats: int = 5, warmup: int = 1) -> float:
    """Median wall-clock seconds of ``fn()`` over ``repeats`` runs after ``warmup`` untimed runs.

    Taught in notebooks/09_efficient_attention.ipynb. Wall time on a shared CPU is
    noisy: compare medians, and only ratios measured side by side in one run.
    """
    if not callable(fn):
        raise ValueError(f"fn must be a function to time, got {type(fn).__name__}")
    if isinstance(repeats, bool) or not isinstance(repeats, int) or repeats < 1 or not isinstance(warmup, int) or warmup < 0:
        raise ValueError(f"repeats must be >= 1 and warmup >= 0, got repeats={repeats}, warmup={warmup}")
    return statistics.median(time_side_by_side({"fn": fn}, repeats, warmup)["fn"])


def peak_memory_bytes(fn: Callable[[], object]) -> int:
    """Peak bytes of CPU memory allocated by torch while ``fn()`` runs, above what existed before.

    Taught in notebooks/09_efficient_attention.ipynb. Deterministic: the same
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

    Taught in notebooks/09_efficient_attention.ipynb. Counts matmuls and attention
    kernels (2 per multiply-add), not softmax or elementwise work; deterministic.
    """
    counter = FlopCounterMode(display=False)
    with counter:
        fn()
    return counter.get_total_flops()
