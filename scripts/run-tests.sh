#!/usr/bin/env bash
# Set up the checkout if needed (scripts/bootstrap.sh), then lint and test:
# ruff check, ruff format --check, and pytest with Qt offscreen.
# Arguments go to pytest, e.g. scripts/run-tests.sh -x tests/test_assets.py
# Every step runs even when an earlier one fails; the exit status is non-zero
# if any failed. A pytest run that collects no tests (exit 5) is a failure.
# Without pytest arguments, the suite runs a second time with every test's
# database on a throwaway PostgreSQL server (AIVA_TEST_DB=postgresql; skipped with a
# reason where no PostgreSQL server is installed; AIVA_POSTGRESQL=0 leaves it out).
# With CI=true (and no pytest arguments) the PyInstaller bundle is built too and
# its --self-test run offscreen (scripts/build-bundle.sh, about a minute);
# AIVA_BUNDLE=1 asks for that step outside CI, AIVA_BUNDLE=0 skips it in CI.
set -euo pipefail

ROOT="$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/.." && pwd)"

say() { printf 'run-tests: %s\n' "$*" >&2; }

"$ROOT/scripts/bootstrap.sh" --tests
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

# The whole suite again with each test's database on PostgreSQL, as teams will share
# one: tests about SQLite itself are marked sqlite_only and skip there.
if [[ $# -eq 0 && "${AIVA_POSTGRESQL:-1}" != 0 ]]; then
    say "pytest on PostgreSQL"
    pg_status=0
    # SIGINT on timeout: pytest still stops its PostgreSQL server and removes its folder.
    AIVA_TEST_DB=postgresql timeout -s INT 1800 .venv/bin/python -m pytest -q ||
        pg_status=$?
    if ((pg_status != 0)); then
        failed+=("pytest on PostgreSQL (exit $pg_status)")
        status=$((status != 0 ? status : pg_status))
    fi
fi

bundle="${AIVA_BUNDLE:-}"
if [[ -z "$bundle" && "${CI:-}" == true && $# -eq 0 ]]; then
    bundle=1
fi
if [[ "$bundle" == 1 ]]; then
    scratch="$(mktemp -d)"
    say "desktop bundle: build and self-test (in $scratch)"
    DIST="$scratch/dist" WORK="$scratch/build" scripts/build-bundle.sh ||
        failed+=("desktop bundle")
    rm -rf -- "$scratch"
fi

if ((${#failed[@]})); then
    say "FAILED: ${failed[*]}"
    exit $((status != 0 ? status : 1))
fi
say "all passed"
