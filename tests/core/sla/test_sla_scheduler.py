"""SLA clocks in the store: segments on waiting, next deadlines, scheduler with an
injected clock (no sleeping), alerts raised once."""

import datetime as dt

import pytest
from sqlalchemy import select

from aiva_desk.domain import Direction, Priority
from aiva_desk.sla.deadlines import DeadlineKind
from aiva_desk.sla.scheduler import due_alerts, next_wake
from aiva_desk.store.models import Ticket
from aiva_desk.store.sla_models import SlaSegment
from aiva_desk.tickets.service import NewTicket
from aiva_desk.tickets.workflow import Action
from tests.helpers.close_gates import satisfy_close_gates

pytestmark = pytest.mark.time_sensitive  # run again at other instants and zones

MIN = dt.timedelta(minutes=1)


def _outage(context, reported):
    service = context.tickets
    outage = next(c for c in service.categories() if c.name == "System Outage")
    return service.create(
        NewTicket(
            "Platform down", "Ann", "ann@example.com", outage.id, "All down", reported_at=reported
        )
    )


def _stored(context, ticket_id):
    with context.db.read_session() as session:
        t = session.get(Ticket, ticket_id)
        return t.next_deadline_kind, t.next_deadline_at, t.next_alert_at, t.sla_paused


def test_scheduler_raises_each_alert_once_and_reschedules(context, clock):
    t0 = dt.datetime(2026, 11, 26, 9, tzinfo=dt.UTC)
    clock.now = t0
    ref = _outage(context, t0)
    # A P1 outage: escalate immediately (a 15-minute task), acknowledge within 30 min.
    kind, due, alert_at, paused = _stored(context, ref.id)
    assert (kind, due, alert_at, paused) == ("escalation", t0 + 15 * MIN, t0 + 5 * MIN, False)
    with context.db.engine.begin() as conn:
        assert next_wake(conn) == t0 + 5 * MIN  # 10 minutes before the escalation is due
        assert due_alerts(conn, t0) == []  # just created: nothing missed
        events = due_alerts(conn, t0 + 16 * MIN)
    assert [(e.kind, e.level) for e in events] == [(DeadlineKind.ESCALATION, "breach")]
    assert "Escalation deadline missed" in events[0].message(t0 + 16 * MIN)
    with context.db.engine.begin() as conn:
        assert due_alerts(conn, t0 + 16 * MIN) == []  # never repeated
        assert next_wake(conn) == t0 + 20 * MIN  # 75 % of the 30-minute acknowledge window

    # The app was closed for a while: only the latest level of each deadline is raised.
    later = t0 + 29 * MIN
    with context.db.engine.begin() as conn:
        events = due_alerts(conn, later)
    levels = {(e.kind, e.level) for e in events}
    assert (DeadlineKind.ACKNOWLEDGE, "warning-3") in levels
    assert (DeadlineKind.ACKNOWLEDGE, "warning-1") not in levels
    assert events[0].message(later).endswith("Platform down")
    assert "due in 1 min" in next(e for e in events if e.kind is DeadlineKind.ACKNOWLEDGE).message(
        later
    )

    clock.now = later
    context.tickets.perform(ref.id, Action.ACKNOWLEDGE)
    assert _stored(context, ref.id)[0] == "escalation"  # still not escalated: most urgent
    context.tickets.escalate(ref.id, 1, "Outage")
    assert _stored(context, ref.id)[:2] == ("first_response", t0 + 30 * MIN)


def test_waiting_on_customer_pauses_the_clock_with_a_reason(context, clock):
    t0 = dt.datetime(2026, 11, 26, 9, tzinfo=dt.UTC)
    clock.now = t0
    service = context.tickets
    ref = _outage(context, t0)
    service.escalate(ref.id, 1, "Outage: escalate immediately")
    service.perform(ref.id, Action.ACKNOWLEDGE)
    service.add_communication(
        ref.id, direction=Direction.OUTBOUND, subject="On it", body="x", at=t0 + 5 * MIN
    )
    service.triage(ref.id, category_id=service.get(ref.id).category_id, priority=Priority.P1)
    service.perform(ref.id, Action.START_INVESTIGATION)
    kind, due, _alert, paused = _stored(context, ref.id)
    assert (kind, due, paused) == ("next_update", t0 + 35 * MIN, False)

    clock.now = t0 + 20 * MIN
    service.perform(ref.id, Action.REQUEST_INFORMATION)
    kind, due, alert_at, paused = _stored(context, ref.id)
    assert paused is True and due is None and alert_at is None  # nothing runs while waiting

    clock.now = t0 + 80 * MIN  # the customer answered an hour later
    service.perform(ref.id, Action.CUSTOMER_REPLIED)
    kind, due, _alert, paused = _stored(context, ref.id)
    # 15 of the 30 update minutes were left when the pause began.
    assert (kind, due, paused) == ("next_update", t0 + 95 * MIN, False)
    with context.db.read_session() as session:
        segments = session.scalars(
            select(SlaSegment).where(SlaSegment.ticket_id == ref.id).order_by(SlaSegment.id)
        ).all()
        story = [(s.running, s.reason, s.ended_at is None) for s in segments]
    assert story[0] == (True, "Ticket created", False)
    assert (False, "Waiting on customer (information requested)", False) in story
    assert story[-1][0] is True and story[-1][2] is True


def test_closing_stops_every_clock(context, clock):
    t0 = dt.datetime(2026, 11, 26, 9, tzinfo=dt.UTC)
    clock.now = t0
    service = context.tickets
    ref = _outage(context, t0)
    with context.db.session("x") as session:
        session.get(Ticket, ref.id).status = "awaiting_confirmation"
    satisfy_close_gates(context, ref.id)
    service.perform(ref.id, Action.CLOSE)
    assert _stored(context, ref.id) == (None, None, None, False)


def test_pause_time_is_visible_on_the_ticket(context, clock):
    t0 = dt.datetime(2026, 11, 26, 9, tzinfo=dt.UTC)
    clock.now = t0
    service = context.tickets
    ref = _outage(context, t0)
    service.perform(ref.id, Action.ACKNOWLEDGE)
    service.perform(ref.id, Action.REQUEST_INFORMATION)
    clock.now = t0 + 50 * MIN
    ticket = service.get(ref.id)
    assert ticket.sla_paused and ticket.paused_time(clock.now) == 50 * MIN
    service.perform(ref.id, Action.CUSTOMER_REPLIED)
    clock.now = t0 + 90 * MIN
    ticket = service.get(ref.id)
    assert not ticket.sla_paused and ticket.paused_time(clock.now) == 50 * MIN
    reasons = [s.reason for s in ticket.clock_segments]
    assert reasons[1] == "Waiting on customer (information requested)"
