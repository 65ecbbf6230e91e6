"""Ticket categories are data: the SOP's eight are seeded, and a lead can edit them.

Changing a category's SLA changes the due date of tickets created after it; tickets
already triaged keep the deadline they were promised. Every edit is audited.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from aiva_desk.domain import Priority
from aiva_desk.errors import NotFoundError, ValidationError
from aiva_desk.store.database import Database
from aiva_desk.store.models import AuditEntry, Category

MAX_SLA_HOURS = 24 * 365


@dataclass(frozen=True)
class CategoryInput:
    name: str
    default_priority: Priority
    sla_hours: float
    description: str = ""
    active: bool = True


def _problems(session: Session, data: CategoryInput, category_id: int | None) -> dict[str, str]:
    problems: dict[str, str] = {}
    name = data.name.strip()
    if not name:
        problems["name"] = "A category needs a name."
    elif len(name) > 80:
        problems["name"] = "The category name is longer than 80 characters."
    else:
        clash = session.scalar(select(Category.id).where(func.lower(Category.name) == name.lower()))
        if clash is not None and clash != category_id:
            problems["name"] = f"There is already a category called “{name}”."
    if not 0 < data.sla_hours <= MAX_SLA_HOURS:
        problems["sla_hours"] = f"The SLA must be more than 0 and at most {MAX_SLA_HOURS} hours."
    return problems


def save_category(
    db: Database, data: CategoryInput, *, actor: str, category_id: int | None = None
) -> int:
    """Create (``category_id=None``) or edit a category; return its id."""
    with db.session(actor) as session:
        problems = _problems(session, data, category_id)
        if problems:
            raise ValidationError(problems)
        if category_id is None:
            category = Category(
                sort_order=(session.scalar(select(func.max(Category.sort_order))) or 0) + 1
            )
            session.add(category)
            before = None
        else:
            category = session.get(Category, category_id)
            if category is None:
                raise NotFoundError(f"Category id {category_id} does not exist.")
            before = _describe(category)
        category.name = data.name.strip()
        category.description = data.description.strip()
        category.default_priority = Priority(data.default_priority)
        category.sla_hours = float(data.sla_hours)
        category.active = data.active
        session.flush()
        session.add(
            AuditEntry(
                actor=actor,
                action="category saved",
                field="category",
                old_value=before,
                new_value=_describe(category),
            )
        )
        return category.id


def _describe(category: Category) -> str:
    state = "" if category.active else ", inactive"
    return (
        f"{category.name}: {Priority(category.default_priority).name}, "
        f"SLA {category.sla_hours:g} h{state}"
    )
