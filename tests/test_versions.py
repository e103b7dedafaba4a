"""attention.versions agrees with pyproject.toml (the supported torch range) and constraints.txt (the pinned one)."""

import re
from pathlib import Path

import pytest

from attention import torch_report
from attention.versions import STORED_OUTPUTS_TORCH, SUPPORTED_TORCH

ROOT = Path(__file__).resolve().parents[1]


def test_range_and_stored_version_match_the_project_files():
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    (low_major, low_minor), (high_major, high_minor) = SUPPORTED_TORCH
    assert f'"torch>={low_major}.{low_minor},<{high_major}.{high_minor}"' in pyproject
    constraints = (ROOT / "constraints.txt").read_text(encoding="utf-8")
    assert re.search(rf"^torch=={re.escape(STORED_OUTPUTS_TORCH)}$", constraints, re.M)


@pytest.mark.parametrize(
    ("version", "status"),
    [
        ("2.13.0", "stored"),
        ("2.13.0+cpu", "stored"),
        ("2.6.0", "supported"),
        ("2.5.1", "too old"),
        ("2.9.1+cu126", "supported"),
        ("2.15.0", "supported"),
        ("2.4.1", "too old"),
        ("1.13.1", "too old"),
        ("2.16.0", "newer"),
        ("3.0.0", "newer"),
    ],
)
def test_status_for_each_kind_of_version(version, status):
    got, message = torch_report(version)
    assert got == status
    assert version.split("+")[0] in message


def test_too_old_says_what_is_missing_and_how_to_install():
    _, message = torch_report("2.4.1")
    assert "enable_gqa" in message and "transformers" in message and "pip install 'torch>=2.6,<2.16'" in message


def test_the_stored_message_does_not_depend_on_the_build():  # a compared output in lesson 00
    assert torch_report("2.13.0+cpu")[1] == torch_report("2.13.0")[1]


def test_the_running_torch_is_reported():
    import torch

    status, message = torch_report()
    assert torch.__version__.split("+")[0] in message and status in {"stored", "supported", "newer", "too old"}


@pytest.mark.parametrize("bad", [2.13, None.__class__, "two", "2"])
def test_bad_versions_are_a_clear_value_error(bad):
    with pytest.raises(ValueError, match="version must"):
        torch_report(bad)
