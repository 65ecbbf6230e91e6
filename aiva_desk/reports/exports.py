"""Reports and tickets as files: CSV (RFC 4180, UTF-8, optional BOM for Excel), JSON,
XLSX, Markdown and HTML. No row limit; ticket exports stream in batches with progress.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import decimal
import enum
import json
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import IO, Any

import xlsxwriter
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from aiva_desk.durations import duration
from aiva_desk.errors import AivaError
from aiva_desk.reports.metrics import METRICS, GroupMetrics, MetricsReport
from aiva_desk.reports.weekly import WeeklyReport
from aiva_desk.runtime.output_paths import atomic_output
from aiva_desk.store.database import Database
from aiva_desk.store.models import Customer, Ticket
from aiva_desk.template_engine import render

Progress = Callable[[int, int], None]
BATCH = 1000
TICKET_FORMATS = ("csv", "json", "xlsx")
XLSX_MAX_TEXT = 32_767
TRUNCATED = " […cut: longer than a spreadsheet cell holds]"


class ExportError(AivaError):
    title = "Export failed"


def _plain(value: Any) -> Any:
    """A JSON/CSV-friendly value: ISO times, enum values, plain numbers."""
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).isoformat()
    if isinstance(value, enum.Enum):
        return value.value if not isinstance(value, enum.IntEnum) else value.name
    if isinstance(value, decimal.Decimal):
        return float(value)
    return value


# -- metrics ---------------------------------------------------------------------------


def metrics_rows(report: MetricsReport) -> list[dict[str, Any]]:
    """One row per group (the total last): every metric's figures, seconds as numbers."""
    rows = []
    for group in [*report.groups, report.total]:
        row: dict[str, Any] = {"group": group.group}
        for name in ("first_response", "resolution"):
            stat = getattr(group, name)
            for part in ("count", "average", "median", "p90", "missing", "impossible"):
                value = getattr(stat, part)
                if part in ("average", "median", "p90") and value is not None:
                    value = round(value)
                row[
                    f"{name}_{part}{'_seconds' if part in ('average', 'median', 'p90') else ''}"
                ] = value
        for name in ("sla", "escalation", "reopened", "self_service"):
            stat = getattr(group, name)
            row[f"{name}_hits"], row[f"{name}_total"] = stat.hits, stat.total
            row[f"{name}_rate"] = None if stat.rate is None else round(stat.rate, 4)
        row["sla_no_deadline"] = group.sla.excluded
        csat = group.satisfaction
        row["satisfaction_count"] = csat.count
        row["satisfaction_average"] = None if csat.average is None else round(csat.average, 2)
        row["satisfaction_satisfied_rate"] = (
            None if csat.satisfied_rate is None else round(csat.satisfied_rate, 4)
        )
        row["satisfaction_missing"] = csat.missing
        rows.append(row)
    return rows


def write_csv(rows: list[dict[str, Any]], path: Path, *, for_excel: bool = False) -> None:
    """RFC 4180: comma, CRLF line ends, quotes where needed, a header row.

    ``for_excel``: a BOM (so Excel reads UTF-8) and formula-like text made inert.
    """
    if not rows:
        raise ExportError("There is nothing to export for this selection.")
    with atomic_output(path, bom=for_excel) as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]), lineterminator="\r\n")
        writer.writeheader()
        writer.writerows(_csv_row(row, for_excel) for row in rows)


# A spreadsheet runs a cell that starts with one of these as a formula: customer text
# such as a subject "=HYPERLINK(…)" would become a live link or worse (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _csv_row(row: dict[str, Any], for_excel: bool) -> dict[str, Any]:
    """``row`` for the CSV writer: empty for None; for Excel, formula-like text inert."""
    if for_excel:
        return {key: "" if value is None else _inert(value) for key, value in row.items()}
    return {key: "" if value is None else value for key, value in row.items()}


def _inert(value: Any) -> Any:
    """Formula-like text with a leading apostrophe (OWASP's advice): shown as text."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def write_xlsx(rows: list[dict[str, Any]], path: Path, *, sheet: str = "Metrics") -> None:
    """One sheet: a bold, frozen header row and the rows (numbers stay numbers)."""
    if not rows:
        raise ExportError("There is nothing to export for this selection.")
    with atomic_output(path, binary=True) as handle:
        workbook = _workbook(handle)
        worksheet = _xlsx_sheet(workbook, sheet, list(rows[0]))
        for index, row in enumerate(rows, start=1):
            _write_row(worksheet, index, row.values())
        workbook.close()


def _workbook(handle: IO[Any]) -> Any:
    """Rows written as they come; text stays text (never a formula, link or number)."""
    return xlsxwriter.Workbook(
        handle,
        {
            "constant_memory": True,
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "strings_to_numbers": False,
        },
    )


def _write_row(worksheet: Any, row: int, values: Iterable[Any]) -> None:
    for column, value in enumerate(values):
        cell = _cell(value)
        if isinstance(cell, str):
            if len(cell) > XLSX_MAX_TEXT:  # Excel's limit for one cell
                cell = cell[: XLSX_MAX_TEXT - len(TRUNCATED)] + TRUNCATED
            status = worksheet.write_string(row, column, cell)
        else:
            status = worksheet.write_number(row, column, cell)
        if status < 0:
            raise ExportError(f"Row {row + 1}, column {column + 1} could not be written.")


def _xlsx_sheet(workbook: Any, name: str, header: list[str]) -> Any:
    worksheet = workbook.add_worksheet(name)
    worksheet.write_row(0, 0, header, workbook.add_format({"bold": True}))
    worksheet.freeze_panes(1, 0)
    return worksheet


def _cell(value: Any) -> Any:
    """What a spreadsheet cell can hold: text for anything that isn't a plain number."""
    if value is None or isinstance(value, bool):
        return "" if value is None else ("yes" if value else "no")
    return value if isinstance(value, int | float) else str(value)


def metrics_json(report: MetricsReport) -> dict[str, Any]:
    return {
        "period": {
            "from": report.period.start.isoformat(),
            "to": report.period.end.isoformat(),
            "label": report.period.label,
        },
        "group_by": report.group_by,
        "definitions": {m.key: {"title": m.title, "definition": m.definition} for m in METRICS},
        "groups": metrics_rows(report),
        "anomalies": {"count": report.anomaly_count, "listed": report.anomalies},
    }


def write_json(data: Any, path: Path) -> None:
    with atomic_output(path) as handle:
        json.dump(data, handle, ensure_ascii=False, indent=2, default=_plain)
        handle.write("\n")


def human(seconds: float | None) -> str:
    return "—" if seconds is None else duration(dt.timedelta(seconds=seconds))


def percent(rate: float | None) -> str:
    return "—" if rate is None else f"{rate * 100:.1f}%"


def _view(group: GroupMetrics) -> dict[str, Any]:
    return {"group": group.group, "m": group}


def render_metrics(report: MetricsReport, fmt: str, charts: dict[str, str] | None = None) -> str:
    """Markdown or HTML; ``charts`` (name → data URI) are embedded in the HTML."""
    return render(
        f"reports/metrics.{fmt}.j2",
        r=report,
        rows=[_view(g) for g in [*report.groups, report.total]],
        metrics=METRICS,
        human=human,
        percent=percent,
        charts=charts or {},
    )


def render_weekly(report: WeeklyReport, fmt: str) -> str:
    return render(
        f"reports/weekly.{fmt}.j2", w=report, human=human, percent=percent, metrics=METRICS
    )


# -- one way to write each report, for the CLI and the Reports window ----------------

PdfWriter = Callable[[str, Path, str], None]  # (html, path, footer); drawn by the GUI's Qt


def write_text(text: str, path: Path) -> None:
    with atomic_output(path) as handle:
        handle.write(text)


def write_rendered(
    text: str, fmt: str, path: Path, footer: str, write_pdf: PdfWriter | None = None
) -> None:
    """Rendered Markdown or HTML as it is, or HTML as a PDF with ``footer`` on each page."""
    if fmt != "pdf":
        write_text(text, path)
    elif write_pdf is None:
        raise ExportError("PDF output needs the desktop libraries; choose HTML instead.")
    else:
        write_pdf(text, path, footer)


def write_metrics(
    report: MetricsReport,
    fmt: str,
    path: Path,
    *,
    for_excel: bool = False,
    charts: dict[str, str] | None = None,
    write_pdf: PdfWriter | None = None,
) -> None:
    """The quality metrics as csv, xlsx, json, md, html or pdf (``charts`` in HTML/PDF)."""
    if fmt == "csv":
        write_csv(metrics_rows(report), path, for_excel=for_excel)
    elif fmt == "xlsx":
        write_xlsx(metrics_rows(report), path)
    elif fmt == "json":
        write_json(metrics_json(report), path)
    else:
        text = render_metrics(report, "md" if fmt == "md" else "html", charts)
        write_rendered(text, fmt, path, f"Quality metrics {report.period.label}", write_pdf)


def write_weekly(
    report: WeeklyReport, fmt: str, path: Path, *, write_pdf: PdfWriter | None = None
) -> None:
    """The weekly review as json, md, html or pdf."""
    if fmt == "json":
        write_json(report_dataclass(report), path)
    else:
        text = render_weekly(report, "md" if fmt == "md" else "html")
        write_rendered(text, fmt, path, f"Weekly review {report.week}", write_pdf)


# -- every ticket, every field -----------------------------------------------------------


def _ticket_columns() -> list[str]:
    return [column.name for column in Ticket.__table__.columns]


def ticket_record(ticket: Ticket, columns: list[str]) -> dict[str, Any]:
    record = {name: _plain(getattr(ticket, name)) for name in columns}
    customer = ticket.customer
    record.update(
        customer_name=customer.name,
        customer_email=customer.email,
        organization=customer.organization.name if customer.organization else "",
        category=ticket.category.name if ticket.category else "",
        assignee=ticket.assignee.name if ticket.assignee else "",
        tags=", ".join(tag.name for tag in ticket.tags),
    )
    return record


def iter_tickets(db: Database, progress: Progress | None = None) -> Iterator[dict[str, Any]]:
    """Every ticket as a flat record, in number order, read in batches."""
    columns = _ticket_columns()
    with db.read_session() as session:
        total = session.scalar(select(func.count()).select_from(Ticket)) or 0
        done, last = 0, 0
        while True:
            batch = session.scalars(
                select(Ticket)
                .where(Ticket.number > last)
                .order_by(Ticket.number)
                .limit(BATCH)
                .options(
                    selectinload(Ticket.customer).selectinload(Customer.organization),
                    selectinload(Ticket.category),
                    selectinload(Ticket.assignee),
                    selectinload(Ticket.tags),
                )
            ).all()
            if not batch:
                break
            for ticket in batch:
                yield ticket_record(ticket, columns)
            done += len(batch)
            last = batch[-1].number
            session.expunge_all()
            if progress:
                progress(done, total)


def export_tickets(
    db: Database,
    fmt: str,
    path: Path,
    *,
    for_excel: bool = False,
    progress: Progress | None = None,
) -> int:
    """Write every ticket with every field as CSV, JSON or XLSX; returns how many.

    ``for_excel`` (CSV): as :func:`write_csv` makes it.
    """
    if fmt not in TICKET_FORMATS:
        raise ExportError(f"Tickets export as {', '.join(TICKET_FORMATS)}, not “{fmt}”.")
    count = 0
    with atomic_output(path, binary=fmt == "xlsx", bom=for_excel and fmt == "csv") as handle:
        records = iter_tickets(db, progress)
        if fmt == "xlsx":
            workbook = _workbook(handle)
            worksheet = None
            for record in records:
                if worksheet is None:
                    worksheet = _xlsx_sheet(workbook, "Tickets", list(record))
                count += 1
                _write_row(worksheet, count, record.values())
            workbook.close()
        elif fmt == "csv":
            writer: csv.DictWriter[str] | None = None
            for record in records:
                if writer is None:
                    writer = csv.DictWriter(handle, fieldnames=list(record), lineterminator="\r\n")
                    writer.writeheader()
                writer.writerow(_csv_row(record, for_excel))
                count += 1
        else:
            handle.write("[")
            for record in records:
                handle.write(",\n" if count else "\n")
                json.dump(record, handle, ensure_ascii=False)
                count += 1
            handle.write("\n]\n")
    return count


def report_dataclass(value: Any) -> Any:
    """A weekly report (dataclasses, periods, stats) as plain JSON data."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {
            f.name: report_dataclass(getattr(value, f.name))
            for f in dataclasses.fields(value)
            if f.name != "values"
        }
    if isinstance(value, list | tuple):
        return [report_dataclass(item) for item in value]
    return _plain(value)
