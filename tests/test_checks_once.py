"""Inputs are checked once, at the public entry point; inner code calls the unchecked cores (issue 15)."""

import pytest
import torch

import attention.block
import attention.multi_head
import attention.scaled_dot_product
import attention.seq2seq
from attention import DecoderConfig, MultiHeadAttention, Seq2SeqConfig, Seq2SeqTransformer, TinyDecoder, TransformerBlock


@pytest.fixture
def calls(monkeypatch):
    """Count the calls of every check function the layers use, in the modules that call them."""
    counted: dict[str, int] = {}

    def count(module, name):
        original = getattr(module, name)

        def wrapper(*args, **kwargs):
            key = f"{module.__name__.split('.')[-1]}.{name}"
            counted[key] = counted.get(key, 0) + 1
            return original(*args, **kwargs)

        monkeypatch.setattr(module, name, wrapper)

    for module in (attention.block, attention.multi_head, attention.scaled_dot_product):
        for name in ("check_tokens", "check_float_tensors", "check_mask", "check_qkv", "check_module_dtype"):
            if hasattr(module, name):
                count(module, name)
    count(attention.seq2seq, "_check_ids")
    count(MultiHeadAttention, "check_mask")
    return counted


def test_a_decoder_checks_its_tokens_and_nothing_inside(calls):
    model = TinyDecoder(DecoderConfig(vocab_size=11, max_len=13, num_layers=3))
    model(torch.randint(0, 11, (2, 12)))
    model.generate(torch.randint(0, 11, (2, 6)), num_new=6)
    assert calls == {}  # no block, attention layer or mask is re-checked, in any layer or decoding step


def test_a_seq2seq_model_checks_each_input_once(calls):
    model = Seq2SeqTransformer(Seq2SeqConfig(vocab_size=20, num_encoder_layers=2, num_decoder_layers=2))
    model(torch.randint(3, 20, (2, 9)), torch.randint(3, 20, (2, 5)))
    assert calls == {"seq2seq._check_ids": 2}  # src and dec_in, not again in encode, decode or the blocks
    calls.clear()
    model.greedy_decode(torch.randint(3, 20, (2, 9)), bos_id=1, eos_id=2, max_len=6)
    assert calls == {"seq2seq._check_ids": 1}  # the source once, not at each of the decoding steps


def test_a_block_and_an_attention_layer_check_at_their_own_door_once(calls):
    block = TransformerBlock(8, 2, 16)
    block(torch.randn(2, 5, 8), mask=torch.ones(5, 5, dtype=torch.bool))
    # the mask once, by the attention layer's rule (MultiHeadAttention.check_mask -> the shared check_mask)
    assert calls == {
        "block.check_tokens": 1,
        "block.check_module_dtype": 1,
        "MultiHeadAttention.check_mask": 1,
        "multi_head.check_mask": 1,
    }
    calls.clear()
    MultiHeadAttention(8, 2)(torch.randn(2, 5, 8), mask=torch.ones(2, 5, 5, dtype=torch.bool))
    assert calls == {
        "multi_head.check_float_tensors": 1,
        "multi_head.check_module_dtype": 1,
        "MultiHeadAttention.check_mask": 1,
        "multi_head.check_mask": 1,
    }
