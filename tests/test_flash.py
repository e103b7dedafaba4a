"""Tests for attention.flash (two-level tiling) against torch's SDPA: outputs, masks and gradients, float64."""

import pytest
import torch
from torch.nn import functional as F

from attention import causal_mask, flash_attention, padding_mask, peak_memory_bytes, scaled_dot_product_attention

SHAPES = [((1, 5, 4), (1, 5, 4)), ((2, 3, 17, 8), (2, 3, 17, 8)), ((2, 2, 9, 16), (2, 2, 33, 16)), ((40, 6), (70, 6))]
BLOCKS = [(1, 1), (4, 7), (16, 16), (256, 1024)]


def qkv(q_shape, k_shape, seed, d_v=5, grad=False):
    g = torch.Generator().manual_seed(seed)
    v_shape = k_shape[:-1] + (d_v,)
    return tuple(torch.randn(s, generator=g, dtype=torch.float64, requires_grad=grad) for s in (q_shape, k_shape, v_shape))


def grads(out, inputs, seed=0):
    """Gradients of a random linear function of the output (every element gets its own weight)."""
    g = torch.Generator().manual_seed(seed)
    w = torch.randn(out.shape, generator=g, dtype=out.dtype)
    return torch.autograd.grad((out * w).sum(), inputs)


@pytest.mark.parametrize("q_shape, k_shape", SHAPES)
@pytest.mark.parametrize("block_q, block_k", BLOCKS)
@pytest.mark.parametrize("causal", [False, True])
@pytest.mark.parametrize("seed", [0, 1])
def test_output_and_gradients_equal_sdpa(q_shape, k_shape, block_q, block_k, causal, seed):
    q, k, v = qkv(q_shape, k_shape, seed, grad=True)
    out = flash_attention(q, k, v, causal=causal, block_q=block_q, block_k=block_k)
    mask = causal_mask(q_shape[-2], k_shape[-2]) if causal else None  # bottom-right aligned, like ours
    ref = F.scaled_dot_product_attention(q, k, v, attn_mask=mask)
    torch.testing.assert_close(out, ref, atol=1e-12, rtol=0)
    for a, b in zip(grads(out, (q, k, v), seed), grads(ref, (q, k, v), seed)):
        torch.testing.assert_close(a, b, atol=1e-10, rtol=0)


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("block_q, block_k", [(3, 5), (8, 64)])
def test_boolean_masks_padding_and_fully_masked_rows(seed, block_q, block_k):
    q, k, v = qkv((2, 3, 11, 8), (2, 3, 13, 8), seed, grad=True)
    g = torch.Generator().manual_seed(seed)
    for mask in (
        torch.rand(2, 3, 11, 13, generator=g) < 0.5,  # random, some rows may be empty
        padding_mask([13, 6], 13)[:, None],  # (B, 1, 1, T_k): padding, broadcast over heads and queries
        torch.rand(11, 13, generator=g) < 0.3,  # (T_q, T_k) shared by batch and heads
    ):
        mask = mask.clone() if mask.ndim > 2 else mask
        out = flash_attention(q, k, v, mask=mask, block_q=block_q, block_k=block_k)
        ours, _ = scaled_dot_product_attention(q, k, v, mask=mask)  # zeros for empty rows, as flash
        torch.testing.assert_close(out, ours, atol=1e-12, rtol=0)
        for a, b in zip(grads(out, (q, k, v)), grads(ours, (q, k, v))):
            torch.testing.assert_close(a, b, atol=1e-10, rtol=0)
        full = mask.expand(2, 3, 11, 13)
        rows = full.any(-1)  # (2, 3, 11) rows with at least one key
        ref = F.scaled_dot_product_attention(q, k, v, attn_mask=mask)  # NaN in empty rows
        torch.testing.assert_close(out[rows], ref[rows], atol=1e-12, rtol=0)
    empty = torch.ones(11, 13, dtype=torch.bool)
    empty[4] = False
    out, lse = flash_attention(q, k, v, mask=empty, return_lse=True, block_q=block_q, block_k=block_k)
    assert not out.isnan().any() and (out[:, :, 4] == 0).all() and torch.isneginf(lse[:, :, 4]).all()
    d_q, d_k, d_v = grads(out, (q, k, v))
    assert not any(t.isnan().any() for t in (d_q, d_k, d_v)) and (d_q[:, :, 4] == 0).all()


def test_log_sum_exp_and_its_gradient():
    q, k, v = qkv((2, 7, 4), (2, 9, 4), 3, grad=True)
    out, lse = flash_attention(q, k, v, return_lse=True, block_q=3, block_k=4)
    scores = q @ k.transpose(-2, -1) / 2.0
    torch.testing.assert_close(lse, torch.logsumexp(scores, -1), atol=1e-12, rtol=0)
    a = torch.autograd.grad(out.sum() + lse.pow(2).sum(), (q, k, v))
    ref_out = F.scaled_dot_product_attention(q, k, v)
    b = torch.autograd.grad(ref_out.sum() + torch.logsumexp(q @ k.transpose(-2, -1) / 2.0, -1).pow(2).sum(), (q, k, v))
    for x, y in zip(a, b):
        torch.testing.assert_close(x, y, atol=1e-10, rtol=0)


def test_gradcheck_with_mask_and_causal():
    q, k, v = qkv((1, 2, 5, 3), (1, 2, 7, 3), 4, d_v=2, grad=True)
    mask = torch.rand(5, 7, generator=torch.Generator().manual_seed(0)) < 0.6
    assert torch.autograd.gradcheck(lambda *t: flash_attention(*t, mask=mask, block_q=2, block_k=3), (q, k, v))
    assert torch.autograd.gradcheck(lambda *t: flash_attention(*t, causal=True, block_q=2, block_k=3), (q, k, v))


def test_broadcast_batch_dimensions_and_gradients():
    g = torch.Generator().manual_seed(6)
    q = torch.randn(2, 4, 6, 8, generator=g, dtype=torch.float64, requires_grad=True)
    k = torch.randn(2, 1, 10, 8, generator=g, dtype=torch.float64, requires_grad=True)  # shared by the 4 heads (MQA)
    v = torch.randn(1, 1, 10, 3, generator=g, dtype=torch.float64, requires_grad=True)
    out = flash_attention(q, k, v, block_q=4, block_k=3)
    ref = F.scaled_dot_product_attention(q, k.expand(2, 4, 10, 8), v.expand(2, 4, 10, 3))
    torch.testing.assert_close(out, ref, atol=1e-12, rtol=0)
    for a, b in zip(grads(out, (q, k, v)), grads(ref, (q, k, v))):
        assert a.shape == b.shape
        torch.testing.assert_close(a, b, atol=1e-10, rtol=0)


def test_float32_close_to_torch():
    q, k, v = (torch.randn(2, 2, 300, 32) for _ in range(3))
    out = flash_attention(q, k, v, causal=True, block_q=64, block_k=128)
    torch.testing.assert_close(out, F.scaled_dot_product_attention(q, k, v, is_causal=True), atol=1e-5, rtol=0)


def test_peak_memory_is_one_tile_plus_the_output(one_thread):
    d = 32
    peaks = {}
    for T in (1024, 2048):
        q, k, v = (torch.randn(1, 1, T, d) for _ in range(3))
        peaks[T] = peak_memory_bytes(lambda: flash_attention(q, k, v, block_q=128, block_k=256))  # noqa: B023
        output = T * d * 4
        assert peaks[T] < output + 4 * 128 * 256 * 4 + 64 * 1024  # the output, a few tiles, small change
    q, k, v = (torch.randn(1, 1, 2048, d) for _ in range(3))
    plain = peak_memory_bytes(lambda: scaled_dot_product_attention(q, k, v))
    assert plain > 20 * peaks[2048]


@pytest.mark.parametrize(
    "call, words",
    [
        (lambda: flash_attention(torch.randn(4, 8), torch.randn(4, 6), torch.randn(4, 8)), "d_k"),
        (lambda: flash_attention(torch.randn(4, 8), torch.randn(5, 8), torch.randn(4, 8)), "T_k"),
        (lambda: flash_attention(torch.randn(5, 8), torch.randn(3, 8), torch.randn(3, 8), causal=True), "T_k >= T_q"),
        (lambda: flash_attention(torch.randn(4, 8), torch.randn(4, 8), torch.randn(4, 8), block_q=0), "block_q"),
        (lambda: flash_attention(torch.randn(4, 8), torch.randn(4, 8), torch.randn(4, 8), block_k=2.5), "block_k"),
        (lambda: flash_attention(torch.randn(4, 8), torch.randn(4, 8), torch.randn(4, 8), mask=torch.ones(4, 4)), "boolean"),
        (
            lambda: flash_attention(
                torch.randn(4, 8), torch.randn(4, 8), torch.randn(4, 8), mask=torch.ones(3, 4, dtype=torch.bool)
            ),
            "does not broadcast",
        ),
        (lambda: flash_attention(torch.randn(4, 8), torch.randn(4, 8, dtype=torch.float64), torch.randn(4, 8)), "one dtype"),
    ],
)
def test_bad_input_names_the_problem(call, words):
    with pytest.raises(ValueError) as error:
        call()
    assert words in str(error.value)
