"""Orders and their kitchen summaries: the data for summarisation with a copy (pointer) mechanism.

Taught in notebooks/13_attention_at_work_text.ipynb. An order is a few different dishes of the course menu
(``load_menu()``), in the order the diner said them. Its summary for the kitchen counts the spicy dishes and
names them, then the sweet ones, in the order they were ordered; other dishes are left out::

    order:   mapo tofu, egg fried rice, mango pudding, boiled fish in chilli oil
    summary: 2 spicy mapo tofu boiled fish in chilli oil 1 sweet mango pudding <eos>

A dish is spicy if its spicy flavour is at least 0.5, else sweet if its sweet flavour is at least 0.5.
Every dish is one token. The summary's other words (counts, "spicy", "sweet", <eos>) come from a small
vocabulary; a summariser can only write a dish by copying it from the order. Held-out orders use sets of
dishes that training orders never have.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from .menu import Menu, load_menu

MAX_DISHES = 6  # the longest order: the counts go up to 6
WORDS = ("<pad>", "<bos>", "<eos>", *(str(n) for n in range(MAX_DISHES + 1)), "spicy", "sweet")  # what can be generated
PAD, BOS, EOS = 0, 1, 2


@dataclass(frozen=True)
class Order:
    """One order and its summary, both as token ids (dish d is id ``len(WORDS) + d``)."""

    dishes: tuple[int, ...]  # menu rows, in the order the diner said them
    summary: tuple[int, ...]  # token ids of the summary, ending with <eos>


class OrderSummaries:
    """Generator of orders and summaries over a menu; tokens <-> text; tensors for a summariser.

    Taught in notebooks/13_attention_at_work_text.ipynb. Orders have ``min_dishes``..``max_dishes`` different
    dishes; one set of dishes in ``heldout_every`` (by a fixed hash) is kept for held-out orders.
    """

    def __init__(self, menu: Menu | None = None, min_dishes: int = 3, max_dishes: int = 6, heldout_every: int = 10):
        if menu is not None and not isinstance(menu, Menu):
            raise ValueError(f"menu must be a Menu (from load_menu()) or None, got {type(menu).__name__}")
        self.menu = menu or load_menu()
        most = min(len(self.menu), MAX_DISHES)
        if not 1 <= min_dishes <= max_dishes <= most:
            raise ValueError(
                f"need 1 <= min_dishes <= max_dishes <= {most}, got min_dishes={min_dishes}, max_dishes={max_dishes}"
            )
        if not isinstance(heldout_every, int) or heldout_every < 2:
            raise ValueError(f"heldout_every must be an int >= 2, got {heldout_every!r}")
        self.min_dishes, self.max_dishes, self.heldout_every = min_dishes, max_dishes, heldout_every
        spicy = self.menu.features[:, self.menu.flavours.index("spicy")]
        sweet = self.menu.features[:, self.menu.flavours.index("sweet")]
        self.group = ["spicy" if a >= 0.5 else "sweet" if b >= 0.5 else "" for a, b in zip(spicy, sweet)]  # per dish
        self.vocab_size = len(WORDS) + len(self.menu)  # words, then one token per dish

    def is_heldout(self, dishes) -> bool:
        """Whether this set of dishes (any order) belongs to the held-out orders."""
        key = sum(int(d) * 31**i for i, d in enumerate(sorted(dishes)))
        return key % self.heldout_every == 0

    def summarise(self, dishes) -> tuple[int, ...]:
        """The summary's token ids: count, "spicy", the spicy dishes, count, "sweet", the sweet dishes, <eos>."""
        out = []
        for group in ("spicy", "sweet"):
            members = [len(WORDS) + d for d in dishes if self.group[d] == group]
            out += [WORDS.index(str(len(members))), WORDS.index(group), *members]
        return (*out, EOS)

    def sample(self, count: int, seed: int, heldout: bool = False) -> list[Order]:
        """``count`` orders (seeded), from the training sets of dishes or the held-out ones."""
        if not isinstance(count, int) or count < 1:
            raise ValueError(f"count must be a positive int, got {count!r}")
        rng = np.random.default_rng(seed)
        orders: list[Order] = []
        while len(orders) < count:
            size = int(rng.integers(self.min_dishes, self.max_dishes + 1))
            dishes = tuple(int(d) for d in rng.choice(len(self.menu), size=size, replace=False))
            if self.is_heldout(dishes) == heldout:
                orders.append(Order(dishes, self.summarise(dishes)))
        return orders

    def token_text(self, token: int, chinese: bool = False) -> str:
        """A token id as text: a word, or the dish's English (or Chinese) name."""
        token = int(token)
        if not 0 <= token < self.vocab_size:
            raise ValueError(f"token must be in 0..{self.vocab_size - 1}, got {token}")
        if token < len(WORDS):
            return WORDS[token]
        d = token - len(WORDS)
        return self.menu.chinese[d] if chinese else self.menu.dishes[d]

    def text(self, tokens, chinese: bool = False) -> str:
        """Token ids as text, dishes separated by commas; stops after <eos>, skips <pad> and <bos>."""
        words = []
        for t in torch.as_tensor(tokens).tolist():
            if t == EOS:
                break
            if t not in (PAD, BOS):
                words.append(self.token_text(t, chinese))
        return " ".join(words)

    def encode(self, orders: list[Order]) -> dict[str, torch.Tensor]:
        """Tensors for a summariser: ``order`` (B, T_in) dish tokens and ``summary`` (B, T_out), padded with <pad>."""
        if not orders:
            raise ValueError("orders is empty")
        out = {}
        for field, rows in (
            ("order", [[len(WORDS) + d for d in o.dishes] for o in orders]),
            ("summary", [list(o.summary) for o in orders]),
        ):
            ids = torch.full((len(rows), max(map(len, rows))), PAD, dtype=torch.long)  # (B, T)
            for b, row in enumerate(rows):
                ids[b, : len(row)] = torch.tensor(row)
            out[field] = ids
        return out
