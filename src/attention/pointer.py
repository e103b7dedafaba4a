"""Summarisation with a copy mechanism: the decoder's attention over the input is a distribution to copy from.

Taught in notebooks/13_attention_at_work_text.ipynb (pointer-generator networks, See et al. 2017). An
encoder-decoder as in lesson 07, plus one single-head *pointer* attention from each decoder position over
the encoder's outputs. At every step the model mixes two distributions over what to write next::

    P(token) = p_gen * P_vocab(token) + (1 - p_gen) * (pointer weight on the input positions holding token)

``P_vocab`` covers only the small vocabulary of generated words, so a dish can only be written by copying
it: the pointer's attention weights *are* the copy distribution. ``p_gen`` (between 0 and 1) is computed
from the decoder state and what the pointer read.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import nn

from ._checks import shape_of
from .block import PositionalEncoding, TransformerBlock
from .masks import causal_mask
from .multi_head import MultiHeadAttention


def copy_mixture(
    p_gen: torch.Tensor, word_probs: torch.Tensor, copy: torch.Tensor, src: torch.Tensor, vocab_size: int
) -> torch.Tensor:
    """Mix generating and copying: ``p_gen * word_probs`` on the first W tokens, plus ``(1 - p_gen) * copy``
    added onto the token each input position holds.

    Taught in notebooks/13_attention_at_work_text.ipynb. Shapes: ``p_gen`` ``(B, T_out)``, ``word_probs``
    ``(B, T_out, W)``, ``copy`` ``(B, T_out, T_in)``, ``src`` ``(B, T_in)`` token ids; returns
    ``(B, T_out, vocab_size)``. A token that appears twice in the input gets both positions' weights.
    """
    if not all(isinstance(t, torch.Tensor) for t in (p_gen, word_probs, copy, src)):
        raise ValueError("p_gen, word_probs, copy and src must be torch tensors")
    B, T_out = p_gen.shape if p_gen.ndim == 2 else (None, None)
    if (
        B is None
        or word_probs.shape[:2] != (B, T_out)
        or word_probs.ndim != 3
        or copy.shape[:2] != (B, T_out)
        or copy.ndim != 3
        or src.shape != (B, copy.shape[2])
    ):
        raise ValueError(
            f"expected p_gen (B, T_out), word_probs (B, T_out, W), copy (B, T_out, T_in), src (B, T_in); got "
            f"{shape_of(p_gen)}, {shape_of(word_probs)}, {shape_of(copy)}, {shape_of(src)}"
        )
    if src.dtype != torch.long or (src.numel() and (src.min() < 0 or src.max() >= vocab_size)):
        raise ValueError(f"src must hold token ids (int64) in 0..{vocab_size - 1}, got {src.dtype} {shape_of(src)}")
    if word_probs.shape[2] > vocab_size:
        raise ValueError(f"word_probs has W={word_probs.shape[2]} words but vocab_size is only {vocab_size}")
    probs = torch.zeros(B, T_out, vocab_size, dtype=word_probs.dtype)
    probs[..., : word_probs.shape[2]] = p_gen[..., None] * word_probs  # generate
    index = src[:, None, :].expand(B, T_out, copy.shape[2])  # (B, T_out, T_in): the token at each input position
    return probs.scatter_add(2, index, (1 - p_gen[..., None]) * copy)  # copy: add each weight onto its token


@dataclass
class PointerConfig:
    """Sizes of a :class:`PointerSummariser`."""

    vocab_size: int  # every token: generated words first, then the tokens that can only be copied
    num_words: int  # the first num_words tokens can be generated (the rest only copied)
    d_model: int = 32  # width of every token vector
    num_heads: int = 4  # attention heads in the blocks (the pointer has one head)
    d_ff: int = 64  # hidden width of the feed-forward networks
    num_encoder_layers: int = 1  # self-attention blocks over the input
    num_decoder_layers: int = 2  # causal self-attention + cross-attention blocks
    max_len: int = 32  # longest input or output
    pad_id: int = 0  # padding in inputs and outputs
    bos_id: int = 1  # first decoder input


class PointerSummariser(nn.Module):
    """Encoder-decoder whose next-token distribution mixes generating a word and copying an input token.

    Taught in notebooks/13_attention_at_work_text.ipynb. ``forward(src (B, T_in), dec_in (B, T_out))`` returns
    ``(probs (B, T_out, vocab_size), p_gen (B, T_out), copy (B, T_out, T_in))``: the mixed next-token
    probabilities, the share given to generating, and the pointer's attention weights (rows sum to 1).
    """

    def __init__(self, config: PointerConfig):
        super().__init__()
        c = config
        if not 1 <= c.num_words < c.vocab_size:
            raise ValueError(f"need 1 <= num_words < vocab_size, got num_words={c.num_words}, vocab_size={c.vocab_size}")
        self.config = c
        self.embed = nn.Embedding(c.vocab_size, c.d_model)
        self.positions = PositionalEncoding(c.d_model, c.max_len)
        self.encoder = nn.ModuleList(TransformerBlock(c.d_model, c.num_heads, c.d_ff) for _ in range(c.num_encoder_layers))
        self.decoder = nn.ModuleList(
            TransformerBlock(c.d_model, c.num_heads, c.d_ff, cross_attention=True) for _ in range(c.num_decoder_layers)
        )
        self.encoder_norm = nn.LayerNorm(c.d_model)
        self.decoder_norm = nn.LayerNorm(c.d_model)
        self.pointer = MultiHeadAttention(c.d_model, num_heads=1)  # its weights are the copy distribution
        self.to_words = nn.Linear(c.d_model, c.num_words)  # generate: scores over the small vocabulary only
        self.to_p_gen = nn.Linear(2 * c.d_model, 1)  # from (decoder state, what the pointer read)

    def _check(self, ids, name: str) -> None:
        c = self.config
        if not isinstance(ids, torch.Tensor) or ids.dtype != torch.long or ids.ndim != 2:
            got = f"{ids.dtype} tensor of shape {shape_of(ids)}" if isinstance(ids, torch.Tensor) else type(ids).__name__
            raise ValueError(f"{name} must be a LongTensor of token ids (B, T), got {got}")
        if not 1 <= ids.shape[1] <= c.max_len or ids.min() < 0 or ids.max() >= c.vocab_size:
            raise ValueError(f"{name} must have 1..{c.max_len} positions and ids in 0..{c.vocab_size - 1}, got {shape_of(ids)}")

    def parts(self, src: torch.Tensor, dec_in: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """The two distributions and their share: ``(word_probs (B, T_out, W), p_gen (B, T_out), copy (B, T_out, T_in))``.

        Taught in notebooks/13_attention_at_work_text.ipynb. ``copy`` is the pointer's attention over the input.
        """
        c = self.config
        self._check(src, "src")
        self._check(dec_in, "dec_in")
        if src.shape[0] != dec_in.shape[0]:
            raise ValueError(f"src and dec_in must share the batch size: src {shape_of(src)}, dec_in {shape_of(dec_in)}")
        if not (src != c.pad_id).any(1).all():
            raise ValueError(f"every input needs at least one token that is not padding (id {c.pad_id}), src {shape_of(src)}")
        src_mask = (src != c.pad_id)[:, None, :]  # (B, 1, T_in): never attend to padding
        x = self.positions(self.embed(src))  # (B, T_in, d_model)
        for block in self.encoder:
            x = block(x, mask=src_mask)
        memory = self.encoder_norm(x)  # (B, T_in, d_model)
        y = self.positions(self.embed(dec_in))  # (B, T_out, d_model)
        causal = causal_mask(dec_in.shape[1], device=dec_in.device)  # (T_out, T_out)
        for block in self.decoder:
            y = block(y, mask=causal, memory=memory, memory_mask=src_mask)
        y = self.decoder_norm(y)  # (B, T_out, d_model)
        read, copy = self.pointer(y, memory, memory, mask=src_mask)  # (B, T_out, d_model), (B, 1, T_out, T_in)
        p_gen = torch.sigmoid(self.to_p_gen(torch.cat([y, read], dim=-1)))[..., 0]  # (B, T_out)
        return self.to_words(y).softmax(-1), p_gen, copy[:, 0]  # (B, T_out, W), (B, T_out), (B, T_out, T_in)

    def forward(self, src: torch.Tensor, dec_in: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        word_probs, p_gen, copy = self.parts(src, dec_in)
        return copy_mixture(p_gen, word_probs, copy, src, self.config.vocab_size), p_gen, copy

    def loss(self, src: torch.Tensor, summary: torch.Tensor) -> torch.Tensor:
        """Mean negative log-probability of every summary token (teacher forcing; padding ignored)."""
        if not isinstance(summary, torch.Tensor) or summary.ndim != 2 or summary.shape[0] != src.shape[0]:
            got = tuple(getattr(summary, "shape", ()))
            raise ValueError(f"summary must be (B, T_out) with the B of src {shape_of(src)}, got {got}")
        dec_in = torch.cat([torch.full_like(summary[:, :1], self.config.bos_id), summary[:, :-1]], dim=1)  # (B, T_out)
        probs = self(src, dec_in)[0]  # (B, T_out, V)
        picked = probs.gather(2, summary[..., None])[..., 0]  # (B, T_out): probability of the right token
        real = summary != self.config.pad_id
        return -(picked.clamp(min=1e-9).log() * real).sum() / real.sum()

    @torch.no_grad()
    def generate(self, src: torch.Tensor, max_len: int, eos_id: int) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """Greedy summaries ``(B, max_len)`` (after <eos>: <pad>), with each step's ``p_gen`` and pointer weights."""
        if not isinstance(max_len, int) or not 1 <= max_len <= self.config.max_len:
            raise ValueError(f"max_len must be an int in 1..{self.config.max_len}, got {max_len!r}")
        self.eval()
        out = torch.full((src.shape[0], 1), self.config.bos_id, dtype=torch.long)  # (B, 1)
        done = torch.zeros(src.shape[0], dtype=torch.bool)
        for _ in range(max_len):
            probs, p_gen, copy = self(src, out)  # re-run over the prefix (no KV cache; the summaries are short)
            next_id = probs[:, -1].argmax(-1)  # (B,)
            next_id = torch.where(done, torch.full_like(next_id, self.config.pad_id), next_id)
            out = torch.cat([out, next_id[:, None]], dim=1)
            done |= next_id == eos_id
        return out[:, 1:], p_gen, copy  # (B, max_len), (B, max_len), (B, max_len, T_in)
