"""Keep each ticket's SLA clock state in the database: segments and next deadlines.

Two session hooks, like the audit trail and the search index, so every path that
changes a ticket keeps its clocks right in the same transaction:

* before a flush, status changes open and close running/paused segments (waiting on
  the customer pauses the clock, with the reason stored);
* after a flush, the touched tickets' next deadline, next alert and pause state are
  recomputed from their facts, so the scheduler needs one indexed query.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, bindparam, func, select, update
from sqlalchemy.orm import Session

from aiva_desk import clock
from aiva_desk.domain import Direction, TicketStatus
from aiva_desk.sla.deadlines import (
    AlertKey,
    Deadline,
    TicketClockFacts,
    compute_deadlines,
    next_alert_at,
    next_open_deadline,
)
from aiva_desk.sla.settings_store import PolicySet, load_policy_set
from aiva_desk.store.hooks import SessionHooks
from aiva_desk.store.models import Category, Communication, Escalation, Ticket
from aiva_desk.store.sla_models import SlaAlert, SlaSegment

WAITING = TicketStatus.WAITING_ON_CUSTOMER
CHUNK = 500
DEFAULT_RESOLUTION = dt.timedelta(hours=24)


# -- segments (before flush) -----------------------------------------------------------


def _open_segment(session: Session, ticket: Ticket) -> SlaSegment | None:
    for obj in session.new:
        if isinstance(obj, SlaSegment) and obj.ticket is ticket and obj.ended_at is None:
            return obj
    if ticket.id is None:
        return None
    return session.scalars(
        select(SlaSegment).where(SlaSegment.ticket_id == ticket.id, SlaSegment.ended_at.is_(None))
    ).first()


def _start(session: Session, ticket: Ticket, at: dt.datetime, running: bool, reason: str) -> None:
    session.add(
        SlaSegment(ticket=ticket, started_at=at, ended_at=None, running=running, reason=reason)
    )


def record_segments(session: Session, now: dt.datetime) -> None:
    """Open and close clock segments for tickets created or moved in this flush."""
    for obj in list(session.new):
        if isinstance(obj, Ticket):
            _start(session, obj, obj.reported_at or now, True, "Ticket created")
    for obj in list(session.dirty):
        if not isinstance(obj, Ticket):
            continue
        history = session_history(obj, "status")
        if not history:
            continue
        old, new = history
        if WAITING not in (old, new) and TicketStatus.CLOSED not in (old, new):
            continue  # the clock keeps running through ordinary steps
        current = _open_segment(session, obj)
        if current is not None:
            current.ended_at = now
        if new is TicketStatus.CLOSED:
            continue
        if new is WAITING:
            _start(session, obj, now, False, "Waiting on customer (information requested)")
        elif old is WAITING:
            _start(session, obj, now, True, f"Customer replied ({new.label})")
        else:
            _start(session, obj, now, True, "Reopened")


def session_history(ticket: Ticket, key: str) -> tuple[Any, Any] | None:
    from sqlalchemy import inspect

    history = inspect(ticket).attrs[key].history
    if not history.has_changes() or not history.deleted or not history.added:
        return None
    old, new = history.deleted[0], history.added[0]
    return None if old == new else (TicketStatus(old), TicketStatus(new))


# -- next deadlines (after flush) ------------------------------------------------------


@dataclass(frozen=True)
class TicketClock:
    """A ticket's evaluated clocks (``deadlines`` is empty for a closed ticket)."""

    ticket_id: int
    status: TicketStatus
    deadlines: list[Deadline]
    paused: bool
    fired: set[AlertKey]


def evaluate_clocks(conn: Connection, ids: list[int], now: dt.datetime) -> list[TicketClock]:
    """Load the facts of tickets ``ids`` and compute their deadlines at ``now``."""
    policy_set = load_policy_set(conn)
    result: list[TicketClock] = []
    for start in range(0, len(ids), CHUNK):
        result.extend(_evaluate_chunk(conn, ids[start : start + CHUNK], policy_set, now))
    return result


def _evaluate_chunk(
    conn: Connection, ids: list[int], policy_set: PolicySet, now: dt.datetime
) -> list[TicketClock]:
    tickets = conn.execute(
        select(
            Ticket.id,
            Ticket.status,
            Ticket.priority,
            Ticket.reported_at,
            Ticket.sla_due_at,
            Category.sla_hours,
            Ticket.acknowledged_at,
            Ticket.first_response_at,
            Ticket.resolved_at,
        )
        .outerjoin(Category, Category.id == Ticket.category_id)
        .where(Ticket.id.in_(ids))
    ).all()
    updates: dict[int, list[dt.datetime]] = defaultdict(list)
    for ticket_id, at in conn.execute(
        select(Communication.ticket_id, Communication.at)
        .where(
            Communication.ticket_id.in_(ids),
            Communication.direction == Direction.OUTBOUND,
            Communication.draft.is_(False),
        )
        .order_by(Communication.at)
    ):
        updates[ticket_id].append(at)
    escalated = dict(
        conn.execute(
            select(Escalation.ticket_id, func.min(Escalation.at))
            .where(Escalation.ticket_id.in_(ids))
            .group_by(Escalation.ticket_id)
        ).all()
    )
    pauses: dict[int, list[tuple[dt.datetime, dt.datetime]]] = defaultdict(list)
    paused_since: dict[int, dt.datetime] = {}
    for ticket_id, began, ended in conn.execute(
        select(SlaSegment.ticket_id, SlaSegment.started_at, SlaSegment.ended_at).where(
            SlaSegment.ticket_id.in_(ids), SlaSegment.running.is_(False)
        )
    ):
        if ended is None:
            paused_since[ticket_id] = began
        else:
            pauses[ticket_id].append((began, ended))
    fired: dict[int, set[AlertKey]] = defaultdict(set)
    for ticket_id, kind, due, level in conn.execute(
        select(SlaAlert.ticket_id, SlaAlert.kind, SlaAlert.due_at, SlaAlert.level).where(
            SlaAlert.ticket_id.in_(ids)
        )
    ):
        fired[ticket_id].add((kind, due, level))

    clocks = []
    for ticket_id, status, priority, reported, due, hours, acknowledged, first, resolved in tickets:
        if status is TicketStatus.CLOSED:
            clocks.append(TicketClock(ticket_id, status, [], False, fired[ticket_id]))
            continue
        policy, cal = policy_set.for_priority(priority)
        window = cal.between(reported, due) if due is not None else None
        if not window:
            window = dt.timedelta(hours=hours) if hours else DEFAULT_RESOLUTION
        facts = TicketClockFacts(
            reported_at=reported,
            resolution_time=window,
            acknowledged_at=acknowledged,
            first_response_at=first,
            outbound_updates=updates.get(ticket_id, ()),
            resolved_at=resolved,
            escalated_at=escalated.get(ticket_id),
            pauses=pauses.get(ticket_id, ()),
            paused_since=paused_since.get(ticket_id),
        )
        deadlines = compute_deadlines(facts, policy, cal, now)
        clocks.append(
            TicketClock(ticket_id, status, deadlines, ticket_id in paused_since, fired[ticket_id])
        )
    return clocks


def store_clocks(conn: Connection, clocks: Iterable[TicketClock]) -> None:
    """Write each ticket's next deadline, next unfired alert and pause state."""
    rows = []
    for state in clocks:
        upcoming = next_open_deadline(state.deadlines)
        rows.append(
            {
                "tid": state.ticket_id,
                "nd": upcoming.due_at if upcoming else None,
                "nk": upcoming.kind.value if upcoming else None,
                "na": next_alert_at(state.deadlines, state.fired),
                "paused": state.paused,
            }
        )
    if rows:
        table = Ticket.__table__
        conn.execute(
            update(table)
            .where(table.c.id == bindparam("tid"))
            .values(
                next_deadline_at=bindparam("nd"),
                next_deadline_kind=bindparam("nk"),
                next_alert_at=bindparam("na"),
                sla_paused=bindparam("paused"),
            ),
            rows,
        )


class SlaIndexer:
    """The after-flush hook: recompute the stored clock state of touched tickets."""

    def reindex(self, conn: Connection, ticket_ids: Iterable[int]) -> None:
        ids = sorted(set(ticket_ids))
        if ids:
            store_clocks(conn, evaluate_clocks(conn, ids, clock.now()))


def reindex_open_clocks(conn: Connection) -> None:
    """Recompute every open ticket's SLA clocks (after an upgrade or a policy edit)."""
    open_ids = conn.scalars(select(Ticket.id).where(Ticket.status != TicketStatus.CLOSED))
    SlaIndexer().reindex(conn, open_ids.all())


SLA_CLOCKS_REVISION = "0004"  # databases older than this get their clocks computed once


def _start_clocks_after_upgrade(conn: Connection, previous_revision: str | None) -> None:
    if previous_revision is not None and previous_revision < SLA_CLOCKS_REVISION:
        reindex_open_clocks(conn)


def sla_session_hooks() -> SessionHooks:
    """What keeps the SLA clocks in step with every write, for :func:`open_database`."""
    return SessionHooks(
        before_flush=(record_segments,),
        reindexers=(SlaIndexer(),),
        after_upgrade=(_start_clocks_after_upgrade,),
    )
