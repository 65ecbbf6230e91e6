"""The Close dialog: what the SOP's closure section and the quality metrics need, asked
once when the ticket closes — the closure reason, the time spent and the customer's
satisfaction score if known. "Close anyway…" uses it too, with the written reason.

The rules are the core's (:func:`aiva_desk.tickets.closing.closure_from_input`); the
dialog shows each problem on one line and stays open. What was typed is remembered
for the session when the dialog is cancelled or the close fails, and offered again.
"""

from __future__ import annotations

from dataclasses import dataclass

import shiboken6
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from aiva_desk.domain import ClosureReason
from aiva_desk.errors import ValidationError
from aiva_desk.gui.common.formatting import ticket_number
from aiva_desk.gui.common.forms import problem_label
from aiva_desk.store.models import Ticket
from aiva_desk.tickets.closing import CLOSURE_REASONS, TIME_EXAMPLES, Closure, closure_from_input
from aiva_desk.tickets.closing import suggested_time as _suggested_time
from aiva_desk.tickets.workflow import Overlay

SCORE_CHOICES = (
    ("Not known", None),
    ("5 — Very satisfied", 5),
    ("4 — Satisfied", 4),
    ("3 — Neutral", 3),
    ("2 — Dissatisfied", 2),
    ("1 — Very dissatisfied", 1),
)


@dataclass
class TypedClosure:
    """What the agent typed into the dialog, kept while the app runs."""

    reason: str
    time: str
    score: int | None
    why: str = ""


# ticket id -> what was typed and not yet used to close it (same session only)
REMEMBERED: dict[int, TypedClosure] = {}


def closure_reason_combo(parent: QWidget) -> QComboBox:
    """The closure reasons to choose from, starting at "Choose…" (nothing guessed)."""
    combo = QComboBox(parent)
    combo.setObjectName("closureReasonCombo")
    combo.setAccessibleName("Closure reason")
    combo.addItem("Choose…", "")
    for reason in CLOSURE_REASONS:
        combo.addItem(reason.label, reason.value)
    return combo


class CloseDialog(QDialog):
    """Asks for the closure; OK ("Close Ticket") waits for the close to succeed.

    Signals:
        submitted(object, str): a valid Closure, and the written reason ("Close anyway").
    """

    submitted = Signal(object, str)

    def __init__(
        self, parent: QWidget, ticket: Ticket | Overlay, *, override: bool = False
    ) -> None:
        """``ticket``: as the agent sees it (unsaved closure fields offered too)."""
        super().__init__(parent)
        self.ticket_id = ticket.id
        self.override = override
        title = "Close anyway" if override else "Close ticket"
        self.setObjectName("closeAnywayDialog" if override else "closeDialog")
        self.setWindowTitle(f"{title} {ticket_number(ticket.number)}")
        self.setAccessibleName(title)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        layout = QVBoxLayout(self)
        self.intro = QLabel(self)
        self.intro.setObjectName("introLabel")
        self.intro.setWordWrap(True)
        self.intro.setTextFormat(Qt.TextFormat.RichText)
        self.intro.setMinimumWidth(460)
        layout.addWidget(self.intro)
        form = QFormLayout()
        layout.addLayout(form)

        self.reason_combo = closure_reason_combo(self)
        form.addRow("Closure &reason:", self.reason_combo)

        self.time_edit = QLineEdit(self)
        self.time_edit.setObjectName("timeSpentEdit")
        self.time_edit.setAccessibleName("Time spent")
        self.time_edit.setPlaceholderText(f"e.g. {TIME_EXAMPLES.removeprefix('like ')}")
        self.time_edit.setToolTip(f"The working time on this ticket, {TIME_EXAMPLES}")
        form.addRow("&Time spent:", self.time_edit)

        self.score_combo = QComboBox(self)
        self.score_combo.setObjectName("satisfactionScoreCombo")
        self.score_combo.setAccessibleName("Satisfaction score")
        for text, score in SCORE_CHOICES:
            self.score_combo.addItem(text, score)
        form.addRow("&Satisfaction score:", self.score_combo)

        self.edit: QPlainTextEdit | None = None
        if override:
            self.edit = QPlainTextEdit(self)
            self.edit.setObjectName("answerEdit")
            self.edit.setAccessibleName("Why close it anyway")
            self.edit.setTabChangesFocus(True)
            self.edit.setMaximumHeight(100)
            form.addRow("&Why close it anyway?", self.edit)

        self.problem = problem_label("problemLabel", self)
        layout.addWidget(self.problem)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText("Close Anyway" if override else "Close Ticket")
        self.ok_button.setDefault(True)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.set_intro("")
        self._fill(ticket)
        self._closed = False
        self.finished.connect(self._on_finished)
        for changed in (
            self.reason_combo.currentIndexChanged,
            self.time_edit.textChanged,
            self.score_combo.currentIndexChanged,
            *([self.edit.textChanged] if self.edit is not None else []),
        ):
            changed.connect(self._recheck)

    # -- values --------------------------------------------------------------------

    def _fill(self, ticket: Ticket | Overlay) -> None:
        typed = REMEMBERED.get(ticket.id)
        if typed is None:
            reason = ClosureReason(ticket.closure_reason or "").value
            typed = TypedClosure(reason, _suggested_time(ticket), ticket.satisfaction_score)
        self.reason_combo.setCurrentIndex(max(self.reason_combo.findData(typed.reason), 0))
        self.time_edit.setText(typed.time)
        self.score_combo.setCurrentIndex(max(self.score_combo.findData(typed.score), 0))
        if self.edit is not None:
            self.edit.setPlainText(typed.why)
        first_empty = self.reason_combo if not typed.reason else self.time_edit
        first_empty.setFocus(Qt.FocusReason.OtherFocusReason)

    def typed(self) -> TypedClosure:
        return TypedClosure(
            self.reason_combo.currentData() or "",
            self.time_edit.text(),
            self.score_combo.currentData(),
            self.edit.toPlainText() if self.edit is not None else "",
        )

    def closure(self) -> Closure:
        """The closure as typed; ValidationError (one line per field) when it is not valid."""
        typed = self.typed()
        closure = closure_from_input(typed.reason or None, typed.time, typed.score)
        if self.override and not typed.why.strip():
            raise ValidationError({"reason": "Write why you close it anyway."})
        return closure

    def set_intro(self, extra_html: str) -> None:
        if self.override:
            text = (
                "<b>Close this ticket past its close gates.</b> Your name and reason go into "
                "the closure section and the history, and show on reports."
            )
        else:
            text = (
                "<b>Close the ticket.</b> The closure reason, time spent and satisfaction "
                "score go into the closure section and the quality metrics."
            )
        self.intro.setText(text + extra_html)
        self.adjustSize()

    # -- accepting -----------------------------------------------------------------

    def accept(self) -> None:
        """Check the values; valid ones are handed over and the dialog waits (:meth:`done_ok`)."""
        if not self.ok_button.isEnabled():
            return
        try:
            closure = self.closure()
        except ValidationError as exc:
            self.show_problem("\n".join(exc.problems.values()))
            return
        self.problem.hide()
        self.ok_button.setEnabled(False)
        self.submitted.emit(closure, self.typed().why.strip())

    def _recheck(self) -> None:
        """A problem shown goes (or shrinks to what is still wrong) as soon as it is fixed."""
        if self.problem.isHidden():
            return
        try:
            self.closure()
        except ValidationError as exc:
            self.problem.setText("\n".join(exc.problems.values()))
        else:
            self.problem.hide()

    def done_ok(self) -> None:
        REMEMBERED.pop(self.ticket_id, None)
        if not shiboken6.isValid(self):
            return  # cancelled while the close ran: it closed all the same
        self._closed = True
        super().accept()

    def show_problem(self, text: str) -> None:
        if not shiboken6.isValid(self):
            return
        self.problem.setText(text)
        self.problem.show()
        self.adjustSize()  # room for every line
        self.ok_button.setEnabled(True)

    @property
    def problem_text(self) -> str:
        return "" if self.problem.isHidden() else self.problem.text()

    def _on_finished(self, _result: int) -> None:
        if not self._closed:  # cancelled: keep what was typed for next time
            REMEMBERED[self.ticket_id] = self.typed()
