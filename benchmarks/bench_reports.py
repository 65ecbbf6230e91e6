"""Measure the quality metrics and the weekly review on a large database; prints JSON.

Requirement (Reports issue): the metrics and the weekly review over 100,000 tickets
take at most 1 s each.
Usage: .venv/bin/python benchmarks/bench_reports.py [--db PATH] [--tickets 100000] [--runs 5]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import statistics
import tempfile
import time
from pathlib import Path

from sqlalchemy import func, select

from aiva_desk import clock
from aiva_desk.app_context import open_desk_database
from aiva_desk.demo.generate import generate_demo
from aiva_desk.reports.metrics import GROUPINGS, compute_metrics
from aiva_desk.reports.periods import Period, iso_week_of
from aiva_desk.reports.weekly import weekly_review
from aiva_desk.store.models import Ticket

TARGET_S = 1.0


def _timed(runs: int, work: object) -> dict[str, float]:
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        work()  # type: ignore[operator]
        timings.append(time.perf_counter() - started)
    return {"median_s": round(statistics.median(timings), 3), "max_s": round(max(timings), 3)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", type=Path, help="reuse (or create) this database file")
    parser.add_argument("--tickets", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    path = args.db or Path(tempfile.mkdtemp(prefix="aiva-bench-")) / "bench.sqlite3"
    db = open_desk_database(f"sqlite:///{path}", backups_dir=path.parent / "backups")
    with db.read_session() as session:
        existing = session.scalar(select(func.count()).select_from(Ticket)) or 0
    if existing < args.tickets:
        generate_demo(db, tickets=args.tickets - existing, seed=1)
    today = clock.now().date()
    ranges = {
        "all_time": Period.days(today - dt.timedelta(days=3650), today),
        "last_30_days": Period.days(today - dt.timedelta(days=29), today),
    }
    results: dict[str, dict[str, float]] = {}
    for name, period in ranges.items():
        for group_by in (None, *GROUPINGS):
            key = f"metrics_{name}_{group_by or 'total'}"
            results[key] = _timed(args.runs, lambda p=period, g=group_by: compute_metrics(db, p, g))
    last_week = iso_week_of(today - dt.timedelta(days=7))
    results["weekly_review"] = _timed(args.runs, lambda: weekly_review(db, last_week))
    worst = max(r["median_s"] for r in results.values())
    print(
        json.dumps(
            {
                "tickets": max(existing, args.tickets),
                "target_s": TARGET_S,
                "worst_median_s": worst,
                "meets_target": worst <= TARGET_S,
                "results": results,
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
