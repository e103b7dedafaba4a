"""scripts/make_learner.py: solutions become stubs, conventions are enforced loudly, learners' work is kept."""

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


@pytest.mark.parametrize(("name", "needed"), [("01_a.ipynb", 2), ("06_b.ipynb", 2), ("08_c.ipynb", 1)])
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


def test_cli_keeps_a_learners_work_unless_forced_and_then_backs_it_up(tmp_path, capsys):
    source = tmp_path / "notebooks" / "02_good.ipynb"
    source.parent.mkdir()
    nbformat.write(two_exercises(), source)
    out = tmp_path / "learner"
    assert make_learner.main([str(source), "--out", str(out)]) == 0
    assert make_learner.main([str(source), "--out", str(out)]) == 0, "regenerating an untouched edition is fine"
    assert "wrote" in capsys.readouterr().out

    target = out / "02_good.ipynb"
    work = nbformat.read(target, as_version=4)
    work.cells[4].source = "def my_softmax(scores):\n    return scores  # my attempt"
    nbformat.write(work, target)
    assert make_learner.main([str(source), "--out", str(out)]) == 0
    assert "kept" in capsys.readouterr().out
    assert "my attempt" in target.read_text()

    assert make_learner.main([str(source), "--out", str(out), "--force"]) == 0
    assert "my attempt" not in target.read_text()
    assert "my attempt" in (out / ".backup" / "02_good.ipynb").read_text()


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
