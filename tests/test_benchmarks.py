"""The attention benchmark runs end to end in quick mode and prints its tables and verdicts (no timing asserts)."""

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
    assert "log-log slope of peak memory vs T: naive 2.00, tiled 1.00" in out  # memory is measured, and deterministic
