"""SLA policies and calendars in the database, read as the engine and the settings page use
them (editing is in :mod:`aiva_desk.sla.settings_edits`)."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import Connection, select

from aiva_desk.domain import Priority
from aiva_desk.sla.calendar import BusinessCalendar
from aiva_desk.sla.policy import SlaPolicy
from aiva_desk.store.models import Category
from aiva_desk.store.sla_models import Calendar, SlaPolicyRow

if TYPE_CHECKING:
    pass

_MIN = dt.timedelta(minutes=1)
MAX_SLA_HOURS = 24 * 365  # as for categories (aiva_desk.tickets.categories)


def _time(text: str) -> dt.time:
    return dt.time.fromisoformat(text)


def calendar_from_row(row: Calendar) -> BusinessCalendar:
    hours = {
        int(day): [(_time(a), _time(b)) for a, b in ranges]
        for day, ranges in json.loads(row.hours_json).items()
    }
    holidays = [dt.date.fromisoformat(day) for day in json.loads(row.holidays_json)]
    return BusinessCalendar(
        row.tz, hours, holidays, country=row.country, subdivision=row.subdivision
    )


@dataclass(frozen=True)
class PolicySet:
    """Every priority's policy with the calendar it runs on."""

    policies: dict[Priority, SlaPolicy]
    calendars: dict[str, BusinessCalendar]

    def for_priority(self, priority: Priority | int | None) -> tuple[SlaPolicy, BusinessCalendar]:
        policy = self.policies[Priority(priority or Priority.P4)]
        return policy, self.calendars[policy.calendar]


def load_policy_set(conn: Connection) -> PolicySet:
    calendars = {row.name: calendar_from_row(row) for row in _rows(conn, Calendar)}
    names = {row.id: row.name for row in _rows(conn, Calendar)}
    policies = {}
    for row in _rows(conn, SlaPolicyRow):
        policies[Priority(row.priority)] = SlaPolicy(
            Priority(row.priority),
            acknowledge=row.acknowledge_minutes * _MIN,
            first_response=row.first_response_minutes * _MIN,
            update_every=None
            if row.update_every_minutes is None
            else row.update_every_minutes * _MIN,
            updates_before_deadline=row.updates_before_deadline,
            escalate_within=(
                None if row.escalate_within_minutes is None else row.escalate_within_minutes * _MIN
            ),
            calendar=names[row.calendar_id],
            warn_at_fractions=tuple(float(x) for x in row.warn_fractions.split(",") if x.strip()),
            warn_before=row.warn_before_minutes * _MIN,
        )
    return PolicySet(policies, calendars)


def _rows(conn: Connection, model: type) -> list:
    return [model(**dict(row._mapping)) for row in conn.execute(select(*model.__table__.columns))]


# -- as the settings page edits them ---------------------------------------------------


@dataclass(frozen=True)
class PolicyInput:
    acknowledge_minutes: int
    first_response_minutes: int
    update_every_minutes: int | None
    updates_before_deadline: int
    escalate_within_minutes: int | None
    calendar_name: str
    warn_fractions: tuple[float, ...] = (0.75, 0.9)
    warn_before_minutes: int = 10


@dataclass(frozen=True)
class CalendarInput:
    """A calendar as edited; ``stored_name`` is the name it is saved under (None: new)."""

    name: str
    tz: str
    hours: Mapping[int, Sequence[tuple[dt.time, dt.time]]]
    holidays: tuple[dt.date, ...] = ()
    country: str | None = None
    subdivision: str | None = None
    stored_name: str | None = None


@dataclass(frozen=True)
class CategoryResolution:
    """A category's resolution time (the SOP table's SLA column), in minutes."""

    category_id: int
    name: str
    priority: Priority
    minutes: int


def list_calendars(conn: Connection) -> list[CalendarInput]:
    """Every calendar as the settings page edits it, by name."""
    result = []
    for row in sorted(_rows(conn, Calendar), key=lambda r: r.name.casefold()):
        cal = calendar_from_row(row)
        result.append(
            CalendarInput(
                row.name,
                row.tz,
                {day: list(ranges) for day, ranges in cal.hours.items()},
                tuple(sorted(cal.custom_holidays)),
                row.country,
                row.subdivision,
                stored_name=row.name,
            )
        )
    return result


def policy_inputs(conn: Connection) -> dict[Priority, PolicyInput]:
    """Every priority's policy as the settings page edits it."""
    result = {}
    for priority, policy in sorted(load_policy_set(conn).policies.items()):
        result[priority] = PolicyInput(
            acknowledge_minutes=_minutes(policy.acknowledge),
            first_response_minutes=_minutes(policy.first_response),
            update_every_minutes=_minutes(policy.update_every),
            updates_before_deadline=policy.updates_before_deadline,
            escalate_within_minutes=_minutes(policy.escalate_within),
            calendar_name=policy.calendar,
            warn_fractions=policy.warn_at_fractions,
            warn_before_minutes=_minutes(policy.warn_before),
        )
    return result


def category_resolutions(conn: Connection, *, active_only: bool = True) -> list[CategoryResolution]:
    """Each category's resolution time, in the order the queue lists categories."""
    query = select(Category.id, Category.name, Category.default_priority, Category.sla_hours)
    if active_only:
        query = query.where(Category.active.is_(True))
    return [
        CategoryResolution(cid, name, Priority(priority), round(hours * 60))
        for cid, name, priority, hours in conn.execute(
            query.order_by(Category.sort_order, Category.name)
        )
    ]


def _minutes(value: dt.timedelta | None) -> int | None:
    return None if value is None else round(value.total_seconds() / 60)
