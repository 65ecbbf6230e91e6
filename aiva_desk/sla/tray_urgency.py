"""The tray's urgency: how many open tickets are breached or about to breach, and the ones
that need action now (``gui/main/tray.py`` only draws them). Indexed queries over
``tickets.next_deadline_at``.

"Now" means a deadline within the next hour or missed within the last day
(:data:`LONG_OVERDUE`). Breaches older than that (demo data, tickets left for dead)
are counted as "long overdue" instead of crowding out the live P1 that is about to
breach. The list puts higher priority first, then the deadline nearest to now
(breaching soonest or just breached).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import Connection, func, select

from aiva_desk.domain import Priority
from aiva_desk.sla.deadlines import DeadlineKind, deadline_phrase
from aiva_desk.store.models import Ticket

ABOUT_TO_BREACH = dt.timedelta(minutes=60)
LONG_OVERDUE = dt.timedelta(days=1)  # missed longer ago than this: summarised, not listed
CANDIDATES = 500  # tickets in the "now" window ranked in Python (the window is short)


@dataclass(frozen=True)
class UrgentTicket:
    ticket_id: int
    number: int
    subject: str
    priority: Priority | None
    kind: DeadlineKind
    due_at: dt.datetime

    def describe(self, now: dt.datetime) -> str:
        """``#12 (P1) Escalation due in 12 min — Platform down``."""
        priority = f" ({self.priority.name})" if self.priority else ""
        phrase = deadline_phrase(self.kind, self.due_at, now)
        return f"#{self.number}{priority} {phrase} — {self.subject}"


@dataclass(frozen=True)
class TrayUrgency:
    breached: int
    about_to_breach: int
    urgent: list[UrgentTicket]
    long_overdue: int = 0  # breached more than LONG_OVERDUE ago (part of ``breached``)
    more: int = field(default=0)  # in the "now" window but beyond the list's length

    @property
    def needs_attention(self) -> int:
        return self.breached + self.about_to_breach


def urgency(
    priority: Priority | None, due_at: dt.datetime, now: dt.datetime
) -> tuple[bool, int, dt.timedelta]:
    """How urgently a deadline needs action now, smallest first: not long overdue, then
    higher priority, then the deadline nearest to now (just breached or due soonest)."""
    late = now - due_at
    rank = int(priority) if priority is not None else len(Priority) + 1
    return late > LONG_OVERDUE, rank, abs(late)


def _rank(ticket: UrgentTicket, now: dt.datetime) -> tuple[int, dt.timedelta]:
    return urgency(ticket.priority, ticket.due_at, now)[1:]


def tray_urgency(
    conn: Connection,
    now: dt.datetime,
    *,
    soon: dt.timedelta = ABOUT_TO_BREACH,
    top: int = 5,
    long_overdue: dt.timedelta = LONG_OVERDUE,
) -> TrayUrgency:
    """Counts over every open ticket; the ``top`` that need action now, most urgent first."""
    due = Ticket.next_deadline_at
    breached = conn.scalar(select(func.count()).where(due < now)) or 0
    about = conn.scalar(select(func.count()).where(due >= now, due < now + soon)) or 0
    dead = conn.scalar(select(func.count()).where(due < now - long_overdue)) or 0
    rows = conn.execute(
        select(
            Ticket.id,
            Ticket.number,
            Ticket.subject,
            Ticket.priority,
            Ticket.next_deadline_kind,
            due,
        )
        .where(due >= now - long_overdue, due < now + soon)
        .order_by(Ticket.priority.is_(None), Ticket.priority, due.desc())
        .limit(CANDIDATES)
    ).all()
    candidates = sorted(
        (
            UrgentTicket(tid, number, subject, priority, DeadlineKind(kind), at)
            for tid, number, subject, priority, kind, at in rows
        ),
        key=lambda ticket: _rank(ticket, now),
    )
    in_window = breached - dead + about
    return TrayUrgency(
        breached, about, candidates[:top], dead, max(0, in_window - min(top, len(candidates)))
    )
