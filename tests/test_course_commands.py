"""tasks.py, the one implementation behind `make X` and `python tasks.py X`."""

import re
from pathlib import Path

import pytest

import tasks

ROOT = Path(__file__).resolve().parents[1]


def test_makefile_forwards_every_command_and_only_those():
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    listed = re.search(r"COMMANDS := (.*?)\n\n", makefile, re.S).group(1).replace("\\\n", " ").split()
    assert sorted(listed) == sorted(tasks.COMMANDS)
    assert "$(PYTHON) tasks.py $@" in makefile


def test_ci_runs_the_readme_test_command_with_ci_set():
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "make test" in ci and "export CI=true" in ci
    assert "make test" in (ROOT / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("system", "gpu", "reachable", "expected"),
    [
        ("Linux", False, True, ["--extra-index-url", "https://download.pytorch.org/whl/cpu"]),
        ("Linux", False, False, []),  # the CPU index can't be reached: the default index, as on this machine
        ("Linux", True, True, []),  # an NVIDIA GPU: the default (CUDA) build
        ("Darwin", False, True, []),  # PyPI's macOS and Windows wheels are CPU builds already
        ("Windows", False, True, []),
    ],
)
def test_torch_comes_from_the_cpu_index_only_on_linux_without_a_gpu(monkeypatch, system, gpu, reachable, expected):
    monkeypatch.setattr(tasks.platform, "system", lambda: system)
    monkeypatch.setattr(tasks, "nvidia_gpu", lambda: gpu)
    probed = []
    monkeypatch.setattr(tasks, "reachable", lambda url, seconds=5.0: probed.append(url) or reachable)
    options, why = tasks.torch_source()
    assert options == expected
    assert why  # always says which source and why
    assert probed == (["https://download.pytorch.org/whl/cpu/torch/"] if system == "Linux" and not gpu else [])


def test_an_unreachable_address_is_reported_quickly():
    assert tasks.reachable("http://127.0.0.1:9/", seconds=1.0) is False  # discard port: refused at once


def test_test_never_installs_a_browser_outside_ci(monkeypatch):
    calls = []
    monkeypatch.delenv("CI", raising=False)
    monkeypatch.setattr(tasks, "env", lambda args=None: None)
    monkeypatch.setattr(tasks, "browser", lambda args: calls.append("browser"))
    monkeypatch.setattr(tasks, "run", lambda *a, **k: 0)
    monkeypatch.setattr(tasks, "nbval_cpu", lambda args, check=True: 0)
    monkeypatch.setattr(tasks, "learner_test", lambda args, check=True: 0)
    tasks.test(None)
    assert calls == []
    monkeypatch.setenv("CI", "true")
    tasks.test(None)
    assert calls == ["browser"]


def test_test_runs_every_part_and_fails_if_any_fails(monkeypatch):
    monkeypatch.delenv("CI", raising=False)
    monkeypatch.setattr(tasks, "env", lambda args=None: None)
    ran = []
    monkeypatch.setattr(tasks, "run", lambda *a, **k: ran.append("pytest") or 0)
    monkeypatch.setattr(tasks, "nbval_cpu", lambda args, check=True: ran.append("other cpu") or 1)
    monkeypatch.setattr(tasks, "learner_test", lambda args, check=True: ran.append("learner") or 0)
    with pytest.raises(SystemExit, match="notebooks on a simulated other CPU"):
        tasks.test(None)
    assert ran == ["pytest", "other cpu", "learner"]  # a failure does not skip the parts after it


def test_the_simulated_cpu_changes_torch_kernels_and_matmuls():
    assert tasks.OTHER_CPU["ATEN_CPU_CAPABILITY"] == "default" and tasks.OTHER_CPU["MKL_CBWR"] == "COMPATIBLE"
