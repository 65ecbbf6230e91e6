"""The Reports window: the quality metrics dashboard, the weekly review, the exports.

A non-modal window (View > Reports…) that composes the Dashboard tab
(:class:`~aiva_desk.gui.reports.dashboard.DashboardTab`: range, grouping, metrics,
charts and a bar's tickets), the Weekly review tab
(:class:`~aiva_desk.gui.reports.weekly_review.WeeklyReviewView`) and their exports
(:class:`~aiva_desk.gui.reports.exports.ReportExporter`). It keeps its geometry,
asks about unsaved weekly notes before closing (Save saves them, then the window
closes), and offers the two hooks tests replace: :meth:`ReportsWindow.choose_path`
(save dialogs) and :meth:`ReportsWindow.ask_unsaved`.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from PySide6.QtCore import QEventLoop, QSettings, Signal
from PySide6.QtGui import QCloseEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import QMainWindow, QMessageBox, QProgressDialog, QTabWidget, QWidget

from aiva_desk import clock
from aiva_desk.app_context import AppContext
from aiva_desk.gui.reports.dashboard import (
    CUSTOM,
    LAST_30_DAYS,
    LAST_WEEK,
    PRESETS,
    THIS_QUARTER,
    THIS_WEEK,
    DashboardData,
    DashboardTab,
    preset_range,
)
from aiva_desk.gui.reports.exports import ReportExporter, ask_save_path, chart_images
from aiva_desk.gui.reports.metrics_table import COLUMNS, MetricsTableModel
from aiva_desk.gui.reports.weekly_review import WeeklyReviewView
from aiva_desk.reports.periods import Period

__all__ = [
    "COLUMNS",
    "CUSTOM",
    "LAST_30_DAYS",
    "LAST_WEEK",
    "PRESETS",
    "THIS_QUARTER",
    "THIS_WEEK",
    "MetricsTableModel",
    "ReportsWindow",
    "preset_range",
]

GEOMETRY_KEY = "reports/geometry"


class ReportsWindow(QMainWindow):
    """The Dashboard and Weekly review tabs, and their exports.

    Signals:
        ticket_requested(int): the user asked to open this ticket (id) in the editor.
        dashboard_updated(): new metrics and charts are shown.
        tickets_listed(): the tickets behind a clicked bar are listed.
        export_finished(str): a file was written (its path).
    """

    ticket_requested = Signal(int)
    dashboard_updated = Signal()
    tickets_listed = Signal()
    export_finished = Signal(str)

    def __init__(
        self,
        context: AppContext,
        parent: QWidget | None = None,
        *,
        settings: QSettings | None = None,
        today: dt.date | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("reportsWindow")
        self.setWindowTitle("Reports — AIVA Desk")
        self._settings = settings if settings is not None else QSettings()
        self._today = today or clock.now().date()
        self._saving_before_close = False

        def choose_path(title: str, name: str, filters: str) -> Path | None:
            return self.choose_path(title, name, filters)  # the hook as it is now

        self.exporter = ReportExporter(context, self, choose_path, self._today)
        self.tabs = QTabWidget(self)
        self.tabs.setObjectName("reportsTabs")
        self.tabs.setDocumentMode(True)
        self.setCentralWidget(self.tabs)
        self.dashboard = DashboardTab(context, self._settings, self._today, self.tabs)
        self.tabs.addTab(self.dashboard, "&Dashboard")
        self.weekly = WeeklyReviewView(
            context, choose_path, self.exporter.export_rendered, self.tabs, today=self._today
        )
        self.tabs.addTab(self.weekly, "&Weekly Review")
        self.statusBar().setObjectName("reportsStatusBar")

        # the dashboard's widgets, reachable from the window as they were before the split
        dashboard = self.dashboard
        self.from_edit = dashboard.from_edit
        self.to_edit = dashboard.to_edit
        self.preset_combo = dashboard.preset_combo
        self.group_combo = dashboard.group_combo
        self.state_label = dashboard.state_label
        self.model = dashboard.model
        self.table = dashboard.table
        self.not_averaged_label = dashboard.not_averaged_label
        self.anomaly_list = dashboard.anomaly_list
        self.chart_tabs = dashboard.chart_tabs
        self.charts = dashboard.charts
        self.ticket_list = dashboard.ticket_list
        self.ticket_list_title = dashboard.ticket_list_title
        self.export_button = dashboard.export_button
        self.tickets_export_button = dashboard.tickets_export_button

        dashboard.ticket_requested.connect(self.ticket_requested)
        dashboard.dashboard_updated.connect(self.dashboard_updated)
        dashboard.tickets_listed.connect(self.tickets_listed)
        dashboard.metrics_export_requested.connect(self.export_metrics)
        dashboard.tickets_export_requested.connect(self.export_all_tickets)
        self.exporter.finished.connect(self.export_finished)
        self.exporter.ticket_export_running.connect(self._on_ticket_export_running)
        self.tabs.currentChanged.connect(self._on_tabs_current_changed)
        self.weekly.busy_changed.connect(self._on_weekly_busy_changed)
        close = QShortcut(QKeySequence.StandardKey.Close, self)
        close.activated.connect(self.close)

        geometry = self._settings.value(GEOMETRY_KEY)
        if geometry:
            self.restoreGeometry(geometry)
        else:
            self.resize(1200, 800)
        dashboard.restore()

    # -- the dashboard ----------------------------------------------------------------

    @property
    def data(self) -> DashboardData | None:
        """What the dashboard shows (``None`` before the first result)."""
        return self.dashboard.data

    @property
    def busy(self) -> bool:
        return self.dashboard.busy

    def apply_preset(self, preset: str) -> None:
        """Set the dates to ``preset`` (see ``PRESETS``) and recompute."""
        self.dashboard.apply_preset(preset)

    def set_range(self, first: dt.date, last: dt.date) -> None:
        """Show ``first`` to ``last`` (a custom range) and recompute now."""
        self.dashboard.set_range(first, last)

    def set_grouping(self, group_by: str | None) -> None:
        self.dashboard.set_grouping(group_by)

    def period(self) -> Period:
        return self.dashboard.period()

    def group_by(self) -> str | None:
        return self.dashboard.group_by()

    def refresh(self) -> None:
        """Recompute the metrics and charts for the range and grouping shown."""
        self.dashboard.refresh()

    def listed_ticket_ids(self) -> list[int]:
        return self.dashboard.listed_ticket_ids()

    # -- exports ----------------------------------------------------------------------

    @property
    def ticket_export(self) -> QProgressDialog | None:
        """The progress dialog of the running ticket export, if any."""
        return self.exporter.ticket_export

    def choose_path(self, title: str, suggested: str, filters: str) -> Path | None:
        """Ask where to save; ``None`` when cancelled. Tests replace this method."""
        return ask_save_path(self, self._settings, title, suggested, filters)

    def chart_images(self) -> dict[str, str]:
        """Every chart as a PNG data URI, by title (for the HTML and PDF exports)."""
        return {} if self.data is None else chart_images(self.data)

    def export_metrics(self, fmt: str, for_excel: bool = False) -> None:
        """Save the metrics shown as csv, json, html or pdf."""
        if self.data is not None:
            self.exporter.export_metrics(self.data, fmt, for_excel)

    def export_all_tickets(self, fmt: str, for_excel: bool = False) -> None:
        """Every ticket as csv or json, with a progress dialog the user can cancel."""
        self.exporter.export_all_tickets(fmt, for_excel)

    def _on_ticket_export_running(self, running: bool) -> None:
        self.tickets_export_button.setEnabled(not running)

    # -- tabs and closing -------------------------------------------------------------

    def _on_tabs_current_changed(self, index: int) -> None:
        if self.tabs.widget(index) is self.weekly:
            self.weekly.start()

    def _on_weekly_busy_changed(self, busy: bool) -> None:
        if busy:
            self.statusBar().showMessage("Reading the weekly review…")
        else:
            self.statusBar().clearMessage()

    def ask_unsaved(self, weeks: list[str]) -> QMessageBox.StandardButton:
        """Save, Discard or Cancel for notes not saved yet. Tests replace this method."""
        return QMessageBox.question(
            self,
            "Unsaved Notes",
            f"The weekly review notes of {', '.join(weeks)} are not saved. Save them?",
            QMessageBox.StandardButton.Save
            | QMessageBox.StandardButton.Discard
            | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Save,
        )

    def closeEvent(self, event: QCloseEvent) -> None:
        if self._saving_before_close:  # closed again while the notes are being saved
            event.ignore()
            return
        weeks = self.weekly.unsaved_weeks()
        if weeks:
            answer = self.ask_unsaved(weeks)
            if answer == QMessageBox.StandardButton.Cancel or (
                answer == QMessageBox.StandardButton.Save and not self._save_before_close()
            ):
                event.ignore()
                return
        self.exporter.cancel_ticket_export()
        self._settings.setValue(GEOMETRY_KEY, self.saveGeometry())
        super().closeEvent(event)

    def _save_before_close(self) -> bool:
        """Save every week's notes and wait for it, so the close (and a quit that
        closes this window) goes on once they are saved; False if they were not."""
        outcome: list[bool] = []
        loop = QEventLoop(self)

        def done(saved: bool) -> None:
            outcome.append(saved)
            loop.quit()

        self._saving_before_close = True
        self.setEnabled(False)
        self.statusBar().showMessage("Saving the weekly review notes…")
        try:
            self.weekly.save_all(done)  # on the writer thread; the window stays painted
            if not outcome:
                loop.exec()
        finally:
            self._saving_before_close = False
            self.setEnabled(True)
            self.statusBar().clearMessage()
        return outcome[0]
