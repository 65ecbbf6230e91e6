"""The read-only parts of the editor: the header line, customer information and closure.

Chips use a fill with a fixed text colour, so they read the same on a light and
a dark palette; everything else takes its colours from the palette.
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QLabel, QPushButton, QToolButton, QWidget

from aiva_desk import clock
from aiva_desk.domain import EscalationLevel, TicketStatus
from aiva_desk.gui.common.formatting import (
    NOT_SET,
    PRIORITY_COLORS,
    duration,
    local_time,
    ticket_number,
)
from aiva_desk.gui.common.forms import child
from aiva_desk.gui.editor.fields import FieldBinding
from aiva_desk.sla.deadlines import deadline_phrase, shown_deadline
from aiva_desk.store.models import Ticket

# (fill, text) per status; the default for the working states.
STATUS_CHIP = {
    TicketStatus.NEW: ("#dbe7fb", "#12325e"),
    TicketStatus.WAITING_ON_CUSTOMER: ("#fff1c7", "#4a3000"),
    TicketStatus.AWAITING_CONFIRMATION: ("#fff1c7", "#4a3000"),
    TicketStatus.CLOSED: ("#dcefe2", "#0b3d1f"),
    TicketStatus.REOPENED: ("#fbe0dd", "#5c1610"),
}
WORKING_CHIP = ("#e4e7ec", "#1f2937")
NO_PRIORITY_CHIP = ("#e4e7ec", "#1f2937")
TICK_MS = 30_000  # the deadline line counts down like the queue's SLA column


def _chip(label: QLabel, text: str, colors: tuple[str, str]) -> None:
    label.setText(text)
    label.setStyleSheet(f"background: {colors[0]}; color: {colors[1]};")
    label.setAccessibleName(text)


class EditorHeader:
    """Number, status and priority chips, the summary line, and the read-only values."""

    def __init__(self, root: QWidget) -> None:
        self._root = root
        self.number = child(root, QLabel, "numberLabel")
        self.status = child(root, QLabel, "statusChip")
        self.priority = child(root, QLabel, "priorityChip")
        self.summary = child(root, QLabel, "summaryLabel")
        self.save_button = child(root, QPushButton, "saveButton")
        self.dirty_label = child(root, QLabel, "dirtyLabel")
        self.due_button = child(root, QToolButton, "dueClearButton")
        self._values = {
            name: child(root, QLabel, name)
            for name in (
                "customerNameValue",
                "customerEmailValue",
                "organizationValue",
                "customerRoleValue",
                "tenantIdValue",
                "reportedValue",
                "resolvedValue",
                "timeToResolutionValue",
                "slaMetValue",
                "closedValue",
                "reopenedValue",
            )
        }
        self._ticket: Ticket | None = None
        self.status.hide()
        self.priority.hide()
        # The summary's "Update due in 1 h 56 min" moves with the clock, without a query.
        self.tick_timer = QTimer(root)
        self.tick_timer.setInterval(TICK_MS)
        self.tick_timer.timeout.connect(lambda: self.tick())

    def value(self, name: str) -> str:
        return self._values[name].text()

    def show_loading(self) -> None:
        self.number.setText("Loading…")

    def tick(self, now: dt.datetime | None = None) -> None:
        """Count the deadline line down to ``now`` from the ticket shown (no reading)."""
        if self._ticket is not None:
            self.summary.setText(self._summary(self._ticket, now or clock.now()))

    def show_missing(self, message: str) -> None:
        self._ticket = None
        self.tick_timer.stop()
        self.number.setText("—")
        self.summary.setText(message)
        self.status.hide()
        self.priority.hide()

    def set_dirty(self, dirty: bool, *, saving: bool = False) -> None:
        self.dirty_label.setText("Saving…" if saving else "Unsaved changes")
        self.dirty_label.setVisible(dirty or saving)
        self.save_button.setEnabled(dirty and not saving)

    def show_ticket(self, ticket: Ticket, now: dt.datetime | None = None) -> None:
        self._ticket = ticket
        now = now or clock.now()
        self.number.setText(ticket_number(ticket.number))
        _chip(self.status, ticket.status.label, STATUS_CHIP.get(ticket.status, WORKING_CHIP))
        if ticket.priority is None:
            _chip(self.priority, "No priority", NO_PRIORITY_CHIP)
        else:
            fill = PRIORITY_COLORS[ticket.priority]
            _chip(
                self.priority,
                f"{ticket.priority.label} – {ticket.priority.meaning}",
                (fill, "#ffffff"),
            )
        self.status.show()
        self.priority.show()
        self.summary.setText(self._summary(ticket, now))
        self.tick_timer.start()
        self._show_customer(ticket)
        self._show_closure(ticket)

    @staticmethod
    def _summary(ticket: Ticket, now: dt.datetime) -> str:
        parts = [ticket.category.name if ticket.category else "No category"]
        if ticket.category_guessed:
            parts[0] += " (guessed from the e-mail)"
        parts.append(f"assigned to {ticket.assignee.name}" if ticket.assignee else "unassigned")
        parts.append(_deadline_text(ticket, now))
        if paused := paused_text(ticket.paused_time(now)):
            parts.append(paused)
        if ticket.escalation_level is not EscalationLevel.NONE:
            parts.append(f"escalated to {ticket.escalation_level.label}")
        return "  ·  ".join(parts)

    def _set(self, name: str, text: str | None) -> None:
        self._values[name].setText(text if (text or "").strip() else NOT_SET)

    def _show_customer(self, ticket: Ticket) -> None:
        customer = ticket.customer
        org = customer.organization
        self._set("customerNameValue", customer.name)
        self._set("customerEmailValue", customer.email)
        self._set("organizationValue", org.name if org else None)
        self._set("customerRoleValue", customer.role.value if customer.role else None)
        self._set("tenantIdValue", customer.tenant_id or (org.tenant_id if org else None))
        self._set("reportedValue", local_time(ticket.reported_at))

    def _show_closure(self, ticket: Ticket) -> None:
        to_resolution = ticket.time_to_resolution
        sla = None if ticket.sla_met is None else ("Yes" if ticket.sla_met else "No")
        self._set("resolvedValue", local_time(ticket.resolved_at))
        self._set("timeToResolutionValue", duration(to_resolution) if to_resolution else None)
        self._set("slaMetValue", sla)
        self._set("closedValue", local_time(ticket.closed_at))
        count = ticket.reopen_count
        self._set("reopenedValue", f"{count} time(s)" if count else "Never")

    def connect_due_button(self, binding: FieldBinding) -> None:
        """The button beside the deadline clears it, or sets one when there is none."""

        def update_text() -> None:
            has_due = binding.get() is not None
            self.due_button.setText("Clear" if has_due else "Set")
            self.due_button.setAccessibleName(
                "Clear the SLA deadline" if has_due else "Set an SLA deadline"
            )

        def clicked() -> None:
            if binding.get() is not None:
                binding.set(None)
            else:
                start = clock.now().replace(minute=0, second=0, microsecond=0)
                binding.set(start + dt.timedelta(hours=24))

        binding.changed.connect(lambda *_args: update_text())
        self.due_button.clicked.connect(lambda _checked=False: clicked())
        update_text()


def _deadline_text(ticket: Ticket, now: dt.datetime) -> str:
    """The next SLA deadline named by its clock, read from the same source and worded by
    the same function as the queue's countdown (``sla.deadlines.shown_deadline``)."""
    if ticket.closed_at is not None:
        due = ticket.sla_due_at
        return f"was due {local_time(due)}" if due else "closed"
    if ticket.sla_paused:
        return "SLA clock paused: waiting on the customer"
    due, kind = shown_deadline(
        ticket.next_deadline_at, ticket.next_deadline_kind, ticket.sla_due_at
    )
    if due is None:
        return "no deadline"
    return f"{deadline_phrase(kind, due, now)} ({local_time(due)})"


def paused_text(paused: dt.timedelta) -> str:
    """``clock paused 2 h 5 min in all``, or "" while the pauses add up to under a minute
    (a ticket just set waiting on the customer would read "paused 0 min")."""
    if paused < dt.timedelta(minutes=1):
        return ""
    return f"clock paused {duration(paused)} in all"
