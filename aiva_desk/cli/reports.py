"""``aiva-desk report …`` and ``aiva-desk export …``: the reports without the window.

PDF output draws with Qt, loaded only for ``--format pdf`` (offscreen when
there is no display), so every other format runs on a machine without Qt libraries.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from aiva_desk.app_context import AppContext
from aiva_desk.cli import archive as archive_cli
from aiva_desk.reports import exports
from aiva_desk.reports.metrics import GROUPINGS, compute_metrics
from aiva_desk.reports.periods import Period, parse_date
from aiva_desk.reports.ticket_report import render_ticket_report
from aiva_desk.reports.weekly import weekly_review

TICKET_FORMATS = ("md", "html", "pdf")
METRICS_FORMATS = ("csv", "xlsx", "json", "md", "html", "pdf")
WEEKLY_FORMATS = ("md", "html", "pdf", "json")
EXCEL_HELP = (
    "CSV for Excel: with a BOM, and text that a spreadsheet would run as a formula "
    "(starting with = + - @) shown as text"
)


def add_commands(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    report = commands.add_parser("report", help="write a report to a file")
    kinds = report.add_subparsers(dest="report", metavar="REPORT", required=True)
    ticket = kinds.add_parser("ticket", help="one ticket in the SOP's ticket template")
    ticket.add_argument("number", type=_ticket_number, metavar="NUMBER")
    ticket.add_argument("--format", choices=TICKET_FORMATS, default="md")
    ticket.add_argument("-o", "--output", type=Path, required=True, metavar="FILE")
    metrics = kinds.add_parser("metrics", help="the seven quality metrics for a date range")
    metrics.add_argument("--from", dest="start", required=True, metavar="DATE")
    metrics.add_argument("--to", dest="end", required=True, metavar="DATE")
    metrics.add_argument("--group-by", choices=GROUPINGS)
    metrics.add_argument("--format", choices=METRICS_FORMATS, default="csv")
    metrics.add_argument("--bom", action="store_true", help=EXCEL_HELP)
    metrics.add_argument("-o", "--output", type=Path, required=True, metavar="FILE")
    weekly = kinds.add_parser("weekly", help="the weekly review (continuous improvement)")
    weekly.add_argument("--week", required=True, metavar="YYYY-Www", help="e.g. 2026-W47")
    weekly.add_argument("--format", choices=WEEKLY_FORMATS, default="md")
    weekly.add_argument("-o", "--output", type=Path, required=True, metavar="FILE")
    export = commands.add_parser("export", help="export data")
    what = export.add_subparsers(dest="export", metavar="WHAT", required=True)
    tickets = what.add_parser("tickets", help="every ticket, every field")
    tickets.add_argument("--format", choices=exports.TICKET_FORMATS, default="csv")
    tickets.add_argument("--bom", action="store_true", help=EXCEL_HELP)
    tickets.add_argument("-o", "--output", type=Path, required=True, metavar="FILE")
    archive_cli.add_export(what)


def _ticket_number(text: str) -> int:
    from aiva_desk.cli.commands import ticket_number

    return ticket_number(text)


def _write_pdf(html: str, path: Path, footer: str) -> None:
    from aiva_desk.gui.reports.pdf import html_to_pdf

    html_to_pdf(html, path, footer)


def run(context: AppContext, args: argparse.Namespace) -> str:
    """Do the command; returns the line to print."""
    out: Path = context.output_path(args.output)
    if args.command == "export" and args.export == "all":
        return archive_cli.run_export(context, out)
    if args.command == "export":

        def progress(done: int, total: int) -> None:
            print(f"\r{done}/{total} tickets", end="", file=sys.stderr, flush=True)

        try:
            count = exports.export_tickets(
                context.db, args.format, out, for_excel=args.bom, progress=progress
            )
        finally:
            print(file=sys.stderr)  # end the progress line: a refusal gets a line of its own
        return f"Exported {count} tickets to {out}."
    if args.report == "ticket":
        fmt = "html" if args.format == "pdf" else args.format
        text = render_ticket_report(context.tickets, args.number, fmt)
        exports.write_rendered(text, args.format, out, f"Support Ticket #{args.number}", _write_pdf)
        return f"Wrote ticket #{args.number} to {out}."
    if args.report == "metrics":
        period = Period.days(parse_date(args.start, "from"), parse_date(args.end, "to"))
        report = compute_metrics(context.db, period, args.group_by)
        exports.write_metrics(report, args.format, out, for_excel=args.bom, write_pdf=_write_pdf)
        return f"Wrote the quality metrics for {period.label} to {out}."
    review = weekly_review(context.db, args.week)
    exports.write_weekly(review, args.format, out, write_pdf=_write_pdf)
    return f"Wrote the weekly review of {review.week} to {out}."
