"""A received mail into the help desk: a new request becomes a ticket, a reply lands on its
ticket (by Message-ID, else by ``Ticket #N`` from the customer), each exactly once; the
workflow follows a person's reply, never a machine's."""

from __future__ import annotations

import datetime as dt
import mailbox

import pytest

from aiva_desk.cli import main
from aiva_desk.domain import Direction, Priority, TicketStatus
from aiva_desk.inbound.importing import import_mail, messages_in
from aiva_desk.inbound.intake import MailIntake
from aiva_desk.tickets.workflow import Action
from tests.helpers.close_gates import satisfy_close_gates, send_solution
from tests.helpers.inbound_mail import NOW, mail, take
from tests.helpers.paths import real_world_mail


@pytest.fixture
def intake(context, clock) -> MailIntake:
    clock.now = NOW
    return MailIntake(context.tickets)


def test_a_new_request_becomes_a_ticket_with_its_mail(context, intake) -> None:
    message = mail(Message_ID="<first@client.example>")
    message.add_attachment(b"%PDF-1.4", maintype="application", subtype="pdf",
                           filename="invoice 42.pdf")  # fmt: skip
    taken = take(intake, message)
    assert taken.kind == "new ticket"
    ticket = context.tickets.get(taken.ticket_id)
    assert (ticket.subject, ticket.customer.email, ticket.customer.name) == (
        "Export fails",
        "ann@example.com",
        "Ann Lee",
    )
    assert ticket.description == "Hello,\n\nthe export fails since Monday.\n\nAnn"
    assert ticket.reported_at == dt.datetime(2026, 12, 7, 10, 40, tzinfo=dt.UTC)  # the SLA
    assert ticket.category.name == "General Question" and ticket.category_guessed
    [logged] = ticket.communications
    assert (logged.direction, logged.message_id) == (Direction.INBOUND, "<first@client.example>")
    original = context.tickets.attachments.path_for(logged.original_sha256)
    assert original.read_bytes() == message.as_bytes()
    [attachment] = ticket.attachments
    assert attachment.filename == "invoice 42.pdf" and attachment.size == 8


def test_the_category_is_a_guess_until_triage(context, intake) -> None:
    taken = take(intake, mail(subject="Billing: charged twice"))
    ticket = context.tickets.get(taken.ticket_id)
    assert ticket.category.name == "Billing" and ticket.category_guessed
    context.tickets.perform(ticket.id, Action.ACKNOWLEDGE)
    context.tickets.triage(ticket.id, category_id=ticket.category_id, priority=Priority.P3)
    assert not context.tickets.get(ticket.id).category_guessed


def test_a_reply_lands_on_its_ticket_with_the_history_folded(context, intake) -> None:
    first = take(intake, mail(Message_ID="<first@client.example>"))
    context.tickets.add_communication(
        first.ticket_id,
        direction=Direction.OUTBOUND,
        subject="Re: Export fails - Ticket #1",
        body="Which browser?",
        message_id="<answer@desk.example>",
        at=NOW - dt.timedelta(minutes=25),
    )
    reply = mail(
        subject="Re: Export fails",
        body="Firefox 133.\n\nOn Mon, Dec 7, 2026 at 11:00 AM Support wrote:\n> Which browser?",
        In_Reply_To="<answer@desk.example>",
        Message_ID="<reply@client.example>",
        Date="Mon, 07 Dec 2026 11:05:00 +0000",
    )
    taken = take(intake, reply)
    assert (taken.kind, taken.ticket_id) == ("reply", first.ticket_id)
    logged = context.tickets.get(first.ticket_id).communications[-1]
    assert (logged.body, logged.direction) == ("Firefox 133.", Direction.INBOUND)
    assert "> Which browser?" in logged.quoted


def test_a_ticket_number_in_the_subject_counts_only_from_its_customer(context, intake) -> None:
    first = take(intake, mail())
    subject = f"Re: Export fails - Ticket #{first.number}"
    assert take(intake, mail(subject=subject, body="Still broken")).ticket_id == first.ticket_id
    stranger = take(intake, mail(subject=subject, sender="eve@elsewhere.example"))
    assert stranger.kind == "new ticket" and stranger.ticket_id != first.ticket_id


def test_a_reply_resumes_a_ticket_waiting_on_the_customer(context, intake) -> None:
    first = take(intake, mail(Message_ID="<first@client.example>"))
    context.tickets.perform(first.ticket_id, Action.ACKNOWLEDGE)
    context.tickets.perform(first.ticket_id, Action.REQUEST_INFORMATION)
    taken = take(intake, mail(body="Here it is", In_Reply_To="<first@client.example>"))
    assert "the clock runs again" in taken.note
    assert context.tickets.get(first.ticket_id).status is TicketStatus.INVESTIGATING


def test_a_reply_reopens_a_closed_ticket_or_after_long_opens_a_follow_up(
    context, intake, clock
) -> None:
    first = take(intake, mail(Message_ID="<first@client.example>"))
    send_solution(context.tickets, first.ticket_id)
    satisfy_close_gates(context, first.ticket_id)
    context.tickets.perform(first.ticket_id, Action.CLOSE)
    taken = take(intake, mail(body="It broke again", In_Reply_To="<first@client.example>"))
    ticket = context.tickets.get(first.ticket_id)
    assert taken.kind == "reply" and ticket.status is TicketStatus.REOPENED
    assert ticket.reopen_count == 1
    context.tickets.perform(first.ticket_id, Action.START_INVESTIGATION)
    context.tickets.perform(first.ticket_id, Action.START_RESOLUTION)
    context.tickets.perform(first.ticket_id, Action.SEND_SOLUTION)
    context.tickets.perform(first.ticket_id, Action.CLOSE)
    clock.now = NOW + dt.timedelta(days=30)
    later = take(intake, mail(body="Again!", In_Reply_To="<first@client.example>"))
    assert later.kind == "new ticket" and f"follows #{first.number}" in later.note
    assert context.tickets.get(first.ticket_id).status is TicketStatus.CLOSED


def test_urgent_raises_the_priority_one_level_once(context, intake) -> None:
    first = take(intake, mail(Message_ID="<first@client.example>"))
    before = context.tickets.get(first.ticket_id).priority
    for _ in range(2):
        take(intake, mail(body="URGENT please", In_Reply_To="<first@client.example>"))
    ticket = context.tickets.get(first.ticket_id)
    assert ticket.priority == Priority(before - 1)
    assert "urgent" in {tag.name for tag in ticket.tags}


def test_a_machines_reply_is_logged_and_moves_nothing(context, intake) -> None:
    first = take(intake, mail(Message_ID="<first@client.example>"))
    context.tickets.perform(first.ticket_id, Action.ACKNOWLEDGE)
    context.tickets.perform(first.ticket_id, Action.REQUEST_INFORMATION)
    auto = mail(body="I am out of office, URGENT matters to Bob.",
                 In_Reply_To="<first@client.example>", Auto_Submitted="auto-replied")  # fmt: skip
    taken = take(intake, auto)
    ticket = context.tickets.get(first.ticket_id)
    assert taken.kind == "reply" and taken.note.startswith("logged only")
    assert ticket.status is TicketStatus.WAITING_ON_CUSTOMER and len(ticket.communications) == 2
    assert "sent automatically" in ticket.notes[-1].body


def test_each_message_is_taken_in_once(context, intake) -> None:
    message = mail(Message_ID="<first@client.example>")
    first = take(intake, message)
    assert take(intake, message).kind == "duplicate"
    resent = mail(body="the same message, delivered by another route",
                   Message_ID="<first@client.example>")  # fmt: skip
    copy = take(intake, resent)
    assert (copy.kind, copy.ticket_id) == ("reply", first.ticket_id)  # kept, not lost
    assert len(context.tickets.get(first.ticket_id).communications) == 2


def test_an_mbox_imports_through_the_command(context, tmp_path, capsys) -> None:
    box = mailbox.mbox(tmp_path / "export.mbox")
    for number in range(3):
        box.add(mail(subject=f"Question {number}", Message_ID=f"<q{number}@client.example>"))
    box.flush()
    box.close()
    args = ["--data-dir", str(context.paths.root), "import-mail", str(tmp_path / "export.mbox")]
    assert main(args) == 0
    assert capsys.readouterr().out.startswith(
        f"Imported 3 messages from {tmp_path / 'export.mbox'}: 3 new tickets, 0 replies"
    )
    assert main(args) == 0
    assert "3 ignored (already taken in)" in capsys.readouterr().out
    assert main([*args[:3], str(tmp_path / "nowhere")]) == 2
    assert "There is no file or folder" in capsys.readouterr().err


def test_every_real_world_message_ends_as_a_ticket_or_a_reply(context, intake) -> None:
    folder = real_world_mail("mikel-mail")
    messages = list(messages_in(folder))
    summary = import_mail(intake, folder, batch=25)
    assert summary.skipped == []
    assert set(summary.counts) <= {"new ticket", "reply", "duplicate", "ignored"}
    assert sum(summary.counts.values()) == len(messages)
    # the delivery reports are for messages this desk never sent: kept aside, no ticket
    reports = real_world_mail("mikel-mail", "multipart_report_emails")
    assert summary.counts["ignored"] >= len(list(reports.glob("*.eml")))
    again = import_mail(intake, folder)
    assert again.counts["duplicate"] + again.counts["ignored"] == len(messages)  # exactly once
    assert again.counts["ignored"] == summary.counts["ignored"]


def test_every_real_world_reply_is_taken_in_one_batch(context, intake) -> None:
    folder = real_world_mail("talon")
    messages = list(messages_in(folder))
    summary = import_mail(intake, folder, batch=len(messages) * 2)
    assert summary.skipped == []
    assert set(summary.counts) <= {"new ticket", "reply", "duplicate", "ignored"}
    assert sum(summary.counts.values()) == len(messages)
    assert summary.counts["duplicate"] == len(messages) - len({raw for _n, raw in messages})
