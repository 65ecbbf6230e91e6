"""The Reports window: the quality metrics dashboard, the weekly review, the exports.

A non-modal window (View > Reports…). The Dashboard tab takes a date range
(with presets) and a grouping, and shows the seven quality metrics per group with
their written definitions as tooltips, what was not averaged and why, and five
charts; clicking a bar lists its tickets, double-clicking one asks the main
window to open it (``ticket_requested``). The Weekly review tab is
:class:`~aiva_desk.gui.weekly_review_view.WeeklyReviewView`.

Every computation and every file written runs in a :class:`BackgroundTask`; a
result for a range the user has since changed is dropped. Save dialogs go
through :meth:`ReportsWindow.choose_path`, which tests replace.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import shiboken6
from PySide6.QtCore import (
    QAbstractTableModel,
    QDate,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QRect,
    QSettings,
    QSize,
    QStandardPaths,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QCloseEvent, QFont, QKeySequence, QPainter, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMenu,
    QMessageBox,
    QProgressBar,
    QProgressDialog,
    QSplitter,
    QTableView,
    QTabWidget,
    QToolButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from aiva_desk.app_context import AppContext
from aiva_desk.errors import AivaError, ValidationError
from aiva_desk.gui import theme
from aiva_desk.gui.errors import show_error
from aiva_desk.gui.report_charts import SeriesChartView, chart_png, png_data_uri
from aiva_desk.gui.tasks import BackgroundTask
from aiva_desk.gui.weekly_review_view import WeeklyReviewView
from aiva_desk.reports import exports, series
from aiva_desk.reports.metrics import METRICS, GroupMetrics, MetricsReport, compute_metrics
from aiva_desk.reports.periods import Period
from aiva_desk.reports.series import Series, TicketList

log = logging.getLogger(__name__)

GEOMETRY_KEY = "reports/geometry"
PRESET_KEY = "reports/preset"
GROUPING_KEY = "reports/grouping"
DIRECTORY_KEY = "reports/export_directory"
REFRESH_DELAY_MS = 300  # a date typed digit by digit is computed once
CUSTOM, THIS_WEEK, LAST_WEEK, LAST_30_DAYS, THIS_QUARTER = (
    "Custom range",
    "This week",
    "Last week",
    "Last 30 days",
    "This quarter",
)
PRESETS = (CUSTOM, THIS_WEEK, LAST_WEEK, LAST_30_DAYS, THIS_QUARTER)
GROUPINGS = (
    ("No grouping", None),
    ("Category", "category"),
    ("Priority", "priority"),
    ("Agent", "agent"),
    ("Week", "week"),
)
CHART_TABS = (
    (series.VOLUME, "Volume"),
    (series.SLA, "SLA compliance"),
    (series.RESOLUTION, "Time to resolution"),
    (series.CATEGORY, "By category"),
    (series.ESCALATIONS, "Escalations"),
)
TICKET_ID_ROLE = Qt.ItemDataRole.UserRole + 1
PDF_CHART_WIDTH = 660  # CSS pixels: the width of an A4 page between the PDF's margins
PICK_A_BAR = "Click a bar in a chart to list its tickets here."


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


class ExportCancelled(AivaError):
    title = "Export cancelled"


# -- the metrics table ------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    header: str
    metric: str | None  # key into METRICS for the definition
    text: Callable[[GroupMetrics], str]
    detail: Callable[[GroupMetrics], str] | None = None
    band: str = ""  # drawn once above the columns that share it ("First response")


def _count(n: int) -> str:
    return f"{n:,}"


def _rate(name: str) -> Callable[[GroupMetrics], str]:
    def text(group: GroupMetrics) -> str:
        stat = getattr(group, name)
        return f"{exports.percent(stat.rate)} of {stat.total:,}"

    return text


def _duration_columns(name: str, title: str) -> list[Column]:
    def stat(group: GroupMetrics) -> Any:
        return getattr(group, name)

    def detail(group: GroupMetrics) -> str:
        s = stat(group)
        parts = [f"{s.count:,} tickets averaged"]
        if s.missing and name == "first_response":
            parts.append(f"{s.missing:,} awaiting a first response")
        if s.impossible:
            parts.append(f"{s.impossible:,} with an impossible timestamp")
        return "; ".join(parts) + "."

    def skipped(group: GroupMetrics) -> str:
        s = stat(group)
        return _count(s.missing + s.impossible) if s.missing + s.impossible else "—"

    return [
        Column("average", name, lambda g: exports.human(stat(g).average), detail, title),
        Column("median", name, lambda g: exports.human(stat(g).median), detail, title),
        Column("p90", name, lambda g: exports.human(stat(g).p90), detail, title),
        Column("n", name, lambda g: _count(stat(g).count), detail, title),
        Column("not avg.", name, skipped, detail, title),
    ]


def _satisfaction(group: GroupMetrics) -> str:
    s = group.satisfaction
    return "—" if s.average is None else f"{s.average:.2f} (n {s.count:,})"


def _satisfaction_detail(group: GroupMetrics) -> str:
    s = group.satisfaction
    return (
        f"{s.count:,} scored, {s.satisfied:,} of them 4 or 5 "
        f"({exports.percent(s.satisfied_rate)}); {s.missing:,} closed without a score."
    )


def _rate_detail(name: str, what: str) -> Callable[[GroupMetrics], str]:
    def detail(group: GroupMetrics) -> str:
        stat = getattr(group, name)
        text = f"{stat.hits:,} {what} of {stat.total:,}."
        if name == "sla":
            text += f" {stat.excluded:,} resolved without an SLA deadline (not counted)."
        return text

    return detail


COLUMNS: tuple[Column, ...] = (
    Column("Group", None, lambda g: g.group),
    *_duration_columns("first_response", "First response"),
    *_duration_columns("resolution", "Resolution"),
    Column("SLA\ncompliance", "sla", _rate("sla"), _rate_detail("sla", "met")),
    Column("Satisfaction\n(1–5)", "satisfaction", _satisfaction, _satisfaction_detail),
    Column(
        "Escalation\nrate",
        "escalation",
        _rate("escalation"),
        _rate_detail("escalation", "escalated"),
    ),
    Column("Reopened\nrate", "reopened", _rate("reopened"), _rate_detail("reopened", "reopened")),
    Column(
        "Self-service\nrate",
        "self_service",
        _rate("self_service"),
        _rate_detail("self_service", "self-service"),
    ),
)
DEFINITIONS = {m.key: m for m in METRICS}


BAND_ROLE = Qt.ItemDataRole.UserRole + 2


class BandedHeaderView(QHeaderView):
    """A horizontal header whose sections may share a band drawn above them
    (the model's ``BAND_ROLE`` header data); the other sections use both lines."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(Qt.Orientation.Horizontal, parent)

    def sizeHint(self) -> QSize:
        hint = super().sizeHint()
        return QSize(hint.width(), max(hint.height(), 2 * self.fontMetrics().height() + 10))

    def _band(self, section: int) -> str:
        model = self.model()
        if model is None:
            return ""
        return model.headerData(section, Qt.Orientation.Horizontal, BAND_ROLE) or ""

    def paintSection(self, painter: QPainter, rect: QRect, section: int) -> None:
        band = self._band(section)
        if not band:
            super().paintSection(painter, rect, section)
            return
        half = rect.height() // 2
        lower = QRect(rect.left(), rect.top() + half, rect.width(), rect.height() - half)
        super().paintSection(painter, lower, section)
        first = last = section
        while first > 0 and self._band(first - 1) == band:
            first -= 1
        while last < self.count() - 1 and self._band(last + 1) == band:
            last += 1
        left = self.sectionViewportPosition(first)
        right = self.sectionViewportPosition(last) + self.sectionSize(last)
        upper = QRect(rect.left(), rect.top(), rect.width(), half)
        painter.save()
        painter.setClipRect(upper)
        painter.fillRect(upper, self.palette().button())
        painter.setPen(self.palette().mid().color())
        painter.drawLine(upper.bottomLeft(), upper.bottomRight())
        if section == last:
            painter.drawLine(upper.topRight(), upper.bottomRight())
        painter.setPen(self.palette().buttonText().color())
        font = QFont(painter.font())
        font.setBold(True)
        painter.setFont(font)
        painter.drawText(
            QRect(left, rect.top(), right - left, half),
            int(Qt.AlignmentFlag.AlignCenter),
            band,
        )
        painter.restore()


class MetricsTableModel(QAbstractTableModel):
    """One row per group and the total last (bold); every metric's figures."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.report: MetricsReport | None = None
        self._rows: list[GroupMetrics] = []

    def set_report(self, report: MetricsReport | None) -> None:
        self.beginResetModel()
        self.report = report
        self._rows = [] if report is None else [*report.groups, report.total]
        self.endResetModel()

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def data(
        self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if not index.isValid() or not (0 <= index.row() < len(self._rows)):
            return None
        group, column = self._rows[index.row()], COLUMNS[index.column()]
        total = index.row() == len(self._rows) - 1
        if role == Qt.ItemDataRole.DisplayRole:
            return column.text(group)
        if role == Qt.ItemDataRole.ToolTipRole and column.metric:
            metric = DEFINITIONS[column.metric]
            detail = column.detail(group) if column.detail else ""
            return f"<b>{metric.title}</b> — {group.group}<br>{detail}<br><br>{metric.definition}"
        if role == Qt.ItemDataRole.TextAlignmentRole:
            horizontal = (
                Qt.AlignmentFlag.AlignLeft if index.column() == 0 else Qt.AlignmentFlag.AlignRight
            )
            return int(horizontal | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.FontRole and total:
            font = QFont()
            font.setBold(True)
            return font
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or not (0 <= section < len(COLUMNS)):
            return None
        column = COLUMNS[section]
        if role == Qt.ItemDataRole.DisplayRole:
            return column.header
        if role == BAND_ROLE:
            return column.band
        if role == Qt.ItemDataRole.ToolTipRole and column.metric:
            metric = DEFINITIONS[column.metric]
            return f"<b>{metric.title}</b><br>{metric.definition}"
        return None

    def group_names(self) -> list[str]:
        return [g.group for g in self._rows]


# -- what one computation delivers ------------------------------------------------------


@dataclass(frozen=True)
class DashboardData:
    period: Period
    group_by: str | None
    report: MetricsReport
    series: dict[str, Series]


def compute_dashboard(db: Any, period: Period, group_by: str | None) -> DashboardData:
    """Metrics and chart series for one range (runs on a worker thread)."""
    return DashboardData(
        period, group_by, compute_metrics(db, period, group_by), series.dashboard_series(db, period)
    )


class _ProgressRelay(QObject):
    """Carries a worker thread's progress to the GUI thread (queued signal)."""

    progressed = Signal(int, int)


# -- the window -------------------------------------------------------------------------


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
        self._context = context
        self._settings = settings if settings is not None else QSettings()
        self._today = today or context.db.clock().date()
        self._generation = 0
        self._list_generation = 0
        self._closing_ok = False
        self.data: DashboardData | None = None
        self.ticket_export: QProgressDialog | None = None
        self._export_cancel: threading.Event | None = None

        self.tabs = QTabWidget(self)
        self.tabs.setObjectName("reportsTabs")
        self.tabs.setDocumentMode(True)
        self.setCentralWidget(self.tabs)
        self.dashboard = QWidget(self.tabs)
        self.dashboard.setObjectName("dashboardTab")
        self.tabs.addTab(self.dashboard, "&Dashboard")
        self.weekly = WeeklyReviewView(
            context,
            lambda title, name, filters: self.choose_path(title, name, filters),
            self._export_rendered,
            self.tabs,
            today=self._today,
        )
        self.tabs.addTab(self.weekly, "&Weekly Review")
        self._build_dashboard()
        self.statusBar().setObjectName("reportsStatusBar")

        self.refresh_timer = QTimer(self)
        self.refresh_timer.setSingleShot(True)
        self.refresh_timer.setInterval(REFRESH_DELAY_MS)
        self.refresh_timer.timeout.connect(self.refresh)
        self.from_edit.dateChanged.connect(self._on_date_edited)
        self.to_edit.dateChanged.connect(self._on_date_edited)
        self.preset_combo.currentIndexChanged.connect(self._on_preset_combo_changed)
        self.group_combo.currentIndexChanged.connect(self._on_group_combo_changed)
        self.tabs.currentChanged.connect(self._on_tabs_current_changed)
        self.weekly.busy_changed.connect(self._on_weekly_busy_changed)
        close = QShortcut(QKeySequence.StandardKey.Close, self)
        close.activated.connect(self.close)

        self._restore()

    # -- layout -----------------------------------------------------------------------

    def _build_dashboard(self) -> None:
        tab = self.dashboard
        self.from_edit = self._date_edit("fromDateEdit", "First day of the range")
        self.to_edit = self._date_edit("toDateEdit", "Last day of the range (included)")
        self.preset_combo = QComboBox(tab)
        self.preset_combo.setObjectName("presetCombo")
        self.preset_combo.setAccessibleName("Date range")
        self.preset_combo.addItems(PRESETS)
        self.group_combo = QComboBox(tab)
        self.group_combo.setObjectName("groupCombo")
        self.group_combo.setAccessibleName("Group by")
        for text, key in GROUPINGS:
            self.group_combo.addItem(text, key)
        self.busy_bar = QProgressBar(tab)
        self.busy_bar.setObjectName("dashboardBusyBar")
        self.busy_bar.setRange(0, 0)
        self.busy_bar.setFixedWidth(90)
        self.busy_bar.setTextVisible(False)
        self.busy_bar.hide()
        self.state_label = QLabel(tab)
        self.state_label.setObjectName("dashboardStateLabel")
        self.export_button = self._menu_button(
            "metricsExportButton",
            "Export Metrics",
            "Save the metrics shown (HTML and PDF with the charts)",
            (
                ("csv", "CSV…", lambda: self.export_metrics("csv")),
                ("csv_bom", "CSV for Excel (with BOM)…", lambda: self.export_metrics("csv", True)),
                ("json", "JSON…", lambda: self.export_metrics("json")),
                ("html", "HTML…", lambda: self.export_metrics("html")),
                ("pdf", "PDF…", lambda: self.export_metrics("pdf")),
            ),
        )
        self.tickets_export_button = self._menu_button(
            "ticketsExportButton",
            "Export All Tickets",
            "Every ticket with every field, whatever the range",
            (
                ("csv", "CSV…", lambda: self.export_all_tickets("csv")),
                (
                    "csv_bom",
                    "CSV for Excel (with BOM)…",
                    lambda: self.export_all_tickets("csv", True),
                ),
                ("json", "JSON…", lambda: self.export_all_tickets("json")),
            ),
        )
        controls = QHBoxLayout()
        for text, widget in (
            ("&From:", self.from_edit),
            ("&To:", self.to_edit),
            ("&Range:", self.preset_combo),
            ("&Group by:", self.group_combo),
        ):
            label = QLabel(text, tab)
            label.setBuddy(widget)
            controls.addWidget(label)
            controls.addWidget(widget)
            controls.addSpacing(6)
        controls.addWidget(self.busy_bar)
        controls.addWidget(self.state_label, 1)
        controls.addWidget(self.export_button)
        controls.addWidget(self.tickets_export_button)

        self.model = MetricsTableModel(self)
        self.table = QTableView(tab)
        self.table.setObjectName("metricsTable")
        self.table.setAccessibleName("Quality metrics")
        self.table.setModel(self.model)
        self.table.setAlternatingRowColors(True)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.setWordWrap(False)
        rows = self.table.verticalHeader()
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        rows.setDefaultSectionSize(self.table.fontMetrics().height() + 8)
        header = BandedHeaderView(self.table)
        self.table.setHorizontalHeader(header)
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setHighlightSections(False)
        self.not_averaged_label = QLabel(tab)
        self.not_averaged_label.setObjectName("notAveragedLabel")
        self.not_averaged_label.setWordWrap(True)
        self.anomalies_label = QLabel(tab)
        self.anomalies_label.setObjectName("anomaliesLabel")
        self.anomaly_list = QListWidget(tab)
        self.anomaly_list.setObjectName("anomalyList")
        self.anomaly_list.setAccessibleName("Tickets with impossible timestamps")
        self.anomaly_list.setToolTip("Double-click to open the ticket")
        self.anomaly_list.setMaximumHeight(72)
        self.anomaly_list.itemActivated.connect(self._on_anomaly_list_item_activated)
        table_part = QWidget(tab)
        table_layout = QVBoxLayout(table_part)
        table_layout.setContentsMargins(0, 0, 0, 0)
        table_layout.addWidget(self.table, 1)
        table_layout.addWidget(self.not_averaged_label)
        table_layout.addWidget(self.anomalies_label)
        table_layout.addWidget(self.anomaly_list)

        self.chart_tabs = QTabWidget(tab)
        self.chart_tabs.setObjectName("chartTabs")
        self.charts: dict[str, SeriesChartView] = {}
        for name, title in CHART_TABS:
            view = SeriesChartView(name, self.chart_tabs)
            view.point_clicked.connect(self._on_chart_point_clicked)
            self.charts[name] = view
            self.chart_tabs.addTab(view, title)
        list_part = QWidget(tab)
        list_layout = QVBoxLayout(list_part)
        list_layout.setContentsMargins(0, 0, 0, 0)
        self.ticket_list_title = QLabel(PICK_A_BAR, list_part)
        self.ticket_list_title.setObjectName("ticketListTitle")
        self.ticket_list_title.setWordWrap(True)
        self.ticket_list = QTreeWidget(list_part)
        self.ticket_list.setObjectName("barTicketList")
        self.ticket_list.setAccessibleName("Tickets of the clicked bar")
        self.ticket_list.setToolTip("Double-click (or Enter) to open a ticket")
        self.ticket_list.setColumnCount(3)
        self.ticket_list.setHeaderLabels(["#", "Subject", "Detail"])
        self.ticket_list.setRootIsDecorated(False)
        self.ticket_list.setUniformRowHeights(True)
        self.ticket_list.setAlternatingRowColors(True)
        list_header = self.ticket_list.header()
        list_header.setStretchLastSection(False)
        list_header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        list_header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        list_header.setSectionResizeMode(2, QHeaderView.ResizeMode.Interactive)
        list_header.resizeSection(2, 130)
        self.ticket_list.itemActivated.connect(self._on_ticket_list_item_activated)
        list_layout.addWidget(self.ticket_list_title)
        list_layout.addWidget(self.ticket_list, 1)

        self.chart_splitter = QSplitter(Qt.Orientation.Horizontal, tab)
        self.chart_splitter.setObjectName("chartSplitter")
        self.chart_splitter.addWidget(self.chart_tabs)
        self.chart_splitter.addWidget(list_part)
        self.chart_splitter.setStretchFactor(0, 3)
        self.chart_splitter.setStretchFactor(1, 1)
        self.chart_splitter.setChildrenCollapsible(False)
        self.splitter = QSplitter(Qt.Orientation.Vertical, tab)
        self.splitter.setObjectName("dashboardSplitter")
        self.splitter.addWidget(table_part)
        self.splitter.addWidget(self.chart_splitter)
        self.splitter.setStretchFactor(0, 2)
        self.splitter.setStretchFactor(1, 3)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.setSizes([330, 430])

        layout = QVBoxLayout(tab)
        layout.addLayout(controls)
        layout.addWidget(self.splitter, 1)
        self._show_not_averaged(None)
        self.export_button.setEnabled(False)

    def _date_edit(self, name: str, tip: str) -> QDateEdit:
        edit = QDateEdit(self.dashboard)
        edit.setObjectName(name)
        edit.setCalendarPopup(True)
        edit.setDisplayFormat("yyyy-MM-dd")
        edit.setToolTip(tip)
        edit.setAccessibleName(tip)
        return edit

    def _menu_button(
        self,
        name: str,
        text: str,
        tip: str,
        actions: tuple[tuple[str, str, Callable[[], None]], ...],
    ) -> QToolButton:
        button = QToolButton(self.dashboard)
        button.setObjectName(name)
        button.setText(text)
        button.setToolTip(tip)
        button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        menu = QMenu(button)
        for key, label, slot in actions:
            action = menu.addAction(label)
            action.setObjectName(f"{name}_{key}")
            action.triggered.connect(slot)
        button.setMenu(menu)
        return button

    def _restore(self) -> None:
        geometry = self._settings.value(GEOMETRY_KEY)
        if geometry:
            self.restoreGeometry(geometry)
        else:
            self.resize(1200, 800)
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
        self._generation += 1  # whatever is being computed is for the old range now
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
        self._generation += 1
        generation = self._generation
        try:
            period = self.period()
        except ValidationError as exc:
            self._set_state(" ".join(exc.problems.values()), error=True)
            self.busy_bar.hide()
            return
        group_by, db = self.group_by(), self._context.db
        self.busy_bar.show()
        self.export_button.setEnabled(False)
        self._set_state("Computing…")
        BackgroundTask(
            lambda: compute_dashboard(db, period, group_by),
            parent=self,
            writes=False,
            label="dashboard",
        ).success(lambda data: self._on_computed(generation, data)).failure(
            lambda exc: self._on_compute_failed(generation, exc)
        ).run_in_background()

    def _on_computed(self, generation: int, data: DashboardData) -> None:
        if generation != self._generation:
            return  # the range or grouping changed meanwhile: a newer result follows
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

    def _on_compute_failed(self, generation: int, exc: Exception) -> None:
        if generation != self._generation:
            return
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
        self._list_generation += 1
        self.ticket_list.clear()
        self.ticket_list_title.setText(PICK_A_BAR)

    def _on_chart_point_clicked(self, name: str, key: str) -> None:
        if self.data is None:
            return
        self._list_generation += 1
        generation, period, db = self._list_generation, self.data.period, self._context.db
        self.ticket_list_title.setText("Reading…")
        BackgroundTask(
            lambda: series.tickets_behind(db, period, name, key),
            parent=self,
            writes=False,
            label="bar tickets",
        ).success(lambda listing: self._on_tickets_read(generation, listing)).run_in_background()

    def _on_tickets_read(self, generation: int, listing: TicketList) -> None:
        if generation != self._list_generation:
            return
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

    # -- exports ----------------------------------------------------------------------

    def choose_path(self, title: str, suggested: str, filters: str) -> Path | None:
        """Ask where to save; ``None`` when cancelled. Tests replace this method."""
        directory = str(
            self._settings.value(DIRECTORY_KEY, "")
            or QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
        )
        name, _ = QFileDialog.getSaveFileName(
            self, title, str(Path(directory) / suggested), filters
        )
        if not name:
            return None
        path = Path(name)
        self._settings.setValue(DIRECTORY_KEY, str(path.parent))
        return path

    def chart_images(self) -> dict[str, str]:
        """Every chart as a PNG data URI, by title (for the HTML and PDF exports)."""
        if self.data is None:
            return {}
        return {
            self.data.series[name].title: png_data_uri(chart_png(self.data.series[name]))
            for name, _ in CHART_TABS
        }

    def export_metrics(self, fmt: str, bom: bool = False) -> None:
        """Save the metrics shown as csv, json, html or pdf."""
        data = self.data
        if data is None:
            return
        first = data.period.start.date()
        last = data.period.end.date() - dt.timedelta(days=1)
        filters = {
            "csv": "CSV (*.csv)",
            "json": "JSON (*.json)",
            "html": "HTML (*.html)",
            "pdf": "PDF (*.pdf)",
        }[fmt]
        path = self.choose_path(
            "Export Quality Metrics", f"quality-metrics-{first}-{last}.{fmt}", filters
        )
        if path is None:
            return
        report = data.report
        if fmt == "csv":
            rows = exports.metrics_rows(report)
            self._run_export(lambda: exports.write_csv(rows, path, bom=bom), path)
        elif fmt == "json":
            content = exports.metrics_json(report)
            self._run_export(lambda: exports.write_json(content, path), path)
        else:
            html = exports.render_metrics(report, "html", charts=self.chart_images())
            # Qt's PDF layout ignores the template's CSS width for images: say it in pixels
            # (a browser still applies the CSS 100 %)
            html = html.replace(
                '<img class="chart"', f'<img class="chart" width="{PDF_CHART_WIDTH}"'
            )
            self._export_rendered(html, fmt, path, f"Quality metrics {data.period.label}")

    def _export_rendered(self, text: str, fmt: str, path: Path, footer: str) -> None:
        """Write rendered Markdown or HTML as it is, or HTML as a PDF."""
        if fmt == "pdf":
            from aiva_desk.gui.pdf_export import html_to_pdf

            self._run_export(lambda: html_to_pdf(text, path, footer), path)
        else:
            self._run_export(lambda: _write_text(text, path), path)

    def _run_export(self, job: Callable[[], object], path: Path) -> None:
        self.statusBar().showMessage(f"Writing {path.name}…")
        BackgroundTask(job, parent=self, writes=False, label="export").success(
            lambda _: self._on_exported(path)
        ).failure(self._on_export_failed).run_in_background()

    def _on_exported(self, path: Path) -> None:
        self.statusBar().showMessage(f"Saved {path}", 10000)
        self.export_finished.emit(str(path))

    def _on_export_failed(self, exc: Exception) -> None:
        self.statusBar().clearMessage()
        show_error(self, exc)

    def export_all_tickets(self, fmt: str, bom: bool = False) -> None:
        """Every ticket as csv or json, with a progress dialog the user can cancel."""
        if self.ticket_export is not None:
            return
        filters = "CSV (*.csv)" if fmt == "csv" else "JSON (*.json)"
        path = self.choose_path("Export All Tickets", f"tickets-{self._today}.{fmt}", filters)
        if path is None:
            return
        dialog = QProgressDialog("Counting tickets…", "Cancel", 0, 0, self)
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
        self.tickets_export_button.setEnabled(False)
        dialog.show()
        db = self._context.db

        def progress(done: int, total: int) -> None:  # on the worker thread
            if cancel.is_set():
                raise ExportCancelled("The ticket export was cancelled; no file was written.")
            relay.progressed.emit(done, total)

        BackgroundTask(
            lambda: exports.export_tickets(db, fmt, path, bom=bom, progress=progress),
            parent=self,
            writes=False,
            label="export tickets",
        ).success(lambda count: self._on_tickets_exported(path, count)).failure(
            self._on_tickets_export_failed
        ).run_in_background()

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
        self.tickets_export_button.setEnabled(True)

    def _on_tickets_exported(self, path: Path, count: int) -> None:
        self._end_ticket_export()
        self.statusBar().showMessage(f"Exported {count:,} tickets to {path}", 10000)
        self.export_finished.emit(str(path))

    def _on_tickets_export_failed(self, exc: Exception) -> None:
        self._end_ticket_export()
        if isinstance(exc, ExportCancelled):
            self.statusBar().showMessage(exc.message, 10000)
        else:
            show_error(self, exc)

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
        weeks = self.weekly.unsaved_weeks()
        if weeks and not self._closing_ok:
            answer = self.ask_unsaved(weeks)
            if answer == QMessageBox.StandardButton.Cancel:
                event.ignore()
                return
            if answer == QMessageBox.StandardButton.Save:
                event.ignore()
                self.weekly.save_all(self._on_saved_before_close)
                return
        if self._export_cancel is not None:
            self._export_cancel.set()
        self._settings.setValue(GEOMETRY_KEY, self.saveGeometry())
        super().closeEvent(event)

    def _on_saved_before_close(self, saved: bool) -> None:
        if saved:
            self._closing_ok = True
            self.close()


def _write_text(text: str, path: Path) -> None:
    with exports.atomic_output(path) as handle:
        handle.write(text)
