"""Checkers for notebooks/13_attention_at_work_text.ipynb: the best answer span, mixing generating and copying.

Taught in notebooks/13_attention_at_work_text.ipynb.
"""

from __future__ import annotations

import numpy as np

from ._core import Wrong, as_array, checker, expect_callable, expect_close, expect_shape, fresh_rng, pick
from ._run import call


def _reference_span(start: np.ndarray, end: np.ndarray, max_answer: int) -> tuple[int, int]:
    best, where = -np.inf, (0, 0)
    for i in range(len(start)):
        for j in range(i, min(len(end), i + max_answer)):
            if start[i] + end[j] > best:
                best, where = start[i] + end[j], (i, j)
    return where


def _span_cases() -> list[tuple[np.ndarray, np.ndarray, int, str]]:
    rng = fresh_rng()  # the random cases are new every time: no table of last time's answers can pass
    cases = [
        # the best end on its own comes before the best start: taking two separate argmaxes gives end < start
        (np.array([0.0, 0.1, 3.0, 0.2, 1.0, 0.0]), np.array([0.0, 4.0, 0.5, 0.3, 2.0, 0.1]), 4, "end-before-start"),
        # the best pair is longer than max_answer words
        (np.array([5.0, 0.0, 0.0, 0.0, 2.0, 0.0, 0.0]), np.array([0.0, 0.0, 0.0, 0.0, 0.0, 6.0, 3.0]), 3, "too-long"),
        # the answer is exactly max_answer words long (end = start + max_answer - 1 is allowed, + max_answer is not)
        (np.array([0.0, 4.0, 0.0, 0.0, 0.0, 0.0]), np.array([0.0, 0.0, 0.0, 2.0, 5.0, 0.0]), 3, "edge"),
        # a one-word answer
        (np.array([0.0, 0.0, 6.0, 0.0]), np.array([0.0, 0.0, 6.0, 0.0]), 4, "one-word"),
    ]
    for _ in range(6):
        T = int(rng.integers(5, 12))
        cases.append((rng.normal(size=T), rng.normal(size=T), int(rng.integers(1, 5)), "random"))
    return cases


@checker("the best answer span")
def check_best_span(best_span) -> str:
    """Check ``best_span(start_scores (T,), end_scores (T,), max_answer) -> (start, end)``."""
    expect_callable(best_span, "best_span")
    for start, end, max_answer, kind in _span_cases():
        what = f"best_span for {len(start)} passage words with max_answer={max_answer}"
        result = call(best_span, start.copy(), end.copy(), max_answer)
        pair = as_array(result, what)
        if pair.shape != (2,):
            raise Wrong(f"{what}: return two positions (start, end), got {type(result).__name__} of shape {pair.shape}")
        if not np.all(pair == np.round(pair)):
            raise Wrong(f"{what}: return the word positions (integers), got {pair.tolist()}; positions, not scores")
        i, j = (int(v) for v in pair)
        expected = _reference_span(start, end, max_answer)
        if (i, j) == expected:
            continue
        if (j, i) == expected:
            raise Wrong(f"{what}: you returned (end, start) = ({i}, {j}); return (start, end)")
        if j < i:
            raise Wrong(
                f"{what}: your answer ends (word {j}) before it starts (word {i}). Taking the best start and the "
                "best end separately can do that: score every PAIR start <= end and keep the best pair"
            )
        if j >= i + max_answer:
            if j - i + 1 == max_answer + 1:
                raise Wrong(
                    f"{what}: your span {i}..{j} has {j - i + 1} words, one more than max_answer={max_answer}: "
                    "the end must satisfy end < start + max_answer"
                )
            raise Wrong(f"{what}: your span {i}..{j} is {j - i + 1} words long, more than max_answer={max_answer}")
        raise Wrong(
            f"{what} ({kind} case): you returned ({i}, {j}) with score {start[i] + end[j]:.3f}, but "
            f"({expected[0]}, {expected[1]}) scores {start[expected[0]] + end[expected[1]]:.3f}"
        )
    return "your spans match: the best start-end pair with the start first and at most max_answer words."


def _mix_inputs(seed: int, T_out: int = 4, T_in: int = 5, W: int = 4, V: int = 10):
    rng = np.random.default_rng(seed)
    p_gen = rng.uniform(0.1, 0.9, size=T_out)
    words = rng.dirichlet(np.ones(W), size=T_out)  # (T_out, W) rows sum to 1
    copy = rng.dirichlet(np.ones(T_in), size=T_out)  # (T_out, T_in) rows sum to 1
    src = rng.integers(W, V, size=T_in)
    src[-1] = src[0]  # the same token twice in the input: its copy weights must add up
    return p_gen, words, copy, src, V


def _reference_mix(p_gen, words, copy, src, V):
    out = np.zeros((len(p_gen), V))
    out[:, : words.shape[1]] = p_gen[:, None] * words
    for t in range(len(p_gen)):
        for i, token in enumerate(src):
            out[t, token] += (1 - p_gen[t]) * copy[t, i]
    return out


@checker("mix generating and copying")
def check_mix(mix) -> str:
    """Check ``mix(p_gen (T_out,), word_probs (T_out, W), copy (T_out, T_in), src (T_in,), vocab_size) -> (T_out, V)``."""
    expect_callable(mix, "mix")
    rng = fresh_rng()  # the fixed cases, then one nobody has seen
    fresh = (int(rng.integers(2**31)), (pick(rng, 2, 8, avoid=(4, 3)), pick(rng, 2, 9, avoid=(5, 7))))
    for seed, (T_out, T_in) in ((0, (4, 5)), (1, (3, 7)), fresh):
        p_gen, words, copy, src, V = _mix_inputs(seed, T_out, T_in)
        what = f"mix for {T_out} output steps, {T_in} input tokens and {V} tokens in all"
        got = expect_shape(call(mix, p_gen.copy(), words.copy(), copy.copy(), src.copy(), V), (T_out, V), what)
        if np.isnan(got).any():
            raise Wrong(f"{what} contains NaN")
        expected = _reference_mix(p_gen, words, copy, src, V)
        if np.allclose(got, expected, atol=1e-6):
            continue
        by_position = np.zeros((T_out, V))
        by_position[:, : words.shape[1]] = p_gen[:, None] * words
        by_position[:, :T_in] += (1 - p_gen[:, None]) * copy
        overwritten = np.zeros((T_out, V))
        overwritten[:, : words.shape[1]] = p_gen[:, None] * words
        overwritten[:, src] = (1 - p_gen[:, None]) * copy  # the last duplicate wins
        mistakes = {
            "you added each copy weight to the token NUMBERED like its input position (copy[:, i] onto token i): add it "
            "onto the token the input holds there, src[i]": by_position,
            f"the input holds token {src[0]} twice (positions 0 and {T_in - 1}) and your result keeps only one of its copy "
            "weights: ADD the weights (+=, np.add.at or scatter_add), don't overwrite": overwritten,
            "generating and copying are swapped: p_gen is the share of GENERATING (word_probs), 1 - p_gen the share of "
            "copying": _reference_mix(1 - p_gen, words, copy, src, V),
            "the copy weights are not multiplied by (1 - p_gen)": _reference_mix(
                p_gen, words, copy / (1 - p_gen[:, None]), src, V
            ),
            "the word probabilities are not multiplied by p_gen": _reference_mix(p_gen, words / p_gen[:, None], copy, src, V),
        }
        for message, wrong in mistakes.items():
            if np.allclose(got, wrong, atol=1e-6):
                raise Wrong(message)
        sums = got.sum(-1)
        if not np.allclose(sums, 1.0, atol=1e-5):
            raise Wrong(
                f"{what}: each row is a probability distribution over all {V} tokens and should sum to 1; "
                f"yours sum to {np.round(sums, 3).tolist()}"
            )
        expect_close(got, expected, what, atol=1e-5)
    return "your mixture matches: p_gen of the words plus (1 - p_gen) of the pointer's weights, added onto their tokens."
