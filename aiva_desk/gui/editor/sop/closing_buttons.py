"""The closing buttons in the editor: the customer's confirmation and senior support's
override. They hold no rule: the close gates are :mod:`aiva_desk.tickets.close_gates`.

Close is refused until the Pre-Resolution checklist is complete, the resolution
is documented and the customer confirmed; the editor shows why inline. Beside
the workflow buttons, "Customer confirmed…" records the confirmation (how: a
reply, a call), and — only for senior support — "Close anyway…" closes past the
gates with a written reason that goes into the closure section and the history.
Both ask for the closure (reason, time spent, satisfaction score) in the Close
dialog (:mod:`aiva_desk.gui.editor.sop.close_dialog`) before the ticket closes.
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING, TypeVar

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from aiva_desk.domain import StaffRole, TicketStatus
from aiva_desk.errors import AivaError, ValidationError
from aiva_desk.gui.common.formatting import NOT_SET, local_time
from aiva_desk.gui.common.forms import child, problem_label
from aiva_desk.gui.editor.sop.close_dialog import CloseDialog
from aiva_desk.gui.errors import show_error
from aiva_desk.gui.tasks import BackgroundTask
from aiva_desk.store.models import Staff, Ticket
from aiva_desk.tickets.closing import Closure, close_anyway
from aiva_desk.tickets.workflow import Overlay, Transition

if TYPE_CHECKING:
    from aiva_desk.gui.editor.editor import TicketEditor


class _TextDialog(QDialog):
    """A question with one text answer; OK waits for the work to succeed.

    Signals:
        submitted(str): the agent pressed OK with this text.
    """

    submitted = Signal(str)

    def __init__(
        self, parent: QWidget, *, name: str, title: str, intro: str, label: str, multiline: bool
    ) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self.setWindowTitle(title)
        self.setAccessibleName(title)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        layout = QVBoxLayout(self)
        self.intro = QLabel(intro, self)
        self.intro.setObjectName("introLabel")
        self.intro.setWordWrap(True)
        self.intro.setTextFormat(Qt.TextFormat.RichText)
        self.intro.setMinimumWidth(460)
        layout.addWidget(self.intro)
        caption = QLabel(label, self)
        layout.addWidget(caption)
        self.edit: QLineEdit | QPlainTextEdit
        if multiline:
            self.edit = QPlainTextEdit(self)
            self.edit.setTabChangesFocus(True)
            self.edit.setMaximumHeight(120)
            self.edit.textChanged.connect(self._update_ok)
        else:
            self.edit = QLineEdit(self)
            self.edit.textChanged.connect(self._update_ok)
        self.edit.setObjectName("answerEdit")
        self.edit.setAccessibleName(label)
        caption.setBuddy(self.edit)
        layout.addWidget(self.edit)
        self.problem = problem_label("problemLabel", self)
        layout.addWidget(self.problem)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.required = multiline
        self._update_ok()

    def text(self) -> str:
        edit = self.edit
        return edit.toPlainText() if isinstance(edit, QPlainTextEdit) else edit.text()

    def _update_ok(self) -> None:
        self.ok_button.setEnabled(not self.required or bool(self.text().strip()))

    def accept(self) -> None:
        """Hand the answer over; the dialog closes when the work succeeded (:meth:`done_ok`)."""
        if self.required and not self.text().strip():
            return
        self.ok_button.setEnabled(False)
        self.submitted.emit(self.text().strip())

    def done_ok(self) -> None:
        super().accept()

    def show_problem(self, text: str) -> None:
        self.problem.setText(text)
        self.problem.show()
        self._update_ok()


_D = TypeVar("_D", bound=QDialog)
# Where "Customer confirmed…" makes sense: a fix is being tried or was sent (SOP steps 4–6)
CONFIRMABLE = frozenset(
    {
        TicketStatus.RESOLVING,
        TicketStatus.AWAITING_CONFIRMATION,
    }
)


class ClosingButtons(QObject):
    """The two buttons beside the workflow steps and the closure rows that show the result.

    Signals:
        changed(int): the confirmation or the override was stored for this ticket id.
    """

    changed = Signal(int)

    def __init__(self, editor: TicketEditor) -> None:
        super().__init__(editor)
        self._editor = editor
        self._ticket: Ticket | None = None
        self.me: Staff | None = None
        self.dialog: _TextDialog | CloseDialog | None = None
        bar = child(editor, QWidget, "actionsBar")
        actions = child(editor, QHBoxLayout, "actionsLayout")
        self.confirm_button = self._button(bar, "customerConfirmedButton", "Customer confirmed…")
        self.confirm_button.setToolTip(
            "Record that the customer confirmed the fix works (SOP step 6), from their reply "
            "or a call. Closing needs it."
        )
        self.override_button = self._button(bar, "closeAnywayButton", "Close anyway…")
        self.override_button.setToolTip(
            "Senior support: close past the close gates with a written reason (audited)."
        )
        actions.insertWidget(1, self.override_button)
        actions.insertWidget(1, self.confirm_button)
        self.confirm_button.clicked.connect(lambda _c=False: self.open_confirmation())
        self.override_button.clicked.connect(lambda _c=False: self.open_close_anyway())
        grid = child(editor, QGridLayout, "closureLayout")
        width = child(editor, QLabel, "resolvedLabel").minimumWidth()
        self.confirmed_value = self._row(grid, "customerConfirmed", "Customer confirmed", width)
        self.override_value = self._row(grid, "closeOverride", "Closed anyway", width)
        editor.steps.close_requested.connect(self.open_close)

    @staticmethod
    def _button(parent: QWidget, name: str, text: str) -> QPushButton:
        button = QPushButton(text, parent)
        button.setObjectName(name)
        button.setAccessibleName(text.rstrip("…"))
        button.setAutoDefault(False)
        button.hide()
        return button

    @staticmethod
    def _row(grid: QGridLayout, name: str, text: str, width: int) -> QLabel:
        row = grid.rowCount()
        label = QLabel(text, grid.parentWidget())
        label.setObjectName(f"{name}Label")
        label.setProperty("role", "fieldLabel")
        label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        label.setMinimumWidth(width)
        value = QLabel(NOT_SET, grid.parentWidget())
        value.setObjectName(f"{name}Value")
        value.setAccessibleName(text)
        value.setWordWrap(True)
        value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        grid.addWidget(label, row, 0)
        grid.addWidget(value, row, 1, 1, 3)
        return value

    # -- showing -------------------------------------------------------------------

    def show_ticket(self, ticket: Ticket, me: Staff | None) -> None:
        self._ticket, self.me = ticket, me
        is_open = ticket.status is not TicketStatus.CLOSED
        self.confirm_button.setVisible(
            ticket.status in CONFIRMABLE and ticket.customer_confirmed_at is None
        )
        self.override_button.setVisible(is_open and self.may_override())
        if ticket.customer_confirmed_at is None:
            self.confirmed_value.setText(NOT_SET)
        else:
            how = ticket.customer_confirmed_by or ""
            self.confirmed_value.setText(f"{local_time(ticket.customer_confirmed_at)} — {how}")
        self.override_value.setText(ticket.close_override_reason or NOT_SET)

    def may_override(self) -> bool:
        """Only senior support may close a ticket past its gates."""
        return self.me is not None and self.me.role is StaffRole.SENIOR_SUPPORT

    # -- the dialogs ---------------------------------------------------------------

    def open_confirmation(self) -> _TextDialog:
        dialog = _TextDialog(
            self._editor,
            name="customerConfirmationDialog",
            title="Customer confirmed",
            intro="Record that the customer confirmed the fix works. Say how, so the next "
            "person can find it.",
            label="How did they confirm? (optional)",
            multiline=False,
        )
        dialog.edit.setPlaceholderText("e.g. Replied on 26 Nov: the agent answers again")
        dialog.submitted.connect(lambda how: self._confirm(dialog, how))
        return self._open(dialog)

    def open_close(self, transition: Transition) -> CloseDialog | None:
        """The gates pass: ask for the closure, then close (the editor's workflow steps)."""
        ticket = self._editor.ticket
        if ticket is None:
            return None
        dialog = CloseDialog(self._editor, Overlay(ticket, self._editor.values()))
        unsent = [c.kind or c.subject for c in ticket.communications if c.draft]
        if unsent:  # e.g. the Escalated mail drafted and never sent
            kinds = ", ".join(f"“{html.escape(kind, quote=False)}”" for kind in unsent)
            mails = "mail was" if len(unsent) == 1 else "mails were"
            dialog.set_intro(
                f"<br><br>⚠ The {kinds} {mails} drafted but never sent to the customer. "
                "Send it from the communication log first if they should read it."
            )
        steps = self._editor.steps
        dialog.submitted.connect(
            lambda closure, _why: steps.close(
                transition, closure, dialog.done_ok, dialog.show_problem
            )
        )
        return self._open(dialog)

    def open_close_anyway(self) -> CloseDialog | None:
        ticket = self._editor.ticket
        if ticket is None:
            return None
        dialog = CloseDialog(self._editor, ticket, override=True)
        dialog.submitted.connect(lambda closure, why: self._close_anyway(dialog, closure, why))
        service, ticket_id = self._editor.service, self._editor.ticket_id

        def show(reasons: list[str]) -> None:
            items = "".join(f"<li>{html.escape(reason, quote=False)}</li>" for reason in reasons)
            dialog.set_intro(f"<br>Not met now:<ul>{items}</ul>" if items else "")

        gates = BackgroundTask(
            lambda: service.close_blockers(ticket_id), parent=dialog, writes=False, label="gates"
        )
        gates.success(show).run_in_background()
        return self._open(dialog)

    def _open(self, dialog: _D) -> _D:
        if self.dialog is not None:
            self.dialog.close()
        self.dialog = dialog
        dialog.destroyed.connect(lambda *_a: self.dialog is dialog and self._forget_dialog())
        dialog.open()
        return dialog

    def _forget_dialog(self) -> None:
        self.dialog = None

    def _confirm(self, dialog: _TextDialog, how: str) -> None:
        service = self._editor.service
        self._run(dialog, lambda ticket_id: service.record_customer_confirmation(ticket_id, how))

    def _close_anyway(self, dialog: CloseDialog, closure: Closure, reason: str) -> None:
        service, staff_id = self._editor.service, self.me.id if self.me else None
        self._run(
            dialog,
            lambda ticket_id: close_anyway(service, ticket_id, closure, reason, staff_id=staff_id),
        )

    def _run(self, dialog: _TextDialog | CloseDialog, work) -> None:
        ticket_id = self._editor.ticket_id
        if ticket_id is None:
            return

        def done(_version: int) -> None:
            dialog.done_ok()
            self.changed.emit(ticket_id)

        def failed(exc: Exception) -> None:
            if isinstance(exc, ValidationError):
                dialog.show_problem("\n".join(exc.problems.values()))
            elif isinstance(exc, AivaError):
                dialog.show_problem(exc.message)
            else:
                dialog.show_problem("Not saved.")
                show_error(dialog, exc)

        BackgroundTask(lambda: work(ticket_id), parent=dialog, label="close gate").success(
            done
        ).failure(failed).run_in_background()
