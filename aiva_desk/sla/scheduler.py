"""The SLA scheduler: which alerts are due now, and when to wake up next.

One indexed query over ``tickets.next_alert_at`` finds the tickets with something
to say; nothing scans every ticket. Each alert is recorded when raised, so it is
never repeated for the same deadline. A deadline whose earlier warnings were
missed (the app was closed) raises only its latest level, not a burst.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import Connection, func, select

from aiva_desk.domain import Priority
from aiva_desk.durations import duration
from aiva_desk.sla.deadlines import DeadlineKind, alert_moments
from aiva_desk.sla.indexer import evaluate_clocks, store_clocks
from aiva_desk.store.models import Ticket
from aiva_desk.store.sla_models import SlaAlert

MAX_TICKETS_PER_PASS = 500


@dataclass(frozen=True)
class SlaAlertEvent:
    ticket_id: int
    number: int
    subject: str
    priority: Priority | None
    kind: DeadlineKind
    level: str  # "warning-1", "warning-2", ..., or "breach"
    due_at: dt.datetime

    @property
    def is_breach(self) -> bool:
        return self.level == "breach"

    def message(self, now: dt.datetime) -> str:
        """A notification text, e.g. "#1042 (P1): Next update due in 10 min"."""
        priority = f" ({self.priority.name})" if self.priority else ""
        what = self.kind.label
        if self.is_breach:
            return f"#{self.number}{priority}: {what} deadline missed — {self.subject}"
        when = duration(max(dt.timedelta(0), self.due_at - now))
        return f"#{self.number}{priority}: {what} due in {when} — {self.subject}"


def next_wake(conn: Connection) -> dt.datetime | None:
    """When the next alert falls due over all tickets (None: nothing scheduled)."""
    return conn.scalar(select(func.min(Ticket.next_alert_at)))


def due_alerts(conn: Connection, now: dt.datetime) -> list[SlaAlertEvent]:
    """Raise every alert due at ``now`` (recording it) and reschedule those tickets."""
    rows = conn.execute(
        select(Ticket.id, Ticket.number, Ticket.subject, Ticket.priority)
        .where(Ticket.next_alert_at <= now)
        .order_by(Ticket.next_alert_at)
        .limit(MAX_TICKETS_PER_PASS)
    ).all()
    if not rows:
        return []
    info = {row.id: row for row in rows}
    clocks = evaluate_clocks(conn, sorted(info), now)
    events: list[SlaAlertEvent] = []
    records = []
    for clock in clocks:
        for deadline in clock.deadlines:
            due = [
                (level, at)
                for level, at in alert_moments(deadline)
                if at <= now and (deadline.kind.value, deadline.due_at, level) not in clock.fired
            ]
            if not due:
                continue
            for level, at in due:
                key = (deadline.kind.value, deadline.due_at, level)
                clock.fired.add(key)
                records.append(
                    {
                        "ticket_id": clock.ticket_id,
                        "kind": key[0],
                        "due_at": key[1],
                        "level": level,
                        "alert_at": at,
                        "fired_at": now,
                    }
                )
            latest_level = due[-1][0]
            row = info[clock.ticket_id]
            assert deadline.due_at is not None
            events.append(
                SlaAlertEvent(
                    row.id,
                    row.number,
                    row.subject,
                    row.priority,
                    deadline.kind,
                    latest_level,
                    deadline.due_at,
                )
            )
    if records:
        conn.execute(SlaAlert.__table__.insert(), records)
    store_clocks(conn, clocks)
    events.sort(key=lambda e: (not e.is_breach, e.priority or Priority.P4, e.due_at))
    return events
