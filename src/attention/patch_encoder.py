"""The image side of captioning and detection: colour patches -> tokens with 2-D positions -> ViT blocks.

Taught in notebooks/12_attention_at_work_images.ipynb. Lesson 11's ViT cut a grey digit into patches with
:func:`image_to_patches`; here each of the three colour channels is cut the same way and a patch's channels
are put side by side. The patch tokens are the keys and values that a caption's words (or DETR's object
queries) attend to.
"""

from __future__ import annotations

import torch
from torch import nn

from ._checks import shape_of
from .block import TransformerBlock, sinusoidal_positions
from .vision import image_to_patches


def patches_rgb(images: torch.Tensor, patch_size: int) -> torch.Tensor:
    """Cut colour images ``(B, 3, H, W)`` into ``(B, N, 3 * patch_size**2)`` patches, numbered row by row.

    Taught in notebooks/12_attention_at_work_images.ipynb: lesson 11's :func:`image_to_patches` on each channel.
    """
    if not isinstance(images, torch.Tensor) or images.ndim != 4 or images.shape[1] != 3:
        got = f"{type(images).__name__} {tuple(getattr(images, 'shape', ()))}"
        raise ValueError(f"images must be a torch.Tensor of shape (B, 3, H, W), got {got}")
    B, C, H, W = images.shape
    per_channel = image_to_patches(images.reshape(B * C, H, W), patch_size)  # (B*3, N, p*p)
    N = per_channel.shape[1]
    return per_channel.reshape(B, C, N, -1).permute(0, 2, 1, 3).reshape(B, N, -1)  # (B, 3, N, p*p) -> (B, N, 3*p*p)


def grid_positions(grid: int, d_model: int) -> torch.Tensor:
    """Fixed 2-D positions for a ``grid x grid`` patch grid: ``(1, grid * grid, d_model)``.

    Taught in notebooks/12_attention_at_work_images.ipynb. The first half of the features encodes the
    patch's row, the second half its column, each with lesson 05's sinusoidal encoding, so "left of" and
    "above" are directions a model can read from the first training step.
    """
    if not isinstance(grid, int) or grid < 1:
        raise ValueError(f"grid must be a positive int, got {grid!r}")
    if not isinstance(d_model, int) or d_model < 4 or d_model % 4:
        raise ValueError(f"d_model must be a positive multiple of 4 (sin/cos pairs for rows and columns), got {d_model!r}")
    table = sinusoidal_positions(grid, d_model // 2)  # (grid, d_model/2)
    rows = table[:, None, :].expand(grid, grid, -1)  # (grid, grid, d_model/2): the same along a row of patches
    cols = table[None, :, :].expand(grid, grid, -1)  # (grid, grid, d_model/2): the same down a column
    return torch.cat([rows, cols], dim=-1).reshape(1, grid * grid, d_model)  # (1, N, d_model)


class PatchEncoder(nn.Module):
    """Colour image ``(B, 3, H, W)`` -> patch tokens ``(B, N, d_model)``: a ViT without [CLS].

    Taught in notebooks/12_attention_at_work_images.ipynb. Each patch is embedded by one linear layer, its
    fixed 2-D position is added, and ``num_layers`` Transformer blocks let the patches attend to each other.
    """

    def __init__(self, image_size: int, patch_size: int, d_model: int, num_heads: int, d_ff: int, num_layers: int):
        super().__init__()
        if patch_size < 1 or image_size % patch_size:
            raise ValueError(f"patch_size={patch_size} must divide image_size={image_size}")
        self.image_size = image_size  # images are 3 x image_size x image_size
        self.patch_size = patch_size  # patches are patch_size x patch_size pixels
        self.grid = image_size // patch_size  # patches per side
        self.patch_embed = nn.Linear(3 * patch_size**2, d_model)  # one colour patch -> a token
        self.register_buffer("patch_pos", grid_positions(self.grid, d_model), persistent=False)  # (1, N, d_model)
        self.blocks = nn.ModuleList(TransformerBlock(d_model, num_heads, d_ff) for _ in range(num_layers))
        self.norm = nn.LayerNorm(d_model)

    def forward(self, images: torch.Tensor) -> torch.Tensor:
        s = self.image_size
        if not isinstance(images, torch.Tensor) or images.ndim != 4 or tuple(images.shape[1:]) != (3, s, s):
            raise ValueError(
                f"images must be a torch.Tensor of shape (B, 3, {s}, {s}), got {type(images).__name__} "
                f"{tuple(getattr(images, 'shape', ()))}"
            )
        if not images.is_floating_point():
            raise ValueError(f"images must be floating point, got dtype {images.dtype} with shape {shape_of(images)}")
        x = self.patch_embed(patches_rgb(images, self.patch_size)) + self.patch_pos  # (B, N, d_model)
        for block in self.blocks:
            x = block(x)  # (B, N, d_model): the patches attend to each other
        return self.norm(x)
