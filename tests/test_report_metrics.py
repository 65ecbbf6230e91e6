"""The seven quality metrics against numbers worked out by hand on a small week with
edge cases: a missing and an impossible timestamp, ties, reopened, escalated (now
and earlier), self-service, a ticket reported the week before."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import update

from aiva_desk.domain import ClosureReason, EscalationLevel, Priority
from aiva_desk.errors import ValidationError
from aiva_desk.reports.metrics import METRICS, compute_metrics
from aiva_desk.reports.periods import Period
from aiva_desk.store.models import Escalation, Ticket
from aiva_desk.store.sla_models import SlaSegment
from aiva_desk.tickets.service import NewTicket

pytestmark = pytest.mark.time_sensitive  # run again at other instants and zones

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


def test_each_metric_matches_the_hand_computed_value(context, week):
    report = compute_metrics(context.db, WEEK)
    total = report.total
    first = total.first_response  # cases 1, 2, 6 valid (1800, 7200, 1800); 3 missing; 4 bad
    assert (first.count, first.missing, first.impossible) == (3, 1, 1)
    assert (first.average, first.median, first.p90) == (3600, 1800, 7200)
    resolution = total.resolution  # resolved in the week: 1, 2 (paused 3 h), 4, 5
    assert resolution.count == 4
    assert resolution.average == pytest.approx((14400 + 86400 + 3600 + 259200) / 4, abs=0.01)
    assert resolution.median == pytest.approx((14400 + 86400) / 2, abs=0.01)
    assert resolution.p90 == pytest.approx(259200, abs=0.01)
    assert (total.sla.hits, total.sla.total, total.sla.excluded) == (2, 3, 1)
    csat = total.satisfaction  # closed in the week: 1 (5), 2 (2), 4 (none), 5 (4)
    assert (csat.count, csat.missing, csat.satisfied) == (3, 1, 2)
    assert csat.average == pytest.approx(11 / 3)
    assert (total.escalation.hits, total.escalation.total) == (2, 5)
    assert (total.reopened.hits, total.reopened.total) == (1, 3)
    assert (total.self_service.hits, total.self_service.total) == (1, 4)
    assert report.anomaly_count == 1
    assert report.anomalies == [f"#{week[4]}: first response timed before the ticket was reported"]


def test_groups_split_the_same_numbers(context, week):
    report = compute_metrics(context.db, WEEK, "category")
    by_name = {g.group: g for g in report.groups}
    assert set(by_name) == {"Agent Issues", "Billing", "Knowledge Base"}
    billing = by_name["Billing"]
    assert billing.resolution.count == 3  # 1, 4, 5
    assert (billing.sla.hits, billing.sla.total, billing.sla.excluded) == (2, 2, 1)
    assert by_name["Agent Issues"].first_response.missing == 1
    assert sum(g.escalation.total for g in report.groups) == report.total.escalation.total
    weeks = compute_metrics(
        context.db, Period.days(dt.date(2026, 11, 9), dt.date(2026, 11, 22)), "week"
    )
    week_names = [g.group for g in weeks.groups]
    assert week_names == ["2026-W46", "2026-W47"]
    assert weeks.groups[0].first_response.count == 1  # case 5, reported in W46
    assert weeks.groups[1].resolution.count == 4  # case 5 resolved in W47
    assert compute_metrics(context.db, WEEK, "priority").groups[0].group == "P2"


def test_an_empty_range_has_no_numbers_rather_than_zeros(context, week):
    report = compute_metrics(context.db, Period.iso_week("2025-W10"))
    assert report.total.first_response.average is None
    assert report.total.sla.rate is None and report.total.satisfaction.average is None


def test_bad_requests_are_named(context):
    with pytest.raises(ValidationError, match="Group by one of"):
        compute_metrics(context.db, WEEK, "colour")
    with pytest.raises(ValidationError, match="not a week"):
        Period.iso_week("2026-47")
    with pytest.raises(ValidationError, match="2026 has no week 54"):
        Period.iso_week("2026-W54")
    with pytest.raises(ValidationError, match="before the start"):
        Period.days(dt.date(2026, 2, 1), dt.date(2026, 1, 1))


def test_every_metric_has_a_written_definition():
    assert len(METRICS) == 7
    assert all(len(m.definition) > 80 for m in METRICS)
