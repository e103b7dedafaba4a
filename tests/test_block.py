"""Tests for positional encodings, the feed-forward network and the Transformer block (notebooks/05_transformer_block.ipynb)."""

import math

import pytest
import torch

from attention import MultiHeadAttention, causal_mask, padding_mask
from attention.block import FeedForward, PositionalEncoding, TransformerBlock, sinusoidal_positions


def test_sinusoidal_positions_formula_and_shape():
    T, d = 7, 6
    pe = sinusoidal_positions(T, d)
    assert pe.shape == (T, d) and pe.dtype == torch.float32
    for t in range(T):
        for i in range(d // 2):
            angle = t / 10000 ** (2 * i / d)
            assert pe[t, 2 * i].item() == pytest.approx(math.sin(angle), abs=1e-6)
            assert pe[t, 2 * i + 1].item() == pytest.approx(math.cos(angle), abs=1e-6)
    torch.testing.assert_close(pe[0], torch.tensor([0.0, 1.0] * 3))


def test_sinusoidal_positions_properties():
    pe = sinusoidal_positions(50, 16)
    # every sin/cos pair lies on the unit circle, so every row has norm sqrt(d/2)
    torch.testing.assert_close(pe.norm(dim=1), torch.full((50,), math.sqrt(8.0)))
    # PE(t + k) is a fixed rotation of PE(t) in every (sin, cos) pair, whatever t
    k = 3
    freqs = 1.0 / 10000 ** (torch.arange(0, 16, 2) / 16)
    c, s = torch.cos(k * freqs), torch.sin(k * freqs)
    sin_t, cos_t = pe[:-k, 0::2], pe[:-k, 1::2]
    torch.testing.assert_close(pe[k:, 0::2], sin_t * c + cos_t * s, atol=1e-5, rtol=0)
    torch.testing.assert_close(pe[k:, 1::2], cos_t * c - sin_t * s, atol=1e-5, rtol=0)
    # dot products depend only on the distance
    dots = pe @ pe.T  # (50, 50)
    torch.testing.assert_close(dots[10, 14], dots[30, 34], atol=1e-4, rtol=0)
    assert len(torch.unique(pe.round(decimals=4), dim=0)) == 50  # all positions distinct


@pytest.mark.parametrize("T, d", [(0, 4), (5, 3), (5, 0), (2.0, 4)])
def test_sinusoidal_positions_bad_inputs(T, d):
    with pytest.raises(ValueError, match="T must|d_model must"):
        sinusoidal_positions(T, d)


def test_positional_encoding_module():
    pos = PositionalEncoding(8, max_len=20)
    x = torch.randn(3, 5, 8)
    torch.testing.assert_close(pos(x), x + sinusoidal_positions(5, 8))
    assert list(pos.parameters()) == []  # nothing learned
    with pytest.raises(ValueError, match=r"T=21.*max_len=20"):
        pos(torch.randn(1, 21, 8))
    with pytest.raises(ValueError, match=r"\(B, T, d_model=8\).*\(3, 5, 4\)"):
        pos(torch.randn(3, 5, 4))


def test_feed_forward_is_position_wise():
    torch.manual_seed(0)
    ffn = FeedForward(8, 32)
    x = torch.randn(2, 5, 8)
    out = ffn(x)
    assert out.shape == (2, 5, 8)
    torch.testing.assert_close(out[:, 3], ffn(x[:, 3:4])[:, 0])  # each position alone gives the same
    with pytest.raises(ValueError, match=r"d_model=8"):
        ffn(torch.randn(2, 5, 7))
    with pytest.raises(ValueError, match="positive"):
        FeedForward(8, 0)


def _reference_block(block, x, mask=None, memory=None, memory_mask=None):
    """The pre-LN block written out with torch's own attention as an oracle."""

    def mha(m, q, kv, msk):
        return torch.nn.functional.scaled_dot_product_attention(
            m.w_q(q).view(*q.shape[:2], -1, m.d_k).transpose(1, 2),
            m.w_k(kv).view(*kv.shape[:2], -1, m.d_k).transpose(1, 2),
            m.w_v(kv).view(*kv.shape[:2], -1, m.d_k).transpose(1, 2),
            attn_mask=msk,
        )

    def attend(m, q, kv, msk):
        heads = mha(m, q, kv, msk)  # (B, h, T_q, d_k)
        return m.w_o(heads.transpose(1, 2).reshape(*q.shape[:2], -1))

    h = block.ln1(x)
    x = x + attend(block.self_attn, h, h, mask)
    if memory is not None:
        x = x + attend(block.cross_attn, block.ln2(x), memory, memory_mask)
    return x + block.ffn.net(block.ln3(x))


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_block_matches_oracle(seed):
    torch.manual_seed(seed)
    block = TransformerBlock(16, 4, 32)
    x = torch.randn(2, 6, 16)
    mask = causal_mask(6)
    out = block(x, mask=mask)
    assert out.shape == (2, 6, 16)
    torch.testing.assert_close(out, _reference_block(block, x, mask), atol=1e-5, rtol=1e-5)
    assert isinstance(block.self_attn, MultiHeadAttention) and block.cross_attn is None
    assert block.self_attn.last_weights.shape == (2, 4, 6, 6)


def test_cross_attention_block_matches_oracle_and_keeps_weights():
    torch.manual_seed(3)
    block = TransformerBlock(16, 2, 32, cross_attention=True)
    x, memory = torch.randn(3, 5, 16), torch.randn(3, 7, 16)
    memory_mask = padding_mask([7, 4, 2], 7)  # (B, 1, S)
    out = block(x, mask=causal_mask(5), memory=memory, memory_mask=memory_mask)
    ref = _reference_block(block, x, causal_mask(5), memory, memory_mask[:, None])
    torch.testing.assert_close(out, ref, atol=1e-5, rtol=1e-5)
    w = block.cross_attn.last_weights
    assert w.shape == (3, 2, 5, 7)
    assert torch.all(w[1, :, :, 4:] == 0) and torch.all(w[2, :, :, 2:] == 0)  # padded keys get no weight
    torch.testing.assert_close(w.sum(-1), torch.ones(3, 2, 5))


def test_causal_block_does_not_peek():
    torch.manual_seed(0)
    block = TransformerBlock(8, 2, 16)
    x = torch.randn(1, 6, 8)
    x2 = x.clone()
    x2[:, 4:] = torch.randn(1, 2, 8)  # change the future (positions 4, 5)
    mask = causal_mask(6)
    a, b = block(x, mask=mask), block(x2, mask=mask)
    torch.testing.assert_close(a[:, :4], b[:, :4])  # outputs 0..3 do not change
    assert not torch.allclose(a[:, 4:], b[:, 4:])
    c, d = block(x), block(x2)  # without the mask, everything changes
    assert not torch.allclose(c[:, :4], d[:, :4])


def test_gradients_flow_to_every_parameter():
    torch.manual_seed(0)
    block = TransformerBlock(8, 2, 16, cross_attention=True)
    x = torch.randn(2, 4, 8, requires_grad=True)
    memory = torch.randn(2, 3, 8, requires_grad=True)
    block(x, mask=causal_mask(4), memory=memory).pow(2).sum().backward()
    for name, p in block.named_parameters():
        assert p.grad is not None and p.grad.abs().sum() > 0, name
    assert x.grad.abs().sum() > 0 and memory.grad.abs().sum() > 0


def test_residual_path_is_identity_when_sublayers_output_zero():
    block = TransformerBlock(8, 2, 16)
    with torch.no_grad():
        block.self_attn.w_o.weight.zero_()
        block.self_attn.w_o.bias.zero_()
        block.ffn.net[2].weight.zero_()
        block.ffn.net[2].bias.zero_()
    x = torch.randn(2, 4, 8)
    torch.testing.assert_close(block(x), x)


def test_dropout_only_in_training():
    torch.manual_seed(0)
    block = TransformerBlock(8, 2, 16, dropout=0.5)
    x = torch.randn(2, 4, 8)
    block.eval()
    torch.testing.assert_close(block(x), block(x))
    block.train()
    assert not torch.allclose(block(x), block(x))


def test_block_bad_inputs():
    block = TransformerBlock(8, 2, 16)
    cross = TransformerBlock(8, 2, 16, cross_attention=True)
    x = torch.randn(2, 4, 8)
    with pytest.raises(ValueError, match="without cross_attention"):
        block(x, memory=torch.randn(2, 3, 8))
    with pytest.raises(ValueError, match="without cross_attention"):
        block(x, memory_mask=torch.ones(3, dtype=torch.bool))
    with pytest.raises(ValueError, match=r"pass memory.*\(2, 4, 8\)"):
        cross(x)
    with pytest.raises(ValueError, match=r"batch size.*\(2, 4, 8\).*\(3, 3, 8\)"):
        cross(x, memory=torch.randn(3, 3, 8))
    with pytest.raises(ValueError, match=r"memory must have shape.*\(2, 3, 5\)"):
        cross(x, memory=torch.randn(2, 3, 5))
    with pytest.raises(ValueError, match=r"x must have shape.*\(2, 4\)"):
        block(torch.randn(2, 4))
    with pytest.raises(ValueError, match="floating-point"):
        block(torch.ones(2, 4, 8, dtype=torch.long))
    with pytest.raises(ValueError, match="boolean"):
        block(x, mask=torch.ones(4, 4))
    with pytest.raises(ValueError, match="does not broadcast"):
        block(x, mask=causal_mask(5))
    with pytest.raises(ValueError, match="divide"):
        TransformerBlock(8, 3, 16)
