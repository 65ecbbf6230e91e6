"""Closing a ticket with what the SOP's template and the quality metrics need: the
closure reason (the self-service rate counts "Resolved by customer with documentation"),
the time spent and, when the customer gave one, the satisfaction score.

The Close dialog, "Close anyway…" and the bulk close all close through here, so a
ticket is never closed with these left empty by accident. Input problems raise a
:class:`~aiva_desk.errors.ValidationError` whose every entry is one line.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from aiva_desk import clock
from aiva_desk.domain import ClosureReason
from aiva_desk.durations import parse_minutes
from aiva_desk.store.models import Ticket
from aiva_desk.tickets.bulk import BulkResult, run_bulk
from aiva_desk.tickets.service import TicketService
from aiva_desk.tickets.workflow import Action
from aiva_desk.validation import raise_if_problems

# What the agent chooses from, in the order the dialog offers them (not the empty one).
CLOSURE_REASONS = tuple(reason for reason in ClosureReason if reason is not ClosureReason.NONE)
MAX_MINUTES = 100 * 24 * 60  # a hundred days of work on one ticket is a typo
TIME_EXAMPLES = "like 1h 30m, 90 or 1.5h"


@dataclass(frozen=True)
class Closure:
    """What is recorded when a ticket closes. ``minutes`` None: leave the time spent as is
    (only the bulk close allows it)."""

    reason: ClosureReason
    minutes: int | None
    score: int | None = None


def parse_time_spent(text: str) -> int:
    """``1h 30m``, ``90``, ``1.5h``, ``2 h 15 min`` → minutes; ValueError with one line."""
    try:
        minutes = parse_minutes(text)
    except ValueError:
        raise ValueError(f"“{text.strip()}” is not a time spent {TIME_EXAMPLES}.") from None
    if minutes <= 0:
        raise ValueError(f"The time spent must be more than 0 minutes ({TIME_EXAMPLES}).")
    if minutes > MAX_MINUTES:
        raise ValueError("The time spent is more than 100 days; check the number.")
    return minutes


def closure_from_input(
    reason: ClosureReason | str | None,
    time_text: str,
    score: int | None,
    *,
    time_required: bool = True,
) -> Closure:
    """Check what the agent typed; raise ValidationError naming each wrong field in one line."""
    problems: dict[str, str] = {}
    chosen: ClosureReason | None = None
    try:
        chosen = ClosureReason(reason) if reason is not None else None
    except ValueError:
        chosen = None
    if chosen is None or chosen is ClosureReason.NONE:
        problems["closure_reason"] = "Choose the closure reason."
    minutes: int | None = None
    if time_text.strip():
        try:
            minutes = parse_time_spent(time_text)
        except ValueError as exc:
            problems["time_spent_minutes"] = str(exc)
    elif time_required:
        problems["time_spent_minutes"] = f"Enter the time spent ({TIME_EXAMPLES})."
    if score is not None and not 1 <= score <= 5:
        problems["satisfaction_score"] = "The satisfaction score must be from 1 to 5."
    raise_if_problems(problems)
    assert chosen is not None
    return Closure(chosen, minutes, score)


def suggested_time(ticket: Any) -> str:
    """The time spent to offer: what the ticket already records, else nothing (the agent
    knows; the app does not log working time, so it does not guess)."""
    minutes = ticket.time_spent_minutes or 0
    if minutes <= 0:
        return ""
    hours, rest = divmod(minutes, 60)
    if not hours:
        return f"{rest}m"
    return f"{hours}h {rest}m" if rest else f"{hours}h"


def _record(ticket: Ticket, closure: Closure) -> None:
    ticket.closure_reason = closure.reason
    if closure.minutes is not None:
        ticket.time_spent_minutes = closure.minutes
    if closure.score is not None:
        ticket.satisfaction_score = closure.score


def close_ticket(
    service: TicketService,
    ticket_id: int,
    closure: Closure,
    expected_version: int | None = None,
) -> int:
    """SOP step 7: record the closure and close, past the close gates; returns the version."""
    _check(closure)

    def change(_session: Session, ticket: Ticket) -> None:
        _record(ticket, closure)
        service.workflow.apply(ticket, Action.CLOSE, clock.now())

    return service.write_ticket(ticket_id, expected_version, change)


def close_anyway(
    service: TicketService, ticket_id: int, closure: Closure, reason: str, *, staff_id: int | None
) -> int:
    """Senior support closes a ticket the gates refuse, with the closure recorded too."""
    problems: dict[str, str] = {}
    if not reason.strip():
        problems["reason"] = "Write why you close it anyway."
    raise_if_problems(problems)
    _check(closure)

    return service.close_with_override(
        ticket_id, reason, staff_id=staff_id, record=lambda ticket: _record(ticket, closure)
    )


def bulk_close(service: TicketService, ticket_ids: Iterable[int], closure: Closure) -> BulkResult:
    """Close each ticket with the same reason (and time each, unless left as is); the close
    gates decide per ticket, and a refused one keeps its values."""
    _check(closure, time_required=False)
    now = clock.now()

    def change(_session: Session, ticket: Ticket) -> None:
        service.workflow.apply(ticket, Action.CLOSE, now)  # refused: nothing recorded
        _record(ticket, closure)

    return run_bulk(service, ticket_ids, change)


def _check(closure: Closure, *, time_required: bool = True) -> None:
    """The same rules for a Closure built in code as for one typed in the dialog."""
    time_text = "" if closure.minutes is None else f"{closure.minutes}"
    closure_from_input(closure.reason, time_text, closure.score, time_required=time_required)
