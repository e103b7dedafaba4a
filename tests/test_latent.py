"""Tests for attention.latent (MLA): absorbed attention equals attention on the reconstructed K, V (float64)."""

import pytest
import torch

from attention import (
    MultiHeadLatentAttention,
    apply_rope,
    causal_mask,
    kv_cache_bytes,
    latent_cache_bytes,
    merge_heads,
    scaled_dot_product_attention,
    split_heads,
)


def reference(mla: MultiHeadLatentAttention, x: torch.Tensor, mask):
    """Written from the paper's equations with plain matrices, without the module's forward."""
    B, T, _ = x.shape
    h, dh, r = mla.num_heads, mla.head_dim, mla.rope_dim
    c = x @ mla.w_down.weight.T  # (B, T, latent)
    k = split_heads(c @ mla.w_uk.weight.T, h)  # (B, h, T, dh) reconstructed keys
    v = split_heads(c @ mla.w_uv.weight.T, h)  # (B, h, T, dh) reconstructed values
    q = split_heads(x @ mla.w_q.weight.T, h)  # (B, h, T, dh)
    if r:
        q = torch.cat([q, apply_rope(split_heads(x @ mla.w_q_rope.weight.T, h))], dim=-1)
        k_rope = apply_rope(x @ mla.w_k_rope.weight.T)[:, None].expand(B, h, T, r)  # one rotary key for every head
        k = torch.cat([k, k_rope], dim=-1)
    out, weights = scaled_dot_product_attention(q, k, v, mask=mask, scale=(dh + r) ** -0.5)
    return merge_heads(out) @ mla.w_o.weight.T, weights


@pytest.mark.parametrize("sizes", [(16, 2, 8, 4, 0), (32, 4, 8, 12, 4), (24, 3, 6, 5, 2)])
@pytest.mark.parametrize("masked", [None, "causal", "random"])
@pytest.mark.parametrize("seed", [0, 1])
def test_absorbed_and_reconstructed_equal_the_reference(sizes, masked, seed):
    d_model, h, dh, latent, rope = sizes
    torch.manual_seed(seed)
    mla = MultiHeadLatentAttention(d_model, h, dh, latent, rope_dim=rope).double()
    x = torch.randn(2, 7, d_model, dtype=torch.float64)
    mask = {None: None, "causal": causal_mask(7), "random": torch.rand(2, 1, 7, 7) < 0.6}[masked]
    if masked == "random":
        mask[0, 0, 3] = False  # a fully masked row: zeros, not NaN
    want_out, want_w = reference(mla, x, mask)
    for absorb in (True, False):
        out, weights = mla(x, mask=mask, absorb=absorb)
        torch.testing.assert_close(out, want_out, atol=1e-12, rtol=0)
        torch.testing.assert_close(weights, want_w, atol=1e-12, rtol=0)
        assert not out.isnan().any()
    assert mla.last_weights.shape == (2, h, 7, 7)


def test_gradients_agree_between_the_two_paths():
    torch.manual_seed(3)
    mla = MultiHeadLatentAttention(16, 2, 4, 6, rope_dim=2).double()
    x = torch.randn(1, 5, 16, dtype=torch.float64, requires_grad=True)
    a = torch.autograd.grad(mla(x, mask=causal_mask(5))[0].pow(2).sum(), [x, *mla.parameters()])
    b = torch.autograd.grad(mla(x, mask=causal_mask(5), absorb=False)[0].pow(2).sum(), [x, *mla.parameters()])
    for u, w in zip(a, b):
        torch.testing.assert_close(u, w, atol=1e-12, rtol=0)


def test_only_the_latent_and_the_rotary_key_are_cached():
    mla = MultiHeadLatentAttention(32, 4, 8, 12, rope_dim=4)
    latent, rope_key = mla.compress(torch.randn(3, 10, 32))
    assert latent.shape == (3, 10, 12) and rope_key.shape == (3, 10, 4)
    k, v = mla.reconstruct_kv(latent)
    assert k.shape == v.shape == (3, 4, 10, 8)
    assert MultiHeadLatentAttention(32, 4, 8, 12).compress(torch.randn(1, 2, 32))[1] is None


def test_cache_bytes_of_deepseek_v2_sizes():
    # DeepSeek-V2: 60 layers, 128 heads of 128, latent 512, rotary key 64 (paper, Table 1: MLA = (d_c + d_R) l)
    mla = latent_cache_bytes(1, 1, 60, 512, 64, 2)
    mha = kv_cache_bytes(1, 1, 60, 128, 128, 2)
    mqa = kv_cache_bytes(1, 1, 60, 1, 128, 2)
    assert mla == 60 * 576 * 2 and mha == 2 * 128 * 128 * 60 * 2
    assert mla * 4 == mqa * 9  # the paper: MLA's cache equals GQA with 2.25 groups
    assert latent_cache_bytes(2, 3, 4, 5, 0, 4) == 2 * 3 * 4 * 5 * 4


@pytest.mark.parametrize(
    "call, words",
    [
        (lambda: MultiHeadLatentAttention(0, 2, 4, 4), "d_model"),
        (lambda: MultiHeadLatentAttention(8, 2, 4, 4, rope_dim=3), "rope_dim"),
        (lambda: MultiHeadLatentAttention(8, 2, 4, 0), "latent_dim"),
        (lambda: MultiHeadLatentAttention(8, 2, 4, 4)(torch.randn(2, 3, 9)), "d_model=8"),
        (lambda: MultiHeadLatentAttention(8, 2, 4, 4)(torch.randn(3, 8)), "(B, T, d_model=8)"),
        (
            lambda: MultiHeadLatentAttention(8, 2, 4, 4)(torch.randn(1, 3, 8), mask=torch.ones(3, 4, dtype=torch.bool)),
            "does not broadcast",
        ),
        (lambda: MultiHeadLatentAttention(8, 2, 4, 4)(torch.randn(1, 3, 8), mask=torch.ones(3, 3)), "boolean"),
        (lambda: MultiHeadLatentAttention(8, 2, 4, 4).reconstruct_kv(torch.randn(1, 3, 5)), "latent_dim=4"),
        (lambda: latent_cache_bytes(1, 1, 1, 0), "latent_dim"),
        (lambda: latent_cache_bytes(1, 1, 1, 4, rope_dim=-1), "rope_dim"),
    ],
)
def test_bad_input_names_the_problem(call, words):
    with pytest.raises(ValueError) as error:
        call()
    assert words in str(error.value)
