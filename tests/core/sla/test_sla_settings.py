"""SLA numbers and calendars are editable; open tickets' clocks follow at once."""

import dataclasses
import datetime as dt

import pytest

from aiva_desk.domain import Priority
from aiva_desk.errors import ValidationError
from aiva_desk.sla import CalendarError
from aiva_desk.sla.settings_edits import (
    SlaSettingsChange,
    save_calendar,
    save_policy,
    save_sla_settings,
)
from aiva_desk.sla.settings_store import (
    CalendarInput,
    PolicyInput,
    category_resolutions,
    list_calendars,
    load_policy_set,
    policy_inputs,
)
from aiva_desk.store.models import Ticket
from aiva_desk.tickets.service import NewTicket

pytestmark = pytest.mark.time_sensitive  # run again at other instants and zones

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


def test_editing_a_policy_moves_open_tickets_deadlines(context, clock):
    clock.now = T0
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


def test_a_new_calendar_can_be_assigned(context, clock):
    clock.now = T0
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


def test_the_settings_page_reads_everything_it_edits(context):
    with context.db.engine.connect() as conn:
        policies = policy_inputs(conn)
        calendars = {c.name: c for c in list_calendars(conn)}
        resolutions = {r.name: r for r in category_resolutions(conn)}
    assert policies[Priority.P1] == PolicyInput(30, 30, 30, 0, 0, "24x7", (0.75, 0.9), 10)
    assert policies[Priority.P2].update_every_minutes == 240
    assert policies[Priority.P4].escalate_within_minutes is None
    assert set(calendars) == {"24x7", "Business hours"}
    assert calendars["Business hours"].hours[0] == [(dt.time(9), dt.time(17))]
    assert calendars["Business hours"].stored_name == "Business hours"
    assert resolutions["System Outage"].minutes == 60
    assert resolutions["Billing"].priority is Priority.P2


def test_saving_the_page_is_one_transaction(context, clock):
    clock.now = T0
    ref = _outage(context)
    with context.db.engine.connect() as conn:
        policies = policy_inputs(conn)
        office = next(c for c in list_calendars(conn) if c.name == "Business hours")
        billing = next(r for r in category_resolutions(conn) if r.name == "Billing")
    night = CalendarInput(
        "Night desk",
        "Europe/Berlin",
        {
            0: [(dt.time(22), dt.time(6))],
            1: [(dt.time(8), dt.time(12)), (dt.time(13), dt.time(17))],
        },
        (dt.date(2026, 12, 24),),
        country="DE",
        subdivision="BY",
    )
    renamed = dataclasses.replace(office, name="Office")
    p1 = dataclasses.replace(policies[Priority.P1], acknowledge_minutes=10)
    p3 = dataclasses.replace(policies[Priority.P3], calendar_name="Night desk")
    p2 = dataclasses.replace(policies[Priority.P2], calendar_name="Office")
    p4 = dataclasses.replace(policies[Priority.P4], calendar_name="Office")
    save_sla_settings(
        context.db,
        SlaSettingsChange(
            policies={Priority.P1: p1, Priority.P2: p2, Priority.P3: p3, Priority.P4: p4},
            calendars=[night, renamed],
            resolutions={billing.category_id: 180},
        ),
        actor="lead",
    )
    with context.db.engine.connect() as conn:
        saved = {c.name: c for c in list_calendars(conn)}
        now = policy_inputs(conn)
        res = {r.name: r.minutes for r in category_resolutions(conn)}
        cal = load_policy_set(conn).calendars["Night desk"]
    assert set(saved) == {"24x7", "Night desk", "Office"}
    assert saved["Night desk"].hours == night.hours
    assert saved["Night desk"].holidays == (dt.date(2026, 12, 24),)
    assert (saved["Night desk"].country, saved["Night desk"].subdivision) == ("DE", "BY")
    assert cal.is_holiday(dt.date(2026, 1, 6))  # Epiphany, a Bavarian holiday
    assert now[Priority.P1].acknowledge_minutes == 10
    assert (now[Priority.P3].calendar_name, now[Priority.P4].calendar_name) == (
        "Night desk",
        "Office",
    )
    assert res["Billing"] == 180
    assert _next_deadline(context, ref.id) == ("acknowledge", T0 + dt.timedelta(minutes=10))


def test_a_bad_page_saves_nothing_and_names_each_field(context):
    with context.db.engine.connect() as conn:
        policies = policy_inputs(conn)
        billing = next(r for r in category_resolutions(conn) if r.name == "Billing")
    bad_p2 = dataclasses.replace(policies[Priority.P2], first_response_minutes=0)
    good_p1 = dataclasses.replace(policies[Priority.P1], acknowledge_minutes=5)
    with pytest.raises(ValidationError) as caught:
        save_sla_settings(
            context.db,
            SlaSettingsChange(
                policies={Priority.P1: good_p1, Priority.P2: bad_p2},
                calendars=[
                    CalendarInput("Moon base", "Moon/Crater", {0: [(dt.time(9), dt.time(17))]})
                ],
                resolutions={billing.category_id: 0},
            ),
            actor="lead",
        )
    problems = caught.value.problems
    assert problems["P2.first_response_minutes"] == "First response for P2: must be more than 0."
    assert problems[f"category:{billing.category_id}.resolution"] == (
        "Resolution for Billing P2: must be more than 0."
    )
    assert "Moon/Crater" in problems["calendar:0.tz"]
    with context.db.engine.connect() as conn:
        assert policy_inputs(conn)[Priority.P1].acknowledge_minutes == 30
        assert "Moon base" not in {c.name for c in list_calendars(conn)}


def test_calendars_in_use_cannot_be_deleted_but_spare_ones_can(context):
    with context.db.engine.connect() as conn:
        policies = policy_inputs(conn)
    with pytest.raises(ValidationError) as caught:
        save_sla_settings(
            context.db,
            SlaSettingsChange(policies={}, delete_calendars=["Business hours"]),
            actor="lead",
        )
    assert "used by P2, P3, P4;" in caught.value.problems["calendar:Business hours"]
    with pytest.raises(ValidationError) as caught:
        save_sla_settings(
            context.db,
            SlaSettingsChange(
                policies={Priority.P1: policies[Priority.P1]},
                calendars=[dataclasses.replace(_office(context), name="24x7")],
            ),
            actor="lead",
        )
    assert "two calendars called “24x7”" in caught.value.problems["calendar:Business hours.name"]
    moved = {p: dataclasses.replace(data, calendar_name="24x7") for p, data in policies.items()}
    save_sla_settings(
        context.db,
        SlaSettingsChange(policies=moved, delete_calendars=["Business hours"]),
        actor="lead",
    )
    with context.db.engine.connect() as conn:
        assert [c.name for c in list_calendars(conn)] == ["24x7"]
    with pytest.raises(ValidationError) as caught:
        save_sla_settings(
            context.db, SlaSettingsChange(policies={}, delete_calendars=["24x7"]), actor="lead"
        )
    assert "calendars" in caught.value.problems


def test_two_calendars_can_swap_names(context):
    with context.db.engine.connect() as conn:
        first, second = list_calendars(conn)
    save_sla_settings(
        context.db,
        SlaSettingsChange(
            policies={},
            calendars=[
                dataclasses.replace(first, name=second.name),
                dataclasses.replace(second, name=first.name),
            ],
        ),
        actor="lead",
    )
    with context.db.engine.connect() as conn:
        swapped = {c.name: c for c in list_calendars(conn)}
    assert swapped[second.name].tz == first.tz and swapped[first.name].tz == second.tz


def _office(context):
    with context.db.engine.connect() as conn:
        return next(c for c in list_calendars(conn) if c.name == "Business hours")
