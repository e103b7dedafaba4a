"""Attention rollout against a direct loop, with its edge cases and clear errors."""

import pytest
import torch

from attention import attention_rollout


def reference(attentions, residual):
    L, _, T, _ = attentions.shape
    rolled, out = torch.eye(T, dtype=attentions.dtype), []
    for layer in range(L):
        a = attentions[layer].mean(0)
        a = residual * torch.eye(T, dtype=attentions.dtype) + (1 - residual) * a
        a = a / a.sum(-1, keepdim=True)
        new = torch.zeros(T, T, dtype=attentions.dtype)
        for i in range(T):
            for j in range(T):
                new[i, j] = sum(a[i, k] * rolled[k, j] for k in range(T))
        rolled = new
        out.append(rolled)
    return torch.stack(out)


def random_attentions(seed, L=3, h=4, T=5, dtype=torch.float64):
    g = torch.Generator().manual_seed(seed)
    return torch.softmax(torch.randn(L, h, T, T, generator=g, dtype=dtype), dim=-1)


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("residual", [0.0, 0.5, 0.9])
def test_matches_a_loop(seed, residual):
    attentions = random_attentions(seed, L=1 + seed, h=1 + seed % 3, T=3 + seed)
    rolled = attention_rollout(attentions, residual=residual)
    torch.testing.assert_close(rolled, reference(attentions, residual))
    torch.testing.assert_close(rolled.sum(-1), torch.ones(rolled.shape[:2], dtype=torch.float64))


def test_one_layer_is_half_identity_half_mean_attention():
    attentions = random_attentions(0, L=1)
    expected = 0.5 * torch.eye(5, dtype=torch.float64) + 0.5 * attentions[0].mean(0)
    torch.testing.assert_close(attention_rollout(attentions)[0], expected)


def test_residual_one_is_identity_and_identity_attention_stays_identity():
    attentions = random_attentions(1)
    torch.testing.assert_close(attention_rollout(attentions, residual=1.0), torch.eye(5, dtype=torch.float64).expand(3, 5, 5))
    eye = torch.eye(4).expand(2, 3, 4, 4)
    torch.testing.assert_close(attention_rollout(eye), torch.eye(4).expand(2, 4, 4))


def test_rolls_bottom_to_top():
    # layer 0 copies token 0 everywhere, layer 1 is identity: rollout after layer 1 keeps what layer 0 did
    T = 3
    copy0 = torch.zeros(1, 1, T, T)
    copy0[..., 0] = 1.0
    attentions = torch.cat([copy0, torch.eye(T).expand(1, 1, T, T)])  # (2, 1, T, T)
    rolled = attention_rollout(attentions, residual=0.0)
    torch.testing.assert_close(rolled[-1], copy0[0, 0])


@pytest.mark.parametrize(
    ("attentions", "residual", "match"),
    [
        (torch.rand(2, 3, 4), 0.5, "attentions must have shape"),
        (torch.rand(2, 3, 4, 5), 0.5, "attentions must have shape"),
        ([[1.0]], 0.5, "attentions must have shape"),
        (torch.ones(1, 1, 2, 2, dtype=torch.long), 0.5, "floating point"),
        (torch.rand(0, 1, 2, 2), 0.5, "at least one layer"),
        (torch.rand(1, 1, 2, 2), 1.5, "residual must be a number in"),
        (torch.rand(1, 1, 2, 2), True, "residual"),
        (torch.rand(1, 1, 2, 2), "0.5", "residual"),
    ],
)
def test_bad_input(attentions, residual, match):
    with pytest.raises(ValueError, match=match):
        attention_rollout(attentions, residual=residual)
