"""The database a benchmark measures: the same two options, one meaning, in every benchmark.

- ``--db FILE``: measure this existing database. It is only read: the benchmark measures
  a copy (SQLite's online backup) in a scratch folder, so nothing it does (migrating,
  raising alerts, the window's own writes) reaches FILE, and FILE is never deleted.
- ``--build-into FILE``: build a fresh demo database at FILE and keep it for later runs.
  FILE must be new, or one a benchmark built there before (``FILE.bench-built`` beside
  it says so); any other existing file is refused, never replaced.
- neither: build into the benchmark's default path under the same rules.
"""

from __future__ import annotations

import argparse
import sqlite3
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

MARKER_SUFFIX = ".bench-built"
DEFAULT_CACHE = Path(tempfile.gettempdir()) / "aiva-bench" / "{tickets}.sqlite3"
_DONE = "done"


class RefusedDatabase(SystemExit):
    """The benchmark stops with one line instead of touching a database it did not make."""

    def __init__(self, message: str) -> None:
        super().__init__(f"benchmark: {message}")


def add_options(parser: argparse.ArgumentParser, *, default_tickets: int = 100_000) -> None:
    """``--db``, ``--build-into`` and ``--tickets`` as every benchmark reads them."""
    where = parser.add_mutually_exclusive_group()
    where.add_argument(
        "--db",
        type=Path,
        metavar="FILE",
        help="measure a copy of this existing database (the file itself is only read)",
    )
    where.add_argument(
        "--build-into",
        type=Path,
        metavar="FILE",
        help="build a demo database at this new path (or one a benchmark built) and keep it",
    )
    parser.add_argument(
        "--tickets", type=int, default=default_tickets, help="demo tickets to build"
    )


def marker_of(path: Path) -> Path:
    return path.with_name(path.name + MARKER_SUFFIX)


def database_for(
    args: argparse.Namespace, default: Path | None = None
) -> tuple[Path, dict[str, Any]]:
    """The file to measure and how it came to be (copied, built, reused)."""
    if args.db is not None:
        return measured_copy(args.db)
    target = args.build_into or default
    if target is None:
        target = Path(tempfile.mkdtemp(prefix="aiva-bench-")) / "bench.sqlite3"
    target = Path(str(target).format(tickets=args.tickets)).expanduser().resolve()
    return target, build_into(target, args.tickets)


def measured_copy(source: Path) -> tuple[Path, dict[str, Any]]:
    """A scratch copy of ``source``, taken with SQLite's backup API (consistent even while
    another program writes it); ``source`` is opened read-only."""
    source = source.expanduser().resolve()
    if not source.is_file():
        raise RefusedDatabase(f"{source} does not exist: --db measures an existing database")
    copy = Path(tempfile.mkdtemp(prefix="aiva-bench-copy-")) / source.name
    started = time.perf_counter()
    reader = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    try:
        writer = sqlite3.connect(copy)
        try:
            reader.backup(writer)
        finally:
            writer.close()
    except sqlite3.DatabaseError as exc:
        raise RefusedDatabase(f"cannot read {source}: {exc}") from None
    finally:
        reader.close()
    seconds = round(time.perf_counter() - started, 1)
    return copy, {"source": str(source), "copied": True, "seconds": seconds}


def build_into(path: Path, tickets: int) -> dict[str, Any]:
    """Build ``tickets`` demo tickets at ``path`` unless a finished build is there already.

    Only a path that does not exist, or whose marker shows a benchmark built it, is
    written: a database the benchmark did not make is refused, whatever it holds."""
    marker = marker_of(path)
    if path.exists() and not marker.exists():
        raise RefusedDatabase(
            f"{path} exists and was not built by a benchmark: refusing to replace it. "
            f"Measure it with --db {path} (a copy is measured), or give --build-into a new path."
        )
    from aiva_desk.app_context import open_desk_database
    from aiva_desk.demo.generate import generate_demo

    if path.exists() and marker.exists() and marker.read_text() == f"{_DONE} {tickets}":
        db = open_desk_database(f"sqlite:///{path}")  # migrates one an older version built
        db.dispose()
        return {"built": False, "seconds": 0.0}
    path.parent.mkdir(parents=True, exist_ok=True)
    marker.write_text("building")  # from here on, the file is ours to rebuild
    for stale in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
        stale.unlink(missing_ok=True)
    started = time.perf_counter()
    db = open_desk_database(f"sqlite:///{path}")
    generate_demo(db, tickets=tickets, seed=1)
    with db.engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    db.dispose()
    marker.write_text(f"{_DONE} {tickets}")
    return {"built": True, "seconds": round(time.perf_counter() - started, 1)}


def progress(name: str, step: str) -> None:
    print(f"{name}: {step}…", file=sys.stderr, flush=True)
