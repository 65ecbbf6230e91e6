"""SLA policies and calendars in the database: reading them, and editing them."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import Connection, select

from aiva_desk.domain import Priority
from aiva_desk.errors import NotFoundError, ValidationError
from aiva_desk.sla.calendar import BusinessCalendar
from aiva_desk.sla.policy import SlaPolicy
from aiva_desk.store.models import AuditEntry, Calendar, SlaPolicyRow

if TYPE_CHECKING:
    from aiva_desk.store.database import Database

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


# -- editing ---------------------------------------------------------------------------


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


def _policy_problems(data: PolicyInput, calendars: dict[str, int]) -> dict[str, str]:
    problems: dict[str, str] = {}
    for name in ("acknowledge_minutes", "first_response_minutes"):
        if getattr(data, name) <= 0:
            problems[name] = f"{name.replace('_', ' ').capitalize()} must be more than 0."
    for name in ("update_every_minutes", "escalate_within_minutes"):
        value = getattr(data, name)
        if value is not None and value < 0:
            problems[name] = f"{name.replace('_', ' ').capitalize()} cannot be negative."
    if data.updates_before_deadline < 0:
        problems["updates_before_deadline"] = "Updates before the deadline cannot be negative."
    if not all(0 < f < 1 for f in data.warn_fractions):
        problems["warn_fractions"] = "Warnings are fractions of the window between 0 and 1."
    if data.warn_before_minutes < 0:
        problems["warn_before_minutes"] = "Minutes before a deadline cannot be negative."
    if data.calendar_name not in calendars:
        problems["calendar_name"] = f"There is no calendar called “{data.calendar_name}”."
    return problems


def save_policy(db: Database, priority: Priority, data: PolicyInput, *, actor: str) -> None:
    """Change one priority's SLA numbers; every open ticket's clocks follow at once."""
    with db.session(actor) as session:
        calendars = dict(session.execute(select(Calendar.name, Calendar.id)).all())
        problems = _policy_problems(data, calendars)
        if problems:
            raise ValidationError(problems)
        row = session.get(SlaPolicyRow, int(priority))
        if row is None:
            raise NotFoundError(f"No SLA policy for {Priority(priority).name}.")
        before = _describe_policy(row)
        row.acknowledge_minutes = data.acknowledge_minutes
        row.first_response_minutes = data.first_response_minutes
        row.update_every_minutes = data.update_every_minutes
        row.updates_before_deadline = data.updates_before_deadline
        row.escalate_within_minutes = data.escalate_within_minutes
        row.calendar_id = calendars[data.calendar_name]
        row.warn_fractions = ",".join(f"{f:g}" for f in data.warn_fractions)
        row.warn_before_minutes = data.warn_before_minutes
        session.add(
            AuditEntry(
                actor=actor,
                action="SLA policy saved",
                field=Priority(priority).name,
                old_value=before,
                new_value=_describe_policy(row),
            )
        )
        session.flush()
        db.reindex_open_clocks(session.connection())


def save_calendar(
    db: Database,
    name: str,
    *,
    tz: str,
    hours: dict[int, list[tuple[dt.time, dt.time]]],
    holidays: list[dt.date],
    country: str | None = None,
    actor: str,
) -> None:
    """Create or change a calendar (validated by building it); open tickets follow."""
    if not name.strip():
        raise ValidationError({"name": "Give the calendar a name."})
    BusinessCalendar(tz, hours, holidays, country=country)  # raises CalendarError if wrong
    with db.session(actor) as session:
        row = session.scalars(select(Calendar).where(Calendar.name == name.strip())).first()
        if row is None:
            row = Calendar(name=name.strip())
            session.add(row)
        row.tz = tz
        row.hours_json = json.dumps(
            {
                str(day): [[a.isoformat("minutes"), b.isoformat("minutes")] for a, b in ranges]
                for day, ranges in hours.items()
            }
        )
        row.holidays_json = json.dumps(sorted(day.isoformat() for day in holidays))
        row.country = country
        session.add(
            AuditEntry(
                actor=actor,
                action="calendar saved",
                field=name.strip()[:60],
                new_value=f"{tz}, {len(holidays)} holidays",
            )
        )
        session.flush()
        db.reindex_open_clocks(session.connection())


def _describe_policy(row: SlaPolicyRow) -> str:
    return (
        f"ack {row.acknowledge_minutes} min, first response {row.first_response_minutes} min, "
        f"updates every {row.update_every_minutes} min, escalate within "
        f"{row.escalate_within_minutes} min"
    )
