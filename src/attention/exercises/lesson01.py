"""Checkers for notebooks/01_ordering_food.ipynb: score the menu, softmax with a temperature, a soft lookup.

Taught in notebooks/01_ordering_food.ipynb. Each checker tries fixed cases first (so a typical mistake gets the
same message every time), then fresh random ones with random sizes (so only a general answer passes).
"""

from __future__ import annotations

import numpy as np

from ..softmax import softmax
from ._core import Wrong, as_array, checker, expect_callable, expect_close, expect_shape, fresh_rng, is_close, pick
from ._run import Shortcut, call

_SOFTMAX = Shortcut("attention", "softmax", "the library's softmax")
_LOOKUP = Shortcut("attention", "scaled_dot_product_attention_np", "the library's scaled_dot_product_attention_np")


def _case(rng: np.random.Generator, n: int, d: int, d_v: int):
    query = rng.uniform(-1, 1, size=d)
    keys = rng.uniform(0, 1, size=(n, d))
    values = rng.uniform(0, 1, size=(n, d_v))
    return query, keys, values


def _sizes(fixed, count: int = 2, low: int = 2, high: int = 9):
    """The fixed (seed, sizes...) cases, then ``count`` fresh ones with random sizes."""
    yield from ((np.random.default_rng(seed), *sizes) for seed, *sizes in fixed)
    rng = fresh_rng()
    width = len(fixed[0]) - 1
    for _ in range(count):
        yield (rng, *(pick(rng, low, high, avoid={f[j + 1] for f in fixed}) for j in range(width)))


@checker("score every dish")
def check_scores(scores) -> str:
    """Check ``scores(query (d,), features (n, d)) -> (n,)``: one dot product per dish."""
    expect_callable(scores, "scores")
    for rng, n, d in _sizes(((1, 7, 5), (2, 4, 3))):
        query, features, _ = _case(rng, n, d, 1)
        what = f"scores(query {query.shape}, features {features.shape})"
        got = as_array(call(scores, query.copy(), features.copy(), what=what), what)
        expected = features @ query  # (n, d) @ (d,) -> (n,)
        if is_close(got, expected):
            continue
        if got.shape == (n, d) and np.allclose(got, features * query):
            raise Wrong(f"{what} multiplied flavour by flavour but did not add up: sum over the flavours too (features @ query)")
        if got.shape == (d,) and np.allclose(got, (features * query).sum(axis=0)):
            raise Wrong(f"{what} added up over the dishes (axis 0): add up over the flavours, one score per dish")
        if got.shape == () and np.isclose(got, (features * query).sum()):
            raise Wrong(f"{what} added up everything into one number: sum over the flavours only (axis=-1)")
        got = expect_shape(got, (n,), what)
        if np.allclose(got, softmax(expected)):
            raise Wrong("you returned softmax weights: this step only scores the dishes, the softmax comes next")
        if np.allclose(got, expected / np.sqrt(d)):
            raise Wrong(f"you divided by sqrt(d) = sqrt({d}): that comes in lesson 02; here a score is just the dot product")
        expect_close(got, expected, what)
    return "one dot product per dish: the bigger, the better the dish matches my taste."


def _temperature_cases():
    rng = np.random.default_rng(3)
    yield from ((rng.normal(size=6), 1.0), (rng.normal(size=6), 0.5), (rng.normal(size=(3, 4)), 2.0))
    rng = fresh_rng()
    for shape in ((pick(rng, 2, 10, avoid={6}),), (pick(rng, 2, 7, avoid={3}), pick(rng, 2, 7, avoid={4}))):
        yield rng.normal(size=shape) * 2, float(rng.choice([0.25, 0.5, 2.0, 3.0]))


@checker("softmax with a temperature")
def check_softmax_temperature(softmax_t) -> str:
    """Check ``softmax_t(scores (..., n), temperature) -> (..., n)`` along the last axis."""
    expect_callable(softmax_t, "softmax_t")
    for scores, temperature in _temperature_cases():
        what = f"softmax_t(scores {scores.shape}, temperature={temperature})"
        result = call(softmax_t, scores.copy(), temperature, what=what, shortcuts=[_SOFTMAX])
        got = expect_shape(result, scores.shape, what)
        expected = softmax(scores, axis=-1, temperature=temperature)
        if np.isnan(got).any():
            raise Wrong(f"{what} contains NaN")
        if is_close(got, expected):
            continue
        if scores.ndim == 2 and np.allclose(got, softmax(scores, axis=0, temperature=temperature)):
            raise Wrong(f"{what}: your columns sum to 1, not your rows. Take the softmax over the last axis (axis=-1)")
        e = np.exp(scores / temperature)
        if scores.ndim == 2 and np.allclose(got, e / e.sum()):
            raise Wrong(f"{what}: you divided by the sum of ALL entries; divide each row by its own sum (axis=-1, keepdims=True)")
        if not np.allclose(got.sum(axis=-1), 1.0):
            raise Wrong(f"{what}: the weights of a row sum to {got.sum(axis=-1).round(3).tolist()}, they must sum to 1")
        if temperature != 1.0 and np.allclose(got, softmax(scores * temperature, axis=-1)):
            raise Wrong(f"{what}: you multiplied by the temperature; divide the scores by it (a low temperature must sharpen)")
        if temperature != 1.0 and np.allclose(got, softmax(scores, axis=-1)):
            raise Wrong(f"{what}: the temperature made no difference; divide the scores by it before the softmax")
        expect_close(got, expected, what)
    offset = float(fresh_rng().integers(700, 1000))  # exp(700) and more overflow float64
    for big in (np.array([1000.0, 999.0, 990.0]), offset + np.array([[0.0, -1.0, -4.0], [3.0, 0.5, -9.0]])):
        what = "softmax_t([1000, 999, 990])" if big.ndim == 1 else f"softmax_t(scores near {offset:g}, shape (2, 3))"
        with np.errstate(all="ignore"):  # a naive exp(1000) overflows: report it as a message, not a warning
            got = as_array(call(softmax_t, big.copy(), 1.0, what=what, shortcuts=[_SOFTMAX]), what)
        if not np.isfinite(got).all():
            raise Wrong(f"{what} overflows (exp(1000) is inf): subtract the largest score first, it does not change the weights")
        expect_close(got, softmax(big), what)
    return "positive weights summing to 1 along each row; low temperature sharpens, high flattens."


@checker("soft lookup: the meal I end up with")
def check_soft_lookup(soft_lookup) -> str:
    """Check ``soft_lookup(query (d,), keys (n, d), values (n, d_v), temperature) -> meal (d_v,)``."""
    expect_callable(soft_lookup, "soft_lookup")
    temperatures = iter((1.0, 0.5, *fresh_rng().choice([0.25, 0.5, 2.0], size=2)))
    for (rng, n, d, d_v), temperature in zip(_sizes(((4, 6, 5, 3), (5, 5, 4, 2))), temperatures):
        temperature = float(temperature)
        query, keys, values = _case(rng, n, d, d_v)
        what = f"soft_lookup(query {query.shape}, keys {keys.shape}, values {values.shape}, temperature={temperature})"
        result = call(soft_lookup, query.copy(), keys.copy(), values.copy(), temperature, what=what, shortcuts=[_LOOKUP])
        if isinstance(result, tuple):
            raise Wrong(f"{what} returned a tuple of {len(result)}: return only the meal ({d_v},), the weighted sum of values")
        got = as_array(result, what)
        scores = keys @ query  # (n,)
        weights = softmax(scores, temperature=temperature)  # (n,)
        expected = weights @ values  # (d_v,)
        if is_close(got, expected):
            continue
        if got.shape == (n,) and np.allclose(got, weights):
            raise Wrong(f"{what} returned the weights {(n,)}: the meal is the weighted sum of the values, weights @ values")
        if got.shape == (n, d_v) and np.allclose(got, weights[:, None] * values):
            raise Wrong(f"{what} weighted each value but did not add them up: weights @ values sums over the dishes")
        if got.shape == (d,) and np.allclose(got, weights @ keys):
            raise Wrong(f"{what} mixed the keys: the meal is a weighted sum of the VALUES {values.shape}")
        got = expect_shape(got, (d_v,), what)
        if np.allclose(got, scores @ values):
            raise Wrong("you mixed the values with the raw scores: turn the scores into weights with a softmax first")
        if np.allclose(got, expected / n):
            raise Wrong(f"you averaged the weighted values (divided by n = {n}): the weights already sum to 1, just add them up")
        if np.allclose(got, values[int(np.argmax(scores))]):
            raise Wrong("you returned only the best dish's value, a hard lookup: mix ALL the values, weighted by the softmax")
        if temperature != 1.0 and np.allclose(got, softmax(scores * temperature) @ values):
            raise Wrong("you multiplied the scores by the temperature: divide them by it")
        if temperature != 1.0 and np.allclose(got, softmax(scores) @ values):
            raise Wrong("the temperature made no difference: divide the scores by it before the softmax")
        if np.allclose(got, softmax(scores / (np.sqrt(d) * temperature)) @ values):
            raise Wrong(f"you divided by sqrt(d) = sqrt({d}) as well: in this lesson divide by the temperature only")
        expect_close(got, expected, what)
    return "your meal is the softmax-weighted sum of the values: attention with one query."


def _share_cases():
    """The lesson's two dishes at 80/20 first, then fixed cases, then fresh random gaps and shares."""
    yield np.array([1.25, 0.2]), 0.8
    yield np.array([2.0, 1.0]), 0.9
    yield np.array([0.5, -1.0]), 0.6
    rng = fresh_rng()
    for _ in range(3):
        low = float(rng.uniform(-1, 1))
        yield np.array([low + float(rng.uniform(0.3, 3.0)), low]), float(rng.uniform(0.55, 0.95))


@checker("the temperature for 80/20")
def check_temperature_for(temperature_for) -> str:
    """Check ``temperature_for(scores (2,), share) -> tau``: softmax(scores / tau)[0] == share."""
    expect_callable(temperature_for, "temperature_for")
    for scores, share in _share_cases():
        what = f"temperature_for(scores {np.round(scores, 3).tolist()}, share={share:.3g})"
        got = as_array(call(temperature_for, scores.copy(), share, what=what), what)
        if got.size != 1:
            raise Wrong(f"{what} returned an array of shape {got.shape}: return one number, the temperature")
        tau = float(got.reshape(()))
        gap, odds = float(scores[0] - scores[1]), share / (1 - share)
        exact = gap / np.log(odds)  # w0 / w1 = exp(gap / tau) = odds
        if abs(tau - exact) <= 1e-3 * exact:
            continue
        if not np.isfinite(tau) or tau <= 0:
            if np.isfinite(tau) and np.isclose(tau, gap / np.log(share)):
                raise Wrong(f"{what} = {tau:.4g}: log(share) alone is negative; the two weights' RATIO is share / (1 - share)")
            raise Wrong(f"{what} = {tau:.4g}: a temperature is a positive number (the scores are divided by it)")
        if np.isclose(tau, np.log(odds) / gap):
            raise Wrong(f"{what}: your formula is upside down; the gap is divided by tau, so tau = gap / log(ratio)")
        if np.isclose(tau, gap * np.log(odds)):
            raise Wrong(f"{what}: you multiplied the gap by log(ratio); exp(gap / tau) = ratio gives tau = gap / log(ratio)")
        if np.isclose(tau, gap / np.log10(odds)):
            raise Wrong(f"{what}: you took log10; softmax uses e, so take the natural log (np.log)")
        if np.isclose(tau, gap / odds):
            raise Wrong(f"{what}: you forgot the log; exp(gap / tau) = ratio gives tau = gap / log(ratio)")
        with np.errstate(all="ignore"):
            reached = float(softmax(scores / tau)[0])
        raise Wrong(
            f"{what} = {tau:.4g}: at that temperature the first dish gets {reached:.1%} of the appetite, not {share:.1%} "
            f"(a temperature within 0.1% of the right one passes)"
        )
    return "tau = gap / log(share / (1 - share)): the colder, the larger the best dish's share."
