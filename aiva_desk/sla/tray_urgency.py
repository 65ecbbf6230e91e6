"""The tray's urgency: how many open tickets are breached or about to breach, and the most
urgent ones (``gui/main/tray.py`` only draws them). Indexed queries over
``tickets.next_deadline_at``."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import Connection, func, select

from aiva_desk.domain import Priority
from aiva_desk.durations import relative
from aiva_desk.sla.deadlines import DeadlineKind
from aiva_desk.store.models import Ticket

ABOUT_TO_BREACH = dt.timedelta(minutes=60)


@dataclass(frozen=True)
class UrgentTicket:
    ticket_id: int
    number: int
    subject: str
    priority: Priority | None
    kind: DeadlineKind
    due_at: dt.datetime

    def describe(self, now: dt.datetime) -> str:
        return f"#{self.number} {self.kind.label} {relative(self.due_at, now)} — {self.subject}"


@dataclass(frozen=True)
class TrayUrgency:
    breached: int
    about_to_breach: int
    urgent: list[UrgentTicket]

    @property
    def needs_attention(self) -> int:
        return self.breached + self.about_to_breach


def tray_urgency(
    conn: Connection, now: dt.datetime, *, soon: dt.timedelta = ABOUT_TO_BREACH, top: int = 5
) -> TrayUrgency:
    due = Ticket.next_deadline_at
    breached = conn.scalar(select(func.count()).where(due < now)) or 0
    about = conn.scalar(select(func.count()).where(due >= now, due < now + soon)) or 0
    rows = conn.execute(
        select(
            Ticket.id,
            Ticket.number,
            Ticket.subject,
            Ticket.priority,
            Ticket.next_deadline_kind,
            due,
        )
        .where(due.is_not(None), due < now + soon)
        .order_by(due)
        .limit(top)
    ).all()
    urgent = [
        UrgentTicket(tid, number, subject, priority, DeadlineKind(kind), at)
        for tid, number, subject, priority, kind, at in rows
    ]
    return TrayUrgency(breached, about, urgent)
