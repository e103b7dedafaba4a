"""Tests for attention.order_pad: the toy's answers checked one sequence at a time by a direct reading."""

import pytest
import torch

from attention import OrderPad, answer_accuracy


def read(pad: OrderPad, seq: list[int], window=None) -> list[int]:
    """The oracle in plain Python: walk the sequence, remember every table's orders with their positions."""
    n_orders = pad.num_tables * pad.num_dishes
    orders: dict[int, list[tuple[int, int]]] = {}
    out = []
    for i, x in enumerate(seq):
        if n_orders <= x < pad.bos:
            seen = [(p, d) for p, d in orders.get(x - n_orders, []) if window is None or p > i - window]
            out.append(seen[-1][1] if seen else pad.nothing)
        else:
            out.append(-1)
        if x < n_orders:
            orders.setdefault(x // pad.num_dishes, []).append((i, x % pad.num_dishes))
    return out


@pytest.mark.parametrize("window", [None, 1, 3, 10])
@pytest.mark.parametrize("seed", [0, 1])
def test_stream_answers_match_a_direct_reading(window, seed):
    pad = OrderPad(num_tables=3, num_dishes=4, question_rate=0.4)
    tokens = pad.stream(20, 30, torch.Generator().manual_seed(seed))
    assert tokens.shape == (20, 30) and (tokens[:, 0] == pad.bos).all() and (tokens[:, 1:] != pad.bos).all()
    answers = pad.answers(tokens, window=window)
    for b in range(20):
        assert answers[b].tolist() == read(pad, tokens[b].tolist(), window)
    assert (answers >= 0).sum() > 0 and (answers == pad.nothing).sum() > 0


def test_last_order_asks_about_a_table_that_ordered_and_answers_its_latest_dish():
    pad = OrderPad()
    tokens, answers = pad.last_order(200, 9, torch.Generator().manual_seed(0))
    assert tokens.shape == (200, 10) and answers.shape == (200,)
    full = pad.answers(tokens)
    assert torch.equal(full[:, -1], answers) and (answers != pad.nothing).all()
    assert (full[:, :-1] == -1).all()  # only the last token is a question


def test_same_seed_same_data_and_vocabulary():
    pad = OrderPad(num_tables=4, num_dishes=8)
    a = pad.stream(3, 12, torch.Generator().manual_seed(5))
    b = pad.stream(3, 12, torch.Generator().manual_seed(5))
    assert torch.equal(a, b)
    assert pad.vocab_size == 4 * 8 + 4 + 1 and pad.bos == 36 and pad.nothing == 8 and pad.num_answers == 9


def test_describe_and_answer_names():
    pad = OrderPad(num_tables=2, num_dishes=3)
    assert pad.describe([pad.bos, 0, 5, 7, 6]) == "<start> T0:noodles T1:rice T1? T0?"
    assert pad.answer_name(1) == "dumplings" and pad.answer_name(pad.nothing) == "nothing"
    with pytest.raises(ValueError, match="not in"):
        pad.describe([99])
    with pytest.raises(ValueError, match="answer"):
        pad.answer_name(7)


def test_answer_accuracy_counts_questions_only():
    logits = torch.tensor([[[0.0, 1.0], [1.0, 0.0], [0.0, 1.0]]])  # predictions 1, 0, 1
    assert answer_accuracy(logits, torch.tensor([[1, -1, 0]])) == 0.5
    with pytest.raises(ValueError, match="no question"):
        answer_accuracy(logits, torch.full((1, 3), -1))
    with pytest.raises(ValueError, match="num_answers"):
        answer_accuracy(logits, torch.tensor([1, 0]))


@pytest.mark.parametrize(
    "call, words",
    [
        (lambda: OrderPad(num_tables=0), "num_tables"),
        (lambda: OrderPad(num_dishes=13), "num_dishes"),
        (lambda: OrderPad(question_rate=1.0), "question_rate"),
        (lambda: OrderPad().stream(2, 0, torch.Generator()), "length"),
        (lambda: OrderPad().last_order(0, 3, torch.Generator()), "batch"),
        (lambda: OrderPad().answers(torch.zeros(3, dtype=torch.long)), "(B, T)"),
        (lambda: OrderPad().answers(torch.full((1, 3), 99)), "token ids"),
        (lambda: OrderPad().answers(torch.zeros(1, 3, dtype=torch.long), window=0), "window"),
    ],
)
def test_bad_input_names_the_problem(call, words):
    with pytest.raises(ValueError) as error:
        call()
    assert words in str(error.value)
