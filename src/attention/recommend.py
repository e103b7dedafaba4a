"""Recommendation as attention: a diner's past orders become a query that attends over the whole menu.

Taught in notebooks/11_attention_everywhere.ipynb. Two attention steps, both
with :func:`scaled_dot_product_attention_np`:

1. attention pooling over the order history: a context ("what I feel like
   today", by default the average of my past orders) attends over my past
   orders, giving one taste query;
2. that query attends over every dish on the menu (keys = values = the dishes'
   flavour vectors); the attention weights rank the dishes.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ._checks import check_float_arrays, check_temperature, shape_of
from .scaled_dot_product import _attention_np


@dataclass(frozen=True)
class Recommendation:
    """What :func:`recommend` found for one diner."""

    ranking: np.ndarray  # (n_dishes,) dish indices, best first; excluded dishes come last
    scores: np.ndarray  # (n_dishes,) query . key / sqrt(d) for every dish (before any exclusion)
    weights: np.ndarray  # (n_dishes,) attention over the menu, sums to 1; 0 for excluded dishes
    query: np.ndarray  # (d,) the diner's taste query, pooled from the history
    history_weights: np.ndarray  # (T_h,) how much each past order contributed to the query
    taste: np.ndarray  # (d,) attention output: the weighted average flavour of the menu

    def top(self, k: int) -> np.ndarray:
        """The ``k`` best dish indices."""
        return self.ranking[:k]


def _check_features(features) -> np.ndarray:
    check_float_arrays(features=features)
    if features.ndim != 2 or features.shape[0] < 1 or features.shape[1] < 1:
        raise ValueError(f"features must have shape (n_dishes, d), got {shape_of(features)} (n_dishes and d must be >= 1)")
    bad = ~np.isfinite(features)
    if bad.any():
        dish, column = (int(i) for i in np.argwhere(bad)[0])
        raise ValueError(
            f"features must be finite numbers: row {dish} (dish {dish}), column {column} is {features[dish, column]} "
            f"({int(bad.sum())} such entries in features {shape_of(features)})"
        )
    return features


def _check_history(history, n_dishes: int) -> np.ndarray:
    history = np.asarray(history)
    if history.ndim != 1 or history.shape[0] < 1 or not np.issubdtype(history.dtype, np.integer):
        raise ValueError(
            f"history must be a non-empty 1-D sequence of dish indices, got dtype {history.dtype} shape {history.shape}"
        )
    if history.min() < 0 or history.max() >= n_dishes:
        raise ValueError(
            f"history has dish indices outside 0..{n_dishes - 1} (features has {n_dishes} dishes): {history.tolist()}"
        )
    return history


def _check_context(context, features: np.ndarray) -> np.ndarray:
    try:
        context = np.asarray(context, dtype=features.dtype)
    except (TypeError, ValueError):
        raise ValueError(f"context must be a vector of {features.shape[1]} numbers, got {context!r}") from None
    d = features.shape[1]
    if context.shape != (d,):
        raise ValueError(f"context must have shape (d,) = ({d},) to match features {shape_of(features)}, got {context.shape}")
    if not np.isfinite(context).all():
        raise ValueError(f"context must be finite numbers, got {context}")
    return context


def centre_features(features: np.ndarray) -> np.ndarray:
    """Subtract the menu's average flavour: keys say how a dish differs from a typical dish.

    Taught in notebooks/11_attention_everywhere.ipynb. Without this, dishes that are
    strong in every flavour win every dot product.
    """
    return _centre(_check_features(features))


def _centre(features: np.ndarray) -> np.ndarray:
    return features - features.mean(axis=0, keepdims=True)  # (n, d) - (1, d) -> (n, d)


def taste_query(
    features: np.ndarray, history, context: np.ndarray | None = None, temperature: float = 1.0
) -> tuple[np.ndarray, np.ndarray]:
    """Attention-pool a diner's past orders into one taste query; return ``(query (d,), weights (T_h,))``.

    Taught in notebooks/11_attention_everywhere.ipynb. ``context`` (d,) is what
    the diner feels like today; by default it is the average of the past
    orders, so typical orders count more than one-off ones.
    """
    features = _check_features(features)
    history = _check_history(history, features.shape[0])
    context = None if context is None else _check_context(context, features)
    check_temperature(temperature)
    return _taste_query(features, history, context, temperature)


def _taste_query(features, history, context, temperature):
    """The unchecked core of :func:`taste_query`."""
    past = features[history]  # (T_h, d): keys and values are the past orders
    context = past.mean(axis=0) if context is None else context  # (d,)
    scale = 1.0 / (math.sqrt(features.shape[1]) * temperature)
    out, w = _attention_np(context[None], past, past, scale=scale)  # (1, d), (1, T_h)
    return out[0], w[0]


def score_menu(query: np.ndarray, features: np.ndarray) -> np.ndarray:
    """Scaled dot-product score of every dish against the query: ``features @ query / sqrt(d)`` -> (n_dishes,).

    Taught in notebooks/11_attention_everywhere.ipynb.
    """
    features = _check_features(features)
    query = np.asarray(query)
    if query.shape != (features.shape[1],):
        raise ValueError(
            f"query must have shape (d,) = ({features.shape[1]},) to match features {shape_of(features)}, got {query.shape}"
        )
    return _score_menu(query, features)


def _score_menu(query: np.ndarray, features: np.ndarray) -> np.ndarray:
    return features @ query / math.sqrt(features.shape[1])  # (n, d) @ (d,) -> (n,)


def recommend(
    features: np.ndarray,
    history,
    context: np.ndarray | None = None,
    exclude_history: bool = True,
    temperature: float = 1.0,
    centre: bool = True,
) -> Recommendation:
    """Rank the whole menu for a diner with past orders ``history`` (dish indices).

    Taught in notebooks/11_attention_everywhere.ipynb. ``features`` is
    ``(n_dishes, d)`` (e.g. ``load_menu().features``); with ``centre=True`` the
    keys are :func:`centre_features`. ``exclude_history`` masks the dishes
    already ordered (a boolean mask, True = may attend), so they get weight 0
    and come last in the ranking. ``temperature`` sharpens (< 1) or flattens (> 1)
    both softmaxes.
    """
    features = _check_features(features)
    n, d = features.shape
    history = _check_history(history, n)
    context = None if context is None else _check_context(context, features)
    check_temperature(temperature)
    allowed = np.ones(n, dtype=bool)
    if exclude_history:
        allowed[history] = False
    if not allowed.any():
        raise ValueError(f"every one of the {n} dishes is in the history, so none is left to recommend")
    if context is not None and centre:
        context = context - features.mean(axis=0)  # same coordinates as the keys
    keys = _centre(features) if centre else features  # (n, d)
    query, history_weights = _taste_query(keys, history, context, temperature)  # (d,), (T_h,)
    scores = _score_menu(query, keys)  # (n,)
    scale = 1.0 / (math.sqrt(d) * temperature)
    # one query row attends over every dish: (1, d) x (n, d) -> weights (1, n), taste (1, d)
    taste, weights = _attention_np(query[None], keys, features, mask=allowed[None], scale=scale)
    ranked_scores = np.where(allowed, scores, -np.inf)  # (n,)
    ranking = np.argsort(-ranked_scores, kind="stable")  # best first; ties keep menu order
    return Recommendation(ranking, scores, weights[0], query, history_weights, taste[0])
