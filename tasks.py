"""The course's commands, on any computer: `python tasks.py lab`, `python tasks.py test`, ... (`make X` calls this).

Only the standard library is used here, so it runs before the course's environment exists and creates it:
every command that needs the environment makes `.venv` first (and updates it when pyproject.toml or
constraints.txt change). `python tasks.py help` lists the commands. On Windows use `py tasks.py ...`.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent


def venv_python(venv: Path, windows: bool = os.name == "nt") -> Path:
    """The Python inside a virtual environment (Windows keeps it in Scripts/, everywhere else in bin/)."""
    return venv / "Scripts" / "python.exe" if windows else venv / "bin" / "python"


VENV = Path(os.environ.get("VENV", ROOT / ".venv"))
PY = venv_python(VENV)  # every tool runs as `PY -m tool`: the same on Linux, macOS and Windows
STAMP = VENV / ".installed-stamp"
CONSTRAINTS = ROOT / "constraints.txt"
EXTRAS = "notebooks,dev"
TORCH_CPU_INDEX = "https://download.pytorch.org/whl/cpu"
NBVAL = ["--nbval", "--nbval-current-env", "--nbval-sanitize-with", "tests/nbval_sanitize.cfg"]
# Notebooks run side by side, one whole notebook per worker (--dist loadfile: a notebook's cells share one kernel).
PARALLEL = ["-n", str(min(os.cpu_count() or 1, 4)), "--dist", "loadfile"]
LEARNER_CHECK = ROOT / "build" / "learner-check"  # throw-away learner editions for tests; learner/ is the learners' own
# A CPU unlike this one (see TOOLING-NOTES): torch's plain C++ kernels, MKL's compatible code path, oneDNN SSE4.1.
# `test` re-runs every notebook under it, so a stored output or a claim that holds only on this machine fails here.
OTHER_CPU = {"ATEN_CPU_CAPABILITY": "default", "MKL_CBWR": "COMPATIBLE", "ONEDNN_MAX_CPU_ISA": "SSE41"}
# Nothing in the course may touch the network at run time; UTF-8 everywhere (the menu, the Chinese edition).
os.environ.update(
    HF_HUB_OFFLINE="1",
    TRANSFORMERS_OFFLINE="1",
    HF_DATASETS_OFFLINE="1",
    PYTHONHASHSEED="0",
    PYDEVD_DISABLE_FILE_VALIDATION="1",
    PYTHONUTF8="1",
)

COMMANDS: dict[str, tuple[Callable[[argparse.Namespace], None], str]] = {}


def command(help_text: str):
    def register(fn):
        COMMANDS[fn.__name__.rstrip("_").replace("_", "-")] = (fn, help_text)
        return fn

    return register


def run(*args, env: dict | None = None, check: bool = True) -> int:
    """Run a command from the project root, echoing it; stop everything if it fails."""
    args = [str(a) for a in args]
    print("+", " ".join(args), flush=True)
    code = subprocess.run(args, cwd=ROOT, env=None if env is None else {**os.environ, **env}).returncode
    if check and code != 0:
        raise SystemExit(code)
    return code


def notebooks(patterns: tuple[str, ...] = ("notebooks/[0-9][0-9]_*.ipynb", "notebooks/zh/[0-9][0-9]_*.ipynb")) -> list[str]:
    """Every lesson: the English edition, then the Chinese one (notebooks/zh/)."""
    return [str(p.relative_to(ROOT)) for pattern in patterns for p in sorted(ROOT.glob(pattern))]


# ---------------------------------------------------------------- the environment


def nvidia_gpu() -> bool:
    return Path("/proc/driver/nvidia/version").exists() or shutil.which("nvidia-smi") is not None


def reachable(url: str, seconds: float = 5.0) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=seconds) as response:
            return response.status < 400
    except Exception:
        return False


def torch_source() -> tuple[list[str], str]:
    """pip options that pick torch's CPU build where the default index would bring CUDA, and why.

    On Linux, PyPI's torch is the CUDA build (torch plus 16 nvidia/cuda packages and triton, several GB); the
    course runs on the CPU, and PyTorch's CPU wheel index has the 190 MB build. macOS and Windows wheels on PyPI
    are CPU builds already. When that index can't be reached, pip uses the default index as usual.
    """
    if platform.system() != "Linux":
        return [], f"{platform.system()}: torch from the default index (its wheels there are CPU builds)"
    if nvidia_gpu():
        return [], "an NVIDIA GPU: torch from the default index (CUDA build)"
    if reachable(f"{TORCH_CPU_INDEX}/torch/"):
        return ["--extra-index-url", TORCH_CPU_INDEX], f"Linux without a GPU: torch's CPU build from {TORCH_CPU_INDEX}"
    return [], f"Linux without a GPU, but {TORCH_CPU_INDEX} can't be reached: torch from the default index"


def stale() -> bool:
    if not PY.exists() or not STAMP.exists():
        return True
    return any(f.exists() and f.stat().st_mtime > STAMP.stat().st_mtime for f in (ROOT / "pyproject.toml", CONSTRAINTS))


def pinned() -> list[str]:
    return ["-c", str(CONSTRAINTS)] if CONSTRAINTS.exists() else []


def make_venv() -> None:
    if not PY.exists():
        run(sys.executable, "-m", "venv", VENV)


@command("Create .venv and install the course and its tools (lab and test do this for you)")
def env(args=None) -> None:
    if not stale():
        return
    make_venv()
    index, why = torch_source()
    print(f"torch: {why}")
    run(PY, "-m", "pip", "install", "--upgrade", "pip")
    run(PY, "-m", "pip", "install", *index, *pinned(), "-e", f".[{EXTRAS}]")
    STAMP.touch()


@command("Create .venv from wheelhouse/ only, without internet (see docs/WORKSHOP.md)")
def offline_env(args) -> None:
    wheelhouse = ROOT / args.wheelhouse
    if not wheelhouse.is_dir():
        raise SystemExit(f"no {args.wheelhouse}/ here: build it with 'make wheelhouse' on a machine with internet")
    make_venv()
    run(PY, "-m", "pip", "install", "--no-index", "--find-links", wheelhouse, *pinned(), "-e", f".[{EXTRAS}]")
    STAMP.touch()


@command("Download every wheel the course needs into wheelhouse/ (for a workshop without internet)")
def wheelhouse(args) -> None:
    env()
    out = ROOT / args.wheelhouse
    out.mkdir(exist_ok=True)
    index, why = torch_source()
    print(f"torch: {why}")
    started = time.perf_counter()
    # The course's dependencies as wheels (pip builds any that only ship as source), what `pip install -e .`
    # needs to build the course offline (pyproject's build-system), and pip itself.
    run(PY, "-m", "pip", "wheel", *index, *pinned(), "--wheel-dir", out, f".[{EXTRAS}]")
    run(PY, "-m", "pip", "download", "--dest", out, "setuptools>=77", "wheel", "pip")
    for stale_wheel in out.glob("attention_course-*.whl"):  # learners install the checkout itself (-e .)
        stale_wheel.unlink()
    files = list(out.iterdir())
    size = sum(f.stat().st_size for f in files) / 2**20
    print(
        f"wheelhouse: {len(files)} files, {size:.0f} MB, built in {time.perf_counter() - started:.0f} s "
        f"for {platform.system()} {platform.machine()} python {sys.version_info[0]}.{sys.version_info[1]}"
    )


LOCK_SCRIPT = r"""
import re, sys
from importlib.metadata import distributions
from packaging.specifiers import SpecifierSet
oldest = sys.argv[1]
for dist in sorted(distributions(), key=lambda d: d.metadata["Name"].lower()):
    name = re.sub(r"[-_.]+", "-", dist.metadata["Name"]).lower()
    if name in ("attention-course", "pip", "setuptools", "wheel"):
        continue
    version = dist.version.split("+")[0]  # 2.13.0+cpu -> 2.13.0, which matches the CPU and the default build
    needs = SpecifierSet(dist.metadata.get("Requires-Python") or "")
    lower = [s.version for s in needs if s.operator == ">="]
    marker = f'; python_full_version >= "{lower[0]}"' if lower and not needs.contains(oldest + ".99") else ""
    print(f"{name}=={version}{marker}")
"""


@command("Write constraints.txt: the exact versions in .venv, which `env` installs (run after changing pyproject.toml)")
def lock(args) -> None:
    env()
    project = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    oldest = project.split('requires-python = ">=', 1)[1].split('"', 1)[0]
    pins = subprocess.run([PY, "-c", LOCK_SCRIPT, oldest], capture_output=True, text=True, check=True).stdout
    CONSTRAINTS.write_text(
        "# The exact versions the stored notebook outputs were made with: `make env` installs these (pip -c).\n"
        "# pyproject.toml says which versions the course supports; this file, which ones we ran. Regenerate it with\n"
        "# `make lock` after changing pyproject.toml, then re-run `make notebooks` and `make test`.\n"
        f"# A marker keeps a pin away from a Python that the pinned release does not support (oldest: {oldest}).\n" + pins,
        encoding="utf-8",
    )
    STAMP.touch()  # the environment is what the file now says
    print(f"wrote {CONSTRAINTS.name}: {len(pins.splitlines())} pins")


# ---------------------------------------------------------------- using the course


@command("Open the course in JupyterLab (start with notebooks/00_start_here.ipynb)")
def lab(args) -> None:
    env()
    root = ["--allow-root"] if hasattr(os, "getuid") and os.getuid() == 0 else []  # containers run as root
    options, environment = lab_font_setup()
    run(PY, "-m", "jupyter", "lab", *root, *options, "notebooks/00_start_here.ipynb", env=environment)


def lab_font_setup() -> tuple[list[str], dict]:
    """JupyterLab options and environment that load lab/custom/custom.css: the course's CJK font, for every machine.

    Without a Chinese font (many Linux laptops) the Chinese edition's text would be empty boxes. JupyterLab serves
    custom CSS only from <Jupyter config dir>/custom/, so `make lab` uses build/jupyter/ as that folder (the CSS and
    the font file from the installed package are copied there) and keeps your own JupyterLab settings and workspaces.
    """
    found = subprocess.run(
        [PY, "-c", "from attention.fonts import chinese_font_path as p; print(p())"], capture_output=True, text=True
    )
    if found.returncode != 0:
        return [], {}
    yours = Path(os.environ.get("JUPYTER_CONFIG_DIR") or Path.home() / ".jupyter")
    config = ROOT / "build" / "jupyter"
    (config / "custom").mkdir(parents=True, exist_ok=True)
    shutil.copy2(ROOT / "lab" / "custom" / "custom.css", config / "custom" / "custom.css")
    font = Path(found.stdout.strip())
    if not (config / "custom" / font.name).exists():
        shutil.copy2(font, config / "custom" / font.name)
    environment = {
        "JUPYTER_CONFIG_DIR": str(config),
        "JUPYTERLAB_SETTINGS_DIR": os.environ.get("JUPYTERLAB_SETTINGS_DIR", str(yours / "lab" / "user-settings")),
        "JUPYTERLAB_WORKSPACES_DIR": os.environ.get("JUPYTERLAB_WORKSPACES_DIR", str(yours / "lab" / "workspaces")),
    }
    return ["--LabApp.custom_css=True"], environment


@command("Open the attention explorer: type a sentence, see the real model's attention (Streamlit)")
def app(args) -> None:
    env()
    run(PY, "-m", "streamlit", "run", "app/attention_explorer.py")  # settings: .streamlit/config.toml


@command("Write the learner editions (exercises to fill in) to learner/; keeps notebooks you have edited")
def learner(args) -> None:
    env()
    run(PY, "-m", "scripts.make_learner", "--out", "learner", *(["--force"] if args.force else []))


@command("Render the executed course to a static offline site in site/ (open site/index.html)")
def site(args) -> None:
    env()
    run(PY, "-m", "scripts.build_site", "--out", "site")


@command("Measure minutes per lesson; rewrite the plans in docs/WORKSHOP.md (and .zh-CN.md) and the minutes in README.md")
def minutes(args) -> None:
    env()
    run(PY, "-m", "scripts.lesson_minutes", "--write", "docs/WORKSHOP.md", "--readme", "README.md")
    run(PY, "-m", "scripts.zh_docs")  # the Chinese guide: the same minutes (the English measurement)


# ---------------------------------------------------------------- checking the course


@command("Everything: unit tests, every notebook re-run and compared (also on a simulated other CPU), learner editions")
def test(args) -> None:
    env()
    if os.environ.get("CI") == "true":
        browser(args)  # CI installs Chromium; on your laptop the browser tests skip unless you ran `make browser`
    if not chromium():
        print("no Chromium: the browser tests will be skipped (`make browser` installs it on Debian/Ubuntu)")
    started = time.perf_counter()
    unit = run(PY, "-m", "pytest", *PARALLEL, "tests", check=False)
    native = run(PY, "-m", "pytest", *PARALLEL, *NBVAL, *notebooks(), check=False)
    other_cpu = nbval_cpu(args, check=False)
    learners = learner_test(args, check=False)
    print(f"make test: {time.perf_counter() - started:.0f} s")
    failed = [
        name
        for name, code in (
            ("unit tests", unit),
            ("notebooks", native),
            ("notebooks on a simulated other CPU", other_cpu),
            ("learner editions", learners),
        )
        if code
    ]
    if failed:
        raise SystemExit(f"FAILED: {', '.join(failed)}")


@command("Run only the unit tests (fast)")
def unit(args) -> None:
    env()
    run(PY, "-m", "pytest", *PARALLEL, "tests")


@command("Execute every notebook and compare with its stored outputs")
def nbval(args) -> None:
    env()
    run(PY, "-m", "pytest", *PARALLEL, *NBVAL, *notebooks())


@command("The English lessons on a simulated other CPU (torch's plain kernels, MKL's compatible path): machine-only outputs")
def nbval_cpu(args, check: bool = True) -> int:
    env()
    print("simulated CPU:", " ".join(f"{k}={v}" for k, v in OTHER_CPU.items()))
    # The English lessons only: the Chinese ones run the same statements (tests/test_zh_sync.py), so they compute the
    # same numbers; a stored output that holds only on this CPU shows up in the English twin.
    english = notebooks(("notebooks/[0-9][0-9]_*.ipynb",))
    return run(PY, "-m", "pytest", "-p", "no:cacheprovider", *PARALLEL, *NBVAL, *english, env=OTHER_CPU, check=check)


@command("Generate fresh learner editions and run them top to bottom (checkers say 'not done yet')")
def learner_test(args, check: bool = True) -> int:
    env()
    shutil.rmtree(LEARNER_CHECK, ignore_errors=True)
    run(PY, "-m", "scripts.make_learner", "--out", LEARNER_CHECK)
    return run(
        PY, "-m", "pytest", *PARALLEL, "--nbval-lax", "--nbval-current-env", "-p", "no:cacheprovider", LEARNER_CHECK, check=check
    )


def chromium() -> str | None:
    """The browser the browser tests use (tests/_browser.py looks in the same places)."""
    candidates = ("/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome")
    return next((p for p in candidates if Path(p).exists()), None) or shutil.which("chromium")


@command("Install Chromium for the browser tests if missing (Debian/Ubuntu, asks for sudo; the tests skip without it)")
def browser(args) -> None:
    found = chromium()
    if found:
        print(f"browser: {found}")
        return
    if not shutil.which("apt-get"):
        print("no apt-get here: install Chromium yourself, or the browser tests will be skipped")
        return
    sudo = [] if os.getuid() == 0 else ["sudo"]  # apt-get exists only where getuid does
    print(f"installing chromium for the browser tests ({' '.join(sudo + ['apt-get', 'install', 'chromium'])})")
    apt = [*sudo, "apt-get"]
    if run(*apt, "update", "-qq", check=False) or run(*apt, "install", "-y", "-qq", "chromium", check=False):
        print("could not install chromium: the browser tests will be skipped")


@command("Benchmarks: our attention vs torch's (time, memory) and the toy tasks' accuracy and training time")
def bench(args) -> None:
    env()
    run(PY, "-m", "benchmarks.bench_attention")
    run(PY, "-m", "benchmarks.bench_flash")
    run(PY, "-m", "benchmarks.toy_tasks")


@command("Do the trained-model claims hold over seeds and simulated CPUs? (~15 min; writes docs/robustness.md)")
def robustness(args) -> None:
    env()
    run(PY, "-m", "benchmarks.robustness", "--write", "docs/robustness.md")


@command("Re-execute notebooks in place and store their outputs (NB=... for some)")
def notebooks_(args) -> None:
    env()
    chosen = args.nb.split() if args.nb else notebooks()
    run(PY, "-m", "scripts.setup_cell", *chosen)
    for nb in chosen:
        print(f"executing {nb}")
        run(
            PY,
            "-m",
            "jupyter",
            "nbconvert",
            "--to",
            "notebook",
            "--execute",
            "--inplace",
            "--ExecutePreprocessor.timeout=600",
            nb,
        )
    run(PY, "-m", "nbstripout", "--keep-output", "--keep-count", *chosen)


# What ruff lints and formats: the library, the tools and the notebooks' code (at 100 characters: notebooks/.ruff.toml).
CODE = ("src", "tests", "scripts", "benchmarks", "app", "notebooks", "tasks.py")


@command("Check code style and formatting (notebooks' code too), normalised notebooks, the CI workflow, other platforms")
def lint(args) -> None:
    env()
    run(PY, "-m", "ruff", "check", *CODE)
    run(PY, "-m", "ruff", "format", "--check", *CODE)
    run(PY, "-m", "nbstripout", "--verify", "--keep-output", "--keep-count", *notebooks())
    workflows = sorted(str(p.relative_to(ROOT)) for p in ROOT.glob(".github/workflows/*.yml"))
    run(PY, "-m", "check_jsonschema", "--builtin-schema", "vendor.github-workflows", *workflows)
    platforms(args)


# Where the CI workflow runs the course: (uv's name for the platform, Python). 3.10 is the oldest Python the course
# supports, 3.14 the newest checked. macOS 14 is the oldest macOS that torch's current wheels support.
PLATFORMS = [
    (system, python)
    for system in ("x86_64-unknown-linux-gnu", "aarch64-apple-darwin", "x86_64-pc-windows-msvc")
    for python in ("3.10", "3.14")
]


@command("Check that the pinned versions install from wheels on Linux, macOS (ARM) and Windows, Python 3.10 and 3.14")
def platforms(args) -> None:
    env()
    for system, python in PLATFORMS:
        print(f"{system}, Python {python}:", flush=True)
        run(
            PY,
            "-m",
            "uv",
            "pip",
            "compile",
            "pyproject.toml",
            "--extra",
            "notebooks",
            "--extra",
            "dev",
            "-c",
            CONSTRAINTS,
            "--python-version",
            python,
            "--python-platform",
            system,
            "--only-binary",
            ":all:",
            "--quiet",
            "-o",
            os.devnull,
            env={"MACOSX_DEPLOYMENT_TARGET": "14.0"},
        )


@command("Format the code with ruff, the notebooks' code too (re-execute changed notebooks: make notebooks NB=...)")
def format_(args) -> None:
    env()
    run(PY, "-m", "ruff", "format", *CODE)
    run(PY, "-m", "ruff", "check", "--fix", *CODE)


@command("Remove generated files (keeps .venv and learner/, which holds learners' work)")
def clean(args) -> None:
    for path in ("build", "site", ".pytest_cache", *map(str, ROOT.glob("src/*.egg-info"))):
        shutil.rmtree(ROOT / path, ignore_errors=True)


@command("Show this help")
def help_(args) -> None:
    print("Attention course. `make X` or `python tasks.py X`, where X is one of:")
    for name, (_, text) in COMMANDS.items():
        print(f"  {name:12s} {text}")


def main(argv: list[str] | None = None) -> None:
    if sys.version_info < (3, 10):  # noqa: UP036  tasks.py runs on whatever python3 a learner has
        raise SystemExit(f"the course needs Python 3.10 or newer; this is {sys.version.split()[0]} ({sys.executable})")
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("command", nargs="?", default="help", choices=list(COMMANDS))
    parser.add_argument("--nb", default=os.environ.get("NB", ""), help="notebooks for `notebooks` (space-separated)")
    parser.add_argument(
        "--force",
        action="store_true",
        default=os.environ.get("FORCE", "") not in ("", "0"),
        help="`learner`: replace edited learner notebooks, keeping answers (old copies go to learner/backup/)",
    )
    parser.add_argument("--wheelhouse", default=os.environ.get("WHEELHOUSE", "wheelhouse"), help="wheelhouse folder")
    args = parser.parse_args(argv)
    COMMANDS[args.command][0](args)


if __name__ == "__main__":
    main()
