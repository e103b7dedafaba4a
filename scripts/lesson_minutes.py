"""Measure how long each lesson takes in a workshop, and write the half-day, full-day and second-day plans.

Minutes per notebook = reading (words in markdown cells / words per minute)
+ code cells x minutes per code cell (read it, run it, look at the output)
+ exercises (cells tagged ``solution``) x minutes per exercise
+ the notebook's measured run time (executed here with nbclient, top to bottom).

Prints a table; with ``--write docs/WORKSHOP.md`` it replaces the text between
``<!-- minutes:start -->`` and ``<!-- minutes:end -->`` with the table and the plans.
Re-run it whenever the notebooks change (``make minutes``).

Usage: python -m scripts.lesson_minutes [--write docs/WORKSHOP.md] [--no-run] [--wpm 150] ...
"""

from __future__ import annotations

import argparse
import math
import re
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
START, END = "<!-- minutes:start -->", "<!-- minutes:end -->"
README_START, README_END = "<!-- lesson-minutes:start -->", "<!-- lesson-minutes:end -->"


@dataclass(frozen=True)
class Pace:
    """How fast a room goes; the defaults are stated in docs/WORKSHOP.md."""

    words_per_minute: float = 150  # reading speed for the markdown prose
    minutes_per_code_cell: float = 1.0  # read a code cell, run it, look at its output
    minutes_per_exercise: float = 8.0  # write a function, run its checker, maybe open the hint


@dataclass(frozen=True)
class Lesson:
    """What one notebook asks of a learner."""

    number: str  # "00".."09"
    title: str  # the first heading
    words: int  # words in markdown cells
    code_cells: int  # code cells that are not exercises
    exercises: int  # code cells tagged "solution"
    run_seconds: float  # measured time to execute the notebook top to bottom (0 if not measured)

    @property
    def name(self) -> str:
        """The title, starting with the lesson number."""
        return self.title if self.title.startswith(self.number) else f"{self.number} {self.title}"

    def minutes(self, pace: Pace) -> float:
        return (
            self.words / pace.words_per_minute
            + self.code_cells * pace.minutes_per_code_cell
            + self.exercises * pace.minutes_per_exercise
            + self.run_seconds / 60
        )


# Which lessons each plan covers, and its breaks (after which lesson, minutes, label).
PLANS = {
    "Half day: 00-03": (["00", "01", "02", "03"], [("01", 15, "break")]),
    "Full day, or day 1 of two: 00-05": (
        ["00", "01", "02", "03", "04", "05"],
        [("02", 15, "break"), ("03", 60, "lunch"), ("04", 15, "break")],
    ),
    "Two days, day 2: 06-10": (["06", "07", "08", "09", "10"], [("07", 15, "break"), ("08", 60, "lunch")]),
    "A third half day: 11-13": (["11", "12", "13"], [("11", 15, "break")]),
}


def count_words(markdown: str) -> int:
    """Words a reader reads: HTML tags, link targets and markdown symbols left out."""
    text = re.sub(r"<[^>]+>", " ", markdown)
    text = re.sub(r"\]\([^)]*\)", "]", text)
    return len(re.findall(r"[A-Za-z0-9][\w'’.-]*", text))


def run_seconds(path: Path, timeout: int = 600) -> float:
    """Execute a copy of the notebook in its own folder and return the wall time in seconds."""
    from nbclient import NotebookClient

    nb = nbformat.read(path, as_version=4)
    start = time.perf_counter()
    NotebookClient(nb, timeout=timeout, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}).execute()
    return time.perf_counter() - start


def measure(path: Path, run: bool = True) -> Lesson:
    nb = nbformat.read(path, as_version=4)
    words = sum(count_words(c.source) for c in nb.cells if c.cell_type == "markdown")
    code = [c for c in nb.cells if c.cell_type == "code" and c.source.strip()]
    exercises = sum("solution" in c.metadata.get("tags", []) for c in code)
    title = next(
        (m[1] for c in nb.cells if c.cell_type == "markdown" for m in [re.search(r"^#\s+(.+)$", c.source, re.M)] if m),
        path.stem,
    )
    return Lesson(path.name[:2], title.strip(), words, len(code) - exercises, exercises, run_seconds(path) if run else 0.0)


def round_up(minutes: float, step: int = 5) -> int:
    return int(math.ceil(minutes / step) * step)


def table(lessons: list[Lesson], pace: Pace) -> str:
    rows = [
        "| notebook | words | reading (min) | code cells | exercises | run time (s) | minutes | planned |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for lesson in lessons:
        rows.append(
            f"| {lesson.name} | {lesson.words} | {lesson.words / pace.words_per_minute:.0f} "
            f"| {lesson.code_cells} | {lesson.exercises} | {lesson.run_seconds:.0f} | {lesson.minutes(pace):.0f} "
            f"| {round_up(lesson.minutes(pace))} |"
        )
    return "\n".join(rows)


def plan(name: str, numbers: list[str], breaks: list[tuple[str, int, str]], lessons: dict[str, Lesson], pace: Pace) -> str:
    """A schedule from 09:00 with each lesson's planned minutes (rounded up to 5) and the breaks."""
    clock = 9 * 60
    rows = [f"**{name}**", "", "| time | what | minutes |", "|---|---|---:|"]
    missing = []
    for number in numbers:
        lesson = lessons.get(number)
        if lesson is None:
            missing.append(number)
            continue
        minutes = round_up(lesson.minutes(pace))
        rows.append(f"| {clock // 60:02d}:{clock % 60:02d} | {lesson.name} | {minutes} |")
        clock += minutes
        for after, length, label in breaks:
            if after == number:
                rows.append(f"| {clock // 60:02d}:{clock % 60:02d} | *{label}* | {length} |")
                clock += length
    total = clock - 9 * 60
    rows.append(f"| {clock // 60:02d}:{clock % 60:02d} | end ({total // 60} h {total % 60:02d} min in all) | |")
    if missing:
        rows.append("")
        rows.append(f"Not measured yet (notebook missing): {', '.join(missing)}.")
    return "\n".join(rows)


def report(lessons: list[Lesson], pace: Pace, ran: bool) -> str:
    by_number = {lesson.number: lesson for lesson in lessons}
    how = (
        f"Measured by `scripts/lesson_minutes.py` (`make minutes`): reading at {pace.words_per_minute:.0f} words/min, "
        f"{pace.minutes_per_code_cell:g} min per code cell, {pace.minutes_per_exercise:g} min per exercise, plus the "
        + ("run time measured by executing each notebook." if ran else "run time (not measured in this run: `--no-run`).")
    )
    parts = [how, "", table(lessons, pace)]
    for name, (numbers, breaks) in PLANS.items():
        parts += ["", plan(name, numbers, breaks, by_number, pace)]
    return "\n".join(parts)


def readme_summary(lessons: list[Lesson], pace: Pace) -> str:
    """One line for the README: planned minutes per lesson and in all."""
    planned = [(lesson.number, round_up(lesson.minutes(pace))) for lesson in lessons]
    total = sum(minutes for _, minutes in planned)
    each = ", ".join(f"{number}: {minutes}" for number, minutes in planned)
    return (
        f"Minutes per lesson in a workshop, measured from the notebooks by `make minutes` (reading, code cells, "
        f"exercises, run time): {each} — {total // 60} h {total % 60:02d} min in all."
    )


def write_between_markers(doc: Path, text: str, start: str = START, end: str = END) -> None:
    content = doc.read_text(encoding="utf-8")
    if start not in content or end not in content:
        raise SystemExit(f"{doc}: needs the markers {start} and {end}")
    head, _, rest = content.partition(start)
    _, _, tail = rest.partition(end)
    doc.write_text(f"{head}{start}\n{text}\n{end}{tail}", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Minutes per lesson, and the workshop plans.")
    parser.add_argument("notebooks", nargs="*", type=Path, help="default: notebooks/NN_*.ipynb")
    parser.add_argument("--write", type=Path, metavar="DOC", help="put the table and plans between the markers in DOC")
    parser.add_argument("--readme", type=Path, metavar="README", help="put the minutes per lesson between its markers too")
    parser.add_argument("--no-run", action="store_true", help="do not execute the notebooks (run time counts as 0)")
    parser.add_argument("--wpm", type=float, default=Pace.words_per_minute, help="reading speed, words per minute")
    parser.add_argument("--cell-minutes", type=float, default=Pace.minutes_per_code_cell, help="minutes per code cell")
    parser.add_argument("--exercise-minutes", type=float, default=Pace.minutes_per_exercise, help="minutes per exercise")
    args = parser.parse_args(argv)
    pace = Pace(args.wpm, args.cell_minutes, args.exercise_minutes)
    paths = args.notebooks or sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    lessons = []
    for path in paths:
        print(f"measuring {path.name} ...", file=sys.stderr, flush=True)
        lessons.append(measure(path, run=not args.no_run))
    text = report(lessons, pace, ran=not args.no_run)
    print(text)
    if args.write:
        write_between_markers(args.write, text)
        print(f"wrote the table into {args.write}", file=sys.stderr)
    if args.readme:
        write_between_markers(args.readme, readme_summary(lessons, pace), README_START, README_END)
        print(f"wrote the minutes into {args.readme}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
