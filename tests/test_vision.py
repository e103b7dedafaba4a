"""Tests for the tiny Vision Transformer (notebooks/11_attention_everywhere.ipynb)."""

import pytest
import torch

from attention import MultiHeadAttention
from attention.vision import TinyViT, ViTConfig, classifier_accuracy, image_to_patches, load_digit_split, train_classifier


@pytest.fixture(scope="module")
def digits():
    return load_digit_split()


def test_image_to_patches_order_and_shape():
    images = torch.arange(2 * 4 * 4, dtype=torch.float32).reshape(2, 4, 4)
    patches = image_to_patches(images, 2)
    assert patches.shape == (2, 4, 4)
    # first patch = top-left 2x2 block, second = top-right, read row by row
    assert patches[0, 0].tolist() == [0.0, 1.0, 4.0, 5.0]
    assert patches[0, 1].tolist() == [2.0, 3.0, 6.0, 7.0]
    assert patches[0, 2].tolist() == [8.0, 9.0, 12.0, 13.0]
    assert patches[1, 3].tolist() == [26.0, 27.0, 30.0, 31.0]


def test_image_to_patches_matches_unfold():
    images = torch.randn(3, 8, 8)
    ours = image_to_patches(images, 4)
    oracle = torch.nn.functional.unfold(images.unsqueeze(1), kernel_size=4, stride=4).transpose(1, 2)  # (B, N, p*p)
    torch.testing.assert_close(ours, oracle)


def test_image_to_patches_bad_inputs():
    with pytest.raises(ValueError, match=r"patch_size=3 must divide.*\(2, 8, 8\)"):
        image_to_patches(torch.zeros(2, 8, 8), 3)
    with pytest.raises(ValueError, match=r"\(B, H, W\).*\(8, 8\)"):
        image_to_patches(torch.zeros(8, 8), 2)


def test_digit_split_is_fixed_and_disjoint(digits):
    again = load_digit_split()
    assert digits.x_train.shape == (1347, 8, 8) and digits.x_test.shape == (450, 8, 8)
    assert torch.equal(digits.x_test, again.x_test) and torch.equal(digits.y_train, again.y_train)
    assert 0.0 <= digits.x_train.min() and digits.x_train.max() <= 1.0
    assert set(digits.y_test.tolist()) == set(range(10))
    with pytest.raises(ValueError, match="test_fraction"):
        load_digit_split(test_fraction=1.5)


def test_vit_shapes_and_attention_weights():
    torch.manual_seed(0)
    config = ViTConfig(num_heads=2, num_layers=3)
    model = TinyViT(config)
    assert all(isinstance(b.self_attn, MultiHeadAttention) for b in model.blocks)
    logits = model(torch.rand(5, 8, 8))
    assert logits.shape == (5, 10)
    w = model.attention_weights()
    assert w.shape == (3, 5, 2, 17, 17)  # (L, B, h, 1 + N, 1 + N): 16 patches + [CLS]
    torch.testing.assert_close(w.sum(-1), torch.ones(3, 5, 2, 17))
    cls = model.cls_attention()
    assert cls.shape == (5, 2, 4, 4)
    torch.testing.assert_close(cls.reshape(5, 2, 16), w[-1, :, :, 0, 1:])


def test_vit_bad_inputs():
    model = TinyViT()
    with pytest.raises(ValueError, match="no attention weights yet"):
        model.cls_attention()
    with pytest.raises(ValueError, match=r"\(B, 8, 8\).*\(2, 7, 7\)"):
        model(torch.zeros(2, 7, 7))
    with pytest.raises(ValueError, match="floating point.*int64"):
        model(torch.zeros(2, 8, 8, dtype=torch.long))
    with pytest.raises(ValueError, match="patch_size=3 must divide image_size=8"):
        TinyViT(ViTConfig(patch_size=3))
    with pytest.raises(ValueError, match=r"same number of examples.*\(4, 8, 8\).*\(3,\)"):
        train_classifier(model, torch.zeros(4, 8, 8), torch.zeros(3, dtype=torch.long))


def _small_run(digits):
    torch.manual_seed(0)
    model = TinyViT(ViTConfig(d_model=16, num_heads=2, num_layers=1, d_ff=32))
    losses = train_classifier(model, digits.x_train, digits.y_train, epochs=5, batch_size=32, seed=0)
    return model, losses


def test_small_training_budget_learns_and_is_deterministic(digits):
    model, losses = _small_run(digits)
    assert losses[-1] < losses[0] / 2
    acc = classifier_accuracy(model, digits.x_test, digits.y_test)
    assert acc >= 0.6  # 5 epochs, 1 small block: far above chance (0.1)
    model2, losses2 = _small_run(digits)
    assert losses == losses2
    assert classifier_accuracy(model2, digits.x_test, digits.y_test) == acc
