"""Checkers for notebooks/07_cross_attention.ipynb: cross-attention, the source padding mask, teacher forcing.

Taught in notebooks/07_cross_attention.ipynb.
"""

from __future__ import annotations

import numpy as np
import torch

from ..scaled_dot_product import scaled_dot_product_attention
from ._core import Wrong, as_array, checker, expect_callable, expect_close, expect_shape, fresh_rng, is_close, pick
from ._run import call


def _inputs(seed: int, B: int = 2, T_out: int = 4, T_in: int = 6, d: int = 8, d_v: int = 5):
    g = torch.Generator().manual_seed(seed)  # fixed seeds for the fixed cases, random ones for the fresh cases
    dec = torch.randn(B, T_out, d, generator=g)  # what the decoder has written so far
    enc = torch.randn(B, T_in, d, generator=g)  # what the encoder made of the input
    w_q, w_k = torch.randn(d, d, generator=g), torch.randn(d, d, generator=g)
    w_v = torch.randn(d, d_v, generator=g)
    return dec, enc, w_q, w_k, w_v


@checker("cross-attention")
def check_cross_attention(cross_attention) -> str:
    """Check ``cross_attention(dec (B, T_out, d), enc (B, T_in, d), w_q, w_k, w_v) -> (output, weights)``."""
    expect_callable(cross_attention, "cross_attention")
    # first T_out == T_in, so that mixing up the decoder and the encoder runs and can be named; then different lengths
    rng = fresh_rng()  # after three fixed cases, two with sizes and numbers no one has seen before
    fresh = [
        (int(rng.integers(2**62)), (pick(rng, 1, 6, {2, 3}), pick(rng, 2, 9, {6, 4, 7}), pick(rng, 2, 9, {6, 3})))
        for _ in range(2)
    ]
    for seed, (B, T_out, T_in) in ((2, (2, 6, 6)), (0, (2, 4, 6)), (1, (3, 7, 3)), *fresh):
        dec, enc, w_q, w_k, w_v = _inputs(seed, B, T_out, T_in)
        result = call(cross_attention, dec.clone(), enc.clone(), w_q.clone(), w_k.clone(), w_v.clone())
        if not isinstance(result, tuple) or len(result) != 2:
            raise Wrong(f"return a tuple (output, weights), got {type(result).__name__}")
        output, weights = as_array(result[0], "output"), as_array(result[1], "weights")
        if output.shape == (B, T_out, T_in) and weights.shape == (B, T_out, w_v.shape[-1]) and T_in != w_v.shape[-1]:
            raise Wrong("you returned (weights, output): return them in the order (output, weights)")
        if weights.shape == (B, T_in, T_out) and T_in != T_out:
            raise Wrong(
                f"weights have shape {weights.shape} = (B, T_in, T_out): queries and keys are swapped. Queries come "
                "from the DECODER (dec @ w_q: what I need to write next), keys and values from the ENCODER (enc)."
            )
        if weights.shape == (B, T_out, T_out) and T_in != T_out:
            raise Wrong(
                f"weights have shape {weights.shape} = (B, T_out, T_out): that is self-attention over the decoder. "
                "Keys and values come from the encoder output enc (what the input says)."
            )
        weights = expect_shape(weights, (B, T_out, T_in), f"weights for dec {tuple(dec.shape)}, enc {tuple(enc.shape)}")
        q, k, v = dec @ w_q, enc @ w_k, enc @ w_v  # (B, T_out, d), (B, T_in, d), (B, T_in, d_v)
        expected_out, expected_w = scaled_dot_product_attention(q, k, v)
        if is_close(weights, expected_w.numpy(), atol=1e-4) and is_close(output, expected_out.numpy(), atol=1e-4):
            continue
        if not np.allclose(weights.sum(-1), 1.0, atol=1e-5):
            if np.allclose(weights.sum(-2), 1.0, atol=1e-5):
                raise Wrong("each COLUMN of your weights sums to 1: take the softmax over the keys (the last axis, T_in)")
            raise Wrong("each row of the weights (one output position) should sum to 1: softmax over the last axis")
        unscaled = torch.softmax(q @ k.transpose(-2, -1), dim=-1).numpy()
        if np.allclose(weights, unscaled, atol=1e-5):
            d_k = q.shape[-1]
            raise Wrong(f"the weights are right up to the scale: divide the scores by sqrt(d_k) = sqrt({d_k}) before the softmax")
        if np.allclose(weights, torch.softmax(q @ k.transpose(-2, -1) / q.shape[-1], dim=-1).numpy(), atol=1e-5):
            raise Wrong(f"you divided the scores by d_k = {q.shape[-1]}: divide by its square root, sqrt(d_k)")
        mixed_up = {
            "queries and keys are swapped: queries come from the DECODER (dec @ w_q), keys and values from the ENCODER": (
                enc @ w_q,
                dec @ w_k,
                dec @ w_v,
            ),
            "the keys come from the decoder, as in self-attention over the decoder: keys (and values) come from the encoder "
            "output, k = enc @ w_k": (q, dec @ w_k, v),
        }
        for message, (q_, k_, v_) in mixed_up.items() if T_in == T_out else ():  # these run only when T_in == T_out
            if np.allclose(weights, scaled_dot_product_attention(q_, k_, v_)[1].numpy(), atol=1e-5):
                raise Wrong(message)
        expect_close(weights, expected_w.numpy(), "weights", atol=1e-4)
        output = expect_shape(output, (B, T_out, v.shape[-1]), "output")
        if T_in == T_out and np.allclose(output, (expected_w @ (dec @ w_v)).numpy(), atol=1e-4):
            raise Wrong(
                "the weights are right but the values come from the decoder: v = enc @ w_v (what each INPUT position says)"
            )
        expect_close(output, expected_out.numpy(), "output", atol=1e-4)
    return "queries from the decoder, keys and values from the encoder: one row per output position, one column per input."


def _scores_and_src(seed: int, pad_id: int, B: int = 3, T_out: int = 4, T_in: int = 7, lengths=(4, 6, 7)):
    g = torch.Generator().manual_seed(seed)
    scores = torch.randn(B, T_out, T_in, generator=g) * 2  # (B, T_out, T_in)
    src = torch.randint(3, 20, (B, T_in), generator=g)
    src[src == pad_id] = 20  # only padding is pad_id
    for b, length in enumerate(lengths):
        src[b, length:] = pad_id  # sequence 0 of the fixed cases has 4 real tokens, then padding
    return scores, src


def _padding_cases():
    yield _scores_and_src(0, 0), 0
    yield _scores_and_src(1, 2), 2
    rng = fresh_rng()  # then sizes, lengths and a padding id no one has seen before
    B, T_out, T_in = pick(rng, 1, 6, {3}), pick(rng, 2, 8, {4}), pick(rng, 3, 11, {7})
    lengths = rng.integers(1, T_in, size=B)  # every sequence padded, none empty
    pad_id = pick(rng, 1, 20, {2})
    yield _scores_and_src(int(rng.integers(2**62)), pad_id, B, T_out, T_in, lengths.tolist()), pad_id


@checker("mask the source padding")
def check_padded_cross_weights(padded_cross_weights) -> str:
    """Check ``padded_cross_weights(scores (B, T_out, T_in), src (B, T_in), pad_id) -> weights (B, T_out, T_in)``."""
    expect_callable(padded_cross_weights, "padded_cross_weights")
    for (scores, src), pad_id in _padding_cases():
        got = expect_shape(call(padded_cross_weights, scores.clone(), src.clone(), pad_id), tuple(scores.shape), "weights")
        is_pad = (src == pad_id)[:, None, :].expand_as(scores).numpy()  # (B, T_out, T_in)
        mask = (src != pad_id)[:, None, :]  # (B, 1, T_in), True = may attend
        expected = torch.softmax(scores.masked_fill(~mask, float("-inf")), dim=-1).numpy()
        if is_close(got, expected, atol=1e-5):
            continue
        if np.allclose(got, torch.softmax(scores, -1).numpy(), atol=1e-5):
            raise Wrong("the padded source positions still get weight: padding was ignored. Set their scores to -inf first.")
        if np.allclose(got[is_pad], 0.0) and not np.allclose(got.sum(-1), 1.0, atol=1e-5):
            raise Wrong(
                "padded positions get 0 but the rows no longer sum to 1: you zeroed the weights AFTER the softmax. "
                "Mask the scores (-inf) BEFORE the softmax."
            )
        if np.allclose(got, torch.softmax(scores.masked_fill(~mask, 0.0), dim=-1).numpy(), atol=1e-5):
            raise Wrong("you filled the padded scores with 0: a score of 0 still gets weight after the softmax. Fill with -inf.")
        if np.allclose(np.nan_to_num(got[0] * is_pad[0]).sum(-1), 1.0, atol=1e-5):  # sequence 0 has padding
            raise Wrong(f"all the weight sits on the padding: the mask is inverted (pad_id={pad_id} marks positions to IGNORE)")
        if np.isnan(got).any():
            raise Wrong(
                "your weights contain NaN: a softmax over a slice that is all -inf. Take the softmax over the last axis "
                "(the input positions T_in): every row has real input positions."
            )
        if not np.allclose(got[is_pad], 0.0, atol=1e-6):
            worst = got[is_pad].max()
            raise Wrong(f"padded positions (where src == pad_id={pad_id}) must get weight 0, yours get up to {worst:.3f}")
        expect_close(got, expected, "weights", atol=1e-5)
    return "the decoder never looks at padding, and every row still sums to 1."


@checker("teacher forcing: shift the target right")
def check_shift_right(shift_right) -> str:
    """Check ``shift_right(target (B, T), bos_id) -> decoder input (B, T)`` = <bos> + target[:, :-1]."""
    expect_callable(shift_right, "shift_right")
    rng = fresh_rng()  # after two fixed cases, one no one has seen before
    fresh = torch.from_numpy(rng.integers(5, 40, size=(pick(rng, 1, 6, {2}), pick(rng, 2, 10, {5}))))
    fixed = torch.tensor([[9, 7, 7, 5, 2], [4, 8, 3, 6, 2]])  # (B, T): ends with <eos> = 2
    for target, bos_id in ((fixed, 1), (fixed, 0), (fresh, pick(rng, 2, 5))):
        got = as_array(call(shift_right, target.clone(), bos_id), "decoder input")
        B, T = target.shape
        if got.shape == (B, T + 1):
            raise Wrong(
                f"decoder input has shape {got.shape}: it must keep the target's length T={T}. "
                "Put <bos> in front and drop the LAST target token (nothing is predicted after <eos>)."
            )
        got = expect_shape(got, (B, T), "decoder input")
        expected = torch.cat([torch.full((B, 1), bos_id), target[:, :-1]], dim=1).numpy()
        if np.array_equal(got, expected):
            continue
        if np.array_equal(got, target.numpy()):
            raise Wrong("the decoder input equals the target: not shifted, so the decoder would see the token it must predict")
        if np.array_equal(got, torch.cat([target[:, 1:], torch.full((B, 1), bos_id)], dim=1).numpy()):
            raise Wrong("you shifted LEFT: the decoder input must be <bos> followed by the target without its last token")
        if np.array_equal(got, torch.cat([torch.full((B, 1), bos_id), target[:, 1:]], dim=1).numpy()):
            raise Wrong("you overwrote the first target token with <bos>: shift instead, <bos> followed by target[:, :-1]")
        if np.array_equal(got[:, 1:], expected[:, 1:]) and not np.array_equal(got[:, 0], expected[:, 0]):
            raise Wrong(f"the first decoder input must be <bos> (bos_id={bos_id}), got {got[:, 0].astype(int).tolist()}")
        expect_close(got, expected, "decoder input")
    return "position t of the decoder sees <bos> and the target up to t - 1, and learns to predict target[t]."
