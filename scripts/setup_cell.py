"""The Colab set-up cell: its text (kept only here), putting it first in every notebook, and the install it runs.

Every notebook's first code cell is :data:`CELL_SOURCE`. Anywhere but Google Colab it
does nothing. On Colab it clones the course from :data:`REPO_URL`, runs
``python scripts/setup_cell.py --colab-install <clone>`` (:func:`colab_install`),
puts ``<clone>/src`` on ``sys.path`` (so ``import attention`` works without
restarting the runtime) and changes into ``<clone>/notebooks`` (so relative paths
such as ``../data`` work as they do on your own machine).

Why not just ``pip install -e .[notebooks]`` on Colab: pyproject.toml pins
``torch==2.13.0`` (the version the stored outputs were made with). Colab already has
a CUDA build of torch, and pip would replace it with a multi-GB download, often for
a version Colab's CUDA drivers do not match. So :func:`colab_install` installs the
course itself with ``--no-deps`` and then every dependency from pyproject.toml
(core + ``notebooks`` extra) except those in :data:`COLAB_PROVIDES`. The course runs
on Colab's torch; printed numbers can differ in the last digits from the stored outputs.

Only the standard library is imported at the top (nbformat only when notebooks are edited): on Colab this file
runs from a fresh clone, as a plain script, before anything is installed.

Usage:
    python -m scripts.setup_cell            # insert/update the cell in notebooks/NN_*.ipynb
    python -m scripts.setup_cell --check    # exit 1 if a notebook lacks the current cell
    python scripts/setup_cell.py --colab-install DIR   # what the cell runs on Colab (a plain script there)
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# Where the course is published; the Colab cell clones it. Must match the README's badges.
REPO_URL = "https://github.com/attention-course/attention-course"
CLONE_DIR = "/content/attention-course"  # Colab's working folder is /content
TAG = "colab-setup"  # cell tag (and cell id) that marks the set-up cell
# Packages Colab already has and the course must not replace there.
COLAB_PROVIDES = {
    "torch": "Colab's CUDA build is kept; the pinned CPU wheel would be a multi-GB download",
    "jupyterlab": "Colab has its own front end",
    "ipykernel": "Colab's kernel is pinned to its runtime; replacing it can break the session",
    "streamlit": "only the app/ explorer needs it, not the notebooks",
}

CELL_SOURCE = f'''# Set-up for Google Colab: installs the course there (a minute or two).
# Anywhere else this cell does nothing.
import sys

if "google.colab" in sys.modules:
    import importlib
    import os
    import subprocess

    course = "{CLONE_DIR}"
    repository = "{REPO_URL}"
    if not os.path.isdir(course):
        subprocess.run(["git", "clone", "--depth", "1", repository, course], check=True)
    # Keeps Colab's own torch and installs everything else the course needs (scripts/setup_cell.py).
    setup = f"{{course}}/scripts/setup_cell.py"
    subprocess.run([sys.executable, setup, "--colab-install", course], check=True)
    importlib.invalidate_caches()  # see the packages just installed
    if f"{{course}}/src" not in sys.path:
        sys.path.insert(0, f"{{course}}/src")  # import attention now, without restarting the runtime
    os.chdir(f"{{course}}/notebooks")  # relative paths such as ../data work as on your own machine'''

# The Chinese edition's cell (notebooks/zh/): the same install, then two lines that run everywhere: the checkers
# answer in Chinese, and matplotlib draws Chinese labels with the course's own CJK font (no system font needed).
ZH_CELL_SOURCE = (
    CELL_SOURCE.replace(
        "# Set-up for Google Colab: installs the course there (a minute or two).\n",
        "# 在 Google Colab 上安装课程（一两分钟）；其他地方跳过这一段。\n",
    )
    .replace(
        "# Anywhere else this cell does nothing.\n",
        "# 最后两行在任何地方都运行：检查器用中文回答，图里的中文用课程自带的字体。\n",
    )
    .replace(
        'os.chdir(f"{course}/notebooks")  # relative paths such as ../data work as on your own machine',
        'os.chdir(f"{course}/notebooks/zh")  # 和在自己电脑上一样，从 notebooks/zh 出发',
    )
    + """

import os

from attention.fonts import use_chinese_font

use_chinese_font()  # 图里的中文用课程自带的字体，不依赖系统字体
os.environ["ATTENTION_LANG"] = "zh"  # 检查器用中文回答"""
)


def cell_source_for(path) -> str:
    """The set-up cell a notebook gets: the Chinese edition's for notebooks/zh/, the English one otherwise."""
    return ZH_CELL_SOURCE if Path(path).parent.name == "zh" else CELL_SOURCE


def _requirement_name(requirement: str) -> str:
    """The normalised project name of a requirement string ("Foo_Bar[x]>=1" -> "foo-bar")."""
    return re.match(r"[A-Za-z0-9._-]+", requirement).group().lower().replace("_", "-").replace(".", "-")


def colab_requirements(pyproject: Path) -> list[str]:
    """The course's dependencies (core + notebooks extra) from pyproject.toml, minus what Colab provides."""
    try:
        import tomllib
    except ModuleNotFoundError:  # Python 3.10
        from pip._vendor import tomli as tomllib
    project = tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]
    wanted = project["dependencies"] + project["optional-dependencies"]["notebooks"]
    return [r for r in wanted if _requirement_name(r) not in COLAB_PROVIDES]


def colab_install(course: Path, run=subprocess.run) -> None:
    """Install the cloned course at ``course`` into Colab's Python, keeping the packages Colab provides."""
    pip = [sys.executable, "-m", "pip", "install", "--quiet"]
    run([*pip, "--no-deps", "-e", str(course)], check=True)
    run([*pip, *colab_requirements(Path(course) / "pyproject.toml")], check=True)


def _is_setup_cell(cell) -> bool:
    return TAG in cell.get("metadata", {}).get("tags", [])


def apply_setup_cell(nb, source: str = CELL_SOURCE) -> bool:
    """Make ``source`` (the set-up cell) the notebook's first code cell (insert, update or move it); True if changed."""
    from nbformat.v4 import new_code_cell

    code = [cell for cell in nb.cells if cell.cell_type == "code"]
    if code and _is_setup_cell(code[0]) and code[0].source == source and len([c for c in code if _is_setup_cell(c)]) == 1:
        return False
    nb.cells = [cell for cell in nb.cells if not _is_setup_cell(cell)]
    first_code = next((i for i, cell in enumerate(nb.cells) if cell.cell_type == "code"), len(nb.cells))
    cell = new_code_cell(source, metadata={"tags": [TAG]})
    if nb.get("nbformat_minor", 0) >= 5:
        cell["id"] = TAG
    else:
        cell.pop("id", None)
    nb.cells.insert(first_code, cell)
    return True


IGNORE_COMMENT = "# NBVAL_IGNORE_OUTPUT"  # how a cell is marked while it is written; what learners see would be noise
IGNORE_TAG = "nbval-ignore-output"  # what nbval reads instead: a cell tag, invisible in the code


def apply_ignore_tags(nb) -> bool:
    """Turn a first line ``# NBVAL_IGNORE_OUTPUT`` into the cell tag nbval reads; return True if changed.

    Cells whose output varies between machines (a trained model's numbers, timings) are not compared by nbval. The
    marker is a tag, so learners don't see it in the code; writers may still type the comment, this moves it.
    """
    changed = False
    for cell in nb.cells:
        lines = cell.source.split("\n")
        if cell.cell_type != "code" or lines[0].strip() != IGNORE_COMMENT:
            continue
        cell.source = "\n".join(lines[1:]).lstrip("\n")
        tags = cell.metadata.setdefault("tags", [])
        if IGNORE_TAG not in tags:
            tags.append(IGNORE_TAG)
        changed = True
    return changed


def course_notebooks(root: Path = ROOT) -> list[Path]:
    """Every lesson, English (notebooks/NN_*.ipynb) and Chinese (notebooks/zh/NN_*.ipynb)."""
    return sorted((root / "notebooks").glob("[0-9][0-9]_*.ipynb")) + sorted(
        (root / "notebooks" / "zh").glob("[0-9][0-9]_*.ipynb")
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Insert or check the Colab set-up cell; on Colab, install the course.")
    parser.add_argument("notebooks", nargs="*", type=Path, help="notebooks to update (default: notebooks/NN_*.ipynb)")
    parser.add_argument("--check", action="store_true", help="only report notebooks whose first code cell is not the current one")
    parser.add_argument(
        "--colab-install", type=Path, metavar="DIR", help="install the course cloned in DIR (run by the cell on Colab)"
    )
    args = parser.parse_args(argv)
    if args.colab_install:
        colab_install(args.colab_install)
        return 0
    import nbformat

    stale = []
    for path in args.notebooks or course_notebooks():
        nb = nbformat.read(path, as_version=4)
        setup_changed = apply_setup_cell(nb, cell_source_for(path))
        if not (apply_ignore_tags(nb) | setup_changed):
            continue
        stale.append(path)
        if not args.check:
            nbformat.write(nb, path)
            print(f"updated {path} (re-execute it: make notebooks NB={path})")
    if args.check and stale:
        print(
            "the Colab set-up cell is missing or outdated, or a '# NBVAL_IGNORE_OUTPUT' comment is not a tag, in: "
            + ", ".join(map(str, stale)),
            file=sys.stderr,
        )
        print("run: python -m scripts.setup_cell, then re-execute those notebooks", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
