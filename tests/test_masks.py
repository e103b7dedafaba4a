"""Boolean masks, True = may attend. Mirrors notebooks/02_scaled_dot_product.ipynb."""

import pytest
import torch

from attention import causal_mask, padding_mask, to_torch_key_padding_mask


def test_causal_mask_is_lower_triangular():
    m = causal_mask(4)
    assert m.dtype == torch.bool and m.shape == (4, 4)
    assert torch.equal(m, torch.tensor([[1, 0, 0, 0], [1, 1, 0, 0], [1, 1, 1, 0], [1, 1, 1, 1]], dtype=torch.bool))


def test_causal_mask_with_longer_keys_aligns_bottom_right():
    m = causal_mask(2, 5)  # the last 2 of 5 positions are queries
    assert torch.equal(m, torch.tensor([[1, 1, 1, 1, 0], [1, 1, 1, 1, 1]], dtype=torch.bool))


def test_padding_mask_shape_and_values():
    m = padding_mask([3, 1, 0], 4)
    assert m.shape == (3, 1, 4)
    assert torch.equal(m[:, 0], torch.tensor([[1, 1, 1, 0], [1, 0, 0, 0], [0, 0, 0, 0]], dtype=torch.bool))


def test_to_torch_key_padding_mask_inverts_sense():
    ours = padding_mask([2, 3], 3)
    theirs = to_torch_key_padding_mask(ours)
    assert theirs.shape == (2, 3)
    assert torch.equal(theirs, torch.tensor([[False, False, True], [False, False, False]]))
    assert torch.equal(to_torch_key_padding_mask(ours[:, 0]), theirs)


@pytest.mark.parametrize(
    "call, match",
    [
        (lambda: causal_mask(0), "T_q must be a positive int"),
        (lambda: causal_mask(True), "T_q must be a positive int, got True"),
        (lambda: causal_mask(3, 2), "T_k >= T_q"),
        (lambda: padding_mask([[1, 2]], 3), r"lengths must be 1-D.*\(1, 2\)"),
        (lambda: padding_mask([4], 3), "every length must be in 0..T=3"),
        (lambda: padding_mask([1.5], 3), "integers"),
        (lambda: to_torch_key_padding_mask(torch.ones(2, 3)), "boolean"),
        (lambda: to_torch_key_padding_mask(torch.ones(2, 3, 4, dtype=torch.bool)), r"\(2, 3, 4\)"),
    ],
)
def test_bad_inputs_raise(call, match):
    with pytest.raises(ValueError, match=match):
        call()
