"""Questions about the menu: generated passages, questions and the answer span in the passage.

Taught in notebooks/13_attention_at_work_text.ipynb. A passage describes a few dishes of the course menu
(``load_menu()``), one sentence each, with their two strongest flavours::

    mapo tofu ( 麻婆豆腐 ) is very spicy and quite umami .

Two kinds of question, both answered by a span of the passage (extractive question answering):

* ``what does 麻婆豆腐 taste like ?`` -> ``very spicy and quite umami`` (the dish is named in Chinese);
* ``which dish is spiciest ?`` -> ``mapo tofu`` (asked only when the passage says so unambiguously:
  one dish has the strongest word for that flavour, and it really is the spiciest of the passage's dishes).

Half of the questions are of each kind.

Held-out passages use sets of dishes that training passages never combine.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np
import torch

from .menu import Menu, load_menu

STRENGTHS = (("very", 0.75), ("quite", 0.5), ("mildly", 0.0))  # word, from this flavour value up
SUPERLATIVE = {"spicy": "spiciest", "salty": "saltiest", "sweet": "sweetest", "sour": "sourest"}
SPECIALS = ("<pad>",)  # padding
PAD = 0


def strength_word(value: float) -> str:
    """``very`` / ``quite`` / ``mildly``: how a passage says how strong a flavour is."""
    return next(word for word, low in STRENGTHS if value >= low)


@dataclass(frozen=True)
class QAExample:
    """One question about one passage, with the answer span (inclusive word positions in the passage)."""

    question: tuple[str, ...]  # e.g. ("what", "does", "麻婆豆腐", "taste", "like", "?")
    passage: tuple[str, ...]  # the passage's words
    start: int  # first word of the answer in the passage
    end: int  # last word of the answer in the passage (inclusive)
    kind: str  # "taste" or "which"
    cue: int  # position in the question of the word that says what is asked (the dish, or "spiciest")
    sentence: tuple[int, int]  # (first, last) passage positions of the sentence that holds the answer

    @property
    def answer(self) -> str:
        return " ".join(self.passage[self.start : self.end + 1])


class MenuQA:
    """Generator of questions about passages made from the menu; a word vocabulary; tensors for a model.

    Taught in notebooks/13_attention_at_work_text.ipynb. ``dishes_per_passage`` dishes per passage; one set
    of dishes in ``heldout_every`` is kept for held-out passages only.
    """

    def __init__(self, menu: Menu | None = None, dishes_per_passage: int = 4, heldout_every: int = 10):
        if menu is not None and not isinstance(menu, Menu):
            raise ValueError(f"menu must be a Menu (from load_menu()) or None, got {type(menu).__name__}")
        self.menu = menu or load_menu()
        n = len(self.menu)
        if not 2 <= dishes_per_passage <= n:
            raise ValueError(f"dishes_per_passage must be in 2..{n} (dishes on the menu), got {dishes_per_passage}")
        if not isinstance(heldout_every, int) or heldout_every < 2:
            raise ValueError(f"heldout_every must be an int >= 2, got {heldout_every!r}")
        self.dishes_per_passage = dishes_per_passage
        self.sets = list(itertools.combinations(range(n), dishes_per_passage))  # every possible set of dishes
        order = np.random.default_rng(1234).permutation(len(self.sets))  # a fixed split, whatever the SEED
        self.heldout_sets = {self.sets[i] for i in order[::heldout_every]}
        self.train_sets = [self.sets[i] for i in sorted(order) if self.sets[i] not in self.heldout_sets]
        words = {w for i in range(n) for w in self.sentence(i)} | {
            "what",
            "does",
            "taste",
            "like",
            "?",
            "which",
            "dish",
            "is",
            *SUPERLATIVE.values(),
        }
        self.itos = list(SPECIALS) + sorted(words)  # id -> word
        self.stoi = {w: i for i, w in enumerate(self.itos)}  # word -> id

    def flavours_of(self, dish: int) -> list[tuple[str, float]]:
        """The dish's two strongest flavours, strongest first (ties: menu column order)."""
        values = self.menu.features[dish]
        top = sorted(range(len(values)), key=lambda j: (-values[j], j))[:2]
        return [(self.menu.flavours[j], float(values[j])) for j in top]

    def sentence(self, dish: int) -> list[str]:
        """``mapo tofu ( 麻婆豆腐 ) is very spicy and quite umami .`` as words."""
        (f1, v1), (f2, v2) = self.flavours_of(dish)
        return [
            *self.menu.dishes[dish].split(),
            "(",
            self.menu.chinese[dish],
            ")",
            "is",
            strength_word(v1),
            f1,
            "and",
            strength_word(v2),
            f2,
            ".",
        ]

    def example(self, dishes: tuple[int, ...], kind: str, rng: np.random.Generator) -> QAExample | None:
        """A question of ``kind`` ("taste" or "which") about the passage of ``dishes`` (in this order).

        None when the passage cannot answer a "which" question unambiguously for any flavour.
        """
        if kind not in ("taste", "which"):
            raise ValueError(f"kind must be 'taste' or 'which', got {kind!r}")
        passage, starts = [], []
        for d in dishes:
            starts.append(len(passage))
            passage += self.sentence(d)
        ends = [s - 1 for s in starts[1:]] + [len(passage) - 1]
        if kind == "taste":  # what does 麻婆豆腐 taste like?
            k = int(rng.integers(len(dishes)))
            start = starts[k] + len(self.menu.dishes[dishes[k]].split()) + 4  # after "name ( 中文 ) is"
            question = ("what", "does", self.menu.chinese[dishes[k]], "taste", "like", "?")
            return QAExample(question, tuple(passage), start, start + 4, "taste", 2, (starts[k], ends[k]))
        answerable = {}  # flavour -> position in the passage of the dish that is clearly the most of it
        for flavour in SUPERLATIVE:
            said = {}  # dish position -> rank of the strength word said for this flavour (0 = very)
            for k, d in enumerate(dishes):
                for f, v in self.flavours_of(d):
                    if f == flavour:
                        said[k] = [w for w, _ in STRENGTHS].index(strength_word(v))
            column = self.menu.flavours.index(flavour)
            truth = int(np.argmax([self.menu.features[d][column] for d in dishes]))  # the real winner
            winners = [k for k, r in said.items() if r == min(said.values())]
            if winners == [truth]:
                answerable[flavour] = truth
        if not answerable:
            return None
        flavour = sorted(answerable)[int(rng.integers(len(answerable)))]
        k = answerable[flavour]
        question = ("which", "dish", "is", SUPERLATIVE[flavour], "?")
        end = starts[k] + len(self.menu.dishes[dishes[k]].split()) - 1
        return QAExample(question, tuple(passage), starts[k], end, "which", 3, (starts[k], ends[k]))

    def sample(self, count: int, seed: int, heldout: bool = False) -> list[QAExample]:
        """``count`` examples (seeded) on training dish sets, or on held-out dish sets."""
        if not isinstance(count, int) or count < 1:
            raise ValueError(f"count must be a positive int, got {count!r}")
        rng = np.random.default_rng(seed)
        pool = sorted(self.heldout_sets) if heldout else self.train_sets
        out: list[QAExample] = []
        while len(out) < count:
            kind = ("taste", "which")[len(out) % 2]  # half of each kind
            ex = None
            while ex is None:
                dishes = tuple(rng.permutation(pool[int(rng.integers(len(pool)))]).tolist())  # a set, shuffled
                ex = self.example(dishes, kind, rng)
            out.append(ex)
        return out

    def encode(self, examples: list[QAExample]) -> dict[str, torch.Tensor]:
        """Tensors for a reader: ``question`` (B, T_q) and ``passage`` (B, T_p) word ids padded with <pad> = 0,
        ``start`` and ``end`` (B,) the answer's first and last positions in the passage, ``cue`` (B,) the
        position in the question of the word that says what is asked."""
        if not examples:
            raise ValueError("examples is empty")
        out = {}
        for field in ("question", "passage"):
            rows = [[self.stoi[w] for w in getattr(ex, field)] for ex in examples]
            ids = torch.full((len(rows), max(map(len, rows))), PAD, dtype=torch.long)  # (B, T)
            for b, row in enumerate(rows):
                ids[b, : len(row)] = torch.tensor(row)
            out[field] = ids
        for field in ("start", "end", "cue"):
            out[field] = torch.tensor([getattr(ex, field) for ex in examples])  # (B,)
        return out
