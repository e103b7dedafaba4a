"""The attention captioner (notebooks/12_attention_at_work_images.ipynb)."""

import pytest
import torch

from attention import Captioner, CaptionerConfig, caption_scenes, sequence_accuracy, train
from attention.scenes import CAPTION_WORDS


@pytest.fixture(scope="module")
def data():
    return caption_scenes(64, seed=0)


def make_model(seed=0, **kw):
    torch.manual_seed(seed)
    return Captioner(CaptionerConfig(**kw))


def test_shapes_and_weights(data):
    model = make_model()
    words = torch.zeros(4, 3, dtype=torch.long)
    assert model(data.images[:4], words).shape == (4, 3, len(CAPTION_WORDS))
    att = model.word_attention(data.images[:4], data.captions[:4])
    assert att.shape == (2, 4, 4, 5, 16)  # (layers, B, heads, words, patches)
    assert torch.allclose(att.sum(-1), torch.ones(2, 4, 4, 5))
    assert model.generate(data.images[:4]).shape == (4, 5)


def test_a_word_never_sees_the_words_after_it(data):
    model = make_model()
    words = data.captions[:2].clone()
    changed = words.clone()
    changed[:, 3:] = (changed[:, 3:] + 1) % len(CAPTION_WORDS)
    a, b = model(data.images[:2], words), model(data.images[:2], changed)
    assert torch.allclose(a[:, :3], b[:, :3], atol=1e-6) and not torch.allclose(a[:, 3:], b[:, 3:])


def test_the_caption_depends_on_the_image(data):
    model = make_model()
    a = model(data.images[:1], data.captions[:1])
    b = model(data.images[1:2], data.captions[:1])
    assert not torch.allclose(a, b)


def test_same_seed_same_model_and_generate_matches_teacher_forcing(data):
    a, b = make_model(3), make_model(3)
    assert all(torch.equal(p, q) for p, q in zip(a.parameters(), b.parameters()))
    out = a.generate(data.images[:5])  # (5, 5)
    bos = torch.full((5, 1), CAPTION_WORDS.index("<bos>"))
    logits = a(data.images[:5], torch.cat([bos, out[:, :-1]], 1))
    assert torch.equal(logits.argmax(-1), out)  # greedy decoding = argmax of each prefix


def test_learns_on_a_small_budget(one_thread):
    train_set, held = caption_scenes(3000, seed=1), caption_scenes(200, seed=2)
    model = make_model()

    def batch(step, g):
        idx = torch.randint(len(train_set), (64,), generator=g)
        return train_set.images[idx], train_set.captions[idx]

    losses = train(model, batch, lambda m, b: m.loss(*b), steps=300, lr=6e-3, seed=0, progress=False)
    assert losses[-1] < 0.5 * losses[0]
    per_word = (model.generate(held.images) == held.captions).float().mean(0)  # (5,)
    assert per_word[0] > 0.8 and per_word[3] > 0.8  # the colours are learned first
    assert 0.0 <= sequence_accuracy(model.generate(held.images), held.captions) <= 1.0


def test_bad_inputs_are_named(data):
    model = make_model()
    with pytest.raises(ValueError, match="words must be a LongTensor"):
        model(data.images[:2], torch.zeros(2, 3))
    with pytest.raises(ValueError, match="1 <= T <= 5"):
        model(data.images[:2], torch.zeros(2, 6, dtype=torch.long))
    with pytest.raises(ValueError, match="word ids must be in"):
        model(data.images[:2], torch.full((2, 3), 99))
    with pytest.raises(ValueError, match=r"\(B, 3, 16, 16\)"):
        model(torch.zeros(2, 16, 16), torch.zeros(2, 3, dtype=torch.long))
    with pytest.raises(ValueError, match="captions must be"):
        model.loss(data.images[:2], torch.zeros(2, 4, dtype=torch.long))
