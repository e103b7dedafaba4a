"""The attention benchmark runs end to end in quick mode and prints its tables and verdicts (no timing asserts)."""

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_bench_attention_quick_prints_tables():
    result = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "bench_attention.py"), "--quick", "--threads", "1"],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=ROOT,
    )
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "threads=1" in out
    assert "## MultiHeadAttention" in out and "## Tiled vs naive attention" in out
    for name in ("ours weights", "torch MHA weights", "ours sdpa", "direct sdpa", "naive/tiled mem"):
        assert name in out
    assert "B=2 T=16 d=32 h=4" in out and "fwd+bwd" in out
    verdicts = [line for line in out.splitlines() if line.startswith(("PASS", "MISS"))]
    assert len(verdicts) == 6
    # Memory is measured (deterministic): quadratic for naive attention, linear for tiled.
    slopes = re.search(r"log-log slope of peak memory vs T: naive ([\d.]+), tiled ([\d.]+)", out)
    assert slopes, out
    naive, tiled = float(slopes[1]), float(slopes[2])
    assert 1.8 <= naive <= 2.1 and 0.9 <= tiled <= 1.1, (naive, tiled)
