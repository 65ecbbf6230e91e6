"""The ticket service on a real SQLite file: create, edit, audit, conflicts, logs, search."""

import datetime as dt

import pytest
from sqlalchemy import delete

from aiva_desk.domain import Direction, EscalationLevel, Priority, TicketStatus
from aiva_desk.errors import (
    AttachmentError,
    ConflictError,
    TransitionRefused,
    ValidationError,
)
from aiva_desk.store.models import Ticket
from aiva_desk.tickets.service import NewTicket
from aiva_desk.tickets.workflow import Action
from tests.helpers.close_gates import satisfy_close_gates

pytestmark = pytest.mark.time_sensitive  # run again at other instants and zones


@pytest.fixture
def service(context):
    return context.tickets


def _category(service, name):
    return next(c for c in service.categories() if c.name == name)


def _new(service, **overrides):
    values = {
        "subject": "Agent not responding",
        "customer_name": "Ann Lee",
        "customer_email": "ann@example.com",
        "category_id": _category(service, "Agent Issues").id,
        "description": "The support agent stopped answering.",
    }
    values.update(overrides)
    return service.create(NewTicket(**values))


def test_new_ticket_takes_category_defaults_and_a_human_number(service, office_morning):
    ref = _new(service, reported_at=office_morning)
    ticket = service.get(ref.id)
    assert ticket.number == 1001 and ref.version == 1
    assert ticket.status is TicketStatus.NEW
    assert ticket.priority is Priority.P2
    assert ticket.sla_due_at - ticket.reported_at == dt.timedelta(hours=4)
    assert ticket.customer.email == "ann@example.com"


def test_invalid_input_is_refused_naming_each_problem(service):
    with pytest.raises(ValidationError) as caught:
        service.create(NewTicket("", "", "ann@@example", None, description=""))
    problems = caught.value.problems
    assert set(problems) == {
        "subject",
        "customer_name",
        "customer_email",
        "category_id",
        "description",
    }
    assert "ann@@example" in problems["customer_email"]
    assert service.search("ann") == []


def test_customer_is_found_again_by_email_and_organization_kept(service):
    first = _new(service, organization="Acme", tenant_id="tn-1")
    second = _new(service, customer_email="ANN@EXAMPLE.COM".lower(), subject="Second")
    assert service.get(first.id).customer_id == service.get(second.id).customer_id
    assert service.get(second.id).customer.organization.tenant_id == "tn-1"


def test_ticket_numbers_are_never_reused(context, service):
    first = _new(service)
    second = _new(service, subject="Another")
    with context.db.session("admin") as session:
        session.execute(delete(Ticket).where(Ticket.id == second.id))
    third = _new(service, subject="Third")
    assert (first.number, second.number, third.number) == (1001, 1002, 1003)


def test_every_change_is_audited_with_old_and_new_values(service):
    ref = _new(service)
    version = service.update(ref.id, ref.version, {"subject": "Agent silent", "browser": "Edge"})
    assert version == 2
    history = service.history(ref.id)
    changes = {(e.field, e.old_value, e.new_value) for e in history if e.action == "changed"}
    assert ("subject", "Agent not responding", "Agent silent") in changes
    assert ("browser", "", "Edge") in changes
    assert history[0].action == "created"
    assert {e.actor for e in history} == {service.actor}


def test_saving_over_a_newer_version_is_a_conflict_and_overwrites_nothing(service):
    ref = _new(service)
    service.update(ref.id, ref.version, {"solution": "theirs"})
    with pytest.raises(ConflictError) as caught:
        service.update(ref.id, ref.version, {"solution": "mine"})
    assert caught.value.expected_version == 1 and caught.value.actual_version == 2
    assert "#1001" in str(caught.value)
    assert service.get(ref.id).solution == "theirs"


def test_unknown_field_is_refused(service):
    ref = _new(service)
    with pytest.raises(Exception, match="not a ticket field"):
        service.update(ref.id, ref.version, {"number": 5})


def _walk_to(service, ticket_id, *actions):
    for action in actions:
        service.perform(ticket_id, action)


def test_the_sop_workflow_end_to_end(context, service):
    ref = _new(service)
    tid = ref.id
    _walk_to(service, tid, Action.ACKNOWLEDGE)
    assert service.get(tid).acknowledged_at is not None
    service.triage(tid, category_id=_category(service, "Billing").id, priority=Priority.P1)
    triaged = service.get(tid)
    assert triaged.status is TicketStatus.TRIAGED and triaged.priority is Priority.P1
    _walk_to(service, tid, Action.START_INVESTIGATION, Action.REQUEST_INFORMATION)
    assert service.get(tid).status is TicketStatus.WAITING_ON_CUSTOMER
    _walk_to(service, tid, Action.CUSTOMER_REPLIED, Action.START_RESOLUTION)
    with pytest.raises(TransitionRefused, match="Write the solution"):
        service.perform(tid, Action.SEND_SOLUTION)
    version = service.get(tid).version
    service.update(tid, version, {"solution": "Added credits", "root_cause": "Credits at $0"})
    _walk_to(service, tid, Action.SEND_SOLUTION)
    with pytest.raises(TransitionRefused) as gates:
        service.perform(tid, Action.CLOSE)
    assert len(gates.value.reasons) == 3  # checklist, verification, confirmation
    satisfy_close_gates(context, tid)
    _walk_to(service, tid, Action.CLOSE)
    closed = service.get(tid)
    assert closed.status is TicketStatus.CLOSED
    assert closed.sla_met is True and closed.closed_at is not None
    _walk_to(service, tid, Action.REOPEN)
    reopened = service.get(tid)
    assert reopened.status is TicketStatus.REOPENED and reopened.reopen_count == 1
    statuses = [e.new_value for e in service.history(tid) if e.field == "status"]
    assert statuses[:3] == ["Acknowledged", "Triaged", "Investigating"]
    assert statuses[-2:] == ["Closed", "Reopened"]


def test_a_refused_step_changes_nothing(service):
    ref = _new(service)
    with pytest.raises(TransitionRefused) as caught:
        service.perform(ref.id, Action.CLOSE)
    assert "The ticket is New" in caught.value.reasons[0]
    assert service.get(ref.id).version == ref.version
    assert [e.action for e in service.history(ref.id)] == ["created"]


def test_escalation_is_a_marker_with_level_and_reason(service):
    ref = _new(service)
    service.escalate(ref.id, EscalationLevel.SENIOR_SUPPORT, "Customer threatening to leave")
    with pytest.raises(TransitionRefused, match="already escalated"):
        service.escalate(ref.id, EscalationLevel.SENIOR_SUPPORT, "again")
    service.escalate(ref.id, EscalationLevel.DEVELOPMENT, "Needs a code change")
    ticket = service.get(ref.id)
    assert ticket.escalation_level is EscalationLevel.DEVELOPMENT
    assert [e.level for e in ticket.escalations] == [
        EscalationLevel.SENIOR_SUPPORT,
        EscalationLevel.DEVELOPMENT,
    ]
    assert ticket.status is TicketStatus.NEW


def test_logs_notes_and_communications(service):
    ref = _new(service)
    service.add_troubleshooting(
        ref.id,
        checked="pm2 status",
        found="api stopped",
        action="pm2 restart api",
        title="Initial Investigation",
    )
    service.add_note(ref.id, "Third time this month for this tenant")
    service.add_communication(
        ref.id,
        direction=Direction.OUTBOUND,
        subject="Re: agent",
        body="We are on it",
        recipients=["ann@example.com"],
    )
    with pytest.raises(ValidationError):
        service.add_troubleshooting(ref.id, checked=" ", found="", action="")
    ticket = service.get(ref.id)
    assert ticket.troubleshooting[0].action == "pm2 restart api"
    assert ticket.notes[0].body.startswith("Third time")
    assert ticket.first_response_at == ticket.communications[0].at
    actions = [e.action for e in service.history(ref.id)]
    assert {"troubleshooting entry added", "internal note added", "communication added"} <= set(
        actions
    )


def test_search_covers_subject_logs_mail_and_notes_and_follows_edits(service):
    first = _new(service, subject="Shopify orders missing")
    second = _new(service, subject="Login refused")
    service.add_troubleshooting(
        second.id, checked="tenant settings", found="lockout", action="unlocked"
    )
    service.add_note(first.id, "Token rotated by store owner")
    service.add_communication(
        second.id,
        direction=Direction.INBOUND,
        subject="more",
        body="Here is the screenshot of the error",
    )
    assert service.search("shopify") == [first.id]
    assert service.search("lockout") == [second.id]
    assert service.search("rotat") == [first.id]  # prefix match
    assert service.search("screenshot error") == [second.id]
    assert service.search('"; DROP TABLE tickets; --') == []
    service.update(first.id, service.get(first.id).version, {"subject": "WooCommerce orders"})
    assert service.search("shopify") == []  # the index followed the edit
    assert service.search("woocommerce") == [first.id]


def test_tags_are_normalized(service):
    ref = _new(service, tags=["VIP", " vip ", "Shopify  Sync"])
    assert [t.name for t in service.get(ref.id).tags] == ["shopify sync", "vip"]


def test_attachments_are_stored_by_hash_with_a_size_limit(context, service, tmp_path):
    ref = _new(service)
    report = tmp_path / "console.txt"
    report.write_text("TypeError: x is undefined")
    service.attach(ref.id, report)
    service.attach(ref.id, report)  # same bytes, stored once
    ticket = service.get(ref.id)
    assert [a.filename for a in ticket.attachments] == ["console.txt", "console.txt"]
    stored = context.tickets.attachments.path_for(ticket.attachments[0].sha256)
    assert stored.read_text() == "TypeError: x is undefined"
    assert len([p for p in context.paths.attachments.rglob("*") if p.is_file()]) == 1

    context.tickets.attachments.max_bytes = 10
    with pytest.raises(AttachmentError, match="at most"):
        service.attach(ref.id, report)
    with pytest.raises(AttachmentError, match="Cannot read"):
        service.attach(ref.id, tmp_path / "missing.png")
    assert len(service.get(ref.id).attachments) == 2


def test_portable_like_search_finds_the_same_tickets(context, service):
    from aiva_desk.store.search import LikeSearchIndex

    first = _new(service, subject="Shopify orders missing")
    second = _new(service, subject="Login refused")
    service.add_note(second.id, "Token rotated")
    context.db.search = LikeSearchIndex()
    assert service.search("shopify") == [first.id]
    assert service.search("rotated token") == [second.id]
    assert service.search("   ") == []


def test_fields_and_tags_save_in_one_transaction(service):
    ref = _new(service)
    version = service.update(ref.id, ref.version, {"browser": "Edge", "tags": ["VIP", "login"]})
    assert version == ref.version + 1
    ticket = service.get(ref.id)
    assert ticket.browser == "Edge" and [t.name for t in ticket.tags] == ["login", "vip"]
