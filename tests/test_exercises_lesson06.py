"""Tests for the lesson 06 checker: the right answer passes, typical mistakes get precise messages, stubs are todo."""

import torch

from attention.exercises import check_additive_scores


def right(query, key, w_q, w_k, v):
    return torch.tanh((query @ w_q).unsqueeze(-2) + (key @ w_k).unsqueeze(-3)) @ v


def wrong(answer, *words):
    result = check_additive_scores(answer)
    assert result.status == "wrong", result
    for word in words:
        assert word in result.message, (word, result.message)


def test_right_answers_pass():
    for _ in range(5):  # fresh cases each time
        assert check_additive_scores(right).passed
    assert check_additive_scores(lambda *a: right(*a).numpy()).passed  # NumPy results are fine
    assert check_additive_scores(
        lambda q, k, wq, wk, v: (torch.tanh((q @ wq)[..., :, None, :] + (k @ wk)[..., None, :, :]) * v).sum(-1)
    ).passed


def test_stub_is_not_done():
    def stub(query, key, w_q, w_k, v):
        raise NotImplementedError("your code here")

    assert check_additive_scores(stub).status == "todo"


def test_typical_mistakes_are_named():
    wrong(lambda q, k, wq, wk, v: ((q @ wq)[:, :, None] + (k @ wk)[:, None]) @ v, "tanh is missing")
    wrong(lambda q, k, wq, wk, v: torch.tanh(((q @ wq)[:, :, None] + (k @ wk)[:, None]) @ v), "tanh is in the wrong place")
    wrong(lambda q, k, wq, wk, v: torch.tanh((q @ wq)[:, :, None] * (k @ wk)[:, None]) @ v, "ADDS")
    wrong(lambda q, k, wq, wk, v: torch.tanh((q @ wq)[:, :, None] + (k @ wk)[:, None]).sum(-1), "weigh it with v")
    wrong(lambda *a: torch.softmax(right(*a), dim=-1), "returned the weights")
    wrong(lambda q, k, wq, wk, v: right(q, k, wq, wk, v) / wq.shape[1] ** 0.5, "sqrt(d_a)")
    wrong(lambda *a: right(*a).transpose(-2, -1), "transposed")
    wrong(lambda q, k, wq, wk, v: torch.tanh((q @ wk)[:, :, None] + (k @ wq)[:, None]) @ v, "swapped")
    wrong(lambda q, k, wq, wk, v: right(q, k, wq, wk, v)[:, :, :4], "shape")
    wrong(lambda q, k, wq, wk, v: right(q, k, wq, wk, v) + 0.01, "scores")


def loop_answer(query, key, w_q, w_k, v):
    B, T_q, T_k = query.shape[0], query.shape[1], key.shape[1]
    out = torch.zeros(B, T_q, T_k)
    for i in range(T_q):
        for j in range(T_k):
            out[:, i, j] = torch.tanh(query[:, i] @ w_q + key[:, j] @ w_k) @ v
    return out


def test_a_loop_is_right_but_not_vectorised():
    wrong(loop_answer, "no Python loops", "line")


def test_calling_the_library_is_detected():
    import attention

    wrong(lambda *a: attention.additive_scores(*a), "write it yourself")


def test_fixed_sizes_typed_in_fail():
    wrong(lambda q, k, wq, wk, v: right(q, k, wq, wk, v).reshape(2, 5, 5), "")
