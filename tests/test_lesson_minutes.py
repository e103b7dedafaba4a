"""scripts/lesson_minutes.py: minutes per lesson from words, cells, exercises and run time; plans written between markers."""

from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from scripts import lesson_minutes

ROOT = Path(__file__).resolve().parents[1]

PACE = lesson_minutes.Pace(words_per_minute=100, minutes_per_code_cell=1.0, minutes_per_exercise=10.0)


def test_words_leave_out_html_and_link_targets():
    text = "# 01 · Title\nRead [the paper](https://example.org/a-very-long-url) now.\n<details><summary>Hint</summary>x</details>"
    assert lesson_minutes.count_words(text) == 8  # 01 Title Read the paper now Hint x: nothing from the URL or the tags
    assert lesson_minutes.count_words("don't stop") == 2


def test_measure_counts_cells_and_exercises_without_running(tmp_path):
    nb = new_notebook(
        cells=[
            new_markdown_cell("# 03 · Self attention\n" + "word " * 199),
            new_code_cell("x = 1"),
            new_code_cell(""),
            new_code_cell("def f():\n    # BEGIN SOLUTION\n    pass\n    # END SOLUTION", metadata={"tags": ["solution"]}),
        ]
    )
    path = tmp_path / "03_self_attention.ipynb"
    nbformat.write(nb, path)
    lesson = lesson_minutes.measure(path, run=False)
    assert (lesson.number, lesson.title, lesson.words) == ("03", "03 · Self attention", 202)
    assert (lesson.code_cells, lesson.exercises, lesson.run_seconds) == (1, 1, 0.0)
    assert lesson.minutes(PACE) == pytest.approx(2.02 + 1 + 10)


def test_plan_adds_breaks_and_reports_missing_lessons():
    lessons = {
        "00": lesson_minutes.Lesson("00", "Start", 0, 3, 0, 60.0),  # 3 + 1 = 4 -> 5 min
        "01": lesson_minutes.Lesson("01", "Food", 1000, 10, 2, 0.0),  # 10 + 10 + 20 = 40 min
    }
    text = lesson_minutes.plan("Test", ["00", "01", "02"], [("00", 15, "break")], lessons, PACE)
    assert "| 09:00 | 00 Start | 5 |" in text
    assert "| 09:05 | *break* | 15 |" in text
    assert "| 09:20 | 01 Food | 40 |" in text
    assert "| 10:00 | end (1 h 00 min in all) | |" in text
    assert "Not measured yet (notebook missing): 02." in text


def test_table_is_written_between_the_markers_only(tmp_path):
    doc = tmp_path / "WORKSHOP.md"
    doc.write_text(f"before\n{lesson_minutes.START}\nold table\n{lesson_minutes.END}\nafter\n")
    lesson_minutes.write_between_markers(doc, "new table")
    assert doc.read_text() == f"before\n{lesson_minutes.START}\nnew table\n{lesson_minutes.END}\nafter\n"
    doc.write_text("no markers")
    with pytest.raises(SystemExit, match="needs the markers"):
        lesson_minutes.write_between_markers(doc, "x")


def test_workshop_guide_quotes_the_current_notebooks():
    """docs/WORKSHOP.md's table matches the notebooks as they are (run time aside): re-run `make minutes` after editing."""
    guide = (ROOT / "docs" / "WORKSHOP.md").read_text(encoding="utf-8")
    start, end = guide.index(lesson_minutes.START), guide.index(lesson_minutes.END)
    quoted = guide[start:end]
    for path in sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb")):
        lesson = lesson_minutes.measure(path, run=False)
        row = f"| {lesson.name} | {lesson.words} | "
        assert row in quoted, f"docs/WORKSHOP.md is out of date for {path.name}: run `make minutes`"
        cells = f"| {lesson.code_cells} | {lesson.exercises} | "
        assert cells in quoted.split(row, 1)[1].splitlines()[0], f"{path.name}: cell counts changed; run `make minutes`"


def test_readme_quotes_the_current_planned_minutes():
    """README.md's minutes line matches the workshop guide's planned column: both come from one `make minutes` run."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    guide = (ROOT / "docs" / "WORKSHOP.md").read_text(encoding="utf-8")
    line = readme.split(lesson_minutes.README_START, 1)[1].split(lesson_minutes.README_END, 1)[0]
    table = guide.split(lesson_minutes.START, 1)[1].split(lesson_minutes.END, 1)[0]
    planned = {
        row.split("|")[1].strip()[:2]: row.split("|")[-2].strip()
        for row in table.splitlines()
        if row.count("|") == 9 and row.split("|")[1].strip()[:2].isdigit()  # the lesson table, not the plans
    }
    notebooks = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    assert planned.keys() == {p.name[:2] for p in notebooks}, "docs/WORKSHOP.md is out of date: run `make minutes`"
    for number, minutes in planned.items():
        assert f"{number}: {minutes}" in line, f"README.md's minutes for {number} are out of date: run `make minutes`"


def test_readme_summary_adds_up():
    lessons = [lesson_minutes.Lesson("00", "00 a", 150, 4, 0, 30.0), lesson_minutes.Lesson("01", "01 b", 300, 10, 2, 0.0)]
    line = lesson_minutes.readme_summary(lessons, lesson_minutes.Pace())
    assert "00: 10, 01: 30" in line and "0 h 40 min in all" in line
