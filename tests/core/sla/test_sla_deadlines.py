"""SLA deadlines from the SOP's numbers: five clocks, pauses, warnings."""

import datetime as dt

import pytest

from aiva_desk.domain import Priority
from aiva_desk.sla import BusinessCalendar
from aiva_desk.sla.deadlines import (
    DeadlineKind as K,
)
from aiva_desk.sla.deadlines import (
    TicketClockFacts,
    compute_deadlines,
    next_alert_at,
    next_open_deadline,
)
from aiva_desk.sla.policy import IMMEDIATE_ESCALATION, default_policies

pytestmark = pytest.mark.time_sensitive  # run again at other instants and zones

T0 = dt.datetime(2026, 11, 26, 9, 0, tzinfo=dt.UTC)
MIN, H = dt.timedelta(minutes=1), dt.timedelta(hours=1)
ALWAYS = BusinessCalendar.always("UTC")
POLICIES = default_policies()


def facts(**overrides):
    values = {
        "reported_at": T0,
        "resolution_time": 4 * H,
        "acknowledged_at": None,
        "first_response_at": None,
        "outbound_updates": (),
        "resolved_at": None,
        "escalated_at": None,
        "pauses": (),
    }
    values.update(overrides)
    return TicketClockFacts(**values)


def by_kind(deadlines):
    return {d.kind: d for d in deadlines}


def test_a_new_p2_ticket_has_the_sop_deadlines_and_warnings():
    deadlines = by_kind(compute_deadlines(facts(), POLICIES[Priority.P2], ALWAYS, T0))
    assert deadlines[K.ACKNOWLEDGE].due_at == T0 + 30 * MIN
    assert deadlines[K.FIRST_RESPONSE].due_at == T0 + 2 * H
    assert deadlines[K.RESOLUTION].due_at == T0 + 4 * H
    assert deadlines[K.ESCALATION].due_at == T0 + 4 * H  # within 4 h, and at the breach
    assert K.NEXT_UPDATE not in deadlines  # the cadence starts with the first response
    # 75 % and 90 % of the 30-minute window, and 10 minutes before.
    assert deadlines[K.ACKNOWLEDGE].warnings == (T0 + 20 * MIN, T0 + 22.5 * MIN, T0 + 27 * MIN)
    assert next_open_deadline(list(deadlines.values())).kind is K.ACKNOWLEDGE
    assert next_alert_at(list(deadlines.values()), set()) == T0 + 20 * MIN


def test_met_deadlines_stop_counting_and_breaches_are_kept():
    acknowledged = T0 + 45 * MIN  # late
    deadlines = by_kind(
        compute_deadlines(
            facts(acknowledged_at=acknowledged, first_response_at=acknowledged),
            POLICIES[Priority.P2],
            ALWAYS,
            T0 + 50 * MIN,
        )
    )
    assert deadlines[K.ACKNOWLEDGE].breached(T0 + 50 * MIN)
    assert not deadlines[K.FIRST_RESPONSE].breached(T0 + 50 * MIN)
    assert not deadlines[K.ACKNOWLEDGE].is_open


def test_p1_updates_every_30_minutes_from_the_last_update():
    sent = T0 + 10 * MIN
    update = T0 + 50 * MIN
    deadlines = by_kind(
        compute_deadlines(
            facts(
                acknowledged_at=sent,
                first_response_at=sent,
                outbound_updates=(sent, update),
                resolution_time=H,
            ),
            POLICIES[Priority.P1],
            ALWAYS,
            T0 + 55 * MIN,
        )
    )
    assert deadlines[K.NEXT_UPDATE].due_at == update + 30 * MIN
    # "Escalate Immediately (P1)": a short task, not a deadline missed at creation
    assert deadlines[K.ESCALATION].due_at == T0 + IMMEDIATE_ESCALATION


def test_p2_fits_two_updates_before_the_deadline():
    first = T0 + 30 * MIN
    deadlines = by_kind(
        compute_deadlines(
            facts(first_response_at=first), POLICIES[Priority.P2], ALWAYS, T0 + 31 * MIN
        )
    )
    # 3.5 h left before the 4-hour deadline, two updates needed: one every 70 minutes.
    assert deadlines[K.NEXT_UPDATE].due_at == first + 70 * MIN


def test_waiting_on_the_customer_pauses_resolution_and_updates():
    first = T0 + 20 * MIN
    waiting_since = T0 + H
    now = T0 + 3 * H
    paused = by_kind(
        compute_deadlines(
            facts(first_response_at=first, paused_since=waiting_since),
            POLICIES[Priority.P2],
            ALWAYS,
            now,
        )
    )
    assert paused[K.RESOLUTION].due_at is None and paused[K.NEXT_UPDATE].due_at is None
    resumed = by_kind(
        compute_deadlines(
            facts(first_response_at=first, pauses=[(waiting_since, now)]),
            POLICIES[Priority.P2],
            ALWAYS,
            now,
        )
    )
    assert resumed[K.RESOLUTION].due_at == T0 + 6 * H  # 4 h plus the 2 h paused


def test_business_hours_shift_deadlines_to_opening_time():
    office = BusinessCalendar("UTC", {d: [(dt.time(9), dt.time(17))] for d in range(5)})
    friday_evening = dt.datetime(2026, 11, 27, 16, 45, tzinfo=dt.UTC)
    deadlines = by_kind(
        compute_deadlines(
            facts(reported_at=friday_evening, resolution_time=24 * H),
            POLICIES[Priority.P3],
            office,
            friday_evening,
        )
    )
    assert deadlines[K.ACKNOWLEDGE].due_at == dt.datetime(2026, 11, 30, 9, 15, tzinfo=dt.UTC)
