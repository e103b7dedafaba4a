"""Colour patches, 2-D positions and the patch encoder (notebooks/12_attention_at_work_images.ipynb)."""

import pytest
import torch

from attention import PatchEncoder, TransformerBlock, grid_positions, patches_rgb, sinusoidal_positions


def patches_by_loop(images, p):
    B, C, H, W = images.shape
    out = []
    for b in range(B):
        out.append(torch.stack([images[b, :, r : r + p, c : c + p].reshape(-1) for r in range(0, H, p) for c in range(0, W, p)]))
    return torch.stack(out)  # (B, N, 3 * p * p): channel-major inside a patch


@pytest.mark.parametrize("p", [2, 4])
def test_patches_rgb_matches_a_loop(p):
    images = torch.randn(2, 3, 8, 8, generator=torch.Generator().manual_seed(p))
    assert torch.equal(patches_rgb(images, p), patches_by_loop(images, p))
    assert patches_rgb(images, p).shape == (2, (8 // p) ** 2, 3 * p * p)


def test_patches_rgb_rejects_wrong_shapes():
    with pytest.raises(ValueError, match=r"\(B, 3, H, W\)"):
        patches_rgb(torch.zeros(2, 8, 8), 2)
    with pytest.raises(ValueError, match=r"\(B, 3, H, W\)"):
        patches_rgb(torch.zeros(2, 1, 8, 8), 2)
    with pytest.raises(ValueError, match="must divide"):
        patches_rgb(torch.zeros(2, 3, 8, 8), 3)


def test_grid_positions_encode_row_and_column():
    pos = grid_positions(4, 16)[0]  # (16 patches, 16 features)
    table = sinusoidal_positions(4, 8)
    assert pos.shape == (16, 16)
    for r in range(4):
        for c in range(4):
            assert torch.equal(pos[r * 4 + c], torch.cat([table[r], table[c]]))
    assert len({tuple(row.tolist()) for row in pos}) == 16  # every patch has its own position
    for bad in (6, 0):
        with pytest.raises(ValueError, match="multiple of 4"):
            grid_positions(4, bad)
    with pytest.raises(ValueError, match="grid must be a positive int"):
        grid_positions(0, 8)


def test_patch_encoder_shapes_blocks_and_checks():
    torch.manual_seed(0)
    enc = PatchEncoder(image_size=16, patch_size=4, d_model=32, num_heads=4, d_ff=64, num_layers=2)
    out = enc(torch.rand(3, 3, 16, 16))
    assert out.shape == (3, 16, 32) and all(isinstance(b, TransformerBlock) for b in enc.blocks)
    assert enc.blocks[-1].self_attn.last_weights.shape == (3, 4, 16, 16)
    assert "patch_pos" not in enc.state_dict()  # fixed, not learned
    with pytest.raises(ValueError, match=r"\(B, 3, 16, 16\)"):
        enc(torch.rand(3, 3, 12, 12))
    with pytest.raises(ValueError, match="floating point"):
        enc(torch.zeros(1, 3, 16, 16, dtype=torch.long))
    with pytest.raises(ValueError, match="must divide"):
        PatchEncoder(15, 4, 32, 4, 64, 1)
