"""A customer's answer to our Resolution Confirmation (or while the ticket awaits their
confirmation) offers what it says — "confirmed", a 1–5 score — for the agent to record;
only their own words count, and nothing is recorded by itself."""

from __future__ import annotations

import pytest

from aiva_desk.domain import TicketStatus
from aiva_desk.inbound.intake import MailIntake
from aiva_desk.inbound.offers_detect import detect_offer
from aiva_desk.tickets.workflow import Action
from tests.helpers.close_gates import satisfy_close_gates, send_solution
from tests.helpers.inbound_mail import NOW, mail, sent_message, take


@pytest.mark.parametrize(
    ("words", "offer"),
    [
        ("Yes it works, thank you!", "confirmed"),
        ("Confirmed.", "confirmed"),
        ("All resolved on our side, you can close it.", "confirmed"),
        ("It is not resolved.", ""),
        ("Still broken after the update.", ""),
        ("It doesn't work for me.", ""),
        ("Sorry, the widget is still not working.", ""),
        ("5", "score:5"),
        ("5/5", "score:5"),
        ("Score: 4", "score:4"),
        ("I'd say 4 out of 5.", "score:4"),
        ("★★★★☆", "score:4"),
        ("Works now! 5/5", "confirmed score:5"),
        ("We met on 12/5 and 2/5/2026, at 10:30.", ""),
        ("Please look at ticket 7.", ""),
    ],
)
def test_what_a_customer_offers(words, offer):
    assert detect_offer(words) == offer


@pytest.fixture
def intake(context, clock) -> MailIntake:
    clock.now = NOW
    return MailIntake(context.tickets)


def _offer(context, ticket_id: int) -> str:
    return context.tickets.get(ticket_id).communications[-1].offer


def test_a_reply_to_the_resolution_confirmation_offers_its_score(context, intake):
    first = take(intake, mail(Message_ID="<first@client.example>"))
    sent_message(context, first.ticket_id, message_id="<rc@desk.example>",
                 template="resolution_confirmation")  # fmt: skip
    reply = mail(body="5/5, great help.\n\nOn Mon, Support wrote:\n> Does it work now?",
                 In_Reply_To="<rc@desk.example>")  # fmt: skip
    taken = take(intake, reply)
    assert _offer(context, first.ticket_id) == "score:5" and "offers: score:5" in taken.note
    ticket = context.tickets.get(first.ticket_id)
    assert ticket.satisfaction_score is None  # offered, not recorded


def test_only_the_customers_own_words_count(context, intake):
    first = take(intake, mail(Message_ID="<first@client.example>"))
    send_solution(context.tickets, first.ticket_id)
    assert context.tickets.get(first.ticket_id).status is TicketStatus.AWAITING_CONFIRMATION
    quoted = mail(body="Let me check tomorrow.\n\nOn Mon, Support wrote:\n> Confirm it works",
                  In_Reply_To="<first@client.example>")  # fmt: skip
    take(intake, quoted)
    assert _offer(context, first.ticket_id) == ""
    take(intake, mail(body="Yes it works!", In_Reply_To="<first@client.example>"))
    assert _offer(context, first.ticket_id) == "confirmed"
    take(intake, mail(body="Sorry, not fixed after all.", In_Reply_To="<first@client.example>"))
    assert _offer(context, first.ticket_id) == ""


def test_no_offer_outside_the_confirmation_step(context, intake):
    first = take(intake, mail(Message_ID="<first@client.example>"))
    take(intake, mail(body="Yes it works", In_Reply_To="<first@client.example>"))
    assert _offer(context, first.ticket_id) == ""


def test_feedback_on_a_closed_ticket_leaves_it_closed(context, intake, clock):
    import datetime as dt

    first = take(intake, mail(Message_ID="<first@client.example>"))
    send_solution(context.tickets, first.ticket_id)
    satisfy_close_gates(context, first.ticket_id)
    context.tickets.perform(first.ticket_id, Action.CLOSE)
    sent_message(context, first.ticket_id, message_id="<rc@desk.example>",
                 template="resolution_confirmation")  # fmt: skip
    clock.now = NOW + dt.timedelta(days=30)  # even past the reopening window
    taken = take(intake, mail(body="★★★★★ thanks", In_Reply_To="<rc@desk.example>"))
    assert (taken.kind, taken.ticket_id) == ("reply", first.ticket_id)
    assert context.tickets.get(first.ticket_id).status is TicketStatus.CLOSED
    assert _offer(context, first.ticket_id) == "score:5"
