"""Tests for the lesson 07 checkers: right answers pass, typical mistakes get precise messages, stubs are todo."""

import math

import numpy as np
import pytest
import torch

from attention.exercises import check_cross_attention, check_padded_cross_weights, check_shift_right


def cross_right(dec, enc, w_q, w_k, w_v):
    q, k, v = dec @ w_q, enc @ w_k, enc @ w_v
    w = torch.softmax(q @ k.transpose(-2, -1) / math.sqrt(q.shape[-1]), dim=-1)
    return w @ v, w


def cross_swapped(dec, enc, w_q, w_k, w_v):
    q, k, v = enc @ w_q, dec @ w_k, dec @ w_v
    w = torch.softmax(q @ k.transpose(-2, -1) / math.sqrt(q.shape[-1]), dim=-1)
    return w @ v, w


def cross_self(dec, enc, w_q, w_k, w_v):
    return cross_right(dec, dec, w_q, w_k, w_v)


def cross_unscaled(dec, enc, w_q, w_k, w_v):
    q, k, v = dec @ w_q, enc @ w_k, enc @ w_v
    w = torch.softmax(q @ k.transpose(-2, -1), dim=-1)
    return w @ v, w


def cross_wrong_axis(dec, enc, w_q, w_k, w_v):
    q, k, v = dec @ w_q, enc @ w_k, enc @ w_v
    w = torch.softmax(q @ k.transpose(-2, -1) / math.sqrt(q.shape[-1]), dim=-2)
    return w @ v, w


def cross_values_from_decoder(dec, enc, w_q, w_k, w_v):
    out, w = cross_right(dec, enc, w_q, w_k, w_v)
    return w @ (dec @ w_v), w


def cross_keys_from_decoder(dec, enc, w_q, w_k, w_v):
    q, k = dec @ w_q, dec @ w_k
    w = torch.softmax(q @ k.transpose(-2, -1) / math.sqrt(q.shape[-1]), dim=-1)
    return w @ (enc @ w_v), w


def cross_divided_by_d_k(dec, enc, w_q, w_k, w_v):
    q, k, v = dec @ w_q, enc @ w_k, enc @ w_v
    w = torch.softmax(q @ k.transpose(-2, -1) / q.shape[-1], dim=-1)
    return w @ v, w


def test_cross_attention_right_answers_pass():
    assert check_cross_attention(cross_right).passed
    assert check_cross_attention(lambda *a: tuple(x.numpy() for x in cross_right(*a))).passed  # NumPy results are fine


@pytest.mark.parametrize(
    "answer, message",
    [
        (cross_swapped, "queries and keys are swapped"),
        (cross_self, "self-attention over the decoder"),
        (cross_unscaled, "divide the scores by sqrt(d_k) = sqrt(8)"),
        (cross_wrong_axis, "each COLUMN of your weights sums to 1"),
        (lambda *a: cross_right(*a)[1], "return a tuple (output, weights)"),
        (lambda *a: (cross_right(*a)[0] + 1, cross_right(*a)[1]), "output differs"),
        (lambda *a: 1 / 0, "ZeroDivisionError"),
        (cross_values_from_decoder, "the values come from the decoder"),
        (cross_keys_from_decoder, "the keys come from the decoder"),
        (cross_divided_by_d_k, "you divided the scores by d_k = 8"),
        (lambda *a: cross_right(*a)[::-1], "return them in the order (output, weights)"),
    ],
)
def test_cross_attention_typical_mistakes(answer, message):
    result = check_cross_attention(answer)
    assert result.status == "wrong"
    assert message in result.message


def test_cross_attention_stub_and_non_function():
    def stub(dec, enc, w_q, w_k, w_v):
        raise NotImplementedError("your code here")

    assert check_cross_attention(stub).status == "todo"
    assert check_cross_attention(None).status == "todo"
    with pytest.raises(ValueError, match="cross_attention must be a function"):
        check_cross_attention(np.ones(3))


def padded_right(scores, src, pad_id):
    mask = (src != pad_id)[:, None, :]  # (B, 1, T_in)
    return torch.softmax(scores.masked_fill(~mask, float("-inf")), dim=-1)


def padded_after_softmax(scores, src, pad_id):
    return torch.softmax(scores, dim=-1) * (src != pad_id)[:, None, :]


def padded_inverted(scores, src, pad_id):
    return torch.softmax(scores.masked_fill((src != pad_id)[:, None, :], float("-inf")), dim=-1)


def test_padded_cross_weights_right_answer_passes():
    assert check_padded_cross_weights(padded_right).passed


@pytest.mark.parametrize(
    "answer, message",
    [
        (lambda scores, src, pad_id: torch.softmax(scores, -1), "padding was ignored"),
        (padded_after_softmax, "you zeroed the weights AFTER the softmax"),
        (padded_inverted, "the mask is inverted"),
        (lambda scores, src, pad_id: padded_right(scores, src, 0), "padding was ignored"),  # pad_id hard-coded to 0
        (lambda scores, src, pad_id: padded_right(scores, src, pad_id)[:, :1], "has shape (3, 1, 7), expected (3, 4, 7)"),
        (
            lambda scores, src, pad_id: torch.softmax(scores.masked_fill((src == pad_id)[:, None, :], 0.0), -1),
            "you filled the padded scores with 0",
        ),
        (
            lambda scores, src, pad_id: torch.softmax(scores.masked_fill((src == pad_id)[:, None, :], float("-inf")), -2),
            "your weights contain NaN",
        ),
    ],
)
def test_padded_cross_weights_typical_mistakes(answer, message):
    result = check_padded_cross_weights(answer)
    assert result.status == "wrong"
    assert message in result.message


def test_padded_cross_weights_stub_and_non_function():
    assert check_padded_cross_weights(None).status == "todo"
    assert check_padded_cross_weights(lambda scores, src, pad_id: None).status == "wrong"
    with pytest.raises(ValueError, match="padded_cross_weights must be a function"):
        check_padded_cross_weights(torch.ones(2))


def shift_right_ok(target, bos_id):
    return torch.cat([torch.full((target.shape[0], 1), bos_id), target[:, :-1]], dim=1)


def test_shift_right_right_answer_passes():
    assert check_shift_right(shift_right_ok).passed
    assert check_shift_right(lambda t, bos: np.concatenate([np.full((len(t), 1), bos), t.numpy()[:, :-1]], axis=1)).passed


@pytest.mark.parametrize(
    "answer, message",
    [
        (lambda target, bos_id: target, "not shifted"),
        (lambda target, bos_id: torch.cat([target[:, 1:], torch.full((2, 1), bos_id)], 1), "you shifted LEFT"),
        (lambda target, bos_id: torch.cat([torch.full((2, 1), bos_id), target], 1), "must keep the target's length T=5"),
        (lambda target, bos_id: torch.cat([torch.full((2, 1), 1), target[:, :-1]], 1), "must be <bos> (bos_id=0)"),
        (lambda target, bos_id: target[:, :-1], "has shape (2, 4), expected (2, 5)"),
        (
            lambda target, bos_id: torch.cat([torch.full((2, 1), bos_id), target[:, 1:]], 1),
            "you overwrote the first target token",
        ),
    ],
)
def test_shift_right_typical_mistakes(answer, message):
    result = check_shift_right(answer)
    assert result.status == "wrong"
    assert message in result.message


def test_shift_right_stub_and_non_function():
    def stub(target, bos_id):
        raise NotImplementedError("your code here")

    assert check_shift_right(stub).status == "todo"
    with pytest.raises(ValueError, match="shift_right must be a function"):
        check_shift_right("shift")
