"""The Settings dialog's SLA page: every promise of the SOP, editable.

Per priority: acknowledge, first response, update cadence, updates before the deadline,
escalation window, warning thresholds and the calendar the clocks run on. Per category:
the resolution time. And the calendars themselves (see ``calendar_editor``). Durations
are typed as people say them (``30 min``, ``4 h``, ``1 d 2 h``). Applying saves it all in
one transaction and recomputes every open ticket's clocks; on bad input nothing is saved
and the error names each field.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re

from PySide6.QtCore import QSignalBlocker, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from aiva_desk.app_context import AppContext
from aiva_desk.domain import Priority
from aiva_desk.durations import duration, parse_minutes
from aiva_desk.errors import ValidationError
from aiva_desk.gui.common.formatting import priority_text
from aiva_desk.gui.errors import show_error
from aiva_desk.gui.settings.calendar_editor import CalendarEditor
from aiva_desk.gui.tasks import BackgroundTask
from aiva_desk.sla.policy import IMMEDIATE_ESCALATION
from aiva_desk.sla.settings_edits import (
    POLICY_FIELD_LABELS,
    SlaSettingsChange,
    recompute_open_clocks,
    save_sla_settings,
)
from aiva_desk.sla.settings_store import (
    CalendarInput,
    CategoryResolution,
    PolicyInput,
    category_resolutions,
    list_calendars,
    policy_inputs,
)


def format_minutes(minutes: int | None) -> str:
    return "" if minutes is None else duration(dt.timedelta(minutes=minutes))


def parse_percentages(text: str) -> tuple[float, ...]:
    """``75%, 90%`` → (0.75, 0.9)."""
    values = []
    for part in re.split(r"[,;\s]+", text.strip()):
        if not part:
            continue
        number = part.rstrip("%").replace(",", ".")
        try:
            values.append(float(number) / 100)
        except ValueError:
            raise ValueError(f"“{part}” is not a percentage like 75%") from None
    return tuple(sorted(values))


def format_percentages(values: tuple[float, ...]) -> str:
    return ", ".join(f"{value * 100:g}%" for value in values)


@dataclasses.dataclass(frozen=True)
class _Field:
    key: str  # a PolicyInput field
    header: str
    tooltip: str
    optional: str | None = None  # what an empty cell means, if it may be empty


POLICY_FIELDS = (
    _Field("acknowledge_minutes", "Acknowledge", "Time to acknowledge a new ticket"),
    _Field("first_response_minutes", "First response", "Time to the first reply"),
    _Field(
        "update_every_minutes",
        "Update every",
        "How often the customer hears from us until it is resolved",
        optional="no update cadence",
    ),
    _Field(
        "updates_before_deadline",
        "Min. updates",
        "Updates at least before the resolution deadline (the SOP asks 2 for P2)",
    ),
    _Field(
        "escalate_within_minutes",
        "Escalate within",
        f"Escalate within this time (0 min: immediately, within "
        f"{IMMEDIATE_ESCALATION.seconds // 60} min of the report); empty: only when the SLA "
        "is breached",
        optional="only at the breach",
    ),
    _Field("warn_fractions", "Warn at", "Warn when this share of a window has passed"),
    _Field("warn_before_minutes", "Warn before", "And warn this long before each deadline"),
)
CALENDAR_COLUMN = len(POLICY_FIELDS)


class SlaSettingsPage(QWidget):
    """SLA numbers per priority and category, and the calendars the clocks run on.

    Signals:
        changed: the user edited something (the dialog enables Apply).
    """

    title = "SLA"
    icon_name = "priority"
    changed = Signal()

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._context = context
        self._dirty = False
        self._loading = False
        self._deleted: list[str] = []
        self._editors: dict[str, CalendarEditor] = {}  # key -> editor
        self._new_keys = 0
        self._resolutions: list[CategoryResolution] = []

        self.tabs = QTabWidget()
        self.tabs.addTab(self._build_policies_tab(), "&Clocks")
        self.tabs.addTab(self._build_calendars_tab(), "Ca&lendars")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.tabs)

    # -- layout --------------------------------------------------------------------

    def _build_policies_tab(self) -> QWidget:
        tab = QWidget()
        self.policy_table = QTableWidget(len(Priority), len(POLICY_FIELDS) + 1)
        self.policy_table.setObjectName("slaPolicyTable")
        self.policy_table.setAccessibleName("SLA clocks by priority")
        headers = [f.header for f in POLICY_FIELDS] + ["Calendar"]
        self.policy_table.setHorizontalHeaderLabels(headers)
        for column, f in enumerate(POLICY_FIELDS):
            self.policy_table.horizontalHeaderItem(column).setToolTip(f.tooltip)
        self.policy_table.horizontalHeaderItem(CALENDAR_COLUMN).setToolTip(
            "The business hours and holidays these clocks count"
        )
        self.policy_table.setVerticalHeaderLabels([priority_text(p, long=True) for p in Priority])
        self._fit(self.policy_table, stretch=CALENDAR_COLUMN)
        self.calendar_combos: list[QComboBox] = []
        for row, priority in enumerate(Priority):
            combo = QComboBox()
            combo.setAccessibleName(f"Calendar for {priority.name}")
            combo.setSizeAdjustPolicy(
                QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
            )
            combo.setMinimumContentsLength(10)
            combo.currentIndexChanged.connect(self._on_edited)
            self.policy_table.setCellWidget(row, CALENDAR_COLUMN, combo)
            self.calendar_combos.append(combo)

        self.resolution_table = QTableWidget(0, 3)
        self.resolution_table.setObjectName("slaResolutionTable")
        self.resolution_table.setAccessibleName("Resolution time by category")
        self.resolution_table.setHorizontalHeaderLabels(["Category", "Priority", "Resolution"])
        self.resolution_table.verticalHeader().hide()
        self._fit(self.resolution_table, stretch=0)
        self.policy_table.itemChanged.connect(self._on_edited)
        self.resolution_table.itemChanged.connect(self._on_edited)

        hint = QLabel(
            "Durations like <b>30 min</b>, <b>4 h</b>, <b>1 d 2 h</b>; warnings like "
            "<b>75%, 90%</b>. Clocks count business time on the chosen calendar. "
            "Open tickets follow at once; a changed resolution time applies to tickets "
            "triaged afterwards."
        )
        hint.setWordWrap(True)
        layout = QVBoxLayout(tab)
        layout.addWidget(QLabel("<b>Clocks by priority</b>"))
        layout.addWidget(self.policy_table)
        layout.addWidget(QLabel("<b>Resolution by category</b> (the SOP's SLA column)"))
        layout.addWidget(self.resolution_table)
        layout.addWidget(hint)
        layout.addStretch(1)
        return tab

    @staticmethod
    def _fit(table: QTableWidget, *, stretch: int) -> None:
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        table.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.AnyKeyPressed
            | QAbstractItemView.EditTrigger.SelectedClicked
        )
        header = table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
        table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)

    def _build_calendars_tab(self) -> QWidget:
        tab = QWidget()
        self.calendar_list = QListWidget()
        self.calendar_list.setObjectName("calendarList")
        self.calendar_list.setAccessibleName("Calendars")
        self.calendar_stack = QStackedWidget()
        self.add_calendar_button = QPushButton("&New calendar")
        self.add_calendar_button.clicked.connect(self._on_add_calendar_clicked)
        self.delete_calendar_button = QPushButton("&Delete")
        self.delete_calendar_button.clicked.connect(self._on_delete_calendar_clicked)
        self.calendar_list.currentRowChanged.connect(self._on_calendar_list_row_changed)
        buttons = QVBoxLayout()
        buttons.addWidget(self.add_calendar_button)
        buttons.addWidget(self.delete_calendar_button)
        side = QWidget()
        side_layout = QVBoxLayout(side)
        side_layout.setContentsMargins(0, 0, 0, 0)
        side_layout.addWidget(self.calendar_list, 1)
        side_layout.addLayout(buttons)
        splitter = QSplitter()
        splitter.addWidget(side)
        splitter.addWidget(self.calendar_stack)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([170, 700])
        layout = QVBoxLayout(tab)
        layout.addWidget(splitter)
        return tab

    # -- the protocol --------------------------------------------------------------

    def load(self) -> None:
        """Fill every widget from the database."""
        with self._context.db.engine.connect() as conn:
            policies = policy_inputs(conn)
            calendars = list_calendars(conn)
            self._resolutions = category_resolutions(conn)
        self._loading = True
        try:
            self._deleted = []
            self._fill_calendars(calendars)
            self._fill_policies(policies)
            self._fill_resolutions()
        finally:
            self._loading = False
        self._dirty = False
        self._update_delete_button()

    def apply(self) -> None:
        """Check everything, then save it all at once; on a problem, nothing is saved."""
        problems: dict[str, str] = {}
        calendars = []
        for editor in self._editors.values():
            data = editor.calendar_input(problems)
            if data is not None:
                calendars.append(data)
        names = {key: editor.name() for key, editor in self._editors.items()}
        policies = {}
        for row, priority in enumerate(Priority):
            data = self._policy_input(row, priority, names, problems)
            if data is not None:
                policies[priority] = data
        resolutions = self._resolution_inputs(problems)
        if problems:
            raise ValidationError(problems)
        save_sla_settings(
            self._context.db,
            SlaSettingsChange(
                policies=policies,
                calendars=calendars,
                resolutions=resolutions,
                delete_calendars=self._deleted,
            ),
            actor=self._context.actor,
            recompute=False,
        )
        # Recomputing every open ticket's clocks takes seconds with many tickets: off the
        # GUI thread (the queue and the tray follow when it is written).
        db = self._context.db
        BackgroundTask(
            lambda: recompute_open_clocks(db), parent=self, label="recompute SLA clocks"
        ).failure(lambda exc: show_error(self, exc)).run_in_background()
        self.load()

    def is_dirty(self) -> bool:
        return self._dirty

    # -- filling -------------------------------------------------------------------

    def _fill_calendars(self, calendars: list[CalendarInput]) -> None:
        for editor in self._editors.values():
            self.calendar_stack.removeWidget(editor)
            editor.deleteLater()
        self._editors = {}
        blocker = QSignalBlocker(self.calendar_list)
        self.calendar_list.clear()
        del blocker
        for data in calendars:
            self._add_editor(data.name, data)
        self.calendar_list.setCurrentRow(0)

    def _add_editor(self, key: str, data: CalendarInput) -> CalendarEditor:
        editor = CalendarEditor()
        editor.set_calendar(data)
        editor.changed.connect(self._on_edited)
        editor.name_edited.connect(lambda name, key=key: self._on_calendar_renamed(key, name))
        self._editors[key] = editor
        self.calendar_stack.addWidget(editor)
        item = QListWidgetItem(data.name or "(unnamed)")
        item.setData(Qt.ItemDataRole.UserRole, key)
        self.calendar_list.addItem(item)
        for combo in getattr(self, "calendar_combos", []):
            combo.addItem(data.name, key)
        return editor

    def _fill_policies(self, policies: dict[Priority, PolicyInput]) -> None:
        for row, priority in enumerate(Priority):
            policy = policies.get(priority)
            for column, f in enumerate(POLICY_FIELDS):
                value = getattr(policy, f.key) if policy else None
                if f.key == "warn_fractions":
                    text = format_percentages(value or ())
                elif f.key == "updates_before_deadline":
                    text = str(value or 0)
                else:
                    text = format_minutes(value)
                item = QTableWidgetItem(text)
                item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                item.setToolTip(f.tooltip + (f"; empty: {f.optional}" if f.optional else ""))
                self.policy_table.setItem(row, column, item)
            combo = self.calendar_combos[row]
            combo.clear()
            for key, editor in self._editors.items():
                combo.addItem(editor.name(), key)
            combo.setCurrentIndex(max(combo.findData(policy.calendar_name if policy else ""), 0))
        self.policy_table.resizeColumnsToContents()
        self._fit_height(self.policy_table)

    def _fill_resolutions(self) -> None:
        self.resolution_table.setRowCount(len(self._resolutions))
        for row, entry in enumerate(self._resolutions):
            name = QTableWidgetItem(entry.name)
            priority = QTableWidgetItem(priority_text(entry.priority, long=True))
            for item in (name, priority):
                item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
            resolution = QTableWidgetItem(format_minutes(entry.minutes))
            resolution.setToolTip("Time to resolve a ticket of this category")
            resolution.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
            self.resolution_table.setItem(row, 0, name)
            self.resolution_table.setItem(row, 1, priority)
            self.resolution_table.setItem(row, 2, resolution)
        self.resolution_table.resizeColumnsToContents()
        self.resolution_table.horizontalHeader().setSectionResizeMode(
            0, QHeaderView.ResizeMode.Stretch
        )
        self._fit_height(self.resolution_table)

    @staticmethod
    def _fit_height(table: QTableWidget) -> None:
        height = table.horizontalHeader().sizeHint().height() + 2 * table.frameWidth()
        height += sum(table.rowHeight(row) for row in range(table.rowCount()))
        # room for the horizontal scroll bar a narrow window shows, so no row is cut off
        height += table.horizontalScrollBar().sizeHint().height()
        table.setFixedHeight(height)
        table.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)

    # -- reading -------------------------------------------------------------------

    def _policy_input(
        self,
        row: int,
        priority: Priority,
        names: dict[str, str],
        problems: dict[str, str],
    ) -> PolicyInput | None:
        values: dict[str, object] = {}
        found: dict[str, str] = {}
        for column, f in enumerate(POLICY_FIELDS):
            text = self.policy_table.item(row, column).text().strip()
            try:
                if f.key == "warn_fractions":
                    values[f.key] = parse_percentages(text)
                elif f.key == "updates_before_deadline":
                    values[f.key] = int(text or "0")
                elif f.optional and not text:
                    values[f.key] = None
                else:
                    values[f.key] = parse_minutes(text)
            except ValueError as exc:
                reason = str(exc) if f.key != "updates_before_deadline" else "give a number"
                found[f.key] = f"{POLICY_FIELD_LABELS[f.key]} for {priority.name}: {reason}."
        key = self.calendar_combos[row].currentData()
        values["calendar_name"] = names.get(key, "")
        problems.update({f"{priority.name}.{k}": v for k, v in found.items()})
        return None if found else PolicyInput(**values)  # type: ignore[arg-type]

    def _resolution_inputs(self, problems: dict[str, str]) -> dict[int, int]:
        result = {}
        for row, entry in enumerate(self._resolutions):
            text = self.resolution_table.item(row, 2).text()
            try:
                result[entry.category_id] = parse_minutes(text)
            except ValueError as exc:
                problems[f"category:{entry.category_id}.resolution"] = (
                    f"Resolution for {entry.name} {entry.priority.name}: {exc}."
                )
        return result

    # -- slots ---------------------------------------------------------------------

    def _on_edited(self, *_args: object) -> None:
        if self._loading:
            return
        self._dirty = True
        self._update_delete_button()
        self.changed.emit()

    def _on_calendar_list_row_changed(self, row: int) -> None:
        if row >= 0:
            key = self.calendar_list.item(row).data(Qt.ItemDataRole.UserRole)
            self.calendar_stack.setCurrentWidget(self._editors[key])
        self._update_delete_button()

    def _on_calendar_renamed(self, key: str, name: str) -> None:
        for row in range(self.calendar_list.count()):
            item = self.calendar_list.item(row)
            if item.data(Qt.ItemDataRole.UserRole) == key:
                item.setText(name or "(unnamed)")
        for combo in self.calendar_combos:
            index = combo.findData(key)
            if index >= 0:
                combo.setItemText(index, name)

    def _on_add_calendar_clicked(self) -> None:
        self._new_keys += 1
        key = f"new:{self._new_keys}"
        taken = {editor.name() for editor in self._editors.values()}
        name = next(
            f"Calendar {n}" if n > 1 else "New calendar"
            for n in range(1, 1000)
            if (f"Calendar {n}" if n > 1 else "New calendar") not in taken
        )
        office = {day: [(dt.time(9), dt.time(17))] for day in range(5)}
        current = self.calendar_stack.currentWidget()
        tz = current.tz_combo.currentText() if isinstance(current, CalendarEditor) else "UTC"
        self._add_editor(key, CalendarInput(name, tz, office))
        self.calendar_list.setCurrentRow(self.calendar_list.count() - 1)
        editor = self._editors[key]
        editor.name_edit.setFocus()
        editor.name_edit.selectAll()
        self._on_edited()

    def _on_delete_calendar_clicked(self) -> None:
        row = self.calendar_list.currentRow()
        if row < 0 or self._users(row):
            return
        item = self.calendar_list.takeItem(row)
        key = item.data(Qt.ItemDataRole.UserRole)
        editor = self._editors.pop(key)
        if editor.stored_name is not None:
            self._deleted.append(editor.stored_name)
        self.calendar_stack.removeWidget(editor)
        editor.deleteLater()
        for combo in self.calendar_combos:
            blocker = QSignalBlocker(combo)
            combo.removeItem(combo.findData(key))
            del blocker
        self._on_edited()

    def _users(self, row: int) -> list[str]:
        """The priorities whose clocks run on the calendar in list row ``row``."""
        key = self.calendar_list.item(row).data(Qt.ItemDataRole.UserRole)
        return [
            priority.name
            for priority, combo in zip(Priority, self.calendar_combos, strict=True)
            if combo.currentData() == key
        ]

    def _update_delete_button(self) -> None:
        row = self.calendar_list.currentRow()
        users = self._users(row) if row >= 0 else []
        self.delete_calendar_button.setEnabled(
            row >= 0 and not users and self.calendar_list.count() > 1
        )
        self.delete_calendar_button.setToolTip(
            f"Used by {', '.join(users)}: choose another calendar for them first"
            if users
            else "Delete this calendar"
        )
