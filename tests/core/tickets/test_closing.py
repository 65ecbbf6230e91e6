"""Closing with the closure the SOP and the metrics need: the input rules and the close."""

from __future__ import annotations

import pytest

from aiva_desk.domain import ClosureReason, TicketStatus
from aiva_desk.errors import TransitionRefused, ValidationError
from aiva_desk.tickets.closing import (
    Closure,
    close_ticket,
    closure_from_input,
    parse_time_spent,
    suggested_time,
)
from aiva_desk.tickets.service import NewTicket
from tests.helpers.close_gates import satisfy_close_gates, send_solution


@pytest.mark.parametrize(
    ("text", "minutes"),
    [("1h 30m", 90), ("90", 90), ("1.5h", 90), ("1,5 h", 90), ("2 hrs 5 min", 125), ("45m", 45)],
)
def test_time_spent_is_read_the_ways_agents_type_it(text: str, minutes: int) -> None:
    assert parse_time_spent(text) == minutes


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("soon", "“soon” is not a time spent like 1h 30m, 90 or 1.5h."),
        ("1h then 5", "“1h then 5” is not a time spent like 1h 30m, 90 or 1.5h."),
        ("0", "The time spent must be more than 0 minutes (like 1h 30m, 90 or 1.5h)."),
        ("200 d", "The time spent is more than 100 days; check the number."),
    ],
)
def test_bad_time_spent_says_why_in_one_line(text: str, message: str) -> None:
    with pytest.raises(ValidationError) as caught:
        closure_from_input(ClosureReason.SELF_SERVICE, text, None)
    assert caught.value.problems == {"time_spent_minutes": message}


def test_reason_and_time_are_required_and_the_score_is_1_to_5() -> None:
    with pytest.raises(ValidationError) as caught:
        closure_from_input("", "", 6)
    assert caught.value.problems == {
        "closure_reason": "Choose the closure reason.",
        "time_spent_minutes": "Enter the time spent (like 1h 30m, 90 or 1.5h).",
        "satisfaction_score": "The satisfaction score must be from 1 to 5.",
    }
    assert closure_from_input("duplicate", "", None, time_required=False) == Closure(
        ClosureReason.DUPLICATE, None, None
    )


def _ticket(context) -> int:
    service = context.tickets
    category = service.categories()[0]
    ref = service.create(
        NewTicket(
            subject="Agent silent",
            customer_name="Ann",
            customer_email="ann@example.com",
            category_id=category.id,
            description="No answers since noon.",
        )
    )
    return ref.id


def test_close_records_the_closure_and_a_refused_close_records_nothing(context) -> None:
    service = context.tickets
    ticket_id = _ticket(context)
    closure = Closure(ClosureReason.SELF_SERVICE, 90, 4)
    with pytest.raises(TransitionRefused):
        close_ticket(service, ticket_id, closure)
    ticket = service.get(ticket_id)
    assert ticket.closure_reason is ClosureReason.NONE and ticket.time_spent_minutes == 0
    assert suggested_time(ticket) == ""

    send_solution(service, ticket_id)
    satisfy_close_gates(context, ticket_id)
    close_ticket(service, ticket_id, closure)
    ticket = service.get(ticket_id)
    assert ticket.status is TicketStatus.CLOSED
    assert (ticket.closure_reason, ticket.time_spent_minutes, ticket.satisfaction_score) == (
        ClosureReason.SELF_SERVICE,
        90,
        4,
    )
    assert suggested_time(ticket) == "1h 30m"
    with pytest.raises(ValidationError):
        close_ticket(service, ticket_id, Closure(ClosureReason.NONE, 90))
