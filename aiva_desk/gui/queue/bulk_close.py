"""Closing the selected tickets at once: the closure reason is asked once for all of
them, and the time spent either set the same on each or left as each ticket has it.

No satisfaction score here: that is one customer's answer, given per ticket. The
rules are the core's (:func:`aiva_desk.tickets.closing.closure_from_input`).
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from aiva_desk.errors import ValidationError
from aiva_desk.gui.common.forms import problem_label
from aiva_desk.gui.editor.sop.close_dialog import closure_reason_combo
from aiva_desk.tickets.closing import TIME_EXAMPLES, closure_from_input

# what was typed last, offered again when the dialog was cancelled (this session)
_LAST: dict[str, str] = {}


class BulkCloseDialog(QDialog):
    """Reason and time for every selected ticket.

    Signals:
        submitted(object): a valid Closure (``minutes`` None: keep each ticket's time).
    """

    submitted = Signal(object)

    def __init__(self, parent: QWidget, count: int) -> None:
        super().__init__(parent)
        self.setObjectName("bulkCloseDialog")
        noun = "ticket" if count == 1 else "tickets"
        self.setWindowTitle(f"Close {count:,} {noun}")
        self.setAccessibleName("Close the selected tickets")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        layout = QVBoxLayout(self)
        intro = QLabel(
            f"Close the {count:,} selected {noun} with the same closure reason. Those not "
            "ready to close are listed afterwards and keep their values.",
            self,
        )
        intro.setWordWrap(True)
        intro.setMinimumWidth(420)
        layout.addWidget(intro)
        form = QFormLayout()
        layout.addLayout(form)
        self.reason_combo = closure_reason_combo(self)
        form.addRow("Closure &reason:", self.reason_combo)
        self.time_edit = QLineEdit(self)
        self.time_edit.setObjectName("timeSpentEdit")
        self.time_edit.setAccessibleName("Time spent on each ticket")
        self.time_edit.setPlaceholderText("empty: keep each ticket's time spent")
        self.time_edit.setToolTip(f"The same time spent on each ticket, {TIME_EXAMPLES}")
        form.addRow("&Time spent, each:", self.time_edit)
        self.problem = problem_label("problemLabel", self)
        layout.addWidget(self.problem)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.ok_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText(f"Close {noun.capitalize()}")
        self.ok_button.setDefault(True)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.reason_combo.setCurrentIndex(max(self.reason_combo.findData(_LAST.get("reason")), 0))
        self.time_edit.setText(_LAST.get("time", ""))
        self.reason_combo.setFocus(Qt.FocusReason.OtherFocusReason)
        self.rejected.connect(self._remember)

    @property
    def problem_text(self) -> str:
        return "" if self.problem.isHidden() else self.problem.text()

    def accept(self) -> None:
        try:
            closure = closure_from_input(
                self.reason_combo.currentData() or None,
                self.time_edit.text(),
                None,
                time_required=False,
            )
        except ValidationError as exc:
            self.problem.setText("\n".join(exc.problems.values()))
            self.problem.show()
            return
        _LAST.clear()
        super().accept()
        self.submitted.emit(closure)

    def _remember(self) -> None:
        _LAST.update(reason=self.reason_combo.currentData() or "", time=self.time_edit.text())
