"""A tiny decoder-only Transformer: tokens -> embeddings + positions -> causal blocks -> next-token scores.

Taught in notebooks/05_transformer_block.ipynb, where it learns to reverse
sequences (``3 1 4 1 5 | 5 1 4 1 3``). Built from :class:`TransformerBlock`
with a causal mask, so position t only sees positions 0..t.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import nn
from torch.nn import functional as F

from ._checks import check_int, shape_of
from .block import PositionalEncoding, TransformerBlock, stacked_weights
from .masks import causal_mask


@dataclass
class DecoderConfig:
    """Sizes of a :class:`TinyDecoder`."""

    vocab_size: int  # number of distinct tokens
    max_len: int = 64  # longest sequence the positional encodings cover
    d_model: int = 64  # width of every token vector
    num_heads: int = 4  # attention heads per block
    num_layers: int = 2  # number of Transformer blocks
    d_ff: int = 128  # hidden width of the feed-forward network
    dropout: float = 0.0  # dropout while training
    positions: bool = True  # add sinusoidal positional encodings (False: the ablation of lesson 05)


class TinyDecoder(nn.Module):
    """A GPT-style causal decoder: ``forward(tokens (B, T)) -> logits (B, T, vocab_size)``.

    Taught in notebooks/05_transformer_block.ipynb. The logits at position t
    score the token at t + 1. After a forward pass each block's
    ``self_attn.last_weights`` holds ``(B, num_heads, T, T)``.
    """

    def __init__(self, config: DecoderConfig):
        super().__init__()
        c = config
        if c.vocab_size < 1 or c.max_len < 1 or c.num_layers < 1:
            raise ValueError(f"vocab_size, max_len and num_layers must be positive, got {c}")
        if not isinstance(c.positions, bool):
            raise ValueError(f"positions must be True or False, got positions={c.positions!r}")
        self.config = c
        self.embed = nn.Embedding(c.vocab_size, c.d_model)  # token id -> vector
        self.positions = PositionalEncoding(c.d_model, c.max_len)  # + sinusoidal position
        self.blocks = nn.ModuleList(TransformerBlock(c.d_model, c.num_heads, c.d_ff, c.dropout) for _ in range(c.num_layers))
        self.norm = nn.LayerNorm(c.d_model)  # final LayerNorm (pre-LN blocks leave the stream un-normalised)
        self.to_logits = nn.Linear(c.d_model, c.vocab_size)  # vector -> next-token scores

    def check_tokens(self, tokens, name: str = "tokens", extra: int = 0) -> None:
        """Token ids ``(B, T)``: integers in ``0..vocab_size-1``, ``1 <= T`` and ``T + extra <= max_len``."""
        c = self.config
        if not isinstance(tokens, torch.Tensor) or tokens.ndim != 2 or tokens.is_floating_point() or tokens.dtype == torch.bool:
            raise ValueError(f"{name} must be an integer tensor of shape (B, T), got {type(tokens).__name__} {shape_of(tokens)}")
        T = tokens.shape[1]
        if not 1 <= T <= c.max_len - extra:
            raise ValueError(
                f"{name} has T={T} positions, must be in 1..{c.max_len - extra} (max_len={c.max_len}, shape {shape_of(tokens)})"
            )
        if tokens.numel() and (tokens.min() < 0 or tokens.max() >= c.vocab_size):
            raise ValueError(f"token ids must be in 0..{c.vocab_size - 1}, got {tokens.min().item()}..{tokens.max().item()}")

    def forward(self, tokens: torch.Tensor) -> torch.Tensor:
        self.check_tokens(tokens)
        return self._forward(tokens)

    def _forward(self, tokens: torch.Tensor) -> torch.Tensor:
        """The unchecked core of :meth:`forward`."""
        T = tokens.shape[1]
        x = self.embed(tokens)  # (B, T) -> (B, T, d_model)
        if self.config.positions:
            x = self.positions._forward(x)  # + sinusoidal position, (B, T, d_model)
        mask = causal_mask(T, device=tokens.device)  # (T, T): position t sees 0..t
        for block in self.blocks:
            x = block._forward(x, mask)  # (B, T, d_model)
        return self.to_logits(self.norm(x))  # (B, T, vocab_size)

    @torch.no_grad()
    def generate(self, prefix: torch.Tensor, num_new: int) -> torch.Tensor:
        """Greedy decoding: append the most likely next token ``num_new`` times; returns ``(B, num_new)``.

        Taught in notebooks/05_transformer_block.ipynb. ``prefix`` is ``(B, T0)``.
        """
        check_int("num_new", num_new)
        self.check_tokens(prefix, "prefix", extra=num_new - 1)  # the longest input is prefix + num_new - 1 tokens
        was_training = self.training
        self.eval()
        seq = prefix
        for _ in range(num_new):
            next_token = self._forward(seq)[:, -1].argmax(dim=-1, keepdim=True)  # (B, 1)
            seq = torch.cat([seq, next_token], dim=1)  # (B, T + 1)
        self.train(was_training)
        return seq[:, prefix.shape[1] :]  # (B, num_new)

    def attention_weights(self) -> torch.Tensor:
        """The blocks' last self-attention weights, stacked: ``(L, B, num_heads, T, T)``."""
        return stacked_weights(block.self_attn for block in self.blocks)


def answer_loss(model: nn.Module, sequences: torch.Tensor, answer_start: int) -> torch.Tensor:
    """Cross-entropy of predicting ``sequences[:, answer_start:]`` from everything before it.

    Taught in notebooks/05_transformer_block.ipynb. ``sequences`` is ``(B, T)``;
    only the answer tokens are scored (the inputs are random, nothing to learn).
    """
    if sequences.ndim != 2 or not 1 <= answer_start < sequences.shape[1]:
        raise ValueError(f"answer_start={answer_start} must be in 1..T-1 for sequences of shape {shape_of(sequences)}")
    logits = model(sequences[:, :-1])  # (B, T-1, V): position t predicts token t + 1
    scored = logits[:, answer_start - 1 :]  # (B, T - answer_start, V)
    return F.cross_entropy(scored.flatten(0, 1), sequences[:, answer_start:].flatten())


def mirror_hits(weights: torch.Tensor, length: int) -> torch.Tensor:
    """For the reverse task: how often each head's strongest key is the mirrored input position.

    Taught in notebooks/05_transformer_block.ipynb. ``weights`` is
    ``(..., B, h, T, T)`` for sequences ``x_0..x_{L-1} | y_0..y_{L-1}`` with
    T >= 2L. The query at position L + j predicts y_j = x_{L-1-j}, so its
    "mirrored" key is L - 1 - j. Returns, per head, the fraction of answer
    queries over the batch whose largest weight lands there: ``(..., h)``,
    e.g. ``(num_layers, h)`` for :meth:`TinyDecoder.attention_weights`.
    """
    if weights.ndim < 4 or weights.shape[-1] != weights.shape[-2] or weights.shape[-1] < 2 * length or length < 1:
        raise ValueError(f"weights must be (..., B, h, T, T) with T >= 2 * length={2 * length}, got {shape_of(weights)}")
    queries = torch.arange(length, 2 * length, device=weights.device)  # L .. 2L-1
    mirrored = 2 * length - 1 - queries  # L-1 .. 0
    strongest = weights[..., queries, :].argmax(dim=-1)  # (..., B, h, L)
    return (strongest == mirrored).float().mean(dim=-1).mean(dim=-2)  # (..., B, h) -> (..., h)
