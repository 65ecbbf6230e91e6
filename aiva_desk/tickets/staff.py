"""The staff list: the colleagues tickets are assigned and escalated to.

People are added and edited, and deactivated when they leave: never deleted, since
tickets, escalations and the history keep naming them. An inactive colleague is no
longer offered for assignment, escalation or "I am".
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from aiva_desk.domain import StaffRole
from aiva_desk.errors import NotFoundError, ValidationError
from aiva_desk.profile import ProfileInput, profile_problems
from aiva_desk.store.database import Database
from aiva_desk.store.models import Staff
from aiva_desk.validation import normalize_email


@dataclass(frozen=True)
class Colleague:
    """One row of the staff list (``id`` None: not saved yet)."""

    id: int | None
    name: str
    email: str
    role: StaffRole = StaffRole.AGENT
    active: bool = True


def list_staff(db: Database) -> list[Colleague]:
    """Everyone, active or not, by name."""
    with db.read_session() as session:
        rows = session.scalars(select(Staff).order_by(Staff.name, Staff.id)).all()
        return [Colleague(s.id, s.name, s.email, s.role, s.active) for s in rows]


def colleague_problems(colleague: Colleague) -> dict[str, str]:
    """What is wrong with one row, field by field (one line each)."""
    return profile_problems(
        ProfileInput(colleague.name, colleague.email, colleague.role), colleague=True
    )


def save_staff(db: Database, actor: str, colleagues: list[Colleague]) -> list[int]:
    """Add the new rows and update the others, all or nothing; returns their ids.

    Raises :class:`ValidationError` naming the first bad row (its name and the problem,
    on one line), or an e-mail address that someone else already has.
    """
    for colleague in colleagues:
        if problems := colleague_problems(colleague):
            who = colleague.name.strip() or "A new colleague"
            raise ValidationError({field: f"{who}: {text}" for field, text in problems.items()})
    emails: dict[str, Colleague] = {}
    for colleague in colleagues:
        email = normalize_email(colleague.email)
        if email in emails:
            raise ValidationError(
                {
                    "email": f"{colleague.name.strip()} and {emails[email].name.strip()} "
                    f"have the same e-mail address ({email})."
                }
            )
        emails[email] = colleague
    ids: list[int] = []
    new_address = {c.id: normalize_email(c.email) for c in colleagues if c.id is not None}
    with db.session(actor) as session:
        for colleague in colleagues:
            email = normalize_email(colleague.email)
            other = session.scalars(select(Staff).where(func.lower(Staff.email) == email)).first()
            # someone else has it, and keeps it (not changed to another address here)
            taken = other is not None and other.id != colleague.id
            if taken and new_address.get(other.id, email) == email:
                raise ValidationError(
                    {"email": f"{other.name} already has the e-mail address {email}."}
                )
            if colleague.id is None:
                staff = Staff(email=email)
                session.add(staff)
            else:
                staff = session.get(Staff, colleague.id)
                if staff is None:
                    raise NotFoundError(f"{colleague.name} is no longer on the staff list.")
            staff.name = colleague.name.strip()
            staff.email = email
            staff.role = colleague.role
            staff.active = colleague.active
            session.flush()
            ids.append(staff.id)
    return ids
