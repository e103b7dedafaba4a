"""Every checker against answers that try to fool it: none may pass, none may crash the checker.

For each of the course's checkers: the notebook's own answer passes (many times, since checkers draw fresh random
cases); generic cheats fail (a replay of the outputs the checker saw last time, by call order or by argument
shapes; None; a crash; an endless loop; changing the input in place; complex or text results); and the shortcuts
and mistakes the issue lists fail (calling the library function the notebook imports, loops where the exercise
says without loops, answers right only for the checker's shapes, summaries instead of real comparisons).
"""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch

import attention
from attention import exercises as ex
from attention.exercises import _run

# ---------------------------------------------------------------- the notebooks' answers


def split_appetite(bites):
    return bites / bites.sum()


def scores(query, features):
    return features @ query


def softmax_t(scores, temperature):
    z = scores / temperature
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def soft_lookup(query, keys, values, temperature):
    return attention.softmax(keys @ query, temperature=temperature) @ values


def temperature_for(scores, share):
    return (scores[0] - scores[1]) / np.log(share / (1 - share))


def attention_weights(Q, K):
    return attention.softmax(Q @ K.T / np.sqrt(Q.shape[-1]), axis=-1)


def scaled_dot_product(Q, K, V, mask=None):
    scores = Q @ K.T / np.sqrt(Q.shape[-1])
    if mask is not None:
        scores = np.where(mask, scores, -np.inf)
    weights = attention.softmax(scores, axis=-1)
    return weights @ V, weights


def self_attention(X, W_q, W_k, W_v):
    Q, K, V = X @ W_q, X @ W_k, X @ W_v
    weights = torch.softmax(Q @ K.T / math.sqrt(K.shape[-1]), dim=-1)
    return weights @ V, weights


def is_permutation_equivariant(f, X, perm):
    return torch.allclose(f(X[perm]), f(X)[perm], atol=1e-6)


def my_split_heads(x, num_heads):
    B, T, d_model = x.shape
    return x.reshape(B, T, num_heads, d_model // num_heads).transpose(1, 2)


def my_merge_heads(x):
    B, h, T, d_k = x.shape
    return x.transpose(1, 2).reshape(B, T, h * d_k)


def count_parameters(d_model, num_heads):
    return 4 * d_model * d_model + 4 * d_model


def cross_attention(dec, enc, w_q, w_k, w_v):
    q, k, v = dec @ w_q, enc @ w_k, enc @ w_v
    return attention.scaled_dot_product_attention(q, k, v)


def padded_cross_weights(scores, src, pad_id):
    mask = (src != pad_id)[:, None, :]
    return torch.softmax(scores.masked_fill(~mask, float("-inf")), dim=-1)


def shift_right(target, bos_id):
    B = target.shape[0]
    return torch.cat([torch.full((B, 1), bos_id, dtype=target.dtype), target[:, :-1]], dim=1)


def positional_encoding(T, d_model):
    t = torch.arange(T, dtype=torch.float32)[:, None]
    two_i = torch.arange(0, d_model, 2, dtype=torch.float32)
    angles = t / 10000 ** (two_i / d_model)
    pe = torch.zeros(T, d_model)
    pe[:, 0::2] = torch.sin(angles)
    pe[:, 1::2] = torch.cos(angles)
    return pe


def layer_norm(x, eps=1e-5):
    mu = x.mean(-1, keepdim=True)
    var = ((x - mu) ** 2).mean(-1, keepdim=True)
    return (x - mu) / torch.sqrt(var + eps)


def pre_ln_block(block, x, mask):
    x = x + block.self_attn(block.ln1(x), mask=mask)[0]
    return x + block.ffn(block.ln3(x))


def find_head(attentions, tokens, query, key):
    weights = attentions[:, :, tokens.index(query), tokens.index(key)]
    return divmod(int(weights.argmax()), weights.shape[1])


def my_update(running_max, running_sum, chunk):
    new_max = torch.maximum(running_max, chunk.amax(-1))
    new_sum = running_sum * torch.exp(running_max - new_max) + torch.exp(chunk - new_max[:, None]).sum(-1)
    return new_max, new_sum


def my_cache_bytes(batch, seq_len, num_layers, num_kv_heads, head_dim, bytes_per_value):
    return 2 * batch * seq_len * num_layers * num_kv_heads * head_dim * bytes_per_value


def pool_orders(past, context):
    weights = attention.softmax(past @ context / np.sqrt(past.shape[1]))
    return weights @ past, weights


def patchify(images, p):
    B, H, W = images.shape
    return images.reshape(B, H // p, p, W // p, p).permute(0, 1, 3, 2, 4).reshape(B, -1, p * p)


def my_rope(x, positions):
    d = x.shape[1]
    omega = 10000.0 ** (-torch.arange(0, d, 2, dtype=torch.float64) / d)  # (d/2,)
    angles = positions.double()[:, None] * omega  # (T, d/2)
    a, b = x[:, 0::2], x[:, 1::2]
    out = torch.empty_like(x)
    out[:, 0::2] = a * torch.cos(angles) - b * torch.sin(angles)
    out[:, 1::2] = a * torch.sin(angles) + b * torch.cos(angles)
    return out


def my_window_mask(T, window, num_sinks):
    i, j = torch.arange(T)[:, None], torch.arange(T)[None, :]
    return ((j <= i) & (j > i - window)) | ((j < num_sinks) & (j <= i))


def my_latent_cache_bytes(seq_len, num_layers, latent_dim, rope_dim, bytes_per_value):
    return seq_len * num_layers * (latent_dim + rope_dim) * bytes_per_value


def object_patches(top, left, size, image_size, patch_size):
    starts = np.arange(image_size // patch_size) * patch_size
    rows = (starts < top + size) & (starts + patch_size > top)
    cols = (starts < left + size) & (starts + patch_size > left)
    return (rows[:, None] & cols[None, :]).reshape(-1)


def my_matching_cost(class_logits, boxes, target_classes, target_boxes):
    prob = class_logits.softmax(-1)[:, target_classes]
    l1 = (boxes[:, None, :] - target_boxes[None, :, :]).abs().sum(-1)
    return -prob + 5 * l1 - 2 * attention.box_iou(boxes[:, None, :], target_boxes[None, :, :])


def best_span(start_scores, end_scores, max_answer):
    best, where = -np.inf, (0, 0)
    for i in range(len(start_scores)):
        for j in range(i, min(len(start_scores), i + max_answer)):
            if start_scores[i] + end_scores[j] > best:
                best, where = start_scores[i] + end_scores[j], (i, j)
    return where


def additive_scores(query, key, w_q, w_k, v):
    return torch.tanh((query @ w_q)[:, :, None, :] + (key @ w_k)[:, None, :, :]) @ v


def mix(p_gen, word_probs, copy, src, vocab_size):
    out = np.zeros((len(p_gen), vocab_size))
    out[:, : word_probs.shape[1]] = p_gen[:, None] * word_probs
    for i, token in enumerate(src):
        out[:, token] += (1 - p_gen) * copy[:, i]
    return out


RIGHT = {
    ex.check_split_appetite: split_appetite,
    ex.check_scores: scores,
    ex.check_softmax_temperature: softmax_t,
    ex.check_soft_lookup: soft_lookup,
    ex.check_temperature_for: temperature_for,
    ex.check_attention_weights: attention_weights,
    ex.check_scaled_dot_product: scaled_dot_product,
    ex.check_self_attention: self_attention,
    ex.check_permutation_test: is_permutation_equivariant,
    ex.check_split_heads: my_split_heads,
    ex.check_merge_heads: my_merge_heads,
    ex.check_count_parameters: count_parameters,
    ex.check_cross_attention: cross_attention,
    ex.check_padded_cross_weights: padded_cross_weights,
    ex.check_shift_right: shift_right,
    ex.check_positional_encoding: positional_encoding,
    ex.check_layer_norm: layer_norm,
    ex.check_pre_ln_block: pre_ln_block,
    ex.check_find_head: find_head,
    ex.check_online_softmax_update: my_update,
    ex.check_kv_cache_bytes: my_cache_bytes,
    ex.check_pool_orders: pool_orders,
    ex.check_patchify: patchify,
    ex.check_rope: my_rope,
    ex.check_sliding_window_mask: my_window_mask,
    ex.check_latent_cache_bytes: my_latent_cache_bytes,
    ex.check_object_patches: object_patches,
    ex.check_matching_cost: my_matching_cost,
    ex.check_best_span: best_span,
    ex.check_mix: mix,
    ex.check_additive_scores: additive_scores,
}
# Checkers that grade a value the learner wrote (a prediction), not a function: tests/test_exercises_predict.py.
VALUE_CHECKERS = {ex.check_prediction, ex.check_choice}
CHECKERS = list(RIGHT)
IDS = [check.__name__ for check in CHECKERS]


def test_every_checker_is_covered():
    public = {getattr(ex, name) for name in ex.__all__ if name.startswith("check_")}
    assert public - VALUE_CHECKERS == set(RIGHT)


def wrong(check, answer, *messages):
    result = check(answer)
    assert result.status == "wrong", f"{check.__name__} let a wrong answer through: {result!r}"
    for message in messages:
        assert message in result.message, result.message
    return result


@pytest.mark.parametrize("check", CHECKERS, ids=IDS)
def test_the_notebooks_answer_passes_every_time(check):
    for _ in range(8):  # fresh random cases each time: a right answer must never be called wrong
        result = check(RIGHT[check])
        assert result.status == "pass", result


# ---------------------------------------------------------------- generic cheats, for every checker


class Recorder:
    """Calls the right answer and remembers what it returned, by call order and by the shapes of the arguments."""

    def __init__(self, right):
        self.right, self.in_order, self.by_shape = right, [], {}

    @staticmethod
    def key(args):
        return tuple(
            tuple(a.shape) if hasattr(a, "shape") else a if isinstance(a, (int, float, str)) else type(a).__name__ for a in args
        )

    def __call__(self, *args):
        result = self.right(*args)
        self.in_order.append(result)
        self.by_shape.setdefault(self.key(args), result)
        return result


@pytest.mark.parametrize("check", CHECKERS, ids=IDS)
def test_a_replay_of_last_times_outputs_fails(check):
    recorder = Recorder(RIGHT[check])
    assert check(recorder).passed
    replies = iter(recorder.in_order)
    wrong(check, lambda *args: next(replies))  # the same outputs, in the same order
    wrong(check, lambda *args: recorder.by_shape.get(Recorder.key(args), "no idea"))  # the same outputs, by shapes


@pytest.mark.parametrize("check", CHECKERS, ids=IDS)
def test_none_crash_text_and_complex_results_are_wrong(check):
    right = RIGHT[check]
    wrong(check, lambda *args: None, "returned None: did you forget the `return` line?")
    wrong(check, lambda *args: {}["spicy"], "raised KeyError: 'spicy'")
    wrong(check, lambda *args: "the answer")

    def complex_result(*args):
        result = right(*args)
        if isinstance(result, tuple) and all(isinstance(r, int) for r in result):
            return tuple(complex(r) for r in result)
        if isinstance(result, tuple):
            return (np.asarray(result[0]) + 1e-3j, *result[1:])
        if isinstance(result, (int, np.integer)):
            return complex(result)
        if isinstance(result, (bool, np.bool_)):
            return np.asarray(result) + 0j
        return np.asarray(result) * (1 + 1e-3j)

    wrong(check, complex_result)


@pytest.mark.parametrize("check", CHECKERS, ids=IDS)
def test_an_endless_loop_is_stopped_for_every_checker(check, monkeypatch):
    monkeypatch.setattr(_run, "TIME_LIMIT", 0.2)

    def endless(*args):
        n = 0
        while n >= 0:
            n += 1

    if check in (ex.check_positional_encoding, ex.check_patchify):  # "without loops": the loop is named first
        wrong(check, endless, "uses a `while` loop", "asks for no Python loops")
    else:
        wrong(check, endless, "was still running after 0.2 s and was stopped")


@pytest.mark.parametrize(
    "check",
    [
        c
        for c in CHECKERS
        if c
        not in (
            ex.check_count_parameters,
            ex.check_kv_cache_bytes,
            ex.check_positional_encoding,
            ex.check_sliding_window_mask,  # these take whole numbers only: nothing to change in place
            ex.check_latent_cache_bytes,
            ex.check_object_patches,
        )
    ],
    ids=lambda c: c.__name__,
)
def test_changing_an_input_in_place_is_wrong(check):
    right = RIGHT[check]
    i = 1 if check in (ex.check_permutation_test, ex.check_pre_ln_block) else 0  # the first array argument

    def mutating(*args):
        result = right(*args)
        args[i][...] = 0  # an in-place write after computing the answer
        return result

    wrong(check, mutating, "in place")


# ---------------------------------------------------------------- shortcuts: the library does the exercise


def sm(x, axis=-1):
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


SHORTCUTS = [
    (ex.check_softmax_temperature, lambda s, t: attention.softmax(s, temperature=t), "the library's softmax"),
    (
        ex.check_soft_lookup,
        lambda q, k, v, t: attention.scaled_dot_product_attention_np(q[None] * np.sqrt(len(q)) / t, k, v)[0][0],
        "scaled_dot_product_attention_np",
    ),
    (
        ex.check_attention_weights,
        lambda Q, K: attention.scaled_dot_product_attention_np(Q, K, K)[1],
        "scaled_dot_product_attention_np",
    ),
    (
        ex.check_scaled_dot_product,
        lambda Q, K, V, mask=None: attention.scaled_dot_product_attention_np(Q, K, V, mask=mask),
        "scaled_dot_product_attention_np",
    ),
    (
        ex.check_scaled_dot_product,
        lambda Q, K, V, mask=None: tuple(
            t.numpy()
            for t in attention.scaled_dot_product_attention(
                *map(torch.as_tensor, (Q, K, V)), mask=None if mask is None else torch.as_tensor(mask)
            )
        ),
        "the library's scaled_dot_product_attention",
    ),
    (
        ex.check_attention_weights,
        lambda Q, K: torch.nn.functional.scaled_dot_product_attention(
            torch.as_tensor(Q)[None], torch.as_tensor(K)[None], torch.eye(len(K), dtype=torch.float64)[None]
        )[0].numpy(),
        "torch's F.scaled_dot_product_attention",
    ),
    (ex.check_split_heads, lambda x, h: attention.split_heads(x, h), "the library's split_heads"),
    (ex.check_merge_heads, lambda x: attention.merge_heads(x), "the library's merge_heads"),
    (
        ex.check_count_parameters,
        lambda d, h: sum(p.numel() for p in attention.MultiHeadAttention(d, h).parameters()),
        "MultiHeadAttention",
    ),
    (
        ex.check_count_parameters,
        lambda d, h: sum(p.numel() for p in torch.nn.MultiheadAttention(d, h).parameters()),
        "nn.MultiheadAttention",
    ),
    (ex.check_positional_encoding, lambda T, d: attention.sinusoidal_positions(T, d), "sinusoidal_positions"),
    (ex.check_positional_encoding, lambda T, d: attention.PositionalEncoding(d, T).pe, "PositionalEncoding"),
    (ex.check_layer_norm, lambda x, eps: torch.nn.functional.layer_norm(x, x.shape[-1:], eps=eps), "layer_norm"),
    (ex.check_layer_norm, lambda x, eps: torch.layer_norm(x, x.shape[-1:], eps=eps), "layer_norm"),
    (ex.check_pre_ln_block, lambda block, x, mask: block(x, mask=mask), "the whole block"),
    (ex.check_online_softmax_update, lambda m, s, c: attention.online_softmax_update(m, s, c), "online_softmax_update"),
    (ex.check_kv_cache_bytes, lambda *a: attention.kv_cache_bytes(*a), "the library's kv_cache_bytes"),
    (
        ex.check_pool_orders,
        lambda past, ctx: attention.taste_query(past, np.arange(len(past)), context=ctx),
        "the library's taste_query",
    ),
    (ex.check_patchify, lambda images, p: attention.image_to_patches(images, p), "image_to_patches"),
    (ex.check_additive_scores, lambda *a: attention.additive_scores(*a), "the library's additive_scores"),
]


@pytest.mark.parametrize("check, answer, label", SHORTCUTS, ids=[f"{c.__name__}-{label}" for c, _, label in SHORTCUTS])
def test_calling_the_library_function_is_detected(check, answer, label):
    wrong(check, answer, label, "write it yourself")


# ---------------------------------------------------------------- answers right only for what the checker used to try


def _with_loop_pe(T, d):
    pe = torch.zeros(T, d)
    for t in range(T):
        pe[t] = positional_encoding(T, d)[t]
    return pe


def _patchify_loop(images, p):
    B, H, W = images.shape
    return torch.stack([images[:, r : r + p, c : c + p].reshape(B, p * p) for r in range(0, H, p) for c in range(0, W, p)], 1)


def _perm_sums(f, X, perm):  # row sums moved the same way: a summary, not the outputs
    return torch.allclose(f(X[perm]).sum(-1), f(X)[perm].sum(-1), atol=1e-5)


def _perm_column_sums(f, X, perm):  # invariance of the column sums
    return torch.allclose(f(X[perm]).sum(0), f(X).sum(0), atol=1e-5)


def _perm_sorted_rows(f, X, perm):  # each row sorted: forgets which feature is where
    return torch.allclose(f(X[perm]).sort(-1).values, f(X)[perm].sort(-1).values, atol=1e-5)


def _perm_sorted_columns(f, X, perm):  # each column sorted: forgets which token is where
    return torch.allclose(f(X[perm]).sort(0).values, f(X).sort(0).values, atol=1e-5)


def _perm_invariance(f, X, perm):
    return torch.allclose(f(X[perm]), f(X), atol=1e-6)


def _perm_identity_only(f, X, perm):  # tries only one fixed permutation
    p = torch.arange(len(X)).flip(0)
    return torch.allclose(f(X[p]), f(X)[p], atol=1e-6)


def _perm_first_row(f, X, perm):
    return torch.allclose(f(X[perm])[0], f(X)[perm][0], atol=1e-6)


def _perm_last_row(f, X, perm):
    return torch.allclose(f(X[perm])[-1], f(X)[perm][-1], atol=1e-6)


def _find_head_last(attentions, tokens, query, key):
    q = len(tokens) - 1 - tokens[::-1].index(query)
    weights = attentions[:, :, q, tokens.index(key)]
    return divmod(int(weights.argmax()), weights.shape[1])


def _find_head_fixed_shape(attentions, tokens, query, key):
    weights = attentions[:, :, tokens.index(query), tokens.index(key)]
    return divmod(int(weights.argmax()), 4)  # the number of heads of the old fixed case


SHAPE_CHEATS = [
    (ex.check_split_heads, lambda x, h: x.reshape(2, x.shape[1], h, -1).transpose(1, 2), "B hard-coded to 2"),
    (ex.check_split_heads, lambda x, h: x.reshape(x.shape[0], x.shape[1], 2, -1).transpose(1, 2), "h hard-coded to 2"),
    (ex.check_merge_heads, lambda x: x.transpose(1, 2).reshape(x.shape[0], x.shape[2], -1)[:, :, :8], "cut to 8"),
    (
        ex.check_patchify,
        lambda im, p: (
            im.reshape(im.shape[0], im.shape[1] // p, p, im.shape[1] // p, p)
            .permute(0, 1, 3, 2, 4)
            .reshape(im.shape[0], -1, p * p)
        ),
        "H used for W",
    ),
    (
        ex.check_patchify,
        lambda im, p: im.reshape(2, im.shape[1] // p, p, im.shape[2] // p, p).permute(0, 1, 3, 2, 4).reshape(2, -1, p * p),
        "B hard-coded to 2",
    ),
    (ex.check_count_parameters, lambda d, h: 4 * d * d + 4 * d + 0.9, "4d² + 4d + 0.9"),
    (ex.check_count_parameters, lambda d, h: str(4 * d * d + 4 * d), "a string"),
    (ex.check_count_parameters, lambda d, h: float("inf"), "infinity"),
    (ex.check_count_parameters, lambda d, h: {8: 288, 64: 16640, 512: 1050624}.get(d, 0), "a table of the old cases"),
    (ex.check_kv_cache_bytes, lambda *a: 10**400, "10**400"),
    (ex.check_kv_cache_bytes, lambda *a: my_cache_bytes(*a) + 0.5, "half a byte more"),
    (ex.check_kv_cache_bytes, lambda *a: {3: 92160000, 1: 1073741824, 7: 44352}.get(a[0], 0), "a table of the old cases"),
    (ex.check_positional_encoding, _with_loop_pe, "a loop"),
    (ex.check_patchify, _patchify_loop, "a loop"),
    (ex.check_permutation_test, _perm_sums, "row sums"),
    (ex.check_permutation_test, _perm_column_sums, "column sums (invariance)"),
    (ex.check_permutation_test, _perm_sorted_rows, "sorted rows"),
    (ex.check_permutation_test, _perm_sorted_columns, "sorted columns"),
    (ex.check_permutation_test, _perm_invariance, "invariance"),
    (ex.check_permutation_test, _perm_identity_only, "its own fixed permutation"),
    (ex.check_permutation_test, _perm_first_row, "the first row only"),
    (ex.check_permutation_test, _perm_last_row, "the last row only"),
    (ex.check_find_head, _find_head_last, "the last occurrence"),
    (ex.check_find_head, _find_head_fixed_shape, "4 heads hard-coded"),
    (ex.check_shift_right, lambda t, b: torch.cat([torch.full((2, 1), b), t[:, :-1]], 1), "B hard-coded to 2"),
    (
        ex.check_padded_cross_weights,
        lambda s, src, pad: torch.softmax(s.masked_fill((src == 0)[:, None, :], float("-inf")), -1),
        "pad_id hard-coded to 0",
    ),
    (ex.check_layer_norm, lambda x, eps: layer_norm(x, 1e-5), "eps ignored"),
    (ex.check_pool_orders, lambda past, ctx: pool_orders(past, ctx)[0], "query only"),
    (ex.check_pool_orders, lambda past, ctx: ([0.0, [1.0, 2.0]], pool_orders(past, ctx)[1]), "a ragged query"),
    (ex.check_self_attention, lambda X, *W: self_attention(X, *W) if X.shape == (5, 6) else (X, X), "old shapes only"),
    (
        ex.check_cross_attention,
        lambda dec, enc, *w: cross_attention(dec, enc, *w) if dec.shape[0] in (2, 3) else (dec, dec),
        "old batch sizes only",
    ),
    (ex.check_softmax_temperature, lambda s, t: sm(s / t) if s.ndim == 1 else sm(s / t, axis=0), "1-D right only"),
]


@pytest.mark.parametrize("check, answer, label", SHAPE_CHEATS, ids=[f"{c.__name__}-{label}" for c, _, label in SHAPE_CHEATS])
def test_answers_right_only_for_the_old_cases_fail(check, answer, label):
    for _ in range(3):  # the fresh cases are random: it must fail every time
        wrong(check, answer)


def test_the_messages_for_the_issues_cases():
    wrong(ex.check_count_parameters, lambda d, h: 4 * d * d + 4 * d + 0.9, "no fractional part")
    wrong(ex.check_count_parameters, lambda d, h: float("inf"), "should be a whole number, got inf")
    wrong(ex.check_kv_cache_bytes, lambda *a: 10**400, "you return 1000000", "expected 92160000")
    wrong(ex.check_pool_orders, lambda past, ctx: ([0.0, [1.0, 2.0]], pool_orders(past, ctx)[1]), "should be an array")
    wrong(ex.check_positional_encoding, _with_loop_pe, "uses a `for` loop", "asks for no Python loops")
    wrong(ex.check_patchify, _patchify_loop, "uses a comprehension", "asks for no Python loops")
    wrong(ex.check_layer_norm, lambda x, eps: layer_norm(x, 1e-5), "you ignored the eps argument", "eps=0.5")
    wrong(ex.check_find_head, _find_head_last, "you used a later one")
