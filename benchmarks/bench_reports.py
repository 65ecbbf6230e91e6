"""Measure the quality metrics and the weekly review on a large database; prints JSON.

Requirement (Reports issue): the metrics and the weekly review over 100,000 tickets
take at most 1 s each.
Usage: .venv/bin/python benchmarks/bench_reports.py [--db FILE | --build-into FILE]
       [--tickets 100000] [--runs 5]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import statistics
import time

from bench_db import add_options, database_for
from sqlalchemy import func, select

from aiva_desk import clock
from aiva_desk.app_context import open_desk_database
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
    add_options(parser)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    path, _how = database_for(args)  # a copy of --db, or a fresh demo database
    db = open_desk_database(f"sqlite:///{path}", backups_dir=path.parent / "backups")
    with db.read_session() as session:
        existing = session.scalar(select(func.count()).select_from(Ticket)) or 0
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
                "tickets": existing,
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
