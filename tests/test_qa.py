"""The span reader: question -> query, its attention over the passage points at the answer (notebooks/12)."""

import pytest
import torch

from attention import MenuQA, ReaderConfig, SpanReader, train


@pytest.fixture(scope="module")
def qa():
    return MenuQA(dishes_per_passage=3)


def model_for(qa, seed=0):
    torch.manual_seed(seed)
    return SpanReader(ReaderConfig(len(qa.itos)))


def test_pointers_are_attention_over_the_passage(qa):
    model = model_for(qa)
    t = qa.encode(qa.sample(6, seed=0))
    start, end = model(t["question"], t["passage"])
    assert start.shape == end.shape == t["passage"].shape
    pad = t["passage"] == 0
    assert pad.any() and torch.isinf(start[pad]).all() and torch.isfinite(start[~pad]).all()
    p = model.pointers(t["question"], t["passage"])
    assert p.shape == (6, 2, t["passage"].shape[1]) and torch.allclose(p.sum(-1), torch.ones(6, 2))
    assert (p[:, 0][pad] == 0).all()


def test_padding_changes_nothing(qa):
    model = model_for(qa)
    t = qa.encode(qa.sample(4, seed=1))
    q, p = t["question"], t["passage"]
    longer_q = torch.cat([q, torch.zeros(4, 3, dtype=torch.long)], 1)
    longer_p = torch.cat([p, torch.zeros(4, 5, dtype=torch.long)], 1)
    a, b = model(q, p), model(longer_q, longer_p)
    assert torch.allclose(a[0], b[0][:, : p.shape[1]], atol=1e-5) and torch.isinf(b[0][:, p.shape[1] :]).all()


def test_predict_is_the_best_legal_pair_brute_force(qa):
    model = model_for(qa)
    t = qa.encode(qa.sample(10, seed=2))
    s, e = model.predict(t["question"], t["passage"], max_answer=4)
    start, end = model(t["question"], t["passage"])
    for b in range(10):
        T = int((t["passage"][b] != 0).sum())
        pairs = [(i, j) for i in range(T) for j in range(i, min(T, i + 4))]
        best = max(pairs, key=lambda ij: (start[b, ij[0]] + end[b, ij[1]]).item())
        assert (s[b].item(), e[b].item()) == best


def test_learns_on_a_small_budget(qa, one_thread):
    data = qa.encode(qa.sample(2000, seed=3))

    def batch(step, g):
        idx = torch.randint(2000, (32,), generator=g)
        return data["question"][idx], data["passage"][idx], data["start"][idx], data["end"][idx]

    model = model_for(qa)
    losses = train(model, batch, lambda m, b: m.loss(*b), steps=200, lr=3e-3, seed=0, progress=False)
    assert sum(losses[-10:]) < 0.5 * sum(losses[:10])


def test_bad_inputs_are_named(qa):
    model = model_for(qa)
    q = torch.ones(2, 4, dtype=torch.long)
    with pytest.raises(ValueError, match="question must be a LongTensor"):
        model(q.float(), q)
    with pytest.raises(ValueError, match="ids in 0"):
        model(q, torch.full((2, 4), 10_000))
    with pytest.raises(ValueError, match="batch size"):
        model(q, torch.ones(3, 4, dtype=torch.long))
    with pytest.raises(ValueError, match="every layer count"):
        SpanReader(ReaderConfig(50, num_passage_layers=0))


def test_an_empty_passage_is_refused(qa):
    model = model_for(qa)
    with pytest.raises(ValueError, match="at least one word"):
        model(torch.ones(2, 3, dtype=torch.long), torch.tensor([[5, 6], [0, 0]]))


def test_the_pointers_are_one_query_scaled_dot_product_attention(qa):
    from attention import scaled_dot_product_attention

    model = model_for(qa)
    t = qa.encode(qa.sample(5, seed=4))
    summary, keys, real = model.encode(t["question"], t["passage"])
    assert summary.shape == (5, 32) and keys.shape == (*t["passage"].shape, 32) and torch.equal(real, t["passage"] != 0)
    with torch.no_grad():
        for which, linear in ((0, model.start_query), (1, model.end_query)):
            query = linear(summary)[:, None, :]  # (B, 1, d): one query per question
            _, weights = scaled_dot_product_attention(query, keys, keys, mask=real[:, None, :])  # (B, 1, T_p)
            assert torch.allclose(weights[:, 0], model.pointers(t["question"], t["passage"])[:, which], atol=1e-6)
