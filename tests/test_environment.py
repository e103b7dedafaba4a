"""environment.yml (conda, Binder) agrees with pyproject.toml, the one list of dependencies."""

import re
from pathlib import Path

import pytest
import yaml  # PyYAML comes with jupyterlab (via jupyter-events)

tomllib = pytest.importorskip("tomllib", reason="tomllib is in the standard library from Python 3.11")

ROOT = Path(__file__).resolve().parents[1]
ENVIRONMENT = yaml.safe_load((ROOT / "environment.yml").read_text(encoding="utf-8"))
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]


def conda_packages() -> dict[str, str]:
    """Conda dependencies as {name: version spec} (the pip sub-list left out)."""
    packages = {}
    for entry in ENVIRONMENT["dependencies"]:
        if isinstance(entry, str):
            name, _, version = re.match(r"([A-Za-z0-9._-]+)\s*(=*)\s*(.*)", entry).groups()
            packages[name.lower()] = version
    return packages


def pip_lines() -> list[str]:
    return next(entry["pip"] for entry in ENVIRONMENT["dependencies"] if isinstance(entry, dict) and "pip" in entry)


def requirement_name(requirement: str) -> str:
    return re.match(r"[A-Za-z0-9._-]+", requirement).group().lower().replace("_", "-")


def test_named_and_from_conda_forge():
    assert ENVIRONMENT["name"] == "attention-course"
    assert ENVIRONMENT["channels"] == ["conda-forge"]


def test_python_version_satisfies_requires_python():
    python = conda_packages()["python"]
    assert re.fullmatch(r"3\.\d+", python), f"pin a Python minor version, got {python!r}"
    minimum = re.fullmatch(r">=\s*3\.(\d+)", PROJECT["requires-python"])
    assert minimum, f"unexpected requires-python {PROJECT['requires-python']!r}"
    assert int(python.split(".")[1]) >= int(minimum[1])


def test_pip_installs_the_package_itself_with_extras_that_exist():
    assert "pip" in conda_packages(), "pip must be a conda dependency for the pip: list to work"
    installs = [line for line in pip_lines() if re.fullmatch(r"-e\s+\.(\[[\w,\s-]+\])?", line)]
    assert len(installs) == 1, f"repo2docker installs the course only with a `-e .[extras]` pip line: {pip_lines()}"
    extras = re.findall(r"[\w-]+", installs[0].partition("[")[2])
    assert "notebooks" in extras
    assert set(extras) <= set(PROJECT["optional-dependencies"]), f"unknown extras {extras}"


def test_no_dependency_that_pyproject_lacks():
    declared = {requirement_name(r) for r in PROJECT["dependencies"]}
    declared |= {requirement_name(r) for extra in PROJECT["optional-dependencies"].values() for r in extra}
    conda_extra = set(conda_packages()) - {"python", "pip"}
    assert conda_extra <= declared, f"conda packages missing from pyproject.toml: {conda_extra - declared}"
    pip_extra = {requirement_name(line) for line in pip_lines() if not line.startswith("-")}
    assert pip_extra <= declared, f"pip packages missing from pyproject.toml: {pip_extra - declared}"


def test_pip_options_are_only_the_course_install_the_cpu_index_and_the_constraints():
    for line in pip_lines():
        assert re.fullmatch(r"-e\s+\.(\[[\w,\s-]+\])?|--extra-index-url\s+https://\S+|-c\s+constraints\.txt", line), line
    assert "--extra-index-url https://download.pytorch.org/whl/cpu" in pip_lines()  # torch's CPU build on Linux
    assert "-c constraints.txt" in pip_lines()  # the versions the stored outputs were made with


def constraint_pins() -> dict[str, str]:
    """constraints.txt as {name: exact version}."""
    pins = {}
    for line in (ROOT / "constraints.txt").read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            name, version = re.fullmatch(r"([a-z0-9-]+)==([^;\s]+)(;.*)?", line).group(1, 2)
            pins[name] = version
    return pins


def test_constraints_pin_every_dependency_within_its_declared_range():
    from packaging.requirements import Requirement

    pins = constraint_pins()
    declared = [Requirement(r) for r in PROJECT["dependencies"]]
    declared += [Requirement(r) for extra in PROJECT["optional-dependencies"].values() for r in extra]
    for requirement in declared:
        name = requirement.name.lower().replace("_", "-")
        assert name in pins, f"constraints.txt lacks {name}: run `make lock`"
        assert requirement.specifier.contains(pins[name]), f"constraints.txt pins {name}=={pins[name]}, outside {requirement}"


def test_torch_is_a_supported_range_not_a_pin():
    from packaging.requirements import Requirement

    torch = next(Requirement(r) for r in PROJECT["dependencies"] if r.startswith("torch"))
    assert torch.specifier.contains("2.6.0") and torch.specifier.contains("2.15.0") and not torch.specifier.contains("2.5.1")
