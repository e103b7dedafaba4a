"""The waiter's order pad: a toy stream of orders ("table 2: noodles") and questions ("table 2?").

Taught in notebooks/10_modern_attention.ipynb. The answer to "table t?" is the dish of table t's *latest* order,
so a model must find that table's orders (content) and prefer the most recent one (position): a small test of how
attention knows positions. Token ids: order ``t * num_dishes + d``, question ``num_tables * num_dishes + t``, and
``bos`` (a start token) last. Answers are dish ids, or ``nothing`` (= num_dishes) when the table has not ordered.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch

from ._checks import shape_of

DISHES = ("noodles", "dumplings", "rice", "soup", "tofu", "greens", "chicken", "fish", "buns", "curry", "pancakes", "tea")


@dataclass(frozen=True)
class OrderPad:
    """Sizes of the toy: how many tables and dishes, and how often a stream asks a question."""

    num_tables: int = 4  # tables that order
    num_dishes: int = 8  # dishes on the menu (at most 12, they have names)
    question_rate: float = 0.3  # in stream(): chance that a token is a question rather than an order

    def __post_init__(self):
        if not isinstance(self.num_tables, int) or self.num_tables < 1:
            raise ValueError(f"num_tables must be an int >= 1, got {self.num_tables!r}")
        if not isinstance(self.num_dishes, int) or not 1 <= self.num_dishes <= len(DISHES):
            raise ValueError(f"num_dishes must be an int in 1..{len(DISHES)}, got {self.num_dishes!r}")
        if not 0.0 <= self.question_rate < 1.0:
            raise ValueError(f"question_rate must be in [0, 1), got {self.question_rate!r}")

    @property
    def bos(self) -> int:
        """The start token ``<start>``, first in every stream."""
        return self.num_tables * self.num_dishes + self.num_tables

    @property
    def vocab_size(self) -> int:
        """Number of token ids: orders, questions and ``<start>``."""
        return self.bos + 1

    @property
    def nothing(self) -> int:
        """The answer "nothing yet": the asked table has no order in sight."""
        return self.num_dishes

    @property
    def num_answers(self) -> int:
        """Answer classes: every dish, then "nothing"."""
        return self.num_dishes + 1

    def last_order(self, batch: int, num_orders: int, generator: torch.Generator) -> tuple[torch.Tensor, torch.Tensor]:
        """``num_orders`` random orders, then one question about a table that ordered: ``(tokens (B, n+1), answers (B,))``.

        Taught in notebooks/10_modern_attention.ipynb ("train short, test long"). No ``<start>`` token.
        """
        _check_sizes(batch=batch, num_orders=num_orders)
        tables = torch.randint(0, self.num_tables, (batch, num_orders), generator=generator)  # (B, n)
        dishes = torch.randint(0, self.num_dishes, (batch, num_orders), generator=generator)  # (B, n)
        rows = torch.arange(batch)
        asked = tables[rows, torch.randint(0, num_orders, (batch,), generator=generator)]  # (B,) a table that ordered
        latest = ((tables == asked[:, None]) * torch.arange(1, num_orders + 1)).argmax(dim=1)  # (B,) its last order
        question = self.num_tables * self.num_dishes + asked  # (B,)
        tokens = torch.cat([tables * self.num_dishes + dishes, question[:, None]], dim=1)  # (B, n + 1)
        return tokens, dishes[rows, latest]

    def stream(self, batch: int, length: int, generator: torch.Generator) -> torch.Tensor:
        """``<start>`` then ``length - 1`` tokens, each a question with probability ``question_rate``: ``(B, length)``."""
        _check_sizes(batch=batch, length=length)
        n = length - 1
        is_question = torch.rand(batch, n, generator=generator) < self.question_rate  # (B, n)
        tables = torch.randint(0, self.num_tables, (batch, n), generator=generator)  # (B, n)
        dishes = torch.randint(0, self.num_dishes, (batch, n), generator=generator)  # (B, n)
        body = torch.where(is_question, self.num_tables * self.num_dishes + tables, tables * self.num_dishes + dishes)
        return torch.cat([torch.full((batch, 1), self.bos), body], dim=1)  # (B, length)

    def answers(self, tokens: torch.Tensor, window: int | None = None) -> torch.Tensor:
        """The right answer at every question ``(B, T)``, ``-1`` elsewhere; with ``window``, only recent orders count.

        Taught in notebooks/10_modern_attention.ipynb. A question at position i sees orders at positions
        ``> i - window`` (the same ``window`` as a KV cache that keeps the last ``window`` positions).
        """
        self._check_tokens(tokens)
        if window is not None and (not isinstance(window, int) or window < 1):
            raise ValueError(f"window must be None or an int >= 1, got {window!r}")
        B, T = tokens.shape
        rows = torch.arange(B)
        n_orders = self.num_tables * self.num_dishes
        last_dish = torch.full((B, self.num_tables), self.nothing)  # (B, tables) latest dish so far
        last_pos = torch.full((B, self.num_tables), -(T + 1))  # (B, tables) where it was ordered
        answers = torch.full((B, T), -1)
        for i in range(T):
            x = tokens[:, i]  # (B,)
            is_question = (x >= n_orders) & (x < self.bos)
            table = torch.where(is_question, x - n_orders, 0)
            answer = last_dish[rows, table]
            if window is not None:
                answer = torch.where(last_pos[rows, table] > i - window, answer, self.nothing)
            answers[:, i] = torch.where(is_question, answer, -1)
            is_order = x < n_orders
            ordered = torch.where(is_order, x // self.num_dishes, 0)
            last_dish[rows[is_order], ordered[is_order]] = (x % self.num_dishes)[is_order]
            last_pos[rows[is_order], ordered[is_order]] = i
        return answers

    def describe(self, tokens) -> str:
        """A sequence in words, e.g. ``"<start> T1:rice T0:soup T1?"``."""
        tokens = torch.as_tensor(tokens)
        if tokens.ndim != 1:
            raise ValueError(f"tokens must be one sequence (1-D), got shape {shape_of(tokens)}")
        words = []
        for x in tokens.tolist():
            if x == self.bos:
                words.append("<start>")
            elif 0 <= x < self.num_tables * self.num_dishes:
                words.append(f"T{x // self.num_dishes}:{DISHES[x % self.num_dishes]}")
            elif self.num_tables * self.num_dishes <= x < self.bos:
                words.append(f"T{x - self.num_tables * self.num_dishes}?")
            else:
                raise ValueError(f"token {x} is not in 0..{self.vocab_size - 1}")
        return " ".join(words)

    def answer_name(self, answer: int) -> str:
        """A dish's name, or "nothing"."""
        if not 0 <= answer <= self.nothing:
            raise ValueError(f"answer must be in 0..{self.nothing}, got {answer}")
        return "nothing" if answer == self.nothing else DISHES[answer]

    def _check_tokens(self, tokens) -> None:
        if not isinstance(tokens, torch.Tensor) or tokens.ndim != 2 or tokens.is_floating_point():
            raise ValueError(f"tokens must be an integer tensor (B, T), got {type(tokens).__name__} {shape_of(tokens)}")
        if tokens.numel() and (tokens.min() < 0 or tokens.max() >= self.vocab_size):
            raise ValueError(f"token ids must be in 0..{self.vocab_size - 1}, got {tokens.min().item()}..{tokens.max().item()}")


def _check_sizes(**sizes) -> None:
    for name, n in sizes.items():
        if not isinstance(n, int) or isinstance(n, bool) or n < 1:
            raise ValueError(f"{name} must be an int >= 1, got {n!r}")


def answer_accuracy(logits: torch.Tensor, answers: torch.Tensor) -> float:
    """Share of questions answered right: ``logits (..., num_answers)``, ``answers (...)`` with ``-1`` = not a question.

    Taught in notebooks/10_modern_attention.ipynb.
    """
    if not isinstance(logits, torch.Tensor) or not isinstance(answers, torch.Tensor) or logits.shape[:-1] != answers.shape:
        raise ValueError(f"logits must be (..., num_answers) and answers (...): got {shape_of(logits)} and {shape_of(answers)}")
    asked = answers >= 0
    if not asked.any():
        raise ValueError(f"answers {shape_of(answers)} holds no question (all -1)")
    return (logits.argmax(dim=-1) == answers)[asked].float().mean().item()
