"""Who an escalation goes to, and what reaches them: the people (or the queue) of the
role that takes each level, the open escalations for one staff member ("Escalated to
me") and those they have not seen yet (the tray notice), and marking them seen.

An escalation names one person of the role, or the role's queue when nobody is named:
everyone of that role then sees it under "Escalated to me".
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from aiva_desk import clock
from aiva_desk.domain import EscalationLevel, StaffRole, TicketStatus
from aiva_desk.errors import ValidationError
from aiva_desk.store.database import Database
from aiva_desk.store.models import Escalation, Staff, Ticket

ROLE_FOR = {
    EscalationLevel.SENIOR_SUPPORT: StaffRole.SENIOR_SUPPORT,
    EscalationLevel.DEVELOPMENT: StaffRole.DEVELOPMENT,
}
OPEN = sorted(s for s in TicketStatus if s.is_open)
QUEUE_LABEL = {
    StaffRole.SENIOR_SUPPORT: "Senior support queue",
    StaffRole.DEVELOPMENT: "Development queue",
    StaffRole.AGENT: "Agents' queue",
}


@dataclass(frozen=True)
class Person:
    """A staff member who can take an escalation."""

    id: int
    name: str
    email: str
    role: StaffRole


@dataclass(frozen=True)
class EscalationNotice:
    """An open escalation to someone, as their notice and their view show it."""

    escalation_id: int
    ticket_id: int
    ticket_number: int
    subject: str
    level: EscalationLevel
    by_name: str
    to_me: bool  # named; otherwise it waits in their role's queue
    at: dt.datetime


def people_by_level(db: Database) -> dict[EscalationLevel, list[Person]]:
    """The active people of each role that takes an escalation, by name."""
    with db.read_session() as session:
        rows = session.scalars(
            select(Staff).where(Staff.active.is_(True)).order_by(Staff.name, Staff.id)
        ).all()
        people = [Person(s.id, s.name, s.email, s.role) for s in rows]
    return {level: [p for p in people if p.role is role] for level, role in ROLE_FOR.items()}


def default_person(people: list[Person]) -> Person | None:
    """The only person of the role takes it; with several (or none) it goes to the queue."""
    return people[0] if len(people) == 1 else None


def resolve_recipient(
    session: Session, level: EscalationLevel, to_staff_id: int | None
) -> Staff | None:
    """The staff member named for ``level`` (``None``: the role's queue); refuses anyone
    inactive or of another role, so an escalation never goes to nobody by mistake."""
    if to_staff_id is None:
        return None
    staff = session.get(Staff, to_staff_id)
    role = ROLE_FOR[level]
    if staff is None or not staff.active:
        raise ValidationError({"to": "That colleague is no longer on the staff list."})
    if staff.role is not role:
        raise ValidationError({"to": f"{staff.name} is not in {role.label.lower()}."})
    return staff


def _for_staff(staff: Staff):
    """Open escalations named to ``staff`` or waiting in their role's queue."""
    return and_(
        Escalation.ended_at.is_(None),
        Ticket.status.in_(OPEN),
        or_(
            Escalation.to_staff_id == staff.id,
            and_(Escalation.to_staff_id.is_(None), Escalation.to_role == staff.role.value),
        ),
    )


def escalations_for(
    db: Database, staff_id: int | None, *, unseen: bool = False
) -> list[EscalationNotice]:
    """The open escalations to ``staff_id`` (or to their role's queue), oldest first;
    with ``unseen``, only those named to them that they have not opened yet."""
    if staff_id is None:
        return []
    with db.read_session() as session:
        staff = session.get(Staff, staff_id)
        if staff is None or not staff.active:
            return []
        query = (
            select(Escalation, Ticket)
            .join(Ticket, Ticket.id == Escalation.ticket_id)
            .where(_for_staff(staff))
            .order_by(Escalation.at, Escalation.id)
        )
        if unseen:
            query = query.where(Escalation.seen_at.is_(None), Escalation.to_staff_id == staff.id)
        return [
            EscalationNotice(
                e.id,
                t.id,
                t.number,
                t.subject,
                e.level,
                e.by_name or "someone",
                e.to_staff_id == staff.id,
                e.at,
            )
            for e, t in session.execute(query).all()
        ]


def mark_seen(db: Database, ticket_id: int, staff_id: int | None) -> int:
    """The named person opened the ticket: their escalations on it are seen (count)."""
    if staff_id is None:
        return 0
    with db.session("escalation") as session:
        rows = session.scalars(
            select(Escalation).where(
                Escalation.ticket_id == ticket_id,
                Escalation.to_staff_id == staff_id,
                Escalation.seen_at.is_(None),
            )
        ).all()
        for row in rows:
            row.seen_at = clock.now()
        return len(rows)
