"""The SOP ticket report, the weekly review and the exports: structure, empty
sections, files parsed back (csv, json, PDF text) and the CLI round trips."""

from __future__ import annotations

import csv
import datetime as dt
import json
import shutil
import subprocess
import sys

import pytest
from sqlalchemy import update

from aiva_desk.cli import main
from aiva_desk.domain import ClosureReason
from aiva_desk.errors import NotFoundError
from aiva_desk.reports import exports
from aiva_desk.reports.metrics import compute_metrics
from aiva_desk.reports.ticket_report import render_ticket_report
from aiva_desk.reports.weekly import ReviewNotes, save_notes, subject_key, weekly_review
from aiva_desk.store.models import Ticket
from aiva_desk.tickets.service import NewTicket
from tests.helpers.report_week import WEEK

pytestmark = pytest.mark.time_sensitive  # run again at other instants and zones

pytest_plugins = ("tests.helpers.report_week",)  # the hand-made week

SOP_SECTIONS = [
    "# Support Ticket #",
    "## Customer Information",
    "## Issue Details",
    "### Description",
    "### Expected Behavior",
    "### Actual Behavior",
    "### Reproduction Steps",
    "## Technical Information",
    "## Troubleshooting Log",
    "## Resolution",
    "### Root Cause",
    "### Solution",
    "### Steps Taken",
    "### Verification",
    "### Prevention",
    "## Customer Communication Log",
    "## Closure",
]


def _new(context, subject="Widget broken", **extra):
    category_id = next(c.id for c in context.tickets.categories() if c.name == "Billing")
    return context.tickets.create(
        NewTicket(subject, "Zoë Ünal", "zoe@example.com", category_id, "It broke", **extra)
    )


def test_the_ticket_report_follows_the_sop_template_and_says_dash_when_empty(context):
    ref = _new(context, reproduction_steps="1. Open it\n2. Click save")
    context.tickets.add_troubleshooting(
        ref.id, checked="pm2 status", found="api stopped", action="pm2 restart api"
    )
    markdown = render_ticket_report(context.tickets, ref.number, "md")
    positions = [markdown.index(section) for section in SOP_SECTIONS]
    assert positions == sorted(positions)
    assert "1. Open it\n2. Click save" in markdown
    assert "- Checked: pm2 status\n- Found: api stopped\n- Action: pm2 restart api" in markdown
    assert "### Root Cause\n—" in markdown and "- Agent ID: —" in markdown
    assert "[" not in markdown.replace("[URGENT]", "")  # no template placeholders
    with context.db.session() as session:
        session.execute(
            update(Ticket)
            .where(Ticket.id == ref.id)
            .values(
                close_override_reason="Customer unreachable for 30 days",
                satisfaction_score=4,
                closure_reason=ClosureReason.SELF_SERVICE,
            )
        )
    html = render_ticket_report(context.tickets, ref.number, "html")
    assert "Closed by senior override: Customer unreachable for 30 days" in html
    assert "Pending (score 4/5)" in html
    assert "Resolved by customer with documentation" in html
    with pytest.raises(NotFoundError, match="no ticket #99999"):
        render_ticket_report(context.tickets, 99999, "md")


def test_weekly_review_answers_the_sop_questions_and_keeps_the_notes(context, week, clock):
    save_notes(
        context.db,
        "2026-W47",
        ReviewNotes(procedures="Check credits first", training="Billing basics"),
        actor="lead",
    )
    review = weekly_review(context.db, "2026-W47")
    assert review.total_reported == 5
    assert review.by_category == [("Agent Issues", 2), ("Billing", 2), ("Knowledge Base", 1)]
    assert review.longest[0].number == week[5]  # 3 days from report to resolution
    assert [line.number for line in review.incomplete] == sorted(week[k] for k in (1, 2, 4, 5))
    assert "missing root cause" in review.incomplete[0].detail
    assert [line.number for line in review.escalations] == [week[2]]
    clock.now = dt.datetime(2026, 11, 18, 10, tzinfo=dt.UTC)
    assert [line.number for line in weekly_review(context.db, "2026-W47").breaches] == [week[2]]
    clock.now = dt.datetime(2026, 11, 30, tzinfo=dt.UTC)
    # 2 resolved late; 3 is still open past the deadline set when it was reported
    assert [line.number for line in review.breaches] == [week[2], week[3]]
    assert review.breaches[1].detail == "open past its SLA deadline"
    assert review.notes.training == "Billing basics"
    markdown = exports.render_weekly(review, "md")
    for question in (
        "most common issues",
        "took longest",
        "documented better",
        "new procedures",
        "training is needed",
    ):
        assert question in markdown
    assert "Check credits first" in markdown
    assert subject_key("Re: Invoice is WRONG!") == subject_key("wrong invoice")
    assert subject_key("Счёт неверный") == subject_key("неверный счёт") != ""


def test_metrics_and_tickets_export_and_parse_back(context, week, tmp_path):
    report = compute_metrics(context.db, WEEK, "category")
    target = tmp_path / "metrics.csv"
    exports.write_csv(exports.metrics_rows(report), target, for_excel=True)
    raw = target.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and b"\r\n" in raw
    rows = list(csv.DictReader(target.read_text(encoding="utf-8-sig").splitlines()))
    assert [r["group"] for r in rows] == [
        "Agent Issues",
        "Billing",
        "Knowledge Base",
        "All tickets",
    ]
    assert rows[-1]["first_response_average_seconds"] == "3600"
    assert rows[-1]["sla_rate"] == str(round(2 / 3, 4))
    exports.write_json(exports.metrics_json(report), tmp_path / "m.json")
    data = json.loads((tmp_path / "m.json").read_text(encoding="utf-8"))
    assert data["anomalies"]["count"] == 1 and len(data["definitions"]) == 7
    ref = _new(context, subject="Quote")  # a subject is one line; older data may not be
    with context.db.session() as session:
        session.execute(
            update(Ticket)
            .where(Ticket.id == ref.id)
            .values(subject='Quote "this", then, a comma\nand a new line')
        )
    count = exports.export_tickets(context.db, "csv", tmp_path / "t.csv")
    with (tmp_path / "t.csv").open(encoding="utf-8", newline="") as handle:
        tickets = list(csv.DictReader(handle))
    assert count == len(tickets) == 7
    assert tickets[-1]["subject"] == 'Quote "this", then, a comma\nand a new line'
    assert tickets[-1]["customer_name"] == "Zoë Ünal"
    assert {"root_cause", "closure_reason", "satisfaction_score", "tags"} <= set(tickets[0])
    progress = []
    exports.export_tickets(
        context.db,
        "json",
        tmp_path / "t.json",
        progress=lambda done, total: progress.append((done, total)),
    )
    records = json.loads((tmp_path / "t.json").read_text(encoding="utf-8"))
    assert [r["number"] for r in records] == [int(t["number"]) for t in tickets]
    assert progress[-1] == (7, 7)


def test_one_writer_per_report_serves_every_format(context, week, tmp_path):
    report = compute_metrics(context.db, WEEK, None)
    drawn = []
    for fmt in ("csv", "xlsx", "json", "md", "html", "pdf"):
        exports.write_metrics(
            report,
            fmt,
            tmp_path / f"m.{fmt}",
            write_pdf=lambda html, path, footer: drawn.append((html[:15], path.name, footer)),
        )
    assert (tmp_path / "m.md").read_text(encoding="utf-8").lstrip().startswith("#")
    assert "<html" in (tmp_path / "m.html").read_text(encoding="utf-8").lower()
    assert drawn == [("<!DOCTYPE html>", "m.pdf", f"Quality metrics {WEEK.label}")]
    with pytest.raises(exports.ExportError, match="PDF output needs"):
        exports.write_metrics(report, "pdf", tmp_path / "no.pdf")
    review = weekly_review(context.db, "2026-W47")
    exports.write_weekly(review, "json", tmp_path / "w.json")
    assert json.loads((tmp_path / "w.json").read_text(encoding="utf-8"))["week"] == review.week


def test_the_cli_writes_every_report(context, week, tmp_path, capsys):
    number = week[1]
    data_dir = str(context.paths.root)
    context.close()
    runs = [
        ["report", "ticket", str(number), "--format", "md", "-o", str(tmp_path / "t.md")],
        [
            "report",
            "metrics",
            "--from",
            "2026-11-16",
            "--to",
            "2026-11-22",
            "--group-by",
            "week",
            "--format",
            "json",
            "-o",
            str(tmp_path / "m.json"),
        ],
        [
            "report",
            "weekly",
            "--week",
            "2026-W47",
            "--format",
            "html",
            "-o",
            str(tmp_path / "w.html"),
        ],
        ["export", "tickets", "--format", "csv", "-o", str(tmp_path / "all.csv")],
    ]
    for args in runs:
        assert main(["--data-dir", data_dir, *args]) == 0
    assert (tmp_path / "t.md").read_text(encoding="utf-8").startswith(f"# Support Ticket #{number}")
    groups = json.loads((tmp_path / "m.json").read_text(encoding="utf-8"))["groups"]
    assert [g["group"] for g in groups] == ["2026-W47", "All tickets"]
    assert "Weekly review — 2026-W47" in (tmp_path / "w.html").read_text(encoding="utf-8")
    assert (
        main(
            [
                "--data-dir",
                data_dir,
                "report",
                "weekly",
                "--week",
                "2026-W60",
                "-o",
                str(tmp_path / "x.md"),
            ]
        )
        == 2
    )
    assert "2026 has no week 60" in capsys.readouterr().err
    assert not (tmp_path / "x.md").exists()


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) absent")
def test_pdf_reports_are_paginated_with_the_ticket_number_in_the_footer(context, tmp_path):
    ref = _new(context)
    for index in range(40):  # long enough for several pages
        context.tickets.add_troubleshooting(
            ref.id, checked=f"check {index}", found="found " * 30, action="restarted api"
        )
    data_dir = str(context.paths.root)
    context.close()
    target = tmp_path / "ticket.pdf"
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "aiva_desk",
            "--data-dir",
            data_dir,
            "report",
            "ticket",
            str(ref.number),
            "--format",
            "pdf",
            "-o",
            str(target),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    text = subprocess.run(
        ["pdftotext", "-layout", str(target), "-"], capture_output=True, text=True, check=True
    ).stdout
    pages = text.split("\f")
    pages = [page for page in pages if page.strip()]
    assert len(pages) >= 2
    for index, page in enumerate(pages, start=1):
        assert f"Support Ticket #{ref.number}" in page
        assert f"Page {index} of {len(pages)}" in page
    assert "Customer Information" in pages[0] and "Closure" in pages[-1]


def _xlsx_rows(path) -> list[list[str]]:
    """The first sheet's cells as text (shared or inline strings), read with zipfile."""
    import re
    import zipfile
    from xml.etree import ElementTree

    ns = {"x": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}
    with zipfile.ZipFile(path) as archive:
        names = archive.namelist()
        shared = []
        if "xl/sharedStrings.xml" in names:
            root = ElementTree.fromstring(archive.read("xl/sharedStrings.xml"))
            shared = ["".join(t.text or "" for t in si.iter(f"{{{ns['x']}}}t")) for si in root]
        sheet = ElementTree.fromstring(archive.read("xl/worksheets/sheet1.xml"))
    rows = []
    for row in sheet.iter(f"{{{ns['x']}}}row"):
        cells: dict[int, str] = {}
        for cell in row.findall("x:c", ns):
            letters = re.match(r"[A-Z]+", cell.get("r")).group()
            column = 0
            for letter in letters:  # blank cells are left out: place each by its reference
                column = column * 26 + ord(letter) - 64
            kind = cell.get("t")
            if kind == "s":
                text = shared[int(cell.find("x:v", ns).text)]
            elif kind == "inlineStr":
                text = "".join(t.text or "" for t in cell.iter(f"{{{ns['x']}}}t"))
            else:
                value = cell.find("x:v", ns)
                text = "" if value is None else re.sub(r"\.0$", "", value.text)
            cells[column - 1] = text
        rows.append([cells.get(i, "") for i in range(max(cells, default=-1) + 1)])
    return rows


def test_xlsx_exports_hold_every_row_and_field(context, week, tmp_path):
    report = compute_metrics(context.db, WEEK, "category")
    exports.write_xlsx(exports.metrics_rows(report), tmp_path / "m.xlsx")
    rows = _xlsx_rows(tmp_path / "m.xlsx")
    assert rows[0][:2] == ["group", "first_response_count"]
    assert [r[0] for r in rows[1:]] == ["Agent Issues", "Billing", "Knowledge Base", "All tickets"]
    assert rows[-1][2] == "3600"  # first response average, seconds, as a number
    ref = _new(context, subject='=HYPERLINK("http://evil")')
    ticket = context.tickets.get(ref.id)
    context.tickets.update(
        ref.id, ticket.version, {"console_errors": "x" * 40_000, "description": "https://x.org"}
    )
    count = exports.export_tickets(context.db, "xlsx", tmp_path / "t.xlsx")
    tickets = _xlsx_rows(tmp_path / "t.xlsx")
    assert count == len(tickets) - 1 == 7
    header = tickets[0]
    last = tickets[-1]
    assert last[header.index("subject")] == '=HYPERLINK("http://evil")'  # text, not a formula
    assert last[header.index("description")] == "https://x.org"
    assert last[header.index("console_errors")].endswith("longer than a spreadsheet cell holds]")
    assert last[header.index("customer_name")] == "Zoë Ünal"  # the columns after it are there
    assert oct((tmp_path / "t.xlsx").stat().st_mode & 0o777) == "0o644"


def test_csv_for_excel_shows_formula_like_text_as_text(context, tmp_path):
    # A customer's subject "=HYPERLINK(…)" would run as a formula in a spreadsheet;
    # the plain CSV keeps every value exactly, the CSV for Excel makes it inert text.
    ref = _new(context, subject='=HYPERLINK("http://evil","Click")')
    ticket = context.tickets.get(ref.id)
    context.tickets.update(ref.id, ticket.version, {"description": "-1+2", "root_cause": "@home"})

    def last_row(path):
        text = path.read_text(encoding="utf-8-sig")
        return list(csv.DictReader(text.splitlines()))[-1]

    exports.export_tickets(context.db, "csv", tmp_path / "exact.csv")
    exact = last_row(tmp_path / "exact.csv")
    assert exact["subject"] == '=HYPERLINK("http://evil","Click")'
    assert (exact["description"], exact["root_cause"]) == ("-1+2", "@home")

    exports.export_tickets(context.db, "csv", tmp_path / "excel.csv", for_excel=True)
    excel = last_row(tmp_path / "excel.csv")
    assert excel["subject"] == '\'=HYPERLINK("http://evil","Click")'
    assert (excel["description"], excel["root_cause"]) == ("'-1+2", "'@home")
    assert excel["customer_name"] == "Zoë Ünal" and excel["number"] == exact["number"]
