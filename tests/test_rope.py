"""Tests for attention.rope against a direct complex-number implementation (float64)."""

import math

import numpy as np
import pytest
import torch

from attention import apply_rope, rope_frequencies, scaled_dot_product_attention


def rope_complex(x: torch.Tensor, positions: torch.Tensor, base: float = 10000.0) -> torch.Tensor:
    """The oracle: pair (2i, 2i+1) is the complex number x_2i + j x_2i+1, multiplied by exp(j * pos * omega_i)."""
    d = x.shape[-1]
    z = x[..., 0::2].numpy() + 1j * x[..., 1::2].numpy()  # (..., T, d/2) complex
    omega = np.array([base ** (-2 * i / d) for i in range(d // 2)])  # written out, not rope_frequencies
    turned = z * np.exp(1j * positions.numpy()[..., None] * omega)  # (..., T, d/2)
    out = np.empty(x.shape)
    out[..., 0::2], out[..., 1::2] = turned.real, turned.imag
    return torch.from_numpy(out)


@pytest.mark.parametrize("shape", [(5, 2), (3, 7, 8), (2, 4, 11, 16), (1, 1, 33, 64)])
@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("base", [10000.0, 100.0])
def test_apply_rope_equals_complex_multiplication(shape, seed, base):
    g = torch.Generator().manual_seed(seed)
    x = torch.randn(shape, generator=g, dtype=torch.float64)
    positions = torch.arange(shape[-2])
    torch.testing.assert_close(apply_rope(x, base=base), rope_complex(x, positions, base), atol=1e-12, rtol=0)


def test_apply_rope_with_given_positions_float_and_batched():
    g = torch.Generator().manual_seed(3)
    x = torch.randn(2, 3, 6, 8, generator=g, dtype=torch.float64)
    positions = torch.tensor([5, 9, 2, 0, 100, 7])
    torch.testing.assert_close(apply_rope(x, positions), rope_complex(x, positions), atol=1e-12, rtol=0)
    scaled = torch.arange(6, dtype=torch.float64) * 0.25  # position interpolation: fractional positions
    torch.testing.assert_close(apply_rope(x, scaled), rope_complex(x, scaled), atol=1e-12, rtol=0)
    per_batch = torch.randint(0, 50, (2, 1, 6), generator=g)  # (B, 1, T) broadcasts over heads
    expected = torch.stack([rope_complex(x[b], per_batch[b, 0]) for b in range(2)])
    torch.testing.assert_close(apply_rope(x, per_batch), expected, atol=1e-12, rtol=0)


def test_rope_keeps_lengths_and_position_zero_is_identity():
    x = torch.randn(4, 10, 16, dtype=torch.float64)
    out = apply_rope(x)
    torch.testing.assert_close(out.norm(dim=-1), x.norm(dim=-1))  # a rotation changes no length
    torch.testing.assert_close(out[:, 0], x[:, 0])  # position 0: angle 0
    pairs = out.view(4, 10, 8, 2).norm(dim=-1)
    torch.testing.assert_close(pairs, x.view(4, 10, 8, 2).norm(dim=-1))  # every pair keeps its own length


@pytest.mark.parametrize("seed", [0, 1])
def test_scores_depend_only_on_the_offset(seed):
    g = torch.Generator().manual_seed(seed)
    q, k = torch.randn(2, 32, generator=g, dtype=torch.float64)
    score = lambda m, n: (apply_rope(q[None], torch.tensor([m])) @ apply_rope(k[None], torch.tensor([n])).T).item()  # noqa: E731
    for offset in (0, 1, 5, 17):
        values = [score(m + offset, m) for m in (0, 3, 50, 1000)]
        assert max(values) - min(values) < 1e-10


def test_frequencies():
    omega = rope_frequencies(8)
    torch.testing.assert_close(omega, torch.tensor([1.0, 10000**-0.25, 10000**-0.5, 10000**-0.75], dtype=torch.float64))
    assert omega.dtype == torch.float64 and rope_frequencies(8, dtype=torch.float32).dtype == torch.float32


def test_float32_and_gradients_flow():
    x = torch.randn(3, 5, 8, requires_grad=True)
    out = apply_rope(x)
    assert out.dtype == torch.float32
    out.sum().backward()
    assert x.grad is not None and x.grad.shape == x.shape
    x64 = torch.randn(2, 4, 6, dtype=torch.float64, requires_grad=True)
    assert torch.autograd.gradcheck(lambda t: apply_rope(t, torch.arange(4) * 3), (x64,))


def test_attention_on_rotated_queries_and_keys_is_translation_invariant():
    g = torch.Generator().manual_seed(4)
    q, k, v = (torch.randn(1, 2, 9, 8, generator=g, dtype=torch.float64) for _ in range(3))
    pos = torch.arange(9)
    out0, w0 = scaled_dot_product_attention(apply_rope(q, pos), apply_rope(k, pos), v)
    out1, w1 = scaled_dot_product_attention(apply_rope(q, pos + 123), apply_rope(k, pos + 123), v)
    torch.testing.assert_close(w0, w1, atol=1e-12, rtol=0)


@pytest.mark.parametrize(
    "call, words",
    [
        (lambda: apply_rope(torch.randn(4, 7)), "even d"),
        (lambda: apply_rope(torch.randn(7)), "(..., T, d)"),
        (lambda: apply_rope(torch.ones(3, 4, dtype=torch.long)), "floating-point"),
        (lambda: apply_rope(torch.randn(3, 4).numpy()), "torch.Tensor"),
        (lambda: apply_rope(torch.randn(5, 4), torch.arange(4)), "T=5"),
        (lambda: apply_rope(torch.randn(5, 4), torch.ones(5, dtype=torch.bool)), "numbers"),
        (lambda: apply_rope(torch.randn(2, 5, 4), torch.zeros(3, 5)), "do not broadcast"),
        (lambda: apply_rope(torch.randn(5, 4), base=1), "base"),
        (lambda: rope_frequencies(7), "head_dim"),
        (lambda: rope_frequencies(0), "head_dim"),
    ],
)
def test_bad_input_names_the_problem(call, words):
    with pytest.raises(ValueError, match=None) as error:
        call()
    assert words in str(error.value)


def test_angle_per_position_of_the_first_pair_is_one_radian():
    x = torch.zeros(3, 2, dtype=torch.float64)
    x[:, 0] = 1.0  # the point (1, 0) at positions 0, 1, 2
    out = apply_rope(x)
    torch.testing.assert_close(out[:, 0], torch.cos(torch.arange(3, dtype=torch.float64)))
    torch.testing.assert_close(out[:, 1], torch.sin(torch.arange(3, dtype=torch.float64)))  # counter-clockwise
    assert math.isclose(float(torch.atan2(out[1, 1], out[1, 0])), 1.0)
