"""scripts/make_learner.py: solutions become stubs, conventions are enforced loudly, learners' work is kept."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from scripts import make_learner

ROOT = Path(__file__).resolve().parents[1]

SOLUTION = '''def my_softmax(scores, temperature=1.0):
    """Return softmax weights of a 1-D array of scores."""
    # BEGIN SOLUTION
    z = np.exp((scores - scores.max()) / temperature)
    return z / z.sum()
    # END SOLUTION'''
HINT = "## Exercise\nWrite it.\n<details><summary>Hint</summary>\nUse exp.\n</details>"


def solution_cell(source=SOLUTION):
    return new_code_cell(source, metadata={"tags": ["solution"]}, execution_count=3, outputs=[new_output("stream", text="hi")])


def lesson(*exercises):
    """A notebook: heading, an import cell with output, then (markdown, solution cell, checker cell) per exercise."""
    cells = [new_markdown_cell("# 03 · A lesson"), new_code_cell("import numpy as np", execution_count=1)]
    cells[1].outputs = [new_output("execute_result", data={"text/plain": "1"}, execution_count=1)]
    for markdown, code in exercises:
        if markdown is not None:
            cells.append(new_markdown_cell(markdown))
        cells += [code, new_code_cell("check_my_softmax(my_softmax)", execution_count=4)]
    return new_notebook(cells=cells)


def two_exercises():
    return lesson((HINT, solution_cell()), (HINT, solution_cell()))


def test_solution_block_becomes_a_stub_at_its_indentation():
    stubbed = make_learner.stub_solution(SOLUTION, "x")
    assert stubbed.splitlines() == [
        "def my_softmax(scores, temperature=1.0):",
        '    """Return softmax weights of a 1-D array of scores."""',
        '    raise NotImplementedError("your code here")',
    ]


def test_every_block_in_a_cell_is_stubbed_and_other_lines_kept():
    source = "\n".join(
        ["a = 1", "# BEGIN SOLUTION", "b = 2", "# END SOLUTION", "if a:"]
        + ["        # BEGIN SOLUTION", "        c = 3", "        # END SOLUTION", "d = 4"]
    )
    assert make_learner.stub_solution(source, "x").splitlines() == [
        "a = 1",
        'raise NotImplementedError("your code here")',
        "if a:",
        '        raise NotImplementedError("your code here")',
        "d = 4",
    ]


def test_learner_edition_has_banner_stubs_and_no_outputs():
    nb = two_exercises()
    edition = make_learner.learner_edition(nb, "03_self_attention.ipynb")
    nbformat.validate(edition)
    assert edition.cells[0].cell_type == "markdown" and "Learner edition" in edition.cells[0].source
    assert "notebooks/03_self_attention.ipynb" in edition.cells[0].source
    code = [c for c in edition.cells if c.cell_type == "code"]
    assert all(c.outputs == [] and c.execution_count is None for c in code)
    solutions = [c for c in code if "solution" in c.metadata.get("tags", [])]
    assert len(solutions) == 2
    assert all('raise NotImplementedError("your code here")' in c.source and "np.exp" not in c.source for c in solutions)
    assert nb.cells[3].outputs, "the solution notebook itself is left unchanged"
    assert "np.exp" in nb.cells[3].source


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("def f():\n    return 1", r"03_x\.ipynb cell 3: tagged 'solution' but has no '# BEGIN SOLUTION'"),
        ("def f():\n    # BEGIN SOLUTION\n    return 1", r"03_x\.ipynb cell 3: '# BEGIN SOLUTION' on line 2 has no '# END"),
        ("def f():\n    return 1\n    # END SOLUTION", r"03_x\.ipynb cell 3: '# END SOLUTION' on line 3 without a '# BEGIN"),
        (
            "# BEGIN SOLUTION\n# BEGIN SOLUTION\nx = 1\n# END SOLUTION",
            r"cell 3: '# BEGIN SOLUTION' on line 2 before the one on line 1",
        ),
    ],
)
def test_bad_markers_fail_naming_file_and_cell(source, message):
    nb = lesson((HINT, solution_cell(source)), (HINT, solution_cell()))
    with pytest.raises(make_learner.LearnerError, match=message):
        make_learner.learner_edition(nb, "03_x.ipynb")


def test_markers_in_an_untagged_cell_would_leak_the_answer_and_fail():
    untagged = new_code_cell(SOLUTION)
    nb = lesson((HINT, solution_cell()), (HINT, solution_cell()), (HINT, untagged))
    with pytest.raises(make_learner.LearnerError, match=r"03_x\.ipynb cell 9: has SOLUTION markers but is not tagged 'solution'"):
        make_learner.learner_edition(nb, "03_x.ipynb")


def test_exercise_without_a_hint_fails():
    nb = lesson((HINT, solution_cell()), ("## Exercise 2\nNo hint here.", solution_cell()))
    with pytest.raises(make_learner.LearnerError, match=r"03_x\.ipynb cell 6: exercise without a hint"):
        make_learner.learner_edition(nb, "03_x.ipynb")


def test_one_hint_does_not_cover_two_exercises():
    nb = lesson((HINT, solution_cell()), (None, solution_cell()))
    with pytest.raises(make_learner.LearnerError, match=r"cell 5: exercise without a hint"):
        make_learner.learner_edition(nb, "03_x.ipynb")


@pytest.mark.parametrize(("name", "needed"), [("01_a.ipynb", 2), ("05_b.ipynb", 2), ("06_c.ipynb", 1)])
def test_too_few_exercises_fail(name, needed):
    nb = lesson((HINT, solution_cell())) if needed == 2 else lesson()
    with pytest.raises(make_learner.LearnerError, match=rf"{name}: \d exercise\(s\).*needs at least {needed}"):
        make_learner.learner_edition(nb, name)


def test_start_here_needs_no_exercise():
    edition = make_learner.learner_edition(lesson(), "00_start_here.ipynb")
    assert edition.cells[0].metadata["tags"] == ["learner-banner"]


def test_cli_fails_with_file_and_cell_named(tmp_path, capsys):
    bad = tmp_path / "notebooks" / "02_bad.ipynb"
    bad.parent.mkdir()
    nbformat.write(lesson((HINT, solution_cell("def f():\n    return 1")), (HINT, solution_cell())), bad)
    assert make_learner.main([str(bad), "--out", str(tmp_path / "learner")]) == 1
    assert "ERROR 02_bad.ipynb cell 3: tagged 'solution' but has no" in capsys.readouterr().err
    assert not (tmp_path / "learner" / "02_bad.ipynb").exists()


def _answer(target, text, cell=4):
    """Write an answer into the learner notebook's exercise cell, as a learner would (and run it: an output)."""
    work = nbformat.read(target, as_version=4)
    assert "solution" in work.cells[cell].metadata["tags"]
    work.cells[cell].source = f"def my_softmax(scores):\n    return scores  # {text}"
    work.cells[cell].outputs = [new_output("stream", text="ran")]
    nbformat.write(work, target)


def _setup(tmp_path, nb=None):
    source = tmp_path / "notebooks" / "02_good.ipynb"
    source.parent.mkdir(exist_ok=True)
    nbformat.write(nb or two_exercises(), source)
    return source, tmp_path / "learner", tmp_path / "learner" / "02_good.ipynb"


def test_cli_keeps_a_learners_work_unless_forced_and_then_backs_it_up(tmp_path, capsys):
    source, out, target = _setup(tmp_path)
    assert make_learner.main([str(source), "--out", str(out)]) == 0
    assert make_learner.main([str(source), "--out", str(out)]) == 0, "regenerating an untouched edition is fine"
    assert "wrote" in capsys.readouterr().out

    _answer(target, "my attempt")
    assert make_learner.main([str(source), "--out", str(out)]) == 0
    said = capsys.readouterr().out
    assert "kept" in said and "make learner FORCE=1" in said
    assert "my attempt" in target.read_text()

    assert make_learner.main([str(source), "--out", str(out), "--force"]) == 0
    said = capsys.readouterr().out
    backups = sorted((out / "backup").glob("02_good.*.ipynb"))
    assert len(backups) == 1 and "my attempt" in backups[0].read_text() and str(backups[0]) in said
    assert "my attempt" in target.read_text(), "--force carries the answer over into the clean copy"
    assert nbformat.read(target, as_version=4).cells[4].outputs == []


def test_every_backup_is_kept_and_none_is_ever_overwritten(tmp_path):
    source, out, target = _setup(tmp_path)
    make_learner.main([str(source), "--out", str(out)])
    for attempt in ("first answers", "second answers", "third answers"):
        _answer(target, attempt)
        assert make_learner.main([str(source), "--out", str(out), "--force", "--fresh"]) == 0
        assert attempt not in target.read_text(), "--fresh starts over"
    backups = sorted((out / "backup").glob("02_good.*.ipynb"))
    assert len(backups) == 3, backups  # same second: -2, -3 suffixes, never the same name
    texts = [b.read_text() for b in backups]
    for attempt in ("first answers", "second answers", "third answers"):
        assert sum(attempt in t for t in texts) == 1


def test_a_changed_lesson_is_announced_and_forced_in_with_the_answers_kept(tmp_path, capsys):
    source, out, target = _setup(tmp_path)
    make_learner.main([str(source), "--out", str(out)])
    _answer(target, "answer to exercise 1", cell=4)
    _answer(target, "answer to exercise 2", cell=7)

    new = two_exercises()  # git pull: new prose, and exercise 2 got a new starter
    new.cells[0].source = "# 03 · A lesson, now with a better explanation"
    new.cells[6].source = SOLUTION.replace("temperature=1.0", "temperature=2.0")
    nbformat.write(new, source)
    assert make_learner.main([str(source), "--out", str(out)]) == 0
    said = capsys.readouterr().out
    assert "kept" in said and "notebooks/02_good.ipynb has changed since your copy was made" in said
    assert "make learner FORCE=1" in said and "carries your answers over" in said
    assert "better explanation" not in target.read_text(), "without FORCE the learner's copy is left alone"

    assert make_learner.main([str(source), "--out", str(out), "--force"]) == 0
    said = capsys.readouterr().out
    edition = nbformat.read(target, as_version=4)
    assert "better explanation" in edition.cells[1].source  # the new version (cell 0 is the banner)
    assert "answer to exercise 1" in edition.cells[4].source  # unchanged exercise: the answer came along
    assert "temperature=2.0" in edition.cells[7].source and "answer to exercise 2" not in edition.cells[7].source
    assert "1 answer(s) carried over" in said and "changed: your answer to it is in the backup" in said
    backup = next((out / "backup").glob("02_good.*.ipynb")).read_text()
    assert "answer to exercise 1" in backup and "answer to exercise 2" in backup


def test_an_untouched_copy_of_a_changed_lesson_is_simply_updated(tmp_path, capsys):
    source, out, target = _setup(tmp_path)
    make_learner.main([str(source), "--out", str(out)])
    new = two_exercises()
    new.cells[0].source = "# 03 · A lesson, updated"
    nbformat.write(new, source)
    assert make_learner.main([str(source), "--out", str(out)]) == 0
    assert "the lesson changed" in capsys.readouterr().out and "updated" in target.read_text()
    assert not (out / "backup").exists()


@pytest.mark.parametrize("broken", ["", '{"cells": [{"cell_type": "code", "sou', "not a notebook"])
def test_an_unreadable_learner_notebook_is_reported_and_the_others_still_written(tmp_path, capsys, broken):
    first, out, target = _setup(tmp_path)
    second = tmp_path / "notebooks" / "03_next.ipynb"
    nbformat.write(two_exercises(), second)
    out.mkdir()
    target.write_text(broken)
    assert make_learner.main([str(first), str(second), "--out", str(out)]) == 0
    said = capsys.readouterr().out
    assert f"WARNING {target}" in said and "cannot be read as a notebook" in said and "FORCE=1" in said
    assert target.read_text() == broken, "left as it is"
    assert (out / "03_next.ipynb").exists(), "the next lesson is still written"

    assert make_learner.main([str(first), "--out", str(out), "--force"]) == 0
    assert nbformat.read(target, as_version=4).cells[0].metadata["tags"] == ["learner-banner"]
    assert next((out / "backup").glob("02_good.*.ipynb")).read_text() == broken


def test_copies_made_before_exercise_ids_still_get_their_answers_carried(tmp_path):
    source, out, target = _setup(tmp_path)
    make_learner.main([str(source), "--out", str(out)])
    old = nbformat.read(target, as_version=4)
    for cell in old.cells:
        cell.metadata.pop("learner_exercise", None)  # as the earlier script wrote them
    old.cells[4].source = old.cells[4].source.replace('raise NotImplementedError("your code here")', "return 42  # mine")
    nbformat.write(old, target)
    assert make_learner.main([str(source), "--out", str(out), "--force"]) == 0
    assert "return 42  # mine" in nbformat.read(target, as_version=4).cells[4].source


def test_force_from_make_and_tasks_reaches_the_script(tmp_path, monkeypatch):
    import tasks

    calls = []
    monkeypatch.setattr(tasks, "env", lambda *a: None)
    monkeypatch.setattr(tasks, "run", lambda *args, **kw: calls.append([str(a) for a in args]))
    monkeypatch.setenv("FORCE", "1")
    tasks.main(["learner"])
    monkeypatch.delenv("FORCE")
    tasks.main(["learner"])
    tasks.main(["learner", "--force"])
    assert ["--force" in c for c in calls] == [True, False, True]


@pytest.mark.skipif(not shutil.which("make") or os.name == "nt", reason="needs make")
def test_make_learner_force_1_end_to_end(tmp_path):
    """`make learner FORCE=1` in a copy of the course: the learner's edited copy is replaced and backed up."""
    for name in ("Makefile", "tasks.py", "scripts/__init__.py", "scripts/make_learner.py"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, tmp_path / name)
    source, out, target = _setup(tmp_path)
    venv = Path(sys.prefix)
    environment = {**os.environ, "VENV": str(venv), "PYTHON": sys.executable}
    environment.pop("FORCE", None)
    if not (venv / ".installed-stamp").exists():
        pytest.skip("not run from the course's .venv")
    make = ["make", "-s", "-C", str(tmp_path), "learner"]
    assert subprocess.run(make, env=environment, capture_output=True).returncode == 0
    _answer(target, "my work")
    kept = subprocess.run(make, env=environment, capture_output=True, text=True)
    assert "kept" in kept.stdout and not (out / "backup").exists()
    forced = subprocess.run([*make, "FORCE=1"], env=environment, capture_output=True, text=True)
    assert forced.returncode == 0, forced.stderr
    assert "your previous file is saved as" in forced.stdout
    assert "my work" in next((out / "backup").glob("02_good.*.ipynb")).read_text()


COURSE_NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))


@pytest.mark.parametrize("path", COURSE_NOTEBOOKS, ids=[p.name for p in COURSE_NOTEBOOKS])
def test_course_notebooks_have_valid_learner_editions_without_answers(path):
    nb = nbformat.read(path, as_version=4)
    edition = make_learner.learner_edition(nb, path.name)
    solutions = [c for c in nb.cells if "solution" in c.metadata.get("tags", [])]
    stubs = [c for c in edition.cells if "solution" in c.metadata.get("tags", [])]
    assert len(stubs) == len(solutions) >= make_learner.min_exercises(int(path.name[:2]))
    for solution, stub in zip(solutions, stubs, strict=True):
        assert "SOLUTION" not in stub.source and "NotImplementedError" in stub.source
        answer = make_learner.stub_solution(solution.source, path.name)
        assert stub.source == answer


def test_the_chinese_edition_goes_to_learner_zh_with_a_chinese_banner(tmp_path, capsys):
    (tmp_path / "zh").mkdir()
    source = tmp_path / "zh" / "02_demo.ipynb"
    nbformat.write(two_exercises(), source)
    out = tmp_path / "learner"
    assert make_learner.main(["--out", str(out), str(source)]) == 0
    written = nbformat.read(out / "zh" / "02_demo.ipynb", as_version=4)
    assert "学员版" in written.cells[0].source and "notebooks/zh/02_demo.ipynb" in written.cells[0].source
    assert written.metadata["learner_edition"]["source"] == "notebooks/zh/02_demo.ipynb"
    assert not (out / "02_demo.ipynb").exists()
