#!/usr/bin/env bash
# Set up the checkout if needed (scripts/bootstrap.sh), then lint and test:
# ruff check, ruff format --check, and pytest with Qt offscreen.
# Arguments go to pytest, e.g. scripts/run-tests.sh -x tests/test_assets.py
# Every step runs even when an earlier one fails; the exit status is non-zero
# if any failed. A pytest run that collects no tests (exit 5) is a failure.
set -euo pipefail

ROOT="$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/.." && pwd)"

say() { printf 'run-tests: %s\n' "$*" >&2; }

"$ROOT/scripts/bootstrap.sh"
cd "$ROOT"

failed=()
say "ruff check"
.venv/bin/ruff check . || failed+=("ruff check")
say "ruff format --check"
.venv/bin/ruff format --check . || failed+=("ruff format --check")

# Tests that need a real X server start Xvfb themselves.
export QT_QPA_PLATFORM=offscreen
say "pytest $*"
status=0
.venv/bin/python -m pytest "$@" || status=$?
if ((status == 5)); then
    say "pytest collected no tests (exit 5): check the paths and -k/-m filters"
    failed+=("pytest (no tests collected)")
elif ((status != 0)); then
    failed+=("pytest (exit $status)")
fi

if ((${#failed[@]})); then
    say "FAILED: ${failed[*]}"
    exit $((status != 0 ? status : 1))
fi
say "all passed"
