"""The dates task: formats, vocabulary, batches, held-out dates. Mirrors notebooks/07_cross_attention.ipynb."""

import datetime as dt

import pytest
import torch

from attention.dates import BOS, EOS, FORMATS, MONTHS, PAD, CharVocab, DateTask, format_date, to_iso


def test_each_format_name_is_its_own_example():
    day = dt.date(2026, 11, 24)  # a Tuesday
    for name in FORMATS:
        assert format_date(day, name) == name
    assert to_iso(day) == "2026-11-24"
    with pytest.raises(ValueError, match="fmt must be one of"):
        format_date(day, "24-11-26")


def test_ordinals():
    days = (1, 2, 3, 4, 11, 12, 13, 21, 22, 23, 31)
    firsts = [format_date(dt.date(2021, 1, d), "24th of November 2026").split()[0] for d in days]
    assert firsts == ["1st", "2nd", "3rd", "4th", "11th", "12th", "13th", "21st", "22nd", "23rd", "31st"]


def test_vocab_round_trip_and_specials():
    vocab = CharVocab()
    assert (vocab.itos[PAD], vocab.itos[BOS], vocab.itos[EOS]) == ("<pad>", "<bos>", "<eos>")
    ids = vocab.encode("Tuesday, 24 November 2026", bos=True, eos=True)
    assert ids[0] == BOS and ids[-1] == EOS
    assert vocab.decode(ids) == "Tuesday, 24 November 2026"
    assert vocab.decode(ids + [5, 6]) == "Tuesday, 24 November 2026"  # stops at <eos>
    padded = vocab.pad([vocab.encode("ab"), vocab.encode("abcd")])
    assert padded.shape == (2, 4) and padded[0, 2:].tolist() == [PAD, PAD]
    with pytest.raises(ValueError, match="outside the vocabulary"):
        vocab.encode("24 Nov 2026!")
    with pytest.raises(ValueError, match="shorter than the longest"):
        vocab.pad([[3, 4, 5]], length=2)


def test_every_month_weekday_and_format_fits_the_vocab():
    task = DateTask()
    for month in range(1, 13):
        for day in range(1, 8):
            date = dt.date(2024, month, day + 21)
            for name in FORMATS:
                text = format_date(date, name)
                assert task.vocab.decode(task.vocab.encode(text)) == text
                assert len(text) <= task.max_src_len
    assert set("".join(MONTHS)) <= set(CharVocab().itos)


def test_batches_shapes_and_teacher_forcing_shift():
    task = DateTask(batch_size=16)
    batch = task.make_batch(0, torch.Generator().manual_seed(0))
    assert batch.src.shape == (16, task.max_src_len) and batch.src.dtype == torch.long
    assert batch.dec_in.shape == batch.target.shape == (16, 11)
    assert (batch.dec_in[:, 0] == BOS).all() and (batch.target[:, -1] == EOS).all()
    assert torch.equal(batch.dec_in[:, 1:], batch.target[:, :-1])  # decoder input = target shifted right
    for b in range(16):
        source, target = task.vocab.decode(batch.src[b]), task.vocab.decode(batch.target[b])
        assert len(target) == 10 and target[4] == target[7] == "-"
        year, month, day = map(int, target.split("-"))
        assert str(year) in source and (batch.src[b] == PAD).sum() == task.max_src_len - len(source)


def test_batches_are_deterministic_given_the_generator():
    task = DateTask(batch_size=8)
    a = task.make_batch(0, torch.Generator().manual_seed(3))
    b = task.make_batch(5, torch.Generator().manual_seed(3))
    c = task.make_batch(0, torch.Generator().manual_seed(4))
    assert all(torch.equal(x, y) for x, y in zip(a, b))
    assert not torch.equal(a.src, c.src)


def test_heldout_is_fixed_by_seed_and_disjoint_from_training():
    task, again, other = DateTask(seed=0), DateTask(seed=0), DateTask(seed=1)
    assert task.heldout() == again.heldout()
    assert task.heldout() != other.heldout()
    assert len(task.heldout()) == task.num_heldout == 1000
    assert len(set(task.heldout_days.tolist()) | set(task.train_days.tolist())) == task.num_days
    assert not set(task.heldout_days.tolist()) & set(task.train_days.tolist())
    heldout_iso = {iso for _, iso in task.heldout()}
    g = torch.Generator().manual_seed(0)
    seen = {iso for _ in range(20) for _, iso in task.sample(256, g)}
    assert not seen & heldout_iso
    assert len({source for source, _ in task.heldout()}) == 1000  # every held-out text differs
    written = [(source, dt.date.fromisoformat(iso)) for source, iso in task.heldout()[:200]]
    used = {name for source, date in written for name in FORMATS if format_date(date, name) == source}
    assert used == set(FORMATS)  # every format occurs


def test_bad_settings():
    with pytest.raises(ValueError, match="num_heldout"):
        DateTask(first_year=2000, last_year=2000, num_heldout=500)
    with pytest.raises(ValueError, match="first_year"):
        DateTask(first_year=2001, last_year=2000)
