"""The ticket queue as SQL: filter, sort and fetch one window of rows at a time.

The GUI's table model asks for a count and then for windows of rows, so a
queue of 100,000 tickets never lives in Python memory at once.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session, aliased

from aiva_desk.domain import EscalationLevel, Priority, TicketStatus
from aiva_desk.store.models import Category, Customer, Organization, Staff, Ticket
from aiva_desk.store.search import SearchIndex


@dataclass(frozen=True)
class QueueRow:
    id: int
    number: int
    priority: Priority | None
    category: str | None
    subject: str
    customer: str
    organization: str | None
    status: TicketStatus
    assignee: str | None
    sla_due_at: dt.datetime | None
    updated_at: dt.datetime
    escalation_level: EscalationLevel


@dataclass(frozen=True)
class QueueFilter:
    statuses: frozenset[TicketStatus] = field(default_factory=frozenset)
    priorities: frozenset[Priority] = field(default_factory=frozenset)
    category_ids: frozenset[int] = field(default_factory=frozenset)
    assignee_id: int | None = None
    text: str = ""


# Sort keys the queue offers, each a column with an index behind it where it matters.
SORT_COLUMNS = {
    "number": Ticket.number,
    "priority": Ticket.priority,
    "subject": Ticket.subject,
    "status": Ticket.status,
    "sla_due_at": Ticket.sla_due_at,
    "updated_at": Ticket.updated_at,
    "reported_at": Ticket.reported_at,
}

_Assignee = aliased(Staff)


def _filtered(query: Select, flt: QueueFilter, search: SearchIndex) -> Select:
    if flt.statuses:
        query = query.where(Ticket.status.in_(sorted(flt.statuses)))
    if flt.priorities:
        query = query.where(Ticket.priority.in_(sorted(flt.priorities)))
    if flt.category_ids:
        query = query.where(Ticket.category_id.in_(sorted(flt.category_ids)))
    if flt.assignee_id is not None:
        query = query.where(Ticket.assignee_id == flt.assignee_id)
    if flt.text.strip():
        matching = search.matching_ids(flt.text).subquery()
        query = query.where(Ticket.id.in_(select(matching.c.id)))
    return query


def count(session: Session, flt: QueueFilter, search: SearchIndex) -> int:
    return session.scalar(_filtered(select(func.count(Ticket.id)), flt, search)) or 0


def fetch(
    session: Session,
    flt: QueueFilter,
    search: SearchIndex,
    *,
    offset: int,
    limit: int,
    sort: str = "updated_at",
    descending: bool = True,
) -> list[QueueRow]:
    """One window of the filtered, sorted queue."""
    column = SORT_COLUMNS[sort]
    order = column.desc() if descending else column.asc()
    tiebreak = Ticket.id.desc() if descending else Ticket.id.asc()
    query = (
        select(
            Ticket.id,
            Ticket.number,
            Ticket.priority,
            Category.name,
            Ticket.subject,
            Customer.name,
            Organization.name,
            Ticket.status,
            _Assignee.name,
            Ticket.sla_due_at,
            Ticket.updated_at,
            Ticket.escalation_level,
        )
        .join(Customer, Customer.id == Ticket.customer_id)
        .outerjoin(Organization, Organization.id == Customer.organization_id)
        .outerjoin(Category, Category.id == Ticket.category_id)
        .outerjoin(_Assignee, _Assignee.id == Ticket.assignee_id)
    )
    query = _filtered(query, flt, search).order_by(order, tiebreak).offset(offset).limit(limit)
    return [QueueRow(*row) for row in session.execute(query)]
