"""The Transformer block: positional encodings, feed-forward network and pre-LayerNorm blocks.

Taught in notebooks/05_transformer_block.ipynb (cross-attention blocks in
notebooks/07_cross_attention.ipynb). Built on :class:`MultiHeadAttention`;
modules take and return ``(B, T, d_model)``. Masks are boolean, True = may attend.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

import torch
from torch import nn

from ._checks import check_module_dtype, check_probability, check_tokens, shape_of
from .multi_head import MultiHeadAttention


def sinusoidal_positions(T: int, d_model: int) -> torch.Tensor:
    """The sinusoidal positional encodings of Vaswani et al. (2017), shape ``(T, d_model)``.

    Taught in notebooks/05_transformer_block.ipynb.
    ``PE[t, 2i] = sin(t / 10000^(2i/d_model))`` and ``PE[t, 2i+1] = cos(t / 10000^(2i/d_model))``.
    """
    if isinstance(T, bool) or not isinstance(T, int) or T < 1:
        raise ValueError(f"T must be a positive int, got T={T!r}")
    if isinstance(d_model, bool) or not isinstance(d_model, int) or d_model < 2 or d_model % 2:
        raise ValueError(f"d_model must be a positive even int (sin/cos pairs), got d_model={d_model!r}")
    positions = torch.arange(T, dtype=torch.float32)[:, None]  # (T, 1)
    freqs = torch.exp(-math.log(10000.0) * torch.arange(0, d_model, 2, dtype=torch.float32) / d_model)  # (d_model/2,)
    angles = positions * freqs[None, :]  # (T, 1) * (1, d_model/2) -> (T, d_model/2)
    pe = torch.empty(T, d_model)
    pe[:, 0::2] = torch.sin(angles)  # even features
    pe[:, 1::2] = torch.cos(angles)  # odd features
    return pe  # (T, d_model)


class PositionalEncoding(nn.Module):
    """Add the fixed sinusoidal positional encodings to token vectors ``(B, T, d_model)``.

    Taught in notebooks/05_transformer_block.ipynb. Nothing is learned: the table
    of ``max_len`` positions is a buffer.
    """

    def __init__(self, d_model: int, max_len: int = 512):
        super().__init__()
        self.d_model = d_model  # width of every token vector
        self.max_len = max_len  # longest sequence that can be encoded
        self.register_buffer("pe", sinusoidal_positions(max_len, d_model), persistent=False)  # (max_len, d_model)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        check_tokens(x, self.d_model)
        if x.shape[1] > self.max_len:
            raise ValueError(f"x has T={x.shape[1]} positions but max_len={self.max_len} (x has shape {shape_of(x)})")
        return self._forward(x)

    def _forward(self, x: torch.Tensor) -> torch.Tensor:
        """The unchecked core of :meth:`forward`."""
        return x + self.pe[: x.shape[1]].to(x.dtype)  # (B, T, d_model) + (T, d_model) -> (B, T, d_model)


class FeedForward(nn.Module):
    """The position-wise feed-forward network: Linear(d_model, d_ff) -> GELU -> Linear(d_ff, d_model).

    Taught in notebooks/05_transformer_block.ipynb. Applied to every position
    separately (the original paper used ReLU; GPT-style models use GELU).
    """

    def __init__(self, d_model: int, d_ff: int, dropout: float = 0.0):
        super().__init__()
        for name, n in (("d_model", d_model), ("d_ff", d_ff)):
            if isinstance(n, bool) or not isinstance(n, int) or n < 1:
                raise ValueError(f"{name} must be a positive int, got d_model={d_model!r}, d_ff={d_ff!r}")
        check_probability("dropout", dropout)
        self.d_model = d_model  # width of every token vector
        self.d_ff = d_ff  # hidden width, usually 4 * d_model
        self.net = nn.Sequential(nn.Linear(d_model, d_ff), nn.GELU(), nn.Linear(d_ff, d_model), nn.Dropout(dropout))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        check_tokens(x, self.d_model)
        check_module_dtype(self, x=x)
        return self._forward(x)

    def _forward(self, x: torch.Tensor) -> torch.Tensor:
        """The unchecked core of :meth:`forward`."""
        return self.net(x)  # (B, T, d_model) -> (B, T, d_ff) -> (B, T, d_model)


class TransformerBlock(nn.Module):
    """A pre-LayerNorm Transformer block: self-attention, optional cross-attention, feed-forward, each residual.

    Taught in notebooks/05_transformer_block.ipynb (with ``cross_attention=True``
    in notebooks/07_cross_attention.ipynb)::

        x = x + self_attn(ln1(x), mask)
        x = x + cross_attn(ln2(x), memory, memory, memory_mask)   # only with cross_attention
        x = x + ffn(ln3(x))

    ``self_attn`` and ``cross_attn`` are :class:`MultiHeadAttention` modules and
    keep their last weights ``(B, num_heads, T_q, T_k)`` in ``last_weights``.
    """

    def __init__(self, d_model: int, num_heads: int, d_ff: int, dropout: float = 0.0, cross_attention: bool = False):
        super().__init__()
        check_probability("dropout", dropout)
        self.d_model = d_model  # width of every token vector
        self.has_cross_attention = cross_attention  # True: also attend to an encoder's output ("memory")
        self.ln1 = nn.LayerNorm(d_model)
        self.self_attn = MultiHeadAttention(d_model, num_heads, dropout=dropout)
        self.ln2 = nn.LayerNorm(d_model) if cross_attention else None
        self.cross_attn = MultiHeadAttention(d_model, num_heads, dropout=dropout) if cross_attention else None
        self.ln3 = nn.LayerNorm(d_model)
        self.ffn = FeedForward(d_model, d_ff, dropout)
        self.dropout = nn.Dropout(dropout)  # on each sub-layer's output, before it is added back

    def forward(
        self,
        x: torch.Tensor,
        mask: torch.Tensor | None = None,
        memory: torch.Tensor | None = None,
        memory_mask: torch.Tensor | None = None,
    ) -> torch.Tensor:
        """Run the block on ``x`` ``(B, T, d_model)``; returns ``(B, T, d_model)``.

        ``mask`` (True = may attend) broadcasts to ``(B, num_heads, T, T)``, e.g. a
        causal mask ``(T, T)``; ``memory`` is ``(B, S, d_model)`` and
        ``memory_mask`` broadcasts to ``(B, num_heads, T, S)``, e.g. a padding mask ``(B, 1, S)``.
        """
        check_tokens(x, self.d_model)
        check_module_dtype(self, x=x)
        B, T = x.shape[:2]
        if self.cross_attn is None:
            if memory is not None or memory_mask is not None:
                raise ValueError(
                    "memory/memory_mask given but this block was built without cross_attention "
                    f"(x {shape_of(x)}); use TransformerBlock(..., cross_attention=True)"
                )
        else:
            if memory is None:
                raise ValueError(
                    f"this block has cross_attention: pass memory of shape (B, S, d_model) (x has shape {shape_of(x)})"
                )
            check_tokens(memory, self.d_model, "memory")
            check_module_dtype(self, memory=memory)
            if memory.shape[0] != B:
                raise ValueError(f"memory must have the batch size of x: x {shape_of(x)}, memory {shape_of(memory)}")
            memory_mask = self.cross_attn.check_mask(memory_mask, B, T, memory.shape[1])
        mask = self.self_attn.check_mask(mask, B, T, T)
        return self._forward(x, mask, memory, memory_mask)

    def _forward(self, x, mask=None, memory=None, memory_mask=None) -> torch.Tensor:
        """The unchecked core of :meth:`forward` (masks as returned by :meth:`MultiHeadAttention.check_mask`)."""
        h = self.ln1(x)  # (B, T, d_model)
        x = x + self.dropout(self.self_attn._forward(h, h, h, mask)[0])  # (B, T, d_model)
        if self.cross_attn is not None:
            h = self.ln2(x)  # (B, T, d_model)
            x = x + self.dropout(self.cross_attn._forward(h, memory, memory, memory_mask)[0])  # queries (B, T, .), keys (B, S, .)
        return x + self.ffn._forward(self.ln3(x))  # (B, T, d_model)


def stacked_weights(layers: Iterable[MultiHeadAttention]) -> torch.Tensor:
    """The last weights of several attention layers, stacked: ``(L, B, num_heads, T_q, T_k)``.

    Taught in notebooks/05_transformer_block.ipynb (each model's ``attention_weights`` is this over its blocks).
    """
    weights = [layer.last_weights for layer in layers]
    if not weights or any(w is None for w in weights):
        raise ValueError("no attention weights yet: call the model on some inputs first")
    return torch.stack(weights)  # L x (B, h, T_q, T_k) -> (L, B, h, T_q, T_k)
