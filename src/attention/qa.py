"""Extractive question answering: the question becomes a query, and its attention over the passage is the answer.

Taught in notebooks/13_attention_at_work_text.ipynb. The passage is read by Transformer blocks (each word
attends to the others, so "very spicy" learns which dish it describes); so is the question. Then the
question's last word ("?", which has read the whole question) is turned into two queries, "where does the
answer start?" and "where does it end?". Each attends over the passage words (the keys): the softmax of
``query . key / sqrt(d)`` over the passage is a pointer, and the answer span runs from the start pointer's
heaviest word to the end pointer's. As in pointer networks (Vinyals et al. 2015) the attention weights are
the output; no values are needed. Token ids are ``(B, T)``; padding (id 0) is masked out.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import torch
from torch import nn
from torch.nn import functional as F

from ._checks import shape_of
from .block import PositionalEncoding, TransformerBlock


@dataclass
class ReaderConfig:
    """Sizes of a :class:`SpanReader`."""

    vocab_size: int  # words, <pad> = 0 included
    d_model: int = 32  # width of every token vector
    num_heads: int = 4  # attention heads per attention layer
    d_ff: int = 64  # hidden width of the feed-forward networks
    num_passage_layers: int = 2  # self-attention blocks over the passage
    num_question_layers: int = 1  # self-attention blocks over the question
    max_len: int = 64  # longest passage or question
    pad_id: int = 0  # padding: never attended to, never an answer


def _check_ids(ids, name: str, vocab_size: int, max_len: int) -> None:
    if not isinstance(ids, torch.Tensor) or ids.dtype != torch.long or ids.ndim != 2:
        got = f"{ids.dtype} tensor of shape {shape_of(ids)}" if isinstance(ids, torch.Tensor) else type(ids).__name__
        raise ValueError(f"{name} must be a LongTensor of word ids (B, T), got {got}")
    if not 1 <= ids.shape[1] <= max_len or ids.min() < 0 or ids.max() >= vocab_size:
        raise ValueError(f"{name} must have 1..{max_len} positions and ids in 0..{vocab_size - 1}, got shape {shape_of(ids)}")


class SpanReader(nn.Module):
    """Passage blocks and question blocks, then a start pointer and an end pointer: attention over the passage.

    Taught in notebooks/13_attention_at_work_text.ipynb. ``forward(question (B, T_q), passage (B, T_p))``
    returns the pointers' scores ``(start_logits, end_logits)``, each ``(B, T_p)``, with ``-inf`` at padding;
    their softmax over the passage is the attention of :meth:`pointers`.
    """

    def __init__(self, config: ReaderConfig):
        super().__init__()
        c = config
        if c.vocab_size < 2 or c.num_passage_layers < 1 or c.num_question_layers < 1:
            raise ValueError(f"vocab_size must be >= 2 and every layer count >= 1, got {c}")
        self.config = c
        self.embed = nn.Embedding(c.vocab_size, c.d_model)  # word id -> vector (shared by question and passage)
        self.positions = PositionalEncoding(c.d_model, c.max_len)
        self.passage_blocks = nn.ModuleList(TransformerBlock(c.d_model, c.num_heads, c.d_ff) for _ in range(c.num_passage_layers))
        self.question_blocks = nn.ModuleList(
            TransformerBlock(c.d_model, c.num_heads, c.d_ff) for _ in range(c.num_question_layers)
        )
        self.passage_norm = nn.LayerNorm(c.d_model)
        self.question_norm = nn.LayerNorm(c.d_model)
        self.start_query = nn.Linear(c.d_model, c.d_model)  # the question's summary -> "where does the answer start?"
        self.end_query = nn.Linear(c.d_model, c.d_model)  # ... -> "where does it end?"

    def encode(self, question: torch.Tensor, passage: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """Read both: ``(summary (B, d_model), passage states (B, T_p, d_model), passage mask (B, T_p))``.

        Taught in notebooks/13_attention_at_work_text.ipynb. The summary is the state of each question's
        last word; the mask is True at real passage words.
        """
        c = self.config
        _check_ids(question, "question", c.vocab_size, c.max_len)
        _check_ids(passage, "passage", c.vocab_size, c.max_len)
        if question.shape[0] != passage.shape[0]:
            raise ValueError(f"question and passage must share the batch size: {shape_of(question)} and {shape_of(passage)}")
        q_real, p_real = question != c.pad_id, passage != c.pad_id  # (B, T_q), (B, T_p)
        if not q_real.any(1).all() or not p_real.any(1).all():
            raise ValueError(f"every question and passage needs at least one word that is not padding (id {c.pad_id})")
        p = self.positions(self.embed(passage))  # (B, T_p, d_model)
        for block in self.passage_blocks:
            p = block(p, mask=p_real[:, None, :])  # (B, T_p, d_model): passage words read each other
        q = self.positions(self.embed(question))  # (B, T_q, d_model)
        for block in self.question_blocks:
            q = block(q, mask=q_real[:, None, :])  # (B, T_q, d_model): question words read each other
        last = q_real.sum(1) - 1  # (B,): position of each question's last word ("?")
        summary = self.question_norm(q)[torch.arange(len(q)), last]  # (B, d_model)
        return summary, self.passage_norm(p), p_real

    def forward(self, question: torch.Tensor, passage: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        summary, keys, real = self.encode(question, passage)  # (B, d), (B, T_p, d), (B, T_p)
        scale = 1 / math.sqrt(self.config.d_model)
        start = torch.einsum("bd,btd->bt", self.start_query(summary), keys) * scale  # (B, T_p): query . key / sqrt(d)
        end = torch.einsum("bd,btd->bt", self.end_query(summary), keys) * scale  # (B, T_p)
        return start.masked_fill(~real, float("-inf")), end.masked_fill(~real, float("-inf"))

    def loss(self, question: torch.Tensor, passage: torch.Tensor, start: torch.Tensor, end: torch.Tensor) -> torch.Tensor:
        """Cross-entropy of the true start plus that of the true end (``(B,)`` positions in the passage)."""
        start_logits, end_logits = self(question, passage)
        return F.cross_entropy(start_logits, start) + F.cross_entropy(end_logits, end)

    @torch.no_grad()
    def predict(self, question: torch.Tensor, passage: torch.Tensor, max_answer: int = 8) -> tuple[torch.Tensor, torch.Tensor]:
        """The best span with start <= end < start + ``max_answer``: ``(start (B,), end (B,))``."""
        self.eval()
        start_logits, end_logits = self(question, passage)  # (B, T_p) each
        T = passage.shape[1]
        i, j = torch.arange(T)[:, None], torch.arange(T)[None, :]
        valid = (j >= i) & (j < i + max_answer)  # (T_p, T_p): start i, end j
        pair = start_logits[:, :, None] + end_logits[:, None, :]  # (B, T_p, T_p)
        best = pair.masked_fill(~valid, float("-inf")).flatten(1).argmax(-1)  # (B,)
        return best // T, best % T

    @torch.no_grad()
    def pointers(self, question: torch.Tensor, passage: torch.Tensor) -> torch.Tensor:
        """The question's two attention distributions over the passage: ``(B, 2, T_p)``, (start, end), rows sum to 1.

        Taught in notebooks/13_attention_at_work_text.ipynb. Padding gets weight 0.
        """
        self.eval()
        start_logits, end_logits = self(question, passage)
        return torch.stack([start_logits, end_logits], dim=1).softmax(-1)  # (B, 2, T_p)
