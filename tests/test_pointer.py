"""The pointer-generator summariser: generate a word or copy an input token (notebooks/13_attention_at_work_text.ipynb)."""

import pytest
import torch

from attention import OrderSummaries, PointerConfig, PointerSummariser, train
from attention.orders import BOS, EOS, WORDS


@pytest.fixture(scope="module")
def orders():
    return OrderSummaries()


def model_for(orders, seed=0):
    torch.manual_seed(seed)
    return PointerSummariser(PointerConfig(orders.vocab_size, len(WORDS)))


def test_the_mixture_is_a_distribution_and_copies_only_what_is_in_the_input(orders):
    model = model_for(orders)
    t = orders.encode(orders.sample(4, seed=0))
    src, summary = t["order"], t["summary"]
    dec_in = torch.cat([torch.full_like(summary[:, :1], BOS), summary[:, :-1]], 1)
    probs, p_gen, copy = model(src, dec_in)
    assert probs.shape == (4, summary.shape[1], orders.vocab_size)
    assert torch.allclose(probs.sum(-1), torch.ones(4, summary.shape[1]), atol=1e-5)
    assert ((p_gen > 0) & (p_gen < 1)).all() and torch.allclose(copy.sum(-1), torch.ones_like(p_gen))
    assert (copy[src[:, None, :].expand_as(copy) == 0] == 0).all()  # padding is never copied
    for b in range(4):
        absent = [tok for tok in range(len(WORDS), orders.vocab_size) if tok not in src[b].tolist()]
        assert (probs[b][:, absent] == 0).all()  # a dish can only be copied, so one not ordered has probability 0


def test_mixture_by_loop(orders):
    """Fix p_gen (zero weights, a chosen bias) to read off each part, then rebuild the mixture token by token."""
    model = model_for(orders)
    src = torch.tensor([[len(WORDS) + 3, len(WORDS) + 7, len(WORDS) + 3]])  # a repeated token: its weights add up
    dec_in = torch.tensor([[BOS, 5]])
    with torch.no_grad():
        model.to_p_gen.weight.zero_()
        model.to_p_gen.bias.fill_(30.0)  # p_gen = 1: generate only
        words = model(src, dec_in)[0][..., : len(WORDS)]  # (1, 2, W): the small vocabulary's distribution
        model.to_p_gen.bias.fill_(0.4)
        probs, p_gen, copy = model(src, dec_in)
    assert torch.allclose(p_gen, torch.sigmoid(torch.tensor(0.4)).expand(1, 2))
    for t in range(2):
        expected = torch.zeros(orders.vocab_size)
        expected[: len(WORDS)] = p_gen[0, t] * words[0, t]
        for i, tok in enumerate(src[0].tolist()):
            expected[tok] += (1 - p_gen[0, t]) * copy[0, t, i]
        assert torch.allclose(probs[0, t], expected, atol=1e-6)
    assert probs[0, :, len(WORDS) + 3].allclose((1 - p_gen[0]) * (copy[0, :, 0] + copy[0, :, 2]), atol=1e-6)


def test_causal_and_generate(orders):
    model = model_for(orders)
    t = orders.encode(orders.sample(3, seed=1))
    src = t["order"]
    a = model(src, torch.tensor([[BOS, 4, 10]] * 3))[0]
    b = model(src, torch.tensor([[BOS, 4, 11]] * 3))[0]
    assert torch.allclose(a[:, :2], b[:, :2], atol=1e-6)  # step t sees the words before it only
    out, p_gen, copy = model.generate(src, 8, EOS)
    assert out.shape == p_gen.shape == (3, 8) and copy.shape == (3, 8, src.shape[1])


def test_learns_to_copy_on_a_small_budget(orders, one_thread):
    data = orders.encode(orders.sample(2000, seed=2))

    def batch(step, g):
        idx = torch.randint(2000, (32,), generator=g)
        return data["order"][idx], data["summary"][idx]

    model = model_for(orders)
    losses = train(model, batch, lambda m, b: m.loss(*b), steps=200, lr=3e-3, seed=0, progress=False)
    assert sum(losses[-10:]) < 0.3 * sum(losses[:10])


def test_bad_inputs_are_named(orders):
    model = model_for(orders)
    src = torch.tensor([[13, 14]])
    with pytest.raises(ValueError, match="src must be a LongTensor"):
        model(src.float(), src)
    with pytest.raises(ValueError, match="ids in 0"):
        model(src, torch.tensor([[orders.vocab_size]]))
    with pytest.raises(ValueError, match="batch size"):
        model(src, torch.ones(2, 1, dtype=torch.long))
    with pytest.raises(ValueError, match="summary must be"):
        model.loss(src, torch.ones(2, 3, dtype=torch.long))
    with pytest.raises(ValueError, match="max_len"):
        model.generate(src, 0, EOS)
    with pytest.raises(ValueError, match="at least one token"):
        model(torch.tensor([[13, 14], [0, 0]]), torch.ones(2, 1, dtype=torch.long))
    with pytest.raises(ValueError, match="num_words"):
        PointerSummariser(PointerConfig(10, 10))


def test_copy_mixture_by_loop_and_bad_inputs():
    from attention import copy_mixture

    g = torch.Generator().manual_seed(0)
    p_gen = torch.rand(2, 3, generator=g)
    words = torch.rand(2, 3, 4, generator=g).softmax(-1)
    copy = torch.rand(2, 3, 5, generator=g).softmax(-1)
    src = torch.tensor([[6, 7, 6, 9, 4], [5, 5, 5, 8, 9]])
    got = copy_mixture(p_gen, words, copy, src, 10)
    for b in range(2):
        for t in range(3):
            expected = torch.zeros(10)
            expected[:4] = p_gen[b, t] * words[b, t]
            for i in range(5):
                expected[src[b, i]] += (1 - p_gen[b, t]) * copy[b, t, i]
            assert torch.allclose(got[b, t], expected, atol=1e-6)
    assert torch.allclose(got.sum(-1), torch.ones(2, 3))
    with pytest.raises(ValueError, match="expected p_gen"):
        copy_mixture(p_gen, words, copy, src[:, :4], 10)
    with pytest.raises(ValueError, match="src must hold token ids"):
        copy_mixture(p_gen, words, copy, src, 9)
    with pytest.raises(ValueError, match="only 3"):
        copy_mixture(p_gen, words, copy, src % 3, 3)
    with pytest.raises(ValueError, match="must be torch tensors"):
        copy_mixture(p_gen.numpy(), words, copy, src, 10)
