"""Checkers for notebooks/09_efficient_attention.ipynb: one online-softmax step, the size of a KV cache.

Taught in notebooks/09_efficient_attention.ipynb.
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import torch

from ..efficient import online_softmax_update
from ..kv_cache import kv_cache_bytes
from ._core import Wrong, as_array, as_count, checker, expect_callable, expect_close, fresh_rng, pick
from ._run import Shortcut, call

_UPDATE = [
    Shortcut("attention", "online_softmax_update", "the library's online_softmax_update"),
    Shortcut("attention", "online_softmax", "the library's online_softmax"),
]
_BYTES = [Shortcut("attention", "kv_cache_bytes", "the library's kv_cache_bytes")]

NEG_INF = float("-inf")


def _states():
    """(running_max, running_sum, chunk) cases: the first chunk, a chunk with a new max, one without."""
    g = torch.Generator().manual_seed(8)
    chunk = torch.randn(3, 4, generator=g, dtype=torch.float64) * 3  # (rows, C)
    yield (
        "the first chunk (running max -inf, running sum 0)",
        torch.full((3,), NEG_INF, dtype=torch.float64),
        torch.zeros(3, dtype=torch.float64),
        chunk,
    )
    m = torch.tensor([-5.0, 0.5, 20.0], dtype=torch.float64)  # row 0: the chunk raises the max; row 2: it does not
    yield "a later chunk", m, torch.tensor([1.5, 2.0, 1.0], dtype=torch.float64), chunk
    yield (
        "large scores",
        torch.tensor([900.0, 1000.0, 0.0], dtype=torch.float64),
        torch.ones(3, dtype=torch.float64),
        chunk + 1000,
    )
    rng = fresh_rng()  # then sizes and numbers no one has seen before
    R, C = pick(rng, 2, 7, {3}), pick(rng, 2, 9, {4})
    chunk = torch.from_numpy(rng.normal(size=(R, C)) * 3 + rng.uniform(-50, 50))  # (R, C)
    m = chunk.amax(-1) + torch.from_numpy(rng.uniform(-5, 5, size=R))  # some rows raise the max, some do not
    s = torch.from_numpy(rng.uniform(0.5, 3.0, size=R))
    m[0], s[0] = NEG_INF, 0.0  # one row starts here
    yield f"a fresh case with {R} rows and chunks of {C}", m, s, chunk


@checker("one step of the online softmax")
def check_online_softmax_update(update) -> str:
    """Check ``update(running_max (R,), running_sum (R,), chunk (R, C)) -> (new_max (R,), new_sum (R,))``."""
    expect_callable(update, "online_softmax_update")
    for what, m, s, x in _states():
        R = x.shape[0]
        result = call(update, m.clone(), s.clone(), x.clone(), shortcuts=_UPDATE)
        if not isinstance(result, tuple) or len(result) != 2:
            raise Wrong(f"return a tuple (new_max, new_sum), got {type(result).__name__}")
        want_m, want_s = online_softmax_update(m, s, x)
        got_m, got_s = as_array(result[0], "new_max"), as_array(result[1], "new_sum")
        if got_m.shape != (R,) or got_s.shape != (R,):
            raise Wrong(
                f"for {what} with {R} rows, new_max and new_sum should have shape ({R},), got {got_m.shape} and {got_s.shape}"
            )
        if np.allclose(got_m, x.amax(-1).numpy()) and not np.allclose(got_m, want_m.numpy()):
            raise Wrong("new_max is the chunk's max only: it must be the max of the running max AND the chunk's max")
        expect_close(got_m, want_m.numpy(), f"new_max for {what}")
        if not np.isfinite(got_s).all():
            raise Wrong(
                f"new_sum for {what} is {got_s.round(3).tolist()}: subtract new_max (not the old running max, which can be -inf) "
                "inside exp, so every exponent is <= 0"
            )
        safe = want_m.masked_fill(torch.isneginf(want_m), 0.0)
        chunk_part = torch.exp(x - safe[:, None]).sum(-1)
        mistakes = {
            "the old sum was not rescaled: multiply running_sum by exp(running_max - new_max) before adding": s + chunk_part,
            "the rescale factor is upside down: use exp(running_max - new_max), which is <= 1": s * torch.exp(safe - m)
            + chunk_part,
            "exp of raw scores overflows for large scores: subtract new_max inside exp (and rescale the old sum)": s
            + torch.exp(x).sum(-1),
            "the chunk's exponentials must be relative to new_max too: exp(chunk - new_max[:, None]), not the chunk's own max": s
            * torch.exp(m - safe)
            + torch.exp(x - x.amax(-1, keepdim=True)).sum(-1),
        }
        for message, wrong in mistakes.items():
            if np.allclose(got_s, wrong.numpy()) and not np.allclose(got_s, want_s.numpy()):
                raise Wrong(message)
        expect_close(got_s, want_s.numpy(), f"new_sum for {what}", atol=1e-6 * float(want_s.abs().max()))
    return "your update keeps the running max and the rescaled sum exactly like attention.online_softmax_update."


def _byte_cases():
    yield from [(3, 1000, 12, 5, 64, 4), (1, 4096, 32, 32, 128, 2), (7, 9, 11, 1, 16, 2)]  # first: every factor distinct
    rng = fresh_rng()  # then two no one has seen before
    for _ in range(2):
        yield (
            int(rng.integers(1, 17)),
            int(rng.integers(1, 8193)),
            int(rng.integers(1, 49)),
            int(rng.integers(1, 17)),
            int(rng.choice([32, 64, 80, 96, 128])),
            int(rng.choice([1, 2, 4])),
        )


@checker("how big is the KV cache?")
def check_kv_cache_bytes(cache_bytes) -> str:
    """Check ``cache_bytes(batch, seq_len, num_layers, num_kv_heads, head_dim, bytes_per_value) -> int``."""
    expect_callable(cache_bytes, "kv_cache_bytes")
    for args in _byte_cases():
        batch, seq_len, num_layers, num_kv_heads, head_dim, nbytes = args
        described = f"batch={batch}, seq_len={seq_len}, num_layers={num_layers}, num_kv_heads={num_kv_heads}, head_dim={head_dim}"
        what = f"my_cache_bytes({', '.join(map(str, args))})"
        got = as_count(call(cache_bytes, *args, what=what, shortcuts=_BYTES), f"the number of bytes {what} returned")
        want = int(kv_cache_bytes(*args))
        if got == want:
            continue
        mistakes = [
            (Fraction(want, 2), "the cache holds keys AND values: multiply by 2"),
            (Fraction(want, nbytes), f"you counted numbers, not bytes: multiply by bytes_per_value={nbytes}"),
            (Fraction(want * 8), "that is bits, not bytes: don't multiply by 8"),
            (Fraction(want, num_layers), f"every layer keeps its own keys and values: multiply by num_layers={num_layers}"),
            (Fraction(want, batch), f"every sequence in the batch has its own cache: multiply by batch={batch}"),
            (Fraction(want, num_kv_heads), f"each of the num_kv_heads={num_kv_heads} key/value heads is cached: multiply by it"),
            (
                Fraction(want, num_layers * num_kv_heads),
                f"multiply by num_layers={num_layers} AND num_kv_heads={num_kv_heads}: every layer caches every kv head",
            ),
        ]
        for value, message in mistakes:
            if got == value:
                raise Wrong(f"for {described}: {message}")
        raise Wrong(f"for {described}, bytes_per_value={nbytes} you return {got} bytes, expected {want}")
    return "your count matches attention.kv_cache_bytes: 2 (K and V) x batch x seq_len x layers x kv heads x head_dim x bytes."
