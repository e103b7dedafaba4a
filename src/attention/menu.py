"""The course's restaurant menu: dishes with a flavour vector each, loaded from attention/data/menu.csv.

Taught in notebooks/01_ordering_food.ipynb (and used again in notebooks/11_attention_everywhere.ipynb).
Each dish has five flavours between 0 and 1 (spicy, salty, sweet, sour, umami): its row of
``Menu.features`` is what the dish "tastes like", the vector a taste query is scored against.
"""

from __future__ import annotations

import csv
import difflib
import io
import os
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import numpy as np

FLAVOURS = ("spicy", "salty", "sweet", "sour", "umami")
COLUMNS = ("dish", "chinese", "category", *FLAVOURS, "description")


def default_menu_path() -> Path:
    """Where the course keeps its menu: ``data/menu.csv`` inside the package (installed with it, editable or not)."""
    return Path(str(resources.files("attention") / "data" / "menu.csv"))


@dataclass(frozen=True, eq=False)
class Menu:
    """A menu of ``n`` dishes; row ``i`` of every field describes dish ``i``."""

    dishes: list[str]  # English names, e.g. "spicy chicken"
    chinese: list[str]  # Chinese names, e.g. "辣子鸡"
    categories: list[str]  # e.g. "meat", "vegetable", "soup", "noodles", "dessert"
    descriptions: list[str]  # one short sentence per dish
    flavours: tuple[str, ...]  # the column names of features: spicy, salty, sweet, sour, umami
    features: np.ndarray  # (n, 5) float64 in 0..1: how much of each flavour a dish has

    def __len__(self) -> int:
        return len(self.dishes)

    def index(self, name: str) -> int:
        """Row of the dish called ``name`` (English, any case, or Chinese); ValueError suggests close names."""
        if not isinstance(name, str):
            raise ValueError(f"name must be a dish name (str), got {type(name).__name__}")
        key = name.strip()
        if key in self.chinese:
            return self.chinese.index(key)
        lowered = [d.lower() for d in self.dishes]
        if key.lower() in lowered:
            return lowered.index(key.lower())
        close = difflib.get_close_matches(key.lower(), lowered + self.chinese, n=3, cutoff=0.5)
        hint = f" Did you mean: {', '.join(repr(c) for c in close)}?" if close else ""
        raise ValueError(f"no dish called {name!r} on this menu of {len(self)} dishes.{hint}")

    def flavour_of(self, name: str) -> np.ndarray:
        """The (5,) flavour vector of one dish, looked up by name."""
        return self.features[self.index(name)]


def _parse_row(row: dict, line: int, path: Path) -> tuple[str, str, str, str, list[float]]:
    if row.get(None):  # DictReader puts fields beyond the header under the key None
        raise ValueError(
            f"{path}, line {line}: {len(row[None])} more field(s) than the {len(COLUMNS)} columns of the header "
            f'(extra: {row[None]}); a description with a comma must be in double quotes: "Hot, and sour."'
        )
    short = [c for c in COLUMNS if row.get(c) is None]
    if short:
        raise ValueError(f"{path}, line {line}: only {len(COLUMNS) - len(short)} of the {len(COLUMNS)} columns, missing {short}")
    for column in ("dish", "chinese", "category"):
        if not row[column].strip():
            raise ValueError(f"{path}, line {line}: column {column!r} is empty")
    values = []
    for flavour in FLAVOURS:
        text = row[flavour].strip()
        try:
            value = float(text)
        except ValueError:
            raise ValueError(f"{path}, line {line} ({row['dish']}): column {flavour!r} must be a number, got {text!r}") from None
        if not 0.0 <= value <= 1.0:
            raise ValueError(f"{path}, line {line} ({row['dish']}): column {flavour!r} must be between 0 and 1, got {value}")
        values.append(value)
    return row["dish"].strip(), row["chinese"].strip(), row["category"].strip(), row["description"].strip(), values


def _read_text(path: Path) -> str:
    """The file as text: UTF-8, with or without the byte-order mark Excel's "CSV UTF-8" writes."""
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ValueError(
            f"{path} is not UTF-8 text (byte {error.start} is {data[error.start : error.start + 1]!r}): save it as "
            "'CSV UTF-8' (Excel), or re-encode it, e.g. from GBK: iconv -f GBK -t UTF-8 old.csv > menu.csv"
        ) from None
    if "\x00" in text:
        raise ValueError(f"{path} is not a text file (it holds NUL bytes): a menu is a CSV file in UTF-8")
    return text


def load_menu(path: str | Path | None = None) -> Menu:
    """Read a menu CSV (default: the course's, ``src/attention/data/menu.csv``) and check it.

    Taught in notebooks/01_ordering_food.ipynb. The file is UTF-8 (a byte-order mark is fine).
    Raises FileNotFoundError naming the path if the file is missing, ValueError naming the line
    and column for a missing or repeated column, a row with too many or too few fields, a flavour
    outside 0..1, or a dish listed twice, and ValueError for a file that is not UTF-8 text.
    """
    if path is not None and not isinstance(path, (str, os.PathLike)):
        raise ValueError(f"path must be a file path (a str or pathlib.Path), got {type(path).__name__}: {path!r}")
    path = default_menu_path() if path is None else Path(path)
    if not path.is_file():
        raise FileNotFoundError(
            f"menu file not found: {path} (the course's own menu, src/attention/data/menu.csv, "
            "comes with the package: `pip install .` in the course folder)"
        )
    reader = csv.DictReader(io.StringIO(_read_text(path), newline=""))
    header = reader.fieldnames or []
    repeated = sorted({c for c in header if header.count(c) > 1})
    if repeated:
        raise ValueError(f"{path}, line 1: column(s) {repeated} appear more than once in the header")
    missing = [c for c in COLUMNS if c not in header]
    if missing:
        raise ValueError(f"{path}: missing column(s) {missing}; expected columns {list(COLUMNS)}")
    rows, lines = [], []
    for row in reader:
        lines.append(reader.line_num)  # the file's line where this row ends (blank lines and quoted newlines counted)
        rows.append(_parse_row(row, reader.line_num, path))
    if not rows:
        raise ValueError(f"{path}: the menu has no dishes")
    seen: dict[str, int] = {}
    for line, (dish, chinese, *_) in zip(lines, rows):
        for name in (dish.lower(), chinese):
            if name in seen:
                raise ValueError(f"{path}, line {line}: dish {name!r} is listed twice (first on line {seen[name]})")
            seen[name] = line
    dishes, chinese, categories, descriptions, values = (list(col) for col in zip(*rows))
    features = np.array(values, dtype=np.float64)  # (n, 5)
    return Menu(dishes, chinese, categories, descriptions, FLAVOURS, features)
