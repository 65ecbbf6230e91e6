"""The Reports dashboard tab: computes the metrics and charts for a range and a grouping.

The range comes from two dates or a preset, the grouping from a combo box; both are
remembered in QSettings. Each change recomputes in a :class:`BackgroundTask` and a
result for a range the user has since changed is dropped. Clicking a bar lists its
tickets; double-clicking one (or an impossible timestamp) asks for it to be opened
(``ticket_requested``). The widgets are laid out by
:class:`~aiva_desk.gui.reports.dashboard_view.DashboardView`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QDate, QSettings, Qt, QTimer, Signal
from PySide6.QtWidgets import QListWidgetItem, QTreeWidgetItem, QWidget

from aiva_desk.app_context import AppContext
from aiva_desk.errors import ValidationError
from aiva_desk.gui.common import theme
from aiva_desk.gui.errors import show_error
from aiva_desk.gui.reports.dashboard_view import (
    CUSTOM,
    LAST_30_DAYS,
    LAST_WEEK,
    PICK_A_BAR,
    PRESETS,
    THIS_QUARTER,
    THIS_WEEK,
    TICKET_ID_ROLE,
    DashboardView,
)
from aiva_desk.gui.tasks import BackgroundTask, LatestRead
from aiva_desk.reports import series
from aiva_desk.reports.metrics import MetricsReport, compute_metrics
from aiva_desk.reports.periods import Period
from aiva_desk.reports.series import Series, TicketList

PRESET_KEY = "reports/preset"
GROUPING_KEY = "reports/grouping"
REFRESH_DELAY_MS = 300  # a date typed digit by digit is computed once


def preset_range(preset: str, today: dt.date) -> tuple[dt.date, dt.date]:
    """The first and last day (both included) that ``preset`` means on ``today``."""
    monday = today - dt.timedelta(days=today.weekday())
    if preset == THIS_WEEK:
        return monday, today
    if preset == LAST_WEEK:
        return monday - dt.timedelta(days=7), monday - dt.timedelta(days=1)
    if preset == LAST_30_DAYS:
        return today - dt.timedelta(days=29), today
    if preset == THIS_QUARTER:
        return dt.date(today.year, 3 * ((today.month - 1) // 3) + 1, 1), today
    raise ValueError(f"no preset {preset!r}")


def _qdate(day: dt.date) -> QDate:
    return QDate(day.year, day.month, day.day)


@dataclass(frozen=True)
class DashboardData:
    """What one computation delivers: the metrics and every chart's series."""

    period: Period
    group_by: str | None
    report: MetricsReport
    series: dict[str, Series]


def compute_dashboard(db: Any, period: Period, group_by: str | None) -> DashboardData:
    """Metrics and chart series for one range (runs on a worker thread)."""
    return DashboardData(
        period, group_by, compute_metrics(db, period, group_by), series.dashboard_series(db, period)
    )


class DashboardTab(DashboardView):
    """The metrics, charts and a bar's tickets for the range and grouping shown.

    Signals:
        ticket_requested(int): the user asked to open this ticket (id) in the editor.
        dashboard_updated(): new metrics and charts are shown.
        tickets_listed(): the tickets behind a clicked bar are listed.
    """

    ticket_requested = Signal(int)
    dashboard_updated = Signal()
    tickets_listed = Signal()

    def __init__(
        self,
        context: AppContext,
        settings: QSettings,
        today: dt.date,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._context = context
        self._settings = settings
        self._today = today
        # The range, grouping or bar may change meanwhile: only the newest answer counts.
        self._metrics_reads = LatestRead(self, "dashboard")
        self._list_reads = LatestRead(self, "bar tickets")
        self.data: DashboardData | None = None

        self.refresh_timer = QTimer(self)
        self.refresh_timer.setSingleShot(True)
        self.refresh_timer.setInterval(REFRESH_DELAY_MS)
        self.refresh_timer.timeout.connect(self.refresh)
        self.from_edit.dateChanged.connect(self._on_date_edited)
        self.to_edit.dateChanged.connect(self._on_date_edited)
        self.preset_combo.currentIndexChanged.connect(self._on_preset_combo_changed)
        self.group_combo.currentIndexChanged.connect(self._on_group_combo_changed)
        self.anomaly_list.itemActivated.connect(self._on_anomaly_list_item_activated)
        self.ticket_list.itemActivated.connect(self._on_ticket_list_item_activated)
        for view in self.charts.values():
            view.point_clicked.connect(self._on_chart_point_clicked)
        self._show_not_averaged(None)

    def restore(self) -> None:
        """Show the grouping and preset used last (and compute them)."""
        group = self._settings.value(GROUPING_KEY, "")
        index = self.group_combo.findData(group or None)
        preset = str(self._settings.value(PRESET_KEY, LAST_30_DAYS))
        self.group_combo.blockSignals(True)
        self.group_combo.setCurrentIndex(max(index, 0))
        self.group_combo.blockSignals(False)
        self.apply_preset(preset if preset in PRESETS[1:] else LAST_30_DAYS)

    # -- range and grouping -----------------------------------------------------------

    def apply_preset(self, preset: str) -> None:
        """Set the dates to ``preset`` (see ``PRESETS``) and recompute."""
        first, last = preset_range(preset, self._today)
        for widget in (self.from_edit, self.to_edit, self.preset_combo):
            widget.blockSignals(True)
        self.from_edit.setDate(_qdate(first))
        self.to_edit.setDate(_qdate(last))
        self.preset_combo.setCurrentText(preset)
        for widget in (self.from_edit, self.to_edit, self.preset_combo):
            widget.blockSignals(False)
        self._settings.setValue(PRESET_KEY, preset)
        self.refresh()

    def set_range(self, first: dt.date, last: dt.date) -> None:
        """Show ``first`` to ``last`` (a custom range) and recompute now."""
        for edit, day in ((self.from_edit, first), (self.to_edit, last)):
            edit.blockSignals(True)
            edit.setDate(_qdate(day))
            edit.blockSignals(False)
        self._match_preset()
        self.refresh()

    def set_grouping(self, group_by: str | None) -> None:
        self.group_combo.setCurrentIndex(self.group_combo.findData(group_by))

    def period(self) -> Period:
        return Period.days(self.from_edit.date().toPython(), self.to_edit.date().toPython())

    def group_by(self) -> str | None:
        return self.group_combo.currentData()

    def _match_preset(self) -> None:
        shown = (self.from_edit.date().toPython(), self.to_edit.date().toPython())
        match = next((p for p in PRESETS[1:] if preset_range(p, self._today) == shown), CUSTOM)
        self.preset_combo.blockSignals(True)
        self.preset_combo.setCurrentText(match)
        self.preset_combo.blockSignals(False)

    def _on_date_edited(self) -> None:
        self._match_preset()
        self._metrics_reads.supersede()  # whatever is being computed is for the old range
        self.refresh_timer.start()

    def _on_preset_combo_changed(self, _index: int) -> None:
        preset = self.preset_combo.currentText()
        if preset != CUSTOM:
            self.apply_preset(preset)

    def _on_group_combo_changed(self, _index: int) -> None:
        self._settings.setValue(GROUPING_KEY, self.group_by() or "")
        self.refresh()

    # -- computing --------------------------------------------------------------------

    @property
    def busy(self) -> bool:
        return self.busy_bar.isVisible() or self.refresh_timer.isActive()

    def refresh(self) -> None:
        """Recompute the metrics and charts for the range and grouping shown."""
        self.refresh_timer.stop()
        try:
            period = self.period()
        except ValidationError as exc:
            self._metrics_reads.supersede()
            self._set_state(" ".join(exc.problems.values()), error=True)
            self.busy_bar.hide()
            return
        group_by, db = self.group_by(), self._context.db
        self.busy_bar.show()
        self.export_button.setEnabled(False)
        self._set_state("Computing…")
        self._metrics_reads.run(
            lambda: compute_dashboard(db, period, group_by),
            self._on_computed,
            self._on_compute_failed,
        )

    def _on_computed(self, data: DashboardData) -> None:
        self.busy_bar.hide()
        self.data = data
        regrouped = self.model.report is None or self.model.report.group_by != data.group_by
        self.model.set_report(data.report)
        self.table.resizeColumnsToContents()
        if regrouped:
            self._fit_table()
        self._show_not_averaged(data.report)
        for name, view in self.charts.items():
            view.set_series(data.series[name])
        self._clear_ticket_list()
        self.export_button.setEnabled(True)
        total = data.report.total.escalation.total
        self._set_state(f"{data.period.label} · {total:,} tickets reported")
        self.dashboard_updated.emit()

    def _fit_table(self) -> None:
        """Give the table the height of its rows (up to half the tab), the charts the rest."""
        sizes = self.splitter.sizes()
        available = sum(sizes)
        if available <= 0:
            return
        rows = self.table.verticalHeader().length()
        chrome = self.table.horizontalHeader().height() + 2 * self.table.frameWidth()
        if self.table.horizontalScrollBar().isVisible():
            chrome += self.table.horizontalScrollBar().height()
        others = sizes[0] - self.table.height()  # the labels below the table
        wanted = min(rows + chrome + max(others, 0) + 4, available // 2)
        wanted = max(wanted, 160)
        self.splitter.setSizes([wanted, available - wanted])

    def _on_compute_failed(self, exc: Exception) -> None:
        self.busy_bar.hide()
        self._set_state("The metrics could not be computed.", error=True)
        show_error(self, exc)

    def _set_state(self, text: str, *, error: bool = False) -> None:
        self.state_label.setText(text)
        color = theme.error_color() if error else theme.muted_color()
        self.state_label.setStyleSheet(f"color: {color.name()};")

    def _show_not_averaged(self, report: MetricsReport | None) -> None:
        if report is None:
            self.not_averaged_label.setText("")
            self.anomalies_label.hide()
            self.anomaly_list.hide()
            return
        t = report.total
        impossible = t.first_response.impossible + t.resolution.impossible
        self.not_averaged_label.setText(
            f"<b>Not averaged:</b> {t.first_response.missing:,} tickets awaiting a first "
            f"response, {impossible:,} impossible timestamps, {t.sla.excluded:,} resolved "
            f"tickets without an SLA deadline, {t.satisfaction.missing:,} closed tickets "
            "without a satisfaction score."
        )
        self.anomaly_list.clear()
        for line in report.anomalies:
            QListWidgetItem(line, self.anomaly_list)
        shown = len(report.anomalies)
        more = f" — the first {shown} listed" if report.anomaly_count > shown else ""
        self.anomalies_label.setText(
            f"<b>Impossible timestamps ({report.anomaly_count:,}){more}</b> "
            "— double-click to open the ticket:"
        )
        self.anomalies_label.setVisible(bool(report.anomaly_count))
        self.anomaly_list.setVisible(bool(report.anomalies))

    def _on_anomaly_list_item_activated(self, item: QListWidgetItem) -> None:
        number = item.text().split(":", 1)[0].lstrip("#")
        if not number.isdigit():
            return
        tickets = self._context.tickets
        BackgroundTask(
            lambda: tickets.id_for_number(int(number)), parent=self, writes=False, label="find"
        ).success(self.ticket_requested.emit).run_in_background()

    # -- the tickets behind a bar -----------------------------------------------------

    def _clear_ticket_list(self) -> None:
        self._list_reads.supersede()
        self.ticket_list.clear()
        self.ticket_list_title.setText(PICK_A_BAR)

    def _on_chart_point_clicked(self, name: str, key: str) -> None:
        if self.data is None:
            return
        period, db = self.data.period, self._context.db
        self.ticket_list_title.setText("Reading…")
        self._list_reads.run(
            lambda: series.tickets_behind(db, period, name, key), self._on_tickets_read
        )

    def _on_tickets_read(self, listing: TicketList) -> None:
        self.ticket_list.clear()
        items = []
        for row in listing.rows:
            item = QTreeWidgetItem([str(row.number), row.subject, row.detail])
            item.setData(0, TICKET_ID_ROLE, row.id)
            item.setTextAlignment(0, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            for column in (1, 2):
                item.setToolTip(column, f"#{row.number} {row.subject}\n{row.detail}")
            items.append(item)
        self.ticket_list.addTopLevelItems(items)
        shown = len(listing.rows)
        count = f"{listing.total:,} ticket{'s' if listing.total != 1 else ''}"
        if listing.total > shown:
            count += f", the first {shown:,} listed"
        self.ticket_list_title.setText(f"<b>{listing.title}</b> ({count})")
        self.tickets_listed.emit()

    def _on_ticket_list_item_activated(self, item: QTreeWidgetItem, _column: int = 0) -> None:
        ticket_id = item.data(0, TICKET_ID_ROLE)
        if ticket_id is not None:
            self.ticket_requested.emit(int(ticket_id))

    def listed_ticket_ids(self) -> list[int]:
        return [
            int(self.ticket_list.topLevelItem(row).data(0, TICKET_ID_ROLE))
            for row in range(self.ticket_list.topLevelItemCount())
        ]
