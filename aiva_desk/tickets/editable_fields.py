"""The ticket fields an agent may edit directly, the type each holds, and the one
conversion every writer (editor save, bulk edit, a reply's offer) puts values through."""

from __future__ import annotations

import datetime as dt
import enum
from functools import cache
from typing import Any

from aiva_desk.domain import ClosureReason, Consistency, Priority, Satisfaction, SolutionClass
from aiva_desk.errors import AivaError, ValidationError
from aiva_desk.store.models import Ticket
from aiva_desk.validation import line_problem, text_problem

MAX_SUBJECT = 300  # characters: what a mail client shows, and the column's width

# Fields an agent may edit directly, and the type each must hold.
EDITABLE_FIELDS: dict[str, Any] = {
    "subject": str,
    "category_id": int,
    "priority": Priority,
    "sla_due_at": dt.datetime,
    "assignee_id": int,
    "description": str,
    "expected_behavior": str,
    "actual_behavior": str,
    "started_when": str,
    "consistency": Consistency,
    "users_affected": str,
    "recent_changes": str,
    "reproduction_steps": str,
    "can_reproduce": bool,
    "reproduction_conditions": str,
    "agent_ref": str,
    "knowledge_base_ref": str,
    "browser": str,
    "operating_system": str,
    "error_messages": str,
    "console_errors": str,
    "network_errors": str,
    "root_cause": str,
    "solution": str,
    "steps_taken": str,
    "verification": str,
    "prevention": str,
    "customer_explanation": str,  # the customer's wording of the resolution
    "customer_fix": str,
    "customer_steps": str,
    "customer_prevention": str,
    "solution_class": SolutionClass,
    "customer_satisfied": Satisfaction,
    "added_to_kb": bool,
    "time_spent_minutes": int,
    "satisfaction_score": int,
    "satisfaction_comment": str,
    "closure_reason": ClosureReason,
}
NULLABLE_FIELDS = {
    "category_id",
    "priority",
    "sla_due_at",
    "assignee_id",
    "can_reproduce",
    "solution_class",
    "satisfaction_score",
}


def coerce_field(name: str, value: Any) -> Any:
    """``value`` as the type the editable field ``name`` holds, or an error saying why not."""
    kind = EDITABLE_FIELDS.get(name)
    if kind is None:
        raise AivaError(f"“{name}” is not a ticket field that can be edited.")
    if value is None:
        if name in NULLABLE_FIELDS:
            return None
        if isinstance(kind, type) and issubclass(kind, enum.Enum) and "" in kind._value2member_map_:
            return kind("")  # an enum's own "not set" (the closure reason)
        return "" if kind is str else value
    if isinstance(kind, type) and issubclass(kind, enum.Enum):
        return kind(value)
    if kind is dt.datetime and (not isinstance(value, dt.datetime) or value.tzinfo is None):
        raise AivaError(f"{name} must be a date and time with a time zone.")
    if kind is int and not isinstance(value, int):
        raise AivaError(f"{name} must be a whole number.")
    if kind is str:
        _check_text(name, value)
    return value


def _check_text(name: str, value: Any) -> None:
    """Refuse text no writer may store: the same limits on every edit as on create."""
    label = name.replace("_", " ").capitalize()
    if not isinstance(value, str):
        raise ValidationError({name: f"{label} must be text."})
    if name == "subject":
        if len(value) > MAX_SUBJECT:
            raise ValidationError({name: f"The subject is longer than {MAX_SUBJECT} characters."})
        problem = line_problem("The subject", value)
    else:
        problem = text_problem(label, value)
    if problem:
        raise ValidationError({name: problem})
    width = _widths().get(name)
    if width is not None and len(value) > width:  # PostgreSQL refuses what SQLite would keep
        raise ValidationError({name: f"{label} is longer than {width} characters."})


@cache
def _widths() -> dict[str, int]:
    """The character limit of each ticket column that has one (``String(100)``)."""
    return {
        column.name: column.type.length
        for column in Ticket.__table__.columns
        if isinstance(getattr(column.type, "length", None), int)
    }
