"""Choose, field by field, between your edit and a version saved elsewhere meanwhile.

Only fields changed on both sides to different values are listed; everything
else was merged already. The dialog collects a choice per field ("mine" or
"theirs", the keys :func:`aiva_desk.tickets.merge.resolve` takes); the editor saves.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from aiva_desk.gui.common.forms import child, load_form
from aiva_desk.gui.common.text_widgets import FitToText
from aiva_desk.gui.editor.fields import CUSTOMER_WORDING_FIELDS, FIELD_LABELS, TEXT_FIELDS
from aiva_desk.tickets.merge import FieldConflict

MINE, THEIRS = "mine", "theirs"


class ConflictDialog(QDialog):
    """One row per conflicting field: their value, your value, and which to keep.

    Signals:
        choices_changed(): a choice was made or changed.
    """

    choices_changed = Signal()

    def __init__(
        self,
        conflicts: Sequence[FieldConflict],
        describe: Callable[[str, Any], str],
        parent: QWidget | None = None,
        *,
        ticket_label: str = "This ticket",
    ) -> None:
        super().__init__(parent)
        load_form("conflict_dialog.ui", into=self)
        self.setObjectName("conflictDialog")
        self.conflicts = list(conflicts)
        self._groups: dict[str, QButtonGroup] = {}
        self._radios: dict[tuple[str, str], QRadioButton] = {}
        count = len(self.conflicts)
        fields = "field" if count == 1 else f"{count} fields"
        child(self, QLabel, "introLabel").setText(
            f"{ticket_label} was saved by someone else while you were editing it. Changes "
            f"that do not overlap were merged. You and they changed the same {fields} "
            "differently: choose which value to keep for each, then save."
        )
        grid = child(self, QGridLayout, "conflictGrid")
        for row, conflict in enumerate(self.conflicts, start=1):
            self._add_row(grid, row, conflict, describe)
        grid.setRowStretch(len(self.conflicts) + 1, 1)
        buttons = child(self, QDialogButtonBox, "buttonBox")
        self.save_button = buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setObjectName("saveResolvedButton")
        self.save_button.setText("&Save")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        child(self, QPushButton, "keepAllMineButton").clicked.connect(self.keep_all_mine)
        child(self, QPushButton, "takeAllTheirsButton").clicked.connect(self.take_all_theirs)
        self._update_save_button()

    def _add_row(
        self,
        grid: QGridLayout,
        row: int,
        conflict: FieldConflict,
        describe: Callable[[str, Any], str],
    ) -> None:
        name = conflict.field
        label = FIELD_LABELS.get(name, name)
        heading = QLabel(label, self)
        heading.setProperty("role", "fieldName")
        heading.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        top = Qt.AlignmentFlag.AlignTop
        grid.addWidget(heading, row, 0, top)
        for column, side, value in ((1, THEIRS, conflict.theirs), (2, MINE, conflict.mine)):
            grid.addWidget(self._value_widget(name, side, describe(name, value)), row, column, top)
        box = QWidget(self)
        box.setObjectName(f"{name}Choice")
        layout = QVBoxLayout(box)
        layout.setContentsMargins(0, 0, 0, 0)
        group = QButtonGroup(self)
        group.setExclusive(True)
        for side, text in ((MINE, "Keep mine"), (THEIRS, "Take theirs")):
            radio = QRadioButton(text, box)
            radio.setObjectName(f"{name}{side.capitalize()}Radio")
            radio.setAccessibleName(f"{label}: {text.lower()}")
            radio.toggled.connect(self._on_radio_toggled)
            group.addButton(radio)
            layout.addWidget(radio)
            self._radios[(name, side)] = radio
        layout.addStretch(1)
        self._groups[name] = group
        grid.addWidget(box, row, 3, Qt.AlignmentFlag.AlignTop)

    def _value_widget(self, name: str, side: str, text: str) -> QWidget:
        object_name = f"{name}{side.capitalize()}Value"
        owner = "Saved elsewhere" if side == THEIRS else "Your version"
        if name in TEXT_FIELDS or name in CUSTOMER_WORDING_FIELDS:
            view = QPlainTextEdit(text, self)
            view.setReadOnly(True)
            view.setObjectName(object_name)
            view.setAccessibleName(f"{owner}: {FIELD_LABELS.get(name, name)}")
            FitToText(view, min_lines=2, max_lines=8)
            return view
        label = QLabel(text, self)
        label.setObjectName(object_name)
        label.setAccessibleName(f"{owner}: {FIELD_LABELS.get(name, name)}")
        label.setWordWrap(True)
        label.setTextFormat(Qt.TextFormat.PlainText)
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        label.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        return label

    # -- choices -------------------------------------------------------------------

    def choices(self) -> dict[str, str]:
        """The choice made per field so far: ``"mine"`` or ``"theirs"``."""
        made: dict[str, str] = {}
        for conflict in self.conflicts:
            for side in (MINE, THEIRS):
                if self._radios[(conflict.field, side)].isChecked():
                    made[conflict.field] = side
        return made

    def is_complete(self) -> bool:
        return len(self.choices()) == len(self.conflicts)

    def set_choice(self, field: str, choice: str) -> None:
        if choice not in (MINE, THEIRS):
            raise ValueError(f"choose {MINE!r} or {THEIRS!r}, not {choice!r}")
        self._radios[(field, choice)].setChecked(True)

    def keep_all_mine(self) -> None:
        for conflict in self.conflicts:
            self.set_choice(conflict.field, MINE)

    def take_all_theirs(self) -> None:
        for conflict in self.conflicts:
            self.set_choice(conflict.field, THEIRS)

    def _on_radio_toggled(self, _checked: bool) -> None:
        self._update_save_button()
        self.choices_changed.emit()

    def _update_save_button(self) -> None:
        complete = self.is_complete()
        self.save_button.setEnabled(complete)
        missing = len(self.conflicts) - len(self.choices())
        self.save_button.setToolTip(
            "Save with the values chosen" if complete else f"Choose a value for {missing} more"
        )

    def accept(self) -> None:
        if self.is_complete():  # Enter with a choice missing must not save half a decision
            super().accept()
