"""Which torch the course supports, which one made the stored outputs, and what that means for yours.

Taught in notebooks/00_start_here.ipynb. tests/test_versions.py checks these numbers against pyproject.toml
(the supported range) and constraints.txt (the exact version `make env` installs).
"""

from __future__ import annotations

SUPPORTED_TORCH = ((2, 6), (2, 16))  # from 2.6 (transformers 5 needs it, lesson 08) up to, not including, 2.16
STORED_OUTPUTS_TORCH = "2.13.0"  # the version the notebooks' stored outputs were made with


def _major_minor(version: str) -> tuple[int, int]:
    parts = version.split("+")[0].split(".")
    try:
        return int(parts[0]), int(parts[1])
    except (IndexError, ValueError):
        raise ValueError(f"version must look like '2.13.0', got {version!r}") from None


def torch_report(version: str | None = None) -> tuple[str, str]:
    """Say how a torch version (default: the one running) relates to the course: (status, one plain sentence).

    status is "stored" (the version the stored outputs were made with), "supported" (another version in the
    range: every check holds, some printed digits differ), "too old" or "newer" (not checked yet).
    """
    if version is None:
        import torch

        version = torch.__version__
    if not isinstance(version, str):
        raise ValueError(f"version must be a string such as '2.13.0', got {type(version).__name__}")
    oldest, beyond = SUPPORTED_TORCH
    span = f"{oldest[0]}.{oldest[1]} to {beyond[0]}.{beyond[1] - 1}"
    mine = _major_minor(version)
    release = version.split("+")[0]
    if release == STORED_OUTPUTS_TORCH:
        return "stored", f"torch {release}: the version the stored outputs were made with."
    if mine < oldest:
        return "too old", (
            f"torch {version} is older than the course supports ({span}): lesson 08's pretrained model "
            f"loads with transformers 5, which needs torch {oldest[0]}.{oldest[1]}, and lesson 09 uses "
            "scaled_dot_product_attention(..., enable_gqa=True), new in torch 2.5. Install a supported one: "
            f"pip install 'torch>={oldest[0]}.{oldest[1]},<{beyond[0]}.{beyond[1]}'"
        )
    if mine >= beyond:
        return "newer", (
            f"torch {version} is newer than the versions the course was checked with ({span}); it most "
            f"likely works. If a check fails, install torch=={STORED_OUTPUTS_TORCH}, which made the stored outputs."
        )
    return "supported", (
        f"torch {version} is supported ({span}); the stored outputs were made with {STORED_OUTPUTS_TORCH}, "
        "so a few printed digits and a trained model's exact numbers can differ from them, "
        "while every check in the notebooks holds."
    )
