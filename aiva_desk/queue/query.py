"""The ticket queue as SQL: filter, sort and fetch one window of rows at a time.

The GUI's table model asks for a count and then for windows of rows, so a
queue of 100,000 tickets never lives in Python memory at once. Built-in views
(My open, Unassigned, P1, Breaching soon, ...) are filters computed for "now".
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, case, func, or_, select
from sqlalchemy.orm import Session, aliased

from aiva_desk.domain import EscalationLevel, Priority, TicketStatus
from aiva_desk.store.models import (
    Category,
    Customer,
    Escalation,
    Organization,
    Staff,
    Tag,
    Ticket,
    ticket_tags,
)
from aiva_desk.store.search import SearchIndex

OPEN_STATUSES = frozenset(s for s in TicketStatus if s.is_open)
DEFAULT_BREACHING_WINDOW = dt.timedelta(hours=1)
RECENTLY_CLOSED = dt.timedelta(days=7)


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
    next_deadline_at: dt.datetime | None = None  # the SLA clock due first (any kind)
    next_deadline_kind: str | None = None
    sla_paused: bool = False


@dataclass(frozen=True)
class QueueFilter:
    """Every way the queue can be narrowed; empty fields do not filter."""

    statuses: frozenset[TicketStatus] = field(default_factory=frozenset)
    priorities: frozenset[Priority] = field(default_factory=frozenset)
    category_ids: frozenset[int] = field(default_factory=frozenset)
    assignee_ids: frozenset[int] = field(default_factory=frozenset)
    unassigned: bool = False
    tags: frozenset[str] = field(default_factory=frozenset)
    escalated: bool = False
    escalated_to: int | None = None  # open escalations to this staff member or their queue
    customer_id: int | None = None
    organization_id: int | None = None
    due_after: dt.datetime | None = None  # the resolution due date (sla_due_at)
    due_before: dt.datetime | None = None
    next_due_after: dt.datetime | None = None  # the SLA clock due first (next_deadline_at)
    next_due_before: dt.datetime | None = None
    reported_after: dt.datetime | None = None
    reported_before: dt.datetime | None = None
    updated_after: dt.datetime | None = None
    updated_before: dt.datetime | None = None
    closed_after: dt.datetime | None = None
    text: str = ""

    def merged(self, other: QueueFilter) -> QueueFilter:
        """This filter narrowed further by every field ``other`` sets."""
        empty = QueueFilter()
        changes = {
            f.name: getattr(other, f.name)
            for f in dataclasses.fields(self)
            if getattr(other, f.name) != getattr(empty, f.name)
        }
        return dataclasses.replace(self, **changes)

    def to_json(self) -> str:
        data: dict[str, Any] = {}
        for f in dataclasses.fields(self):
            value = getattr(self, f.name)
            if value == getattr(QueueFilter(), f.name):
                continue
            if isinstance(value, frozenset):
                value = sorted(v.value if hasattr(v, "value") else v for v in value)
            elif isinstance(value, dt.datetime):
                value = value.isoformat()
            data[f.name] = value
        return json.dumps(data, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> QueueFilter:
        data = json.loads(text)
        kinds = {
            "statuses": TicketStatus,
            "priorities": Priority,
            "category_ids": int,
            "assignee_ids": int,
            "tags": str,
        }
        values: dict[str, Any] = {}
        for name, value in data.items():
            if name in kinds:
                values[name] = frozenset(kinds[name](v) for v in value)
            elif name.endswith(("_after", "_before")) and value is not None:
                values[name] = dt.datetime.fromisoformat(value)
            else:
                values[name] = value
        return cls(**values)


@dataclass(frozen=True)
class BuiltinView:
    key: str
    label: str
    filter: QueueFilter


def builtin_views(
    now: dt.datetime,
    me_staff_id: int | None,
    breaching_window: dt.timedelta = DEFAULT_BREACHING_WINDOW,
) -> list[BuiltinView]:
    """The side list's fixed views, evaluated for ``now`` and the current agent."""
    mine = frozenset({me_staff_id}) if me_staff_id is not None else frozenset({-1})
    return [
        BuiltinView("my_open", "My open", QueueFilter(statuses=OPEN_STATUSES, assignee_ids=mine)),
        BuiltinView(
            "unassigned", "Unassigned", QueueFilter(statuses=OPEN_STATUSES, unassigned=True)
        ),
        BuiltinView(
            "p1", "P1", QueueFilter(statuses=OPEN_STATUSES, priorities=frozenset({Priority.P1}))
        ),
        # On the SLA clock due first, which the queue counts down to and the tray counts
        # (indexed; a closed ticket has none, so no status filter is needed).
        BuiltinView(
            "breaching_soon",
            "Breaching soon",
            QueueFilter(next_due_after=now, next_due_before=now + breaching_window),
        ),
        BuiltinView("breached", "Breached", QueueFilter(next_due_before=now)),
        BuiltinView(
            "waiting",
            "Waiting on customer",
            QueueFilter(statuses=frozenset({TicketStatus.WAITING_ON_CUSTOMER})),
        ),
        BuiltinView("escalated", "Escalated", QueueFilter(statuses=OPEN_STATUSES, escalated=True)),
        BuiltinView(
            "escalated_to_me",
            "Escalated to me",
            QueueFilter(statuses=OPEN_STATUSES, escalated_to=me_staff_id or -1),
        ),
        BuiltinView(
            "recently_closed",
            "Recently closed",
            QueueFilter(
                statuses=frozenset({TicketStatus.CLOSED}), closed_after=now - RECENTLY_CLOSED
            ),
        ),
        BuiltinView("all", "All", QueueFilter()),
    ]


_Assignee = aliased(Staff)
_STATUS_ORDER = case(
    {status.value: index for index, status in enumerate(TicketStatus)}, value=Ticket.status
)

# Sort keys the queue offers. Status sorts in workflow order, not alphabetically.
SORT_COLUMNS: dict[str, ColumnElement[Any]] = {
    "number": Ticket.number,
    "priority": Ticket.priority,
    "category": Category.name,
    "subject": Ticket.subject,
    "customer": Customer.name,
    "status": _STATUS_ORDER,
    "assignee": _Assignee.name,
    "sla_due_at": Ticket.sla_due_at,
    "next_deadline_at": Ticket.next_deadline_at,  # what the SLA column counts down to
    "updated_at": Ticket.updated_at,
    "reported_at": Ticket.reported_at,
}


def escalated_to(staff_id: int) -> Select:
    """Tickets with an open escalation named to ``staff_id`` or in their role's queue."""
    role = select(Staff.role).where(Staff.id == staff_id).scalar_subquery()
    return select(Escalation.ticket_id).where(
        Escalation.ended_at.is_(None),
        or_(
            Escalation.to_staff_id == staff_id,
            and_(Escalation.to_staff_id.is_(None), Escalation.to_role == role),
        ),
    )


def _conditions(flt: QueueFilter, search: SearchIndex) -> list[ColumnElement[bool]]:
    where: list[ColumnElement[bool]] = []
    if flt.statuses:
        where.append(Ticket.status.in_(sorted(flt.statuses)))
    if flt.priorities:
        where.append(Ticket.priority.in_(sorted(flt.priorities)))
    if flt.category_ids:
        where.append(Ticket.category_id.in_(sorted(flt.category_ids)))
    if flt.assignee_ids and flt.unassigned:
        where.append(
            Ticket.assignee_id.in_(sorted(flt.assignee_ids)) | Ticket.assignee_id.is_(None)
        )
    elif flt.assignee_ids:
        where.append(Ticket.assignee_id.in_(sorted(flt.assignee_ids)))
    elif flt.unassigned:
        where.append(Ticket.assignee_id.is_(None))
    if flt.tags:
        tagged = (
            select(ticket_tags.c.ticket_id)
            .join(Tag, Tag.id == ticket_tags.c.tag_id)
            .where(Tag.name.in_(sorted(flt.tags)))
        )
        where.append(Ticket.id.in_(tagged))
    if flt.escalated:
        where.append(Ticket.escalation_level > EscalationLevel.NONE)
    if flt.escalated_to is not None:
        where.append(Ticket.id.in_(escalated_to(flt.escalated_to)))
    if flt.customer_id is not None:
        where.append(Ticket.customer_id == flt.customer_id)
    if flt.organization_id is not None:
        members = select(Customer.id).where(Customer.organization_id == flt.organization_id)
        where.append(Ticket.customer_id.in_(members))
    for column, after, before in (
        (Ticket.sla_due_at, flt.due_after, flt.due_before),
        (Ticket.next_deadline_at, flt.next_due_after, flt.next_due_before),
        (Ticket.reported_at, flt.reported_after, flt.reported_before),
        (Ticket.updated_at, flt.updated_after, flt.updated_before),
        (Ticket.closed_at, flt.closed_after, None),
    ):
        if after is not None:
            where.append(column >= after)
        if before is not None:
            where.append(column < before)
    if flt.text.strip():
        # Relevance order is not needed to test membership (ranking 30,000 matches costs
        # more than finding them), and ``id + 0`` keeps the planner walking the sort
        # order's index and probing the matches, instead of looking every match up by
        # id and sorting them all: a few ms for a broad search instead of ~40.
        matching = search.matching_ids(flt.text).order_by(None).subquery()
        where.append((Ticket.id + 0).in_(select(matching.c.id)))
    return where


def _filtered(query: Select, flt: QueueFilter, search: SearchIndex) -> Select:
    conditions = _conditions(flt, search)
    return query.where(and_(*conditions)) if conditions else query


def count(session: Session, flt: QueueFilter, search: SearchIndex) -> int:
    if flt.text.strip() and dataclasses.replace(flt, text="") == QueueFilter():
        # Only a search: count the index's matches (every indexed row is a ticket,
        # kept so in the same transaction as each change) instead of probing 100,000.
        matching = search.matching_ids(flt.text).order_by(None).subquery()
        return session.scalar(select(func.count()).select_from(matching)) or 0
    # count(*), not count(id): lets SQLite count the smallest covering index.
    query = _filtered(select(func.count()).select_from(Ticket), flt, search)
    return session.scalar(query) or 0


def counts(
    session: Session, filters: dict[str, QueueFilter], search: SearchIndex
) -> dict[str, int]:
    """Counts for several views at once (the side list's live numbers)."""
    return {key: count(session, flt, search) for key, flt in filters.items()}


def _sort_source(sort: str, *columns: Any) -> Select:
    """``columns`` from the tickets, joined only to the table the sort key lives in."""
    query = select(*columns).select_from(Ticket)
    if sort == "category":
        return query.outerjoin(Category, Category.id == Ticket.category_id)
    if sort == "customer":
        return query.join(Customer, Customer.id == Ticket.customer_id)
    if sort == "assignee":
        return query.outerjoin(_Assignee, _Assignee.id == Ticket.assignee_id)
    return query


# Sort keys with few values (a status, a category, an agent): the queue in this order is
# each value's tickets in turn, by id. Reading value by value walks an index in order
# (status, category_id, assignee_id) instead of sorting the whole queue by the key
# (~30 ms at 100,000 tickets; this takes a few ms), and the same walk finds a
# ticket's position by counting.
GROUPED_SORTS = frozenset({"status", "category", "assignee"})
MAX_GROUPS = 200


def _groups(session: Session, sort: str) -> list[ColumnElement[bool]] | None:
    """The sort key's values in ascending order (NULL first, as SQL sorts it), as conditions."""
    if sort == "status":
        return [Ticket.status == status for status in TicketStatus]  # workflow order
    if sort == "category":
        ids = session.scalars(select(Category.id).order_by(Category.name, Category.id)).all()
        groups = [Ticket.category_id.is_(None), *(Ticket.category_id == i for i in ids)]
    elif sort == "assignee":
        ids = session.scalars(select(Staff.id).order_by(Staff.name, Staff.id)).all()
        groups = [Ticket.assignee_id.is_(None), *(Ticket.assignee_id == i for i in ids)]
    else:
        return None
    return groups if len(groups) <= MAX_GROUPS else None


def _count_where(session: Session, conditions: list[ColumnElement[bool]]) -> int:
    return session.scalar(select(func.count()).select_from(Ticket).where(*conditions)) or 0


def _grouped_ids(
    session: Session,
    groups: list[ColumnElement[bool]],
    conditions: list[ColumnElement[bool]],
    *,
    offset: int,
    limit: int,
    descending: bool,
) -> list[int]:
    ids: list[int] = []
    skip = offset
    order = Ticket.id.desc() if descending else Ticket.id.asc()
    for group in reversed(groups) if descending else groups:
        if len(ids) >= limit:
            break
        where = [group, *conditions]
        if skip:
            size = _count_where(session, where)
            if size <= skip:
                skip -= size
                continue
        query = select(Ticket.id).where(*where).order_by(order)
        ids += session.scalars(query.offset(skip).limit(limit - len(ids))).all()
        skip = 0
    return ids


def _rows(session: Session, page: Any, ordering: tuple[Any, ...]) -> list[QueueRow]:
    """The queue rows of the tickets in ``page`` (a subquery with an ``id`` column)."""
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
            Ticket.next_deadline_at,
            Ticket.next_deadline_kind,
            Ticket.sla_paused,
        )
        .select_from(page)
        .join(Ticket, Ticket.id == page.c.id)
        .join(Customer, Customer.id == Ticket.customer_id)
        .outerjoin(Organization, Organization.id == Customer.organization_id)
        .outerjoin(Category, Category.id == Ticket.category_id)
        .outerjoin(_Assignee, _Assignee.id == Ticket.assignee_id)
        .order_by(*ordering)
    )
    return [QueueRow(*row) for row in session.execute(query)]


def _ordering(column: Any, tiebreak: Any, descending: bool) -> tuple[Any, Any]:
    if descending:
        return column.desc(), tiebreak.desc()
    return column.asc(), tiebreak.asc()


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
    """One window of the filtered, sorted queue.

    The window's ticket ids are chosen from the sort key alone (an index, or a sort of
    small keys), and only those rows are joined to their customer, organization,
    category and assignee. Sorting the full, joined rows would carry every subject and
    name through a sort of the whole queue (~180 ms at 100,000 tickets for a category
    or customer sort). Keys with few values are read value by value (``GROUPED_SORTS``).
    """
    groups = _groups(session, sort) if sort in GROUPED_SORTS else None
    if groups is not None:
        conditions = _conditions(flt, search)
        ids = _grouped_ids(
            session, groups, conditions, offset=offset, limit=limit, descending=descending
        )
        if not ids:
            return []
        page = select(Ticket.id.label("id")).where(Ticket.id.in_(ids)).subquery("page")
        position = {ticket_id: index for index, ticket_id in enumerate(ids)}
        rows = _rows(session, page, ())
        return sorted(rows, key=lambda row: position[row.id])
    column = SORT_COLUMNS[sort]
    page = (
        _filtered(_sort_source(sort, Ticket.id.label("id"), column.label("k")), flt, search)
        .order_by(*_ordering(column, Ticket.id, descending))
        .offset(offset)
        .limit(limit)
        .subquery("page")
    )
    return _rows(session, page, _ordering(page.c.k, page.c.id, descending))


def position_of(
    session: Session,
    flt: QueueFilter,
    search: SearchIndex,
    ticket_id: int,
    *,
    sort: str = "updated_at",
    descending: bool = True,
    limit: int = 100_000,
) -> int | None:
    """The row index of ``ticket_id`` in the sorted queue (to keep a selection), or None."""
    groups = _groups(session, sort) if sort in GROUPED_SORTS else None
    if groups is not None:
        return _grouped_position(session, groups, flt, search, ticket_id, descending, limit)
    column = SORT_COLUMNS[sort]
    numbered = (
        _filtered(
            _sort_source(
                sort,
                Ticket.id,
                func.row_number()
                .over(order_by=_ordering(column, Ticket.id, descending))
                .label("n"),
            ),
            flt,
            search,
        )
        .order_by(*_ordering(column, Ticket.id, descending))
        .limit(limit)
        .subquery()
    )
    found = session.scalar(select(numbered.c.n).where(numbered.c.id == ticket_id))
    return None if found is None else int(found) - 1


def _grouped_position(
    session: Session,
    groups: list[ColumnElement[bool]],
    flt: QueueFilter,
    search: SearchIndex,
    ticket_id: int,
    descending: bool,
    limit: int,
) -> int | None:
    conditions = _conditions(flt, search)
    if not _count_where(session, [Ticket.id == ticket_id, *conditions]):
        return None  # not in the queue
    position = 0
    for group in reversed(groups) if descending else groups:
        if _count_where(session, [Ticket.id == ticket_id, group]):
            before = Ticket.id > ticket_id if descending else Ticket.id < ticket_id
            position += _count_where(session, [group, before, *conditions])
            return position if position < limit else None
        position += _count_where(session, [group, *conditions])
        if position >= limit:
            return None
    return None
