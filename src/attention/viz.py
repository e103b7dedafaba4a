"""Plots of attention weights: one heatmap, or a grid of heads.

Taught from notebooks/03_self_attention.ipynb on. Plain matplotlib, so the
figures also show in static renderings (GitHub, exported HTML).
"""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib.pyplot as plt
import numpy as np
import torch


def _as_numpy(weights) -> np.ndarray:
    if isinstance(weights, torch.Tensor):
        weights = weights.detach().cpu().numpy()
    return np.asarray(weights, dtype=float)


def plot_heatmap(
    weights,
    x_labels: Sequence[str] | None = None,
    y_labels: Sequence[str] | None = None,
    ax=None,
    title: str | None = None,
    annotate: bool = False,
    cmap: str = "viridis",
    colorbar: bool = True,
):
    """Draw a ``(T_q, T_k)`` weight matrix: rows are queries, columns are keys.

    Taught in notebooks/03_self_attention.ipynb. Returns the matplotlib Axes. Values below 0 (a difference of
    two maps) get a colour scale centred on 0, so negative and positive changes show alike.
    """
    w = _as_numpy(weights)
    if w.ndim != 2:
        raise ValueError(f"weights must have shape (T_q, T_k), got {w.shape}")
    for name, labels, n in (("x_labels", x_labels, w.shape[1]), ("y_labels", y_labels, w.shape[0])):
        if labels is not None and len(labels) != n:
            raise ValueError(f"{name} has {len(labels)} labels but weights {w.shape} need {n}")
    if ax is None:
        _, ax = plt.subplots(figsize=(0.45 * w.shape[1] + 2.5, 0.4 * w.shape[0] + 1.5))
    top = max(float(np.abs(w).max()), 1e-12) if w.min() < 0 else max(float(w.max()), 1e-12)
    image = ax.imshow(w, cmap=cmap, vmin=-top if w.min() < 0 else 0.0, vmax=top, aspect="auto")
    ax.set_xticks(range(w.shape[1]), labels=x_labels if x_labels is not None else range(w.shape[1]), rotation=90)
    ax.set_yticks(range(w.shape[0]), labels=y_labels if y_labels is not None else range(w.shape[0]))
    ax.set_xlabel("key (attended to)")
    ax.set_ylabel("query (attending)")
    if title:
        ax.set_title(title)
    if annotate:
        for i in range(w.shape[0]):
            for j in range(w.shape[1]):
                light = abs(w[i, j]) < 0.6 * top if w.min() < 0 else w[i, j] > 0.6 * w.max()  # light cell colour
                colour = "black" if light else "white"
                ax.text(j, i, f"{w[i, j]:.2f}", ha="center", va="center", fontsize=7, color=colour)
    if colorbar:
        ax.figure.colorbar(image, ax=ax, fraction=0.046, pad=0.04)
    return ax


def plot_head_grid(
    weights,
    tokens: Sequence[str] | None = None,
    key_tokens: Sequence[str] | None = None,
    row_label: str = "layer",
    col_label: str = "head",
    cell_size: float = 1.6,
    show_labels: bool | None = None,
):
    """Draw every head's map: ``(heads, T_q, T_k)`` in one row, ``(layers, heads, T_q, T_k)`` as a grid.

    Taught in notebooks/04_multi_head.ipynb and 08_real_attention.ipynb.
    Returns the matplotlib Figure.
    """
    w = _as_numpy(weights)
    if w.ndim == 3:
        w = w[None]  # (h, T_q, T_k) -> (1, h, T_q, T_k)
    if w.ndim != 4:
        raise ValueError(f"weights must have shape (heads, T_q, T_k) or (layers, heads, T_q, T_k), got {w.shape}")
    rows, cols, T_q, T_k = w.shape
    key_tokens = tokens if key_tokens is None else key_tokens
    if show_labels is None:
        show_labels = tokens is not None and max(T_q, T_k) <= 16 and cols <= 4
    fig, axes = plt.subplots(rows, cols, figsize=(cell_size * cols + 0.5, cell_size * rows + 0.5), squeeze=False)
    for r in range(rows):
        for c in range(cols):
            ax = axes[r, c]
            ax.imshow(w[r, c], cmap="viridis", vmin=0.0, vmax=1.0)
            if show_labels:
                ax.set_xticks(range(T_k), labels=key_tokens, rotation=90, fontsize=6)
                ax.set_yticks(range(T_q), labels=tokens, fontsize=6)
            else:
                ax.set_xticks([])
                ax.set_yticks([])
            if r == 0:
                ax.set_title(f"{col_label} {c}", fontsize=8)
            if c == 0 and rows > 1:
                ax.set_ylabel(f"{row_label} {r}", fontsize=8)
    fig.tight_layout()
    return fig
