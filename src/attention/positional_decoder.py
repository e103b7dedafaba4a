"""A tiny causal decoder whose attention knows positions in one of four ways: sinusoidal, RoPE, ALiBi or none.

Taught in notebooks/10_modern_attention.ipynb, where the same decoder is trained with each scheme on the order pad
and tested on longer sequences, and streamed through a sliding-window KV cache with and without attention sinks.
Sinusoidal positions are added to the tokens (lesson 05); RoPE turns queries and keys; ALiBi biases the scores;
"none" has no positions at all. Modules take token ids ``(B, T)``; every block keeps its last attention weights.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import torch
from torch import nn

from ._checks import shape_of
from .alibi import alibi_slopes
from .block import FeedForward, sinusoidal_positions
from .masks import causal_mask
from .multi_head import merge_heads
from .rope import apply_rope
from .sliding_window import SinkKVCache
from .softmax import softmax_torch

POSITIONS = ("sinusoidal", "rope", "alibi", "none")


@dataclass
class PositionalDecoderConfig:
    """Sizes of a :class:`PositionalDecoder`."""

    vocab_size: int  # number of distinct input tokens
    num_classes: int  # answers scored at every position
    position: str = "rope"  # how attention knows order: "sinusoidal", "rope", "alibi" or "none"
    d_model: int = 32  # width of every token vector
    num_heads: int = 4  # attention heads per block
    num_layers: int = 1  # number of blocks
    d_ff: int = 64  # hidden width of the feed-forward network
    max_len: int = 512  # longest input (the sinusoidal table's length)


class PositionalAttention(nn.Module):
    """Causal multi-head self-attention that applies the config's position scheme.

    Taught in notebooks/10_modern_attention.ipynb. ``forward(x)`` takes ``(B, T, d_model)``; with a
    :class:`attention.SinkKVCache` it takes one new token ``(B, 1, d_model)``, stores its key and value, and
    attends over what the cache keeps, numbering the kept entries 0, 1, ... (as StreamingLLM does).
    """

    def __init__(self, config: PositionalDecoderConfig):
        super().__init__()
        c = config
        self.position = c.position
        self.num_heads = c.num_heads
        self.d_k = c.d_model // c.num_heads
        self.w_qkv = nn.Linear(c.d_model, 3 * c.d_model)  # queries, keys and values in one product
        self.w_o = nn.Linear(c.d_model, c.d_model)
        self.register_buffer("slopes", alibi_slopes(c.num_heads).float(), persistent=False)  # used by "alibi"
        self.last_weights: torch.Tensor | None = None  # (B, h, T_q, T_k)

    def forward(self, x: torch.Tensor, cache: SinkKVCache | None = None) -> torch.Tensor:
        B, T, _ = x.shape
        q, k, v = self.w_qkv(x).view(B, T, 3, self.num_heads, self.d_k).permute(2, 0, 3, 1, 4)  # 3 x (B, h, T, d_k)
        if cache is not None:
            cache.append(k, v)  # raw keys: rotated below by their place in the cache
            k, v = cache.keys, cache.values  # (B, h, kept, d_k)
        T_k = k.shape[2]
        k_pos = torch.arange(T_k, device=x.device)  # (T_k,) place of each key
        q_pos = k_pos[T_k - T :]  # (T,) the queries are the newest positions
        if self.position == "rope":
            q, k = apply_rope(q, q_pos), apply_rope(k, k_pos)  # (B, h, T, d_k), (B, h, T_k, d_k)
        scores = q @ k.transpose(-2, -1) / math.sqrt(self.d_k)  # (B, h, T, d_k) @ (B, h, d_k, T_k) -> (B, h, T, T_k)
        if self.position == "alibi":
            distance = (q_pos[:, None] - k_pos[None, :]).to(scores.dtype)  # (T, T_k)
            scores = scores - self.slopes.to(scores.dtype)[:, None, None] * distance  # (h, 1, 1) * (T, T_k)
        scores = scores.masked_fill(~causal_mask(T, T_k, device=x.device), float("-inf"))
        weights = softmax_torch(scores, dim=-1)  # (B, h, T, T_k)
        self.last_weights = weights.detach()
        return self.w_o(merge_heads(weights @ v))  # (B, h, T, d_k) -> (B, T, d_model)


class PositionalDecoder(nn.Module):
    """Token ids ``(B, T)`` -> answer scores ``(B, T, num_classes)`` at every position, causally.

    Taught in notebooks/10_modern_attention.ipynb. Pre-LayerNorm blocks (lesson 05) around
    :class:`PositionalAttention`.
    """

    def __init__(self, config: PositionalDecoderConfig):
        super().__init__()
        c = config
        if c.position not in POSITIONS:
            raise ValueError(f"position must be one of {POSITIONS}, got {c.position!r}")
        for name in ("vocab_size", "num_classes", "d_model", "num_heads", "num_layers", "d_ff", "max_len"):
            n = getattr(c, name)
            if not isinstance(n, int) or isinstance(n, bool) or n < 1:
                raise ValueError(f"{name} must be an int >= 1, got {n!r}")
        if c.d_model % c.num_heads or (c.position == "rope" and (c.d_model // c.num_heads) % 2):
            raise ValueError(f"num_heads={c.num_heads} must divide d_model={c.d_model} (into an even head size for rope)")
        self.config = c
        self.embed = nn.Embedding(c.vocab_size, c.d_model)
        self.register_buffer("pe", sinusoidal_positions(c.max_len, c.d_model), persistent=False)  # used by "sinusoidal"
        self.blocks = nn.ModuleList(
            nn.ModuleDict(
                {
                    "ln1": nn.LayerNorm(c.d_model),
                    "attn": PositionalAttention(c),
                    "ln2": nn.LayerNorm(c.d_model),
                    "ffn": FeedForward(c.d_model, c.d_ff),
                }
            )
            for _ in range(c.num_layers)
        )
        self.ln_f = nn.LayerNorm(c.d_model)
        self.classifier = nn.Linear(c.d_model, c.num_classes)  # output layer: scores per class

    def _check(self, tokens) -> None:
        c = self.config
        if not isinstance(tokens, torch.Tensor) or tokens.ndim != 2 or tokens.is_floating_point() or tokens.shape[1] < 1:
            raise ValueError(f"tokens must be an integer tensor (B, T), got {type(tokens).__name__} {shape_of(tokens)}")
        if tokens.min() < 0 or tokens.max() >= c.vocab_size:
            raise ValueError(f"token ids must be in 0..{c.vocab_size - 1}, got {tokens.min().item()}..{tokens.max().item()}")

    def _block(self, block: nn.ModuleDict, x: torch.Tensor, cache: SinkKVCache | None = None) -> torch.Tensor:
        x = x + block["attn"](block["ln1"](x), cache=cache)  # (B, T, d_model)
        return x + block["ffn"](block["ln2"](x))

    def forward(self, tokens: torch.Tensor) -> torch.Tensor:
        self._check(tokens)
        T = tokens.shape[1]
        if T > self.config.max_len:
            raise ValueError(f"tokens has T={T} positions but max_len={self.config.max_len} (shape {shape_of(tokens)})")
        x = self.embed(tokens)  # (B, T) -> (B, T, d_model)
        if self.config.position == "sinusoidal":
            x = x + self.pe[:T]  # (B, T, d_model) + (T, d_model)
        for block in self.blocks:
            x = self._block(block, x)
        return self.classifier(self.ln_f(x))  # (B, T, num_classes)

    @torch.no_grad()
    def stream(self, tokens: torch.Tensor, window: int, num_sinks: int = 0) -> torch.Tensor:
        """Read ``tokens (B, T)`` one at a time through a KV cache that keeps ``num_sinks`` first + ``window`` last positions.

        Taught in notebooks/10_modern_attention.ipynb (StreamingLLM). Returns the scores ``(B, T, num_classes)``
        each token got when it arrived. Only for relative positions ("rope", "alibi", "none"): the kept entries
        are numbered by their place in the cache, so the stream can be longer than anything seen in training.
        """
        self._check(tokens)
        if self.config.position == "sinusoidal":
            raise ValueError(
                "stream() needs relative positions (rope, alibi or none): sinusoidal positions are added "
                "to the tokens when they enter and can't be renumbered inside the cache"
            )
        was_training = self.training
        self.eval()
        caches = [SinkKVCache(window, num_sinks) for _ in self.blocks]  # checks window and num_sinks
        scores = []
        for i in range(tokens.shape[1]):
            x = self.embed(tokens[:, i : i + 1])  # (B, 1, d_model)
            for block, cache in zip(self.blocks, caches):
                x = self._block(block, x, cache)
            scores.append(self.classifier(self.ln_f(x)))  # (B, 1, num_classes)
        self.train(was_training)
        return torch.cat(scores, dim=1)  # (B, T, num_classes)

    def attention_weights(self) -> torch.Tensor:
        """The blocks' last attention weights, stacked: ``(num_layers, B, num_heads, T, T)``."""
        weights = [block["attn"].last_weights for block in self.blocks]
        if any(w is None for w in weights):
            raise ValueError("no attention weights yet: call the model on some tokens first")
        return torch.stack(weights)
