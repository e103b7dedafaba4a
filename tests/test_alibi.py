"""Tests for attention.alibi against torch's scaled_dot_product_attention with an explicit float bias (float64)."""

import math

import pytest
import torch
from torch.nn import functional as F

from attention import alibi_attention, alibi_bias, alibi_slopes, causal_mask


def test_slopes_of_the_paper():
    torch.testing.assert_close(alibi_slopes(8), torch.tensor([2.0 ** -(i + 1) for i in range(8)], dtype=torch.float64))
    torch.testing.assert_close(alibi_slopes(4), torch.tensor([2.0 ** -(2 * (i + 1)) for i in range(4)], dtype=torch.float64))
    six = alibi_slopes(6)  # not a power of two: the 4 slopes of 4 heads, then every other slope of 8 heads
    expected = [2.0**-2, 2.0**-4, 2.0**-6, 2.0**-8, 2.0**-1, 2.0**-3]
    torch.testing.assert_close(six, torch.tensor(expected, dtype=torch.float64))
    assert alibi_slopes(1).tolist() == [2.0**-8]
    for n in (3, 5, 12, 16):
        s = alibi_slopes(n)
        assert s.shape == (n,) and len(set(s.tolist())) == n and (s > 0).all() and (s < 1).all()


def test_bias_is_minus_slope_times_distance():
    bias = alibi_bias(torch.tensor([0.5, 0.25], dtype=torch.float64), 3, 5)  # queries at positions 2, 3, 4
    assert bias.shape == (2, 3, 5)
    assert bias[0, 0].tolist() == [-1.0, -0.5, 0.0, -0.5, -1.0]
    assert bias[1, 2].tolist() == [-1.0, -0.75, -0.5, -0.25, 0.0]


def oracle(q, k, v, slopes, mask):
    """torch's SDPA with the bias built here from scratch, -inf where masked."""
    T_q, T_k = q.shape[-2], k.shape[-2]
    i = torch.arange(T_k - T_q, T_k, dtype=torch.float64)[:, None]
    j = torch.arange(T_k, dtype=torch.float64)[None, :]
    bias = -slopes[:, None, None] * (i - j).abs()  # (h, T_q, T_k)
    if mask is not None:
        bias = bias.masked_fill(~mask, float("-inf"))
    return F.scaled_dot_product_attention(q, k, v, attn_mask=bias)


@pytest.mark.parametrize("shape", [(1, 1, 3, 4, 4), (2, 4, 9, 9, 8), (3, 2, 5, 12, 6), (1, 6, 16, 16, 16)])
@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("masked", ["none", "causal", "random"])
def test_alibi_attention_equals_sdpa_with_bias(shape, seed, masked):
    B, h, T_q, T_k, d = shape
    g = torch.Generator().manual_seed(seed)
    q = torch.randn(B, h, T_q, d, generator=g, dtype=torch.float64)
    k, v = (torch.randn(B, h, T_k, d, generator=g, dtype=torch.float64) for _ in range(2))
    mask = None
    if masked == "causal":
        mask = causal_mask(T_q, T_k)
    elif masked == "random":
        mask = torch.rand(B, 1, T_q, T_k, generator=g) < 0.7
        mask[..., 0] = True  # every row keeps a key (fully masked rows are tested below: torch gives NaN there)
    slopes = alibi_slopes(h)
    out, weights = alibi_attention(q, k, v, mask=mask)
    torch.testing.assert_close(out, oracle(q, k, v, slopes, mask), atol=1e-12, rtol=0)
    torch.testing.assert_close(weights.sum(-1), torch.ones(B, h, T_q, dtype=torch.float64))
    if mask is not None:
        assert (weights[~mask.expand_as(weights)] == 0).all()


def test_gradients_equal_the_oracle_and_fully_masked_rows_give_zeros():
    g = torch.Generator().manual_seed(5)
    q, k, v = (torch.randn(2, 4, 6, 8, generator=g, dtype=torch.float64, requires_grad=True) for _ in range(3))
    mask = causal_mask(6)
    out, _ = alibi_attention(q, k, v, mask=mask)
    ref = oracle(q, k, v, alibi_slopes(4), mask)
    for a, b in zip(torch.autograd.grad(out.pow(2).sum(), (q, k, v)), torch.autograd.grad(ref.pow(2).sum(), (q, k, v))):
        torch.testing.assert_close(a, b, atol=1e-12, rtol=0)
    empty = torch.ones(6, 6, dtype=torch.bool)
    empty[2] = False
    out, weights = alibi_attention(q, k, v, mask=empty)
    assert not out.isnan().any() and (out[:, :, 2] == 0).all() and (weights[:, :, 2] == 0).all()


def test_custom_slopes_and_scale():
    q, k, v = (torch.randn(1, 2, 5, 4, dtype=torch.float64) for _ in range(3))
    slopes = torch.tensor([3.0, 0.0], dtype=torch.float64)
    out, w = alibi_attention(q, k, v, slopes=slopes, scale=0.0)  # no content: only the bias
    distance = (torch.arange(5.0, dtype=torch.float64)[:, None] - torch.arange(5.0, dtype=torch.float64)).abs()
    expected = torch.softmax(-3.0 * distance, dim=-1)
    torch.testing.assert_close(w[0, 0], expected)
    torch.testing.assert_close(w[0, 1], torch.full((5, 5), 0.2, dtype=torch.float64))  # slope 0: plain average
    assert math.isclose(float(w[0, 0, 4, 4]), 1 / (1 + math.exp(-3) + math.exp(-6) + math.exp(-9) + math.exp(-12)))


def test_float32_works():
    q, k, v = (torch.randn(2, 4, 7, 8) for _ in range(3))
    out, w = alibi_attention(q, k, v, mask=causal_mask(7))
    assert out.dtype == torch.float32 and w.dtype == torch.float32


@pytest.mark.parametrize(
    "call, words",
    [
        (lambda: alibi_attention(torch.randn(5, 4), torch.randn(5, 4), torch.randn(5, 4)), "(..., heads, T, d)"),
        (lambda: alibi_attention(torch.randn(1, 4, 5, 8), torch.randn(1, 3, 5, 8), torch.randn(1, 3, 5, 8)), "4 heads"),
        (lambda: alibi_attention(torch.randn(1, 2, 5, 8), torch.randn(1, 2, 5, 6), torch.randn(1, 2, 5, 8)), "d_k"),
        (lambda: alibi_attention(torch.randn(1, 2, 5, 8), torch.randn(1, 2, 3, 8), torch.randn(1, 2, 3, 8)), "T_k >= T_q"),
        (
            lambda: alibi_attention(
                torch.randn(1, 2, 3, 8), torch.randn(1, 2, 3, 8), torch.randn(1, 2, 3, 8), slopes=torch.ones(3)
            ),
            "(heads,) = (2,)",
        ),
        (
            lambda: alibi_attention(
                torch.randn(1, 2, 3, 8), torch.randn(1, 2, 3, 8), torch.randn(1, 2, 3, 8), mask=torch.ones(3, 4, dtype=torch.bool)
            ),
            "does not broadcast",
        ),
        (
            lambda: alibi_attention(
                torch.randn(1, 2, 3, 8), torch.randn(1, 2, 3, 8), torch.randn(1, 2, 3, 8), mask=torch.ones(3, 3)
            ),
            "boolean",
        ),
        (lambda: alibi_bias(torch.ones(2), 4, 3), "T_k >= T_q"),
        (lambda: alibi_bias(torch.ones(2, 2), 4), "1-D"),
        (lambda: alibi_bias(torch.ones(2), 0), "T_q"),
        (lambda: alibi_slopes(0), "num_heads"),
    ],
)
def test_bad_input_names_the_problem(call, words):
    with pytest.raises(ValueError) as error:
        call()
    assert words in str(error.value)
