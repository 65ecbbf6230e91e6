"""Escalations reach a person: to whom, assigned or added, their view and notice, and the
staff list they are chosen from."""

from __future__ import annotations

import pytest

from aiva_desk.domain import EscalationLevel, StaffRole
from aiva_desk.errors import ValidationError
from aiva_desk.mail.escalation_mail import escalate_to
from aiva_desk.queue import query
from aiva_desk.queue.query import builtin_views
from aiva_desk.tickets import escalation as esc
from aiva_desk.tickets import escalation_people as people
from aiva_desk.tickets.staff import Colleague, list_staff, save_staff
from tests.helpers.editor_helpers import T0, make_ticket

SENIOR = EscalationLevel.SENIOR_SUPPORT
DEV = EscalationLevel.DEVELOPMENT


@pytest.fixture(autouse=True)
def pinned(clock) -> None:
    clock.now = T0


def _staff(context) -> dict[str, int]:
    ids = save_staff(
        context.db,
        "test",
        [
            Colleague(None, "Ann Agent", "ann@aiva.example", StaffRole.AGENT),
            Colleague(None, "Sam Senior", "sam@aiva.example", StaffRole.SENIOR_SUPPORT),
            Colleague(None, "Dee Dev", "dee@aiva.example", StaffRole.DEVELOPMENT),
            Colleague(None, "Dan Dev", "dan@aiva.example", StaffRole.DEVELOPMENT),
        ],
    )
    return dict(zip(("ann", "sam", "dee", "dan"), ids, strict=True))


def _escalate(context, ticket_id: int, target, to: int | None):
    ticket = context.tickets.get(ticket_id)
    form = esc.prefill(ticket, esc.assess(ticket, None, T0), T0)
    form.business_impact, form.customer_sentiment, form.component = "High", "Angry", "API"
    form.why = "Beyond my knowledge"
    return escalate_to(
        context.mail,
        ticket_id,
        target=target,
        form=form,
        customer_draft="Subject: Escalated\n\nHello",
        to_staff_id=to,
    )


def _escalated_to_me(context, staff_id: int) -> int:
    view = next(v for v in builtin_views(T0, staff_id) if v.key == "escalated_to_me")
    with context.db.read_session() as session:
        return query.count(session, view.filter, context.db.search)


def test_the_only_person_of_a_role_is_the_default_else_the_queue(context) -> None:
    ids = _staff(context)
    by_level = people.people_by_level(context.db)
    assert people.default_person(by_level[SENIOR]).id == ids["sam"]
    assert people.default_person(by_level[DEV]) is None  # two developers: the queue


def test_senior_support_takes_the_ticket_over_and_is_told(context) -> None:
    ids = _staff(context)
    context.set_me(ids["ann"])
    ticket_id = make_ticket(context)
    outcome = _escalate(context, ticket_id, SENIOR, ids["sam"])
    # no mail account here: said in one line, and the escalation is kept all the same
    assert outcome.outbox_id is None and "no mail account is set up" in outcome.notice
    ticket = context.tickets.get(ticket_id)
    [escalation] = ticket.escalations
    assert (escalation.to_staff_id, escalation.to_role) == (ids["sam"], "senior_support")
    assert escalation.by_name == "Ann Agent"  # the staff member, not the computer login
    assert ticket.assignee_id == ids["sam"]
    assert ticket.notes[0].body.startswith("Subject: ESCALATION")

    [notice] = people.escalations_for(context.db, ids["sam"], unseen=True)
    assert (notice.ticket_id, notice.to_me, notice.by_name) == (ticket_id, True, "Ann Agent")
    assert _escalated_to_me(context, ids["sam"]) == 1
    assert _escalated_to_me(context, ids["dee"]) == 0
    assert people.mark_seen(context.db, ticket_id, ids["sam"]) == 1
    assert people.escalations_for(context.db, ids["sam"], unseen=True) == []
    assert _escalated_to_me(context, ids["sam"]) == 1  # still open: still in the view


def test_development_is_added_beside_the_owner_and_the_queue_reaches_the_role(context) -> None:
    ids = _staff(context)
    ticket_id = make_ticket(context)
    ticket = context.tickets.get(ticket_id)
    context.tickets.update(ticket_id, ticket.version, {"assignee_id": ids["ann"]})
    _escalate(context, ticket_id, DEV, None)  # the development queue
    ticket = context.tickets.get(ticket_id)
    assert ticket.assignee_id == ids["ann"]  # the support owner keeps the customer
    [escalation] = ticket.escalations
    assert (escalation.to_staff_id, escalation.to_role) == (None, "development")
    assert _escalated_to_me(context, ids["dee"]) == 1 == _escalated_to_me(context, ids["dan"])
    assert _escalated_to_me(context, ids["sam"]) == 0
    # the queue notifies nobody by name; the view shows it to each developer
    assert people.escalations_for(context.db, ids["dee"], unseen=True) == []
    esc.de_escalate(context.tickets, ticket_id, "fixed")
    assert _escalated_to_me(context, ids["dee"]) == 0


def test_an_escalation_goes_only_to_an_active_person_of_that_role(context) -> None:
    ids = _staff(context)
    ticket_id = make_ticket(context)
    with pytest.raises(ValidationError, match="Ann Agent is not in senior support"):
        _escalate(context, ticket_id, SENIOR, ids["ann"])
    assert context.tickets.get(ticket_id).escalations == []


def test_the_staff_list_refuses_bad_rows_and_duplicates_and_deactivates(context) -> None:
    ids = _staff(context)
    with pytest.raises(ValidationError, match="Enter the colleague's name"):
        save_staff(context.db, "t", [Colleague(None, " ", "x@aiva.example")])
    with pytest.raises(ValidationError, match="Sam Senior already has the e-mail"):
        save_staff(context.db, "t", [Colleague(None, "Sammy", "SAM@aiva.example")])
    sam = next(c for c in list_staff(context.db) if c.id == ids["sam"])
    save_staff(context.db, "t", [Colleague(sam.id, sam.name, sam.email, sam.role, False)])
    assert not next(c for c in list_staff(context.db) if c.id == ids["sam"]).active
    assert people.people_by_level(context.db)[SENIOR] == []  # no longer offered
