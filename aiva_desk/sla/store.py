"""Reading SLA policies and calendars from the database, and editing them."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

from sqlalchemy import Connection, select

from aiva_desk.domain import Priority
from aiva_desk.sla.calendar import BusinessCalendar
from aiva_desk.sla.policy import SlaPolicy
from aiva_desk.store.models import Calendar, SlaPolicyRow

_MIN = dt.timedelta(minutes=1)


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
