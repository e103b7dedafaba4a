"""Additive (Bahdanau) attention: score(q, k) = v^T tanh(q W_q + k W_k), the score attention was born with.

Taught in notebooks/06_why_attention.ipynb. Bahdanau, Cho and Bengio (2014) scored every encoder state against
the decoder's state with a one-hidden-layer network; lesson 02's dot product q . k / sqrt(d_k) is the cheaper score
that replaced it (one matrix product instead of a (T_q, T_k, d_a) tensor of tanh). Both return scores
``(..., T_q, T_k)``; :func:`additive_attention` turns them into ``(output, weights)`` like lesson 02's function.
Masks are boolean, True = may attend; a query whose keys are all masked gets zero weights and a zero output.
"""

from __future__ import annotations

import torch
from torch import nn

from ._checks import check_float_tensors, check_int, check_mask, check_qkv, check_scale, shape_of
from .softmax import _softmax_torch


def _check_scores_inputs(query, key, w_q, w_k, v) -> None:
    check_float_tensors(query=query, key=key, w_q=w_q, w_k=w_k, v=v)
    for name, x in (("query", query), ("key", key)):
        if x.ndim < 2:
            raise ValueError(f"{name} must have at least 2 dimensions (..., T, d), got shape {shape_of(x)}")
    if w_q.ndim != 2 or w_k.ndim != 2 or v.ndim != 1:
        raise ValueError(
            f"w_q must be (d_q, d_a), w_k (d_k, d_a) and v (d_a,), got w_q {shape_of(w_q)}, w_k {shape_of(w_k)}, v {shape_of(v)}"
        )
    if w_q.shape[0] != query.shape[-1] or w_k.shape[0] != key.shape[-1]:
        raise ValueError(
            f"w_q must have as many rows as query has features and w_k as many as key: query {shape_of(query)}, "
            f"w_q {shape_of(w_q)}, key {shape_of(key)}, w_k {shape_of(w_k)}"
        )
    if not w_q.shape[1] == w_k.shape[1] == v.shape[0]:
        raise ValueError(
            f"w_q, w_k and v must share the attention size d_a: w_q {shape_of(w_q)}, w_k {shape_of(w_k)}, v {shape_of(v)}"
        )
    try:
        torch.broadcast_shapes(query.shape[:-2], key.shape[:-2])
    except RuntimeError:
        raise ValueError(
            f"query and key have batch dimensions that do not broadcast: query {shape_of(query)}, key {shape_of(key)}"
        ) from None


def additive_scores(query, key, w_q, w_k, v) -> torch.Tensor:
    """Bahdanau's scores ``v^T tanh(q W_q + k W_k)`` for every query and key: ``(..., T_q, T_k)``.

    Taught in notebooks/06_why_attention.ipynb. ``query`` is ``(..., T_q, d_q)``, ``key`` ``(..., T_k, d_k)``
    (d_q and d_k may differ), ``w_q`` ``(d_q, d_a)``, ``w_k`` ``(d_k, d_a)``, ``v`` ``(d_a,)``.
    """
    _check_scores_inputs(query, key, w_q, w_k, v)
    return _additive_scores(query, key, w_q, w_k, v)


def _additive_scores(query, key, w_q, w_k, v):
    """The unchecked core of :func:`additive_scores`."""
    q = (query @ w_q).unsqueeze(-2)  # (..., T_q, 1, d_a)
    k = (key @ w_k).unsqueeze(-3)  # (..., 1, T_k, d_a)
    return torch.tanh(q + k) @ v  # (..., T_q, T_k, d_a) @ (d_a,) -> (..., T_q, T_k)


def _weigh(scores, value, mask):
    """Softmax over the keys (masked keys get 0, a fully masked row all 0) and the weighted sum of the values."""
    if mask is not None:
        scores = scores.masked_fill(~mask, float("-inf"))  # masked keys can never win
    weights = _softmax_torch(scores, dim=-1)  # (..., T_q, T_k)
    return weights @ value, weights  # (..., T_q, T_k) @ (..., T_k, d_v) -> (..., T_q, d_v)


def additive_attention(query, key, value, w_q, w_k, v, mask=None) -> tuple[torch.Tensor, torch.Tensor]:
    """Additive attention returning ``(output, weights)``: softmax of :func:`additive_scores`, then weighted values.

    Taught in notebooks/06_why_attention.ipynb. ``value`` is ``(..., T_k, d_v)``; ``mask`` is boolean,
    broadcastable to ``(..., T_q, T_k)``, True = may attend.
    """
    _check_scores_inputs(query, key, w_q, w_k, v)
    check_float_tensors(query=query, value=value)
    if value.ndim < 2 or value.shape[-2] != key.shape[-2]:
        raise ValueError(
            f"key and value must have the same number of positions T_k: key {shape_of(key)}, value {shape_of(value)}"
        )
    scores_shape = tuple(torch.broadcast_shapes(query.shape[:-2], key.shape[:-2])) + (query.shape[-2], key.shape[-2])
    check_mask(mask, scores_shape, for_torch=True, inputs=f"query {shape_of(query)}, key {shape_of(key)}")
    return _weigh(_additive_scores(query, key, w_q, w_k, v), value, mask)


class AdditiveAttention(nn.Module):
    """Bahdanau's attention as a module: learned ``W_q``, ``W_k`` and ``v``; keeps the last weights.

    Taught in notebooks/06_why_attention.ipynb. ``forward(query (B, T_q, d_q), key (B, T_k, d_k),
    value (B, T_k, d_v), mask=None)`` returns ``(output (B, T_q, d_v), weights (B, T_q, T_k))``.
    """

    def __init__(self, d_query: int, d_key: int, d_attn: int):
        super().__init__()
        for name, value in (("d_query", d_query), ("d_key", d_key), ("d_attn", d_attn)):
            check_int(name, value)
        self.w_q = nn.Linear(d_query, d_attn, bias=False)  # the decoder state's half of the hidden layer
        self.w_k = nn.Linear(d_key, d_attn, bias=False)  # the encoder states' half
        self.v = nn.Linear(d_attn, 1, bias=False)  # the hidden layer's read-out: one score per (query, key)
        self.last_weights: torch.Tensor | None = None

    def weight_tensors(self) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """``(w_q (d_q, d_a), w_k (d_k, d_a), v (d_a,))`` in the layout :func:`additive_scores` takes."""
        return self.w_q.weight.T, self.w_k.weight.T, self.v.weight[0]

    def forward(self, query, key, value, mask=None):
        check_float_tensors(query=query, key=key, value=value)
        if query.ndim != 3 or key.ndim != 3 or query.shape[-1] != self.w_q.in_features or key.shape[-1] != self.w_k.in_features:
            raise ValueError(
                f"query must be (B, T_q, {self.w_q.in_features}) and key (B, T_k, {self.w_k.in_features}), "
                f"got query {shape_of(query)}, key {shape_of(key)}"
            )
        output, weights = additive_attention(query, key, value, *self.weight_tensors(), mask=mask)
        self.last_weights = weights.detach()
        return output, weights


def dot_scores(query, key, scale: float | None = None) -> torch.Tensor:
    """Lesson 02's scores ``q . k * scale`` (scale 1/sqrt(d_k) by default): ``(..., T_q, T_k)``, for comparison.

    Taught in notebooks/06_why_attention.ipynb (and, inside scaled_dot_product_attention, in 02).
    """
    check_float_tensors(query=query, key=key)
    check_qkv(query, key, key)
    check_scale(scale)
    scale = query.shape[-1] ** -0.5 if scale is None else scale
    return (query * scale) @ key.transpose(-2, -1)  # (..., T_q, d_k) @ (..., d_k, T_k) -> (..., T_q, T_k)
