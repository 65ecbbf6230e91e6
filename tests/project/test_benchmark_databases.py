"""Benchmarks never delete or replace a database they did not build, and ``--db`` means
the same in each: measure (a copy of) this existing database."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers.paths import REPO

pytestmark = pytest.mark.sqlite_only("the benchmarks build SQLite files")

BENCHMARKS = REPO / "benchmarks"
SHARED_OPTIONS = ("--db", "--build-into", "--tickets")


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def bench(script: str, *argv: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    env.pop("AIVA_DESK_DB_URL", None)
    return subprocess.run(
        [sys.executable, str(BENCHMARKS / script), *argv],
        capture_output=True,
        text=True,
        env=env,
        cwd=REPO,
        timeout=300,
        check=False,
    )


@pytest.fixture
def precious(tmp_path: Path, sqlite_template: Path) -> Path:
    """A real AIVA Desk database that no benchmark made."""
    path = tmp_path / "team" / "aiva-desk.sqlite3"
    path.parent.mkdir()
    shutil.copyfile(sqlite_template, path)
    return path


@pytest.mark.parametrize("script", ["bench_sla.py", "bench_reports.py", "bench_queue.py"])
def test_building_over_a_database_a_benchmark_did_not_make_is_refused(precious, script):
    before = digest(precious)
    done = bench(script, "--build-into", str(precious), "--tickets", "5", "--runs", "1")
    assert done.returncode == 1
    assert "was not built by a benchmark: refusing to replace it" in done.stderr
    assert "Traceback" not in done.stderr
    assert digest(precious) == before
    assert sorted(p.name for p in precious.parent.iterdir()) == [precious.name]


def test_db_measures_a_copy_and_leaves_the_file_as_it_was(precious):
    before = digest(precious)
    done = bench("bench_sla.py", "--db", str(precious), "--runs", "2")
    assert done.returncode == 0, done.stderr
    assert '"tickets": 0' in done.stdout  # measured as it is: never topped up
    assert digest(precious) == before


def test_a_missing_db_is_refused_not_created(tmp_path):
    missing = tmp_path / "nothing.sqlite3"
    done = bench("bench_reports.py", "--db", str(missing), "--runs", "1")
    assert done.returncode == 1 and "does not exist" in done.stderr
    assert not missing.exists()


def test_build_into_a_new_path_builds_once_then_reuses(tmp_path):
    target = tmp_path / "built" / "bench.sqlite3"
    first = bench("bench_sla.py", "--build-into", str(target), "--tickets", "12", "--runs", "2")
    assert first.returncode == 0, first.stderr
    assert '"tickets": 12' in first.stdout
    assert (target.parent / "bench.sqlite3.bench-built").read_text() == "done 12"
    again = bench("bench_sla.py", "--build-into", str(target), "--tickets", "12", "--runs", "2")
    assert again.returncode == 0, again.stderr
    assert '"tickets": 12' in again.stdout


@pytest.mark.parametrize(
    "script",
    [
        "bench_queue.py",
        "bench_sla.py",
        "bench_reports.py",
        "bench_countdown.py",
        "bench_intake.py",
        "bench_intake_imap.py",
    ],
)
def test_every_benchmark_on_a_database_takes_the_same_options(script):
    text = (BENCHMARKS / script).read_text(encoding="utf-8")
    assert "add_options(parser" in text and "database_for(args" in text
    assert ".unlink(" not in text  # deleting is bench_db.py's, and only for its own builds
