"""Softmax: stable, temperature, fully masked slices. Mirrors notebooks/01_ordering_food.ipynb."""

import numpy as np
import pytest
import torch

from attention import softmax, softmax_torch


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("shape", [(5,), (3, 4), (2, 3, 6)])
def test_matches_torch_softmax(seed, shape):
    x = np.random.default_rng(seed).normal(size=shape) * 5
    for axis in range(-len(shape), 0):
        expected = torch.softmax(torch.from_numpy(x), dim=axis).numpy()
        np.testing.assert_allclose(softmax(x, axis=axis), expected, atol=1e-12)


def test_stable_for_huge_scores():
    w = softmax(np.array([1000.0, 1001.0, 1002.0]))
    assert np.isfinite(w).all()
    np.testing.assert_allclose(w, softmax(np.array([0.0, 1.0, 2.0])), atol=1e-12)


def test_temperature_sharpens_and_flattens():
    scores = np.array([2.0, 1.0, 0.5, -1.0])
    entropy = [(-(w := softmax(scores, temperature=t)) * np.log(w)).sum() for t in (0.1, 0.5, 1.0, 2.0, 10.0)]
    assert np.all(np.diff(entropy) > 0)  # hotter means flatter
    np.testing.assert_allclose(softmax(scores, temperature=1e-3), [1, 0, 0, 0], atol=1e-12)  # near argmax
    np.testing.assert_allclose(softmax(scores, temperature=1e6), np.full(4, 0.25), atol=1e-5)  # near uniform
    np.testing.assert_allclose(softmax(scores, temperature=2.0), softmax(scores / 2.0), atol=1e-15)


def test_minus_infinity_gets_zero_and_all_masked_row_gives_zeros():
    x = np.array([[0.0, -np.inf, 1.0], [-np.inf, -np.inf, -np.inf]])
    w = softmax(x)
    assert w[0, 1] == 0 and np.isclose(w[0].sum(), 1)
    assert (w[1] == 0).all() and not np.isnan(w).any()
    t = softmax_torch(torch.from_numpy(x))
    np.testing.assert_allclose(t.numpy(), w, atol=1e-12)


def test_integer_input_is_accepted():
    np.testing.assert_allclose(softmax([1, 2, 3]), softmax(np.array([1.0, 2.0, 3.0])))


@pytest.mark.parametrize("bad", [0.0, -1.0])
def test_bad_temperature_raises(bad):
    with pytest.raises(ValueError, match="temperature must be > 0"):
        softmax(np.ones(3), temperature=bad)
    with pytest.raises(ValueError, match="temperature must be > 0"):
        softmax_torch(torch.ones(3), temperature=bad)


def test_scalar_and_non_numeric_raise():
    with pytest.raises(ValueError, match="at least 1 dimension"):
        softmax(np.float64(3.0))
    with pytest.raises(ValueError, match="floating-point"):
        softmax(np.array(["a", "b"]))
