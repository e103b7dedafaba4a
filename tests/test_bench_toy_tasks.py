"""The toy-task benchmark runs end to end in quick mode and prints one table row per task (no timing asserts)."""

import subprocess
import sys
from pathlib import Path

from benchmarks import toy_tasks

ROOT = Path(__file__).resolve().parents[1]


def test_tasks_are_name_function_entries():
    names = [name for name, _ in toy_tasks.TASKS]
    assert any(n.startswith("reverse") for n in names) and len(set(names)) == len(names)
    assert all(callable(run) for _, run in toy_tasks.TASKS)


def test_toy_tasks_quick_prints_a_table(capsys, one_thread):
    toy_tasks.main(["--quick", "--only", "reverse"])  # sets one thread; the one_thread fixture restores the count
    lines = capsys.readouterr().out.splitlines()
    assert "threads=1" in lines[0] and "QUICK" in lines[0]
    assert "held-out acc" in lines[1]
    rows = [line for line in lines if line.startswith(("reverse", "sort"))]
    assert len(rows) == 1 and rows[0].startswith("reverse")  # --only filters
    acc, seconds = (float(v) for v in rows[0].split(")")[1].split()[:2])
    assert 0.0 <= acc <= 1.0 and seconds > 0
    assert "mirrored key" in rows[0]


def test_script_runs_from_the_command_line():
    result = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "toy_tasks.py"), "--help"],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
    )
    assert result.returncode == 0 and "--quick" in result.stdout


def test_the_applications_of_lessons_11_and_12_run_in_quick_mode(capsys, one_thread):
    names = [name for name, _ in toy_tasks.TASKS]
    for wanted in ("captioning", "detection", "question answering", "summarisation"):
        assert any(n.startswith(wanted) for n in names)
    for wanted in ("captioning", "detection", "question", "summarisation"):
        toy_tasks.main(["--quick", "--only", wanted])
    rows = [
        line
        for line in capsys.readouterr().out.splitlines()
        if line.startswith(("captioning", "detection", "question", "summarisation"))
    ]
    assert len(rows) == 4
    for row in rows:
        acc, seconds, verdict = row.split(")")[1].split()[:3]
        assert 0.0 <= float(acc) <= 1.0 and float(seconds) > 0 and verdict == "-"  # quick mode gives no verdict
