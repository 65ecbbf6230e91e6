"""Measure the SLA scheduler on a large database; prints JSON.

Requirement (SLA issue): with 100,000 tickets of which 10,000 are open, one scheduler
evaluation (when to wake next, and which alerts are due now) takes at most 5 ms.
Usage: .venv/bin/python benchmarks/bench_sla.py [--db FILE | --build-into FILE]
       [--tickets 100000] [--runs 50]
"""

from __future__ import annotations

import argparse
import json
import statistics
import time

from bench_db import add_options, database_for
from sqlalchemy import func, select

from aiva_desk import clock
from aiva_desk.app_context import open_desk_database
from aiva_desk.domain import TicketStatus
from aiva_desk.sla.scheduler import due_alerts, next_wake
from aiva_desk.store.models import Ticket

TARGET_MS = 5.0


def _percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    add_options(parser)
    parser.add_argument("--runs", type=int, default=50)
    args = parser.parse_args()
    path, _how = database_for(args)  # a copy of --db, or a fresh demo database
    db = open_desk_database(f"sqlite:///{path}")
    with db.read_session() as session:
        total = session.scalar(select(func.count()).select_from(Ticket))
        open_count = session.scalar(
            select(func.count()).where(Ticket.status != TicketStatus.CLOSED)
        )

    # First pass raises the backlog of historic alerts once (recorded, never repeated).
    with db.engine.begin() as conn:
        while due_alerts(conn, clock.now()):
            pass

    timings = []
    for _ in range(args.runs):
        started = time.perf_counter()
        with db.engine.begin() as conn:
            next_wake(conn)
            due_alerts(conn, clock.now())
        timings.append((time.perf_counter() - started) * 1000)
    db.dispose()
    p95 = _percentile(timings, 0.95)
    print(
        json.dumps(
            {
                "benchmark": "sla_scheduler_evaluation",
                "tickets": total,
                "open_tickets": open_count,
                "runs": args.runs,
                "ms_median": round(statistics.median(timings), 3),
                "ms_p95": round(p95, 3),
                "target_ms": TARGET_MS,
                "meets_target": p95 <= TARGET_MS,
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
