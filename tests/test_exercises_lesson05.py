"""Tests for the lesson 05 checkers: right answers pass, typical mistakes get precise messages, stubs are todo."""

import numpy as np
import pytest
import torch

from attention.exercises.lesson05 import check_layer_norm, check_positional_encoding, check_pre_ln_block


def _angles(T, d):
    return np.arange(T)[:, None] / 10000 ** (np.arange(0, d, 2)[None, :] / d)  # (T, d/2)


def pe_right(T, d):
    pe = np.zeros((T, d))
    pe[:, 0::2], pe[:, 1::2] = np.sin(_angles(T, d)), np.cos(_angles(T, d))
    return pe


def pe_torch(T, d):
    pos = torch.arange(T).float()[:, None]
    div = torch.exp(torch.arange(0, d, 2).float() * (-np.log(10000.0) / d))
    pe = torch.zeros(T, d)
    pe[:, 0::2], pe[:, 1::2] = torch.sin(pos * div), torch.cos(pos * div)
    return pe


def pe_swapped(T, d):
    pe = np.zeros((T, d))
    pe[:, 0::2], pe[:, 1::2] = np.cos(_angles(T, d)), np.sin(_angles(T, d))
    return pe


def pe_own_freq(T, d):
    a = np.arange(T)[:, None] / 10000 ** (np.arange(d)[None, :] / d)
    return np.where(np.arange(d) % 2 == 0, np.sin(a), np.cos(a))


def pe_multiplied(T, d):
    a = np.arange(T)[:, None] * 10000 ** (np.arange(0, d, 2)[None, :] / d)
    pe = np.zeros((T, d))
    pe[:, 0::2], pe[:, 1::2] = np.sin(a), np.cos(a)
    return pe


def pe_pair_index(T, d):
    a = np.arange(T)[:, None] / 10000 ** (np.arange(d // 2)[None, :] / d)  # i where 2i belongs
    pe = np.zeros((T, d))
    pe[:, 0::2], pe[:, 1::2] = np.sin(a), np.cos(a)
    return pe


def pe_stub(T, d):
    raise NotImplementedError("your code here")


def test_positional_encoding_right_answers_pass():
    assert check_positional_encoding(pe_right).passed
    assert check_positional_encoding(pe_torch).passed


@pytest.mark.parametrize(
    "answer, message",
    [
        (pe_swapped, "sin and cos are swapped"),
        (lambda T, d: np.concatenate([np.sin(_angles(T, d)), np.cos(_angles(T, d))], axis=1), "interleave them"),
        (pe_own_freq, "share ONE frequency"),
        (pe_multiplied, "instead of dividing"),
        (pe_pair_index, "not i/d_model"),
        (lambda T, d: pe_right(T + 1, d)[1:], "shifted by one"),
        (lambda T, d: pe_right(T, d).T, "transposed"),
        (lambda T, d: pe_right(T, d)[:, : d // 2], "has shape (6, 2), expected (6, 4)"),
        (lambda T, d: pe_right(T, d) * 2, "differs from the expected values"),
        (lambda T, d: np.zeros(T)[T], "IndexError"),
    ],
)
def test_positional_encoding_typical_mistakes(answer, message):
    result = check_positional_encoding(answer)
    assert result.status == "wrong", result
    assert message in result.message


def test_positional_encoding_stub_and_non_function():
    assert check_positional_encoding(pe_stub).status == "todo"
    with pytest.raises(ValueError, match="positional_encoding must be a function"):
        check_positional_encoding(pe_right(4, 4))


def ln_right(x, eps):
    mu = x.mean(-1, keepdim=True)
    var = ((x - mu) ** 2).mean(-1, keepdim=True)
    return (x - mu) / torch.sqrt(var + eps)


@pytest.mark.parametrize(
    "answer, message",
    [
        (lambda x, eps: (x - x.mean(-1, keepdim=True)) / torch.sqrt(x.var(-1, keepdim=True) + eps), "unbiased=False"),
        (lambda x, eps: (x - x.mean(-1, keepdim=True)) / (x.std(-1, keepdim=True, unbiased=False) + eps), "inside the square"),
        (lambda x, eps: (x - x.mean(-1, keepdim=True)) / (x.var(-1, keepdim=True, unbiased=False) + eps), "not by the variance"),
        (lambda x, eps: x / torch.sqrt(x.var(-1, keepdim=True, unbiased=False) + eps), "subtract the mean"),
        (lambda x, eps: (x - x.mean(1, keepdim=True)) / torch.sqrt(x.var(1, keepdim=True, unbiased=False) + eps), "over axis 1"),
        (lambda x, eps: (x - x.mean(0, keepdim=True)) / torch.sqrt(x.var(0, keepdim=True, unbiased=False) + eps), "over axis 0"),
        (lambda x, eps: (x - x.mean(-1, keepdim=True)) / x.std(-1, keepdim=True, unbiased=False), "NaN or inf"),
        (lambda x, eps: ln_right(x, eps)[..., :3], "has shape (2, 5, 3)"),
        (lambda x, eps: ln_right(x, eps) + 0.1, "differs from the expected values"),
    ],
)
def test_layer_norm_typical_mistakes(answer, message):
    result = check_layer_norm(answer)
    assert result.status == "wrong", result
    assert message in result.message


def test_layer_norm_right_stub_and_non_function():
    assert check_layer_norm(ln_right).passed
    shortcut = check_layer_norm(lambda x, eps: torch.nn.functional.layer_norm(x, x.shape[-1:], eps=eps))
    assert shortcut.status == "wrong" and "calls torch's layer_norm" in shortcut.message
    module = check_layer_norm(lambda x, eps: torch.nn.LayerNorm(x.shape[-1], eps=eps, dtype=x.dtype)(x))
    assert module.status == "wrong" and "calls torch's layer_norm" in module.message
    assert check_layer_norm(lambda x, eps: None).status == "wrong"
    with pytest.raises(ValueError, match="layer_norm must be a function"):
        check_layer_norm("layer_norm")


def block_right(block, x, mask):
    x = x + block.self_attn(block.ln1(x), mask=mask)[0]
    return x + block.ffn(block.ln3(x))


def block_post_ln(block, x, mask):
    x = block.ln1(x + block.self_attn(x, mask=mask)[0])
    return block.ln3(x + block.ffn(x))


def block_no_mask(block, x, mask):
    x = x + block.self_attn(block.ln1(x))[0]
    return x + block.ffn(block.ln3(x))


def block_no_residual(block, x, mask):
    x = block.self_attn(block.ln1(x), mask=mask)[0]
    return block.ffn(block.ln3(x))


def block_no_ffn(block, x, mask):
    return x + block.self_attn(block.ln1(x), mask=mask)[0]


def block_normed_residual(block, x, mask):
    h = block.ln1(x)
    x = h + block.self_attn(h, mask=mask)[0]
    return x + block.ffn(block.ln3(x))


def block_no_attention_residual(block, x, mask):
    x = block.self_attn(block.ln1(x), mask=mask)[0]
    return x + block.ffn(block.ln3(x))


def block_no_ffn_residual(block, x, mask):
    x = x + block.self_attn(block.ln1(x), mask=mask)[0]
    return block.ffn(block.ln3(x))


def block_ffn_reads_old_x(block, x, mask):
    h = x + block.self_attn(block.ln1(x), mask=mask)[0]
    return h + block.ffn(block.ln3(x))


def block_one_norm(block, x, mask):
    x = x + block.self_attn(block.ln1(x), mask=mask)[0]
    return x + block.ffn(block.ln1(x))


def test_pre_ln_block_right_answer_passes():
    assert check_pre_ln_block(block_right).passed
    whole = check_pre_ln_block(lambda block, x, mask: block(x, mask=mask))  # the exercise is to assemble it
    assert whole.status == "wrong" and "calls block(x, mask=mask), the whole block" in whole.message
    assert check_pre_ln_block(lambda block, x, mask: block.forward(x, mask)).status == "wrong"


@pytest.mark.parametrize(
    "answer, message",
    [
        (block_post_ln, "post-LN"),
        (block_no_mask, "mask is ignored"),
        (block_no_residual, "residual connections are missing"),
        (block_no_ffn, "feed-forward step"),
        (block_normed_residual, "ORIGINAL x"),
        (block_one_norm, "block.ln3"),
        (block_no_attention_residual, "first residual is missing"),
        (block_no_ffn_residual, "second residual is missing"),
        (block_ffn_reads_old_x, "UPDATED x"),
        (lambda block, x, mask: block_right(block, x, mask)[:, :4], "has shape (2, 4, 8)"),
        (lambda block, x, mask: 2 * block_right(block, x, mask), "differs from the expected values"),
        (lambda block, x, mask: block.attn(x), "AttributeError"),
    ],
)
def test_pre_ln_block_typical_mistakes(answer, message):
    result = check_pre_ln_block(answer)
    assert result.status == "wrong", result
    assert message in result.message


def test_pre_ln_block_stub_and_non_function():
    def stub(block, x, mask):
        raise NotImplementedError("your code here")

    assert check_pre_ln_block(stub).status == "todo"
    with pytest.raises(ValueError, match="pre_ln_block must be a function"):
        check_pre_ln_block(42)
