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
    assert ran == ["pytest", "pytest", "other cpu", "learner"]  # a failure does not skip the parts after it


def test_notebooks_run_side_by_side_one_whole_notebook_per_worker():
    assert tasks.PARALLEL[-2:] == ["--dist", "loadfile"]  # cells of one notebook share one kernel: never split them


def test_the_simulated_cpu_changes_torch_kernels_and_matmuls():
    assert tasks.OTHER_CPU["ATEN_CPU_CAPABILITY"] == "default" and tasks.OTHER_CPU["MKL_CBWR"] == "COMPATIBLE"


def test_the_venv_python_is_found_on_windows_and_elsewhere():
    venv = Path("some") / ".venv"
    assert tasks.venv_python(venv, windows=True) == venv / "Scripts" / "python.exe"
    assert tasks.venv_python(venv, windows=False) == venv / "bin" / "python"


def test_every_tool_runs_through_the_venv_python_not_a_unix_path():
    source = (ROOT / "tasks.py").read_text(encoding="utf-8")
    assert "/bin/" not in source.replace("/usr/bin/", "")  # no bin/ paths that Windows lacks
    assert 'run(PY, "-m", "pytest"' in source


def test_the_ci_workflow_runs_the_readme_command_on_three_systems_and_two_pythons():
    import yaml

    workflow = yaml.safe_load((ROOT / ".github" / "workflows" / "ci.yml").read_text(encoding="utf-8"))
    test_job = workflow["jobs"]["test"]
    assert set(test_job["strategy"]["matrix"]["os"]) == {"ubuntu-latest", "macos-14", "windows-latest"}
    pythons = test_job["strategy"]["matrix"]["python"]
    assert pythons == ["3.10", "3.14"] and {p for _, p in tasks.PLATFORMS} == set(pythons)
    steps = test_job["steps"]
    assert any(s.get("run") == "python tasks.py test" for s in steps)
    assert any(s.get("with", {}).get("cache") == "pip" for s in steps)
    site = workflow["jobs"]["site"]["steps"]
    assert any(s.get("run") == "python tasks.py site" for s in site)
    assert any(s.get("uses", "").startswith("actions/upload-artifact") and s["with"]["path"] == "site/" for s in site)
    # the oldest Python in CI is the oldest the project declares
    assert '>=3.10"' in (ROOT / "pyproject.toml").read_text(encoding="utf-8")


def test_text_files_keep_lf_line_endings_on_windows_checkouts():
    attributes = (ROOT / ".gitattributes").read_text(encoding="utf-8")
    for pattern in ("*.ipynb", "*.py", "*.csv", "*.md"):
        assert f"{pattern} text eol=lf" in attributes


def test_make_lab_serves_the_cjk_font_and_keeps_your_lab_settings(monkeypatch, tmp_path):
    monkeypatch.setattr(tasks, "ROOT", tmp_path)
    (tmp_path / "lab" / "custom").mkdir(parents=True)
    (tmp_path / "lab" / "custom" / "custom.css").write_text((ROOT / "lab" / "custom" / "custom.css").read_text())
    monkeypatch.setenv("JUPYTER_CONFIG_DIR", str(tmp_path / "mine"))
    monkeypatch.delenv("JUPYTERLAB_SETTINGS_DIR", raising=False)
    options, environment = tasks.lab_font_setup()
    assert options == ["--LabApp.custom_css=True"]
    custom = Path(environment["JUPYTER_CONFIG_DIR"]) / "custom"
    css = (custom / "custom.css").read_text()
    font = re.search(r'url\("([^"]+)"\)', css).group(1)
    assert (custom / font).is_file() and (custom / font).read_bytes()[:4] == b"OTTO"  # the OpenType font itself
    assert environment["JUPYTERLAB_SETTINGS_DIR"] == str(tmp_path / "mine" / "lab" / "user-settings")
