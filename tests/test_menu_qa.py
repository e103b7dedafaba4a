"""Generated questions about the menu (notebooks/13_attention_at_work_text.ipynb)."""

import numpy as np
import pytest

from attention import MenuQA, load_menu
from attention.menu_qa import PAD, strength_word


@pytest.fixture(scope="module")
def qa():
    return MenuQA(dishes_per_passage=3)


def test_sentences_say_the_two_strongest_flavours(qa):
    menu = load_menu()
    i = menu.index("mapo tofu")
    assert " ".join(qa.sentence(i)) == "mapo tofu ( 麻婆豆腐 ) is very spicy and quite umami ."
    assert [strength_word(v) for v in (0.9, 0.75, 0.6, 0.5, 0.3)] == ["very", "very", "quite", "quite", "mildly"]


def test_taste_answers_are_that_dishes_flavour_words(qa):
    menu = qa.menu
    for ex in qa.sample(200, seed=0):
        if ex.kind != "taste":
            continue
        dish = menu.index(ex.question[ex.cue])
        (f1, v1), (f2, v2) = qa.flavours_of(dish)
        assert ex.answer == f"{strength_word(v1)} {f1} and {strength_word(v2)} {f2}"
        s0, s1 = ex.sentence
        assert menu.chinese[dish] in ex.passage[s0 : s1 + 1] and s0 <= ex.start <= ex.end <= s1


def test_which_answers_are_the_dish_that_is_most_of_that_flavour(qa):
    menu = qa.menu
    superlatives = {"spiciest": "spicy", "saltiest": "salty", "sweetest": "sweet", "sourest": "sour"}
    seen = set()
    for ex in qa.sample(300, seed=1):
        if ex.kind != "which":
            continue
        flavour = superlatives[ex.question[ex.cue]]
        seen.add(flavour)
        names = [" ".join(ex.passage[a:b]) for a, b in _sentence_spans(ex.passage)]
        dishes = [menu.index(n.split(" ( ")[0]) for n in names]
        column = menu.flavours.index(flavour)
        best = max(dishes, key=lambda d: menu.features[d, column])
        assert ex.answer == menu.dishes[best]
    assert seen == set(superlatives.values())


def _sentence_spans(passage):
    start = 0
    for i, w in enumerate(passage):
        if w == ".":
            yield start, i
            start = i + 1


def test_half_of_each_kind_repeatable_and_held_out_sets_never_in_training(qa):
    a, b = qa.sample(100, seed=5), qa.sample(100, seed=5)
    assert a == b and sum(ex.kind == "taste" for ex in a) == 50
    assert not set(qa.train_sets) & qa.heldout_sets and len(qa.train_sets) + len(qa.heldout_sets) == len(qa.sets)
    for ex in qa.sample(100, seed=6, heldout=True):
        dishes = tuple(
            sorted(qa.menu.index(n.split(" ( ")[0]) for n in (" ".join(ex.passage[s:e]) for s, e in _sentence_spans(ex.passage)))
        )
        assert dishes in qa.heldout_sets


def test_encode_pads_and_keeps_positions(qa):
    examples = qa.sample(8, seed=2)
    t = qa.encode(examples)
    assert t["question"].shape == (8, max(len(e.question) for e in examples))
    assert t["passage"].shape == (8, max(len(e.passage) for e in examples))
    for b, ex in enumerate(examples):
        words = [qa.itos[i] for i in t["passage"][b].tolist()]
        assert words[: len(ex.passage)] == list(ex.passage) and set(t["passage"][b, len(ex.passage) :].tolist()) <= {PAD}
        assert " ".join(words[t["start"][b] : t["end"][b] + 1]) == ex.answer
        assert qa.itos[t["question"][b, t["cue"][b]]] == ex.question[ex.cue]


def test_bad_arguments():
    with pytest.raises(ValueError, match="menu must be a Menu"):
        MenuQA(3)
    with pytest.raises(ValueError, match="dishes_per_passage"):
        MenuQA(dishes_per_passage=1)
    with pytest.raises(ValueError, match="heldout_every"):
        MenuQA(heldout_every=1)
    qa = MenuQA(dishes_per_passage=2)
    with pytest.raises(ValueError, match="count must be"):
        qa.sample(0, seed=0)
    with pytest.raises(ValueError, match="kind must be"):
        qa.example((0, 1), "why", np.random.default_rng(0))
    with pytest.raises(ValueError, match="examples is empty"):
        qa.encode([])
