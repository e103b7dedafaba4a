"""MultiHeadAttention against torch's own nn.MultiheadAttention (the oracle), plus its properties and errors."""

import pytest
import torch
from torch import nn
from torch.nn import functional as F

from attention import MultiHeadAttention, causal_mask, merge_heads, padding_mask, split_heads, to_torch_key_padding_mask

SHAPES = [(1, 1, 1, 4, 1), (2, 5, 5, 8, 2), (3, 4, 7, 12, 3), (2, 9, 6, 16, 4), (4, 3, 3, 6, 6)]  # B, T_q, T_k, d_model, h


def _pair(d_model, num_heads, seed, bias=True):
    torch.manual_seed(seed)
    theirs = nn.MultiheadAttention(d_model, num_heads, bias=bias, batch_first=True, dtype=torch.float64)
    return MultiHeadAttention.from_torch(theirs), theirs


def _inputs(B, T_q, T_k, d_model, seed):
    g = torch.Generator().manual_seed(seed)
    q = torch.randn(B, T_q, d_model, generator=g, dtype=torch.float64)
    kv = torch.randn(B, T_k, d_model, generator=g, dtype=torch.float64)
    return q, kv


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("bias", [True, False])
def test_equals_torch_multihead_attention_outputs_and_per_head_weights(shape, seed, bias):
    B, T_q, T_k, d_model, h = shape
    ours, theirs = _pair(d_model, h, seed, bias)
    q, kv = _inputs(B, T_q, T_k, d_model, seed)
    out, weights = ours(q, kv, kv)
    ref_out, ref_weights = theirs(q, kv, kv, need_weights=True, average_attn_weights=False)
    assert out.shape == (B, T_q, d_model) and weights.shape == (B, h, T_q, T_k)
    torch.testing.assert_close(out, ref_out, atol=1e-6, rtol=0)
    torch.testing.assert_close(weights, ref_weights, atol=1e-6, rtol=0)
    assert torch.equal(ours.last_weights, weights)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_padding_mask_matches_torch_key_padding_mask_in_the_opposite_sense(seed):
    B, T, d_model, h = 3, 6, 8, 2
    ours, theirs = _pair(d_model, h, seed)
    x, _ = _inputs(B, T, T, d_model, seed)
    lengths = torch.tensor([6, 4, 1])
    may_attend = padding_mask(lengths, T)  # (B, 1, T): True = may attend
    key_padding = to_torch_key_padding_mask(may_attend)  # (B, T): True = ignore (torch's sense)
    assert torch.equal(key_padding, ~may_attend[:, 0, :])
    out, weights = ours(x, mask=may_attend)
    ref_out, ref_weights = theirs(x, x, x, key_padding_mask=key_padding, average_attn_weights=False)
    torch.testing.assert_close(out, ref_out, atol=1e-6, rtol=0)
    torch.testing.assert_close(weights, ref_weights, atol=1e-6, rtol=0)
    assert (weights[1, :, :, 4:] == 0).all() and (weights[2, :, :, 1:] == 0).all()


@pytest.mark.parametrize("seed", [0, 3])
def test_causal_mask_matches_torch_attn_mask_in_the_opposite_sense(seed):
    B, T, d_model, h = 2, 7, 12, 3
    ours, theirs = _pair(d_model, h, seed)
    x, _ = _inputs(B, T, T, d_model, seed)
    mask = causal_mask(T, T)  # True = may attend
    out, weights = ours(x, mask=mask)
    ref_out, ref_weights = theirs(x, x, x, attn_mask=~mask, average_attn_weights=False)  # torch: True = blocked
    torch.testing.assert_close(out, ref_out, atol=1e-6, rtol=0)
    torch.testing.assert_close(weights, ref_weights, atol=1e-6, rtol=0)
    assert torch.equal(weights.triu(1), torch.zeros_like(weights))


@pytest.mark.parametrize("seed", [0, 1])
def test_gradients_equal_torch_multihead_attention(seed):
    B, T_q, T_k, d_model, h = 2, 5, 6, 8, 2
    ours, theirs = _pair(d_model, h, seed)
    q, kv = _inputs(B, T_q, T_k, d_model, seed)
    q1, kv1 = q.clone().requires_grad_(), kv.clone().requires_grad_()
    q2, kv2 = q.clone().requires_grad_(), kv.clone().requires_grad_()
    mask = torch.rand(B, T_q, T_k, generator=torch.Generator().manual_seed(seed)) > 0.3
    mask[..., 0] = True  # no fully masked rows: torch's module gives NaN there
    ours(q1, kv1, kv1, mask=mask)[0].square().sum().backward()
    attn_mask = (~mask).repeat_interleave(h, dim=0)  # torch wants (B * h, T_q, T_k), True = blocked
    theirs(q2, kv2, kv2, attn_mask=attn_mask)[0].square().sum().backward()
    torch.testing.assert_close(q1.grad, q2.grad, atol=1e-6, rtol=0)
    torch.testing.assert_close(kv1.grad, kv2.grad, atol=1e-6, rtol=0)
    w_q, w_k, w_v = theirs.in_proj_weight.grad.chunk(3)
    for linear, ref in ((ours.w_q, w_q), (ours.w_k, w_k), (ours.w_v, w_v), (ours.w_o, theirs.out_proj.weight.grad)):
        torch.testing.assert_close(linear.weight.grad, ref, atol=1e-6, rtol=0)


def test_fully_masked_query_rows_give_zero_heads_not_nan():
    ours, _ = _pair(8, 2, 0)
    x, _ = _inputs(2, 4, 4, 8, 0)
    mask = torch.ones(2, 4, 4, dtype=torch.bool)
    mask[0, 2, :] = False  # query 2 of batch 0 may attend to nothing
    out, weights = ours(x, mask=mask)
    assert not torch.isnan(out).any()
    assert (weights[0, :, 2] == 0).all()
    torch.testing.assert_close(out[0, 2], ours.w_o.bias)  # zero heads -> only W_O's bias is left


@pytest.mark.parametrize("mask_kind", ["none", "causal", "padding"])
def test_fast_path_without_weights_gives_the_same_output(mask_kind):
    ours, _ = _pair(12, 3, 1)
    x, _ = _inputs(2, 5, 5, 12, 1)
    mask = {"none": None, "causal": causal_mask(5, 5), "padding": padding_mask(torch.tensor([5, 3]), 5)}[mask_kind]
    slow, weights = ours(x, mask=mask)
    fast, no_weights = ours(x, mask=mask, need_weights=False)
    assert no_weights is None and weights is not None
    torch.testing.assert_close(fast, slow, atol=1e-10, rtol=0)


def test_self_attention_is_permutation_equivariant():
    ours, _ = _pair(8, 2, 4)
    x, _ = _inputs(1, 6, 6, 8, 4)
    perm = torch.tensor([3, 0, 5, 1, 4, 2])
    out, weights = ours(x)
    out_p, weights_p = ours(x[:, perm])
    torch.testing.assert_close(out_p, out[:, perm], atol=1e-10, rtol=0)
    torch.testing.assert_close(weights_p, weights[:, :, perm][:, :, :, perm], atol=1e-10, rtol=0)


def test_split_and_merge_heads_are_inverse_and_match_a_loop_over_heads():
    x = torch.arange(2 * 3 * 12, dtype=torch.float64).reshape(2, 3, 12)
    heads = split_heads(x, 4)  # (2, 4, 3, 3)
    assert heads.shape == (2, 4, 3, 3)
    for i in range(4):
        assert torch.equal(heads[:, i], x[..., 3 * i : 3 * (i + 1)])
    assert torch.equal(merge_heads(heads), x)


def test_parameter_count_is_four_d_squared_plus_four_d():
    for d, h in ((8, 2), (768, 12)):
        ours = MultiHeadAttention(d, h)
        theirs = nn.MultiheadAttention(d, h)
        n = sum(p.numel() for p in ours.parameters())
        assert n == 4 * d * d + 4 * d == sum(p.numel() for p in theirs.parameters())


def test_dropout_only_while_training():
    torch.manual_seed(0)
    ours = MultiHeadAttention(8, 2, dropout=0.5).double()
    x, _ = _inputs(2, 5, 5, 8, 0)
    ours.eval()
    a, _ = ours(x)
    b, _ = ours(x)
    assert torch.equal(a, b)
    ours.train()
    c, _ = ours(x)
    assert not torch.allclose(a, c)


@pytest.mark.parametrize(
    "make_call, message",
    [
        (lambda m, x: m(x[0]), r"query must have shape \(B, T, d_model=8\), got \(4, 8\)"),
        (lambda m, x: m(x[..., :6]), r"query must have shape \(B, T, d_model=8\)"),
        (lambda m, x: m(x, x[:1], x[:1]), r"batch size B: query \(2, 4, 8\), key \(1, 4, 8\)"),
        (lambda m, x: m(x, x, x[:, :3]), r"same length T_k: key \(2, 4, 8\), value \(2, 3, 8\)"),
        (lambda m, x: m(x.long()), r"query"),
        (lambda m, x: m(x, mask=torch.ones(4, 4)), r"mask must be boolean"),
        (lambda m, x: m(x, mask=torch.ones(3, 3, dtype=torch.bool)), r"does not broadcast to the scores shape"),
        (lambda m, x: m(x, mask=torch.ones(4, dtype=torch.bool)), r"mask must have shape"),
    ],
)
def test_bad_inputs_raise_value_errors_naming_arguments_and_shapes(make_call, message):
    ours = MultiHeadAttention(8, 2).double()
    x, _ = _inputs(2, 4, 4, 8, 0)
    with pytest.raises(ValueError, match=message):
        make_call(ours, x)


def test_bad_construction_and_from_torch_errors():
    with pytest.raises(ValueError, match="num_heads=3 does not divide d_model=8"):
        MultiHeadAttention(8, 3)
    with pytest.raises(ValueError, match="d_model must be a positive int"):
        MultiHeadAttention(0, 1)
    with pytest.raises(ValueError, match="nn.MultiheadAttention"):
        MultiHeadAttention.from_torch(nn.Linear(4, 4))
    with pytest.raises(ValueError, match="num_heads=5 does not divide d_model=12"):
        split_heads(torch.zeros(1, 2, 12), 5)
    with pytest.raises(ValueError, match=r"merge_heads|\(B, num_heads, T, d_k\)"):
        merge_heads(torch.zeros(2, 3, 4))


def test_sdpa_oracle_agrees_with_our_heads():
    """The fast path is F.scaled_dot_product_attention on the same projections: check it directly too."""
    ours, _ = _pair(8, 2, 5)
    x, _ = _inputs(2, 4, 4, 8, 5)
    q, k, v = (split_heads(w(x), 2) for w in (ours.w_q, ours.w_k, ours.w_v))
    ref = ours.w_o(merge_heads(F.scaled_dot_product_attention(q, k, v)))
    torch.testing.assert_close(ours(x)[0], ref, atol=1e-10, rtol=0)
