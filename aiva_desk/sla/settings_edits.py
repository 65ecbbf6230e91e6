"""Editing SLA policies and calendars: each change is checked whole, written with its
audit entries, and every open ticket's clocks follow in the same transaction."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from aiva_desk.domain import Priority
from aiva_desk.errors import NotFoundError, ValidationError
from aiva_desk.sla.calendar import BusinessCalendar, CalendarError
from aiva_desk.sla.indexer import reindex_open_clocks
from aiva_desk.sla.settings_store import MAX_SLA_HOURS, CalendarInput, PolicyInput
from aiva_desk.store.models import AuditEntry, Category
from aiva_desk.store.sla_models import Calendar, SlaPolicyRow

if TYPE_CHECKING:
    from aiva_desk.store.database import Database


POLICY_FIELD_LABELS = {
    "acknowledge_minutes": "Acknowledge",
    "first_response_minutes": "First response",
    "update_every_minutes": "Update every",
    "updates_before_deadline": "Updates before the deadline",
    "escalate_within_minutes": "Escalate within",
    "warn_fractions": "Warn at",
    "warn_before_minutes": "Warn before",
    "calendar_name": "Calendar",
}


def _policy_problems(
    data: PolicyInput, calendars: Collection[str], priority: Priority
) -> dict[str, str]:
    """What is wrong with ``data``, keyed by field, each message naming field and priority."""
    found: dict[str, str] = {}
    for name in ("acknowledge_minutes", "first_response_minutes"):
        if getattr(data, name) <= 0:
            found[name] = "must be more than 0"
    for name in ("update_every_minutes", "escalate_within_minutes"):
        value = getattr(data, name)
        if value is not None and value < 0:
            found[name] = "cannot be negative"
    if data.update_every_minutes == 0:
        found["update_every_minutes"] = "must be more than 0 (leave it empty for no cadence)"
    if data.updates_before_deadline < 0:
        found["updates_before_deadline"] = "cannot be negative"
    if not all(0 < f < 1 for f in data.warn_fractions):
        found["warn_fractions"] = "each warning is a share of the window between 0% and 100%"
    if data.warn_before_minutes < 0:
        found["warn_before_minutes"] = "cannot be negative"
    if data.calendar_name not in calendars:
        found["calendar_name"] = f"there is no calendar called “{data.calendar_name}”"
    label = Priority(priority).name
    return {key: f"{POLICY_FIELD_LABELS[key]} for {label}: {text}." for key, text in found.items()}


def save_policy(db: Database, priority: Priority, data: PolicyInput, *, actor: str) -> None:
    """Change one priority's SLA numbers; every open ticket's clocks follow at once."""
    with db.session(actor) as session:
        calendars = dict(session.execute(select(Calendar.name, Calendar.id)).all())
        problems = _policy_problems(data, calendars, priority)
        if problems:
            raise ValidationError(problems)
        _write_policy(session, priority, data, calendars, actor)
        session.flush()
        reindex_open_clocks(session.connection())


def _write_policy(
    session: Session, priority: Priority, data: PolicyInput, calendars: dict[str, int], actor: str
) -> None:
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
    after = _describe_policy(row)
    if after != before:
        session.add(
            AuditEntry(
                actor=actor,
                action="SLA policy saved",
                field=Priority(priority).name,
                old_value=before,
                new_value=after,
            )
        )


def save_calendar(
    db: Database,
    name: str,
    *,
    tz: str,
    hours: dict[int, list[tuple[dt.time, dt.time]]],
    holidays: list[dt.date],
    country: str | None = None,
    subdivision: str | None = None,
    actor: str,
) -> None:
    """Create or change a calendar (validated by building it); open tickets follow."""
    if not name.strip():
        raise ValidationError({"name": "Give the calendar a name."})
    BusinessCalendar(tz, hours, holidays, country=country, subdivision=subdivision)  # or raise
    data = CalendarInput(
        name.strip(), tz, hours, tuple(holidays), country, subdivision, stored_name=name.strip()
    )
    with db.session(actor) as session:
        _write_calendar(session, data, actor)
        session.flush()
        reindex_open_clocks(session.connection())


def _write_calendar(session: Session, data: CalendarInput, actor: str) -> int:
    row = None
    if data.stored_name is not None:
        row = session.scalars(select(Calendar).where(Calendar.name == data.stored_name)).first()
    if row is None:
        row = Calendar(name=data.name)
        session.add(row)
    before = None if row.id is None else _describe_calendar(row)
    row.name = data.name
    row.tz = data.tz
    row.hours_json = json.dumps(
        {
            str(day): [[a.isoformat("minutes"), b.isoformat("minutes")] for a, b in sorted(ranges)]
            for day, ranges in sorted(data.hours.items())
            if ranges
        }
    )
    row.holidays_json = json.dumps(sorted({day.isoformat() for day in data.holidays}))
    row.country = data.country or None
    row.subdivision = (data.subdivision or None) if data.country else None
    after = _describe_calendar(row)
    if after != before:
        session.add(
            AuditEntry(
                actor=actor,
                action="calendar saved",
                field=data.name[:60],
                old_value=before,
                new_value=after,
            )
        )
    session.flush()
    return row.id


def _calendar_problems(data: CalendarInput, key: str) -> dict[str, str]:
    name = data.name.strip()
    label = f"Calendar “{name}”" if name else "A calendar"
    if not name:
        return {f"{key}.name": "A calendar needs a name."}
    if len(name) > 80:
        return {f"{key}.name": f"{label}: the name is longer than 80 characters."}
    try:
        BusinessCalendar(
            data.tz, data.hours, data.holidays, country=data.country, subdivision=data.subdivision
        )
    except CalendarError as exc:
        field = "country" if data.country and "country" in exc.message else "tz"
        if "Weekday" in exc.message:
            field = "hours"
        return {f"{key}.{field}": f"{label}: {exc.message}"}
    except (KeyError, NotImplementedError, ValueError) as exc:
        return {f"{key}.country": f"{label}: no public holidays for “{data.subdivision}”: {exc}"}
    if not any(data.hours.get(day) for day in range(7)):
        return {f"{key}.hours": f"{label}: give it business hours on at least one day."}
    return {}


@dataclass(frozen=True)
class SlaSettingsChange:
    """The SLA settings page as saved: calendars (new, changed, renamed or deleted), every
    priority's policy and each category's resolution time (minutes, by category id)."""

    policies: Mapping[Priority, PolicyInput]
    calendars: Sequence[CalendarInput] = ()
    resolutions: Mapping[int, int] = field(default_factory=dict)
    delete_calendars: Collection[str] = ()


def sla_settings_problems(session: Session, change: SlaSettingsChange) -> dict[str, str]:
    """What is wrong with ``change``, keyed by field; each message names its field."""
    stored = dict(session.execute(select(Calendar.name, Calendar.id)).all())
    problems: dict[str, str] = {}
    names: dict[str, int | None] = {
        name: cid for name, cid in stored.items() if name not in change.delete_calendars
    }
    for data in change.calendars:
        if data.stored_name is not None and data.stored_name in names:
            del names[data.stored_name]  # renamed, or saved again under its name
    for index, data in enumerate(change.calendars):
        key = f"calendar:{data.stored_name or index}"
        problems.update(_calendar_problems(data, key))
        name = data.name.strip()
        if data.stored_name is not None and data.stored_name not in stored:
            problems[f"{key}.name"] = f"There is no calendar called “{data.stored_name}”."
        elif name in names:
            problems[f"{key}.name"] = f"There are two calendars called “{name}”."
        names[name] = None
    for name in change.delete_calendars:
        if name not in stored:
            problems[f"calendar:{name}"] = f"There is no calendar called “{name}”."
    if not names:
        problems["calendars"] = "Keep at least one calendar."
    for priority, data in change.policies.items():
        found = _policy_problems(data, names, priority)
        problems.update({f"{Priority(priority).name}.{k}": v for k, v in found.items()})
    users: dict[str, list[str]] = {}
    for priority, calendar_id in session.execute(
        select(SlaPolicyRow.priority, SlaPolicyRow.calendar_id).order_by(SlaPolicyRow.priority)
    ):
        in_use = next((n for n, cid in stored.items() if cid == calendar_id), None)
        if Priority(priority) not in change.policies and in_use in change.delete_calendars:
            users.setdefault(in_use, []).append(Priority(priority).name)
    for name, used_by in users.items():
        problems[f"calendar:{name}"] = (
            f"Calendar “{name}” is used by {', '.join(used_by)}; "
            "choose another calendar for it first."
        )
    categories = {c.id: c for c in session.scalars(select(Category))}
    for category_id, minutes in change.resolutions.items():
        category = categories.get(category_id)
        if category is None:
            problems[f"category:{category_id}"] = f"Category id {category_id} does not exist."
            continue
        label = f"Resolution for {category.name} {Priority(category.default_priority).name}"
        if minutes <= 0:
            problems[f"category:{category_id}.resolution"] = f"{label}: must be more than 0."
        elif minutes > MAX_SLA_HOURS * 60:
            problems[f"category:{category_id}.resolution"] = (
                f"{label}: must be at most {MAX_SLA_HOURS // 24} days."
            )
    return problems


def write_sla_settings(session: Session, change: SlaSettingsChange, actor: str) -> None:
    """Write a change that :func:`sla_settings_problems` found nothing wrong with."""
    stored = dict(session.execute(select(Calendar.name, Calendar.id)).all())
    ids = {name: cid for name, cid in stored.items() if name not in change.delete_calendars}
    for data in change.calendars:
        if data.stored_name is not None:
            ids.pop(data.stored_name, None)
    # Free every name first, so two calendars can swap names within one save.
    for data in change.calendars:
        if data.stored_name is not None and data.stored_name != data.name.strip():
            row = session.scalars(select(Calendar).where(Calendar.name == data.stored_name)).one()
            row.name = f"(renaming) {row.id}"
    session.flush()
    for data in change.calendars:
        renamed = data.stored_name != data.name.strip() and data.stored_name is not None
        clean = replace(
            data,
            name=data.name.strip(),
            stored_name=f"(renaming) {stored[data.stored_name]}" if renamed else data.stored_name,
        )
        ids[clean.name] = _write_calendar(session, clean, actor)
    for priority, data in change.policies.items():
        _write_policy(session, priority, data, ids, actor)
    for name in change.delete_calendars:
        session.execute(delete(Calendar).where(Calendar.name == name))
        session.add(AuditEntry(actor=actor, action="calendar deleted", field=name[:60]))
    for category_id, minutes in change.resolutions.items():
        category = session.get(Category, category_id)
        hours = minutes / 60
        if category is not None and category.sla_hours != hours:
            session.add(
                AuditEntry(
                    actor=actor,
                    action="category saved",
                    field="category",
                    old_value=f"{category.name}: resolution {category.sla_hours:g} h",
                    new_value=f"{category.name}: resolution {hours:g} h",
                )
            )
            category.sla_hours = hours
    session.flush()


def save_sla_settings(
    db: Database, change: SlaSettingsChange, *, actor: str, recompute: bool = True
) -> None:
    """Save the SLA settings page in one transaction. Everything is checked first; on any
    problem a ValidationError names each field and nothing is saved. Open tickets' clocks
    are recomputed once, here or (``recompute=False``) later by
    :func:`recompute_open_clocks` off the GUI thread."""
    with db.session(actor) as session:
        problems = sla_settings_problems(session, change)
        if problems:
            raise ValidationError(problems)
        write_sla_settings(session, change, actor)
        if recompute:
            reindex_open_clocks(session.connection())


def recompute_open_clocks(db: Database) -> None:
    """Every open ticket's deadlines under the current policies (seconds at 100k tickets)."""
    with db.session("sla") as session:
        reindex_open_clocks(session.connection())


def _describe_calendar(row: Calendar) -> str:
    holidays = len(json.loads(row.holidays_json or "[]"))
    country = f", {row.country} holidays" if row.country else ""
    return f"{row.tz}, {row.hours_json}, {holidays} custom holidays{country}"


def _describe_policy(row: SlaPolicyRow) -> str:
    return (
        f"ack {row.acknowledge_minutes} min, first response {row.first_response_minutes} min, "
        f"updates every {row.update_every_minutes} min, escalate within "
        f"{row.escalate_within_minutes} min"
    )
