"""A reply's offer (a confirmation, a 1–5 score) is recorded only when an agent accepts
it, through the same fields and audit as the editor's own controls, and then leaves the
reply; a dismissed offer records nothing."""

from __future__ import annotations

import pytest
from sqlalchemy import update

from aiva_desk.errors import AivaError
from aiva_desk.inbound.offers import (
    accept_offer,
    dismiss_offer,
    excerpt,
    parse_offer,
    pending_offers,
)
from aiva_desk.store.models import Communication
from tests.helpers.inbound_mail import NOW, take_in
from tests.helpers.inbound_mail import mail as customer_mail

REPLY = (
    "Hi,\n\nYes, that fixed it, the export runs again. I'd give you a 4 out of 5.\n\n"
    "On Mon, Dec 7, 2026 at 11:00 AM Support wrote:\n> Could you confirm it works?"
)


@pytest.fixture
def reply(context, clock) -> tuple[int, int]:
    """A ticket from a customer's mail and the customer's reply on it: (ticket, reply)."""
    clock.now = NOW
    first = take_in(context, customer_mail(Message_ID="<first@client.example>"))
    take_in(
        context,
        customer_mail(
            subject="Re: Export fails",
            body=REPLY,
            In_Reply_To="<first@client.example>",
            Date="Mon, 07 Dec 2026 11:05:00 +0000",
        ),
    )
    ticket = context.tickets.get(first.ticket_id)
    return ticket.id, ticket.communications[-1].id


def _offer(context, communication_id: int, offer: str) -> None:
    with context.db.session("test") as session:
        session.execute(
            update(Communication).where(Communication.id == communication_id).values(offer=offer)
        )


def _stored_offer(context, communication_id: int) -> str:
    with context.db.read_session() as session:
        return session.get(Communication, communication_id).offer


def test_the_offer_tokens_are_read_and_unknown_ones_ignored() -> None:
    assert parse_offer("confirmed score:4") == (True, 4)
    assert parse_offer("score:9 later:thing") == (False, None)
    assert parse_offer("") == (False, None)


def test_the_excerpt_is_the_sentence_that_made_the_offer() -> None:
    assert excerpt(REPLY, confirmed=False, score=4) == "I'd give you a 4 out of 5."
    assert excerpt(REPLY, confirmed=True, score=None) == (
        "Yes, that fixed it, the export runs again."
    )
    assert excerpt("x" * 200, confirmed=True, score=None).endswith("…")


def test_nothing_is_pending_until_the_intake_marks_a_reply(context, reply) -> None:
    ticket_id, reply_id = reply
    assert pending_offers(context.db, ticket_id) == []
    _offer(context, reply_id, "confirmed score:4")
    [offer] = pending_offers(context.db, ticket_id)
    assert (offer.communication_id, offer.confirmed, offer.score) == (reply_id, True, 4)
    with context.db.read_session() as session:  # a session works as well as the database
        assert pending_offers(session, ticket_id) == [offer]
    ticket = context.tickets.get(ticket_id)
    assert ticket.customer_confirmed_at is None and ticket.satisfaction_score is None


def test_accepting_the_score_records_it_like_the_field_and_keeps_the_rest(context, reply) -> None:
    ticket_id, reply_id = reply
    _offer(context, reply_id, "confirmed score:4")
    accept_offer(context.tickets, reply_id, what="score")
    ticket = context.tickets.get(ticket_id)
    assert ticket.satisfaction_score == 4 and ticket.customer_confirmed_at is None
    assert _stored_offer(context, reply_id) == "confirmed"
    changed = [e for e in context.tickets.history(ticket_id) if e.field == "satisfaction_score"]
    assert [(e.action, e.new_value, e.actor) for e in changed] == [
        ("changed", "4", context.tickets.actor)
    ]
    [left] = pending_offers(context.db, ticket_id)
    assert (left.confirmed, left.score) == (True, None)


def test_accepting_the_confirmation_says_how_and_when(context, reply) -> None:
    ticket_id, reply_id = reply
    _offer(context, reply_id, "confirmed")
    accept_offer(context.tickets, reply_id, what="confirmed")
    ticket = context.tickets.get(ticket_id)
    assert ticket.customer_confirmed_at == NOW
    replied = ticket.communications[-1].at.astimezone().strftime("%d %b %Y")
    assert ticket.customer_confirmed_by == (
        f"Replied by e-mail on {replied}: “Yes, that fixed it, the export runs again.”"
    )
    assert "customer_confirmed_at" in {e.field for e in context.tickets.history(ticket_id)}
    assert _stored_offer(context, reply_id) == ""
    assert pending_offers(context.db, ticket_id) == []


def test_accepting_all_records_both_and_twice_is_refused(context, reply) -> None:
    ticket_id, reply_id = reply
    _offer(context, reply_id, "confirmed score:5")
    accept_offer(context.tickets, reply_id, what="all")
    ticket = context.tickets.get(ticket_id)
    assert ticket.customer_confirmed_at is not None and ticket.satisfaction_score == 5
    with pytest.raises(AivaError, match="no longer offers"):
        accept_offer(context.tickets, reply_id, what="score")
    with pytest.raises(ValueError):
        accept_offer(context.tickets, reply_id, what="everything")


def test_dismissing_records_nothing(context, reply) -> None:
    ticket_id, reply_id = reply
    _offer(context, reply_id, "confirmed score:2")
    before = context.tickets.get(ticket_id).version
    dismiss_offer(context.tickets, reply_id)
    ticket = context.tickets.get(ticket_id)
    assert (ticket.version, ticket.satisfaction_score, ticket.customer_confirmed_at) == (
        before,
        None,
        None,
    )
    assert pending_offers(context.db, ticket_id) == []


def test_an_offer_of_what_is_recorded_already_is_not_pending(context, reply) -> None:
    ticket_id, reply_id = reply
    context.tickets.record_customer_confirmation(ticket_id, "on the phone")
    version = context.tickets.get(ticket_id).version
    context.tickets.update(ticket_id, version, {"satisfaction_score": 3})
    _offer(context, reply_id, "confirmed score:3")
    assert pending_offers(context.db, ticket_id) == []
    _offer(context, reply_id, "confirmed score:5")
    [offer] = pending_offers(context.db, ticket_id)
    assert (offer.confirmed, offer.score) == (False, 5)
    accept_offer(context.tickets, reply_id, what="all")
    ticket = context.tickets.get(ticket_id)
    assert ticket.customer_confirmed_by == "on the phone" and ticket.satisfaction_score == 5
