"""The customer directory: find, autocomplete, edit with validation, merge duplicates."""

import pytest

from aiva_desk.domain import CustomerRole
from aiva_desk.errors import AivaError, ValidationError
from aiva_desk.tickets.customers import (
    find_customers,
    find_organizations,
    merge_customers,
    suggest_customers,
    update_customer,
)
from aiva_desk.tickets.service import NewTicket


@pytest.fixture
def people(context):
    service = context.tickets
    category = service.categories()[0]

    def ticket(name, email, org="", **kw):
        return service.create(
            NewTicket("Issue", name, email, category.id, "d", organization=org, **kw)
        )

    refs = {
        "ann": ticket(
            "Ann Lee", "ann@acme.com", "Acme", tenant_id="tn-1", customer_role=CustomerRole.ADMIN
        ),
        "ann2": ticket("Ann Lee", "ann.lee@gmail.com"),
        "bob": ticket("Bob 100%_Real", "bob@beta.org", "Beta"),
    }
    return refs


def _by_email(db, email):
    return next(c for c in find_customers(db) if c.email == email)


def test_find_and_suggest(context, people):
    db = context.db
    assert [c.email for c in find_customers(db, "ann")] == ["ann@acme.com", "ann.lee@gmail.com"]
    assert [c.email for c in find_customers(db, "acme")] == ["ann@acme.com"]
    assert [c.email for c in find_customers(db, "tn-1")] == ["ann@acme.com"]
    assert [c.email for c in find_customers(db, "100%_")] == ["bob@beta.org"]  # literal % and _
    assert find_customers(db, "0%R") == []  # would match if % were a wildcard
    ann = _by_email(db, "ann@acme.com")
    assert (ann.organization, ann.role, ann.tenant_id, ann.open_tickets) == (
        "Acme",
        CustomerRole.ADMIN,
        "tn-1",
        1,
    )
    assert suggest_customers(db, "a") == []
    assert [c.name for c in suggest_customers(db, "bo")] == ["Bob 100%_Real"]
    assert [(o.name, o.customers) for o in find_organizations(db)] == [("Acme", 1), ("Beta", 1)]


def test_edit_validates_and_refuses_a_taken_email(context, people):
    db = context.db
    ann2 = _by_email(db, "ann.lee@gmail.com")
    with pytest.raises(ValidationError) as caught:
        update_customer(
            db,
            ann2.id,
            name="",
            email="nope",
            organization="",
            role=None,
            tenant_id="",
            actor="lead",
        )
    assert set(caught.value.problems) == {"name", "email"}
    with pytest.raises(ValidationError, match="merge the two"):
        update_customer(
            db,
            ann2.id,
            name="Ann",
            email="ANN@acme.com",
            organization="",
            role=None,
            tenant_id="",
            actor="lead",
        )
    update_customer(
        db,
        ann2.id,
        name="Ann L.",
        email="ann.l@gmail.com",
        organization="Gamma",
        role=CustomerRole.CLIENT,
        tenant_id="tn-9",
        actor="lead",
    )
    edited = _by_email(db, "ann.l@gmail.com")
    assert (edited.name, edited.organization, edited.role) == ("Ann L.", "Gamma", "Client")


def test_merge_moves_tickets_keeps_details_and_audits(context, people):
    db, service = context.db, context.tickets
    ann, ann2 = _by_email(db, "ann@acme.com"), _by_email(db, "ann.lee@gmail.com")
    moved_version = service.get(people["ann2"].id).version
    assert merge_customers(db, ann.id, [ann2.id], actor="lead") == 1
    assert [c.email for c in find_customers(db, "ann")] == ["ann@acme.com"]
    assert _by_email(db, "ann@acme.com").all_tickets == 2
    ticket = service.get(people["ann2"].id)
    assert ticket.customer.email == "ann@acme.com"
    assert ticket.version == moved_version + 1  # an open editor sees the change as a conflict
    entry = next(e for e in service.history(ticket.id) if e.action == "customer merged")
    assert entry.old_value == "Ann Lee <ann.lee@gmail.com>"
    with pytest.raises(AivaError, match="at least one other"):
        merge_customers(db, ann.id, [ann.id], actor="lead")
