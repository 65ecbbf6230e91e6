"""SLA numbers and calendars are editable; open tickets' clocks follow at once."""

import datetime as dt

import pytest

from aiva_desk.domain import Priority
from aiva_desk.errors import ValidationError
from aiva_desk.sla import CalendarError
from aiva_desk.sla.store import PolicyInput, load_policy_set, save_calendar, save_policy
from aiva_desk.store.models import Ticket
from aiva_desk.tickets import NewTicket

T0 = dt.datetime(2026, 11, 26, 9, tzinfo=dt.UTC)


def _outage(context):
    service = context.tickets
    outage = next(c for c in service.categories() if c.name == "System Outage")
    ref = service.create(
        NewTicket("Down", "Ann", "ann@example.com", outage.id, "x", reported_at=T0)
    )
    service.escalate(ref.id, 1, "Outage")
    return ref


def _next_deadline(context, ticket_id):
    with context.db.read_session() as session:
        ticket = session.get(Ticket, ticket_id)
        return ticket.next_deadline_kind, ticket.next_deadline_at


def test_editing_a_policy_moves_open_tickets_deadlines(context):
    context.db.clock = lambda: T0
    ref = _outage(context)
    assert _next_deadline(context, ref.id) == ("acknowledge", T0 + dt.timedelta(minutes=30))
    save_policy(context.db, Priority.P1, PolicyInput(15, 20, 30, 0, 0, "24x7"), actor="lead")
    assert _next_deadline(context, ref.id) == ("acknowledge", T0 + dt.timedelta(minutes=15))
    with context.db.engine.connect() as conn:
        policy, _cal = load_policy_set(conn).for_priority(Priority.P1)
    assert policy.first_response == dt.timedelta(minutes=20)
    entry = [e for e in context.tickets.history(ref.id)]  # policy edits are not ticket events
    assert all(e.action != "SLA policy saved" for e in entry)


def test_bad_policy_and_calendar_input_is_named(context):
    with pytest.raises(ValidationError) as caught:
        save_policy(
            context.db,
            Priority.P2,
            PolicyInput(0, 30, -5, -1, None, "Mars", (1.5,), -1),
            actor="lead",
        )
    assert set(caught.value.problems) == {
        "acknowledge_minutes",
        "update_every_minutes",
        "updates_before_deadline",
        "warn_fractions",
        "warn_before_minutes",
        "calendar_name",
    }
    with pytest.raises(CalendarError):
        save_calendar(context.db, "Office", tz="Nowhere/Land", hours={}, holidays=[], actor="lead")


def test_a_new_calendar_can_be_assigned(context):
    context.db.clock = lambda: T0
    ref = _outage(context)  # Thursday 09:00 UTC
    office = {day: [(dt.time(10), dt.time(18))] for day in range(5)}
    save_calendar(
        context.db,
        "Late office",
        tz="UTC",
        hours=office,
        holidays=[dt.date(2026, 12, 25)],
        actor="lead",
    )
    save_policy(context.db, Priority.P1, PolicyInput(30, 30, 30, 0, 0, "Late office"), actor="lead")
    assert _next_deadline(context, ref.id) == ("acknowledge", T0 + dt.timedelta(minutes=90))
