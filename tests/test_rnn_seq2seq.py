"""The GRU encoder-decoder of lesson 06 and its copy task: shapes, padding, teacher forcing vs generation, inputs."""

import pytest
import torch

from attention import CopyTask, Seq2SeqRNN, additive_attention, scaled_dot_product_attention, symbol_accuracy, train


def test_copy_task_batches():
    task = CopyTask(num_symbols=5, min_len=2, max_len=6, batch_size=8)
    b = task.make_batch(0, torch.Generator().manual_seed(0))
    assert b.src.shape == b.target.shape == b.dec_in.shape == (8, int(b.lengths.max()))
    assert ((b.lengths >= 2) & (b.lengths <= 6)).all()
    for row, n in zip(b.src, b.lengths):
        assert (row[:n] < 5).all() and (row[n:] == task.pad).all()
    assert torch.equal(b.target, b.src) and (b.dec_in[:, 0] == task.bos).all()
    assert torch.equal(b.dec_in[:, 1:], b.target[:, :-1])
    h1, h2 = task.heldout(4), task.heldout(4)
    assert torch.equal(h1.src, h2.src) and h1.src.shape == (200, 4) and not torch.equal(h1.src[:, :3], task.heldout(3).src)


def test_copy_task_bad_arguments():
    with pytest.raises(ValueError, match="min_len"):
        CopyTask(min_len=5, max_len=3)
    with pytest.raises(ValueError, match="num_symbols"):
        CopyTask(num_symbols=0)
    with pytest.raises(ValueError, match="lengths"):
        CopyTask().batch(torch.tensor([0, 2]), torch.Generator())


@pytest.mark.parametrize("kind", [None, "additive", "dot"])
def test_shapes_weights_and_padding(kind):
    torch.manual_seed(0)
    task = CopyTask(num_symbols=6, min_len=1, max_len=7, batch_size=5)
    model = Seq2SeqRNN(task.vocab_size, task.num_symbols, d_hidden=8, attention=kind)
    b = task.make_batch(0, torch.Generator().manual_seed(1))
    logits = model(b.src, b.lengths, b.dec_in)
    assert logits.shape == (5, b.src.shape[1], 6)
    if kind is None:
        assert model.last_weights is None
    else:
        w = model.last_weights  # (B, T_out, T_in)
        assert w.shape == (5, b.src.shape[1], b.src.shape[1])
        torch.testing.assert_close(w.sum(-1), torch.ones(5, b.src.shape[1]))
        pad = (b.src == task.pad)[:, None, :].expand_as(w)
        assert (w[pad] == 0).all()  # no step looks at padding
    # what stands after an input's end (padding) changes nothing
    other = b.src.clone()
    other[b.src == task.pad] = 0
    torch.testing.assert_close(model(other, b.lengths, b.dec_in), logits)


@pytest.mark.parametrize("kind", [None, "additive", "dot"])
def test_greedy_equals_teacher_forcing_on_its_own_outputs(kind):
    torch.manual_seed(1)
    task = CopyTask(num_symbols=6, min_len=3, max_len=5, batch_size=4)
    model = Seq2SeqRNN(task.vocab_size, task.num_symbols, d_hidden=8, attention=kind)
    b = task.make_batch(0, torch.Generator().manual_seed(2))
    pred = model.greedy(b.src, b.lengths, 5, task.bos)  # (B, 5)
    dec_in = torch.cat([torch.full((4, 1), task.bos), pred[:, :-1]], dim=1)
    with torch.no_grad():
        assert torch.equal(model(b.src, b.lengths, dec_in).argmax(-1), pred)


def test_attention_step_equals_the_library_functions():
    torch.manual_seed(2)
    task = CopyTask(num_symbols=4, min_len=2, max_len=5, batch_size=3)
    b = task.make_batch(0, torch.Generator().manual_seed(3))
    mask = (torch.arange(b.src.shape[1])[None, :] < b.lengths[:, None])[:, None, :]
    for kind in ("additive", "dot"):
        model = Seq2SeqRNN(task.vocab_size, task.num_symbols, d_hidden=6, attention=kind)
        states, last = model.encode(b.src, b.lengths)
        context, weights = model._context(last, states, last, mask)
        if kind == "additive":
            ref_c, ref_w = additive_attention(last[:, None], states, states, *model.additive.weight_tensors(), mask=mask)
        else:
            ref_c, ref_w = scaled_dot_product_attention(last[:, None], states, states, mask=mask)
        torch.testing.assert_close(context, ref_c[:, 0])
        torch.testing.assert_close(weights, ref_w[:, 0])
        assert torch.equal(last, states[torch.arange(3), b.lengths - 1])


def test_gradients_reach_every_parameter():
    torch.manual_seed(3)
    task = CopyTask(num_symbols=5, min_len=2, max_len=4, batch_size=6)
    model = Seq2SeqRNN(task.vocab_size, task.num_symbols, d_hidden=8, attention="additive")
    model.loss(task.make_batch(0, torch.Generator().manual_seed(0)), task.pad).backward()
    assert all(p.grad is not None and p.grad.abs().sum() > 0 for p in model.parameters())


def test_attention_learns_a_short_copy_task():
    torch.manual_seed(0)
    task = CopyTask(num_symbols=5, min_len=2, max_len=5, batch_size=32)
    model = Seq2SeqRNN(task.vocab_size, task.num_symbols, d_hidden=16, attention="additive")
    losses = train(model, task.make_batch, lambda m, b: m.loss(b, task.pad), steps=300, lr=1e-2, progress=False)
    held = task.heldout(5)
    assert losses[-1] < losses[0] / 3
    assert symbol_accuracy(model.greedy(held.src, held.lengths, 5, task.bos), held.target, task.pad) > 0.8


def test_bad_inputs():
    model = Seq2SeqRNN(8, 6, d_hidden=4)
    src, lengths = torch.zeros(2, 3, dtype=torch.long), torch.tensor([3, 2])
    with pytest.raises(ValueError, match="attention must be one of"):
        Seq2SeqRNN(8, 6, attention="luong")
    with pytest.raises(ValueError, match=r"src \(2, 3\), lengths \(3,\)"):
        model(src, torch.tensor([1, 2, 3]), src)
    with pytest.raises(ValueError, match="lengths must lie in 1..T_in=3"):
        model(src, torch.tensor([4, 1]), src)
    with pytest.raises(ValueError, match="src must be an integer tensor"):
        model(src.float(), lengths, src)
    with pytest.raises(ValueError, match="steps"):
        model.greedy(src, lengths, 0, 6)
    with pytest.raises(ValueError, match="d_hidden"):
        Seq2SeqRNN(8, 6, d_hidden=0)
    with pytest.raises(ValueError, match=r"pred \(2, 3\), target \(2, 4\)"):
        symbol_accuracy(src, torch.zeros(2, 4, dtype=torch.long), pad=7)
    assert symbol_accuracy(torch.tensor([[1, 2, 0]]), torch.tensor([[1, 3, 7]]), pad=7) == 0.5
