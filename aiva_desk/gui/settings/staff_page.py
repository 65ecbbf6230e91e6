"""Settings → Staff: the colleagues tickets are assigned and escalated to.

The list shows everyone (an inactive colleague greyed); the fields below edit the
chosen row. "Add colleague" starts a new row; "Active" off deactivates someone who
left: people are never deleted, since tickets and the history keep naming them.
Each edit is checked at once and the problem named in one line under the fields;
OK/Apply save every row in one go (:func:`aiva_desk.tickets.staff.save_staff`).
"""

from __future__ import annotations

import dataclasses

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from aiva_desk.app_context import AppContext
from aiva_desk.domain import StaffRole
from aiva_desk.gui.common import theme
from aiva_desk.tickets.staff import Colleague, colleague_problems, list_staff, save_staff

COLUMNS = ("Name", "E-mail", "Role", "Active")


class StaffSettingsPage(QWidget):
    """Add, edit and deactivate colleagues (name, e-mail, role)."""

    title = "Staff"
    icon_name = "person"
    changed = Signal()

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("staffPage")
        self._context = context
        self._loaded: list[Colleague] = []
        self.rows: list[Colleague] = []
        self._filling = False

        self.table = QTableWidget(0, len(COLUMNS), self)
        self.table.setObjectName("staffTable")
        self.table.setAccessibleName("Staff")
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()  # the e-mail takes the room, never "Active"
        for column in range(len(COLUMNS)):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(COLUMNS.index("E-mail"), QHeaderView.ResizeMode.Stretch)

        self.add_button = QPushButton("&Add colleague", self)
        self.add_button.setObjectName("addStaffButton")
        self.name_edit = QLineEdit(self)
        self.name_edit.setObjectName("staffNameEdit")
        self.email_edit = QLineEdit(self)
        self.email_edit.setObjectName("staffEmailEdit")
        self.role_combo = QComboBox(self)
        self.role_combo.setObjectName("staffRoleCombo")
        for role in StaffRole:
            self.role_combo.addItem(role.label, role.value)
        self.active_box = QCheckBox("Active (offered for tickets, escalations and “I am”)", self)
        self.active_box.setObjectName("staffActiveBox")
        self.problem_label = QLabel(self)
        self.problem_label.setObjectName("staffProblemLabel")
        self.problem_label.setStyleSheet(
            f"color: {theme.error_color(self.palette()).name()}; font-weight: 600;"
        )
        self.problem_label.hide()

        form = QFormLayout()
        form.addRow("&Name:", self.name_edit)
        form.addRow("&E-mail:", self.email_edit)
        form.addRow("&Role:", self.role_combo)
        form.addRow("", self.active_box)
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        hint = QLabel(
            "Colleagues who leave are deactivated, not deleted: their tickets and the "
            "history keep naming them.",
            self,
        )
        hint.setWordWrap(True)
        layout.addWidget(hint)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        layout.addLayout(form)
        layout.addWidget(self.problem_label)

        self.table.currentCellChanged.connect(lambda row, *_a: self._show_row(row))
        self.add_button.clicked.connect(lambda _c=False: self.add_colleague())
        self.name_edit.textEdited.connect(lambda _t: self._edited())
        self.email_edit.textEdited.connect(lambda _t: self._edited())
        self.role_combo.activated.connect(lambda _i: self._edited())
        self.active_box.clicked.connect(lambda _c=False: self._edited())
        self._set_form_enabled(False)

    # -- the settings page protocol ------------------------------------------------

    def load(self) -> None:
        self._loaded = list_staff(self._context.db)
        self.rows = list(self._loaded)
        self._fill_table()
        if self.rows:
            self.table.setCurrentCell(0, 0)

    def is_dirty(self) -> bool:
        return self.rows != self._loaded

    def apply(self) -> None:
        loaded = {c.id: c for c in self._loaded}
        edited = [row for row in self.rows if row.id is None or loaded.get(row.id) != row]
        ids = save_staff(self._context.db, self._context.actor, edited)
        self._context.refresh_actor()  # "I am" may have been renamed
        current = self.table.currentRow()
        self.load()
        if ids and current >= 0:
            self.table.setCurrentCell(min(current, len(self.rows) - 1), 0)
        self.problem_label.hide()

    # -- editing -------------------------------------------------------------------

    def add_colleague(self) -> None:
        """A new, empty row to fill in (saved with OK or Apply)."""
        self.rows.append(Colleague(None, "", "", StaffRole.AGENT, True))
        self._fill_table()
        self.table.setCurrentCell(len(self.rows) - 1, 0)
        self.name_edit.setFocus()
        self.changed.emit()

    def _fill_table(self) -> None:
        self.table.setRowCount(len(self.rows))
        for index, row in enumerate(self.rows):
            self._fill_row(index, row)

    def _fill_row(self, index: int, row: Colleague) -> None:
        values = (
            row.name or "(new colleague)",
            row.email,
            row.role.label,
            "Yes" if row.active else "No",
        )
        for column, text in enumerate(values):
            item = self.table.item(index, column)
            if item is None:
                item = QTableWidgetItem()
                self.table.setItem(index, column, item)
            item.setText(text)
            item.setForeground(self.palette().text() if row.active else theme.muted_color())

    def _set_form_enabled(self, on: bool) -> None:
        for widget in (self.name_edit, self.email_edit, self.role_combo, self.active_box):
            widget.setEnabled(on)

    def _show_row(self, index: int) -> None:
        self._filling = True
        try:
            if not 0 <= index < len(self.rows):
                self._set_form_enabled(False)
                return
            row = self.rows[index]
            self._set_form_enabled(True)
            self.name_edit.setText(row.name)
            self.email_edit.setText(row.email)
            self.role_combo.setCurrentIndex(self.role_combo.findData(row.role.value))
            self.active_box.setChecked(row.active)
            self._show_problem(row)
        finally:
            self._filling = False

    def _edited(self) -> None:
        index = self.table.currentRow()
        if self._filling or not 0 <= index < len(self.rows):
            return
        row = dataclasses.replace(
            self.rows[index],
            name=self.name_edit.text(),
            email=self.email_edit.text(),
            role=StaffRole(self.role_combo.currentData()),
            active=self.active_box.isChecked(),
        )
        self.rows[index] = row
        self._fill_row(index, row)
        self._show_problem(row)
        self.changed.emit()

    def _show_problem(self, row: Colleague) -> None:
        problems = colleague_problems(row) if row.id is None or row not in self._loaded else {}
        first = next(iter(problems.values()), "")
        self.problem_label.setText(first)
        self.problem_label.setVisible(bool(first))
        self.problem_label.setAlignment(Qt.AlignmentFlag.AlignLeft)
