"""The SOP's seven quality metrics, each with a written definition, for a date range,
grouped by category, priority, agent or week.

One SQL query computes every ticket's durations and flags in the database (no ORM
objects); the grouping and the medians/p90 are done on those plain numbers. A
missing or impossible timestamp (a response before the ticket was reported) is
counted and listed, never averaged in silently.
"""

from __future__ import annotations

import datetime as dt
import heapq
import math
import statistics
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import groupby
from operator import itemgetter
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Float,
    Integer,
    Numeric,
    and_,
    case,
    cast,
    exists,
    func,
    literal,
    or_,
    select,
    type_coerce,
)

from aiva_desk.domain import ClosureReason, EscalationLevel, Priority
from aiva_desk.errors import ValidationError
from aiva_desk.reports.periods import Period, iso_week_of
from aiva_desk.store.database import Database
from aiva_desk.store.models import Category, Escalation, Staff, Ticket

GROUPINGS = ("category", "priority", "agent", "week")
MAX_LISTED_ANOMALIES = 50


@dataclass(frozen=True)
class MetricInfo:
    key: str
    title: str
    definition: str


METRICS: tuple[MetricInfo, ...] = (
    MetricInfo(
        "first_response",
        "Average first response time",
        "Tickets reported in the range. Time from reported to the first message sent to the "
        "customer (drafts don't count; an automatic acknowledgment does, as the SOP allows), in "
        "calendar time. Tickets without a response yet are "
        "counted as 'awaiting', not averaged; a response timed before the report is counted "
        "as impossible and listed.",
    ),
    MetricInfo(
        "resolution",
        "Average resolution time",
        "Tickets resolved in the range. Time from reported to resolved, in calendar time "
        "(time waiting on the customer included). A resolution timed before the report is "
        "impossible: counted and listed.",
    ),
    MetricInfo(
        "sla",
        "SLA compliance rate",
        "Tickets resolved in the range that were resolved by their SLA due date (judged when "
        "the ticket is closed), out of those judged. Tickets without a due date, or resolved "
        "but not closed yet, are counted apart.",
    ),
    MetricInfo(
        "satisfaction",
        "Customer satisfaction score",
        "Tickets closed in the range with a score (1-5, entered by the agent or from the "
        "feedback request): the average score and the share scoring 4 or 5. Tickets without "
        "a score are counted apart.",
    ),
    MetricInfo(
        "escalation",
        "Escalation rate",
        "Tickets reported in the range that were escalated at least once (to senior support "
        "or development), out of all tickets reported in the range.",
    ),
    MetricInfo(
        "reopened",
        "Reopened ticket rate",
        "Tickets reported in the range that were reopened at least once, out of those closed "
        "at least once.",
    ),
    MetricInfo(
        "self_service",
        "Self-service resolution rate",
        "Tickets closed in the range with the closure reason 'Resolved by customer with "
        "documentation', out of all tickets closed in the range.",
    ),
)


@dataclass
class DurationStat:
    """Seconds over the valid values; missing and impossible ones are counted apart."""

    count: int = 0
    average: float | None = None
    median: float | None = None
    p90: float | None = None
    missing: int = 0
    impossible: int = 0
    values: list[float] = field(default_factory=list, repr=False)  # sorted, valid only


@dataclass
class RateStat:
    hits: int = 0
    total: int = 0
    excluded: int = 0  # not in the denominator (e.g. no SLA deadline)

    @property
    def rate(self) -> float | None:
        return self.hits / self.total if self.total else None


@dataclass
class ScoreStat:
    count: int = 0
    average: float | None = None
    satisfied: int = 0  # scored 4 or 5
    missing: int = 0

    @property
    def satisfied_rate(self) -> float | None:
        return self.satisfied / self.count if self.count else None


@dataclass
class GroupMetrics:
    group: str
    first_response: DurationStat = field(default_factory=DurationStat)
    resolution: DurationStat = field(default_factory=DurationStat)
    sla: RateStat = field(default_factory=RateStat)
    satisfaction: ScoreStat = field(default_factory=ScoreStat)
    escalation: RateStat = field(default_factory=RateStat)
    reopened: RateStat = field(default_factory=RateStat)
    self_service: RateStat = field(default_factory=RateStat)


@dataclass
class MetricsReport:
    period: Period
    group_by: str | None
    total: GroupMetrics
    groups: list[GroupMetrics]
    anomalies: list[str]  # "#1042: first response before it was reported", …
    anomaly_count: int = 0


def seconds_between(later: Any, earlier: Any, dialect: str) -> ColumnElement[float]:
    """``later - earlier`` in seconds, computed by the database (SQLite or PostgreSQL)."""
    if dialect == "sqlite":
        return (func.julianday(later) - func.julianday(earlier)) * 86400.0
    # PostgreSQL's extract() gives a numeric (a Decimal in Python): make it a float.
    return cast(func.extract("epoch", later - earlier), Float)


def week_start(column: Any, dialect: str) -> ColumnElement[Any]:
    """The Monday of ``column``'s ISO week, computed by the database."""
    if dialect == "sqlite":
        return func.date(column, "-6 days", "weekday 1")
    return func.date(func.date_trunc("week", column))


def _in(column: Any, period: Period) -> ColumnElement[bool]:
    return and_(column >= period.start, column < period.end)


def nearest_rank(ordered: list[float], fraction: float) -> float:
    """The value at or below which ``fraction`` of the sorted values lie (nearest rank)."""
    rank = max(1, math.ceil(fraction * len(ordered)))
    return ordered[rank - 1]


def _group_key(group_by: str | None, anchor: Any, dialect: str) -> ColumnElement[Any]:
    if group_by == "category":
        return func.coalesce(Category.name, "Uncategorised")
    if group_by == "priority":
        return func.coalesce(type_coerce(Ticket.priority, Integer), 0)
    if group_by == "agent":
        return func.coalesce(Staff.name, "Unassigned")
    if group_by == "week":
        return week_start(anchor, dialect)
    return literal("All tickets")


def _label(group_by: str | None, key: Any) -> str:
    if group_by == "priority":
        return Priority(key).name if key else "No priority"
    if group_by == "week":
        return iso_week_of(dt.date.fromisoformat(str(key)[:10])) if key else "—"
    return str(key)


IMPOSSIBLE_BELOW = -0.5  # seconds: sub-second clock noise is not an impossibility


class _Population:
    """The tickets one metric family looks at (by its own date), grouped one way.

    Each query reads only the covering index for that date (migration 0010).
    """

    def __init__(self, db: Database, group_by: str | None, anchor: Any, period: Period) -> None:
        self.db, self.anchor = db, anchor
        self.key = _group_key(group_by, anchor, db.engine.dialect.name).label("key")
        self.joins = {
            "category": (Category, Category.id == Ticket.category_id),
            "agent": (Staff, Staff.id == Ticket.assignee_id),
        }.get(group_by or "")
        self.where = _in(anchor, period)

    def _select(self, *columns: Any) -> Any:
        query = select(self.key, *columns).select_from(Ticket)
        if self.joins:
            query = query.outerjoin(*self.joins)
        return query.where(self.where)

    def counts(self, *columns: Any) -> list[Any]:
        with self.db.read_session() as session:
            return list(session.execute(self._select(*columns).group_by(self.key)))

    def durations(self, seconds: Any) -> dict[Any, list[float]]:
        """Each group's valid durations, sorted (the missing and impossible ones are
        counted by :meth:`counts`)."""
        clean = _clean_seconds(seconds, self.db.engine.dialect.name)
        with self.db.read_session() as session:
            result = session.connection().execute(
                self._select(clean).where(seconds >= IMPOSSIBLE_BELOW)
            )
            rows = sorted(map(tuple, result))  # plain tuples sort fast; Row objects don't
        return {key: [row[1] for row in group] for key, group in groupby(rows, key=itemgetter(0))}


def _clean_seconds(seconds: Any, dialect: str) -> ColumnElement[float]:
    """Never below zero, to the millisecond (julianday arithmetic leaves noise below it)."""
    if dialect == "sqlite":
        return func.round(func.max(seconds, 0.0), 3)
    rounded = func.round(cast(func.greatest(seconds, 0.0), Numeric), 3)
    return cast(rounded, Float)  # a float, like SQLite's, not a Decimal


def _duration(values: list[float], missing: int, impossible: int) -> DurationStat:
    """Statistics of ``values`` (sorted ascending)."""
    return DurationStat(
        values=values,
        count=len(values),
        average=statistics.fmean(values) if values else None,
        median=statistics.median(values) if values else None,
        p90=nearest_rank(values, 0.9) if values else None,
        missing=missing,
        impossible=impossible,
    )


def compute_metrics(db: Database, period: Period, group_by: str | None = None) -> MetricsReport:
    """Every metric for ``period``, overall and per group (``GROUPINGS``)."""
    if group_by is not None and group_by not in GROUPINGS:
        choices = ", ".join(GROUPINGS)
        raise ValidationError({"group_by": f"Group by one of {choices}, not “{group_by}”."})
    groups, first_values, resolution_values = _compute(db, period, group_by)
    total = _total(groups.values(), first_values, resolution_values)
    keys = sorted(groups, key=lambda k: (k is None, str(k)))
    ordered = []
    for key in keys:
        groups[key].group = _label(group_by, key)
        ordered.append(groups[key])
    impossible = total.first_response.impossible + total.resolution.impossible
    anomalies, count = _anomalies(db, period) if impossible else ([], 0)
    return MetricsReport(period, group_by, total, ordered if group_by else [], anomalies, count)


def _compute(
    db: Database, period: Period, group_by: str | None
) -> tuple[dict[Any, GroupMetrics], list[list[float]], list[list[float]]]:
    dialect = db.engine.dialect.name
    groups: dict[Any, GroupMetrics] = defaultdict(lambda: GroupMetrics(""))
    reported = _Population(db, group_by, Ticket.reported_at, period)
    resolved = _Population(db, group_by, Ticket.resolved_at, period)
    closed = _Population(db, group_by, Ticket.closed_at, period)

    first_seconds = seconds_between(Ticket.first_response_at, Ticket.reported_at, dialect)
    resolution_seconds = seconds_between(Ticket.resolved_at, Ticket.reported_at, dialect)
    first = reported.durations(first_seconds)
    resolution = resolved.durations(resolution_seconds)

    escalated = or_(
        Ticket.escalation_level != EscalationLevel.NONE,
        exists().where(Escalation.ticket_id == Ticket.id),
    )
    ever_closed = or_(Ticket.closed_at.is_not(None), Ticket.reopen_count > 0)
    for key, total, hits, closed_once, reopened, missing, impossible in reported.counts(
        func.count(),
        _count_if(escalated),
        _count_if(ever_closed),
        _count_if(Ticket.reopen_count > 0),
        _count_if(first_seconds.is_(None)),
        _count_if(first_seconds < IMPOSSIBLE_BELOW),
    ):
        groups[key].escalation = RateStat(hits, total)
        groups[key].reopened = RateStat(reopened, closed_once)
        groups[key].first_response = _duration(first.get(key, []), missing, impossible)
    for key, met, missed, unknown, impossible in resolved.counts(
        _count_if(Ticket.sla_met.is_(True)),
        _count_if(Ticket.sla_met.is_(False)),
        _count_if(Ticket.sla_met.is_(None)),
        _count_if(resolution_seconds < IMPOSSIBLE_BELOW),
    ):
        groups[key].sla = RateStat(met, met + missed, unknown)
        groups[key].resolution = _duration(resolution.get(key, []), 0, impossible)
    score = Ticket.satisfaction_score
    for key, total, scored, score_sum, satisfied, self_service in closed.counts(
        func.count(),
        func.count(score),
        func.coalesce(func.sum(score), 0),
        _count_if(score >= 4),
        _count_if(Ticket.closure_reason == ClosureReason.SELF_SERVICE),
    ):
        average = score_sum / scored if scored else None
        groups[key].satisfaction = ScoreStat(scored, average, satisfied, total - scored)
        groups[key].self_service = RateStat(self_service, total)
    return dict(groups), list(first.values()), list(resolution.values())


def _count_if(condition: Any) -> ColumnElement[int]:
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def _total(
    groups: Iterable[GroupMetrics], first: list[list[float]], resolution: list[list[float]]
) -> GroupMetrics:
    """All tickets: counts summed over the groups, durations merged (for the median)."""
    total = GroupMetrics("All tickets")
    groups = list(groups)
    for name, lists in (("first_response", first), ("resolution", resolution)):
        merged = list(heapq.merge(*lists))  # each group's list is sorted already
        stats = [getattr(g, name) for g in groups]
        setattr(
            total,
            name,
            _duration(
                merged,
                sum(s.missing for s in stats),
                sum(s.impossible for s in stats),
            ),
        )
    for name in ("sla", "escalation", "reopened", "self_service"):
        stats = [getattr(g, name) for g in groups]
        setattr(
            total,
            name,
            RateStat(
                sum(s.hits for s in stats),
                sum(s.total for s in stats),
                sum(s.excluded for s in stats),
            ),
        )
    scores = [g.satisfaction for g in groups]
    scored = sum(s.count for s in scores)
    score_sum = sum((s.average or 0) * s.count for s in scores)
    total.satisfaction = ScoreStat(
        scored,
        score_sum / scored if scored else None,
        sum(s.satisfied for s in scores),
        sum(s.missing for s in scores),
    )
    return total


def _anomalies(db: Database, period: Period) -> tuple[list[str], int]:
    """Tickets whose timestamps contradict each other, worded, and how many there are."""
    dialect = db.engine.dialect.name
    checks = (
        (Ticket.reported_at, Ticket.first_response_at, "first response"),
        (Ticket.resolved_at, Ticket.resolved_at, "resolution"),
    )
    found: list[tuple[int, str]] = []
    with db.read_session() as session:
        for anchor, moment, what in checks:
            seconds = seconds_between(moment, Ticket.reported_at, dialect)
            query = select(Ticket.number).where(_in(anchor, period), seconds < IMPOSSIBLE_BELOW)
            found += [(number, what) for number in session.scalars(query)]
    found.sort()
    listed = [
        f"#{number}: {what} timed before the ticket was reported"
        for number, what in found[:MAX_LISTED_ANOMALIES]
    ]
    return listed, len(found)
