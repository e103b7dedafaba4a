"""A GRU encoder-decoder with or without attention, and the copy task that shows its bottleneck.

Taught in notebooks/06_why_attention.ipynb. Without attention (Cho et al. 2014) the decoder sees the input only
through the encoder's last state, one vector of ``d_hidden`` numbers, however long the input; with attention
(Bahdanau et al. 2014) it scores every encoder state against its own state at each step and reads their weighted
sum instead. ``attention`` is ``None``, ``"additive"`` (Bahdanau's score) or ``"dot"`` (lesson 02's scaled dot
product). Everything else is the same, so the three differ only in where the context vector comes from.

The copy task: the input is ``length`` random symbols (tokens ``0 .. num_symbols-1``), padded on the right with
``PAD``; the output is the same symbols, written one per step after ``BOS``. The decoder writes exactly as many
symbols as the input has.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import nn

from ._checks import check_int, shape_of
from .additive import AdditiveAttention
from .scaled_dot_product import _attention

ATTENTION_KINDS = (None, "additive", "dot")


@dataclass
class CopyBatch:
    """A batch of the copy task: padded inputs, their lengths, and the decoder's input and target."""

    src: torch.Tensor  # (B, T) input symbols, PAD after each row's length
    lengths: torch.Tensor  # (B,) how many symbols each input has (1 .. T)
    dec_in: torch.Tensor  # (B, T) BOS, then the target shifted right (teacher forcing)
    target: torch.Tensor  # (B, T) the symbols to write, PAD after each row's length


@dataclass
class CopyTask:
    """Copy a random string of symbols, with lengths drawn uniformly from ``min_len .. max_len``."""

    num_symbols: int = 10  # symbols are the tokens 0 .. num_symbols-1; BOS and PAD come after them
    min_len: int = 2  # shortest input
    max_len: int = 16  # longest input
    batch_size: int = 64  # examples per training batch (make_batch)

    def __post_init__(self):
        for name in ("num_symbols", "min_len", "max_len", "batch_size"):
            check_int(name, getattr(self, name))
        if self.min_len > self.max_len:
            raise ValueError(f"min_len must be <= max_len, got min_len={self.min_len}, max_len={self.max_len}")

    @property
    def bos(self) -> int:
        return self.num_symbols

    @property
    def pad(self) -> int:
        return self.num_symbols + 1

    @property
    def vocab_size(self) -> int:
        return self.num_symbols + 2

    def batch(self, lengths: torch.Tensor, generator: torch.Generator) -> CopyBatch:
        """A batch with the given input ``lengths`` (B,), symbols drawn with ``generator``."""
        lengths = torch.as_tensor(lengths, dtype=torch.long)
        if lengths.ndim != 1 or len(lengths) == 0 or lengths.min() < 1:
            raise ValueError(f"lengths must be a non-empty 1-d tensor of lengths >= 1, got {shape_of(lengths)}")
        B, T = len(lengths), int(lengths.max())
        symbols = torch.randint(0, self.num_symbols, (B, T), generator=generator)  # (B, T)
        real = torch.arange(T)[None, :] < lengths[:, None]  # (B, T): True where a symbol stands
        src = symbols.masked_fill(~real, self.pad)  # (B, T)
        bos = torch.full((B, 1), self.bos, dtype=torch.long)
        dec_in = torch.cat([bos, src[:, :-1]], dim=1)  # (B, T): BOS, then the target shifted right
        return CopyBatch(src, lengths, dec_in, src.clone())

    def make_batch(self, step: int, generator: torch.Generator) -> CopyBatch:
        """A training batch (the signature :func:`attention.train` calls): lengths uniform in min_len .. max_len."""
        lengths = torch.randint(self.min_len, self.max_len + 1, (self.batch_size,), generator=generator)
        return self.batch(lengths, generator)

    def heldout(self, length: int, n: int = 200, seed: int = 12345) -> CopyBatch:
        """A fixed test batch of ``n`` inputs of one ``length`` (the same for every model and every SEED)."""
        check_int("length", length)
        check_int("n", n)
        generator = torch.Generator().manual_seed(seed + 1000 * length)
        return self.batch(torch.full((n,), length), generator)


class Seq2SeqRNN(nn.Module):
    """GRU encoder, GRU decoder; the context the decoder reads is the last encoder state or an attention mix.

    Taught in notebooks/06_why_attention.ipynb. ``forward(src (B, T_in), lengths (B,), dec_in (B, T_out))``
    returns logits ``(B, T_out, num_symbols)`` (teacher forcing); ``greedy(src, lengths, steps)`` writes
    ``steps`` symbols feeding back its own. With attention, ``last_weights`` keeps ``(B, T_out, T_in)``.
    """

    def __init__(self, vocab_size: int, num_symbols: int, d_hidden: int = 32, attention: str | None = None):
        super().__init__()
        for name, value in (("vocab_size", vocab_size), ("num_symbols", num_symbols), ("d_hidden", d_hidden)):
            check_int(name, value)
        if attention not in ATTENTION_KINDS:
            raise ValueError(f"attention must be one of {ATTENTION_KINDS}, got {attention!r}")
        self.attention, self.d_hidden = attention, d_hidden
        self.embed = nn.Embedding(vocab_size, d_hidden)
        self.encoder = nn.GRU(d_hidden, d_hidden, batch_first=True)
        self.decoder = nn.GRUCell(2 * d_hidden, d_hidden)  # reads [previous symbol; context]
        self.additive = AdditiveAttention(d_hidden, d_hidden, d_hidden) if attention == "additive" else None
        self.out = nn.Linear(2 * d_hidden, num_symbols)  # from [decoder state; context]
        self.last_weights: torch.Tensor | None = None

    def _check(self, src, lengths, dec_in=None):
        for name, x in (("src", src), ("lengths", lengths), ("dec_in", dec_in)):
            if x is not None and (not isinstance(x, torch.Tensor) or x.is_floating_point()):
                raise ValueError(f"{name} must be an integer tensor of token ids, got {type(x).__name__} {shape_of(x)}")
        if (
            src.ndim != 2
            or lengths.shape != (src.shape[0],)
            or (dec_in is not None and (dec_in.ndim != 2 or dec_in.shape[0] != src.shape[0]))
        ):
            raise ValueError(
                f"src must be (B, T_in), lengths (B,) and dec_in (B, T_out), got src {shape_of(src)}, "
                f"lengths {shape_of(lengths)}" + (f", dec_in {shape_of(dec_in)}" if dec_in is not None else "")
            )
        if len(lengths) and (lengths.min() < 1 or lengths.max() > src.shape[1]):
            raise ValueError(f"lengths must lie in 1..T_in={src.shape[1]}, got {lengths.tolist()[:8]}")

    def encode(self, src: torch.Tensor, lengths: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """Encoder states ``(B, T_in, d_hidden)`` and each input's last real state ``(B, d_hidden)``."""
        states, _ = self.encoder(self.embed(src))  # (B, T_in, d): padding comes after, so it never leaks in
        last = states[torch.arange(len(src)), lengths - 1]  # (B, d): the state after the last real symbol
        return states, last

    def _context(self, state, states, last, mask):
        """The context vector (B, d) and the weights (B, T_in) for the decoder's current ``state`` (B, d)."""
        if self.attention is None:
            return last, None  # the bottleneck: the same vector at every step
        query = state[:, None, :]  # (B, 1, d)
        if self.attention == "additive":
            context, weights = self.additive(query, states, states, mask=mask)  # (B, 1, d), (B, 1, T_in)
        else:
            context, weights = _attention(query, states, states, mask)  # (B, 1, d), (B, 1, T_in)
        return context[:, 0], weights[:, 0]

    def _step(self, symbol, state, states, last, mask):
        context, weights = self._context(state, states, last, mask)  # (B, d), (B, T_in) or None
        state = self.decoder(torch.cat([self.embed(symbol), context], dim=-1), state)  # (B, d)
        return self.out(torch.cat([state, context], dim=-1)), state, weights  # logits (B, num_symbols)

    def _run(self, src, lengths, steps, dec_in=None, bos=None):
        """Encode, then decode ``steps`` symbols: read ``dec_in`` (teacher forcing) or its own outputs after ``bos``."""
        states, last = self.encode(src, lengths)  # (B, T_in, d), (B, d)
        mask = (torch.arange(src.shape[1])[None, :] < lengths[:, None])[:, None, :]  # (B, 1, T_in), True = a symbol
        state = last  # the decoder starts from the encoder's last state
        symbol = torch.full((len(src),), bos, dtype=torch.long) if dec_in is None else None
        logits, weights = [], []
        for t in range(steps):
            symbol = dec_in[:, t] if dec_in is not None else symbol  # (B,)
            step_logits, state, w = self._step(symbol, state, states, last, mask)
            logits.append(step_logits)
            weights.append(w)
            symbol = step_logits.argmax(-1)  # what it wrote is what it reads next (when generating)
        self.last_weights = torch.stack(weights, 1).detach() if self.attention else None  # (B, T_out, T_in)
        return torch.stack(logits, 1)  # (B, T_out, num_symbols)

    def forward(self, src, lengths, dec_in):
        self._check(src, lengths, dec_in)
        return self._run(src, lengths, dec_in.shape[1], dec_in)

    def loss(self, batch: CopyBatch, pad: int) -> torch.Tensor:
        """Cross-entropy of every target symbol (padding ignored), with teacher forcing."""
        logits = self(batch.src, batch.lengths, batch.dec_in)  # (B, T, num_symbols)
        return nn.functional.cross_entropy(logits.flatten(0, 1), batch.target.flatten(), ignore_index=pad)

    @torch.no_grad()
    def greedy(self, src, lengths, steps: int, bos: int) -> torch.Tensor:
        """Write ``steps`` symbols ``(B, steps)``, each step reading the symbol written before (BOS first)."""
        self._check(src, lengths)
        check_int("steps", steps)
        check_int("bos", bos, low=0)
        return self._run(src, lengths, steps, bos=bos).argmax(-1)  # (B, steps)


def symbol_accuracy(pred: torch.Tensor, target: torch.Tensor, pad: int) -> float:
    """Share of target symbols (padding left out) that ``pred`` gets right; both ``(N, T)`` token ids.

    Taught in notebooks/06_why_attention.ipynb.
    """
    if not isinstance(pred, torch.Tensor) or not isinstance(target, torch.Tensor) or pred.shape != target.shape:
        raise ValueError(
            f"pred and target must be tensors of one shape (N, T), got pred {shape_of(pred)}, target {shape_of(target)}"
        )
    real = target != pad
    if not real.any():
        raise ValueError("target holds no symbols (all padding)")
    return (pred == target)[real].float().mean().item()
