"""Attention over image patches: a tiny Vision Transformer (ViT) for 8x8 digit images.

Taught in notebooks/11_attention_everywhere.ipynb. An image is cut into square
patches; each patch becomes a token, a learned [CLS] token is put in front, and
a few pre-LayerNorm Transformer blocks (lesson 05's :class:`TransformerBlock`) let
every patch attend to every other. The [CLS] token's output is classified.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch
from torch import nn
from torch.nn import functional as F

from ._checks import check_int, shape_of
from .block import TransformerBlock, stacked_weights
from .train import train


def image_to_patches(images: torch.Tensor, patch_size: int) -> torch.Tensor:
    """Cut ``(B, H, W)`` images into ``(B, N, patch_size**2)`` flattened patches, row by row.

    Taught in notebooks/11_attention_everywhere.ipynb. N = (H / p) * (W / p).
    """
    if not isinstance(images, torch.Tensor) or images.ndim != 3:
        raise ValueError(f"images must be a torch.Tensor of shape (B, H, W), got {type(images).__name__} {shape_of(images)}")
    check_int("patch_size", patch_size)
    _, H, W = images.shape
    if H % patch_size or W % patch_size:
        raise ValueError(f"patch_size={patch_size} must divide the image height and width, images have shape {shape_of(images)}")
    return _image_to_patches(images, patch_size)


def _image_to_patches(images: torch.Tensor, p: int) -> torch.Tensor:
    """The unchecked core of :func:`image_to_patches`."""
    B, H, W = images.shape
    x = images.reshape(B, H // p, p, W // p, p)  # (B, H, W) -> (B, rows, p, cols, p)
    x = x.permute(0, 1, 3, 2, 4)  # -> (B, rows, cols, p, p)
    return x.reshape(B, (H // p) * (W // p), p * p)  # -> (B, N, p*p)


@dataclass
class ViTConfig:
    """Sizes of a :class:`TinyViT`."""

    image_size: int = 8  # images are image_size x image_size pixels
    patch_size: int = 2  # patches are patch_size x patch_size pixels
    d_model: int = 32  # width of every token vector
    num_heads: int = 4  # attention heads per block
    num_layers: int = 2  # number of Transformer blocks
    d_ff: int = 64  # hidden width of the feed-forward network
    num_classes: int = 10  # digits 0-9
    dropout: float = 0.0  # dropout on attention weights and FFN while training

    @property
    def grid(self) -> int:
        """Patches per side: the patch grid is grid x grid."""
        return self.image_size // self.patch_size

    @property
    def num_patches(self) -> int:
        return self.grid * self.grid


class TinyViT(nn.Module):
    """A tiny Vision Transformer: patches -> tokens -> attention blocks -> [CLS] -> class scores.

    Taught in notebooks/11_attention_everywhere.ipynb. ``forward`` takes images
    ``(B, H, W)`` with values in [0, 1] and returns logits ``(B, num_classes)``.
    After a forward pass each block's ``self_attn.last_weights`` holds
    ``(B, num_heads, 1 + N, 1 + N)``; token 0 is [CLS].
    """

    def __init__(self, config: ViTConfig | None = None):
        super().__init__()
        c = config or ViTConfig()
        for name in ("image_size", "patch_size", "d_model", "num_heads", "num_layers", "d_ff", "num_classes"):
            check_int(f"config.{name}", getattr(c, name))
        if c.image_size % c.patch_size:
            raise ValueError(f"patch_size={c.patch_size} must divide image_size={c.image_size}")
        self.config = c
        self.patch_embed = nn.Linear(c.patch_size**2, c.d_model)  # one patch's pixels -> a token
        self.cls_token = nn.Parameter(torch.zeros(1, 1, c.d_model))  # learned "summary" token
        self.positions = nn.Parameter(0.02 * torch.randn(1, 1 + c.num_patches, c.d_model))  # learned positions
        self.blocks = nn.ModuleList(TransformerBlock(c.d_model, c.num_heads, c.d_ff, c.dropout) for _ in range(c.num_layers))
        self.norm = nn.LayerNorm(c.d_model)  # final LayerNorm (pre-LN blocks leave the stream un-normalised)
        self.to_logits = nn.Linear(c.d_model, c.num_classes)  # [CLS] vector -> class scores

    def forward(self, images: torch.Tensor) -> torch.Tensor:
        c = self.config
        if not isinstance(images, torch.Tensor) or images.ndim != 3 or images.shape[1:] != (c.image_size, c.image_size):
            raise ValueError(
                f"images must be a torch.Tensor of shape (B, {c.image_size}, {c.image_size}), "
                f"got {type(images).__name__} {shape_of(images)}"
            )
        if not images.is_floating_point():
            raise ValueError(f"images must be floating point, got dtype {images.dtype} with shape {shape_of(images)}")
        if images.dtype != self.positions.dtype:
            raise ValueError(f"images have dtype {images.dtype} but the model's weights are {self.positions.dtype}")
        return self._forward(images)

    def _forward(self, images: torch.Tensor) -> torch.Tensor:
        """The unchecked core of :meth:`forward`."""
        B = images.shape[0]
        x = self.patch_embed(_image_to_patches(images, self.config.patch_size))  # (B, N, p*p) -> (B, N, d_model)
        x = torch.cat([self.cls_token.expand(B, -1, -1), x], dim=1)  # (B, 1 + N, d_model)
        x = x + self.positions  # (B, 1 + N, d_model)
        for block in self.blocks:
            x = block._forward(x)  # (B, 1 + N, d_model)
        return self.to_logits(self.norm(x[:, 0]))  # (B, d_model) -> (B, num_classes)

    def attention_weights(self) -> torch.Tensor:
        """The blocks' last self-attention weights, stacked: ``(L, B, num_heads, 1 + N, 1 + N)``."""
        return stacked_weights(block.self_attn for block in self.blocks)

    def cls_attention(self, layer: int = -1) -> torch.Tensor:
        """How much [CLS] attends to each patch in one layer, as a grid: ``(B, num_heads, grid, grid)``.

        Taught in notebooks/11_attention_everywhere.ipynb (overlaid on the digit).
        """
        L = self.config.num_layers
        if isinstance(layer, bool) or not isinstance(layer, int) or not -L <= layer < L:
            raise ValueError(f"layer must be an int in -{L}..{L - 1} (the model has {L} layers), got {layer!r}")
        w = self.attention_weights()[layer]  # (B, h, 1 + N, 1 + N)
        B, h = w.shape[:2]
        g = self.config.grid
        return w[:, :, 0, 1:].reshape(B, h, g, g)  # row of [CLS], patch columns: (B, h, N) -> (B, h, g, g)


@dataclass
class DigitSplit:
    """The scikit-learn 8x8 digits, split once into training and held-out images."""

    x_train: torch.Tensor  # (N_train, 8, 8) float32 pixels in [0, 1]
    y_train: torch.Tensor  # (N_train,) int64 labels 0-9
    x_test: torch.Tensor  # (N_test, 8, 8) held out: never trained on
    y_test: torch.Tensor  # (N_test,)


def load_digit_split(test_fraction: float = 0.25, seed: int = 0) -> DigitSplit:
    """Load the 1797 digits that ship inside scikit-learn and split them (stratified, fixed seed).

    Taught in notebooks/11_attention_everywhere.ipynb. No download.
    """
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split

    if not 0.0 < test_fraction < 1.0:
        raise ValueError(f"test_fraction must be between 0 and 1, got {test_fraction}")
    digits = load_digits()
    images = (digits.images / 16.0).astype(np.float32)  # pixel values 0..16 -> 0..1
    x_tr, x_te, y_tr, y_te = train_test_split(
        images, digits.target, test_size=test_fraction, random_state=seed, stratify=digits.target
    )
    x_tr, x_te = torch.from_numpy(x_tr), torch.from_numpy(x_te)
    y_tr, y_te = torch.from_numpy(y_tr).long(), torch.from_numpy(y_te).long()
    return DigitSplit(x_tr, y_tr, x_te, y_te)


def train_classifier(
    model: nn.Module,
    x: torch.Tensor,
    y: torch.Tensor,
    epochs: int = 40,
    batch_size: int = 64,
    lr: float = 5e-3,
    seed: int = 0,
    progress: bool = False,
) -> list[float]:
    """Train ``model`` on ``(x, y)`` with cross-entropy; return the mean loss of every epoch.

    Taught in notebooks/11_attention_everywhere.ipynb. The loop is lesson 05's
    :func:`train` (AdamW, warm-up then cosine) with a fresh shuffle every epoch.
    """
    if x.shape[0] != y.shape[0]:
        raise ValueError(f"x and y must have the same number of examples: x {shape_of(x)}, y {shape_of(y)}")
    if epochs < 1 or batch_size < 1:
        raise ValueError(f"epochs and batch_size must be positive, got epochs={epochs}, batch_size={batch_size}")
    n = x.shape[0]
    per_epoch = (n + batch_size - 1) // batch_size  # minibatches per pass over the images
    order = torch.empty(0, dtype=torch.long)

    def make_batch(step: int, generator: torch.Generator) -> tuple[torch.Tensor, torch.Tensor]:
        nonlocal order
        if step % per_epoch == 0:
            order = torch.randperm(n, generator=generator)  # a new shuffle every epoch
        idx = order[(step % per_epoch) * batch_size :][:batch_size]
        return x[idx], y[idx]

    def loss_fn(model: nn.Module, batch: tuple[torch.Tensor, torch.Tensor]) -> torch.Tensor:
        images, labels = batch
        return F.cross_entropy(model(images), labels)  # (b, classes) vs (b,)

    steps = train(model, make_batch, loss_fn, epochs * per_epoch, lr=lr, seed=seed, progress=progress, clip=None)
    return [sum(steps[e * per_epoch : (e + 1) * per_epoch]) / per_epoch for e in range(epochs)]


@torch.no_grad()
def classifier_accuracy(model: nn.Module, x: torch.Tensor, y: torch.Tensor) -> float:
    """Fraction of ``x`` that ``model`` labels correctly (eval mode, no gradients).

    Taught in notebooks/11_attention_everywhere.ipynb.
    """
    if x.shape[0] != y.shape[0]:
        raise ValueError(f"x and y must have the same number of examples: x {shape_of(x)}, y {shape_of(y)}")
    model.eval()
    return (model(x).argmax(dim=-1) == y).float().mean().item()
