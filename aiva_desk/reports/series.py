"""The dashboard's chart series and the tickets behind any one bar.

Five series for a date range: tickets reported per day (or per week for ranges
longer than ``DAILY_UP_TO_DAYS``), SLA compliance per week, the time-to-resolution
distribution, tickets reported per category and escalations per week. Each is one
SQL ``GROUP BY`` over the covering indexes of migration 0010 (escalations over
their own table), so a year of 100,000 tickets answers in a fraction of a second.
Empty days and weeks are filled with zero so the axis has no gaps.

:func:`tickets_behind` lists the tickets a point stands for (``Point.key``), read
with range conditions on the same indexed columns. Qt-free.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, and_, case, func, select

from aiva_desk.errors import ValidationError
from aiva_desk.reports.metrics import IMPOSSIBLE_BELOW, seconds_between, week_start
from aiva_desk.reports.periods import Period, iso_week_of
from aiva_desk.store.database import Database
from aiva_desk.store.models import Category, Escalation, Ticket

VOLUME = "volume"
SLA = "sla"
RESOLUTION = "resolution"
CATEGORY = "category"
ESCALATIONS = "escalations"
SERIES = (VOLUME, SLA, RESOLUTION, CATEGORY, ESCALATIONS)

DAILY_UP_TO_DAYS = 31  # a month per day; a quarter or a year per week
LISTED_TICKETS = 500
HOUR = 3600.0
DAY = 24 * HOUR
# time-to-resolution buckets: (key, label, from seconds, below seconds)
RESOLUTION_BUCKETS: tuple[tuple[str, str, float, float | None], ...] = (
    ("lt1h", "under 1 h", IMPOSSIBLE_BELOW, HOUR),
    ("1-4h", "1–4 h", HOUR, 4 * HOUR),
    ("4-8h", "4–8 h", 4 * HOUR, 8 * HOUR),
    ("8-24h", "8–24 h", 8 * HOUR, DAY),
    ("1-3d", "1–3 d", DAY, 3 * DAY),
    ("3-7d", "3–7 d", 3 * DAY, 7 * DAY),
    ("ge7d", "7 d or more", 7 * DAY, None),
)
NO_CATEGORY = "none"
NOISE = 0.001  # seconds: julianday arithmetic puts 4 h at 14399.9999…; boundaries allow it


@dataclass(frozen=True)
class Point:
    """One bar or point. ``key`` is what :func:`tickets_behind` takes."""

    key: str
    label: str
    value: float | None  # a count, or for SLA compliance a rate 0..1 (None: no deadlines)
    hits: int = 0  # SLA: met
    total: int = 0  # SLA: met + missed


@dataclass(frozen=True)
class Series:
    name: str
    title: str
    axis: str  # what the value axis counts
    points: tuple[Point, ...]

    @property
    def empty(self) -> bool:
        return not any(p.value for p in self.points)


@dataclass(frozen=True)
class TicketRow:
    id: int
    number: int
    subject: str
    detail: str


@dataclass(frozen=True)
class TicketList:
    title: str
    rows: list[TicketRow]
    total: int  # may be more than listed (``LISTED_TICKETS``)


def _in(column: Any, start: dt.datetime, end: dt.datetime) -> ColumnElement[bool]:
    return and_(column >= start, column < end)


def volume_bucket(period: Period) -> str:
    """``day`` for ranges up to ``DAILY_UP_TO_DAYS`` days, else ``week``."""
    days = (period.end - period.start).days
    return "day" if days <= DAILY_UP_TO_DAYS else "week"


def _day_keys(period: Period) -> list[dt.date]:
    first, end = period.start.date(), period.end.date()
    return [first + dt.timedelta(days=n) for n in range((end - first).days)]


def _week_keys(period: Period) -> list[dt.date]:
    first = period.start.date()
    monday = first - dt.timedelta(days=first.weekday())
    keys = []
    while monday < period.end.date():
        keys.append(monday)
        monday += dt.timedelta(days=7)
    return keys


def _day(key: Any) -> dt.date:
    return dt.date.fromisoformat(str(key)[:10])


def _counts_by(
    db: Database, bucket: ColumnElement[Any], *where: Any, source: Any = Ticket
) -> dict[dt.date, int]:
    query = (
        select(bucket.label("bucket"), func.count()).select_from(source).where(*where)
    ).group_by(bucket)
    with db.read_session() as session:
        return {_day(key): count for key, count in session.execute(query) if key is not None}


def _date_bucket(column: Any, unit: str, dialect: str) -> ColumnElement[Any]:
    return func.date(column) if unit == "day" else week_start(column, dialect)


def volume(db: Database, period: Period) -> Series:
    unit = volume_bucket(period)
    dialect = db.engine.dialect.name
    counts = _counts_by(
        db,
        _date_bucket(Ticket.reported_at, unit, dialect),
        _in(Ticket.reported_at, period.start, period.end),
    )
    keys = _day_keys(period) if unit == "day" else _week_keys(period)
    points = tuple(
        Point(
            key.isoformat(),
            key.strftime("%d %b") if unit == "day" else iso_week_of(key),
            counts.get(key, 0),
        )
        for key in keys
    )
    return Series(VOLUME, f"Tickets reported per {unit}", "Tickets", points)


def sla_trend(db: Database, period: Period) -> Series:
    dialect = db.engine.dialect.name
    bucket = week_start(Ticket.resolved_at, dialect)
    query = (
        select(
            bucket,
            func.coalesce(func.sum(case((Ticket.sla_met.is_(True), 1), else_=0)), 0),
            func.coalesce(func.sum(case((Ticket.sla_met.is_(False), 1), else_=0)), 0),
        )
        .where(_in(Ticket.resolved_at, period.start, period.end))
        .group_by(bucket)
    )
    with db.read_session() as session:
        rows = {_day(key): (met, missed) for key, met, missed in session.execute(query)}
    points = []
    for key in _week_keys(period):
        met, missed = rows.get(key, (0, 0))
        total = met + missed
        points.append(
            Point(key.isoformat(), iso_week_of(key), met / total if total else None, met, total)
        )
    return Series(SLA, "SLA compliance per week", "Met (%)", tuple(points))


def _resolution_seconds(db: Database) -> ColumnElement[float]:
    return seconds_between(Ticket.resolved_at, Ticket.reported_at, db.engine.dialect.name)


def resolution_distribution(db: Database, period: Period) -> Series:
    seconds = _resolution_seconds(db)
    index = case(
        *(
            (seconds < below - NOISE, number)
            for number, (_, _, _, below) in enumerate(RESOLUTION_BUCKETS)
            if below is not None
        ),
        else_=len(RESOLUTION_BUCKETS) - 1,
    ).label("bucket")
    query = (
        select(index, func.count())
        .where(_in(Ticket.resolved_at, period.start, period.end), seconds >= IMPOSSIBLE_BELOW)
        .group_by(index)
    )
    with db.read_session() as session:
        counts = dict(session.execute(query).all())
    points = tuple(
        Point(key, label, counts.get(number, 0))
        for number, (key, label, _, _) in enumerate(RESOLUTION_BUCKETS)
    )
    return Series(RESOLUTION, "Time to resolution (tickets resolved)", "Tickets", points)


def by_category(db: Database, period: Period) -> Series:
    count = func.count().label("tickets")
    query = (
        select(Ticket.category_id, Category.name, count)
        .select_from(Ticket)
        .outerjoin(Category, Category.id == Ticket.category_id)
        .where(_in(Ticket.reported_at, period.start, period.end))
        .group_by(Ticket.category_id, Category.name)
        .order_by(count.desc(), Category.name)
    )
    with db.read_session() as session:
        rows = session.execute(query).all()
    points = tuple(
        Point(str(cid) if cid is not None else NO_CATEGORY, name or "Uncategorised", n)
        for cid, name, n in rows
    )
    return Series(CATEGORY, "Tickets reported by category", "Tickets", points)


def escalations_per_week(db: Database, period: Period) -> Series:
    counts = _counts_by(
        db,
        week_start(Escalation.at, db.engine.dialect.name),
        _in(Escalation.at, period.start, period.end),
        source=Escalation,
    )
    points = tuple(
        Point(key.isoformat(), iso_week_of(key), counts.get(key, 0)) for key in _week_keys(period)
    )
    return Series(ESCALATIONS, "Escalations per week", "Escalations", points)


def dashboard_series(db: Database, period: Period) -> dict[str, Series]:
    """All five series for ``period``, by name (``SERIES`` order)."""
    return {
        VOLUME: volume(db, period),
        SLA: sla_trend(db, period),
        RESOLUTION: resolution_distribution(db, period),
        CATEGORY: by_category(db, period),
        ESCALATIONS: escalations_per_week(db, period),
    }


# -- the tickets behind a point -----------------------------------------------------------


def _span(period: Period, key: str, unit: str) -> tuple[dt.datetime, dt.datetime]:
    """The part of ``period`` that the day or week ``key`` covers."""
    try:
        first = dt.date.fromisoformat(key)
    except ValueError:
        raise ValidationError({"key": f"“{key}” is not a day like 2026-11-16."}) from None
    start = dt.datetime.combine(first, dt.time(), dt.UTC)
    end = start + dt.timedelta(days=1 if unit == "day" else 7)
    return max(start, period.start), min(end, period.end)


def _list(
    db: Database, title: str, query: Any, detail: Any, limit: int, order: Any = Ticket.number
) -> TicketList:
    with db.read_session() as session:
        total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
        rows = [
            TicketRow(ticket_id, number, subject, detail(*extra))
            for ticket_id, number, subject, *extra in session.execute(
                query.order_by(*order if isinstance(order, tuple) else (order,)).limit(limit)
            )
        ]
    return TicketList(title, rows, total)


def _columns(*extra: Any) -> Any:
    return select(Ticket.id, Ticket.number, Ticket.subject, *extra)


def tickets_behind(
    db: Database, period: Period, series: str, key: str, *, limit: int = LISTED_TICKETS
) -> TicketList:
    """The tickets (at most ``limit``, and how many in all) that one point counts."""
    if series == VOLUME:
        unit = volume_bucket(period)
        start, end = _span(period, key, unit)
        what = key if unit == "day" else iso_week_of(dt.date.fromisoformat(key))
        query = _columns(Ticket.status, Category.name).outerjoin(
            Category, Category.id == Ticket.category_id
        )
        query = query.where(_in(Ticket.reported_at, start, end))
        return _list(
            db,
            f"Reported {'on' if unit == 'day' else 'in'} {what}",
            query,
            lambda status, category: f"{category or 'Uncategorised'} · {status.label}",
            limit,
        )
    if series == SLA:
        start, end = _span(period, key, "week")
        query = _columns(Ticket.sla_met).where(
            _in(Ticket.resolved_at, start, end), Ticket.sla_met.is_not(None)
        )
        return _list(
            db,
            f"Resolved in {iso_week_of(start.date())} with an SLA deadline (missed first)",
            query,
            lambda met: "SLA met" if met else "SLA missed",
            limit,
            order=(Ticket.sla_met, Ticket.number),
        )
    if series == RESOLUTION:
        bucket = {b[0]: b for b in RESOLUTION_BUCKETS}.get(key)
        if bucket is None:
            raise ValidationError({"key": f"No time-to-resolution bucket “{key}”."})
        _, label, low, high = bucket
        seconds = _resolution_seconds(db)
        conditions = [
            _in(Ticket.resolved_at, period.start, period.end),
            seconds >= (low if low == IMPOSSIBLE_BELOW else low - NOISE),
        ]
        if high is not None:
            conditions.append(seconds < high - NOISE)
        query = _columns(seconds.label("seconds")).where(*conditions)
        return _list(
            db,
            f"Resolved in {label}",
            query,
            lambda value: f"resolved after {value / HOUR:.1f} h",
            limit,
        )
    if series == CATEGORY:
        if key == NO_CATEGORY:
            where, name = Ticket.category_id.is_(None), "Uncategorised"
        else:
            if not key.isdigit():
                raise ValidationError({"key": f"“{key}” is not a category id."})
            where = Ticket.category_id == int(key)
            with db.read_session() as session:
                name = session.scalar(select(Category.name).where(Category.id == int(key))) or key
        query = _columns(Ticket.status).where(
            _in(Ticket.reported_at, period.start, period.end), where
        )
        return _list(db, f"{name}: reported", query, lambda status: status.label, limit)
    if series == ESCALATIONS:
        start, end = _span(period, key, "week")
        query = (
            _columns(Escalation.level, Escalation.reason)
            .select_from(Escalation)
            .join(Ticket, Ticket.id == Escalation.ticket_id)
            .where(_in(Escalation.at, start, end))
        )
        return _list(
            db,
            f"Escalated in {iso_week_of(start.date())}",
            query,
            lambda level, reason: f"{level.label}: {reason}",
            limit,
        )
    raise ValidationError({"series": f"No chart “{series}”; one of {', '.join(SERIES)}."})
