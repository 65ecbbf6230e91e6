"""Measure the PDF report of one ticket with a 1 MB and a 10 MB description; prints JSON.

Requirement (issue 17): every ticket can be reported in seconds. Each text field is cut in
the report at MAX_FIELD_CHARS (aiva_desk/reports/ticket_report.py), so the 10 MB ticket
costs about what the 1 MB one does. Builds its own throw-away data folder; touches nothing
else. Usage: QT_QPA_PLATFORM=offscreen .venv/bin/python benchmarks/bench_ticket_report.py
"""

from __future__ import annotations

import json
import os
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from aiva_desk.app_context import open_context
from aiva_desk.gui.reports.pdf import html_to_pdf
from aiva_desk.reports.ticket_report import MAX_FIELD_CHARS, render_ticket_report
from aiva_desk.tickets.service import NewTicket

TARGET_S = 10.0
SIZES = {"1MB": 1_000_000, "10MB": 10_000_000}


def main() -> None:
    folder = Path(tempfile.mkdtemp(prefix="aiva-bench-ticket-report-"))
    context = open_context(str(folder / "data"))
    category_id = context.tickets.categories()[0].id
    results: dict[str, float] = {}
    try:
        for label, size in SIZES.items():
            words = ("log line with some words " * (size // 25 + 1))[:size]
            ref = context.tickets.create(
                NewTicket(f"Report of {label}", "Ann Lee", "ann@example.com", category_id, words)
            )
            start = time.perf_counter()
            html = render_ticket_report(context.tickets, ref.number, "html")
            html_to_pdf(html, folder / f"{label}.pdf", f"Ticket #{ref.number}")
            results[label] = round(time.perf_counter() - start, 3)
    finally:
        context.close()
    print(
        json.dumps(
            {
                "benchmark": "ticket_report_pdf",
                "max_field_chars": MAX_FIELD_CHARS,
                "seconds": results,
                "target_s": TARGET_S,
                "ok": all(seconds <= TARGET_S for seconds in results.values()),
            }
        )
    )


if __name__ == "__main__":
    main()
