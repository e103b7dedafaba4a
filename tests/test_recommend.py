"""Tests for recommendation as attention (notebooks/11_attention_everywhere.ipynb)."""

import numpy as np
import pytest
import torch

from attention.recommend import centre_features, recommend, score_menu, taste_query


@pytest.fixture
def features():
    return np.random.default_rng(0).uniform(0, 1, size=(12, 5))


def _softmax(x):
    z = np.exp(x - x.max())
    return z / z.sum()


def test_taste_query_is_attention_pooling(features):
    history = [1, 4, 4, 7]
    query, w = taste_query(features, history)
    past = features[history]
    expected_w = _softmax(past @ past.mean(0) / np.sqrt(5))
    np.testing.assert_allclose(w, expected_w)
    np.testing.assert_allclose(query, expected_w @ past)
    assert w.shape == (4,) and np.isclose(w.sum(), 1.0)


def test_taste_query_matches_torch_sdpa(features):
    history = [0, 3, 5]
    context = np.array([1.0, 0, 0, 0, 0])
    query, _ = taste_query(features, history, context=context, temperature=0.5)
    past = torch.tensor(features[history])
    oracle = torch.nn.functional.scaled_dot_product_attention(
        torch.tensor(context)[None], past, past, scale=1 / (np.sqrt(5) * 0.5)
    )
    np.testing.assert_allclose(query, oracle[0].numpy(), atol=1e-12)


def test_context_pulls_query_towards_matching_orders(features):
    history = np.arange(12)
    spicy_today = np.array([3.0, 0, 0, 0, 0])
    _, w = taste_query(centre_features(features), history, context=spicy_today)
    assert int(w.argmax()) == int(features[:, 0].argmax())  # the spiciest past order counts most


def test_recommend_weights_ranking_and_exclusion(features):
    history = [2, 5]
    rec = recommend(features, history, temperature=0.7)
    keys = features - features.mean(0)
    np.testing.assert_allclose(rec.scores, score_menu(rec.query, keys))
    assert rec.weights.shape == (12,) and np.isclose(rec.weights.sum(), 1.0)
    assert np.all(rec.weights[history] == 0.0)
    allowed = np.setdiff1d(np.arange(12), history)
    expected = np.zeros(12)
    expected[allowed] = _softmax(rec.scores[allowed] / 0.7)
    np.testing.assert_allclose(rec.weights, expected)
    np.testing.assert_allclose(rec.taste, rec.weights @ features)  # values are the (uncentred) flavours
    assert set(rec.ranking[-2:].tolist()) == set(history)
    assert np.all(np.diff(rec.weights[rec.ranking[:10]]) <= 0)  # best first
    assert sorted(rec.ranking.tolist()) == list(range(12))
    assert rec.top(3).tolist() == rec.ranking[:3].tolist()


def test_recommend_keeps_history_when_asked(features):
    rec = recommend(features, [2, 5], exclude_history=False)
    assert np.all(rec.weights > 0)
    assert rec.ranking[0] == int(rec.scores.argmax())


def test_spicy_diner_gets_spicy_dishes():
    # columns: spicy, salty, sweet, sour, umami
    menu = np.array(
        [
            [0.9, 0.5, 0.1, 0.1, 0.6],
            [0.8, 0.6, 0.2, 0.3, 0.5],
            [0.7, 0.4, 0.1, 0.2, 0.7],
            [0.0, 0.2, 0.9, 0.1, 0.0],
            [0.1, 0.3, 0.8, 0.4, 0.1],
            [0.0, 0.5, 0.3, 0.9, 0.2],
            [0.95, 0.5, 0.0, 0.2, 0.6],
        ]
    )
    rec = recommend(menu, [0, 1])
    assert rec.top(2).tolist() == [6, 2]


def test_menu_permutation_moves_ranking_with_it(features):
    perm = np.random.default_rng(1).permutation(12)
    inv = np.argsort(perm)
    rec = recommend(features, [3, 8])
    rec_p = recommend(features[perm], inv[[3, 8]])
    np.testing.assert_allclose(rec_p.weights, rec.weights[perm])
    assert perm[rec_p.ranking[:10]].tolist() == rec.ranking[:10].tolist()  # the 2 excluded dishes keep menu order


def test_deterministic(features):
    a, b = recommend(features, [1, 2, 3]), recommend(features, [1, 2, 3])
    assert np.array_equal(a.ranking, b.ranking) and np.array_equal(a.weights, b.weights)


def test_bad_inputs(features):
    with pytest.raises(ValueError, match=r"features must have shape \(n_dishes, d\), got \(12,\)"):
        recommend(features[:, 0], [1])
    with pytest.raises(ValueError, match="features must be a floating-point array, got dtype int64"):
        recommend(np.ones((3, 5), dtype=np.int64), [1])
    with pytest.raises(ValueError, match=r"outside 0..11 \(features has 12 dishes\)"):
        recommend(features, [3, 12])
    with pytest.raises(ValueError, match="non-empty 1-D sequence of dish indices"):
        recommend(features, [])
    with pytest.raises(ValueError, match="non-empty 1-D sequence of dish indices, got dtype float64"):
        recommend(features, [1.0, 2.0])
    with pytest.raises(ValueError, match=r"context must have shape \(d,\) = \(5,\) to match features \(12, 5\), got \(3,\)"):
        recommend(features, [1], context=np.ones(3))
    with pytest.raises(ValueError, match=r"query must have shape \(d,\) = \(5,\) to match features \(12, 5\), got \(4,\)"):
        score_menu(np.ones(4), features)
    with pytest.raises(ValueError, match="temperature must be > 0"):
        taste_query(features, [1], temperature=0.0)
    with pytest.raises(ValueError, match="every one of the 2 dishes is in the history"):
        recommend(features[:2], [0, 1])
