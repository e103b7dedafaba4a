"""Multi-head attention: several attention "friends" in parallel, then W_O.

Taught in notebooks/04_multi_head.ipynb. Batch first: inputs ``(B, T, d_model)``.
"""

from __future__ import annotations

import torch
from torch import nn
from torch.nn import functional as F

from ._checks import check_float_tensors, check_int, check_mask, check_mask_kind, check_module_dtype, check_probability, shape_of
from .scaled_dot_product import _attention


def split_heads(x: torch.Tensor, num_heads: int) -> torch.Tensor:
    """Reshape ``(B, T, d_model)`` to ``(B, num_heads, T, d_k)`` with d_k = d_model / num_heads.

    Taught in notebooks/04_multi_head.ipynb.
    """
    if not isinstance(x, torch.Tensor) or x.ndim != 3:
        raise ValueError(f"x must have shape (B, T, d_model), got {shape_of(x)}")
    check_int("num_heads", num_heads)
    if x.shape[-1] % num_heads != 0:
        raise ValueError(f"num_heads={num_heads} does not divide d_model={x.shape[-1]} (x has shape {shape_of(x)})")
    return _split_heads(x, num_heads)


def _split_heads(x: torch.Tensor, num_heads: int) -> torch.Tensor:
    B, T, d_model = x.shape
    d_k = d_model // num_heads
    return x.view(B, T, num_heads, d_k).transpose(1, 2)  # (B, T, h, d_k) -> (B, h, T, d_k)


def merge_heads(x: torch.Tensor) -> torch.Tensor:
    """Reshape ``(B, num_heads, T, d_k)`` back to ``(B, T, num_heads * d_k)``.

    Taught in notebooks/04_multi_head.ipynb. Inverse of :func:`split_heads`.
    """
    if not isinstance(x, torch.Tensor) or x.ndim != 4:
        raise ValueError(f"x must have shape (B, num_heads, T, d_k), got {shape_of(x)}")
    return _merge_heads(x)


def _merge_heads(x: torch.Tensor) -> torch.Tensor:
    B, h, T, d_k = x.shape
    return x.transpose(1, 2).reshape(B, T, h * d_k)  # (B, h, T, d_k) -> (B, T, h, d_k) -> (B, T, d_model)


class MultiHeadAttention(nn.Module):
    """Multi-head attention with its own W_Q, W_K, W_V and W_O, batch first.

    Taught in notebooks/04_multi_head.ipynb. ``forward`` returns
    ``(output, weights)`` with output ``(B, T_q, d_model)`` and weights
    ``(B, num_heads, T_q, T_k)``; the last weights are kept in
    ``self.last_weights`` for plotting. With ``need_weights=False`` it calls
    torch's fused ``scaled_dot_product_attention`` instead (same result, no
    weights, faster).
    """

    def __init__(self, d_model: int, num_heads: int, bias: bool = True, dropout: float = 0.0):
        super().__init__()
        for name, n in (("d_model", d_model), ("num_heads", num_heads)):
            if isinstance(n, bool) or not isinstance(n, int) or n < 1:
                raise ValueError(f"{name} must be a positive int, got d_model={d_model!r}, num_heads={num_heads!r}")
        if d_model % num_heads != 0:
            raise ValueError(f"num_heads={num_heads} does not divide d_model={d_model}")
        check_probability("dropout", dropout)
        self.d_model = d_model  # width of every token vector
        self.num_heads = num_heads  # number of heads ("friends at the table")
        self.d_k = d_model // num_heads  # width of one head's queries, keys and values
        self.dropout = dropout  # dropout on attention weights while training
        self.w_q = nn.Linear(d_model, d_model, bias=bias)
        self.w_k = nn.Linear(d_model, d_model, bias=bias)
        self.w_v = nn.Linear(d_model, d_model, bias=bias)
        self.w_o = nn.Linear(d_model, d_model, bias=bias)
        self.last_weights: torch.Tensor | None = None

    def forward(
        self,
        query: torch.Tensor,
        key: torch.Tensor | None = None,
        value: torch.Tensor | None = None,
        mask: torch.Tensor | None = None,
        need_weights: bool = True,
    ) -> tuple[torch.Tensor, torch.Tensor | None]:
        """Attend from ``query`` to ``key``/``value`` (both default to ``query``: self-attention).

        ``mask`` is boolean, True = may attend, of shape ``(T_q, T_k)``,
        ``(B, T_q, T_k)`` or ``(B, num_heads, T_q, T_k)``; size-1 axes broadcast.
        """
        key = query if key is None else key
        value = key if value is None else value
        check_float_tensors(query=query, key=key, value=value)
        for name, x in (("query", query), ("key", key), ("value", value)):
            if x.ndim != 3 or x.shape[-1] != self.d_model:
                raise ValueError(f"{name} must have shape (B, T, d_model={self.d_model}), got {shape_of(x)}")
        check_module_dtype(self, query=query)
        if not (query.shape[0] == key.shape[0] == value.shape[0]):
            raise ValueError(
                f"query, key and value must share the batch size B: "
                f"query {shape_of(query)}, key {shape_of(key)}, value {shape_of(value)}"
            )
        if key.shape[1] != value.shape[1]:
            raise ValueError(f"key and value must have the same length T_k: key {shape_of(key)}, value {shape_of(value)}")
        mask = self.check_mask(mask, query.shape[0], query.shape[1], key.shape[1])
        return self._forward(query, key, value, mask, need_weights)

    def check_mask(self, mask, B: int, T_q: int, T_k: int) -> torch.Tensor | None:
        """Check a mask for queries ``(B, T_q, .)`` and keys ``(B, T_k, .)``; return it as ``(..., T_q, T_k)`` per head.

        A ``(B, T_q, T_k)`` mask gets a heads axis, ``(B, 1, T_q, T_k)``: the same mask for every head.
        """
        if mask is None:
            return None
        check_mask_kind(mask, for_torch=True)
        if mask.ndim not in (2, 3, 4):
            raise ValueError(
                f"mask must have shape (T_q, T_k), (B, T_q, T_k) or (B, num_heads, T_q, T_k) "
                f"(size-1 axes broadcast), got {shape_of(mask)}"
            )
        if mask.ndim == 3:
            mask = mask.unsqueeze(1)  # (B, T_q, T_k) -> (B, 1, T_q, T_k): same mask for every head
        scores = (B, self.num_heads, T_q, T_k)
        check_mask(mask, scores, for_torch=True, scores_name="(B, num_heads, T_q, T_k)", inputs=f"B={B}, T_q={T_q}, T_k={T_k}")
        return mask

    def _forward(self, query, key, value, mask=None, need_weights: bool = True):
        """The unchecked core of :meth:`forward` (mask as returned by :meth:`check_mask`)."""
        q = _split_heads(self.w_q(query), self.num_heads)  # (B, T_q, d_model) -> (B, h, T_q, d_k)
        k = _split_heads(self.w_k(key), self.num_heads)  # (B, h, T_k, d_k)
        v = _split_heads(self.w_v(value), self.num_heads)  # (B, h, T_k, d_k)
        p = self.dropout if self.training else 0.0
        if need_weights:
            heads, weights = _attention(q, k, v, mask=mask, dropout_p=p)  # (B, h, T_q, d_k), (B, h, T_q, T_k)
            self.last_weights = weights.detach()
        else:
            heads = F.scaled_dot_product_attention(q, k, v, attn_mask=mask, dropout_p=p)  # (B, h, T_q, d_k)
            weights = None
        return self.w_o(_merge_heads(heads)), weights  # (B, T_q, d_model)

    @classmethod
    def from_torch(cls, mha: nn.MultiheadAttention) -> MultiHeadAttention:
        """Build a copy of a ``torch.nn.MultiheadAttention`` with the same weights.

        Taught in notebooks/04_multi_head.ipynb: torch stacks W_Q, W_K, W_V in one
        ``in_proj_weight`` of shape ``(3 * d_model, d_model)``.
        """
        if not isinstance(mha, nn.MultiheadAttention):
            raise ValueError(f"mha must be a torch.nn.MultiheadAttention, got {type(mha).__name__}")
        if mha.in_proj_weight is None or mha.bias_k is not None or mha.add_zero_attn:
            raise ValueError("mha must use one embed_dim for query, key and value, without bias_k/add_zero_attn")
        has_bias = mha.in_proj_bias is not None
        ours = cls(mha.embed_dim, mha.num_heads, bias=has_bias, dropout=mha.dropout)
        ours.to(dtype=mha.in_proj_weight.dtype, device=mha.in_proj_weight.device)
        w_q, w_k, w_v = mha.in_proj_weight.detach().chunk(3, dim=0)  # 3 x (d_model, d_model)
        with torch.no_grad():
            for linear, w in ((ours.w_q, w_q), (ours.w_k, w_k), (ours.w_v, w_v)):
                linear.weight.copy_(w)
            ours.w_o.weight.copy_(mha.out_proj.weight)
            if has_bias:
                b_q, b_k, b_v = mha.in_proj_bias.detach().chunk(3)
                for linear, b in ((ours.w_q, b_q), (ours.w_k, b_k), (ours.w_v, b_v)):
                    linear.bias.copy_(b)
                ours.w_o.bias.copy_(mha.out_proj.bias)
        return ours
