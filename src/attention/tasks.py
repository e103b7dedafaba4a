"""Toy sequence tasks (reverse, sort) with seeded generators and a fixed held-out set.

Taught in notebooks/05_transformer_block.ipynb. Tokens ``0 .. num_symbols-1``
are the symbols (shown as digits), token ``num_symbols`` is the separator "|".
A decoder reads ``inputs | targets``, e.g. ``3 1 4 1 5 | 5 1 4 1 3``.

Same batch API as :class:`attention.DateTask`: ``sample(n, generator)`` and ``heldout()`` give examples,
``to_batch(examples)`` turns them into what the model reads, ``make_batch(step, generator)`` is
``to_batch(sample(batch_size, generator))`` (the signature :func:`attention.train` calls).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import torch

from ._checks import shape_of

TASK_KINDS = ("reverse", "sort")
_SYMBOLS = "0123456789abcdefghijklmnopqrstuvwxyz"


@dataclass
class ToyTask:
    """A toy sequence-to-sequence task on fixed-length sequences of symbols."""

    kind: str = "reverse"  # "reverse": targets are the inputs backwards; "sort": in increasing order
    length: int = 6  # symbols per input (and per target)
    num_symbols: int = 10  # symbols are the tokens 0 .. num_symbols-1
    num_heldout: int = 500  # size of the fixed held-out set, never produced by sample()
    heldout_seed: int = 12345  # seed of the held-out set
    batch_size: int = 64  # examples per training batch (make_batch)
    _heldout: tuple[torch.Tensor, torch.Tensor] | None = field(default=None, init=False, repr=False, compare=False)

    def __post_init__(self):
        for name in ("length", "num_symbols", "num_heldout", "batch_size"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int):
                raise ValueError(f"{name} must be an int, got {value!r}")
        if self.kind not in TASK_KINDS:
            raise ValueError(f"kind must be one of {TASK_KINDS}, got {self.kind!r}")
        if not 2 <= self.num_symbols <= len(_SYMBOLS):
            raise ValueError(f"num_symbols must be in 2..{len(_SYMBOLS)}, got {self.num_symbols}")
        if self.length < 1 or self.batch_size < 1:
            raise ValueError(f"length and batch_size must be positive, got length={self.length}, batch_size={self.batch_size}")
        if self.num_symbols**self.length >= 2**62:
            raise ValueError(f"num_symbols**length must be < 2**62, got {self.num_symbols}**{self.length}")
        if not 1 <= self.num_heldout <= self.num_symbols**self.length // 2:
            raise ValueError(
                f"num_heldout must be in 1..half of the {self.num_symbols}**{self.length} possible inputs, got {self.num_heldout}"
            )

    @property
    def sep(self) -> int:
        """The separator token "|" between inputs and targets."""
        return self.num_symbols

    @property
    def vocab_size(self) -> int:
        """Number of distinct tokens: the symbols plus the separator."""
        return self.num_symbols + 1

    @property
    def seq_len(self) -> int:
        """Length of ``inputs | targets``: 2 * length + 1."""
        return 2 * self.length + 1

    def solve(self, inputs: torch.Tensor) -> torch.Tensor:
        """The right answer for inputs ``(N, length)``: reversed or sorted, ``(N, length)``."""
        self._check_inputs(inputs)
        if self.kind == "reverse":
            return inputs.flip(-1)
        return inputs.sort(dim=-1).values

    def _check_inputs(self, inputs: torch.Tensor, name: str = "inputs") -> None:
        if not isinstance(inputs, torch.Tensor) or inputs.ndim != 2 or inputs.shape[1] != self.length:
            raise ValueError(
                f"{name} must be a tensor of shape (N, length={self.length}), got {type(inputs).__name__} {shape_of(inputs)}"
            )

    def _codes(self, inputs: torch.Tensor) -> torch.Tensor:
        """One integer per input sequence (its digits in base num_symbols), to test membership."""
        weights = self.num_symbols ** torch.arange(self.length - 1, -1, -1)  # (length,)
        return (inputs * weights).sum(-1)  # (N,)

    def heldout(self) -> tuple[torch.Tensor, torch.Tensor]:
        """The fixed held-out set ``(inputs, targets)``, each ``(num_heldout, length)``; distinct inputs."""
        if self._heldout is None:
            g = torch.Generator().manual_seed(self.heldout_seed)
            total = self.num_symbols**self.length
            if total <= 10**7:
                codes = torch.randperm(total, generator=g)[: self.num_heldout]  # distinct input sequences
            else:  # too many to permute: draw, then drop repeats
                draws = torch.randint(0, self.num_symbols, (4 * self.num_heldout, self.length), generator=g)
                codes = torch.unique(self._codes(draws))
                codes = codes[torch.randperm(len(codes), generator=g)][: self.num_heldout]
            digits = [(codes // self.num_symbols**p) % self.num_symbols for p in range(self.length - 1, -1, -1)]
            inputs = torch.stack(digits, dim=1)  # (num_heldout, length)
            self._heldout = (inputs, self.solve(inputs))
        return self._heldout

    def sample(self, batch_size: int, generator: torch.Generator) -> tuple[torch.Tensor, torch.Tensor]:
        """Random training examples ``(inputs, targets)``, each ``(batch_size, length)``, never in the held-out set."""
        if batch_size < 1:
            raise ValueError(f"batch_size must be positive, got {batch_size}")
        if not isinstance(generator, torch.Generator):
            raise ValueError(f"generator must be a torch.Generator (seeded), got {type(generator).__name__}")
        banned = self._codes(self.heldout()[0])  # (num_heldout,)
        inputs = torch.randint(0, self.num_symbols, (batch_size, self.length), generator=generator)
        while True:
            clash = torch.isin(self._codes(inputs), banned)  # (batch_size,)
            if not clash.any():
                break
            inputs[clash] = torch.randint(0, self.num_symbols, (int(clash.sum()), self.length), generator=generator)
        return inputs, self.solve(inputs)

    def to_batch(self, examples: tuple[torch.Tensor, torch.Tensor]) -> torch.Tensor:
        """The decoder's full sequences ``inputs | targets`` for examples ``(inputs, targets)``: ``(N, 2 * length + 1)``."""
        if not isinstance(examples, (tuple, list)) or len(examples) != 2:
            got = type(examples).__name__
            raise ValueError(f"examples must be a pair (inputs, targets) as sample() and heldout() give, got {got}")
        inputs, targets = examples
        self._check_inputs(inputs)
        self._check_inputs(targets, "targets")
        if inputs.shape[0] != targets.shape[0]:
            raise ValueError(f"inputs and targets must hold as many rows: inputs {shape_of(inputs)}, targets {shape_of(targets)}")
        sep = torch.full((inputs.shape[0], 1), self.sep, dtype=inputs.dtype)  # (N, 1)
        return torch.cat([inputs, sep, targets], dim=1)  # (N, 2L + 1)

    def make_batch(self, step: int, generator: torch.Generator) -> torch.Tensor:
        """A training batch ``(batch_size, 2 * length + 1)`` (the signature :func:`attention.train` calls; ``step`` is unused)."""
        return self.to_batch(self.sample(self.batch_size, generator))

    def encode(self, text: str) -> torch.Tensor:
        """Tokens of a text such as ``"3 1 4 | 4 1 3"`` (spaces optional), as a 1-D long tensor."""
        ids = []
        for ch in text.replace(" ", ""):
            if ch == "|":
                ids.append(self.sep)
            elif ch in _SYMBOLS[: self.num_symbols]:
                ids.append(_SYMBOLS.index(ch))
            else:
                symbols = _SYMBOLS[: self.num_symbols]
                raise ValueError(f"text {text!r} has {ch!r}, which is not one of the symbols {symbols!r} or '|'")
        return torch.tensor(ids, dtype=torch.long)

    def decode(self, ids) -> str:
        """Text of a 1-D sequence of tokens, e.g. ``"3 1 4 | 4 1 3"``."""
        ids = torch.as_tensor(ids)
        if ids.ndim != 1:
            raise ValueError(f"ids must be 1-D (one sequence), got shape {shape_of(ids)}")
        out = []
        for i in ids.tolist():
            if not 0 <= i < self.vocab_size:
                raise ValueError(f"token {i} is not in the vocabulary 0..{self.vocab_size - 1}")
            out.append("|" if i == self.sep else _SYMBOLS[i])
        return " ".join(out)
