"""The Reports window's exports: the metrics, the weekly review and every ticket.

Every file is written in a :class:`BackgroundTask`; the window's status bar says
what is being written and where it went. The ticket export shows a progress dialog
whose Cancel stops the worker (no file is written then). Where to save is asked
through a ``choose_path`` callable — the window's hook, which tests replace —
and :func:`ask_save_path` is what that hook does by default.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable
from pathlib import Path

import shiboken6
from PySide6.QtCore import QObject, QSettings, Qt, Signal
from PySide6.QtWidgets import QFileDialog, QMainWindow, QProgressDialog, QWidget

from aiva_desk.app_context import AppContext
from aiva_desk.errors import AivaError
from aiva_desk.gui.errors import show_error
from aiva_desk.gui.reports.charts import chart_png, png_data_uri
from aiva_desk.gui.reports.dashboard import DashboardData
from aiva_desk.gui.reports.dashboard_view import CHART_TABS
from aiva_desk.gui.reports.pdf import html_to_pdf
from aiva_desk.gui.reports.ticket_export import DIRECTORY_KEY, export_directory
from aiva_desk.gui.tasks import BackgroundTask
from aiva_desk.reports import exports

METRICS_FILTERS = {
    "csv": "CSV (*.csv)",
    "xlsx": "Excel workbook (*.xlsx)",
    "json": "JSON (*.json)",
    "html": "HTML (*.html)",
    "pdf": "PDF (*.pdf)",
}

ChoosePath = Callable[[str, str, str], Path | None]


class ExportCancelled(AivaError):
    title = "Export cancelled"


def ask_save_path(
    parent: QWidget, settings: QSettings, title: str, suggested: str, filters: str
) -> Path | None:
    """A save dialog in the folder saved to last; ``None`` when cancelled."""
    directory = export_directory(settings)
    name, _ = QFileDialog.getSaveFileName(parent, title, str(directory / suggested), filters)
    if not name:
        return None
    path = Path(name)
    settings.setValue(DIRECTORY_KEY, str(path.parent))
    return path


def chart_images(data: DashboardData) -> dict[str, str]:
    """Every chart of ``data`` as a PNG data URI, by title (for the HTML and PDF exports)."""
    return {
        data.series[name].title: png_data_uri(chart_png(data.series[name]))
        for name, _ in CHART_TABS
    }


class _ProgressRelay(QObject):
    """Carries a worker thread's progress to the GUI thread (queued signal)."""

    progressed = Signal(int, int)


class ReportExporter(QObject):
    """Writes the exports of one Reports window, off the GUI thread.

    Signals:
        finished(str): a file was written (its path).
        ticket_export_running(bool): the ticket export started (True) or ended.
    """

    finished = Signal(str)
    ticket_export_running = Signal(bool)

    def __init__(
        self, context: AppContext, window: QMainWindow, choose_path: ChoosePath, today: dt.date
    ) -> None:
        super().__init__(window)
        self._context = context
        self._window = window
        self._choose_path = choose_path
        self._today = today
        self.ticket_export: QProgressDialog | None = None
        self._export_cancel: threading.Event | None = None

    def export_metrics(self, data: DashboardData, fmt: str, for_excel: bool = False) -> None:
        """Save the metrics of ``data`` as csv, xlsx, json, html or pdf."""
        first = data.period.start.date()
        last = data.period.end.date() - dt.timedelta(days=1)
        path = self._choose_path(
            "Export Quality Metrics", f"quality-metrics-{first}-{last}.{fmt}", METRICS_FILTERS[fmt]
        )
        if path is None:
            return
        report = data.report
        charts = chart_images(data) if fmt in ("html", "pdf") else None  # Qt: GUI thread
        self._run_export(
            lambda: exports.write_metrics(
                report, fmt, path, for_excel=for_excel, charts=charts, write_pdf=html_to_pdf
            ),
            path,
        )

    def export_rendered(self, text: str, fmt: str, path: Path, footer: str) -> None:
        """Write rendered Markdown or HTML as it is, or HTML as a PDF."""
        self._run_export(lambda: exports.write_rendered(text, fmt, path, footer, html_to_pdf), path)

    def _run_export(self, job: Callable[[], object], path: Path) -> None:
        self._window.statusBar().showMessage(f"Writing {path.name}…")
        context = self._context

        def checked_job() -> object:
            context.output_path(path)  # never the database or a managed folder
            return job()

        BackgroundTask(checked_job, parent=self, writes=False, label="export").success(
            lambda _: self._on_exported(path)
        ).failure(self._on_export_failed).run_in_background()

    def _on_exported(self, path: Path) -> None:
        self._window.statusBar().showMessage(f"Saved {path}", 10000)
        self.finished.emit(str(path))

    def _on_export_failed(self, exc: Exception) -> None:
        self._window.statusBar().clearMessage()
        show_error(self._window, exc)

    # -- every ticket -------------------------------------------------------------------

    def export_all_tickets(self, fmt: str, for_excel: bool = False) -> None:
        """Every ticket as csv, xlsx or json, with a progress dialog the user can cancel."""
        if self.ticket_export is not None:
            return
        filters = METRICS_FILTERS[fmt]
        path = self._choose_path("Export All Tickets", f"tickets-{self._today}.{fmt}", filters)
        if path is None:
            return
        dialog = QProgressDialog("Counting tickets…", "Cancel", 0, 0, self._window)
        dialog.setObjectName("ticketExportProgress")
        dialog.setWindowTitle("Export All Tickets")
        dialog.setWindowModality(Qt.WindowModality.NonModal)
        dialog.setMinimumDuration(0)
        dialog.setAutoClose(False)
        dialog.setAutoReset(False)
        cancel = threading.Event()
        dialog.canceled.connect(cancel.set)
        relay = _ProgressRelay(dialog)
        relay.progressed.connect(
            self._on_ticket_export_progressed, Qt.ConnectionType.QueuedConnection
        )
        self.ticket_export, self._export_cancel = dialog, cancel
        self.ticket_export_running.emit(True)
        dialog.show()
        context = self._context

        def progress(done: int, total: int) -> None:  # on the worker thread
            if cancel.is_set():
                raise ExportCancelled("The ticket export was cancelled; no file was written.")
            relay.progressed.emit(done, total)

        def export() -> int:
            target = context.output_path(path)  # never the database or a managed folder
            return exports.export_tickets(
                context.db, fmt, target, for_excel=for_excel, progress=progress
            )

        BackgroundTask(
            export,
            parent=self,
            writes=False,
            label="export tickets",
        ).success(lambda count: self._on_tickets_exported(path, count)).failure(
            self._on_tickets_export_failed
        ).run_in_background()

    def cancel_ticket_export(self) -> None:
        """Stop a running ticket export (the window is closing)."""
        if self._export_cancel is not None:
            self._export_cancel.set()

    def _on_ticket_export_progressed(self, done: int, total: int) -> None:
        dialog = self.ticket_export
        if dialog is None or not shiboken6.isValid(dialog) or dialog.wasCanceled():
            return
        dialog.setMaximum(max(total, 1))
        dialog.setValue(done)
        dialog.setLabelText(f"Exported {done:,} of {total:,} tickets…")

    def _end_ticket_export(self) -> None:
        if self.ticket_export is not None and shiboken6.isValid(self.ticket_export):
            self.ticket_export.close()
            self.ticket_export.deleteLater()
        self.ticket_export = self._export_cancel = None
        self.ticket_export_running.emit(False)

    def _on_tickets_exported(self, path: Path, count: int) -> None:
        self._end_ticket_export()
        self._window.statusBar().showMessage(f"Exported {count:,} tickets to {path}", 10000)
        self.finished.emit(str(path))

    def _on_tickets_export_failed(self, exc: Exception) -> None:
        self._end_ticket_export()
        if isinstance(exc, ExportCancelled):
            self._window.statusBar().showMessage(exc.message, 10000)
        else:
            show_error(self._window, exc)
