"""Categories are editable data; edits are validated and audited."""

import pytest
from sqlalchemy import select

from aiva_desk.domain import Priority
from aiva_desk.errors import ValidationError
from aiva_desk.store.models import AuditEntry
from aiva_desk.tickets.categories import CategoryInput, save_category
from aiva_desk.tickets.service import NewTicket


def test_editing_an_sla_changes_new_tickets_only(context, office_morning):
    service = context.tickets
    billing = next(c for c in service.categories() if c.name == "Billing")
    old = service.create(
        NewTicket("Old", "Ann", "ann@example.com", billing.id, "d", reported_at=office_morning)
    )
    save_category(
        context.db, CategoryInput("Billing", Priority.P1, 2), actor="lead", category_id=billing.id
    )
    new = service.create(
        NewTicket("New", "Ann", "ann@example.com", billing.id, "d", reported_at=office_morning)
    )
    old_ticket, new_ticket = service.get(old.id), service.get(new.id)
    assert (old_ticket.sla_due_at - old_ticket.reported_at).total_seconds() == 4 * 3600
    assert (new_ticket.sla_due_at - new_ticket.reported_at).total_seconds() == 2 * 3600
    assert new_ticket.priority is Priority.P1
    with context.db.read_session() as session:
        entry = session.scalars(select(AuditEntry).where(AuditEntry.ticket_id.is_(None))).one()
        change = (entry.actor, entry.old_value, entry.new_value)
    assert change == ("lead", "Billing: P2, SLA 4 h", "Billing: P1, SLA 2 h")


def test_new_categories_and_bad_input(context):
    new_id = save_category(context.db, CategoryInput("Security", Priority.P1, 1), actor="lead")
    names = [c.name for c in context.tickets.categories()]
    assert names[-1] == "Security" and len(names) == 9
    with pytest.raises(ValidationError) as caught:
        save_category(context.db, CategoryInput(" billing ", Priority.P2, 0), actor="lead")
    assert set(caught.value.problems) == {"name", "sla_hours"}
    assert "already a category" in caught.value.problems["name"]
    save_category(
        context.db,
        CategoryInput("Security", Priority.P1, 1, active=False),
        actor="lead",
        category_id=new_id,
    )
    assert "Security" not in [c.name for c in context.tickets.categories()]
    assert "Security" in [c.name for c in context.tickets.categories(active_only=False)]
