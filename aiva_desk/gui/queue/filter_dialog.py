"""Build a queue filter by ticking what to see; optionally save it as a named view.

The same dialog serves "Filter…" (narrow the queue now) and "Save View…" (name the
current filter and keep it). Dates are the agent's local calendar days: "to" is
inclusive. "Me" stands for the staff member chosen under "I am".
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QWidget,
)

from aiva_desk import clock
from aiva_desk.domain import Priority, TicketStatus
from aiva_desk.errors import ValidationError
from aiva_desk.gui.common import theme
from aiva_desk.gui.common.forms import child, load_form
from aiva_desk.queue.query import QueueFilter
from aiva_desk.tickets.service import clean_tags

UNASSIGNED = -1  # item data of the "Unassigned" entry in the assignee list


@dataclasses.dataclass(frozen=True)
class Names:
    """Display names for the ids a filter holds (categories, staff), and who "me" is."""

    categories: dict[int, str]
    staff: dict[int, str]
    me_staff_id: int | None = None


def _local_day_start(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time()).astimezone().astimezone(dt.UTC)


def _local_day(value: dt.datetime) -> dt.date:
    return value.astimezone().date()


def _join(values: Iterable[str]) -> str:
    return ", ".join(values)


def _local_minute(moment: dt.datetime) -> str:
    return moment.astimezone().strftime("%Y-%m-%d %H:%M")


def describe_filter(flt: QueueFilter, names: Names) -> str:
    """A one-line summary of what ``flt`` narrows, for the filter bar and tooltips."""
    parts: list[str] = []
    if flt.statuses:
        parts.append("Status: " + _join(s.label for s in TicketStatus if s in flt.statuses))
    if flt.priorities:
        parts.append("Priority: " + _join(p.label for p in sorted(flt.priorities)))
    if flt.category_ids:
        chosen = sorted(names.categories.get(i, f"#{i}") for i in flt.category_ids)
        parts.append("Category: " + _join(chosen))
    who = [
        "Me" if i == names.me_staff_id else names.staff.get(i, "nobody")
        for i in sorted(flt.assignee_ids)
    ]
    if flt.unassigned:
        who.insert(0, "Unassigned")
    if who:
        parts.append("Assignee: " + _join(who))
    if flt.tags:
        parts.append("Tag: " + _join(sorted(flt.tags)))
    if flt.escalated:
        parts.append("Escalated")
    for label, after, before in (
        ("Reported", flt.reported_after, flt.reported_before),
        ("Updated", flt.updated_after, flt.updated_before),
    ):
        if after or before:
            start = _local_day(after).isoformat() if after else "…"
            end = (_local_day(before) - dt.timedelta(days=1)).isoformat() if before else "…"
            parts.append(f"{label} {start} – {end}")
    if flt.due_after or flt.due_before:
        parts.append("Due within a time window")
    if flt.next_due_after or flt.next_due_before:
        start = _local_minute(flt.next_due_after) if flt.next_due_after else "…"
        end = _local_minute(flt.next_due_before) if flt.next_due_before else "…"
        parts.append(f"Next SLA deadline {start} – {end}")
    if flt.closed_after:
        parts.append(f"Closed since {_local_day(flt.closed_after).isoformat()}")
    if flt.customer_id is not None:
        parts.append("One customer")
    if flt.organization_id is not None:
        parts.append("One organization")
    if flt.text.strip():
        parts.append(f"Text: “{flt.text.strip()}”")
    return " · ".join(parts) if parts else "Every ticket"


class FilterDialog(QDialog):
    """Edit a :class:`QueueFilter`; with ``ask_name`` also a view name.

    Signals:
        filter_chosen(QueueFilter): OK was pressed (for "Filter…").
        view_requested(str, QueueFilter): OK was pressed with a name (for "Save View…").
    """

    filter_chosen = Signal(object)
    view_requested = Signal(str, object)

    def __init__(
        self,
        names: Names,
        initial: QueueFilter,
        *,
        ask_name: bool = False,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        load_form("filter_dialog.ui", into=self)
        self.setObjectName("saveViewDialog" if ask_name else "filterDialog")
        self.setWindowTitle("Save View" if ask_name else "Filter the Queue")
        self._names = names
        self._ask_name = ask_name
        self._kept = initial  # fields this dialog does not show are kept as they were

        self.name_edit = child(self, QLineEdit, "nameEdit")
        self._name_problem = child(self, QLabel, "nameProblem")
        self._name_problem.setStyleSheet(f"color: {theme.error_color().name()}")
        child(self, QWidget, "nameRow").setVisible(ask_name)
        self.status_list = child(self, QListWidget, "statusList")
        self.category_list = child(self, QListWidget, "categoryList")
        self.assignee_list = child(self, QListWidget, "assigneeList")
        self.priority_checks = {
            priority: child(self, QCheckBox, f"priority{int(priority)}Check")
            for priority in Priority
        }
        self.tag_edit = child(self, QLineEdit, "tagEdit")
        self.text_edit = child(self, QLineEdit, "textEdit")
        self._dates: dict[str, tuple[QCheckBox, QDateEdit]] = {}
        for name in ("reportedFrom", "reportedTo", "updatedFrom", "updatedTo"):
            check = child(self, QCheckBox, f"{name}Check")
            edit = child(self, QDateEdit, f"{name}Edit")
            edit.setDisplayFormat("yyyy-MM-dd")
            edit.setDate(clock.today())
            check.toggled.connect(edit.setEnabled)
            self._dates[name] = (check, edit)

        for status in TicketStatus:
            self._add_item(self.status_list, status.label, status.value)
        for category_id, name in sorted(names.categories.items(), key=lambda kv: kv[1]):
            self._add_item(self.category_list, name, category_id)
        self._add_item(self.assignee_list, "Unassigned", UNASSIGNED)
        if names.me_staff_id is not None and names.me_staff_id in names.staff:
            self._add_item(
                self.assignee_list, f"Me ({names.staff[names.me_staff_id]})", names.me_staff_id
            )
        for staff_id, name in sorted(names.staff.items(), key=lambda kv: kv[1]):
            self._add_item(self.assignee_list, name, staff_id)

        buttons = child(self, QDialogButtonBox, "buttonBox")
        self.ok_button: QPushButton = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText("&Save View" if ask_name else "&Apply Filter")
        self.ok_button.setObjectName("filterOkButton")
        reset = buttons.button(QDialogButtonBox.StandardButton.Reset)
        reset.setText("&Clear All")
        reset.setObjectName("filterResetButton")
        reset.clicked.connect(lambda: self.set_filter(QueueFilter()))
        buttons.accepted.connect(self._on_button_box_accepted)
        buttons.rejected.connect(self.reject)
        self.set_filter(initial)
        (self.name_edit if ask_name else self.status_list).setFocus()

    @staticmethod
    def _add_item(target: QListWidget, text: str, data: object) -> None:
        item = QListWidgetItem(text, target)
        item.setData(Qt.ItemDataRole.UserRole, data)
        item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsUserCheckable)
        item.setCheckState(Qt.CheckState.Unchecked)

    @staticmethod
    def _items(target: QListWidget) -> list[QListWidgetItem]:
        return [target.item(row) for row in range(target.count())]

    @classmethod
    def _checked(cls, target: QListWidget) -> list[object]:
        return [
            item.data(Qt.ItemDataRole.UserRole)
            for item in cls._items(target)
            if item.checkState() == Qt.CheckState.Checked
        ]

    @classmethod
    def _check(cls, target: QListWidget, values: set[object]) -> None:
        for item in cls._items(target):
            checked = item.data(Qt.ItemDataRole.UserRole) in values
            item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)

    # -- public --------------------------------------------------------------------

    def set_filter(self, flt: QueueFilter) -> None:
        self._check(self.status_list, {s.value for s in flt.statuses})
        self._check(self.category_list, set(flt.category_ids))
        assignees: set[object] = set(flt.assignee_ids)
        if flt.unassigned:
            assignees.add(UNASSIGNED)
        self._check(self.assignee_list, assignees)
        for priority, check in self.priority_checks.items():
            check.setChecked(priority in flt.priorities)
        self.tag_edit.setText(", ".join(sorted(flt.tags)))
        self.text_edit.setText(flt.text)
        for name, value, inclusive_end in (
            ("reportedFrom", flt.reported_after, False),
            ("reportedTo", flt.reported_before, True),
            ("updatedFrom", flt.updated_after, False),
            ("updatedTo", flt.updated_before, True),
        ):
            check, edit = self._dates[name]
            check.setChecked(value is not None)
            if value is not None:
                day = _local_day(value) - dt.timedelta(days=1 if inclusive_end else 0)
                edit.setDate(QDate(day.year, day.month, day.day))

    def queue_filter(self) -> QueueFilter:
        """The filter as ticked now (fields the dialog does not show are kept)."""
        assignees = self._checked(self.assignee_list)

        def day(name: str, *, end: bool = False) -> dt.datetime | None:
            check, edit = self._dates[name]
            if not check.isChecked():
                return None
            chosen = edit.date().toPython()
            return _local_day_start(chosen + dt.timedelta(days=1 if end else 0))

        return dataclasses.replace(
            self._kept,
            statuses=frozenset(TicketStatus(v) for v in self._checked(self.status_list)),
            priorities=frozenset(p for p, c in self.priority_checks.items() if c.isChecked()),
            category_ids=frozenset(int(v) for v in self._checked(self.category_list)),
            assignee_ids=frozenset(int(v) for v in assignees if v != UNASSIGNED),
            unassigned=UNASSIGNED in assignees,
            tags=frozenset(clean_tags(self.tag_edit.text().split(","))),
            reported_after=day("reportedFrom"),
            reported_before=day("reportedTo", end=True),
            updated_after=day("updatedFrom"),
            updated_before=day("updatedTo", end=True),
            text=self.text_edit.text().strip(),
        )

    def show_problem(self, text: str) -> None:
        self._name_problem.setText(text)
        self._name_problem.setVisible(bool(text))
        self.name_edit.setAccessibleDescription(text)
        if text:
            self.name_edit.setFocus()

    def show_validation(self, exc: ValidationError) -> None:
        self.show_problem(" ".join(exc.problems.values()))

    def _on_button_box_accepted(self) -> None:
        flt = self.queue_filter()
        if not self._ask_name:
            self.filter_chosen.emit(flt)
            self.accept()
            return
        name = " ".join(self.name_edit.text().split())
        if not name:
            self.show_problem("Give the view a name.")
            return
        self.show_problem("")
        # The caller saves it and closes the dialog, or shows why not (show_validation).
        self.view_requested.emit(name, flt)
