"""Bulk actions on many tickets: assign, set priority or category, tag, workflow steps.

All tickets change in one transaction. A ticket a step does not apply to (its
state, or a guard such as a close gate) is skipped, and the result says which
ones and why, so the agent gets one summary instead of one error per ticket.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from aiva_desk import clock
from aiva_desk.errors import AivaError, TransitionRefused
from aiva_desk.store.models import Ticket
from aiva_desk.tickets.editable_fields import coerce_field
from aiva_desk.tickets.service import TicketService, clean_tags
from aiva_desk.tickets.workflow import Action

MAX_BULK = 10_000


@dataclass
class BulkResult:
    changed: list[int] = field(default_factory=list)  # ticket numbers
    refused: dict[int, str] = field(default_factory=dict)  # ticket number -> why

    def summary(self) -> str:
        text = f"{len(self.changed)} ticket{'s' if len(self.changed) != 1 else ''} changed"
        if self.refused:
            text += f"; {len(self.refused)} not changed:\n" + "\n".join(
                f"#{number}: {reason}" for number, reason in sorted(self.refused.items())
            )
        return text if text.endswith(".") else text + "."


def run_bulk(
    service: TicketService, ticket_ids: Iterable[int], change: Callable[[Session, Ticket], None]
) -> BulkResult:
    ids = sorted(set(ticket_ids))
    if len(ids) > MAX_BULK:
        raise AivaError(f"Select at most {MAX_BULK:,} tickets for one bulk action.")
    result = BulkResult()
    service.db.backup("before-bulk")  # a bulk change is the easiest one to regret
    with service.db.session(service.actor) as session:
        tickets = session.scalars(select(Ticket).where(Ticket.id.in_(ids))).all()
        for ticket in tickets:
            try:
                with session.begin_nested():
                    change(session, ticket)
                    session.flush()
            except TransitionRefused as exc:  # the reasons alone: the summary names the step
                result.refused[ticket.number] = " ".join(
                    reason if reason.endswith(".") else f"{reason}." for reason in exc.reasons
                )
            except AivaError as exc:
                result.refused[ticket.number] = exc.message.replace("\n", " ")
            else:
                result.changed.append(ticket.number)
    return result


def bulk_update(
    service: TicketService, ticket_ids: Iterable[int], changes: dict[str, Any]
) -> BulkResult:
    """Set the same fields (assignee, priority, category, ...) on every ticket."""
    values = {name: coerce_field(name, value) for name, value in changes.items()}

    def change(_session: Session, ticket: Ticket) -> None:
        for name, value in values.items():
            setattr(ticket, name, value)

    return run_bulk(service, ticket_ids, change)


def bulk_add_tag(service: TicketService, ticket_ids: Iterable[int], tag: str) -> BulkResult:
    names = clean_tags([tag])
    if not names:
        raise AivaError("Type the tag to add.")

    def change(session: Session, ticket: Ticket) -> None:
        tag_row = service.tag(session, names[0])
        if tag_row not in ticket.tags:
            ticket.tags.append(tag_row)

    return run_bulk(service, ticket_ids, change)


def bulk_perform(service: TicketService, ticket_ids: Iterable[int], action: Action) -> BulkResult:
    """Take one workflow step on each ticket; those whose guards refuse are reported."""
    now = clock.now()
    return run_bulk(
        service, ticket_ids, lambda _s, ticket: service.workflow.apply(ticket, Action(action), now)
    )
