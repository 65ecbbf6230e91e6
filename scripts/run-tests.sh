#!/usr/bin/env bash
# Set up the checkout if needed (scripts/bootstrap.sh), then lint and test:
# ruff check, ruff format --check, and pytest with Qt offscreen.
# Arguments go to pytest, e.g. scripts/run-tests.sh -x tests/core/runtime/test_assets.py
# Every step runs even when an earlier one fails; the exit status is non-zero
# if any failed. A pytest run that collects no tests (exit 5) is a failure.
# Without pytest arguments, the suite runs a second time with every test's
# database on a throwaway PostgreSQL server (AIVA_TEST_DB=postgresql; skipped with a
# reason where no PostgreSQL server is installed; AIVA_POSTGRESQL=0 leaves it out).
# Without pytest arguments, the time-sensitive tests (marker time_sensitive) run again
# at each pinned instant and zone of TIME_MATRIX, two at a time (pytest-xdist), so the
# suite is proven on evenings, weekends, DST changes and at New Year, far from UTC
# (AIVA_TIME_MATRIX=0 leaves that out).
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

# When the tests run: every test's clock starts at AIVA_TEST_NOW in the zone AIVA_TEST_TZ
# (tests/helpers/pinned_clock.py; the main passes use its default, a Monday 11:10 in business
# hours, UTC). Each line: instant, zone, what it proves.
TIME_MATRIX=(
    "2026-12-09T19:30:00-08:00 America/Los_Angeles a weekday evening, after business hours"
    "2026-12-12T10:00:00+01:00 Europe/Berlin a Saturday"
    "2027-03-28T00:45:00+00:00 Europe/Berlin the night the clocks go forward in Europe"
    "2027-03-14T06:45:00+00:00 America/New_York the night the clocks go forward in the US"
    "2027-11-07T05:40:00+00:00 America/New_York the repeated hour when US clocks go back"
    "2026-12-31T23:50:00+00:00 UTC the last minutes of a year"
    "2026-12-31T23:40:00+14:00 Pacific/Kiritimati New Year's Eve fourteen hours ahead of UTC"
)
if [[ $# -eq 0 && "${AIVA_TIME_MATRIX:-1}" != 0 ]]; then
    for entry in "${TIME_MATRIX[@]}"; do
        read -r instant zone about <<<"$entry"
        say "pytest -m time_sensitive at $instant in $zone ($about)"
        matrix_status=0
        AIVA_TEST_NOW="$instant" AIVA_TEST_TZ="$zone" \
            .venv/bin/python -m pytest -q -m time_sensitive -n 2 || matrix_status=$?
        if ((matrix_status != 0)); then
            failed+=("pytest at $instant $zone (exit $matrix_status)")
            status=$((status != 0 ? status : matrix_status))
        fi
    done
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
