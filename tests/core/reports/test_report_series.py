"""The dashboard's chart series and the tickets behind a bar, against the hand-made week
of helpers/report_week.py; every series query reads tickets through an index."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import event, text

from aiva_desk.errors import ValidationError
from aiva_desk.reports import series
from aiva_desk.reports.periods import Period
from tests.helpers.report_week import WEEK

pytestmark = pytest.mark.time_sensitive  # run again at other instants and zones

pytest_plugins = ("tests.helpers.report_week",)  # the hand-made week


def _values(result: series.Series) -> dict[str, float | None]:
    return {p.key: p.value for p in result.points}


def test_volume_counts_each_day_and_fills_empty_days(context, week):
    result = series.volume(context.db, WEEK)
    assert result.title == "Tickets reported per day"
    assert [p.key for p in result.points][:2] == ["2026-11-16", "2026-11-17"]
    assert _values(result) == {
        "2026-11-16": 1,
        "2026-11-17": 1,
        "2026-11-18": 1,
        "2026-11-19": 1,
        "2026-11-20": 0,
        "2026-11-21": 0,
        "2026-11-22": 1,
    }
    assert result.points[0].label == "16 Nov"


def test_long_ranges_count_per_iso_week(context, week):
    period = Period.days(dt.date(2026, 9, 1), dt.date(2026, 11, 30))
    result = series.volume(context.db, period)
    assert result.title == "Tickets reported per week"
    values = {p.label: p.value for p in result.points}
    assert values["2026-W46"] == 1 and values["2026-W47"] == 5 and values["2026-W40"] == 0
    assert result.points[0].key == "2026-08-31"  # the Monday of the first week


def test_sla_resolution_category_and_escalation_series(context, week):
    sla = series.sla_trend(context.db, Period.days(dt.date(2026, 11, 9), dt.date(2026, 11, 22)))
    by_week = {p.label: p for p in sla.points}
    assert by_week["2026-W46"].value is None  # nothing resolved: no rate, not 0 %
    assert (by_week["2026-W47"].hits, by_week["2026-W47"].total) == (2, 3)
    assert by_week["2026-W47"].value == pytest.approx(2 / 3)

    resolution = _values(series.resolution_distribution(context.db, WEEK))
    # 1: 4 h, 2: 1 d, 4: 1 h, 5: 3 d (lower bounds included)
    assert resolution == {
        "lt1h": 0,
        "1-4h": 1,
        "4-8h": 1,
        "8-24h": 0,
        "1-3d": 1,
        "3-7d": 1,
        "ge7d": 0,
    }

    categories = series.by_category(context.db, WEEK)
    assert [(p.label, p.value) for p in categories.points] == [
        ("Agent Issues", 2),
        ("Billing", 2),
        ("Knowledge Base", 1),
    ]
    escalations = _values(series.escalations_per_week(context.db, WEEK))
    assert escalations == {"2026-11-16": 1}  # the escalation event of case 2

    everything = series.dashboard_series(context.db, WEEK)
    assert tuple(everything) == series.SERIES


def _numbers(listing: series.TicketList) -> list[int]:
    return [row.number for row in listing.rows]


def test_the_tickets_behind_each_bar(context, week):
    db = context.db
    day = series.tickets_behind(db, WEEK, series.VOLUME, "2026-11-17")
    assert _numbers(day) == [week[2]] and day.total == 1
    assert day.title == "Reported on 2026-11-17"
    assert day.rows[0].detail.startswith("Agent Issues · ")

    sla = series.tickets_behind(db, WEEK, series.SLA, "2026-11-16")
    assert _numbers(sla) == [week[2], week[1], week[5]]  # missed first
    assert [row.detail for row in sla.rows] == ["SLA missed", "SLA met", "SLA met"]

    assert _numbers(series.tickets_behind(db, WEEK, series.RESOLUTION, "4-8h")) == [week[1]]
    assert _numbers(series.tickets_behind(db, WEEK, series.RESOLUTION, "1-4h")) == [week[4]]

    billing = next(p for p in series.by_category(db, WEEK).points if p.label == "Billing")
    listing = series.tickets_behind(db, WEEK, series.CATEGORY, billing.key)
    assert _numbers(listing) == [week[1], week[4]] and listing.title == "Billing: reported"

    escalated = series.tickets_behind(db, WEEK, series.ESCALATIONS, "2026-11-16")
    assert _numbers(escalated) == [week[2]]
    assert escalated.rows[0].detail == "Senior support: beyond knowledge"

    few = series.tickets_behind(db, WEEK, series.SLA, "2026-11-16", limit=1)
    assert len(few.rows) == 1 and few.total == 3


def test_bad_points_are_named(context):
    with pytest.raises(ValidationError, match="No chart"):
        series.tickets_behind(context.db, WEEK, "pie", "x")
    with pytest.raises(ValidationError, match="not a day"):
        series.tickets_behind(context.db, WEEK, series.VOLUME, "monday")
    with pytest.raises(ValidationError, match="bucket"):
        series.tickets_behind(context.db, WEEK, series.RESOLUTION, "forever")


@pytest.mark.sqlite_only("reads SQLite's EXPLAIN QUERY PLAN")
def test_every_series_reads_tickets_through_an_index(context, week):
    statements: list[tuple[str, object]] = []

    def remember(conn, cursor, statement, parameters, context_, executemany):
        if statement.lstrip().upper().startswith("SELECT"):
            statements.append((statement, parameters))

    event.listen(context.db.engine, "before_cursor_execute", remember)
    try:
        series.dashboard_series(context.db, WEEK)
    finally:
        event.remove(context.db.engine, "before_cursor_execute", remember)
    assert len(statements) == 5
    with context.db.engine.connect() as connection:
        for statement, parameters in statements:
            plan = connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", parameters)
            details = [row[-1] for row in plan]
            assert not any(d.startswith("SCAN tickets") for d in details), (statement, details)
            if "FROM tickets" in statement:
                assert any("INDEX" in d and "tickets" in d for d in details), details
        assert connection.execute(text("SELECT 1")).scalar() == 1
