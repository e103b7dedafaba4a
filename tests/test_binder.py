"""How Binder (repo2docker) builds the course from environment.yml: read from repo2docker's own Dockerfile.

`repo2docker --no-build --debug DIR` writes the Dockerfile it would build without needing Docker. What matters:
it picks Python 3.11 from environment.yml, and because the pip section installs the course itself (`-e .`) and
names constraints.txt, the repository must be copied in *before* the environment is installed (repo2docker
otherwise installs environment.yml alone, first, to cache it, and `-e .` and `-c constraints.txt` would not exist).
"""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def dockerfile() -> str:
    repo2docker = shutil.which("repo2docker", path=str(Path(sys.executable).parent))
    if repo2docker is None:
        pytest.skip("jupyter-repo2docker is not installed (it is in the dev extra)")
    done = subprocess.run([repo2docker, "--no-build", "--debug", str(ROOT)], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout + done.stderr


def test_binder_uses_the_python_of_environment_yml(dockerfile):
    assert "Building conda environment for python=3.11" in dockerfile


def test_the_repository_is_copied_before_environment_yml_is_installed(dockerfile):
    copy = dockerfile.index("COPY --chown=0:0 src/ ${REPO_DIR}/")
    install = dockerfile.index('env update -p ${NB_PYTHON_PREFIX} --file "environment.yml"')
    assert copy < install, "environment.yml would be installed before the course's files are in the image"
    assert dockerfile.rindex("WORKDIR ${REPO_DIR}", 0, install) > 0  # pip runs in the repository: -e . and -c work
