"""benchmarks/robustness.py measures the claims the notebooks assert: the two lists must not drift apart."""

import ast
import json
import re
from pathlib import Path

import pytest

from benchmarks import robustness

ROOT = Path(__file__).resolve().parents[1]


def asserted_lines(notebook: str) -> list[str]:
    """The text of every assert statement in the notebook's code cells, one line each, comments removed."""
    cells = json.loads((ROOT / "notebooks" / notebook).read_text(encoding="utf-8"))["cells"]
    code = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "code")
    return [ast.unparse(node.test) for node in ast.walk(ast.parse(code)) if isinstance(node, ast.Assert)]


@pytest.mark.parametrize("claim", robustness.CLAIMS, ids=lambda c: f"{c.notebook[:2]}:{c.expr}")
def test_each_claim_is_asserted_in_its_notebook_as_measured(claim):
    normalise = lambda text: ast.unparse(ast.parse(text, mode="eval").body)  # noqa: E731  same spacing as asserted_lines
    wanted = normalise(claim.assertion)
    assert any(wanted in line for line in asserted_lines(claim.notebook)), (
        f"{claim.notebook} does not assert {wanted!r}: update the notebook or CLAIMS in benchmarks/robustness.py"
    )
    assert claim.op in {">=", ">", "<=", "<"}
    float(claim.threshold)  # a number


def test_every_notebook_that_trains_has_one_seed_line_the_script_can_change():
    for notebook in {c.notebook for c in robustness.CLAIMS}:
        cells = json.loads((ROOT / "notebooks" / notebook).read_text(encoding="utf-8"))["cells"]
        code = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "code")
        assert len(robustness.SEED_LINE.findall(code)) == 1, f"{notebook}: exactly one line 'SEED = 0'"
        assert re.search(r"manual_seed\(SEED\)", code), f"{notebook}: the model's initialisation must follow SEED"


@pytest.mark.parametrize(
    ("value", "op", "threshold", "expected"),
    [
        (0.96, ">=", 0.95, True),
        (0.95, ">=", 0.95, True),
        (0.94, ">=", 0.95, False),
        (0.5, "<", 0.5, False),
        (0.4, "<", 0.5, True),
        ("NameError('x')", ">", 0.0, False),
    ],
)
def test_holds(value, op, threshold, expected):
    assert robustness.holds(value, op, threshold) is expected


def test_report_counts_failing_runs_and_notebook_errors():
    claim = robustness.CLAIMS[0]
    runs = {
        (claim.notebook, 0, "native"): {"values": {claim.expr: 1.0}, "errors": [], "seconds": 3.0},
        (claim.notebook, 1, "avx2"): {"values": {claim.expr: 0.5}, "errors": ["cell 3: AssertionError"], "seconds": 4.0},
    }
    table = robustness.report(runs, [claim.notebook])
    row = next(line for line in table.splitlines() if claim.label in line)
    assert row.endswith("| 1/2 |") and "| 0.5 | 0.75 | 1 |" in row
    assert "1/2 runs without a failing cell" in table and "seed 1, avx2: cell 3: AssertionError" in table


def test_recorded_spread_exists_and_every_claim_held():
    """docs/robustness.md is the measurement the thresholds came from: every claim listed, each held in every run."""
    text = (ROOT / "docs" / "robustness.md").read_text(encoding="utf-8")
    for claim in robustness.CLAIMS:
        row = next((line for line in text.splitlines() if f"| {claim.label} |" in line), None)
        assert row, f"docs/robustness.md has no row for {claim.label!r}: run `make robustness`"
        held, runs = re.search(r"\| (\d+)/(\d+) \|$", row).groups()
        assert held == runs and int(runs) >= 15, f"{claim.label}: held in {held} of {runs} runs (need all of >= 15)"
