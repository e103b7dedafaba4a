"""Tests for the tiny causal decoder (notebooks/05_transformer_block.ipynb)."""

import pytest
import torch

from attention.block import TransformerBlock
from attention.tasks import ToyTask
from attention.train import sequence_accuracy, train
from attention.transformer import DecoderConfig, TinyDecoder, answer_loss, mirror_hits

pytestmark = pytest.mark.usefixtures("one_thread")


def _model(seed=0, **kw):
    torch.manual_seed(seed)
    return TinyDecoder(DecoderConfig(vocab_size=11, max_len=16, d_model=16, num_heads=2, d_ff=32, **kw))


def test_shapes_and_weights():
    model = _model(num_layers=3)
    tokens = torch.randint(0, 11, (4, 9))
    logits = model(tokens)
    assert logits.shape == (4, 9, 11)
    assert all(isinstance(b, TransformerBlock) and b.cross_attn is None for b in model.blocks)
    w = model.attention_weights()
    assert w.shape == (3, 4, 2, 9, 9)
    torch.testing.assert_close(w.sum(-1), torch.ones(3, 4, 2, 9))
    assert torch.all(w.triu(diagonal=1) == 0)  # no weight on the future


@pytest.mark.parametrize("seed", [0, 1])
def test_causal_logits_do_not_see_the_future(seed):
    model = _model(seed)
    g = torch.Generator().manual_seed(seed)
    a = torch.randint(0, 11, (2, 10), generator=g)
    b = a.clone()
    b[:, 6:] = (a[:, 6:] + 1) % 11  # change every token from position 6 on
    la, lb = model(a), model(b)
    torch.testing.assert_close(la[:, :6], lb[:, :6])  # positions 0..5 unchanged
    assert not torch.allclose(la[:, 6:], lb[:, 6:])


def test_generate_is_greedy_and_consistent_with_forward():
    model = _model()
    prefix = torch.randint(0, 11, (3, 4))
    out = model.generate(prefix, 3)
    assert out.shape == (3, 3)
    full = torch.cat([prefix, out], dim=1)
    torch.testing.assert_close(model(full[:, :-1])[:, 3:].argmax(-1), out)  # each new token = argmax given the ones before
    model.train()
    model.generate(prefix, 1)
    assert model.training  # mode restored


def test_answer_loss_scores_only_the_answer():
    model = _model()
    seq = torch.randint(0, 10, (2, 7))
    loss = answer_loss(model, seq, 4)
    logits = model(seq[:, :-1])
    manual = torch.nn.functional.cross_entropy(logits[:, 3:].reshape(-1, 11), seq[:, 4:].reshape(-1))
    torch.testing.assert_close(loss, manual)
    seq2 = seq.clone()
    seq2[:, 6] = (seq[:, 6] + 1) % 10  # change the last answer token: the loss changes
    assert not torch.isclose(loss, answer_loss(model, seq2, 4))
    with pytest.raises(ValueError, match="answer_start=7"):
        answer_loss(model, seq, 7)


def test_gradients_reach_every_parameter():
    model = _model()
    answer_loss(model, torch.randint(0, 10, (2, 7)), 4).backward()
    for name, p in model.named_parameters():
        assert p.grad is not None and p.grad.abs().sum() > 0, name


def test_bad_inputs():
    model = _model()
    with pytest.raises(ValueError, match=r"integer tensor of shape \(B, T\)"):
        model(torch.zeros(2, 3))
    with pytest.raises(ValueError, match="max_len=16"):
        model(torch.zeros(1, 17, dtype=torch.long))
    with pytest.raises(ValueError, match=r"0\.\.10, got 0\.\.11"):
        model(torch.tensor([[0, 11]]))
    with pytest.raises(ValueError, match="num_new"):
        model.generate(torch.zeros(1, 2, dtype=torch.long), 0)
    with pytest.raises(ValueError, match="no attention weights"):
        _model().attention_weights()
    with pytest.raises(ValueError, match="positive"):
        TinyDecoder(DecoderConfig(vocab_size=0))


def test_mirror_hits_on_a_perfect_anti_diagonal():
    L, T = 3, 6
    w = torch.zeros(2, 1, T, T)  # (B, h, T, T)
    for q in range(L, 2 * L):
        w[:, 0, q, 2 * L - 1 - q] = 1.0
    assert mirror_hits(w, L).tolist() == [1.0]
    w[0, 0, L, 0] = 2.0  # one of 6 answer queries now looks elsewhere
    assert mirror_hits(w, L).item() == pytest.approx(5 / 6)
    with pytest.raises(ValueError, match="2 \\* length=8"):
        mirror_hits(w, 4)


def test_learns_to_reverse_with_mirrored_attention():
    task = ToyTask("reverse", length=4, batch_size=64)
    torch.manual_seed(0)
    model = TinyDecoder(DecoderConfig(task.vocab_size, max_len=task.seq_len, d_model=32, num_heads=2, d_ff=64))
    train(model, task.make_batch, lambda m, b: answer_loss(m, b, task.length + 1), steps=150, lr=5e-3, progress=False)
    x, y = task.heldout()
    prompt = torch.cat([x, torch.full((len(x), 1), task.sep)], dim=1)  # (N, L + 1)
    assert sequence_accuracy(model.generate(prompt, task.length), y) >= 0.99
    model(task.to_batch((x, y))[:, :-1])
    hits = mirror_hits(model.attention_weights(), task.length)  # (layers, heads)
    assert hits[-1].min() > 0.8, hits


def test_without_positions_the_decoder_sees_only_the_causal_prefix():
    """positions=False drops the positional encodings (lesson 05's ablation); the same weights otherwise."""
    with_pe, without = _model(), _model(positions=False)
    without.load_state_dict(with_pe.state_dict())
    tokens = torch.randint(0, 11, (2, 7))
    x = without.embed(tokens)
    assert not torch.allclose(with_pe(tokens), without(tokens))
    # without positions, the first position's output depends on its token only: same token, same logits
    same = torch.tensor([[3, 1, 4], [3, 5, 9]])
    out = without(same)
    torch.testing.assert_close(out[0, 0], out[1, 0])
    assert x.shape == (2, 7, 16)
    with pytest.raises(ValueError, match="positions"):
        TinyDecoder(DecoderConfig(vocab_size=11, positions="no"))
