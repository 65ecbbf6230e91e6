"""Measure ``export all`` and ``import all``: N demo tickets, export, import into a new
SQLite database; prints JSON (times, archive size, peak memory).

Everything happens in a new temporary folder: no existing database is read or touched.
Usage: .venv/bin/python benchmarks/bench_archive.py [--tickets 10000] [--seed 1]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import tempfile
import time
from pathlib import Path

from aiva_desk.app_context import open_desk_database
from aiva_desk.archive import export_all, import_all
from aiva_desk.demo.generate import generate_demo
from aiva_desk.runtime.paths import DataPaths
from aiva_desk.store.database import Database


def _open(root: Path) -> tuple[DataPaths, Database]:
    paths = DataPaths(root).ensure()
    return paths, open_desk_database(paths.default_db_url(), backups_dir=paths.backups)


def run(tickets: int, seed: int) -> dict[str, object]:
    with tempfile.TemporaryDirectory(prefix="aiva-bench-archive-") as tmp:
        source_paths, source = _open(Path(tmp) / "source")
        generate_demo(source, tickets=tickets, seed=seed)
        archive = Path(tmp) / "all.zip"
        started = time.perf_counter()
        manifest = export_all(source, source_paths, archive)
        exported = time.perf_counter() - started
        source.dispose()
        target_paths, target = _open(Path(tmp) / "target")
        started = time.perf_counter()
        import_all(archive, target, target_paths)
        imported = time.perf_counter() - started
        target.dispose()
        return {
            "benchmark": "archive_export_import",
            "tickets": tickets,
            "rows": sum(m.rows or 0 for m in manifest.tables),
            "export_seconds": round(exported, 2),
            "import_seconds": round(imported, 2),
            "archive_megabytes": round(archive.stat().st_size / 1e6, 2),
            "database_megabytes": round(source_paths.database.stat().st_size / 1e6, 2),
            "peak_rss_megabytes": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
        }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--tickets", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    print(json.dumps(run(args.tickets, args.seed), indent=2))


if __name__ == "__main__":
    main()
