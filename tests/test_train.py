"""Tests for the training loop and exact-sequence accuracy (notebooks/05_transformer_block.ipynb)."""

import time

import pytest
import torch
from torch import nn
from torch.nn import functional as F

from attention.block import PositionalEncoding, TransformerBlock
from attention.tasks import ToyTask
from attention.train import sequence_accuracy, train

pytestmark = pytest.mark.usefixtures("one_thread")


class _Encoder(nn.Module):
    """Embedding + positions + one block + linear: output i predicts target i (no mask needed)."""

    def __init__(self, vocab, d_model=32):
        super().__init__()
        self.embed = nn.Embedding(vocab, d_model)
        self.pos = PositionalEncoding(d_model)
        self.block = TransformerBlock(d_model, 2, 64)
        self.out = nn.Linear(d_model, vocab)

    def forward(self, x):
        return self.out(self.block(self.pos(self.embed(x))))  # (B, T, vocab)


def _setup(seed=0, length=5):
    task = ToyTask("reverse", length=length)
    torch.manual_seed(seed)
    model = _Encoder(task.vocab_size)

    def make_batch(step, g):
        return task.sample(64, g)

    def loss_fn(m, batch):
        x, y = batch
        return F.cross_entropy(m(x).flatten(0, 1), y.flatten())

    return task, model, make_batch, loss_fn


def test_training_reaches_target_on_held_out_data():
    task, model, make_batch, loss_fn = _setup(length=4)
    start = time.perf_counter()
    losses = train(model, make_batch, loss_fn, steps=200, lr=5e-3, progress=False)
    assert time.perf_counter() - start < 60  # about 3 s on an idle 2-core machine
    assert len(losses) == 200 and losses[-1] < 0.2 * losses[0]
    x, y = task.heldout()
    with torch.no_grad():
        acc = sequence_accuracy(model(x).argmax(-1), y)
    assert acc >= 0.95, acc
    assert not model.training


def test_training_is_reproducible_and_seed_matters():
    runs = []
    for seed in (0, 0, 1):
        _, model, make_batch, loss_fn = _setup(length=3)
        runs.append(train(model, make_batch, loss_fn, steps=10, seed=seed, progress=False))
    assert runs[0] == runs[1]  # bit-identical
    assert runs[0] != runs[2]


def test_train_restores_global_rng_and_passes_step_and_generator():
    seen = []
    model = nn.Linear(2, 1)

    def make_batch(step, g):
        seen.append((step, isinstance(g, torch.Generator)))
        return torch.randn(4, 2, generator=g)

    torch.manual_seed(5)
    expected = torch.rand(1)
    torch.manual_seed(5)
    train(model, make_batch, lambda m, b: m(b).pow(2).mean(), steps=3, progress=False)
    assert torch.equal(torch.rand(1), expected)
    assert seen == [(0, True), (1, True), (2, True)]


def test_progress_bar_is_plain_text(capsys):
    model = nn.Linear(2, 1)
    train(model, lambda s, g: torch.randn(4, 2, generator=g), lambda m, b: m(b).pow(2).mean(), steps=5, desc="toy")
    out, err = capsys.readouterr()
    assert "toy" in out and "5/5" in out  # on stdout: JupyterLab shows stderr on a pink error background
    assert err == ""


def test_train_bad_inputs():
    model = nn.Linear(2, 1)
    ok_batch, ok_loss = (lambda s, g: torch.randn(4, 2)), (lambda m, b: m(b).pow(2).mean())
    with pytest.raises(ValueError, match="steps"):
        train(model, ok_batch, ok_loss, steps=0, progress=False)
    with pytest.raises(ValueError, match="lr"):
        train(model, ok_batch, ok_loss, steps=2, lr=0, progress=False)
    with pytest.raises(ValueError, match="warmup"):
        train(model, ok_batch, ok_loss, steps=2, warmup=3, progress=False)
    with pytest.raises(ValueError, match="scalar"):
        train(model, ok_batch, lambda m, b: m(b), steps=2, progress=False)
    with pytest.raises(ValueError, match="no trainable"):
        train(nn.ReLU(), ok_batch, ok_loss, steps=2, progress=False)
    assert not model.training  # left in eval mode even after an error


def test_sequence_accuracy():
    target = torch.tensor([[1, 2, 3], [4, 5, 6], [7, 8, 0]])
    pred = torch.tensor([[1, 2, 3], [4, 5, 0], [7, 8, 9]])
    assert sequence_accuracy(pred, target) == pytest.approx(1 / 3)
    assert sequence_accuracy(pred, target, pad=0) == pytest.approx(2 / 3)  # last row's mismatch is padding
    assert sequence_accuracy(target, target) == 1.0
    with pytest.raises(ValueError, match=r"\(N, T\).*\(3, 2\)"):
        sequence_accuracy(pred[:, :2], target)
    with pytest.raises(ValueError, match="integers"):
        sequence_accuracy(pred.float(), target)
    with pytest.raises(ValueError, match="N=0"):
        sequence_accuracy(pred[:0], target[:0])


def test_lr_factors_warm_up_then_cosine_and_train_follows_them(monkeypatch):
    from attention import lr_factors

    f = lr_factors(200)  # warm-up: 5% = 10 steps
    assert len(f) == 200
    assert f[:10] == pytest.approx([(s + 1) / 10 for s in range(10)])  # linear up to the full rate
    assert f[10] == pytest.approx(1.0) and f[-1] == pytest.approx(0.1, abs=1e-3)  # cosine down to 10%
    assert all(a >= b for a, b in zip(f[10:], f[11:]))
    assert lr_factors(50, warmup=5, schedule="constant")[5:] == [1.0] * 45
    assert lr_factors(3, warmup=0)[0] == 1.0
    # train() uses exactly these factors: record the learning rate of every optimizer step
    task, model, make_batch, loss_fn = _setup()
    opt_lrs = []
    original = torch.optim.AdamW

    class Recording(original):
        def step(self, closure=None):
            opt_lrs.append(self.param_groups[0]["lr"])
            return super().step(closure)

    monkeypatch.setattr(torch.optim, "AdamW", Recording)
    train(model, make_batch, loss_fn, steps=40, lr=2.0e-3, progress=False, warmup=4)
    assert opt_lrs == pytest.approx([2.0e-3 * v for v in lr_factors(40, warmup=4)])


@pytest.mark.parametrize(
    "kwargs", [{"steps": 0}, {"steps": 10, "warmup": 11}, {"steps": 10, "schedule": "step"}, {"steps": True}]
)
def test_lr_factors_bad_inputs(kwargs):
    from attention import lr_factors

    with pytest.raises(ValueError):
        lr_factors(**kwargs)
