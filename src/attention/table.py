"""A small table for notebook output: an HTML table in the browser, aligned text everywhere else.

Taught in notebooks/01_ordering_food.ipynb. Space-padded text tables do not line up in a browser as soon as a
cell holds Chinese (or any wide) characters, so notebooks show tables as HTML; the text version, used where HTML
is not shown, pads by display width (a Chinese character takes two columns).
"""

from __future__ import annotations

import html
import numbers
import unicodedata
from collections.abc import Sequence

import numpy as np


def display_width(text: str) -> int:
    """Columns ``text`` takes in a terminal: two for wide (East Asian) characters, none for combining marks."""
    width = 0
    for char in text:
        if unicodedata.combining(char):
            continue
        width += 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1
    return width


def _pad(text: str, width: int, right: bool) -> str:
    space = " " * max(0, width - display_width(text))
    return space + text if right else text + space


class Table:
    """Rows of values under column headings, shown as an HTML table (numbers right-aligned).

    Taught in notebooks/01_ordering_food.ipynb. ``rows`` is a sequence of equally long sequences; numbers are
    printed with ``digits`` decimals (integers as they are). Display it as the last line of a cell, or with
    ``display(table)``.
    """

    def __init__(self, rows: Sequence[Sequence], columns: Sequence[str], digits: int = 2, caption: str | None = None):
        columns = [str(c) for c in columns]
        if not columns:
            raise ValueError("columns must name at least one column, got none")
        if isinstance(digits, bool) or not isinstance(digits, int) or digits < 0:
            raise ValueError(f"digits must be a whole number >= 0, got {digits!r}")
        rows = [list(row) for row in rows]
        for i, row in enumerate(rows):
            if len(row) != len(columns):
                raise ValueError(f"row {i} has {len(row)} values but there are {len(columns)} columns {columns}")
        self.columns, self.digits, self.caption = columns, digits, caption
        self.cells = [[self._text(v) for v in row] for row in rows]  # what each cell shows
        self.numeric = [bool(rows) and all(self._is_number(row[j]) for row in rows) for j in range(len(columns))]

    @staticmethod
    def _is_number(value) -> bool:
        return isinstance(value, (numbers.Number, np.number)) and not isinstance(value, (bool, np.bool_))

    def _text(self, value) -> str:
        if isinstance(value, (bool, np.bool_)):
            return str(bool(value))
        if isinstance(value, (numbers.Integral, np.integer)):
            return str(int(value))
        if self._is_number(value):
            return f"{float(value):.{self.digits}f}"
        if isinstance(value, np.ndarray):
            return "[" + " ".join(self._text(v) for v in value.ravel()) + "]"
        return str(value)

    def __repr__(self) -> str:
        widths = [max([display_width(c)] + [display_width(row[j]) for row in self.cells]) for j, c in enumerate(self.columns)]
        lines = [] if self.caption is None else [self.caption]
        lines.append("  ".join(_pad(c, w, n) for c, w, n in zip(self.columns, widths, self.numeric)).rstrip())
        for row in self.cells:
            lines.append("  ".join(_pad(v, w, n) for v, w, n in zip(row, widths, self.numeric)).rstrip())
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        def cell(tag: str, text: str, numeric: bool) -> str:
            align = "right" if numeric else "left"
            return f'<{tag} style="text-align: {align}">{html.escape(text)}</{tag}>'

        head = "".join(cell("th", c, n) for c, n in zip(self.columns, self.numeric))
        body = "".join("<tr>" + "".join(cell("td", v, n) for v, n in zip(row, self.numeric)) + "</tr>" for row in self.cells)
        caption = "" if self.caption is None else f"<caption>{html.escape(self.caption)}</caption>"
        return f'<table class="attention-table">{caption}<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'
