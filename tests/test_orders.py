"""Orders and their kitchen summaries (notebooks/13_attention_at_work_text.ipynb)."""

import pytest
import torch

from attention import OrderSummaries, load_menu
from attention.orders import EOS, PAD, WORDS


@pytest.fixture(scope="module")
def orders():
    return OrderSummaries()


def test_summary_counts_and_names_spicy_then_sweet_dishes_in_order(orders):
    menu = load_menu()
    dishes = [menu.index(n) for n in ("egg fried rice", "mango pudding", "mapo tofu", "lemon tart", "spicy chicken")]
    summary = orders.summarise(dishes)
    assert orders.text(summary) == "2 spicy mapo tofu spicy chicken 2 sweet mango pudding lemon tart"
    assert orders.text(summary, chinese=True) == "2 spicy 麻婆豆腐 辣子鸡 2 sweet 芒果布丁 柠檬挞"
    assert summary[-1] == EOS
    assert orders.text(orders.summarise([menu.index("egg fried rice")])) == "0 spicy 0 sweet"


def test_groups_follow_the_flavours(orders):
    menu = orders.menu
    for d in range(len(menu)):
        spicy, sweet = menu.features[d, 0], menu.features[d, 2]
        assert orders.group[d] == ("spicy" if spicy >= 0.5 else "sweet" if sweet >= 0.5 else "")
    assert {"spicy", "sweet", ""} == set(orders.group)


def test_samples_repeat_and_held_out_sets_are_apart(orders):
    a = orders.sample(200, seed=1)
    assert a == orders.sample(200, seed=1)
    assert all(3 <= len(o.dishes) <= 6 and len(set(o.dishes)) == len(o.dishes) for o in a)
    assert not any(orders.is_heldout(o.dishes) for o in a)
    held = orders.sample(100, seed=1, heldout=True)
    assert all(orders.is_heldout(o.dishes) for o in held)
    assert orders.is_heldout(held[0].dishes[::-1])  # the same set in another order is still held out
    import itertools

    share = sum(orders.is_heldout(s) for s in itertools.combinations(range(len(orders.menu)), 4)) / 8855
    assert 0.05 < share < 0.15  # about one set in heldout_every = 10


def test_encode_pads(orders):
    a = orders.sample(5, seed=2)
    t = orders.encode(a)
    assert t["order"].shape == (5, max(len(o.dishes) for o in a))
    assert t["summary"].shape == (5, max(len(o.summary) for o in a))
    for b, o in enumerate(a):
        assert t["order"][b, : len(o.dishes)].tolist() == [len(WORDS) + d for d in o.dishes]
        assert set(t["order"][b, len(o.dishes) :].tolist()) <= {PAD}
        assert orders.text(t["summary"][b]) == orders.text(o.summary)


def test_bad_arguments(orders):
    with pytest.raises(ValueError, match="menu must be a Menu"):
        OrderSummaries(3)
    with pytest.raises(ValueError, match="min_dishes"):
        OrderSummaries(min_dishes=4, max_dishes=3)
    with pytest.raises(ValueError, match="min_dishes"):
        OrderSummaries(max_dishes=7)
    with pytest.raises(ValueError, match="heldout_every"):
        OrderSummaries(heldout_every=1)
    with pytest.raises(ValueError, match="token must be in"):
        orders.token_text(orders.vocab_size)
    with pytest.raises(ValueError, match="count must be"):
        orders.sample(0, seed=0)
    with pytest.raises(ValueError, match="orders is empty"):
        orders.encode([])
    assert torch.is_tensor(orders.encode(orders.sample(1, seed=0))["order"])
