"""Scaled dot-product attention against torch's own, plus its properties and errors.

Mirrors the checkpoints of notebooks/02_scaled_dot_product.ipynb.
"""

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import given, settings
from hypothesis import strategies as st

from attention import (
    causal_mask,
    padding_mask,
    scaled_dot_product_attention,
    scaled_dot_product_attention_np,
)

SHAPES = [  # (batch dims, T_q, T_k, d_k, d_v)
    ((), 1, 1, 1, 1),
    ((), 4, 6, 8, 3),
    ((2,), 5, 5, 16, 16),
    ((2, 3), 7, 4, 8, 5),
    ((3, 1), 2, 9, 4, 4),
]


def make_qkv(batch, T_q, T_k, d_k, d_v, seed, dtype=torch.float64):
    g = torch.Generator().manual_seed(seed)
    q = torch.randn(*batch, T_q, d_k, generator=g, dtype=dtype)
    k = torch.randn(*batch, T_k, d_k, generator=g, dtype=dtype)
    v = torch.randn(*batch, T_k, d_v, generator=g, dtype=dtype)
    return q, k, v


def random_mask(shape, seed, p=0.3):
    g = torch.Generator().manual_seed(seed + 1000)
    return torch.rand(shape, generator=g) > p


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_matches_torch_sdpa_without_mask(shape, seed):
    q, k, v = make_qkv(*shape, seed)
    out, weights = scaled_dot_product_attention(q, k, v)
    expected = F.scaled_dot_product_attention(q, k, v)
    torch.testing.assert_close(out, expected, atol=1e-6, rtol=0)
    assert weights.shape == (*shape[0], shape[1], shape[2])
    torch.testing.assert_close(weights.sum(-1), torch.ones_like(weights.sum(-1)), atol=1e-12, rtol=0)


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_matches_torch_sdpa_with_random_mask_including_fully_masked_rows(shape, seed):
    batch, T_q, T_k = shape[0], shape[1], shape[2]
    q, k, v = make_qkv(*shape, seed)
    mask = random_mask((*batch, T_q, T_k), seed)
    mask[..., 0, :] = False  # the first query sees nothing at all
    out, weights = scaled_dot_product_attention(q, k, v, mask=mask)
    expected = F.scaled_dot_product_attention(q, k, v, attn_mask=mask)
    assert not torch.isnan(out).any()
    torch.testing.assert_close(out, expected, atol=1e-6, rtol=0)
    assert (weights[~mask.expand_as(weights)] == 0).all()
    assert (out[..., 0, :] == 0).all() and (weights[..., 0, :] == 0).all()


@pytest.mark.parametrize("T", [1, 3, 8])
def test_causal_mask_matches_torch_is_causal(T):
    q, k, v = make_qkv((2, 2), T, T, 4, 4, seed=T)
    out, weights = scaled_dot_product_attention(q, k, v, mask=causal_mask(T))
    torch.testing.assert_close(out, F.scaled_dot_product_attention(q, k, v, is_causal=True), atol=1e-6, rtol=0)
    assert (weights.triu(diagonal=1) == 0).all()


def test_padding_mask_matches_torch_and_padded_values_do_not_matter():
    q, k, v = make_qkv((3,), 4, 6, 8, 5, seed=7)
    mask = padding_mask([6, 2, 4], 6)  # (3, 1, 6)
    out, _ = scaled_dot_product_attention(q, k, v, mask=mask)
    torch.testing.assert_close(out, F.scaled_dot_product_attention(q, k, v, attn_mask=mask), atol=1e-6, rtol=0)
    v2, k2 = v.clone(), k.clone()
    v2[1, 2:] = 1e6  # change padded keys and values of sequence 1
    k2[1, 2:] = -1e3
    out2, _ = scaled_dot_product_attention(q, k2, v2, mask=mask)
    torch.testing.assert_close(out2, out, atol=1e-9, rtol=0)


@pytest.mark.parametrize("seed", [0, 1])
@pytest.mark.parametrize("use_mask", [False, True])
def test_gradients_match_torch(seed, use_mask):
    q, k, v = make_qkv((2,), 5, 6, 4, 3, seed)
    mask = random_mask((2, 5, 6), seed) if use_mask else None
    if mask is not None:
        mask[:, :, 0] = True  # torch's gradient is NaN-free only where every row sees a key
    ours = [t.clone().requires_grad_() for t in (q, k, v)]
    theirs = [t.clone().requires_grad_() for t in (q, k, v)]
    target = torch.randn(2, 5, 3, dtype=torch.float64, generator=torch.Generator().manual_seed(seed))
    (scaled_dot_product_attention(*ours, mask=mask)[0] * target).sum().backward()
    (F.scaled_dot_product_attention(*theirs, attn_mask=mask) * target).sum().backward()
    for a, b in zip(ours, theirs):
        torch.testing.assert_close(a.grad, b.grad, atol=1e-6, rtol=0)


def test_gradients_of_fully_masked_row_are_zero_not_nan():
    q, k, v = (t.requires_grad_() for t in make_qkv((), 3, 4, 2, 2, seed=3))
    mask = torch.ones(3, 4, dtype=torch.bool)
    mask[1] = False
    out, _ = scaled_dot_product_attention(q, k, v, mask=mask)
    out.sum().backward()
    for t in (q, k, v):
        assert torch.isfinite(t.grad).all()
    assert (q.grad[1] == 0).all()


def test_gradcheck():
    q, k, v = (t.requires_grad_() for t in make_qkv((2,), 3, 4, 2, 3, seed=5))
    mask = random_mask((2, 3, 4), 5)
    assert torch.autograd.gradcheck(lambda a, b, c: scaled_dot_product_attention(a, b, c, mask=mask)[0], (q, k, v))


@pytest.mark.parametrize("shape", SHAPES)
def test_numpy_version_equals_torch_version(shape):
    q, k, v = make_qkv(*shape, seed=11)
    mask = random_mask((*shape[0], shape[1], shape[2]), 11)
    out_t, w_t = scaled_dot_product_attention(q, k, v, mask=mask)
    out_n, w_n = scaled_dot_product_attention_np(q.numpy(), k.numpy(), v.numpy(), mask=mask.numpy())
    np.testing.assert_allclose(out_n, out_t.numpy(), atol=1e-12)
    np.testing.assert_allclose(w_n, w_t.numpy(), atol=1e-12)


def test_float32_close_to_float64():
    q, k, v = make_qkv((2,), 6, 6, 32, 8, seed=4)
    out64, _ = scaled_dot_product_attention(q, k, v)
    out32, _ = scaled_dot_product_attention(q.float(), k.float(), v.float())
    assert out32.dtype == torch.float32
    torch.testing.assert_close(out32.double(), out64, atol=1e-5, rtol=0)


def test_explicit_scale_and_dropout_in_training():
    q, k, v = make_qkv((), 4, 4, 9, 2, seed=8)
    out, _ = scaled_dot_product_attention(q, k, v, scale=0.5)
    torch.testing.assert_close(out, F.scaled_dot_product_attention(q, k, v, scale=0.5), atol=1e-6, rtol=0)
    torch.manual_seed(0)
    _, dropped = scaled_dot_product_attention(q, k, v, dropout_p=0.5)
    assert (dropped == 0).any()  # some weights were dropped, the rest rescaled by 1 / (1 - p)
    assert dropped.max() > 1.0 / 4


@settings(max_examples=40, deadline=None)
@given(
    T_q=st.integers(1, 6),
    T_k=st.integers(1, 6),
    d=st.integers(1, 8),
    seed=st.integers(0, 10_000),
)
def test_rows_sum_to_one_and_output_is_convex_combination(T_q, T_k, d, seed):
    q, k, v = make_qkv((2,), T_q, T_k, d, d, seed)
    out, weights = scaled_dot_product_attention(q, k, v)
    assert (weights >= 0).all()
    torch.testing.assert_close(weights.sum(-1), torch.ones(2, T_q, dtype=torch.float64), atol=1e-12, rtol=0)
    lo, hi = v.min(dim=-2, keepdim=True).values, v.max(dim=-2, keepdim=True).values
    assert ((out >= lo - 1e-12) & (out <= hi + 1e-12)).all()


@settings(max_examples=30, deadline=None)
@given(T=st.integers(2, 7), seed=st.integers(0, 10_000))
def test_self_attention_is_permutation_equivariant(T, seed):
    (x,) = make_qkv((), T, T, 4, 4, seed)[:1]
    perm = torch.randperm(T, generator=torch.Generator().manual_seed(seed))
    out, weights = scaled_dot_product_attention(x, x, x)
    out_p, weights_p = scaled_dot_product_attention(x[perm], x[perm], x[perm])
    torch.testing.assert_close(out_p, out[perm], atol=1e-12, rtol=0)
    torch.testing.assert_close(weights_p, weights[perm][:, perm], atol=1e-12, rtol=0)


@settings(max_examples=30, deadline=None)
@given(T_k=st.integers(2, 8), seed=st.integers(0, 10_000))
def test_masked_keys_values_do_not_affect_output(T_k, seed):
    q, k, v = make_qkv((), 3, T_k, 4, 4, seed)
    mask = random_mask((3, T_k), seed)
    out, weights = scaled_dot_product_attention(q, k, v, mask=mask)
    noise = torch.randn(v.shape, dtype=v.dtype, generator=torch.Generator().manual_seed(seed))
    masked_for_all_queries = ~mask.any(0)  # (T_k,)
    v_changed = torch.where(masked_for_all_queries[:, None], v + 100 * noise, v)  # change only those keys' values
    out2, _ = scaled_dot_product_attention(q, k, v_changed, mask=mask)
    torch.testing.assert_close(out2, out, atol=1e-9, rtol=0)
    assert (weights[~mask] == 0).all()


# --- bad inputs: a ValueError naming the argument and the shapes, before any computation ---

BAD_INPUTS = [
    ("query and key must have the same last dimension", (4, 8), (5, 7), (5, 3), None),
    ("key and value must have the same number of positions", (4, 8), (5, 8), (6, 3), None),
    ("query must have at least 2 dimensions", (8,), (5, 8), (5, 3), None),
    ("do not broadcast", (2, 4, 8), (3, 5, 8), (3, 5, 3), None),
    (r"mask of shape \(4, 4\) does not broadcast", (4, 8), (5, 8), (5, 3), (4, 4)),
    (r"mask of shape \(2, 4, 5\) does not broadcast", (4, 8), (5, 8), (5, 3), (2, 4, 5)),
]


@pytest.mark.parametrize("match, q_shape, k_shape, v_shape, mask_shape", BAD_INPUTS)
def test_bad_shapes_raise_value_error_naming_shapes(match, q_shape, k_shape, v_shape, mask_shape):
    q, k, v = (torch.zeros(s, dtype=torch.float64) for s in (q_shape, k_shape, v_shape))
    mask = None if mask_shape is None else torch.ones(mask_shape, dtype=torch.bool)
    with pytest.raises(ValueError, match=match):
        scaled_dot_product_attention(q, k, v, mask=mask)
    with pytest.raises(ValueError, match=match):
        scaled_dot_product_attention_np(q.numpy(), k.numpy(), v.numpy(), mask=None if mask is None else mask.numpy())


def test_error_message_names_both_shapes():
    with pytest.raises(ValueError) as info:
        scaled_dot_product_attention(torch.zeros(4, 8), torch.zeros(5, 7), torch.zeros(5, 3))
    assert "(4, 8)" in str(info.value) and "(5, 7)" in str(info.value)


def test_wrong_dtypes_raise():
    x = torch.zeros(3, 4)
    with pytest.raises(ValueError, match="mask must be boolean"):
        scaled_dot_product_attention(x, x, x, mask=torch.ones(3, 3))
    with pytest.raises(ValueError, match="query must be a floating-point tensor"):
        scaled_dot_product_attention(torch.zeros(3, 4, dtype=torch.long), x, x)
    with pytest.raises(ValueError, match="share one dtype"):
        scaled_dot_product_attention(x, x.double(), x)
    with pytest.raises(ValueError, match="must be a torch.Tensor"):
        scaled_dot_product_attention(x.numpy(), x, x)
    with pytest.raises(ValueError, match="numpy.ndarray"):
        scaled_dot_product_attention_np(x, x.numpy(), x.numpy())
    with pytest.raises(ValueError, match="dropout_p"):
        scaled_dot_product_attention(x, x, x, dropout_p=1.0)


def test_mask_of_the_wrong_kind_raises_value_error():
    x = torch.zeros(3, 4)
    with pytest.raises(ValueError, match=r"mask must be a torch.Tensor for torch inputs, got ndarray with shape \(3, 3\)"):
        scaled_dot_product_attention(x, x, x, mask=np.ones((3, 3), dtype=bool))
    with pytest.raises(ValueError, match="mask must be a boolean array or tensor .* got list"):
        scaled_dot_product_attention(x, x, x, mask=[[True] * 3] * 3)
    with pytest.raises(ValueError, match="mask must be a boolean array or tensor .* got list"):
        scaled_dot_product_attention_np(x.numpy(), x.numpy(), x.numpy(), mask=[[True] * 3] * 3)
    # the NumPy version accepts the library's torch masks (as made by causal_mask) directly
    out, weights = scaled_dot_product_attention_np(x.numpy(), x.numpy(), x.numpy(), mask=causal_mask(3))
    assert np.all(weights[np.triu_indices(3, 1)] == 0) and np.allclose(weights.sum(-1), 1.0)
