"""A toy translation task: dates written the way people write them -> ISO "YYYY-MM-DD".

Taught in notebooks/07_cross_attention.ipynb. "Tuesday, 24 November 2026",
"24/11/2026" and "Nov 24, 2026" all become "2026-11-24". Characters are the
tokens. Everything is deterministic given a seed, and the held-out dates never
appear in training batches.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import NamedTuple

import torch

PAD, BOS, EOS = 0, 1, 2  # special token ids: padding, begin-of-sequence, end-of-sequence
SPECIALS = ("<pad>", "<bos>", "<eos>")
CHARS = " ,-./0123456789" + "abcdefghijklmnopqrstuvwxyz" + "ADFJMNOSTW"  # every character a date below can use

MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


# name -> how to write a date that way; every format is unambiguous (no 2-digit years, no month/day swaps)
FORMATS = {
    "24 Nov 2026": lambda d: f"{d.day} {MONTHS[d.month - 1][:3]} {d.year}",
    "24 November 2026": lambda d: f"{d.day} {MONTHS[d.month - 1]} {d.year}",
    "November 24, 2026": lambda d: f"{MONTHS[d.month - 1]} {d.day}, {d.year}",
    "Nov 24, 2026": lambda d: f"{MONTHS[d.month - 1][:3]} {d.day}, {d.year}",
    "24/11/2026": lambda d: f"{d.day:02d}/{d.month:02d}/{d.year}",
    "24.11.2026": lambda d: f"{d.day}.{d.month}.{d.year}",
    "Tuesday, 24 November 2026": lambda d: f"{WEEKDAYS[d.weekday()]}, {d.day} {MONTHS[d.month - 1]} {d.year}",
    "Tue 24 Nov 2026": lambda d: f"{WEEKDAYS[d.weekday()][:3]} {d.day} {MONTHS[d.month - 1][:3]} {d.year}",
    "24th of November 2026": lambda d: f"{_ordinal(d.day)} of {MONTHS[d.month - 1]} {d.year}",
    "2026 11 24": lambda d: f"{d.year} {d.month:02d} {d.day:02d}",
    "2026/11/24": lambda d: f"{d.year}/{d.month}/{d.day}",
    "24 nov 2026": lambda d: f"{d.day} {MONTHS[d.month - 1][:3].lower()} {d.year}",
}


def format_date(date: dt.date, fmt: str) -> str:
    """Write ``date`` in the human format named ``fmt`` (a key of :data:`FORMATS`, itself an example)."""
    if fmt not in FORMATS:
        raise ValueError(f"fmt must be one of {list(FORMATS)}, got {fmt!r}")
    return FORMATS[fmt](date)


def to_iso(date: dt.date) -> str:
    """The target: ``YYYY-MM-DD``."""
    return date.isoformat()


class CharVocab:
    """Characters <-> ids, with ``<pad>`` = 0, ``<bos>`` = 1, ``<eos>`` = 2. Taught in notebooks/07_cross_attention.ipynb."""

    def __init__(self, chars: str = CHARS):
        self.itos = list(SPECIALS) + list(chars)  # id -> token
        self.stoi = {c: i for i, c in enumerate(self.itos)}  # token -> id

    def __len__(self) -> int:
        return len(self.itos)

    def encode(self, text: str, bos: bool = False, eos: bool = False) -> list[int]:
        """Ids of the characters of ``text``, optionally with ``<bos>`` in front and ``<eos>`` at the end."""
        unknown = sorted({c for c in text if c not in self.stoi or self.stoi[c] < len(SPECIALS)})
        if unknown:
            raise ValueError(f"text {text!r} has characters outside the vocabulary: {unknown}")
        return [BOS] * bos + [self.stoi[c] for c in text] + [EOS] * eos

    def decode(self, ids) -> str:
        """Text of ``ids``: stops at the first ``<eos>``, skips ``<pad>`` and ``<bos>``."""
        out = []
        for i in torch.as_tensor(ids).tolist():
            if i == EOS:
                break
            if i not in (PAD, BOS):
                out.append(self.itos[i])
        return "".join(out)

    def pad(self, seqs: list[list[int]], length: int | None = None) -> torch.Tensor:
        """Stack id lists into a ``(B, T)`` LongTensor, padding on the right with ``<pad>``."""
        T = max(map(len, seqs)) if length is None else length
        if any(len(s) > T for s in seqs):
            raise ValueError(f"length={T} is shorter than the longest sequence ({max(map(len, seqs))})")
        return torch.tensor([s + [PAD] * (T - len(s)) for s in seqs], dtype=torch.long)


class DateBatch(NamedTuple):
    """One batch of the dates task, all LongTensors."""

    src: torch.Tensor  # (B, T_in) human-written dates, right-padded with <pad>
    dec_in: torch.Tensor  # (B, T_out) decoder input: <bos> + ISO date (the target shifted right: teacher forcing)
    target: torch.Tensor  # (B, T_out) what the decoder must predict: ISO date + <eos>


@dataclass
class DateTask:
    """Human dates -> ISO dates, with a fixed held-out set of dates. Taught in notebooks/07_cross_attention.ipynb.

    ``make_batch(step, generator)`` draws training examples (never a held-out
    date); ``heldout()`` gives the same held-out examples for the same seed.
    """

    seed: int = 0  # fixes which dates are held out and how they are written
    first_year: int = 1950  # dates range from 1 January of this year ...
    last_year: int = 2049  # ... to 31 December of this year
    num_heldout: int = 1000  # held-out examples (one per held-out date)
    batch_size: int = 128  # examples per training batch
    vocab: CharVocab = field(default_factory=CharVocab)  # shared by source and target

    def __post_init__(self):
        if self.first_year > self.last_year:
            raise ValueError(f"first_year={self.first_year} must not be after last_year={self.last_year}")
        self.start = dt.date(self.first_year, 1, 1)  # day 0
        self.num_days = (dt.date(self.last_year, 12, 31) - self.start).days + 1  # every date in range
        if not 0 < self.num_heldout < self.num_days // 2:
            raise ValueError(f"num_heldout must be in 1..{self.num_days // 2 - 1}, got {self.num_heldout}")
        g = torch.Generator().manual_seed(self.seed)
        order = torch.randperm(self.num_days, generator=g)
        self.heldout_days = order[: self.num_heldout]  # day numbers never used for training (shuffled)
        self.train_days = order[self.num_heldout :].sort().values  # day numbers training batches draw from
        self._heldout_formats = torch.randint(len(FORMATS), (self.num_heldout,), generator=g)
        week = [dt.date(2000, 9, 24 + i) for i in range(7)]  # longest month name, two-digit days, every weekday
        self.max_src_len = max(len(f(d)) for f in FORMATS.values() for d in week)  # T_in of every batch
        self.out_len = len("YYYY-MM-DD") + 1  # ISO date + <eos>

    def date(self, day: int) -> dt.date:
        """The date of day number ``day`` (0 = 1 January of first_year)."""
        return self.start + dt.timedelta(days=int(day))

    def pairs(self, days, formats) -> list[tuple[str, str]]:
        """``(human text, ISO text)`` for day numbers and format indices."""
        names = list(FORMATS)
        return [(format_date(self.date(d), names[int(f)]), to_iso(self.date(d))) for d, f in zip(days, formats)]

    def to_batch(self, pairs: list[tuple[str, str]]) -> DateBatch:
        """Encode ``(source, target)`` text pairs as a :class:`DateBatch`."""
        src = self.vocab.pad([self.vocab.encode(s) for s, _ in pairs], self.max_src_len)  # (B, T_in)
        tgt = [self.vocab.encode(t) for _, t in pairs]
        dec_in = self.vocab.pad([[BOS] + t for t in tgt], self.out_len)  # (B, T_out)
        target = self.vocab.pad([t + [EOS] for t in tgt], self.out_len)  # (B, T_out)
        return DateBatch(src, dec_in, target)

    def sample(self, n: int, generator: torch.Generator) -> list[tuple[str, str]]:
        """``n`` random training pairs (dates outside the held-out set, formats uniform)."""
        idx = torch.randint(len(self.train_days), (n,), generator=generator)
        formats = torch.randint(len(FORMATS), (n,), generator=generator)
        return self.pairs(self.train_days[idx].tolist(), formats.tolist())

    def make_batch(self, step: int, generator: torch.Generator) -> DateBatch:
        """A training batch (signature expected by ``attention.train``; ``step`` is unused)."""
        return self.to_batch(self.sample(self.batch_size, generator))

    def heldout(self) -> list[tuple[str, str]]:
        """The fixed held-out pairs: their dates never occur in training batches."""
        return self.pairs(self.heldout_days.tolist(), self._heldout_formats.tolist())
