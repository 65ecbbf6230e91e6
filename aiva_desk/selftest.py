"""``aiva-desk --self-test``: prove that this installation can run, without touching its data.

Checks, in a temporary folder that is removed afterwards:

* the shipped folders (``ui/``, ``resources/``, ``templates/``) are found;
* a new database is created and migrated to the newest schema;
* every template parses, every message template renders against a sample ticket,
  every report template renders against a few demo tickets;
* the password store (keyring): which backend, and whether it can be used. A missing
  one is a warning, not a failure: the app then keeps passwords for the session only;
* with Qt, added by the entry layer (:mod:`aiva_desk.cli.commands`): every form and
  icon loads, a PDF is written.

Works the same from a source checkout, an installed wheel and the PyInstaller
bundle, because every file is found through :mod:`aiva_desk.runtime.assets`.
"""

from __future__ import annotations

import datetime as dt
import enum
import platform
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from aiva_desk import APP_NAME, __version__, clock, template_engine
from aiva_desk.runtime.assets import ASSET_KINDS, asset_dir

if TYPE_CHECKING:
    from aiva_desk.store.database import Database

EXIT_OK = 0
EXIT_FAILED = 1


class Status(enum.Enum):
    OK = "ok"
    WARNING = "warning"
    FAILED = "FAILED"


@dataclass(frozen=True)
class Check:
    """One line of the report: what was checked, how it went, and a short detail."""

    name: str
    status: Status
    detail: str = ""


@dataclass
class SelfTestReport:
    checks: list[Check] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def failed(self) -> list[Check]:
        return [check for check in self.checks if check.status is Status.FAILED]

    @property
    def warnings(self) -> list[Check]:
        return [check for check in self.checks if check.status is Status.WARNING]

    @property
    def ok(self) -> bool:
        return not self.failed

    @property
    def exit_code(self) -> int:
        return EXIT_OK if self.ok else EXIT_FAILED

    def add(self, name: str, status: Status, detail: str = "") -> None:
        self.checks.append(Check(name, status, detail))

    def text(self) -> str:
        """The report as printed: one line per check, details indented, a verdict."""
        lines = [f"{APP_NAME} {__version__} self-test", ""]
        width = max((len(check.name) for check in self.checks), default=0)
        for check in self.checks:
            label = f"[{check.status.value}]".ljust(9)
            first, *rest = (check.detail or "").splitlines() or [""]
            lines.append(f"{label} {check.name.ljust(width)}  {first}".rstrip())
            lines.extend(f"{'':9} {'':{width}}  {line}".rstrip() for line in rest)
        lines.append("")
        verdict = "PASSED" if self.ok else "FAILED"
        lines.append(
            f"{verdict}: {len(self.checks)} checks, {len(self.failed)} failed, "
            f"{len(self.warnings)} warnings, in {self.seconds:.1f} s."
        )
        return "\n".join(lines)


def first_line(exc: BaseException) -> str:
    """``exc`` in one line: a user-facing message as is, anything else with its type."""
    text = " ".join(str(exc).split())
    if _is_user_error(exc) and text:
        return text
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


@contextmanager
def _checking(report: SelfTestReport, name: str) -> Iterator[list[str]]:
    """Run the block as one check; it appends detail lines, an exception fails it."""
    details: list[str] = []
    try:
        yield details
    except Exception as exc:
        report.add(name, Status.FAILED, "\n".join([*details, first_line(exc)]))
    else:
        report.add(name, Status.OK, "\n".join(details))


def _is_user_error(exc: BaseException) -> bool:
    from aiva_desk.errors import AivaError

    return isinstance(exc, AivaError)


# -- the checks --------------------------------------------------------------------------


def check_environment(report: SelfTestReport) -> None:
    frozen = "PyInstaller bundle" if getattr(sys, "frozen", False) else "Python"
    report.add(
        "Environment",
        Status.OK,
        f"{frozen} {platform.python_version()} on {platform.platform(terse=True)}",
    )


def check_assets(report: SelfTestReport) -> None:
    with _checking(report, "Shipped files") as details:
        for kind in ASSET_KINDS:
            folder = asset_dir(kind)
            count = sum(1 for path in folder.rglob("*") if path.is_file())
            details.append(f"{kind}/: {count} files in {folder}")


def _template_names() -> list[str]:
    root = asset_dir("templates")
    return sorted(path.relative_to(root).as_posix() for path in root.rglob("*.j2"))


def check_template_syntax(report: SelfTestReport) -> None:
    names = _template_names()
    broken: list[str] = []
    for name in names:
        try:
            template_engine.environment().get_template(name)
        except Exception as exc:
            broken.append(f"{name}: {first_line(exc)}")
    if broken:
        report.add("Template syntax", Status.FAILED, "\n".join(broken))
    elif not names:
        report.add("Template syntax", Status.FAILED, "no templates found")
    else:
        report.add("Template syntax", Status.OK, f"{len(names)} templates parse")


def check_message_templates(report: SelfTestReport, db: Database) -> None:
    from aiva_desk.mail.context import Signer
    from aiva_desk.mail.message_templates import CATALOG, render_html, render_message
    from aiva_desk.mail.sample import sample_context

    try:
        context = sample_context(db, Signer(name="Self Test", email="self.test@example.com"))
    except Exception as exc:
        report.add("Message templates", Status.FAILED, f"sample ticket: {first_line(exc)}")
        return
    broken: list[str] = []
    for info in CATALOG:
        try:
            render_html(render_message(info.key, context))
        except Exception as exc:
            broken.append(f"{info.name}: {first_line(exc)}")
    if broken:
        report.add("Message templates", Status.FAILED, "\n".join(broken))
    else:
        report.add("Message templates", Status.OK, f"{len(CATALOG)} rendered with a sample ticket")


def _report_renderers(db: Database, workdir: Path) -> list[tuple[str, Callable[[], str]]]:
    from aiva_desk.demo.generate import generate_demo
    from aiva_desk.reports.exports import render_metrics, render_weekly
    from aiva_desk.reports.metrics import compute_metrics
    from aiva_desk.reports.periods import Period, iso_week_of
    from aiva_desk.reports.ticket_report import render_ticket_report
    from aiva_desk.reports.weekly import weekly_review
    from aiva_desk.tickets.attachments import AttachmentStore
    from aiva_desk.tickets.service import TicketService

    now = clock.now()
    summary = generate_demo(db, tickets=4, seed=1, now=now)
    service = TicketService(db, actor="self-test", attachments=AttachmentStore(workdir / "att"))
    today = now.date()
    period = Period.days(today - dt.timedelta(days=60), today)
    week = iso_week_of(today)
    renderers: list[tuple[str, Callable[[], str]]] = []
    for fmt in ("md", "html"):
        renderers += [
            (
                f"reports/ticket.{fmt}.j2",
                lambda f=fmt: render_ticket_report(service, summary.first_number, f),
            ),
            (
                f"reports/metrics.{fmt}.j2",
                lambda f=fmt: render_metrics(compute_metrics(db, period, "priority"), f),
            ),
            (f"reports/weekly.{fmt}.j2", lambda f=fmt: render_weekly(weekly_review(db, week), f)),
        ]
    return renderers


def check_report_templates(report: SelfTestReport, db: Database, workdir: Path) -> str | None:
    """Render every report template; returns the ticket report's HTML for the PDF check."""
    try:
        renderers = _report_renderers(db, workdir)
    except Exception as exc:
        report.add("Report templates", Status.FAILED, f"demo tickets: {first_line(exc)}")
        return None
    broken: list[str] = []
    ticket_html = None
    for name, render in renderers:
        try:
            text = render()
        except Exception as exc:
            broken.append(f"{name}: {first_line(exc)}")
            continue
        if name == "reports/ticket.html.j2":
            ticket_html = text
    rendered = {name for name, _ in renderers}
    unrendered = [
        name for name in _template_names() if name.startswith("reports/") and name not in rendered
    ]
    if broken:
        report.add("Report templates", Status.FAILED, "\n".join(broken))
    else:
        detail = f"{len(renderers)} rendered with demo tickets"
        if unrendered:
            detail += f"\nparsed only (no renderer known): {', '.join(unrendered)}"
        report.add("Report templates", Status.OK, detail)
    return ticket_html


def check_keyring(report: SelfTestReport) -> None:
    try:
        from aiva_desk.mail.credentials import CredentialStore

        store = CredentialStore()
        backend = store.describe_backend()
        problem = store.backend_problem()
    except Exception as exc:
        report.add("Password store", Status.WARNING, f"cannot be checked: {first_line(exc)}")
        return
    if problem:
        report.add(
            "Password store",
            Status.WARNING,
            f"{backend}: {problem}\nSMTP passwords will be kept for the session only.",
        )
    else:
        report.add("Password store", Status.OK, f"{backend}: usable")


def check_postgresql_driver(report: SelfTestReport) -> None:
    """A team's shared PostgreSQL database needs the psycopg driver (the postgresql extra)."""
    try:
        from sqlalchemy.dialects.postgresql import psycopg as dialect

        psycopg = dialect.dialect.import_dbapi()  # what --db-url postgresql+psycopg loads
    except ImportError:
        report.add(
            "PostgreSQL driver",
            Status.WARNING,
            "not installed: only SQLite databases can be opened "
            "(pip install 'aiva-desk[postgresql]')",
        )
        return
    except Exception as exc:
        report.add("PostgreSQL driver", Status.FAILED, first_line(exc))
        return
    report.add(
        "PostgreSQL driver", Status.OK, f"psycopg {psycopg.__version__} ({psycopg.pq.__impl__})"
    )


GuiChecks = Callable[[Path, str | None], Iterable[Check]]


def run_self_test(*, gui_checks: GuiChecks | None = None) -> SelfTestReport:
    """Run every check in a temporary folder; the caller prints ``report.text()``.

    ``gui_checks`` adds the Qt checks (forms, icons, PDF output), given the work folder
    and the rendered ticket report; the entry layer passes them, the core knows no Qt.
    """
    from aiva_desk.app_context import open_desk_database
    from aiva_desk.store.database import head_revision

    started = time.perf_counter()
    report = SelfTestReport()
    previous_overrides = template_engine._overrides
    template_engine.use_overrides(None)  # the shipped templates, not the agent's edits
    try:
        check_environment(report)
        check_assets(report)
        check_template_syntax(report)
        with tempfile.TemporaryDirectory(prefix="aiva-desk-self-test-") as tmp:
            workdir = Path(tmp)
            db = None
            with _checking(report, "Database") as details:
                db = open_desk_database(
                    f"sqlite:///{workdir / 'self-test.sqlite3'}", backups_dir=workdir / "backups"
                )
                details.append(f"new SQLite database migrated to revision {head_revision()}")
            ticket_html = None
            if db is not None:
                try:
                    check_message_templates(report, db)
                    ticket_html = check_report_templates(report, db, workdir)
                finally:
                    db.dispose()
            check_keyring(report)
            check_postgresql_driver(report)
            if gui_checks is not None:
                report.checks.extend(gui_checks(workdir, ticket_html))
    finally:
        template_engine.use_overrides(previous_overrides)
        report.seconds = time.perf_counter() - started
    return report
