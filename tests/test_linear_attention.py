"""Tests for attention.linear_attention against its weights written out (float64)."""

import pytest
import torch
from torch.nn import functional as F

from attention import count_flops, elu_feature_map, linear_attention, linear_attention_weights


def by_hand(q, k, v, causal, phi=elu_feature_map):
    """The oracle: w_ij = phi(q_i).phi(k_j) / sum_j (j <= i when causal), one query at a time."""
    out = torch.empty(*q.shape[:-1], v.shape[-1], dtype=q.dtype)
    for i in range(q.shape[-2]):
        last = i + 1 if causal else k.shape[-2]
        sim = (phi(q[..., i : i + 1, :]) * phi(k[..., :last, :])).sum(-1)  # (..., last)
        out[..., i, :] = (sim[..., None] * v[..., :last, :]).sum(-2) / sim.sum(-1, keepdim=True)
    return out


@pytest.mark.parametrize("shape", [(1, 5, 4), (2, 3, 17, 8), (70, 6)])
@pytest.mark.parametrize("causal", [False, True])
@pytest.mark.parametrize("chunk_size", [1, 4, 64])
@pytest.mark.parametrize("seed", [0, 1])
def test_linear_attention_equals_the_weighted_sum(shape, causal, chunk_size, seed):
    g = torch.Generator().manual_seed(seed)
    q, k, v = (torch.randn(shape, generator=g, dtype=torch.float64) for _ in range(3))
    out = linear_attention(q, k, v, causal=causal, chunk_size=chunk_size)
    torch.testing.assert_close(out, by_hand(q, k, v, causal), atol=1e-12, rtol=0)
    weights = linear_attention_weights(q, k, causal=causal)
    torch.testing.assert_close(out, weights @ v, atol=1e-12, rtol=0)
    torch.testing.assert_close(weights.sum(-1), torch.ones(shape[:-1], dtype=torch.float64))
    assert (weights >= 0).all()


def test_cross_attention_lengths_and_custom_feature_map():
    g = torch.Generator().manual_seed(2)
    q = torch.randn(2, 5, 4, generator=g, dtype=torch.float64)
    k, v = torch.randn(2, 9, 4, generator=g, dtype=torch.float64), torch.randn(2, 9, 3, generator=g, dtype=torch.float64)
    square = lambda x: torch.cat([x**2, torch.ones_like(x[..., :1])], dim=-1)  # noqa: E731  5 positive features
    out = linear_attention(q, k, v, feature_map=square)
    torch.testing.assert_close(out, by_hand(q, k, v, False, square), atol=1e-12, rtol=0)


def test_gradients_equal_the_written_out_weights():
    g = torch.Generator().manual_seed(3)
    q, k, v = (torch.randn(2, 12, 4, generator=g, dtype=torch.float64, requires_grad=True) for _ in range(3))
    for causal in (False, True):
        a = torch.autograd.grad(linear_attention(q, k, v, causal=causal, chunk_size=5).sum(), (q, k, v))
        b = torch.autograd.grad((linear_attention_weights(q, k, causal=causal) @ v).sum(), (q, k, v))
        for x, y in zip(a, b):
            torch.testing.assert_close(x, y, atol=1e-12, rtol=0)


def test_work_grows_linearly(one_thread):
    flops = [count_flops(lambda: linear_attention(*(torch.randn(1, T, 16) for _ in range(3)))) for T in (256, 512, 1024)]  # noqa: B023
    assert flops[1] == 2 * flops[0] and flops[2] == 2 * flops[1]
    causal = [count_flops(lambda: linear_attention(*(torch.randn(1, T, 16) for _ in range(3)), causal=True)) for T in (256, 512)]  # noqa: B023
    assert causal[1] == 2 * causal[0]


def test_elu_features_are_positive():
    x = torch.linspace(-30, 30, 101, dtype=torch.float64)
    assert (elu_feature_map(x) > 0).all()
    torch.testing.assert_close(elu_feature_map(x), F.elu(x) + 1)


@pytest.mark.parametrize(
    "call, words",
    [
        (lambda: linear_attention(torch.randn(4, 8), torch.randn(4, 6), torch.randn(4, 8)), "d_k"),
        (lambda: linear_attention(torch.randn(4, 8), torch.randn(5, 8), torch.randn(5, 8), causal=True), "T_q == T_k"),
        (lambda: linear_attention(torch.randn(4, 8), torch.randn(4, 8), torch.randn(4, 8), chunk_size=0), "chunk_size"),
        (lambda: linear_attention(torch.randn(4, 8), torch.randn(4, 8), torch.randn(4, 8), feature_map=3), "feature_map"),
        (
            lambda: linear_attention(torch.randn(4, 8), torch.randn(4, 8), torch.randn(4, 8), feature_map=lambda x: x.sum()),
            "feature_map",
        ),
        (lambda: linear_attention(torch.randn(4, 8), torch.randn(4, 8), torch.ones(4, 8, dtype=torch.int64)), "floating"),
    ],
)
def test_bad_input_names_the_problem(call, words):
    with pytest.raises(ValueError) as error:
        call()
    assert words in str(error.value)
