"""The SOP's checklists on a ticket: which apply and which are done.

Templates are data (seeded from the SOP, editable). Items bound to a ticket field
check themselves while the field is filled and uncheck when it is cleared; the
others are ticked by an agent, who may also write an answer ("Agent ID: 4512").
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, selectinload

from aiva_desk import clock
from aiva_desk.domain import Consistency
from aiva_desk.errors import NotFoundError
from aiva_desk.store.database import Database
from aiva_desk.store.models import (
    AuditEntry,
    ChecklistTemplate,
    ChecklistTemplateItem,
    Communication,
    Customer,
    Ticket,
    TicketChecklistItem,
    TroubleshootingEntry,
    category_checklists,
)

ALWAYS_SHOWN = ("information", "pre_resolution", "post_review", "documentation")
PRE_RESOLUTION = "pre_resolution"


@dataclass(frozen=True)
class ItemState:
    item_id: int
    text: str
    field: str | None
    checked: bool
    automatic: bool  # follows its ticket field
    checked_by: str | None
    checked_at: dt.datetime | None
    answer: str


@dataclass(frozen=True)
class ChecklistState:
    template_id: int
    key: str
    name: str
    kind: str
    items: list[ItemState]

    @property
    def done(self) -> int:
        return sum(1 for item in self.items if item.checked)

    @property
    def complete(self) -> bool:
        return self.done == len(self.items)

    @property
    def open_items(self) -> list[ItemState]:
        return [item for item in self.items if not item.checked]


def _filled(value: Any) -> bool:
    if value is None:
        return False
    if isinstance(value, Consistency):  # before str: it is a str enum
        return value is not Consistency.UNKNOWN
    if isinstance(value, str):
        return bool(value.strip())
    if isinstance(value, bool):
        return True  # a yes/no answer was given
    if isinstance(value, int):
        return value > 0
    return True


def field_filled(session: Session, ticket: Ticket, field: str) -> bool:
    """Whether the ticket field an item is bound to holds an answer."""
    if field.startswith("customer."):
        customer = session.get(Customer, ticket.customer_id)
        if customer is None:
            return False
        attribute = field.split(".", 1)[1]
        if attribute == "organization":
            return customer.organization_id is not None
        if attribute == "tenant_id":
            org = customer.organization
            return _filled(customer.tenant_id) or bool(org and _filled(org.tenant_id))
        return _filled(getattr(customer, attribute))
    if field == "communications":
        return _exists(
            session, Communication.ticket_id == ticket.id, Communication.draft.is_(False)
        )
    if field == "troubleshooting":
        return _exists(session, TroubleshootingEntry.ticket_id == ticket.id)
    if field == "troubleshooting.found":
        return _exists(
            session, TroubleshootingEntry.ticket_id == ticket.id, TroubleshootingEntry.found != ""
        )
    return _filled(getattr(ticket, field))


def _exists(session: Session, *conditions: Any) -> bool:
    model = conditions[0].left.table
    return session.execute(select(model.c.id).where(*conditions).limit(1)).first() is not None


def _templates(session: Session, ticket: Ticket) -> list[ChecklistTemplate]:
    linked = select(category_checklists.c.template_id).where(
        category_checklists.c.category_id == ticket.category_id
    )
    return list(
        session.scalars(
            select(ChecklistTemplate)
            .where(
                ChecklistTemplate.active.is_(True),
                or_(ChecklistTemplate.kind.in_(ALWAYS_SHOWN), ChecklistTemplate.id.in_(linked)),
            )
            .options(selectinload(ChecklistTemplate.items))
            .order_by(ChecklistTemplate.sort_order)
        )
    )


def states_for(session: Session, ticket: Ticket) -> list[ChecklistState]:
    """Every checklist that applies to ``ticket`` with each item's state, in SOP order."""
    recorded = {
        row.item_id: row
        for row in session.scalars(
            select(TicketChecklistItem).where(TicketChecklistItem.ticket_id == ticket.id)
        )
    }
    result = []
    for template in _templates(session, ticket):
        items = []
        for item in template.items:
            row = recorded.get(item.id)
            if item.field:
                checked = field_filled(session, ticket, item.field)
                by, at = ("automatically", None) if checked else (None, None)
            else:
                checked = bool(row and row.checked)
                by, at = (row.checked_by, row.checked_at) if checked and row else (None, None)
            items.append(
                ItemState(
                    item.id,
                    item.text,
                    item.field,
                    checked,
                    item.field is not None,
                    by,
                    at,
                    row.answer if row else "",
                )
            )
        result.append(
            ChecklistState(template.id, template.key, template.name, template.kind, items)
        )
    return result


def ticket_checklists(db: Database, ticket_id: int) -> list[ChecklistState]:
    with db.read_session() as session:
        ticket = session.get(Ticket, ticket_id)
        if ticket is None:
            raise NotFoundError(f"Ticket id {ticket_id} does not exist.")
        return states_for(session, ticket)


def set_item(
    db: Database,
    ticket_id: int,
    item_id: int,
    *,
    actor: str,
    checked: bool | None = None,
    answer: str | None = None,
) -> None:
    """Tick or untick an item and/or record its answer; audited on the ticket."""
    with db.session(actor) as session:
        item = session.get(ChecklistTemplateItem, item_id)
        if item is None or session.get(Ticket, ticket_id) is None:
            raise NotFoundError("That checklist item or ticket no longer exists.")
        row = session.scalars(
            select(TicketChecklistItem).where(
                TicketChecklistItem.ticket_id == ticket_id, TicketChecklistItem.item_id == item_id
            )
        ).first()
        if row is None:
            row = TicketChecklistItem(
                ticket_id=ticket_id, item_id=item_id, checked=False, answer=""
            )
            session.add(row)
        now = clock.now()
        if checked is not None and checked != row.checked and item.field is None:
            row.checked = checked
            row.checked_by, row.checked_at = (actor, now) if checked else (None, None)
            session.add(
                AuditEntry(
                    ticket_id=ticket_id,
                    at=now,
                    actor=actor,
                    action="checklist item checked" if checked else "checklist item unchecked",
                    new_value=item.text,
                )
            )
        if answer is not None and answer.strip() != row.answer:
            session.add(
                AuditEntry(
                    ticket_id=ticket_id,
                    at=now,
                    actor=actor,
                    action="checklist answer",
                    field=item.text[:60],
                    old_value=row.answer or None,
                    new_value=answer.strip(),
                )
            )
            row.answer = answer.strip()


# -- request for information -----------------------------------------------------------

MAX_QUESTIONS = 3


def unanswered_questions(states: list[ChecklistState], limit: int = MAX_QUESTIONS) -> list[str]:
    """The open questions to ask first: the issue-type set, then the information checklist."""
    ordered = [s for s in states if s.kind == "questions"] + [
        s for s in states if s.kind == "information"
    ]
    questions = [
        item.text for state in ordered for item in state.open_items if item.text.endswith("?")
    ]
    return list(dict.fromkeys(questions))[:limit]
