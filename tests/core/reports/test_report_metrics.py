"""The seven quality metrics against numbers worked out by hand on a small week with
edge cases: a missing and an impossible timestamp, ties, reopened, escalated (now
and earlier), self-service, a ticket reported the week before."""

from __future__ import annotations

import datetime as dt

import pytest

from aiva_desk.errors import ValidationError
from aiva_desk.reports.metrics import METRICS, compute_metrics
from aiva_desk.reports.periods import Period
from tests.helpers.report_week import WEEK

pytestmark = pytest.mark.time_sensitive  # run again at other instants and zones

pytest_plugins = ("tests.helpers.report_week",)  # the hand-made week


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
