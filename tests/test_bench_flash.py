"""The FlashAttention benchmark runs end to end in quick mode and prints its table and verdicts (no timing asserts)."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_bench_flash_quick_prints_table_and_targets():
    result = subprocess.run(
        [sys.executable, "-m", "benchmarks.bench_flash", "--quick"],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=ROOT,
    )
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "threads=1" in out and "## Forward pass" in out
    for name in ("plain ms", "tiled 09 ms", "flash 10 ms", "torch sdpa ms", "flash/plain t", "flash/sdpa mem"):
        assert name in out
    verdicts = [line for line in out.splitlines() if line.startswith(("PASS", "MISS"))]
    assert len(verdicts) == 4  # memory at the largest T, time at T = 256 and 512, equality
    assert any(v.startswith("PASS  flash vs plain/torch max |diff|") for v in verdicts)  # correctness is not noise
    assert "causal max|diff|" in out and "gradients max|diff|" in out
    assert 'run(PY, "-m", "benchmarks.bench_flash")' in (ROOT / "tasks.py").read_text(encoding="utf-8")
