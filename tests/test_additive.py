"""Additive (Bahdanau) attention against a direct loop over every (query, key) pair; shapes, masks, gradients."""

import math

import pytest
import torch

from attention import AdditiveAttention, additive_attention, additive_scores, dot_scores


def loop_scores(query, key, w_q, w_k, v):
    """The oracle: v . tanh(q W_q + k W_k) for one pair at a time."""
    B, T_q, _ = query.shape
    T_k = key.shape[1]
    out = torch.zeros(B, T_q, T_k, dtype=query.dtype)
    for b in range(B):
        for i in range(T_q):
            for j in range(T_k):
                hidden = [
                    math.tanh(
                        sum(query[b, i, m] * w_q[m, a] for m in range(w_q.shape[0])).item()
                        + sum(key[b, j, m] * w_k[m, a] for m in range(w_k.shape[0])).item()
                    )
                    for a in range(v.shape[0])
                ]
                out[b, i, j] = sum(h * v[a].item() for a, h in enumerate(hidden))
    return out


def loop_attention(query, key, value, w_q, w_k, v, mask):
    scores = loop_scores(query, key, w_q, w_k, v)
    out = torch.zeros(*scores.shape[:2], value.shape[-1], dtype=query.dtype)
    weights = torch.zeros_like(scores)
    for b in range(scores.shape[0]):
        for i in range(scores.shape[1]):
            allowed = [j for j in range(scores.shape[2]) if mask[b, min(i, mask.shape[1] - 1), j]]
            if not allowed:
                continue  # a fully masked row: zero weights, zero output
            top = max(scores[b, i, j].item() for j in allowed)
            e = {j: math.exp(scores[b, i, j].item() - top) for j in allowed}
            total = sum(e.values())
            for j in allowed:
                weights[b, i, j] = e[j] / total
                out[b, i] += weights[b, i, j] * value[b, j]
    return out, weights


def make(seed, B=2, T_q=3, T_k=4, d_q=5, d_k=3, d_a=6, d_v=2, dtype=torch.float64):
    g = torch.Generator().manual_seed(seed)
    return (
        torch.randn(B, T_q, d_q, generator=g, dtype=dtype),
        torch.randn(B, T_k, d_k, generator=g, dtype=dtype),
        torch.randn(B, T_k, d_v, generator=g, dtype=dtype),
        torch.randn(d_q, d_a, generator=g, dtype=dtype),
        torch.randn(d_k, d_a, generator=g, dtype=dtype),
        torch.randn(d_a, generator=g, dtype=dtype),
    )


@pytest.mark.parametrize("seed, sizes", [(0, (2, 3, 4, 5, 3, 6)), (1, (1, 1, 1, 1, 1, 1)), (2, (3, 5, 2, 4, 4, 3))])
def test_scores_equal_the_loop(seed, sizes):
    query, key, _, w_q, w_k, v = make(seed, *sizes)
    got = additive_scores(query, key, w_q, w_k, v)
    assert got.shape == sizes[:2] + (sizes[2],)
    torch.testing.assert_close(got, loop_scores(query, key, w_q, w_k, v), atol=1e-10, rtol=1e-10)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_attention_with_a_mask_and_a_fully_masked_row_equals_the_loop(seed):
    query, key, value, w_q, w_k, v = make(seed, B=2, T_q=3, T_k=4)
    mask = torch.rand(2, 3, 4, generator=torch.Generator().manual_seed(seed)) > 0.4
    mask[0, 1] = False  # a query that may attend to nothing
    out, weights = additive_attention(query, key, value, w_q, w_k, v, mask=mask)
    ref_out, ref_w = loop_attention(query, key, value, w_q, w_k, v, mask)
    torch.testing.assert_close(weights, ref_w, atol=1e-10, rtol=1e-10)
    torch.testing.assert_close(out, ref_out, atol=1e-10, rtol=1e-10)
    assert (weights[0, 1] == 0).all() and (out[0, 1] == 0).all() and not out.isnan().any()
    assert (weights[~mask] == 0).all()


def test_padding_mask_broadcasts_over_queries():
    query, key, value, w_q, w_k, v = make(3, B=2, T_q=3, T_k=4)
    mask = torch.tensor([[[True, True, False, False]], [[True, True, True, True]]])  # (B, 1, T_k)
    out, weights = additive_attention(query, key, value, w_q, w_k, v, mask=mask)
    ref_out, ref_w = loop_attention(query, key, value, w_q, w_k, v, mask)
    torch.testing.assert_close(weights, ref_w)
    torch.testing.assert_close(out, ref_out)
    torch.testing.assert_close(weights.sum(-1), torch.ones(2, 3, dtype=torch.float64))


def test_gradients_match_the_loop_and_gradcheck():
    query, key, value, w_q, w_k, v = make(4, B=1, T_q=2, T_k=3, d_q=2, d_k=3, d_a=2, d_v=2)
    mask = torch.tensor([[[True, True, False], [False, False, False]]])
    inputs = [t.clone().requires_grad_() for t in (query, key, value, w_q, w_k, v)]
    assert torch.autograd.gradcheck(lambda *a: additive_attention(*a, mask=mask)[0], inputs)
    out, _ = additive_attention(*inputs, mask=mask)
    out.sum().backward()
    assert not any(t.grad.isnan().any() for t in inputs)
    assert (inputs[2].grad[0, 2] == 0).all()  # a masked key's value gets no gradient


def test_module_equals_the_function_and_keeps_weights():
    torch.manual_seed(0)
    layer = AdditiveAttention(5, 3, 6)
    query, key, value = torch.randn(2, 4, 5), torch.randn(2, 7, 3), torch.randn(2, 7, 2)
    mask = torch.ones(2, 1, 7, dtype=torch.bool)
    mask[1, :, 5:] = False
    out, weights = layer(query, key, value, mask=mask)
    ref_out, ref_w = additive_attention(query, key, value, *layer.weight_tensors(), mask=mask)
    torch.testing.assert_close(out, ref_out)
    assert out.shape == (2, 4, 2) and weights.shape == (2, 4, 7)
    assert torch.equal(layer.last_weights, weights.detach()) and (weights[1, :, 5:] == 0).all()
    out.sum().backward()
    assert all(p.grad is not None and p.grad.abs().sum() > 0 for p in layer.parameters())


def test_seeded_modules_are_equal():
    torch.manual_seed(7)
    a = AdditiveAttention(4, 4, 3)
    torch.manual_seed(7)
    b = AdditiveAttention(4, 4, 3)
    assert all(torch.equal(p, q) for p, q in zip(a.parameters(), b.parameters()))


def test_dot_scores_equal_the_loop():
    g = torch.Generator().manual_seed(0)
    q, k = torch.randn(2, 3, 4, generator=g, dtype=torch.float64), torch.randn(2, 5, 4, generator=g, dtype=torch.float64)
    ref = torch.tensor(
        [[[sum(q[b, i, m] * k[b, j, m] for m in range(4)) / 2 for j in range(5)] for i in range(3)] for b in range(2)],
        dtype=torch.float64,
    )
    torch.testing.assert_close(dot_scores(q, k), ref)
    torch.testing.assert_close(dot_scores(q, k, scale=1.0), ref * 2)


@pytest.mark.parametrize(
    "args, words",
    [
        (
            (torch.randn(2, 3, 5), torch.randn(2, 4, 3), torch.randn(4, 6), torch.randn(3, 6), torch.randn(6)),
            ["w_q", "(4, 6)", "(2, 3, 5)"],
        ),
        ((torch.randn(2, 3, 5), torch.randn(2, 4, 3), torch.randn(5, 6), torch.randn(3, 6), torch.randn(7)), ["d_a", "(7,)"]),
        ((torch.randn(2, 3, 5), torch.randn(2, 4, 3), torch.randn(5, 6), torch.randn(3, 6), torch.randn(6, 1)), ["v", "(6, 1)"]),
        ((torch.randn(3, 5), torch.randn(2, 4, 3), torch.randn(5, 6), torch.randn(3, 6), torch.randn(6)), []),
        ((torch.randn(5), torch.randn(4, 3), torch.randn(5, 6), torch.randn(3, 6), torch.randn(6)), ["query", "(5,)"]),
        (
            (torch.randn(2, 3, 5).int(), torch.randn(2, 4, 3), torch.randn(5, 6), torch.randn(3, 6), torch.randn(6)),
            ["query", "floating"],
        ),
        (
            (torch.randn(2, 3, 5), torch.randn(3, 4, 3), torch.randn(5, 6), torch.randn(3, 6), torch.randn(6)),
            ["broadcast", "(3, 4, 3)"],
        ),
    ],
)
def test_bad_inputs_name_the_argument_and_shapes(args, words):
    if not words:  # (T_q, d_q) against batched keys broadcasts: no error
        assert additive_scores(*args).shape == (2, 3, 4)
        return
    with pytest.raises(ValueError) as info:
        additive_scores(*args)
    for word in words:
        assert word in str(info.value)


def test_bad_mask_and_value():
    query, key, value, w_q, w_k, v = make(0, dtype=torch.float32)
    with pytest.raises(ValueError, match=r"mask of shape \(2, 3, 5\)"):
        additive_attention(query, key, value, w_q, w_k, v, mask=torch.ones(2, 3, 5, dtype=torch.bool))
    with pytest.raises(ValueError, match="boolean"):
        additive_attention(query, key, value, w_q, w_k, v, mask=torch.ones(2, 3, 4))
    with pytest.raises(ValueError, match=r"value \(2, 5, 2\)"):
        additive_attention(query, key, torch.randn(2, 5, 2), w_q, w_k, v)
    with pytest.raises(ValueError, match=r"query must be \(B, T_q, 4\)"):
        AdditiveAttention(4, 3, 2)(query, key, value)
    with pytest.raises(ValueError, match="d_attn"):
        AdditiveAttention(4, 3, 0)
    with pytest.raises(ValueError, match="scale"):
        dot_scores(query, query, scale="big")
