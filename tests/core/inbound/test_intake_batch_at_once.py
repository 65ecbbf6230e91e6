"""A batch of received mail is stored at once and flushed once: what a message looks up
among the messages before it in the same batch is found although none is flushed yet
(its sender's customer, its tag, the ticket it answers), and what a reply changes on
a ticket of the batch is still audited as a change."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from aiva_desk.inbound.intake import MailIntake
from aiva_desk.store.models import AuditEntry, Customer, Tag, Ticket
from tests.helpers.inbound_mail import NOW, inbound, mail


@pytest.fixture
def intake(context, clock) -> MailIntake:
    clock.now = NOW
    return MailIntake(context.tickets)


def _count(context, model, *where) -> int:
    with context.db.read_session() as session:
        return session.scalar(select(func.count()).select_from(model).where(*where))


def test_two_requests_from_one_new_sender_share_one_customer(context, intake):
    first, second = intake.take_all(
        [
            inbound(mail(subject="Export fails", Message_ID="<e1@client.example>")),
            inbound(mail(subject="Login refused", Message_ID="<e2@client.example>")),
        ]
    )
    assert (first.kind, second.kind) == ("new ticket", "new ticket")
    assert first.ticket_id and second.ticket_id and first.ticket_id != second.ticket_id
    assert _count(context, Customer, Customer.email == "ann@example.com") == 1


def test_urgent_twice_in_a_batch_makes_one_tag(context, intake):
    taken = intake.take_all(
        [
            inbound(mail(subject=f"URGENT: down {n}", Message_ID=f"<u{n}@client.example>"))
            for n in range(2)
        ]
    )
    assert [t.kind for t in taken] == ["new ticket", "new ticket"]
    assert _count(context, Tag, Tag.name == "urgent") == 1
    for item in taken:
        assert "urgent" in [tag.name for tag in context.tickets.get(item.ticket_id).tags]


def test_a_reply_by_number_finds_a_ticket_opened_earlier_in_the_batch(context, intake):
    before = intake.take_all([inbound(mail(Message_ID="<n0@client.example>"))])[0]
    number = before.number + 1
    request = inbound(mail(subject="Billing", Message_ID="<n1@client.example>"))
    reply = inbound(mail(subject=f"Re: Billing - Ticket #{number}", body="One more detail"))
    first, second = intake.take_all([request, reply])
    assert first.number == number
    assert (second.kind, second.ticket_id, second.number) == ("reply", first.ticket_id, number)


def test_urgent_in_a_reply_to_a_ticket_of_the_batch_is_audited(context, intake):
    request = inbound(mail(subject="Export fails", Message_ID="<r1@client.example>"))
    reply = inbound(mail(body="This is urgent now", In_Reply_To="<r1@client.example>"))
    first, second = intake.take_all([request, reply])
    assert second.kind == "reply" and second.ticket_id == first.ticket_id
    assert second.urgent.startswith("priority raised")
    assert "urgent" in [tag.name for tag in context.tickets.get(first.ticket_id).tags]
    with context.db.read_session() as session:
        rows = session.execute(
            select(AuditEntry.action, AuditEntry.field).where(
                AuditEntry.ticket_id == first.ticket_id
            )
        ).all()
    assert ("changed", "priority") in rows and ("tag added", "tags") in rows


def test_a_batch_stored_at_once_numbers_its_tickets_in_order(context, intake):
    taken = intake.take_all(
        [inbound(mail(subject=f"Q{n}", Message_ID=f"<o{n}@client.example>")) for n in range(4)]
    )
    numbers = [t.number for t in taken]
    assert numbers == list(range(numbers[0], numbers[0] + 4))
    with context.db.read_session() as session:
        stored = dict(session.execute(select(Ticket.id, Ticket.number)).all())
    assert [stored[t.ticket_id] for t in taken] == numbers
