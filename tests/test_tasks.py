"""Tests for the toy tasks (notebooks/05_transformer_block.ipynb)."""

import pytest
import torch

from attention.tasks import ToyTask


def test_reverse_and_sort_answers():
    x = torch.tensor([[3, 1, 4, 1, 5, 9]])
    assert ToyTask("reverse").solve(x).tolist() == [[9, 5, 1, 4, 1, 3]]
    assert ToyTask("sort").solve(x).tolist() == [[1, 1, 3, 4, 5, 9]]


def test_vocab_and_text_round_trip():
    task = ToyTask(length=3)
    assert task.sep == 10 and task.vocab_size == 11 and task.seq_len == 7
    ids = task.encode("3 1 4 | 4 1 3")
    assert ids.tolist() == [3, 1, 4, 10, 4, 1, 3]
    assert task.decode(ids) == "3 1 4 | 4 1 3"
    assert task.encode("314|413").tolist() == ids.tolist()
    with pytest.raises(ValueError, match="'x'"):
        task.encode("3 x 4")
    with pytest.raises(ValueError, match="token 11"):
        task.decode([11])
    with pytest.raises(ValueError, match="1-D"):
        task.decode(torch.zeros(2, 2, dtype=torch.long))


def test_to_batch_layout():
    task = ToyTask(length=4)
    x = torch.tensor([[3, 1, 4, 1]])
    full = task.to_batch((x, task.solve(x)))
    assert task.decode(full[0]) == "3 1 4 1 | 1 4 1 3"
    with pytest.raises(ValueError, match=r"length=4.*\(1, 3\)"):
        task.to_batch((x[:, :3], x))
    with pytest.raises(ValueError, match=r"pair \(inputs, targets\)"):
        task.to_batch(x)


def test_make_batch_is_to_batch_of_a_sample_like_date_task():
    """ToyTask and DateTask share one batch API: sample/heldout -> examples, to_batch, make_batch(step, generator)."""
    task = ToyTask(length=4, batch_size=5)
    batch = task.make_batch(0, torch.Generator().manual_seed(3))
    expected = task.to_batch(task.sample(5, torch.Generator().manual_seed(3)))
    assert batch.shape == (5, task.seq_len) and torch.equal(batch, expected)
    assert task.to_batch(task.heldout()).shape == (task.num_heldout, task.seq_len)
    with pytest.raises(ValueError, match="batch_size must be positive"):
        ToyTask(batch_size=0)


def test_heldout_is_fixed_distinct_and_correct():
    task = ToyTask(num_heldout=300)
    x, y = task.heldout()
    assert x.shape == (300, 6) and y.shape == (300, 6)
    assert len(torch.unique(x, dim=0)) == 300
    assert torch.equal(y, x.flip(-1))
    again = ToyTask(num_heldout=300).heldout()[0]
    assert torch.equal(x, again)
    other = ToyTask(num_heldout=300, heldout_seed=1).heldout()[0]
    assert not torch.equal(x, other)
    assert 0 <= x.min() and x.max() <= 9


def test_sample_is_seeded_and_disjoint_from_heldout():
    # a small space (3**4 = 81 inputs, 40 held out) makes clashes frequent, so rejection is really exercised
    for kind in ("reverse", "sort"):
        task = ToyTask(kind, length=4, num_symbols=3, num_heldout=40)
        held = {tuple(r) for r in task.heldout()[0].tolist()}
        x, y = task.sample(2000, torch.Generator().manual_seed(0))
        assert x.shape == (2000, 4)
        assert not held & {tuple(r) for r in x.tolist()}
        assert torch.equal(y, task.solve(x))
        x2, _ = task.sample(2000, torch.Generator().manual_seed(0))
        assert torch.equal(x, x2)
        x3, _ = task.sample(2000, torch.Generator().manual_seed(1))
        assert not torch.equal(x, x3)


def test_large_spaces_heldout():
    task = ToyTask(length=10, num_symbols=20, num_heldout=200)
    x, _ = task.heldout()
    assert x.shape == (200, 10) and len(torch.unique(x, dim=0)) == 200


def test_bad_configs_and_inputs():
    with pytest.raises(ValueError, match="kind"):
        ToyTask("copy")
    with pytest.raises(ValueError, match="num_symbols"):
        ToyTask(num_symbols=1)
    with pytest.raises(ValueError, match="length"):
        ToyTask(length=0)
    with pytest.raises(ValueError, match="num_heldout"):
        ToyTask(length=2, num_symbols=3, num_heldout=5)
    task = ToyTask()
    with pytest.raises(ValueError, match="generator"):
        task.sample(4, 0)
    with pytest.raises(ValueError, match="batch_size"):
        task.sample(0, torch.Generator())
    with pytest.raises(ValueError, match=r"\(N, length=6\)"):
        task.solve(torch.zeros(6, dtype=torch.long))
