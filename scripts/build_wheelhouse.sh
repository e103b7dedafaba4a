#!/usr/bin/env bash
# Build wheelhouse/: every wheel the course needs, so a room without internet can install it from a USB stick.
#
#   scripts/build_wheelhouse.sh [OUT]            # default OUT=wheelhouse, extras notebooks,dev
#   EXTRAS=notebooks scripts/build_wheelhouse.sh # smaller: what learners need, without the test tools
#
# Then, on each machine (same OS, CPU type and Python minor version as the one that built it):
#   python3 -m venv .venv
#   .venv/bin/pip install --no-index --find-links wheelhouse -e ".[notebooks]"
#
# Wheels are platform-specific (torch, numpy, ...): build the wheelhouse on the kind of machine the room uses,
# or one wheelhouse per kind (Linux x86_64, macOS arm64, Windows) on a machine of that kind.
set -euo pipefail
cd "$(dirname "$0")/.."

PY=${PY:-.venv/bin/python}
OUT=${1:-wheelhouse}
EXTRAS=${EXTRAS:-notebooks,dev}
mkdir -p "$OUT"

start=$(date +%s)
# The course's own wheel plus every dependency as a wheel (pip builds any that only ship as source).
"$PY" -m pip wheel --wheel-dir "$OUT" ".[${EXTRAS}]"
# What `pip install -e .` needs offline to build the course (pyproject's build-system), and pip itself.
"$PY" -m pip download --dest "$OUT" "setuptools>=68" wheel pip
# The course wheel goes stale with every change; learners install the checkout itself (-e .) instead.
rm -f "$OUT"/attention_course-*.whl

echo "wheelhouse: $(ls "$OUT" | wc -l) files, $(du -sh "$OUT" | cut -f1), built in $(( $(date +%s) - start )) s for $("$PY" -c 'import sys, sysconfig; print(sysconfig.get_platform(), "python", "%d.%d" % sys.version_info[:2])')"
echo "install offline with: python3 -m venv .venv && .venv/bin/pip install --no-index --find-links $OUT -e \".[notebooks]\""
