"""Tests for attention.positional_decoder: each position scheme against the library's functions, and streaming."""

import math

import pytest
import torch

from attention import (
    OrderPad,
    PositionalDecoder,
    PositionalDecoderConfig,
    alibi_attention,
    apply_rope,
    causal_mask,
    scaled_dot_product_attention,
    sinusoidal_positions,
    sliding_window_mask,
    split_heads,
)


def model(position, layers=1, seed=0):
    torch.manual_seed(seed)
    return PositionalDecoder(PositionalDecoderConfig(20, 5, position=position, num_layers=layers)).double().eval()


def attention_by_library(m: PositionalDecoder, x: torch.Tensor, position: str):
    """The first block's attention output computed with the library's tested functions."""
    attn = m.blocks[0]["attn"]
    h = attn.num_heads
    q, k, v = (split_heads(t, h) for t in attn.w_qkv(x).chunk(3, dim=-1))  # (B, h, T, d_k) each
    T = x.shape[1]
    if position == "rope":
        q, k = apply_rope(q), apply_rope(k)
    if position == "alibi":
        out, _ = alibi_attention(q, k, v, mask=causal_mask(T))
    else:
        out, _ = scaled_dot_product_attention(q, k, v, mask=causal_mask(T))
    return attn.w_o(out.transpose(1, 2).reshape(x.shape))


@pytest.mark.parametrize("position", ["sinusoidal", "rope", "alibi", "none"])
def test_attention_equals_the_library_functions(position):
    m = model(position)
    x = torch.randn(2, 9, 32, dtype=torch.float64)
    torch.testing.assert_close(m.blocks[0]["attn"](x), attention_by_library(m, x, position), atol=1e-12, rtol=0)


def test_sinusoidal_adds_the_table_and_the_others_do_not():
    tokens = torch.randint(0, 20, (2, 6), generator=torch.Generator().manual_seed(1))
    m = model("sinusoidal")
    seen = {}
    m.blocks[0]["ln1"].register_forward_hook(lambda mod, inp, out: seen.update(x=inp[0]))
    m(tokens)
    torch.testing.assert_close(seen["x"], m.embed(tokens) + sinusoidal_positions(6, 32).double())


@pytest.mark.parametrize("position", ["sinusoidal", "rope", "alibi", "none"])
def test_causal_no_position_sees_the_future(position):
    m = model(position, layers=2)
    tokens = torch.randint(0, 20, (3, 10), generator=torch.Generator().manual_seed(2))
    changed = tokens.clone()
    changed[:, 6:] = (changed[:, 6:] + 1) % 20
    with torch.no_grad():
        torch.testing.assert_close(m(tokens)[:, :6], m(changed)[:, :6])
    assert m.attention_weights().shape == (2, 3, 4, 10, 10)


@pytest.mark.parametrize("position", ["rope", "alibi", "none"])
def test_stream_with_a_large_cache_equals_the_full_pass(position):
    m = model(position, layers=2)
    tokens = torch.randint(0, 20, (2, 12), generator=torch.Generator().manual_seed(3))
    with torch.no_grad():
        torch.testing.assert_close(m.stream(tokens, window=12), m(tokens), atol=1e-12, rtol=0)


def test_one_layer_stream_equals_windowed_attention_renumbered():
    """With one layer, the cache's answer at position i is the full pass over the kept tokens, renumbered 0, 1, ..."""
    m = model("rope")
    tokens = torch.randint(0, 20, (2, 15), generator=torch.Generator().manual_seed(4))
    with torch.no_grad():
        streamed = m.stream(tokens, window=4, num_sinks=1)
        for i in range(15):
            kept = [j for j in range(i + 1) if j < 1 or j > i - 4]
            torch.testing.assert_close(streamed[:, i], m(tokens[:, kept])[:, -1], atol=1e-12, rtol=0)
    assert sliding_window_mask(15, window=4, num_sinks=1)[14].nonzero().flatten().tolist() == [0, 11, 12, 13, 14]


def test_learns_the_order_pad_quickly(one_thread):
    from torch.nn import functional as F

    from attention import answer_accuracy, train

    pad = OrderPad(num_tables=2, num_dishes=4)
    m = PositionalDecoder(PositionalDecoderConfig(pad.vocab_size, pad.num_answers, position="rope"))
    losses = train(
        m,
        lambda step, g: pad.last_order(64, 6, g),
        lambda mod, b: F.cross_entropy(mod(b[0])[:, -1], b[1]),
        steps=300,
        seed=0,
        progress=False,
    )
    x, y = pad.last_order(500, 6, torch.Generator().manual_seed(9))
    with torch.no_grad():
        assert answer_accuracy(m(x)[:, -1], y) > 0.8
    assert losses[-1] < 0.5 * losses[0] and math.isfinite(losses[-1])


@pytest.mark.parametrize(
    "call, words",
    [
        (lambda: PositionalDecoder(PositionalDecoderConfig(5, 2, position="learned")), "position must be one of"),
        (lambda: PositionalDecoder(PositionalDecoderConfig(5, 2, d_model=30, num_heads=4)), "must divide"),
        (lambda: PositionalDecoder(PositionalDecoderConfig(5, 2, d_model=12, num_heads=4)), "even head size"),
        (lambda: PositionalDecoder(PositionalDecoderConfig(0, 2)), "vocab_size"),
        (lambda: model("rope")(torch.zeros(2, 3)), "integer tensor"),
        (lambda: model("rope")(torch.full((1, 3), 20)), "token ids"),
        (lambda: model("sinusoidal")(torch.zeros(1, 600, dtype=torch.long)), "max_len"),
        (lambda: model("sinusoidal").stream(torch.zeros(1, 3, dtype=torch.long), 2), "relative positions"),
        (lambda: model("rope").stream(torch.zeros(1, 3, dtype=torch.long), 0), "window"),
        (lambda: model("rope").attention_weights(), "no attention weights"),
    ],
)
def test_bad_input_names_the_problem(call, words):
    with pytest.raises(ValueError) as error:
        call()
    assert words in str(error.value)
