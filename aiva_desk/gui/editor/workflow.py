"""The editor's workflow buttons: the next SOP step(s) for the ticket's state.

Each button's tooltip names its SOP step and, when the step is not possible yet,
why. A refused step is explained inline under the buttons, never as a crash.
"""

from __future__ import annotations

import html
from collections.abc import Callable

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QTextDocumentFragment
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QWidget

from aiva_desk.domain import TicketStatus
from aiva_desk.errors import AivaError, ConflictError, NotFoundError, TransitionRefused
from aiva_desk.gui.common.formatting import ticket_number
from aiva_desk.gui.common.forms import child
from aiva_desk.gui.editor.saving import EditorSaver
from aiva_desk.gui.editor.state import EditorState
from aiva_desk.gui.errors import show_error
from aiva_desk.gui.tasks import BackgroundTask
from aiva_desk.tickets.closing import Closure, close_ticket
from aiva_desk.tickets.workflow import Action, Overlay, Transition


def _one_line(exc: Exception) -> str:
    """What the Close dialog says when the close failed (details go where they always do)."""
    if isinstance(exc, TransitionRefused):
        return " ".join(exc.reasons) or exc.message
    if isinstance(exc, AivaError):
        return exc.message.replace("\n", " ")
    return "The ticket was not closed."


COMPOSE_LINK = "compose:"
# A step whose SOP duty is a mail: its "is now …" message offers that mail in one click
FOLLOW_UP_MAIL = {
    Action.ACKNOWLEDGE: f' <a href="{COMPOSE_LINK}acknowledgment">Send the Acknowledgment…</a>',
    Action.SEND_SOLUTION: f' <a href="{COMPOSE_LINK}solution">Send the Solution mail…</a>',
}


class WorkflowBar(QObject):
    """Buttons for the next steps and the inline message under them.

    Signals:
        step_clicked(Transition): the agent asked for this workflow step.
        compose_requested(str): the message's link asks for this template's mail.
    """

    step_clicked = Signal(object)
    compose_requested = Signal(str)

    def __init__(self, root: QWidget) -> None:
        super().__init__(root)
        self._bar = child(root, QWidget, "actionsBar")
        self._layout = child(root, QHBoxLayout, "actionsLayout")
        self._message = child(root, QLabel, "transitionMessage")
        self._message.linkActivated.connect(self._on_link)
        self._buttons: dict[Action, QPushButton] = {}
        self.message_ticket: int | None = None
        # the status a "#1042 is now …" message announced: once the ticket has moved on
        # (a customer's reply, another agent), the message is stale and goes
        self.message_status: TicketStatus | None = None

    def _on_link(self, href: str) -> None:
        if href.startswith(COMPOSE_LINK):
            self.compose_requested.emit(href.removeprefix(COMPOSE_LINK))

    def button(self, action: Action) -> QPushButton | None:
        return self._buttons.get(Action(action))

    def set_steps(
        self, transitions: list[Transition], reasons: Callable[[Transition], list[str]]
    ) -> None:
        """Show a button per transition; ``reasons`` says why one is not possible yet."""
        current = [t.action for t in transitions]
        if current != list(self._buttons):
            for button in self._buttons.values():
                self._layout.removeWidget(button)
                button.deleteLater()
            self._buttons.clear()
            for transition in transitions:
                button = QPushButton(transition.label, self._bar)
                button.setObjectName(f"{transition.action.value}Button")
                button.setAccessibleName(transition.label)
                button.setAutoDefault(False)
                button.clicked.connect(lambda _=False, t=transition: self.step_clicked.emit(t))
                # After "Next step:" and before the spacer that pushes the rest right.
                self._layout.insertWidget(len(self._buttons) + 1, button)
                self._buttons[transition.action] = button
        for transition in transitions:
            tooltip = f"SOP step {transition.sop_step}"
            refused = reasons(transition)
            if refused:
                tooltip += "\n\nNot possible yet:\n" + "\n".join(f"• {r}" for r in refused)
            button = self._buttons[transition.action]
            button.setToolTip(tooltip)
            button.setAccessibleDescription(tooltip)
        self._bar.setVisible(bool(transitions))

    def set_enabled(self, enabled: bool) -> None:
        for button in self._buttons.values():
            button.setEnabled(enabled)

    # -- inline message ------------------------------------------------------------

    @property
    def message(self) -> str:
        """The inline message as plain text ("" when none is shown)."""
        if self._message.isHidden():
            return ""
        return QTextDocumentFragment.fromHtml(self._message.text()).toPlainText()

    def show_refusal(self, ticket_id: int, label: str, reasons: list[str]) -> None:
        lines = "".join(f"<br>• {html.escape(reason)}" for reason in reasons)
        self.show_message(ticket_id, f"<b>{html.escape(label)} is not possible yet.</b>{lines}")

    def show_message(
        self,
        ticket_id: int,
        rich_text: str,
        *,
        kind: str = "error",
        status: TicketStatus | None = None,
    ) -> None:
        """Show ``rich_text`` under the buttons; ``status``: the status it announces."""
        self.message_ticket = ticket_id
        self.message_status = status
        self._message.setProperty("kind", kind)
        self._message.style().unpolish(self._message)
        self._message.style().polish(self._message)
        self._message.setText(rich_text)
        self._message.show()

    def is_stale_for(self, ticket_id: int, status: TicketStatus) -> bool:
        """Whether the message shown is not about this ticket as it is now."""
        if self.message_ticket != ticket_id:
            return True
        return self.message_status is not None and self.message_status is not status

    def hide_message(self) -> None:
        self.message_ticket = None
        self.message_status = None
        self._message.clear()
        self._message.hide()


class WorkflowSteps(QObject):
    """Runs the workflow step a button asks for, on the ticket the editor shows.

    A step applies to what the agent sees: unsaved edits are saved first, and the
    guards are checked against the edited values (triage takes the category,
    priority and, when set by hand, the deadline from the form). Works on the editor's
    state; a step taken is announced through it.

    Close asks for the closure first: once the gates pass, ``close_requested`` is
    emitted and the Close dialog calls :meth:`close` with what the agent chose.

    Signals:
        close_requested(Transition): the gates pass; ask for the closure.
        request_requested(Transition): "Request information": draft the request, to be
            sent by e-mail (the status follows once it is sent) or recorded as asked.
    """

    close_requested = Signal(object)
    request_requested = Signal(object)

    def __init__(
        self, state: EditorState, bar: WorkflowBar, saver: EditorSaver, parent: QWidget
    ) -> None:
        super().__init__(parent)
        self._state = state
        self._bar = bar
        self._saver = saver
        self._widget = parent  # errors are shown over it
        # the Close dialog's closure and what to tell it: (closure, done, failed)
        self._closing: tuple[Closure, Callable[[], None], Callable[[str], None]] | None = None
        bar.step_clicked.connect(self._on_bar_step_clicked)
        # A merge on save shows the ticket as stored elsewhere without a reload: a
        # "#1042 is now Resolving." must not outlive the status it announced there either.
        state.edits_changed.connect(self._drop_stale_message)

    def _drop_stale_message(self) -> None:
        ticket = self._state.ticket
        if ticket is not None and self._bar.is_stale_for(ticket.id, ticket.status):
            self._bar.hide_message()

    def update(self) -> None:
        """Show the next steps for the ticket as edited (the guards see unsaved values);
        a status message the ticket has moved past (by any path) goes."""
        state = self._state
        ticket = state.ticket
        if ticket is None:
            return
        self._drop_stale_message()
        overlay, workflow = Overlay(ticket, state.values()), state.service.workflow
        self._bar.set_steps(
            workflow.next_steps(ticket), lambda t: workflow.refusal_reasons(overlay, t.action)
        )

    def _on_bar_step_clicked(self, transition: Transition) -> None:
        state = self._state
        ticket = state.ticket
        if ticket is None:
            return
        values = state.values()
        reasons = state.service.workflow.refusal_reasons(Overlay(ticket, values), transition.action)
        if transition.action is Action.CLOSE:
            self._check_close_gates(ticket.id, transition, values)
        elif transition.action is Action.REQUEST_INFORMATION and not reasons:
            self.request_requested.emit(transition)
        elif reasons:
            self._bar.show_refusal(ticket.id, transition.label, reasons)
        else:
            self._start(transition)

    def _check_close_gates(self, ticket_id: int, transition: Transition, values: dict) -> None:
        """The close gates read the checklists: judge them in the database, on the values
        the agent sees, before saving anything."""
        service = self._state.service
        self._bar.set_enabled(False)
        check = BackgroundTask(
            lambda: service.close_blockers(ticket_id, values),
            parent=self._widget,
            writes=False,
            label="close gates",
        )
        check.success(
            lambda reasons: self._on_close_gates_checked(ticket_id, transition, reasons)
        ).failure(lambda exc: self._on_step_failed(ticket_id, exc)).run_in_background()

    def _on_close_gates_checked(
        self, ticket_id: int, transition: Transition, reasons: list[str]
    ) -> None:
        self._bar.set_enabled(True)
        if self._state.ticket_id != ticket_id:
            return
        if reasons:
            self._bar.show_refusal(ticket_id, transition.label, reasons)
        else:
            self.close_requested.emit(transition)

    def close(
        self,
        transition: Transition,
        closure: Closure,
        done: Callable[[], None],
        failed: Callable[[str], None],
    ) -> None:
        """Close with ``closure`` (the Close dialog's), saving unsaved edits first."""
        self._closing = (closure, done, failed)
        self._start(transition)

    def start(self, transition: Transition) -> None:
        """Take ``transition`` now (saving unsaved edits first)."""
        self._start(transition)

    def _start(self, transition: Transition) -> None:
        self._bar.set_enabled(False)
        if self._state.is_dirty():
            self._saver.save(
                then=lambda: self._perform(transition),
                failed=lambda: self._on_save_failed(),
            )
        else:
            self._perform(transition)

    def _on_save_failed(self) -> None:
        self._bar.set_enabled(True)
        closing, self._closing = self._closing, None
        if closing is not None:
            closing[2]("Your edits were not saved, so the ticket was not closed.")

    def _perform(self, transition: Transition) -> None:
        state = self._state
        service, ticket_id, base = state.service, state.ticket_id, dict(state.base)
        version = state.base_version
        due = base["sla_due_at"] if state.due_edited else None
        assert ticket_id is not None
        closing, self._closing = self._closing, None
        if transition.action is Action.CLOSE and closing is not None:
            closure, done, failed = closing

            def close() -> int:
                return close_ticket(service, ticket_id, closure, version)

            BackgroundTask(close, parent=self._widget, label=f"close {ticket_id}").success(
                lambda _v: (done(), self._on_step_succeeded(ticket_id, transition))
            ).failure(
                lambda exc: (failed(_one_line(exc)), self._on_step_failed(ticket_id, exc))
            ).run_in_background()
            return
        if transition.action is Action.TRIAGE:

            def step() -> int:
                return service.triage(
                    ticket_id,
                    category_id=base["category_id"],
                    priority=base["priority"],
                    due=due,
                    expected_version=version,
                )
        else:

            def step() -> int:
                return service.perform(ticket_id, transition.action, version)

        BackgroundTask(step, parent=self._widget, label=f"{transition.action} {ticket_id}").success(
            lambda _version: self._on_step_succeeded(ticket_id, transition)
        ).failure(lambda exc: self._on_step_failed(ticket_id, exc)).run_in_background()

    def _on_step_succeeded(self, ticket_id: int, transition: Transition) -> None:
        state = self._state
        number = ticket_number(state.ticket.number) if state.ticket else f"Ticket {ticket_id}"
        target = html.escape(transition.target.label)
        # SOP step 1 is an e-mail: the step offers it at once (by phone: nothing to send)
        follow = FOLLOW_UP_MAIL.get(transition.action, "")
        self._bar.show_message(
            ticket_id,
            f"{html.escape(number)} is now <b>{target}</b>.{follow}",
            kind="info",
            status=transition.target,
        )
        self._bar.set_enabled(True)
        state.ticket_changed.emit(ticket_id)
        state.reload_requested.emit("step")

    def _on_step_failed(self, ticket_id: int, exc: Exception) -> None:
        state = self._state
        self._bar.set_enabled(True)
        if isinstance(exc, TransitionRefused):
            self._bar.show_refusal(ticket_id, exc.action_label, exc.reasons)
        elif isinstance(exc, ConflictError | NotFoundError):
            self._bar.show_message(ticket_id, html.escape(exc.message))
            state.ticket_changed.emit(ticket_id)
            state.reload_requested.emit("step")
        else:
            show_error(self._widget, exc)
