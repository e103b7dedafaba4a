"""Checker for notebooks/00_start_here.ipynb: a warm-up exercise that shows how checkers work.

Taught in notebooks/00_start_here.ipynb.
"""

from __future__ import annotations

import numpy as np

from ._core import Wrong, checker, expect_callable, expect_close, expect_shape, fresh_rng, is_close, pick
from ._run import call


def _cases():
    """Three fixed cases (their messages are shown in the notebook), then two no one has seen before."""
    yield from ([4.0, 1.0], [2.0, 2.0, 4.0], [0.0, 3.0, 1.0, 1.0])
    rng = fresh_rng()
    for n in (pick(rng, 5, 10), pick(rng, 5, 10)):
        bites = rng.integers(0, 10, size=n).astype(float)
        bites[rng.integers(n)] += 1.0  # never all zero
        yield bites.tolist()


@checker("split my appetite")
def check_split_appetite(split_appetite) -> str:
    """Check ``split_appetite(bites (n,)) -> (n,) shares that are >= 0 and sum to 1``."""
    expect_callable(split_appetite, "split_appetite")
    for bites in _cases():
        bites = np.array(bites)
        what = f"split_appetite({bites.tolist()})"
        shares = expect_shape(call(split_appetite, bites.copy(), what=what), bites.shape, what)
        expected = bites / bites.sum()
        if not np.isfinite(shares).all():
            raise Wrong(f"{what} contains NaN or infinity: divide by the total number of bites (never 0 here)")
        if is_close(shares, expected):
            continue
        if np.allclose(shares, bites):
            raise Wrong(f"{what} returned the bites unchanged: divide each one by the total number of bites")
        if np.allclose(shares, bites / bites.max()):
            raise Wrong(f"{what} divided by the largest entry; divide by the total instead so the shares sum to 1")
        if np.allclose(shares, bites / len(bites)):
            raise Wrong(f"{what} divided by the number of dishes ({len(bites)}); divide by the total number of bites instead")
        if np.allclose(shares, np.exp(bites) / np.exp(bites).sum()):
            raise Wrong(f"{what} is a softmax of the bites (exponentials): here just divide each entry by the total")
        if not np.isclose(shares.sum(), 1.0):
            raise Wrong(f"the shares of {what} sum to {shares.sum():.3f}, they must sum to 1")
        expect_close(shares, expected, what)
    return "your shares are positive and sum to 1, like attention weights."
