"""Keep the Chinese edition (notebooks/zh/) in step with the English one: same code, translations up to date.

The English notebooks are the one source of truth. Each ``notebooks/zh/NN_name.ipynb`` has the same cells in the
same order as ``notebooks/NN_name.ipynb`` (same types, ids and tags), and:

* every code cell has the same statements: their syntax trees are compared with comments removed and the text of
  every string literal replaced by a placeholder (the code inside f-strings is kept), so only comments, printed
  words and plot labels may be Chinese (the generated set-up cell, tag ``colab-setup``, is exempt:
  ``scripts/setup_cell.py`` writes each edition's own);
* every markdown cell records which English text it translates: ``metadata["zh"]["en_sha"]`` is :func:`en_sha`
  of the English cell's source. When an English markdown cell changes, its Chinese twin no longer matches and
  :func:`problems` names it; update the translation, then ``--stamp`` the cell.

Usage:
    python -m scripts.zh_sync                      # list every problem; exit 1 if there is one
    python -m scripts.zh_sync --stamp notebooks/zh/01_ordering_food.ipynb 5 7
        # after translating cells 5 and 7 again: record the current English text as translated
"""

from __future__ import annotations

import argparse
import ast
import hashlib
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SETUP_TAG = "colab-setup"
CJK = re.compile(r"[\u3400-\u9fff]")


def en_sha(source: str) -> str:
    """The fingerprint of an English markdown cell's text that its Chinese twin records."""
    return hashlib.sha256(source.encode("utf-8")).hexdigest()[:16]


class _Words(ast.NodeTransformer):
    """Blanks out what a translation may change: the text of string literals (not the code inside f-strings)."""

    def visit_Constant(self, node):
        return ast.copy_location(ast.Constant("<string>"), node) if isinstance(node.value, str) else node

    def visit_FormattedValue(self, node):
        node.value = self.visit(node.value)  # the format spec ({w:.3f}) is code: kept as it is
        return node

    def visit_JoinedStr(self, node):
        parts = [self.visit(v) for v in node.values if not isinstance(v, ast.Constant)]  # keep {expressions}
        return ast.copy_location(ast.JoinedStr(parts), node)


def code_statements(source: str) -> str:
    """A code cell's statements with comments and the text of string literals left out (f-strings keep their code).

    IPython magics and shell escapes (lines starting with % or !) are compared as whole lines.
    """
    lines = source.splitlines()
    magics = [line.strip() for line in lines if line.lstrip().startswith(("%", "!"))]
    python = "\n".join(line for line in lines if not line.lstrip().startswith(("%", "!")))
    tree = _Words().visit(ast.parse(python))
    return "\n".join(magics + [ast.dump(tree, annotate_fields=False)])


def _tags(cell) -> list[str]:
    return sorted(cell.get("metadata", {}).get("tags", []))


def _first_line(source: str) -> str:
    line = next((line for line in source.splitlines() if line.strip()), "")
    return line if len(line) <= 70 else line[:67] + "..."


def pair_problems(english: Path, chinese: Path) -> list[str]:
    """What is out of step between an English notebook and its Chinese twin (empty: in step)."""
    import nbformat

    en = nbformat.read(english, as_version=4).cells
    zh = nbformat.read(chinese, as_version=4).cells
    name = f"notebooks/zh/{chinese.name}"
    if [c.cell_type for c in en] != [c.cell_type for c in zh]:
        return [
            f"{name}: its cells are not the English notebook's ({len(zh)} cells, English {len(en)}; the types in "
            "order must match): copy the new English cells into the Chinese notebook at the same places"
        ]
    problems = []
    for index, (e, z) in enumerate(zip(en, zh)):
        where = f"{name} cell {index}"
        if _tags(e) != _tags(z):
            problems.append(f"{where}: tags {_tags(z)}, English {_tags(e)}")
        if e.cell_type == "code":
            if SETUP_TAG in _tags(e):
                continue
            try:
                same = code_statements(e.source) == code_statements(z.source)
            except SyntaxError as error:
                problems.append(f"{where}: cannot be read as Python ({error})")
                continue
            if not same:
                problems.append(
                    f"{where}: the code differs from the English cell (only comments and strings may): "
                    f"English starts {_first_line(e.source)!r}"
                )
        elif e.cell_type == "markdown":
            recorded = z.get("metadata", {}).get("zh", {}).get("en_sha")
            if recorded != en_sha(e.source):
                state = "was never marked as translated" if recorded is None else "translates an older English text"
                problems.append(
                    f"{where} {state}: update it from the English cell {_first_line(e.source)!r}, then run "
                    f"python -m scripts.zh_sync --stamp {name} {index}"
                )
            elif e.source.strip() and not CJK.search(z.source) and CJK.search(e.source) is None and _words(e.source) >= 3:
                problems.append(f"{where}: no Chinese in it: translate {_first_line(e.source)!r}")
    return problems


def _words(markdown: str) -> int:
    text = re.sub(r"`[^`]*`|\$[^$]*\$|<[^>]+>|\]\([^)]*\)", " ", markdown)
    return len(re.findall(r"[A-Za-z]{2,}", text))


def problems(root: Path = ROOT) -> list[str]:
    """Every problem in the Chinese edition: a missing twin, a stray Chinese notebook, code or text out of step."""
    english = sorted((root / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    chinese = sorted((root / "notebooks" / "zh").glob("[0-9][0-9]_*.ipynb"))
    found = [
        f"notebooks/zh/{e.name} is missing: every lesson has a Chinese twin"
        for e in english
        if not (root / "notebooks" / "zh" / e.name).exists()
    ]
    found += [
        f"notebooks/zh/{z.name} has no English twin notebooks/{z.name}"
        for z in chinese
        if not (root / "notebooks" / z.name).exists()
    ]
    for z in chinese:
        if (root / "notebooks" / z.name).exists():
            found += pair_problems(root / "notebooks" / z.name, z)
    return found


def stamp(chinese: Path, cells: list[int] | None = None, root: Path = ROOT) -> list[int]:
    """Record the current English text of the given markdown cells (all if None) as translated; return them."""
    import nbformat

    english = nbformat.read(root / "notebooks" / chinese.name, as_version=4)
    nb = nbformat.read(chinese, as_version=4)
    if len(english.cells) != len(nb.cells):
        raise ValueError(f"{chinese}: {len(nb.cells)} cells, English {len(english.cells)}: align the cells first")
    chosen = range(len(nb.cells)) if cells is None else cells
    done = []
    for index in chosen:
        if not 0 <= index < len(nb.cells):
            raise ValueError(f"cell {index} does not exist in {chinese} ({len(nb.cells)} cells)")
        e, z = english.cells[index], nb.cells[index]
        if e.cell_type == "markdown" and z.cell_type == "markdown":
            z.metadata.setdefault("zh", {})["en_sha"] = en_sha(e.source)
            done.append(index)
    nbformat.write(nb, chinese)
    return done


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Check that notebooks/zh/ is in step with notebooks/.")
    parser.add_argument("--stamp", type=Path, metavar="ZH_NOTEBOOK", help="mark cells of this Chinese notebook as translated")
    parser.add_argument("cells", nargs="*", type=int, help="with --stamp: the cell numbers (default: none; 'all' is not assumed)")
    args = parser.parse_args(argv)
    if args.stamp:
        if not args.cells:
            parser.error("--stamp needs the cell numbers you translated again (as listed by python -m scripts.zh_sync)")
        print(f"stamped cells {stamp(args.stamp, args.cells)} of {args.stamp}")
        return 0
    found = problems()
    for line in found:
        print(line)
    print(f"{len(found)} problem(s) in notebooks/zh/" if found else "notebooks/zh/ is in step with notebooks/")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
