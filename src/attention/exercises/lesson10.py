"""Checkers for notebooks/10_modern_attention.ipynb: rotate the pairs (RoPE), the sliding-window mask, MLA's cache size.

Taught in notebooks/10_modern_attention.ipynb.
"""

from __future__ import annotations

import numpy as np
import torch

from ..latent import latent_cache_bytes
from ..rope import apply_rope
from ..sliding_window import sliding_window_mask
from ._core import Wrong, as_array, checker, expect_callable, fresh_rng, fresh_torch, pick
from ._run import call

BASE = 10000.0


def _turn(x: np.ndarray, first: np.ndarray, second: np.ndarray, angles: np.ndarray, sign: float = 1.0) -> np.ndarray:
    """Turn the points (x[first], x[second]) by ``sign * angles``; the other layout's mistakes are built with this."""
    a, b = x[:, first], x[:, second]  # (T, d/2) each
    cos, sin = np.cos(angles), sign * np.sin(angles)
    out = np.empty_like(x)
    out[:, first], out[:, second] = a * cos - b * sin, a * sin + b * cos
    return out


def _rope_mistakes(x: np.ndarray, positions: np.ndarray) -> dict[str, np.ndarray]:
    """Typical wrong answers for one input, each with the message that explains it."""
    T, d = x.shape
    i = np.arange(d // 2)
    even, odd = 2 * i, 2 * i + 1
    omega = BASE ** (-2 * i / d)
    angles = positions[:, None] * omega  # (T, d/2)
    return {
        "you turned every pair clockwise: the second coordinate is a*sin + b*cos, the first a*cos - b*sin "
        "(counter-clockwise, like multiplying by e^{i angle})": _turn(x, even, odd, angles, sign=-1.0),
        "you paired feature i with feature i + d/2 (the 'rotate_half' layout of Hugging Face's LLaMA): this lesson "
        "pairs neighbours (0, 1), (2, 3), ... as in lesson 05": _turn(x, i, i + d // 2, angles),
        "every pair turns by the same angle: pair i must turn by position * 10000^(-2i/d), the first pair fastest": _turn(
            x, even, odd, np.repeat(positions[:, None], d // 2, axis=1).astype(float)
        ),
        "the frequencies are 10000^(-i/d): use 10000^(-2i/d) (i counts pairs, 2i is the feature index)": _turn(
            x, even, odd, positions[:, None] * BASE ** (-i / d)
        ),
        "the frequencies are in reverse order: pair 0 turns fastest (1 radian per position), the last pair slowest": _turn(
            x, even, odd, positions[:, None] * omega[::-1]
        ),
        "the positions are off by one: the token at position p turns by p * omega, so position 0 is not turned": _turn(
            x, even, odd, (positions[:, None] + 1) * omega
        ),
        "the angle must be position * omega, not position / omega": _turn(x, even, odd, positions[:, None] / omega),
        "the position was ignored: each row must turn by its own position * omega": _turn(
            x, even, odd, np.broadcast_to(omega, (T, d // 2))
        ),
        "the input came back unturned: multiply by cos and sin of the angles": x.copy(),
    }


def _array(x, what: str) -> np.ndarray:
    """as_array, and any other failure to read the learner's result as numbers is a wrong answer, not a crash."""
    try:
        return as_array(x, what)
    except Wrong:
        raise
    except Exception:  # noqa: BLE001
        raise Wrong(f"{what} should be an array of numbers, got {type(x).__name__}") from None


@checker("rotate the pairs (RoPE)")
def check_rope(rope) -> str:
    """Check ``rope(x (T, d), positions (T,)) -> (T, d)``: pairs (2i, 2i+1) turned by ``position * 10000**(-2i/d)``."""
    expect_callable(rope, "my_rope")
    g = torch.Generator().manual_seed(10)
    cases = [
        (torch.randn(5, 8, generator=g, dtype=torch.float64), torch.tensor([0, 1, 2, 3, 4])),
        (torch.randn(6, 16, generator=g, dtype=torch.float64), torch.tensor([3, 7, 1, 40, 12, 5])),
        (torch.randn(3, 2, generator=g, dtype=torch.float64), torch.tensor([2, 0, 9])),
    ]
    rng = fresh_rng()  # then a case nobody has seen, with sizes unlike the fixed ones
    T, half = pick(rng, 2, 12, avoid=(5, 6, 3)), pick(rng, 2, 12, avoid=(4, 8, 1))
    fresh = fresh_torch(rng)
    cases.append((torch.randn(T, 2 * half, generator=fresh, dtype=torch.float64), torch.randint(0, 32, (T,), generator=fresh)))
    for x, positions in cases:
        T, d = x.shape
        result = call(rope, x.clone(), positions.clone())
        got = _array(result, "your rotated x")
        if got.shape != (T, d):
            raise Wrong(f"for x of shape {(T, d)} you return shape {got.shape}: return the turned x, the same shape")
        if not np.isfinite(got).all():
            raise Wrong(f"for x of shape {(T, d)} your answer contains NaN or inf")
        want = apply_rope(x, positions).numpy()
        if np.allclose(got, want, rtol=0, atol=3e-5):  # float32 answers: round-off of angles up to 40 rad
            continue
        for message, wrong in _rope_mistakes(x.numpy(), positions.numpy().astype(float)).items():
            if np.allclose(got, wrong, rtol=0, atol=3e-5):
                raise Wrong(message)
        if np.allclose(np.linalg.norm(got, axis=1), np.linalg.norm(x.numpy(), axis=1), atol=1e-5):
            raise Wrong(
                f"for x of shape {(T, d)}, positions {positions.tolist()}: the lengths are right (a rotation) "
                "but not the angles or pairs; pair (2i, 2i+1) turns by position * 10000^(-2i/d)"
            )
        where = np.unravel_index(int(np.abs(got - want).argmax()), got.shape)
        raise Wrong(
            f"for x of shape {(T, d)}, positions {positions.tolist()}: at row {where[0]}, feature {where[1]} "
            f"you have {got[where]:.4f}, expected {want[where]:.4f}"
        )
    return "your RoPE equals attention.apply_rope: neighbouring features turn together, pair i by position x 10000^(-2i/d)."


def _mask_mistakes(T: int, window: int, num_sinks: int) -> dict[str, np.ndarray]:
    p = np.arange(T)[:, None]  # query positions
    j = np.arange(T)[None, :]  # key positions
    sinks = (j < num_sinks) & (j <= p)
    right = ((j <= p) & (j > p - window)) | sinks
    return {
        f"window off by one: each query sees {window + 1} keys; it must see the last window={window} keys, itself included "
        "(keys p-window+1 .. p)": ((j <= p) & (j >= p - window)) | sinks,
        f"window off by one: each query sees only {window - 1} keys; it must see the last window={window} keys, "
        "itself included (keys p-window+1 .. p)": ((j <= p) & (j > p - window + 1)) | sinks,
        "the query itself is missing: the window ends AT the query (keys p-window+1 .. p)": ((j < p) & (j >= p - window)) | sinks,
        "the window looks into the future: a decoder only sees keys j <= p": (np.abs(p - j) < window) | (j < num_sinks),
        "the mask is upside down: True means 'may attend' (as in torch's scaled_dot_product_attention)": ~right,
        f"the num_sinks={num_sinks} first keys are missing: every query may also attend to them": (j <= p) & (j > p - window),
        "a sink is visible before it exists: the first keys are sinks only for queries at or after them (j <= p)": (
            (j <= p) & (j > p - window)
        )
        | (j < num_sinks),
    }


@checker("the sliding-window mask")
def check_sliding_window_mask(make_mask) -> str:
    """Check ``make_mask(T, window, num_sinks) -> (T, T)`` boolean mask, True = may attend."""
    expect_callable(make_mask, "my_window_mask")
    rng = fresh_rng()  # the fixed cases, then three nobody has seen (a mask is discrete: one could repeat by chance)
    cases = [(6, 2, 0), (9, 3, 2), (5, 1, 1), (4, 10, 0), (8, 4, 1)]
    for _ in range(3):
        T = pick(rng, 3, 25, avoid=(6, 9, 5, 4, 8))
        cases.append((T, pick(rng, 1, T), pick(rng, 0, 4)))
    for T, window, num_sinks in cases:
        result = call(make_mask, T, window, num_sinks)
        if isinstance(result, torch.Tensor):
            dtype_ok, result = result.dtype == torch.bool, result.detach().cpu().numpy()
        else:
            try:
                result = np.asarray(result)
            except Exception:  # noqa: BLE001  anything that is not array-like
                raise Wrong(f"return a boolean tensor of shape (T, T), got {type(result).__name__}") from None
            dtype_ok = result.dtype == np.bool_
        what = f"for T={T}, window={window}, num_sinks={num_sinks}"
        if result.shape != (T, T):
            raise Wrong(f"{what} your mask has shape {result.shape}, expected ({T}, {T}): one row per query, one column per key")
        if not dtype_ok:
            raise Wrong(
                f"{what} your mask has dtype {result.dtype}: return booleans (True = may attend); torch adds a "
                "float mask to the scores instead of masking, e.g. compare with <= and combine with &, |"
            )
        want = sliding_window_mask(T, T, window, num_sinks).numpy()
        if np.array_equal(result, want):
            continue
        for message, wrong in _mask_mistakes(T, window, num_sinks).items():
            if np.array_equal(result, wrong):
                raise Wrong(f"{what}: {message}")
        rows, cols = np.nonzero(result != want)
        raise Wrong(
            f"{what}: query {rows[0]} and key {cols[0]} should be {bool(want[rows[0], cols[0]])}, "
            f"you have {bool(result[rows[0], cols[0]])}"
        )
    return "your mask equals attention.sliding_window_mask: the last `window` keys up to the query, plus the sinks."


@checker("MLA's cache per token")
def check_latent_cache_bytes(cache_bytes) -> str:
    """Check ``cache_bytes(seq_len, num_layers, latent_dim, rope_dim, bytes_per_value) -> int`` for one sequence."""
    expect_callable(cache_bytes, "my_latent_cache_bytes")
    rng = fresh_rng()  # the fixed cases, then one nobody has seen
    fresh = (
        pick(rng, 2, 5000, avoid=(1000, 1, 7)),
        pick(rng, 2, 100, avoid=(3, 60, 5)),
        pick(rng, 2, 1024, avoid=(24, 512, 11)),
        pick(rng, 1, 128, avoid=(8, 64, 0)),
        int(rng.choice([1, 2, 4, 8])),
    )
    for seq_len, layers, latent, rope, nbytes in [(1000, 3, 24, 8, 4), (1, 60, 512, 64, 2), (7, 5, 11, 0, 2), fresh]:
        got = call(cache_bytes, seq_len, layers, latent, rope, nbytes)
        try:
            got = float(got)
        except Exception:  # noqa: BLE001  a list, a tensor of many numbers, an int too large for a float, ...
            raise Wrong(f"return one number of bytes, got {type(got).__name__}") from None
        want = latent_cache_bytes(1, seq_len, layers, latent, rope, nbytes)
        if got == want:
            continue
        what = f"for seq_len={seq_len}, num_layers={layers}, latent_dim={latent}, rope_dim={rope}, bytes_per_value={nbytes}"
        mistakes = [
            (2 * want, "one latent serves keys AND values: it is cached once, not twice"),
            (
                2 * seq_len * layers * latent * nbytes + seq_len * layers * rope * nbytes,
                "one latent serves keys AND values: cache it once (and the rotary key once)",
            ),
            (seq_len * layers * latent * nbytes, f"the shared rotary key (rope_dim={rope} numbers) is cached too"),
            (want / nbytes, f"you counted numbers, not bytes: multiply by bytes_per_value={nbytes}"),
            (want * 8, "that is bits, not bytes: don't multiply by 8"),
            (want / layers, f"every layer caches its own latent: multiply by num_layers={layers}"),
            (want / seq_len, f"that is one token's cache: multiply by seq_len={seq_len}"),
        ]
        for value, message in mistakes:
            if np.isclose(got, value, rtol=1e-12, atol=0):
                raise Wrong(f"{what}: {message}")
        raise Wrong(f"{what}: you return {got:.0f} bytes, expected {want}")
    return "your count matches attention.latent_cache_bytes: seq_len x layers x (latent_dim + rope_dim) x bytes."
