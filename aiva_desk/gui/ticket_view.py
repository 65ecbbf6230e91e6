"""The ticket pane: the selected ticket read-only, and buttons for its next workflow steps.

The layout comes from ``ui/ticket_view.ui``; the document is rendered by
:mod:`aiva_desk.gui.ticket_html`. Loading and workflow steps run as background
tasks. A refused step is explained in words under the buttons, never as a crash.
"""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Callable

from PySide6.QtCore import Signal
from PySide6.QtGui import QResizeEvent, QTextDocumentFragment
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QTextBrowser, QWidget

from aiva_desk.errors import ConflictError, NotFoundError, TransitionRefused
from aiva_desk.gui.errors import show_error
from aiva_desk.gui.formatting import local_time, priority_text, ticket_number
from aiva_desk.gui.forms import child, load_form
from aiva_desk.gui.tasks import BackgroundTask
from aiva_desk.gui.ticket_html import STYLE as DOCUMENT_STYLE
from aiva_desk.gui.ticket_html import render_placeholder, render_ticket
from aiva_desk.store.models import AuditEntry, Ticket
from aiva_desk.tickets import TicketService
from aiva_desk.workflow import Action, Transition

NOTHING_SELECTED = "Select a ticket in the queue to see it here."
WIDE_LAYOUT_MIN_WIDTH = 760  # document width from which details go side by side


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class TicketView(QWidget):
    """One ticket laid out like the SOP template, with its workflow buttons.

    Signals:
        ticket_loaded(int): the ticket with this id was loaded and is now shown.
        ticket_changed(int): a workflow step changed the ticket with this id.
    """

    ticket_loaded = Signal(int)
    ticket_changed = Signal(int)

    def __init__(
        self,
        service: TicketService,
        parent: QWidget | None = None,
        *,
        clock: Callable[[], dt.datetime] = _utcnow,
    ) -> None:
        super().__init__(parent)
        load_form("ticket_view.ui", into=self)
        self.setObjectName("ticketView")
        self._service = service
        self._clock = clock
        self._header = child(self, QLabel, "headerLabel")
        self._status_line = child(self, QLabel, "statusLine")
        self._actions_bar = child(self, QWidget, "actionsBar")
        self._actions_layout = child(self, QHBoxLayout, "actionsLayout")
        self._message = child(self, QLabel, "transitionMessage")
        self._document = child(self, QTextBrowser, "ticketDocument")
        self._document.document().setDefaultStyleSheet(DOCUMENT_STYLE)
        self._buttons: dict[Action, QPushButton] = {}
        self._ticket: Ticket | None = None
        self._history: list[AuditEntry] = []
        self._wide = True
        self._load_token = 0
        self._message_ticket: int | None = None
        self.clear()

    # -- public --------------------------------------------------------------------

    @property
    def ticket(self) -> Ticket | None:
        """The ticket shown, as loaded (detached), or ``None``."""
        return self._ticket

    def step_button(self, action: Action) -> QPushButton | None:
        return self._buttons.get(Action(action))

    @property
    def message(self) -> str:
        """The inline workflow message as plain text ("" when none is shown)."""
        if self._message.isHidden():
            return ""
        return QTextDocumentFragment.fromHtml(self._message.text()).toPlainText()

    def clear(self, text: str = NOTHING_SELECTED) -> None:
        self._load_token += 1  # results of loads still running are now stale
        self._ticket = None
        self._history = []
        self._header.setText("No ticket selected")
        self._status_line.setText("")
        self._status_line.hide()
        self._set_buttons([])
        self._actions_bar.hide()
        self._hide_message()
        self._document.setHtml(render_placeholder(text))

    def show_ticket(self, ticket_id: int) -> None:
        """Load the ticket (and its history) in the background and show it."""
        self._load_token += 1
        token = self._load_token
        service = self._service

        def load() -> tuple[Ticket, list[AuditEntry]]:
            return service.get(ticket_id), service.history(ticket_id)

        BackgroundTask(load, parent=self, writes=False, label=f"load ticket {ticket_id}").success(
            lambda result: self._on_load_succeeded(token, result)
        ).failure(lambda exc: self._on_load_failed(token, exc)).run_in_background()

    # -- loading -------------------------------------------------------------------

    def _on_load_succeeded(self, token: int, result: tuple[Ticket, list[AuditEntry]]) -> None:
        if token != self._load_token:
            return  # a newer selection won
        ticket, history = result
        same_ticket = self._ticket is not None and self._ticket.id == ticket.id
        scroll = self._document.verticalScrollBar().value() if same_ticket else 0
        self._ticket = ticket
        self._header.setText(f"{ticket_number(ticket.number)} · {ticket.subject}")
        self._status_line.setText(self._summary(ticket))
        self._status_line.show()
        self._set_buttons(self._service.workflow.next_steps(ticket))
        self._actions_bar.show()
        if self._message_ticket != ticket.id:
            self._hide_message()
        self._history = history
        self._wide = self._is_wide()
        self._render()
        self._document.verticalScrollBar().setValue(scroll)
        self.ticket_loaded.emit(ticket.id)

    def _is_wide(self) -> bool:
        return self._document.viewport().width() >= WIDE_LAYOUT_MIN_WIDTH

    def _render(self) -> None:
        if self._ticket is not None:
            html_text = render_ticket(self._ticket, self._history, self._clock(), wide=self._wide)
            self._document.setHtml(html_text)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if self._ticket is not None and self._is_wide() != self._wide:
            scroll = self._document.verticalScrollBar().value()
            self._wide = not self._wide
            self._render()
            self._document.verticalScrollBar().setValue(scroll)

    def _on_load_failed(self, token: int, exc: Exception) -> None:
        if token != self._load_token:
            return
        if isinstance(exc, NotFoundError):
            self.clear(exc.message)
            return
        show_error(self, exc)

    @staticmethod
    def _summary(ticket: Ticket) -> str:
        parts = [
            ticket.status.label,
            priority_text(ticket.priority, long=True),
            ticket.category.name if ticket.category else "No category",
        ]
        if ticket.sla_due_at is not None:
            parts.append(f"due {local_time(ticket.sla_due_at)}")
        parts.append(f"customer {ticket.customer.name}")
        return "  ·  ".join(parts)

    # -- workflow buttons ----------------------------------------------------------

    def _set_buttons(self, transitions: list[Transition]) -> None:
        for button in self._buttons.values():
            self._actions_layout.removeWidget(button)
            button.deleteLater()
        self._buttons.clear()
        ticket = self._ticket
        for transition in transitions:
            button = QPushButton(transition.label, self._actions_bar)
            button.setObjectName(f"{transition.action.value}Button")
            button.setAccessibleName(transition.label)
            tooltip = f"SOP step {transition.sop_step}"
            if ticket is not None and transition.action is not Action.TRIAGE:
                reasons = self._service.workflow.refusal_reasons(ticket, transition.action)
                if reasons:
                    tooltip += "\n\nNot possible yet:\n" + "\n".join(f"• {r}" for r in reasons)
            button.setToolTip(tooltip)
            button.setAccessibleDescription(tooltip)
            button.clicked.connect(lambda _=False, t=transition: self._on_step_button_clicked(t))
            # Before the trailing spacer, so the buttons line up on the left.
            self._actions_layout.insertWidget(self._actions_layout.count() - 1, button)
            self._buttons[transition.action] = button

    def _set_buttons_enabled(self, enabled: bool) -> None:
        for button in self._buttons.values():
            button.setEnabled(enabled)

    def _on_step_button_clicked(self, transition: Transition) -> None:
        ticket = self._ticket
        if ticket is None:
            return
        service = self._service
        if transition.action is Action.TRIAGE:
            if ticket.category_id is None or ticket.priority is None:
                reasons = service.workflow.refusal_reasons(ticket, Action.TRIAGE)
                self._show_refusal(ticket.id, TransitionRefused(transition.label, reasons))
                return
            category_id, priority = ticket.category_id, ticket.priority

            def step() -> int:
                return service.triage(
                    ticket.id,
                    category_id=category_id,
                    priority=priority,
                    expected_version=ticket.version,
                )
        else:

            def step() -> int:
                return service.perform(ticket.id, transition.action, ticket.version)

        self._set_buttons_enabled(False)
        BackgroundTask(step, parent=self, label=f"{transition.action} #{ticket.number}").success(
            lambda _version: self._on_step_succeeded(ticket, transition)
        ).failure(lambda exc: self._on_step_failed(ticket, exc)).run_in_background()

    def _on_step_succeeded(self, ticket: Ticket, transition: Transition) -> None:
        self._show_message(
            ticket.id,
            f"{html.escape(ticket_number(ticket.number))} is now "
            f"<b>{html.escape(transition.target.label)}</b>.",
            kind="info",
        )
        self.ticket_changed.emit(ticket.id)
        if self._ticket is not None and self._ticket.id == ticket.id:
            self.show_ticket(ticket.id)

    def _on_step_failed(self, ticket: Ticket, exc: Exception) -> None:
        self._set_buttons_enabled(True)
        if isinstance(exc, TransitionRefused):
            self._show_refusal(ticket.id, exc)
        elif isinstance(exc, ConflictError):
            self._show_message(ticket.id, html.escape(exc.message) + " It has been reloaded.")
            self.ticket_changed.emit(ticket.id)
            self.show_ticket(ticket.id)
        elif isinstance(exc, NotFoundError):
            self.ticket_changed.emit(ticket.id)
            self.clear(exc.message)
        else:
            show_error(self, exc)

    # -- inline message ------------------------------------------------------------

    def _show_refusal(self, ticket_id: int, exc: TransitionRefused) -> None:
        reasons = "".join(f"<br>• {html.escape(reason)}" for reason in exc.reasons)
        label = html.escape(exc.action_label)
        self._show_message(ticket_id, f"<b>{label} is not possible yet.</b>{reasons}")

    def _show_message(self, ticket_id: int, rich_text: str, *, kind: str = "error") -> None:
        self._message_ticket = ticket_id
        self._message.setProperty("kind", kind)
        self._message.style().unpolish(self._message)
        self._message.style().polish(self._message)
        self._message.setText(rich_text)
        self._message.show()

    def _hide_message(self) -> None:
        self._message_ticket = None
        self._message.clear()
        self._message.hide()
