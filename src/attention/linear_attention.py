"""Linear attention: replace exp(q.k) by a product of feature maps, phi(q).phi(k), and the T x T matrix disappears.

Taught in notebooks/10_modern_attention.ipynb. Katharopoulos et al. (2020, "Transformers are RNNs") write the
output of query i as ``sum_j phi(q_i).phi(k_j) v_j / sum_j phi(q_i).phi(k_j)``. Summing over j first,
``S = sum_j phi(k_j) v_j^T`` (an ``r x d_v`` matrix) and ``z = sum_j phi(k_j)`` do not depend on i, so the cost is
``O(T)`` instead of ``O(T^2)``; a causal model carries ``S`` and ``z`` along as a fixed-size state (an RNN).
The price: everything the keys said is squeezed into that fixed-size state, and the weights can't be sharp.
"""

from __future__ import annotations

from collections.abc import Callable

import torch
from torch.nn import functional as F

from ._checks import check_float_tensors, check_qkv, shape_of


def elu_feature_map(x: torch.Tensor) -> torch.Tensor:
    """``elu(x) + 1``: positive features, so every weight ``phi(q).phi(k)`` is positive (Katharopoulos et al.).

    Taught in notebooks/10_modern_attention.ipynb.
    """
    return F.elu(x) + 1.0


def _features(query, key, feature_map):
    feature_map = elu_feature_map if feature_map is None else feature_map
    if not callable(feature_map):
        raise ValueError(f"feature_map must be a function of a tensor, got {type(feature_map).__name__}")
    phi_q, phi_k = feature_map(query), feature_map(key)  # (..., T_q, r), (..., T_k, r)
    if not isinstance(phi_q, torch.Tensor) or phi_q.shape[:-1] != query.shape[:-1] or phi_k.shape[:-1] != key.shape[:-1]:
        raise ValueError(
            f"feature_map must keep every axis but the last: query {shape_of(query)} gave "
            f"{shape_of(phi_q) if isinstance(phi_q, torch.Tensor) else type(phi_q).__name__}"
        )
    return phi_q, phi_k


def _check(query, key, value, causal):
    check_float_tensors(query=query, key=key, value=value)
    check_qkv(query, key, value)
    if causal and key.shape[-2] != query.shape[-2]:
        raise ValueError(f"causal linear attention needs T_q == T_k, got query {shape_of(query)}, key {shape_of(key)}")


def linear_attention_weights(
    query: torch.Tensor, key: torch.Tensor, causal: bool = False, feature_map: Callable | None = None
) -> torch.Tensor:
    """The weights linear attention uses, written out as a ``(..., T_q, T_k)`` matrix (quadratic: for looking only).

    Taught in notebooks/10_modern_attention.ipynb. Row i is ``phi(q_i).phi(k_j)`` normalised over j (j <= i when
    causal): attention with another similarity instead of ``exp(q.k / sqrt(d))``.
    """
    _check(query, key, key, causal)
    phi_q, phi_k = _features(query, key, feature_map)
    sim = phi_q @ phi_k.transpose(-2, -1)  # (..., T_q, r) @ (..., r, T_k) -> (..., T_q, T_k)
    if causal:
        T = query.shape[-2]
        sim = sim.masked_fill(~torch.ones(T, T, dtype=torch.bool, device=sim.device).tril(), 0.0)
    return sim / sim.sum(-1, keepdim=True)  # (..., T_q, T_k)


def linear_attention(
    query: torch.Tensor,
    key: torch.Tensor,
    value: torch.Tensor,
    causal: bool = False,
    feature_map: Callable | None = None,
    chunk_size: int = 64,
) -> torch.Tensor:
    """Linear attention in ``O(T)`` time and memory; returns the output ``(..., T_q, d_v)``.

    Taught in notebooks/10_modern_attention.ipynb. ``feature_map`` (default :func:`elu_feature_map`) maps
    ``(..., T, d_k)`` to positive features ``(..., T, r)``. Non-causal: one state ``S = phi(K)^T V`` for all
    queries. Causal (``T_q == T_k``): chunks of ``chunk_size`` positions, each using the state of all earlier
    chunks plus a small masked ``chunk x chunk`` product inside the chunk. Equals
    ``linear_attention_weights(...) @ value``.
    """
    _check(query, key, value, causal)
    if not isinstance(chunk_size, int) or isinstance(chunk_size, bool) or chunk_size < 1:
        raise ValueError(f"chunk_size must be an int >= 1, got {chunk_size!r}")
    phi_q, phi_k = _features(query, key, feature_map)  # (..., T_q, r), (..., T_k, r)
    if not causal:
        state = phi_k.transpose(-2, -1) @ value  # (..., r, T_k) @ (..., T_k, d_v) -> (..., r, d_v)
        z = phi_k.sum(-2, keepdim=True).transpose(-2, -1)  # (..., r, 1)
        return (phi_q @ state) / (phi_q @ z)  # (..., T_q, d_v) / (..., T_q, 1)
    T = query.shape[-2]
    batch = torch.broadcast_shapes(phi_q.shape[:-2], phi_k.shape[:-2], value.shape[:-2])
    state = phi_q.new_zeros((*batch, phi_k.shape[-1], value.shape[-1]))  # (..., r, d_v) sum of phi(k_j) v_j^T so far
    z = phi_q.new_zeros((*batch, phi_k.shape[-1], 1))  # (..., r, 1) sum of phi(k_j) so far
    outputs = []
    for start in range(0, T, chunk_size):
        stop = min(start + chunk_size, T)
        fq, fk, v = phi_q[..., start:stop, :], phi_k[..., start:stop, :], value[..., start:stop, :]
        local = (fq @ fk.transpose(-2, -1)).tril()  # (..., c, c): keys of this chunk up to each query
        numerator = fq @ state + local @ v  # (..., c, d_v)
        denominator = fq @ z + local.sum(-1, keepdim=True)  # (..., c, 1)
        outputs.append(numerator / denominator)
        state = state + fk.transpose(-2, -1) @ v  # (..., r, d_v)
        z = z + fk.sum(-2, keepdim=True).transpose(-2, -1)  # (..., r, 1)
    return torch.cat(outputs, dim=-2)  # (..., T, d_v)
