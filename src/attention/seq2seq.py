"""An encoder-decoder Transformer: the decoder reads the encoder's output through cross-attention.

Taught in notebooks/07_cross_attention.ipynb. The encoder runs self-attention
over the source (padding masked); each decoder block runs causal self-attention
over what it has written so far, then cross-attention with queries from the
decoder ("what I need to write next") and keys/values from the encoder ("what
the input says"). Token ids are ``(B, T)`` LongTensors; masks are boolean,
True = may attend.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import nn
from torch.nn import functional as F

from ._checks import check_int, shape_of
from .block import PositionalEncoding, TransformerBlock, stacked_weights
from .masks import _padding_mask, causal_mask


@dataclass
class Seq2SeqConfig:
    """Sizes of a :class:`Seq2SeqTransformer`."""

    vocab_size: int  # tokens shared by source and target (one embedding table)
    d_model: int = 64  # width of every token vector
    num_heads: int = 4  # attention heads per attention layer
    d_ff: int = 128  # hidden width of the feed-forward networks
    num_encoder_layers: int = 2  # encoder blocks (self-attention only)
    num_decoder_layers: int = 2  # decoder blocks (causal self-attention + cross-attention)
    max_len: int = 64  # longest source or target sequence
    dropout: float = 0.0  # dropout inside the blocks while training
    pad_id: int = 0  # padding id: sources are right-padded with it, and those positions are masked out as keys
    causal: bool = True  # the decoder's causal mask (False: every position sees the whole dec_in, lesson 07's ablation)


def _check_ids(ids: torch.Tensor, name: str, vocab_size: int, max_len: int) -> None:
    if not isinstance(ids, torch.Tensor) or ids.dtype != torch.long or ids.ndim != 2:
        got = f"{ids.dtype} tensor of shape {shape_of(ids)}" if isinstance(ids, torch.Tensor) else type(ids).__name__
        raise ValueError(f"{name} must be a LongTensor of token ids with shape (B, T), got {got}")
    if ids.shape[1] > max_len or ids.shape[1] < 1:
        raise ValueError(f"{name} has T={ids.shape[1]} but must have 1..max_len={max_len} positions (shape {shape_of(ids)})")
    if ids.numel() and (ids.min() < 0 or ids.max() >= vocab_size):
        raise ValueError(f"{name} holds ids outside 0..{vocab_size - 1} (shape {shape_of(ids)})")


def _source_lengths(src: torch.Tensor, pad_id: int) -> torch.Tensor:
    """Tokens before the padding in each row of a right-padded ``src`` ``(B, T_in)``: ``(B,)``."""
    real = src != pad_id  # (B, T_in)
    lengths = real.sum(dim=1)  # (B,)
    right_padded = real == (torch.arange(src.shape[1], device=src.device)[None, :] < lengths[:, None])
    if not right_padded.all():
        row = int((~right_padded).any(dim=1).nonzero()[0])
        raise ValueError(
            f"src must be right-padded with pad_id={pad_id} (padding only at the end of a row), "
            f"but row {row} of src {shape_of(src)} has a real token after padding: {src[row].tolist()}"
        )
    return lengths


class Seq2SeqTransformer(nn.Module):
    """Encoder-decoder Transformer built from :class:`TransformerBlock` (pre-LayerNorm).

    Taught in notebooks/07_cross_attention.ipynb. ``forward(src, dec_in)`` gives
    logits ``(B, T_out, vocab_size)`` for the next token at every decoder position
    (teacher forcing: ``dec_in`` is the target shifted right, starting with <bos>).
    """

    def __init__(self, config: Seq2SeqConfig):
        super().__init__()
        c = config
        for name in ("vocab_size", "d_model", "num_heads", "d_ff", "num_encoder_layers", "num_decoder_layers", "max_len"):
            check_int(f"config.{name}", getattr(c, name))
        if not isinstance(c.causal, bool):
            raise ValueError(f"config.causal must be True or False, got {c.causal!r}")
        if not 0 <= c.pad_id < c.vocab_size:
            raise ValueError(f"config.pad_id={c.pad_id} must be a token id in 0..vocab_size-1={c.vocab_size - 1}")
        self.config = c
        self.embed = nn.Embedding(c.vocab_size, c.d_model)
        self.positions = PositionalEncoding(c.d_model, c.max_len)
        self.encoder = nn.ModuleList(
            TransformerBlock(c.d_model, c.num_heads, c.d_ff, c.dropout) for _ in range(c.num_encoder_layers)
        )
        self.decoder = nn.ModuleList(
            TransformerBlock(c.d_model, c.num_heads, c.d_ff, c.dropout, cross_attention=True) for _ in range(c.num_decoder_layers)
        )
        self.encoder_norm = nn.LayerNorm(c.d_model)  # pre-LN blocks leave the last output un-normalised
        self.decoder_norm = nn.LayerNorm(c.d_model)
        self.to_logits = nn.Linear(c.d_model, c.vocab_size)

    def _embed(self, ids: torch.Tensor) -> torch.Tensor:
        return self.positions._forward(self.embed(ids))  # (B, T) -> (B, T, d_model): token vector + position vector

    def _check_src(self, src: torch.Tensor) -> torch.Tensor:
        """Check source ids; return their lengths before the padding ``(B,)``."""
        _check_ids(src, "src", self.config.vocab_size, self.config.max_len)
        return _source_lengths(src, self.config.pad_id)

    def encode(self, src: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """Encode right-padded source ids ``(B, T_in)``; returns ``(memory (B, T_in, d_model), source mask (B, 1, T_in))``.

        The source mask is :func:`attention.padding_mask` of the lengths before the padding (True = a real token).
        """
        return self._encode(src, self._check_src(src))

    def _encode(self, src: torch.Tensor, lengths: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        mask = _padding_mask(lengths, src.shape[1])  # (B, 1, T_in): no query may look at padding
        x = self._embed(src)  # (B, T_in, d_model)
        for block in self.encoder:
            x = block._forward(x, mask[:, None])  # (B, T_in, d_model); the mask as (B, 1 head, 1 query, T_in)
        return self.encoder_norm(x), mask

    def decode(self, dec_in: torch.Tensor, memory: torch.Tensor, src_mask: torch.Tensor) -> torch.Tensor:
        """Logits ``(B, T_out, vocab_size)`` for decoder input ids ``(B, T_out)`` reading ``memory`` (from :meth:`encode`)."""
        _check_ids(dec_in, "dec_in", self.config.vocab_size, self.config.max_len)
        B, d = dec_in.shape[0], self.config.d_model
        if not isinstance(memory, torch.Tensor) or memory.ndim != 3 or memory.shape[0] != B or memory.shape[2] != d:
            raise ValueError(f"memory must be (B={B}, T_in, d_model={d}) for dec_in {shape_of(dec_in)}, got {shape_of(memory)}")
        src_mask = self.decoder[0].cross_attn.check_mask(src_mask, B, dec_in.shape[1], memory.shape[1])
        return self._decode(dec_in, memory, src_mask)

    def _decode(self, dec_in: torch.Tensor, memory: torch.Tensor, src_mask: torch.Tensor) -> torch.Tensor:
        """The unchecked core of :meth:`decode`; ``src_mask`` per head, ``(B, 1, 1, T_in)``."""
        causal = causal_mask(dec_in.shape[1], device=dec_in.device) if self.config.causal else None  # (T_out, T_out)
        y = self._embed(dec_in)  # (B, T_out, d_model)
        for block in self.decoder:
            y = block._forward(y, causal, memory, src_mask)  # Q from y, K,V from memory
        return self.to_logits(self.decoder_norm(y))  # (B, T_out, vocab_size)

    def forward(self, src: torch.Tensor, dec_in: torch.Tensor) -> torch.Tensor:
        """Logits ``(B, T_out, vocab_size)``: encode ``src`` ``(B, T_in)``, decode ``dec_in`` ``(B, T_out)``."""
        lengths = self._check_src(src)
        _check_ids(dec_in, "dec_in", self.config.vocab_size, self.config.max_len)
        if src.shape[0] != dec_in.shape[0]:
            raise ValueError(f"src and dec_in must share the batch size B: src {shape_of(src)}, dec_in {shape_of(dec_in)}")
        memory, src_mask = self._encode(src, lengths)
        return self._decode(dec_in, memory, src_mask[:, None])

    def loss(self, src: torch.Tensor, dec_in: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
        """Mean cross-entropy of predicting ``target`` ``(B, T_out)`` (positions holding pad_id are ignored)."""
        logits = self(src, dec_in)  # (B, T_out, vocab_size)
        if target.shape != dec_in.shape:
            raise ValueError(f"target must have the shape of dec_in {shape_of(dec_in)}, got {shape_of(target)}")
        flat_logits, flat_target = logits.flatten(0, 1), target.flatten()  # (B*T_out, V), (B*T_out,)
        return F.cross_entropy(flat_logits, flat_target, ignore_index=self.config.pad_id)

    @torch.no_grad()
    def greedy_decode(self, src: torch.Tensor, bos_id: int, eos_id: int, max_len: int) -> torch.Tensor:
        """Write ``max_len`` tokens for every source, each time taking the most likely next token.

        Returns ids ``(B, max_len)`` without the leading <bos>; after a sequence's
        <eos> the rest of its row is <eos> too.
        """
        if isinstance(max_len, bool) or not isinstance(max_len, int) or not 1 <= max_len < self.config.max_len:
            raise ValueError(f"max_len must be an int in 1..{self.config.max_len - 1}, got {max_len!r}")
        for name, token in (("bos_id", bos_id), ("eos_id", eos_id)):
            check_int(name, token, low=0)
            if token >= self.config.vocab_size:
                raise ValueError(f"{name}={token} is not a token id (vocab_size={self.config.vocab_size})")
        memory, src_mask = self._encode(src, self._check_src(src))  # the source is encoded once
        out = torch.full((src.shape[0], 1), bos_id, dtype=torch.long, device=src.device)  # (B, 1)
        done = torch.zeros(src.shape[0], dtype=torch.bool, device=src.device)  # (B,)
        for _ in range(max_len):
            logits = self._decode(out, memory, src_mask[:, None])  # (B, t, vocab_size): re-run over the prefix (no KV cache)
            next_id = logits[:, -1].argmax(-1)  # (B,)
            next_id = torch.where(done, torch.full_like(next_id, eos_id), next_id)
            out = torch.cat([out, next_id[:, None]], dim=1)  # (B, t + 1)
            done |= next_id == eos_id
            if done.all():
                break
        result = out[:, 1:]  # drop <bos>
        if result.shape[1] < max_len:  # everyone finished early: pad with <eos>
            result = F.pad(result, (0, max_len - result.shape[1]), value=eos_id)
        return result  # (B, max_len)

    @torch.no_grad()
    def cross_attention_weights(self, src: torch.Tensor, dec_in: torch.Tensor) -> torch.Tensor:
        """Cross-attention weights ``(layers, B, heads, T_out, T_in)`` when decoding ``dec_in`` from ``src``.

        Row t of a map says where in the source the decoder looked while
        predicting output token t + 1; padded source positions get weight 0.
        """
        self(src, dec_in)
        return stacked_weights(block.cross_attn for block in self.decoder)  # (L, B, h, T_out, T_in)
