"""Measure demo generation: N tickets into a fresh SQLite database; prints JSON.

Requirement (foundation issue): 100,000 tickets in at most 60 s on a 2-core machine.
Usage: .venv/bin/python benchmarks/bench_demo.py [--tickets 100000] [--runs 1]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import statistics
import tempfile
import time
from pathlib import Path

from aiva_desk.app_context import open_desk_database
from aiva_desk.demo.generate import generate_demo

TARGET_SECONDS = 60.0


def run_once(tickets: int, seed: int) -> dict[str, float]:
    with tempfile.TemporaryDirectory(prefix="aiva-bench-") as tmp:
        path = Path(tmp) / "bench.sqlite3"
        db = open_desk_database(f"sqlite:///{path}", backups_dir=Path(tmp) / "backups")
        started = time.perf_counter()
        generate_demo(db, tickets=tickets, seed=seed)
        elapsed = time.perf_counter() - started
        db.dispose()
        return {"seconds": elapsed, "db_bytes": path.stat().st_size}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--tickets", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    results = [run_once(args.tickets, args.seed) for _ in range(args.runs)]
    seconds = [r["seconds"] for r in results]
    median = statistics.median(seconds)
    print(
        json.dumps(
            {
                "benchmark": "demo_generation",
                "tickets": args.tickets,
                "runs": args.runs,
                "seconds_median": round(median, 2),
                "seconds_max": round(max(seconds), 2),
                "tickets_per_second": round(args.tickets / median),
                "db_megabytes": round(results[-1]["db_bytes"] / 1e6, 1),
                "peak_rss_megabytes": round(
                    resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1
                ),
                "target_seconds": TARGET_SECONDS,
                "meets_target": max(seconds) <= TARGET_SECONDS,
                "cpus": os.cpu_count(),
                "python": platform.python_version(),
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
