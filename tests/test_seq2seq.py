"""The encoder-decoder Transformer: shapes, masks, padding, causality, decoding, training. Mirrors notebook 07."""

import pytest
import torch

from attention.dates import BOS, EOS, PAD, DateTask
from attention.seq2seq import Seq2SeqConfig, Seq2SeqTransformer
from attention.train import train

pytestmark = pytest.mark.usefixtures("one_thread")

V = 20  # vocabulary size of the random tests


def make_model(seed=0, **sizes):
    torch.manual_seed(seed)
    config = Seq2SeqConfig(vocab_size=V, d_model=32, num_heads=4, d_ff=64, max_len=24, **sizes)
    return Seq2SeqTransformer(config).eval()


def random_ids(B, T, seed, low=3):
    return torch.randint(low, V, (B, T), generator=torch.Generator().manual_seed(seed))


@pytest.mark.parametrize("seed", [0, 1])
@pytest.mark.parametrize("B, T_in, T_out, layers", [(2, 7, 5, 2), (3, 12, 4, 1), (1, 5, 9, 3)])
def test_shapes(seed, B, T_in, T_out, layers):
    model = make_model(seed, num_encoder_layers=2, num_decoder_layers=layers)
    src, dec_in = random_ids(B, T_in, seed), random_ids(B, T_out, seed + 10)
    memory, mask = model.encode(src)
    assert memory.shape == (B, T_in, 32) and mask.shape == (B, 1, T_in)
    assert model(src, dec_in).shape == (B, T_out, V)
    weights = model.cross_attention_weights(src, dec_in)
    assert weights.shape == (layers, B, 4, T_out, T_in)  # queries from the decoder, keys from the encoder
    torch.testing.assert_close(weights.sum(-1), torch.ones(layers, B, 4, T_out))


def test_padded_source_positions_get_no_cross_attention():
    model = make_model()
    src = random_ids(2, 8, 0)
    src[0, 5:] = PAD
    weights = model.cross_attention_weights(src, random_ids(2, 4, 1))  # (L, B, h, T_out, T_in)
    assert (weights[:, 0, :, :, 5:] == 0).all()
    assert (weights[:, 1] > 0).all()
    enc_weights = model.encoder[0].self_attn.last_weights  # (B, h, T_in, T_in)
    assert (enc_weights[0, :, :, 5:] == 0).all()


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_padding_does_not_change_the_outputs(seed):
    model = make_model(seed)
    short, dec_in = random_ids(1, 5, seed), random_ids(1, 6, seed + 1)
    alone = model(short, dec_in)  # (1, 6, V)
    padded = torch.cat([short, torch.full((1, 7), PAD)], dim=1)  # (1, 12)
    batch = torch.cat([padded, random_ids(1, 12, seed + 2)])  # next to a longer source
    together = model(batch, torch.cat([dec_in, dec_in]))
    torch.testing.assert_close(together[:1], alone, atol=1e-5, rtol=1e-5)
    assert not torch.allclose(together[1], alone[0], atol=1e-3)  # the other source gives other outputs


def test_decoder_is_causal_and_reads_the_source():
    model = make_model()
    src, dec_in = random_ids(2, 9, 0), random_ids(2, 7, 1)
    logits = model(src, dec_in)
    changed = dec_in.clone()
    changed[:, 4] = (changed[:, 4] + 1 - 3) % (V - 3) + 3  # another token at position 4
    after = model(src, changed)
    torch.testing.assert_close(after[:, :4], logits[:, :4])  # earlier positions cannot see the future
    assert not torch.allclose(after[:, 4:], logits[:, 4:])
    other_src = src.flip(1)
    assert not torch.allclose(model(other_src, dec_in), logits)  # every position reads the source


def test_greedy_decode_agrees_with_teacher_forcing_on_its_own_output():
    model = make_model(3)
    src = random_ids(4, 10, 3)
    out = model.greedy_decode(src, BOS, EOS, max_len=8)
    assert out.shape == (4, 8) and out.dtype == torch.long
    dec_in = torch.cat([torch.full((4, 1), BOS), out[:, :-1]], dim=1)  # (4, 8): <bos> + output shifted right
    again = model(src, dec_in).argmax(-1)  # (4, 8)
    for b in range(4):
        ends = (out[b] == EOS).nonzero()
        n = int(ends[0]) + 1 if len(ends) else 8
        assert torch.equal(again[b, :n], out[b, :n])
        assert (out[b, n:] == EOS).all()


def test_bad_inputs():
    model = make_model()
    src = random_ids(2, 6, 0)
    with pytest.raises(ValueError, match="src must be a LongTensor"):
        model(src.float(), src)
    with pytest.raises(ValueError, match="dec_in must be a LongTensor"):
        model(src, src[0])
    with pytest.raises(ValueError, match="share the batch size"):
        model(src, src[:1])
    with pytest.raises(ValueError, match="max_len=24"):
        model(random_ids(1, 30, 0), src[:1])
    with pytest.raises(ValueError, match="outside 0..19"):
        model(src + V, src)
    with pytest.raises(ValueError, match="max_len must be"):
        model.greedy_decode(src, BOS, EOS, max_len=0)
    with pytest.raises(ValueError, match="target must have the shape"):
        model.loss(src, src, src[:, :3])


def test_a_short_training_run_learns_the_dates_task():
    task = DateTask(batch_size=32)
    torch.manual_seed(0)
    config = Seq2SeqConfig(vocab_size=len(task.vocab), d_model=32, num_heads=2, d_ff=64, num_decoder_layers=1, max_len=32)
    model = Seq2SeqTransformer(config)
    heldout = task.to_batch(task.heldout()[:64])
    with torch.no_grad():
        before = model.loss(*heldout).item()
    losses = train(model, task.make_batch, lambda m, b: m.loss(*b), steps=60, lr=5e-3, progress=False)
    with torch.no_grad():
        after = model.loss(*heldout).item()
    assert sum(losses[-10:]) < 0.6 * sum(losses[:10])
    assert after < 0.5 * before  # it learned something that carries over to dates it never saw


def test_without_the_causal_mask_earlier_positions_see_the_future():
    """causal=False (lesson 07's ablation): the same weights, but every decoder position reads all of dec_in."""
    model, open_model = make_model(), make_model(causal=False)
    open_model.load_state_dict(model.state_dict())
    src, dec_in = random_ids(2, 9, 0), random_ids(2, 7, 1)
    changed = dec_in.clone()
    changed[:, 4] = (changed[:, 4] + 1 - 3) % (V - 3) + 3  # another token at position 4
    assert not torch.allclose(open_model(src, changed)[:, :4], open_model(src, dec_in)[:, :4])
    torch.testing.assert_close(model(src, changed)[:, :4], model(src, dec_in)[:, :4])
    # with one decoder layer the last position sees the same either way: with and without the mask it agrees
    one, open_one = make_model(num_decoder_layers=1), make_model(num_decoder_layers=1, causal=False)
    open_one.load_state_dict(one.state_dict())
    torch.testing.assert_close(open_one(src, dec_in)[:, -1], one(src, dec_in)[:, -1])
    with pytest.raises(ValueError, match="causal"):
        make_model(causal="no")
