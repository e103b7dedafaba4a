"""Tests for the lesson 10 checkers: right answers pass, typical mistakes get precise messages, nothing crashes."""

import numpy as np
import pytest
import torch

from attention.exercises import check_latent_cache_bytes, check_rope, check_sliding_window_mask

# ---------------------------------------------------------------- RoPE


def turn(x, positions, pairs="neighbours", sign=1.0, freq=lambda i, d: 10000.0 ** (-2 * i / d), shift=0):
    T, d = x.shape
    i = torch.arange(d // 2, dtype=torch.float64)
    first, second = (2 * i.long(), 2 * i.long() + 1) if pairs == "neighbours" else (i.long(), i.long() + d // 2)
    angles = (positions.double()[:, None] + shift) * freq(i, d)
    a, b = x[:, first], x[:, second]
    out = x.clone()
    out[:, first] = a * torch.cos(angles) - b * sign * torch.sin(angles)
    out[:, second] = a * sign * torch.sin(angles) + b * torch.cos(angles)
    return out


def rope_complex(x, positions):
    d = x.shape[1]
    z = torch.view_as_complex(x.reshape(x.shape[0], d // 2, 2).contiguous())
    omega = 10000.0 ** (-torch.arange(0, d, 2, dtype=torch.float64) / d)
    return torch.view_as_real(z * torch.polar(torch.ones(1, dtype=torch.float64), positions[:, None] * omega)).reshape(x.shape)


def rope_numpy(x, positions):
    x, p = x.numpy(), positions.numpy()
    d = x.shape[1]
    angles = p[:, None] * 10000.0 ** (-np.arange(0, d, 2) / d)
    out = np.empty_like(x)
    out[:, 0::2] = x[:, 0::2] * np.cos(angles) - x[:, 1::2] * np.sin(angles)
    out[:, 1::2] = x[:, 0::2] * np.sin(angles) + x[:, 1::2] * np.cos(angles)
    return out


def rope_float32(x, positions):
    x = x.float()  # a learner who works in float32 throughout: round-off, not a mistake
    d = x.shape[1]
    angles = positions.float()[:, None] * 10000.0 ** (-torch.arange(0, d, 2, dtype=torch.float32) / d)
    out = torch.empty_like(x)
    out[:, 0::2] = x[:, 0::2] * torch.cos(angles) - x[:, 1::2] * torch.sin(angles)
    out[:, 1::2] = x[:, 0::2] * torch.sin(angles) + x[:, 1::2] * torch.cos(angles)
    return out


def rope_in_place(x, positions):
    x[:] = turn(x, positions)
    return x


@pytest.mark.parametrize("answer", [lambda x, p: turn(x, p), rope_complex, rope_numpy, rope_float32])
def test_rope_right_answers_pass(answer):
    result = check_rope(answer)
    assert result.passed, result


def test_rope_that_overwrites_its_input_is_wrong():  # the caller's queries would be rotated twice
    result = check_rope(rope_in_place)
    assert result.status == "wrong" and "changed its argument `x` in place" in result.message


@pytest.mark.parametrize(
    "answer, words",
    [
        (lambda x, p: turn(x, p, sign=-1.0), "clockwise"),
        (lambda x, p: turn(x, p, pairs="halves"), "rotate_half"),
        (lambda x, p: turn(x, p, freq=lambda i, d: torch.ones_like(i)), "same angle"),
        (lambda x, p: turn(x, p, freq=lambda i, d: 10000.0 ** (-i / d)), "10000^(-i/d)"),
        (lambda x, p: turn(x, p, freq=lambda i, d: 10000.0 ** (-2 * i.flip(0) / d)), "reverse order"),
        (lambda x, p: turn(x, p, shift=1), "off by one"),
        (lambda x, p: turn(x, p, freq=lambda i, d: 10000.0 ** (2 * i / d)), "not position / omega"),
        (lambda x, p: turn(x, torch.ones_like(p)), "position was ignored"),
        (lambda x, p: x, "unturned"),
        (lambda x, p: turn(x, p)[:, :2], "shape"),
        (lambda x, p: turn(x, p).T, "shape"),
        (lambda x, p: turn(x, p) * float("nan"), "NaN"),
        (lambda x, p: turn(x, p) * 1.001, "expected"),
        (lambda x, p: turn(x, p * 2), "lengths are right"),
        (lambda x, p: "rotated", "array of numbers"),
        (lambda x, p: {"x": x}, "array of numbers"),
        (lambda x, p: [turn(x, p), turn(x, p)[:2]], "array of numbers"),
        (lambda x, p: 1 / 0, "ZeroDivisionError"),
    ],
)
def test_rope_typical_mistakes(answer, words):
    result = check_rope(answer)
    assert result.status == "wrong", result
    assert words in result.message, result.message


def test_rope_stubs_and_usage_errors():
    assert check_rope(None).status == "todo"

    def stub(x, p):
        raise NotImplementedError("your code here")

    assert check_rope(stub).status == "todo"
    with pytest.raises(ValueError, match="function"):
        check_rope(torch.zeros(3))


# ---------------------------------------------------------------- sliding-window mask


def window_mask(T, window, num_sinks, lo=1, hi=0, causal=True, sinks_causal=True, invert=False, kind=torch):
    p = torch.arange(T)[:, None]
    j = torch.arange(T)[None, :]
    seen = (j <= p - hi) & (j > p - window - lo + 1) if causal else (p - j).abs() < window
    sinks = (j < num_sinks) & ((j <= p) if sinks_causal else True)
    m = seen | sinks
    m = ~m if invert else m
    return m.numpy() if kind is np else m


@pytest.mark.parametrize(
    "answer",
    [
        lambda T, w, s: window_mask(T, w, s),
        lambda T, w, s: window_mask(T, w, s, kind=np),
        lambda T, w, s: window_mask(T, w, s).tolist(),
        lambda T, w, s: torch.tensor([[(j <= i and j > i - w) or (j < s and j <= i) for j in range(T)] for i in range(T)]),
    ],
)
def test_window_right_answers_pass(answer):
    result = check_sliding_window_mask(answer)
    assert result.passed, result


@pytest.mark.parametrize(
    "answer, words",
    [
        (lambda T, w, s: window_mask(T, w, s, lo=2), "window off by one"),
        (lambda T, w, s: window_mask(T, w, s, lo=0), "only"),
        (lambda T, w, s: window_mask(T, w, s, hi=1, lo=2), "itself is missing"),
        (lambda T, w, s: window_mask(T, w, s, causal=False), "future"),
        (lambda T, w, s: window_mask(T, w, s, invert=True), "upside down"),
        (lambda T, w, s: window_mask(T, w, 0), "first keys are missing"),
        (lambda T, w, s: window_mask(T, w, s, sinks_causal=False), "before it exists"),
        (lambda T, w, s: window_mask(T, w, s).float(), "dtype"),
        (lambda T, w, s: window_mask(T, w, s).int().numpy(), "dtype"),
        (lambda T, w, s: window_mask(T, w, s)[:-1], "shape"),
        (lambda T, w, s: torch.tril(torch.ones(T, T, dtype=torch.bool)), "should be"),
        (lambda T, w, s: [[True], [False, True]], "boolean tensor"),
        (lambda T, w, s: 42, "shape"),
        (lambda T, w, s: window_mask(T, w, s)[None], "shape"),
        (lambda T, w, s: int("x"), "ValueError"),
    ],
)
def test_window_typical_mistakes(answer, words):
    result = check_sliding_window_mask(answer)
    assert result.status == "wrong", result
    assert words in result.message, result.message


def test_window_off_by_one_names_the_count():
    result = check_sliding_window_mask(lambda T, w, s: window_mask(T, w, s, lo=2))
    assert "window off by one" in result.message and "sees 3 keys" in result.message
    result = check_sliding_window_mask(lambda T, w, s: window_mask(T, w, s, lo=0))
    assert "window off by one" in result.message and "only 1 keys" in result.message


def test_window_stub():
    assert check_sliding_window_mask(...).status == "todo"


# ---------------------------------------------------------------- MLA cache bytes


def right_bytes(seq_len, layers, latent, rope, nbytes):
    return seq_len * layers * (latent + rope) * nbytes


@pytest.mark.parametrize(
    "answer",
    [
        right_bytes,
        lambda *a: float(right_bytes(*a)),
        lambda *a: np.int64(right_bytes(*a)),
        lambda *a: torch.tensor(right_bytes(*a)),
    ],
)
def test_cache_right_answers_pass(answer):
    assert check_latent_cache_bytes(answer).passed


@pytest.mark.parametrize(
    "answer, words",
    [
        (lambda s, la, c, r, b: 2 * s * la * (c + r) * b, "keys AND values"),
        (lambda s, la, c, r, b: s * la * (2 * c + r) * b, "keys AND values"),
        (lambda s, la, c, r, b: s * la * c * b, "rotary key"),
        (lambda s, la, c, r, b: s * la * (c + r), "numbers, not bytes"),
        (lambda s, la, c, r, b: 8 * s * la * (c + r) * b, "bits"),
        (lambda s, la, c, r, b: s * (c + r) * b, "num_layers"),
        (lambda s, la, c, r, b: la * (c + r) * b, "seq_len"),
        (lambda s, la, c, r, b: s * la * (c + r) * b + 1, "expected"),
        (lambda s, la, c, r, b: [1, 2], "one number"),
        (lambda s, la, c, r, b: torch.ones(3), "one number"),
        (lambda s, la, c, r, b: 10**400, "one number"),
        (lambda s, la, c, r, b: float("nan"), "expected"),
        (lambda s, la, c, r, b: s * la * (c + r) * b * 128, "expected"),
    ],
)
def test_cache_typical_mistakes(answer, words):
    result = check_latent_cache_bytes(answer)
    assert result.status == "wrong", result
    assert words in result.message, result.message


@pytest.mark.parametrize("i, j", [(0, 0), (3, 1), (3, 3), (4, 0), (2, 4), (5, 5)])
def test_window_no_single_wrong_entry_passes(i, j):
    def flipped(T, w, s):
        m = window_mask(T, w, s)
        if i < T and j < T:
            m[i, j] = ~m[i, j]
        return m

    assert check_sliding_window_mask(flipped).status == "wrong"


@pytest.mark.parametrize("row, col, eps", [(0, 0, 1e-3), (2, 1, -1e-3), (4, 7, 1e-4)])
def test_rope_no_small_error_passes(row, col, eps):
    def nudged(x, p):
        out = turn(x, p)
        if row < out.shape[0] and col < out.shape[1]:
            out[row, col] += eps
        return out

    assert check_rope(nudged).status == "wrong"
