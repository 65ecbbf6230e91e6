"""Tickets whose SLA clocks stand where a test needs them (the tray's urgency story)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import update

from aiva_desk.app_context import AppContext
from aiva_desk.domain import Priority
from aiva_desk.sla.deadlines import DeadlineKind
from aiva_desk.store.models import Ticket
from aiva_desk.tickets.service import TicketRef
from tests.helpers.queue_gui_helpers import make_tickets

MIN = dt.timedelta(minutes=1)


def set_clock(
    context: AppContext, ticket_id: int, priority: Priority, kind: DeadlineKind, due: dt.datetime
) -> None:
    """Give a ticket an indexed next deadline directly (what the tray reads)."""
    with context.db.engine.begin() as conn:
        conn.execute(
            update(Ticket)
            .where(Ticket.id == ticket_id)
            .values(
                priority=priority,
                next_deadline_at=due,
                next_deadline_kind=kind.value,
                next_alert_at=None,
            )
        )


def make_urgency_story(context: AppContext, now: dt.datetime) -> list[TicketRef]:
    """Six tickets: a long-dead breach, two live P1s, two P2s near now, a P4 hours away."""
    refs = make_tickets(context, 6)
    story = [
        (Priority.P3, DeadlineKind.RESOLUTION, now - dt.timedelta(days=40)),  # demo-like
        (Priority.P1, DeadlineKind.ESCALATION, now + 12 * MIN),
        (Priority.P2, DeadlineKind.NEXT_UPDATE, now - 5 * MIN),
        (Priority.P2, DeadlineKind.RESOLUTION, now + 50 * MIN),
        (Priority.P1, DeadlineKind.RESOLUTION, now - 2 * 60 * MIN),
        (Priority.P4, DeadlineKind.RESOLUTION, now + 3 * 60 * MIN),
    ]
    for ref, (priority, kind, due) in zip(refs, story, strict=True):
        set_clock(context, ref.id, priority, kind, due)
    return refs
