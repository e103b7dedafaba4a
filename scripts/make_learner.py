"""Make the learner editions: every exercise's solution replaced by a starter stub.

Reads the committed solution notebooks ``notebooks/NN_*.ipynb`` and writes
``learner/NN_*.ipynb`` (a sibling of notebooks/, so relative paths such as
``../data`` still work); the Chinese edition ``notebooks/zh/NN_*.ipynb`` goes to
``learner/zh/``, with its banner in Chinese. In every code cell tagged ``solution`` the lines from
``# BEGIN SOLUTION`` to ``# END SOLUTION`` (inclusive) become one
``raise NotImplementedError("your code here")`` at the indentation of the
BEGIN line. Outputs and execution counts are cleared, and a short banner is put
at the top. The checker cell after each exercise then shows "⏳ not done yet".

It refuses (exit status 1, naming the file and the cell) when a lesson breaks the
exercise conventions: a ``solution`` cell without markers, unbalanced markers,
markers outside a ``solution`` cell, an exercise with no ``<details>`` hint in a
markdown cell before it, or too few exercises (two per lesson 01-05, one per lesson from 06 on).

A learner's work is never lost. A learner edition you have run or edited is kept as it is. When its lesson has
changed since the copy was made (after a ``git pull``), the run says so and how to get the new version:
``--force`` (``make learner FORCE=1``) first saves the learner's file as ``OUT/backup/NN_name.<time>.ipynb``
(timestamped; backups are never overwritten or deleted), then writes the new edition and carries the learner's
answers over into every exercise whose starter code did not change (exercises are recognised by a hash of their
starter code, stored in each exercise cell's metadata). ``--fresh`` with ``--force`` starts over without carrying
answers. A learner notebook that cannot be read (empty, cut off) is reported and left alone, and the other
lessons are still written; ``--force`` backs it up and writes a fresh copy.

Usage: python -m scripts.make_learner [--out learner] [--force [--fresh]] [notebooks/NN_name.ipynb ...]
"""

from __future__ import annotations

import argparse
import copy
import datetime
import hashlib
import json
import re
import shutil
import sys
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
SOLUTION_TAG = "solution"
BANNER_TAG = "learner-banner"
EXERCISE_KEY = "learner_exercise"  # cell metadata: hash of the exercise's starter code
BACKUP_DIR = "backup"  # inside the output folder; not hidden, so JupyterLab's file browser shows it
FORCE_HOW = "`make learner FORCE=1` (or `python tasks.py learner --force`)"
BEGIN = re.compile(r"^(?P<indent>[ \t]*)# BEGIN SOLUTION\s*$")
END = re.compile(r"^[ \t]*# END SOLUTION\s*$")
STUB = 'raise NotImplementedError("your code here")'
NOTEBOOK_NAME = re.compile(r"^(?P<number>\d\d)_\w+\.ipynb$")


def min_exercises(lesson: int) -> int:
    """How many exercises a lesson must have: two in 01-05 (the foundations), one from 06 on, none in 00."""
    if 1 <= lesson <= 5:
        return 2
    return 1 if lesson >= 6 else 0


BANNER = """> **Learner edition** of `notebooks/{name}`, made by `make learner`.
> Each exercise cell says `raise NotImplementedError("your code here")`: replace that line with your code and run the
> cell, then run the checker cell below it: it says NOT DONE YET, WRONG (and what is wrong) or DONE. Stuck? Open
> the **Hint**, and compare with the solution in `notebooks/{name}`.
> Your work is safe: `make learner` never overwrites a learner notebook you have run or edited. When the lesson
> changes, it tells you; `make learner FORCE=1` then saves your copy in `learner/backup/` and brings the new
> version with your answers in it."""


ZH_BANNER = """> `notebooks/zh/{name}` 的**学员版**，由 `make learner` 生成。
> 每个练习单元格里写着 `raise NotImplementedError("your code here")`：把这一行换成你的代码并运行，再运行下面的检查器
> 单元格：它会说“还没做完”“有误”（并指出错在哪里）或“完成”。卡住了？展开**提示**，或对照 `notebooks/zh/{name}` 里的答案。
> 你的作业是安全的：`make learner` 从不覆盖你运行过或改过的学员版。课程更新时它会告诉你；`make learner FORCE=1`
> 会先把你的版本存进 `learner/zh/backup/`，再写入新版本，并把你的答案带过去。"""


def is_chinese(source: Path) -> bool:
    """A notebook of the Chinese edition (notebooks/zh/)."""
    return Path(source).parent.name == "zh"


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


def _exercise_id(starter: str) -> str:
    return hashlib.sha256(starter.encode()).hexdigest()[:16]


def _fingerprint(nb) -> str:
    """Hash of what a learner changes (sources and outputs), to tell a fresh edition from one in use."""
    cells = [(c.cell_type, c.source, c.get("outputs", [])) for c in nb.cells]
    return hashlib.sha256(json.dumps(cells, sort_keys=True, default=str).encode()).hexdigest()


def learner_edition(nb, name: str, chinese: bool = False):
    """Return the learner edition of solution notebook ``nb`` (file name ``name``, e.g. "02_scaled_dot_product.ipynb").

    ``chinese``: the notebook is the Chinese edition's (notebooks/zh/): the banner is in Chinese.
    """
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
            cell.metadata[EXERCISE_KEY] = _exercise_id(cell.source)
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
    banner = nbformat.v4.new_markdown_cell((ZH_BANNER if chinese else BANNER).format(name=name), metadata={"tags": [BANNER_TAG]})
    if "id" in banner:  # nbformat >= 4.5 wants cell ids; a fixed one keeps the output reproducible
        banner["id"] = BANNER_TAG
    nb.cells.insert(0, banner)
    nb.metadata["learner_edition"] = {"source": f"notebooks/{'zh/' if chinese else ''}{name}", "fingerprint": _fingerprint(nb)}
    return nb


def in_use(path: Path) -> bool:
    """True if the learner edition at ``path`` was run or edited since it was made (or was not made by this script)."""
    nb = nbformat.read(path, as_version=4)
    stored = nb.metadata.get("learner_edition", {}).get("fingerprint")
    return stored != _fingerprint(nb)


@dataclass
class Outcome:
    """What happened to one learner notebook, and what to tell the learner."""

    status: str  # "written", "unchanged", "updated", "kept", "replaced", "unreadable"
    notes: list[str] = field(default_factory=list)  # extra lines for the learner
    backup: Path | None = None  # where the learner's previous file was saved


def backup_path(out_dir: Path, name: str) -> Path:
    """A new, unused file name in OUT/backup/ for a copy of ``name``: never an existing backup's."""
    folder = out_dir / BACKUP_DIR
    folder.mkdir(parents=True, exist_ok=True)
    stamp = datetime.datetime.now().strftime("%Y-%m-%d_%H%M%S")
    stem, suffix = Path(name).stem, Path(name).suffix
    for n in range(1, 10_000):
        candidate = folder / f"{stem}.{stamp}{'' if n == 1 else f'-{n}'}{suffix}"
        if not candidate.exists():
            return candidate
    raise RuntimeError(f"no free backup name for {name} in {folder}")


def _def_line(source: str) -> str | None:
    return next((line.strip() for line in source.splitlines() if line.lstrip().startswith("def ")), None)


def carry_answers(old, edition) -> list[str]:
    """Copy the learner's answers from ``old`` into ``edition`` where the exercise did not change; say what was not.

    An exercise is the same when its starter code is (``learner_exercise`` hashes in the cells' metadata). Copies
    made before those hashes existed are matched by the exercise function's ``def`` line.
    """
    old_cells = [c for c in old.cells if c.cell_type == "code" and SOLUTION_TAG in c.metadata.get("tags", [])]
    by_id: dict[str, list] = {}  # in order, so two exercises with the same starter each get their own answer
    by_def: dict[str, list] = {}
    for c in old_cells:
        if c.metadata.get(EXERCISE_KEY):
            by_id.setdefault(c.metadata[EXERCISE_KEY], []).append(c)
        elif _def_line(c.source):
            by_def.setdefault(_def_line(c.source), []).append(c)
    used, notes, carried = set(), [], 0
    for cell in edition.cells:
        if cell.cell_type != "code" or SOLUTION_TAG not in cell.metadata.get("tags", []):
            continue
        candidates = by_id.get(cell.metadata.get(EXERCISE_KEY)) or by_def.get(_def_line(cell.source)) or []
        match = candidates.pop(0) if candidates else None
        if match is not None:
            used.add(id(match))
            if match.source != cell.source:
                cell.source = match.source
                carried += 1
    lost = [c for c in old_cells if id(c) not in used and _exercise_id(c.source) != c.metadata.get(EXERCISE_KEY)]
    if carried:
        notes.append(f"{carried} answer(s) carried over into the new version")
    for cell in lost:
        name = _def_line(cell.source) or cell.source.strip().splitlines()[0][:60] if cell.source.strip() else "an exercise"
        notes.append(f"the exercise `{name}` changed: your answer to it is in the backup, not in the new version")
    return notes


def write_learner(source: Path, out_dir: Path, force: bool = False, fresh: bool = False) -> Outcome:
    """Write the learner edition of ``source`` into ``out_dir`` without ever losing what a learner wrote there."""
    edition = learner_edition(nbformat.read(source, as_version=4), source.name, chinese=is_chinese(source))
    nbformat.validate(edition)
    target = out_dir / source.name
    out_dir.mkdir(parents=True, exist_ok=True)
    if not target.exists():
        nbformat.write(edition, target)
        return Outcome("written")
    try:
        old = nbformat.read(target, as_version=4)
    except Exception as error:  # empty, cut off, not JSON: report it, keep it, go on with the other lessons
        reason = f"{type(error).__name__}: {str(error).splitlines()[0][:120] if str(error) else 'unreadable'}"
        if not force:
            return Outcome(
                "unreadable",
                [
                    f"it cannot be read as a notebook ({reason}); it was left as it is",
                    f"{FORCE_HOW} saves it in {out_dir / BACKUP_DIR}/ and writes a fresh copy",
                ],
            )
        backup = backup_path(out_dir, source.name)
        shutil.copy2(target, backup)
        nbformat.write(edition, target)
        return Outcome("replaced", [f"it could not be read ({reason}): a fresh copy was written"], backup)
    stored = old.metadata.get("learner_edition", {}).get("fingerprint")
    changed = stored != edition.metadata["learner_edition"]["fingerprint"]  # the lesson changed since the copy
    if stored == _fingerprint(old):  # untouched since it was made: replace it freely
        if not changed:
            return Outcome("unchanged")
        nbformat.write(edition, target)
        return Outcome("updated")
    if not force:
        if changed:
            return Outcome(
                "kept",
                [
                    f"notebooks/{source.name} has changed since your copy was made (after a git pull?); your copy is "
                    "as you left it",
                    f"to get the new version: {FORCE_HOW}. It saves your copy in {out_dir / BACKUP_DIR}/, writes the "
                    "new lesson and carries your answers over to every exercise that did not change",
                ],
            )
        return Outcome(
            "kept",
            [
                f"you ran or edited it; {FORCE_HOW} replaces it with a clean copy that keeps your "
                f"answers, after saving yours in {out_dir / BACKUP_DIR}/"
            ],
        )
    backup = backup_path(out_dir, source.name)
    shutil.copy2(target, backup)
    notes = [] if fresh else carry_answers(old, edition)
    nbformat.write(edition, target)
    return Outcome("replaced", notes, backup)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="*", type=Path, help="solution notebooks (default: notebooks/NN_*.ipynb)")
    parser.add_argument("--out", type=Path, default=ROOT / "learner", help="output folder (default: learner/)")
    parser.add_argument(
        "--force",
        action="store_true",
        help="replace learner notebooks you ran or edited (each is saved in OUT/backup/ first; answers are carried over)",
    )
    parser.add_argument("--fresh", action="store_true", help="with --force: start over, without carrying answers over")
    args = parser.parse_args(argv)
    sources = args.notebooks or (
        sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb")) + sorted((ROOT / "notebooks" / "zh").glob("[0-9][0-9]_*.ipynb"))
    )
    if not sources:
        print("no notebooks found", file=sys.stderr)
        return 1
    failures = []
    for source in sources:
        try:
            out = args.out / "zh" if is_chinese(source) else args.out  # learner/zh/ beside learner/, as in notebooks/
            outcome = write_learner(source, out, force=args.force, fresh=args.fresh)
        except LearnerError as error:
            failures.append(str(error))
            continue
        target = out / source.name
        first = {
            "written": f"wrote   {target}",
            "unchanged": f"wrote   {target} (unchanged)",
            "updated": f"wrote   {target} (the lesson changed; you had not started this copy)",
            "kept": f"kept    {target}",
            "replaced": f"wrote   {target} (your previous file is saved as {outcome.backup})",
            "unreadable": f"WARNING {target}",
        }[outcome.status]
        print(first)
        for note in outcome.notes:
            print(f"          {note}")
    for failure in failures:
        print(f"ERROR {failure}", file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
