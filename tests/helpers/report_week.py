"""A small week of tickets whose quality metrics were worked out by hand
(``core/reports/test_report_metrics.py``), with edge cases: a missing and an impossible
timestamp, ties, reopened, escalated (now and earlier), self-service, a ticket reported
the week before. ``WEEK`` is its period; the ``week`` fixture (loaded with
``pytest_plugins``) stores the tickets and returns their numbers by case."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import update

from aiva_desk.domain import ClosureReason, EscalationLevel, Priority
from aiva_desk.reports.periods import Period
from aiva_desk.store.models import Escalation, Ticket
from aiva_desk.store.sla_models import SlaSegment
from aiva_desk.tickets.service import NewTicket

UTC = dt.UTC
WEEK = Period.iso_week("2026-W47")  # Monday 16 to Sunday 22 November 2026


def at(day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, 11, day, hour, minute, tzinfo=UTC)


# number → (category, reported, first response, resolved, closed, sla_met, score,
#           reopen_count, escalation level, closure reason)
CASES = {
    1: ("Billing", at(16, 9), at(16, 9, 30), at(16, 13), at(16, 14), True, 5, 0, 0, "support"),
    2: ("Agent Issues", at(17, 10), at(17, 12), at(18, 10), at(18, 11), False, 2, 1, 0, ""),
    3: ("Agent Issues", at(18, 8), None, None, None, None, None, 0, 1, ""),
    4: (
        "Billing",
        at(19, 12),
        at(19, 11),
        at(19, 13),
        at(19, 13, 30),
        None,
        None,
        0,
        0,
        "self_service",
    ),
    5: ("Billing", at(13, 9), at(13, 9, 10), at(16, 9), at(16, 10), True, 4, 0, 0, "support"),
    6: ("Knowledge Base", at(22, 23), at(22, 23, 30), None, None, None, None, 0, 0, ""),
}


@pytest.fixture
def week(context):
    service = context.tickets
    categories = {c.name: c.id for c in service.categories()}
    numbers = {}
    for key, case in CASES.items():
        (category, reported, first, resolved, closed, met, score, reopened, level, reason) = case
        ref = service.create(
            NewTicket(
                f"Case {key}",
                "Ann Lee",
                "ann@example.com",
                categories[category],
                "x",
                reported_at=reported,
            )
        )
        numbers[key] = ref.number
        with context.db.session() as session:
            session.execute(
                update(Ticket)
                .where(Ticket.id == ref.id)
                .values(
                    first_response_at=first,
                    resolved_at=resolved,
                    closed_at=closed,
                    sla_met=met,
                    satisfaction_score=score,
                    reopen_count=reopened,
                    escalation_level=EscalationLevel(level),
                    closure_reason=ClosureReason(reason),
                    priority=Priority.P2,
                )
            )
            if key == 2:  # escalated earlier, de-escalated since: still counts
                session.add(
                    Escalation(
                        ticket_id=ref.id,
                        level=EscalationLevel.SENIOR_SUPPORT,
                        reason="beyond knowledge",
                        at=at(17, 11),
                    )
                )
                # waited 3 h on the customer: calendar time counts it (the SLA clock doesn't)
                session.add(
                    SlaSegment(
                        ticket_id=ref.id,
                        started_at=at(17, 13),
                        ended_at=at(17, 16),
                        running=False,
                        reason="waiting on customer",
                    )
                )
    return numbers
