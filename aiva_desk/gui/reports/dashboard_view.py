"""The layout of the Reports dashboard tab: its controls, table, charts and ticket list.

Layout only: :class:`~aiva_desk.gui.reports.dashboard.DashboardTab` fills these
widgets and reacts to them. The two export buttons only say which format was
asked for (``metrics_export_requested``, ``tickets_export_requested``); the
window does the exporting.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal, SignalInstance
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QMenu,
    QProgressBar,
    QSplitter,
    QTableView,
    QTabWidget,
    QToolButton,
    QTreeWidget,
    QVBoxLayout,
    QWidget,
)

from aiva_desk.gui.reports.charts import SeriesChartView
from aiva_desk.gui.reports.metrics_table import BandedHeaderView, MetricsTableModel
from aiva_desk.reports import series

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
PICK_A_BAR = "Click a bar in a chart to list its tickets here."
# (action key, menu text, format, for Excel: a byte order mark and formulas made inert)
METRICS_FORMATS = (
    ("csv", "CSV…", "csv", False),
    ("csv_bom", "CSV for Excel…", "csv", True),
    ("xlsx", "Excel Workbook (XLSX)…", "xlsx", False),
    ("json", "JSON…", "json", False),
    ("html", "HTML…", "html", False),
    ("pdf", "PDF…", "pdf", False),
)
TICKET_FORMATS = (
    ("csv", "CSV…", "csv", False),
    ("csv_bom", "CSV for Excel…", "csv", True),
    ("xlsx", "Excel Workbook (XLSX)…", "xlsx", False),
    ("json", "JSON…", "json", False),
)


class DashboardView(QWidget):
    """Range and grouping controls, the metrics table, the charts and a bar's tickets.

    Signals:
        metrics_export_requested(str, bool): save the metrics shown (format, BOM).
        tickets_export_requested(str, bool): save every ticket (format, BOM).
    """

    metrics_export_requested = Signal(str, bool)
    tickets_export_requested = Signal(str, bool)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("dashboardTab")
        self.from_edit = self._date_edit("fromDateEdit", "First day of the range")
        self.to_edit = self._date_edit("toDateEdit", "Last day of the range (included)")
        self.preset_combo = QComboBox(self)
        self.preset_combo.setObjectName("presetCombo")
        self.preset_combo.setAccessibleName("Date range")
        self.preset_combo.addItems(PRESETS)
        self.group_combo = QComboBox(self)
        self.group_combo.setObjectName("groupCombo")
        self.group_combo.setAccessibleName("Group by")
        for text, key in GROUPINGS:
            self.group_combo.addItem(text, key)
        self.busy_bar = QProgressBar(self)
        self.busy_bar.setObjectName("dashboardBusyBar")
        self.busy_bar.setRange(0, 0)
        self.busy_bar.setFixedWidth(90)
        self.busy_bar.setTextVisible(False)
        self.busy_bar.hide()
        self.state_label = QLabel(self)
        self.state_label.setObjectName("dashboardStateLabel")
        self.export_button = self._menu_button(
            "metricsExportButton",
            "Export Metrics",
            "Save the metrics shown (HTML and PDF with the charts)",
            METRICS_FORMATS,
            self.metrics_export_requested,
        )
        self.export_button.setEnabled(False)
        self.tickets_export_button = self._menu_button(
            "ticketsExportButton",
            "Export All Tickets",
            "Every ticket with every field, whatever the range",
            TICKET_FORMATS,
            self.tickets_export_requested,
        )
        controls = QHBoxLayout()
        for text, widget in (
            ("&From:", self.from_edit),
            ("&To:", self.to_edit),
            ("&Range:", self.preset_combo),
            ("&Group by:", self.group_combo),
        ):
            label = QLabel(text, self)
            label.setBuddy(widget)
            controls.addWidget(label)
            controls.addWidget(widget)
            controls.addSpacing(6)
        controls.addWidget(self.busy_bar)
        controls.addWidget(self.state_label, 1)
        controls.addWidget(self.export_button)
        controls.addWidget(self.tickets_export_button)

        self.splitter = QSplitter(Qt.Orientation.Vertical, self)
        self.splitter.setObjectName("dashboardSplitter")
        self.splitter.addWidget(self._build_table_part())
        self.splitter.addWidget(self._build_chart_part())
        self.splitter.setStretchFactor(0, 2)
        self.splitter.setStretchFactor(1, 3)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.setSizes([330, 430])

        layout = QVBoxLayout(self)
        layout.addLayout(controls)
        layout.addWidget(self.splitter, 1)

    def _build_table_part(self) -> QWidget:
        """The metrics table, what was not averaged, and the impossible timestamps."""
        self.model = MetricsTableModel(self)
        self.table = QTableView(self)
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
        self.not_averaged_label = QLabel(self)
        self.not_averaged_label.setObjectName("notAveragedLabel")
        self.not_averaged_label.setWordWrap(True)
        self.anomalies_label = QLabel(self)
        self.anomalies_label.setObjectName("anomaliesLabel")
        self.anomaly_list = QListWidget(self)
        self.anomaly_list.setObjectName("anomalyList")
        self.anomaly_list.setAccessibleName("Tickets with impossible timestamps")
        self.anomaly_list.setToolTip("Double-click to open the ticket")
        self.anomaly_list.setMaximumHeight(72)
        table_part = QWidget(self)
        table_layout = QVBoxLayout(table_part)
        table_layout.setContentsMargins(0, 0, 0, 0)
        table_layout.addWidget(self.table, 1)
        table_layout.addWidget(self.not_averaged_label)
        table_layout.addWidget(self.anomalies_label)
        table_layout.addWidget(self.anomaly_list)
        return table_part

    def _build_chart_part(self) -> QWidget:
        """The chart tabs, and beside them the tickets behind a clicked bar."""
        self.chart_tabs = QTabWidget(self)
        self.chart_tabs.setObjectName("chartTabs")
        self.charts: dict[str, SeriesChartView] = {}
        for name, title in CHART_TABS:
            view = SeriesChartView(name, self.chart_tabs)
            self.charts[name] = view
            self.chart_tabs.addTab(view, title)
        list_part = QWidget(self)
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
        list_layout.addWidget(self.ticket_list_title)
        list_layout.addWidget(self.ticket_list, 1)

        self.chart_splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.chart_splitter.setObjectName("chartSplitter")
        self.chart_splitter.addWidget(self.chart_tabs)
        self.chart_splitter.addWidget(list_part)
        self.chart_splitter.setStretchFactor(0, 3)
        self.chart_splitter.setStretchFactor(1, 1)
        self.chart_splitter.setChildrenCollapsible(False)
        return self.chart_splitter

    def _date_edit(self, name: str, tip: str) -> QDateEdit:
        edit = QDateEdit(self)
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
        formats: tuple[tuple[str, str, str, bool], ...],
        requested: SignalInstance,
    ) -> QToolButton:
        """A button whose menu lists ``formats``; choosing one emits ``requested``."""
        button = QToolButton(self)
        button.setObjectName(name)
        button.setText(text)
        button.setToolTip(tip)
        button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        menu = QMenu(button)
        for key, label, fmt, for_excel in formats:
            action = menu.addAction(label)
            action.setObjectName(f"{name}_{key}")
            action.triggered.connect(
                lambda _checked=False, f=fmt, x=for_excel: requested.emit(f, x)
            )
        button.setMenu(menu)
        return button
