"""Multi-head latent attention (MLA, DeepSeek-V2): cache one small latent per token instead of every head's K and V.

Taught in notebooks/10_modern_attention.ipynb. Each token ``x`` is compressed to a latent ``c = W_down x`` of
``latent_dim`` numbers; every head's key and value are *reconstructed* from it, ``k_h = W_uk,h c`` and
``v_h = W_uv,h c``. Only ``c`` is cached. Because ``q_h . k_h = (W_uk,h^T q_h) . c``, a head can score the latents
directly ("absorbing" W_uk into the query) and combine latents before reconstructing the value, so K and V are
never materialised. RoPE cannot be absorbed (it depends on the position), so DeepSeek-V2 adds a small rotary key
of ``rope_dim`` numbers shared by all heads, cached next to the latent. (DeepSeek-V2 also compresses the queries,
which saves activations, not cache; left out here.) Masks are boolean, True = may attend.
"""

from __future__ import annotations

import math

import torch
from torch import nn

from ._checks import check_float_tensors, shape_of
from .multi_head import merge_heads, split_heads
from .rope import apply_rope
from .scaled_dot_product import scaled_dot_product_attention
from .softmax import softmax_torch


def latent_cache_bytes(
    batch: int, seq_len: int, num_layers: int, latent_dim: int, rope_dim: int = 0, bytes_per_value: int = 2
) -> int:
    """Bytes an MLA cache needs: one latent (and one shared rotary key) per token and layer.

    Taught in notebooks/10_modern_attention.ipynb. Compare :func:`attention.kv_cache_bytes`, which counts a key
    and a value per kv head: MLA stores ``latent_dim + rope_dim`` numbers per token and layer, whatever the
    number of heads.
    """
    for name, n in (
        ("batch", batch),
        ("seq_len", seq_len),
        ("num_layers", num_layers),
        ("latent_dim", latent_dim),
        ("bytes_per_value", bytes_per_value),
    ):
        if not isinstance(n, int) or isinstance(n, bool) or n < 1:
            raise ValueError(f"{name} must be an int >= 1, got {n!r}")
    if not isinstance(rope_dim, int) or isinstance(rope_dim, bool) or rope_dim < 0:
        raise ValueError(f"rope_dim must be an int >= 0, got {rope_dim!r}")
    return batch * seq_len * num_layers * (latent_dim + rope_dim) * bytes_per_value


class MultiHeadLatentAttention(nn.Module):
    """Self-attention whose keys and values come from a cached latent ``(B, T, latent_dim)``.

    Taught in notebooks/10_modern_attention.ipynb. ``forward(x, mask)`` returns ``(output (B, T, d_model),
    weights (B, num_heads, T, T))``; with ``absorb=True`` (default) it attends in latent space, with
    ``absorb=False`` it reconstructs every head's K and V first: the same result. ``rope_dim > 0`` adds the
    decoupled rotary key of DeepSeek-V2 (even, shared by the heads).
    """

    def __init__(
        self, d_model: int, num_heads: int, head_dim: int, latent_dim: int, rope_dim: int = 0, rope_base: float = 10000.0
    ):
        super().__init__()
        for name, n in (("d_model", d_model), ("num_heads", num_heads), ("head_dim", head_dim), ("latent_dim", latent_dim)):
            if not isinstance(n, int) or isinstance(n, bool) or n < 1:
                raise ValueError(f"{name} must be an int >= 1, got {n!r}")
        if not isinstance(rope_dim, int) or isinstance(rope_dim, bool) or rope_dim < 0 or rope_dim % 2:
            raise ValueError(f"rope_dim must be an even int >= 0 (RoPE rotates pairs), got {rope_dim!r}")
        self.d_model = d_model  # width of every token vector
        self.num_heads = num_heads  # attention heads
        self.head_dim = head_dim  # width of one head's content query, key and value
        self.latent_dim = latent_dim  # numbers cached per token for keys and values together
        self.rope_dim = rope_dim  # width of the shared rotary key (cached too) and of each head's rotary query
        self.rope_base = rope_base  # RoPE's base
        self.w_q = nn.Linear(d_model, num_heads * head_dim, bias=False)  # content queries
        self.w_down = nn.Linear(d_model, latent_dim, bias=False)  # x -> latent c (cached)
        self.w_uk = nn.Linear(latent_dim, num_heads * head_dim, bias=False)  # c -> every head's key
        self.w_uv = nn.Linear(latent_dim, num_heads * head_dim, bias=False)  # c -> every head's value
        self.w_q_rope = nn.Linear(d_model, num_heads * rope_dim, bias=False) if rope_dim else None
        self.w_k_rope = nn.Linear(d_model, rope_dim, bias=False) if rope_dim else None  # one key for all heads
        self.w_o = nn.Linear(num_heads * head_dim, d_model, bias=False)
        self.last_weights: torch.Tensor | None = None

    def _check(self, x: torch.Tensor, mask) -> None:
        check_float_tensors(x=x)
        if x.ndim != 3 or x.shape[-1] != self.d_model:
            raise ValueError(f"x must have shape (B, T, d_model={self.d_model}), got {shape_of(x)}")
        if mask is None:
            return
        if not isinstance(mask, torch.Tensor) or mask.dtype != torch.bool:
            raise ValueError(f"mask must be a boolean tensor (True = may attend), got {getattr(mask, 'dtype', type(mask))}")
        B, T, _ = x.shape
        want = (B, self.num_heads, T, T)
        try:
            fits = mask.ndim <= 4 and torch.broadcast_shapes(mask.shape, want) == want
        except RuntimeError:
            fits = False
        if not fits:
            raise ValueError(f"mask of shape {shape_of(mask)} does not broadcast to (B, num_heads, T, T) = {want}")

    def compress(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor | None]:
        """What is cached per token: the latent ``(B, T, latent_dim)`` and the rotated shared key ``(B, T, rope_dim)``."""
        self._check(x, None)
        latent = self.w_down(x)  # (B, T, d_model) -> (B, T, latent_dim)
        rope_key = apply_rope(self.w_k_rope(x), base=self.rope_base) if self.rope_dim else None  # (B, T, rope_dim)
        return latent, rope_key

    def reconstruct_kv(self, latent: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """Every head's content keys and values from the latents: two ``(B, num_heads, T, head_dim)`` tensors."""
        check_float_tensors(latent=latent)
        if latent.ndim != 3 or latent.shape[-1] != self.latent_dim:
            raise ValueError(f"latent must have shape (B, T, latent_dim={self.latent_dim}), got {shape_of(latent)}")
        return split_heads(self.w_uk(latent), self.num_heads), split_heads(self.w_uv(latent), self.num_heads)

    def _queries(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor | None]:
        q = split_heads(self.w_q(x), self.num_heads)  # (B, h, T, head_dim)
        if not self.rope_dim:
            return q, None
        q_rope = apply_rope(split_heads(self.w_q_rope(x), self.num_heads), base=self.rope_base)  # (B, h, T, rope_dim)
        return q, q_rope

    def forward(self, x: torch.Tensor, mask: torch.Tensor | None = None, absorb: bool = True):
        """Self-attention over ``x (B, T, d_model)``; ``mask`` (True = may attend) broadcasts to ``(B, h, T, T)``."""
        self._check(x, mask)
        B, T, _ = x.shape
        h, dh = self.num_heads, self.head_dim
        scale = 1.0 / math.sqrt(dh + self.rope_dim)
        latent, rope_key = self.compress(x)  # (B, T, latent_dim), (B, T, rope_dim) or None
        q, q_rope = self._queries(x)  # (B, h, T, head_dim), (B, h, T, rope_dim) or None
        if not absorb:  # the plain way: rebuild K and V for every head, then ordinary attention
            k, v = self.reconstruct_kv(latent)  # (B, h, T, head_dim) each
            if self.rope_dim:
                q = torch.cat([q, q_rope], dim=-1)  # (B, h, T, head_dim + rope_dim)
                k = torch.cat([k, rope_key[:, None].expand(B, h, T, self.rope_dim)], dim=-1)  # the same key per head
            heads, weights = scaled_dot_product_attention(q, k, v, mask=mask, scale=scale)  # (B, h, T, head_dim)
        else:  # absorbed: score and mix the latents, reconstruct only the mixed value
            w_uk = self.w_uk.weight.view(h, dh, self.latent_dim)  # (h, head_dim, latent_dim)
            w_uv = self.w_uv.weight.view(h, dh, self.latent_dim)  # (h, head_dim, latent_dim)
            q_latent = torch.einsum("bhtd,hdc->bhtc", q, w_uk)  # (B, h, T, latent_dim): W_uk,h^T q
            scores = q_latent @ latent[:, None].transpose(-2, -1)  # (B, h, T, c) @ (B, 1, c, T) -> (B, h, T, T)
            if self.rope_dim:
                scores = scores + q_rope @ rope_key[:, None].transpose(-2, -1)  # (B, h, T, r) @ (B, 1, r, T)
            scores = scores * scale
            if mask is not None:
                scores = scores.masked_fill(~mask, float("-inf"))
            weights = softmax_torch(scores, dim=-1)  # (B, h, T, T)
            mixed = weights @ latent[:, None]  # (B, h, T, T) @ (B, 1, T, c) -> (B, h, T, latent_dim)
            heads = torch.einsum("bhtc,hdc->bhtd", mixed, w_uv)  # (B, h, T, head_dim): W_uv,h of the mixed latent
        self.last_weights = weights.detach()
        return self.w_o(merge_heads(heads)), weights  # (B, T, d_model)
