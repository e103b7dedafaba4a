"""Make the learner editions: every exercise's solution replaced by a starter stub.

Reads the committed solution notebooks ``notebooks/NN_*.ipynb`` and writes
``learner/NN_*.ipynb`` (a sibling of notebooks/, so relative paths such as
``../data`` still work). In every code cell tagged ``solution`` the lines from
``# BEGIN SOLUTION`` to ``# END SOLUTION`` (inclusive) become one
``raise NotImplementedError("your code here")`` at the indentation of the
BEGIN line. Outputs and execution counts are cleared, and a short banner is put
at the top. The checker cell after each exercise then shows "⏳ not done yet".

It refuses (exit status 1, naming the file and the cell) when a lesson breaks the
exercise conventions: a ``solution`` cell without markers, unbalanced markers,
markers outside a ``solution`` cell, an exercise with no ``<details>`` hint in a
markdown cell before it, or too few exercises (two per lesson 01-06, one per 07-09).

A learner edition you have run or edited is not overwritten; ``--force``
overwrites it after saving a copy in ``learner/.backup/``.

Usage: python -m scripts.make_learner [--out learner] [--force] [notebooks/NN_name.ipynb ...]
"""

from __future__ import annotations

import argparse
import copy
import hashlib
import json
import re
import shutil
import sys
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
SOLUTION_TAG = "solution"
BANNER_TAG = "learner-banner"
BEGIN = re.compile(r"^(?P<indent>[ \t]*)# BEGIN SOLUTION\s*$")
END = re.compile(r"^[ \t]*# END SOLUTION\s*$")
STUB = 'raise NotImplementedError("your code here")'
NOTEBOOK_NAME = re.compile(r"^(?P<number>\d\d)_\w+\.ipynb$")


def min_exercises(lesson: int) -> int:
    """How many exercises a lesson must have: two in 01-06, one in 07-09, none in 00."""
    if 1 <= lesson <= 6:
        return 2
    return 1 if lesson >= 7 else 0


BANNER = """> **Learner edition** of `notebooks/{name}`, made by `make learner`.
> Each exercise cell says `raise NotImplementedError("your code here")`: replace that line with your code and run the
> cell, then run the checker cell below it (⏳ not done yet, ❌ what is wrong, ✅ done). Stuck? Open the **Hint**,
> and compare with the solution in `notebooks/{name}`.
> Your work is safe: `make learner` does not overwrite a learner notebook you have run or edited."""


class LearnerError(ValueError):
    """A solution notebook breaks the exercise conventions; the message names the file and the cell."""


def stub_solution(source: str, where: str) -> str:
    """Replace each BEGIN/END SOLUTION block in ``source`` by a NotImplementedError stub at the same indentation."""
    out: list[str] = []
    begin_line = None  # 1-based line number of the open BEGIN marker, if any
    for number, line in enumerate(source.splitlines(), start=1):
        begin, end = BEGIN.match(line), END.match(line)
        if begin:
            if begin_line is not None:
                raise LearnerError(f"{where}: '# BEGIN SOLUTION' on line {number} before the one on line {begin_line} ended")
            begin_line = number
            out.append(begin["indent"] + STUB)
        elif end:
            if begin_line is None:
                raise LearnerError(f"{where}: '# END SOLUTION' on line {number} without a '# BEGIN SOLUTION' before it")
            begin_line = None
        elif begin_line is None:
            out.append(line)
    if begin_line is not None:
        raise LearnerError(f"{where}: '# BEGIN SOLUTION' on line {begin_line} has no '# END SOLUTION'")
    return "\n".join(out)


def _has_markers(source: str) -> bool:
    return any(BEGIN.match(line) or END.match(line) for line in source.splitlines())


def _fingerprint(nb) -> str:
    """Hash of what a learner changes (sources and outputs), to tell a fresh edition from one in use."""
    cells = [(c.cell_type, c.source, c.get("outputs", [])) for c in nb.cells]
    return hashlib.sha256(json.dumps(cells, sort_keys=True, default=str).encode()).hexdigest()


def learner_edition(nb, name: str):
    """Return the learner edition of solution notebook ``nb`` (file name ``name``, e.g. "02_scaled_dot_product.ipynb")."""
    match = NOTEBOOK_NAME.match(name)
    lesson = int(match["number"]) if match else 0
    nb = copy.deepcopy(nb)
    exercises = 0
    hint_seen = False  # a markdown cell with <details> since the last exercise
    for index, cell in enumerate(nb.cells):
        where = f"{name} cell {index}"
        if cell.cell_type == "markdown":
            hint_seen = hint_seen or "<details" in cell.source
            continue
        if cell.cell_type != "code":
            continue
        if SOLUTION_TAG in cell.metadata.get("tags", []):
            if not _has_markers(cell.source):
                raise LearnerError(f"{where}: tagged 'solution' but has no '# BEGIN SOLUTION' / '# END SOLUTION' lines")
            if not hint_seen:
                raise LearnerError(
                    f"{where}: exercise without a hint (put <details><summary>Hint</summary>... in a markdown cell before it)"
                )
            cell.source = stub_solution(cell.source, where)
            exercises += 1
            hint_seen = False
        elif _has_markers(cell.source):
            raise LearnerError(f"{where}: has SOLUTION markers but is not tagged 'solution' (its answer would be left in)")
        cell.outputs = []
        cell.execution_count = None
        cell.metadata.pop("execution", None)
    if exercises < min_exercises(lesson):
        raise LearnerError(
            f"{name}: {exercises} exercise(s) (code cells tagged 'solution'); "
            f"lesson {lesson:02d} needs at least {min_exercises(lesson)}"
        )
    banner = nbformat.v4.new_markdown_cell(BANNER.format(name=name), metadata={"tags": [BANNER_TAG]})
    if "id" in banner:  # nbformat >= 4.5 wants cell ids; a fixed one keeps the output reproducible
        banner["id"] = BANNER_TAG
    nb.cells.insert(0, banner)
    nb.metadata["learner_edition"] = {"source": f"notebooks/{name}", "fingerprint": _fingerprint(nb)}
    return nb


def in_use(path: Path) -> bool:
    """True if the learner edition at ``path`` was run or edited since it was made (or was not made by this script)."""
    nb = nbformat.read(path, as_version=4)
    stored = nb.metadata.get("learner_edition", {}).get("fingerprint")
    return stored != _fingerprint(nb)


def write_learner(source: Path, out_dir: Path, force: bool = False) -> str:
    """Write the learner edition of ``source`` into ``out_dir``; return what happened ("written", "kept", "replaced")."""
    edition = learner_edition(nbformat.read(source, as_version=4), source.name)
    nbformat.validate(edition)
    target = out_dir / source.name
    status = "written"
    if target.exists() and in_use(target):
        if not force:
            return "kept"
        backup = out_dir / ".backup"
        backup.mkdir(parents=True, exist_ok=True)
        shutil.copy2(target, backup / source.name)
        status = "replaced"
    out_dir.mkdir(parents=True, exist_ok=True)
    nbformat.write(edition, target)
    return status


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="*", type=Path, help="solution notebooks (default: notebooks/NN_*.ipynb)")
    parser.add_argument("--out", type=Path, default=ROOT / "learner", help="output folder (default: learner/)")
    parser.add_argument(
        "--force", action="store_true", help="overwrite learner notebooks you ran or edited (a copy goes to OUT/.backup/)"
    )
    args = parser.parse_args(argv)
    sources = args.notebooks or sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    if not sources:
        print("no notebooks found", file=sys.stderr)
        return 1
    failures = []
    for source in sources:
        try:
            status = write_learner(source, args.out, force=args.force)
        except LearnerError as error:
            failures.append(str(error))
            continue
        if status == "kept":
            print(f"kept    {args.out / source.name} (you ran or edited it; --force replaces it, saving a copy in .backup/)")
        elif status == "replaced":
            print(f"wrote   {args.out / source.name} (your previous copy is in {args.out / '.backup' / source.name})")
        else:
            print(f"wrote   {args.out / source.name}")
    for failure in failures:
        print(f"ERROR {failure}", file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
