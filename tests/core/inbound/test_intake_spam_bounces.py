"""Mail from a blocked sender is kept for the Spam view, never a ticket; a delivery report
for a message of ours fails its outbox row and is logged on its ticket; one for no
message of ours opens no ticket and loses nothing."""

from __future__ import annotations

from email.message import EmailMessage

import pytest
from sqlalchemy import select

from aiva_desk.inbound.bounces import read_bounce
from aiva_desk.inbound.intake import MailIntake
from aiva_desk.store.inbound_models import BlockedSender, SpamMail
from aiva_desk.store.mail_models import OutboxMessage, OutboxState
from aiva_desk.store.models import Ticket
from tests.helpers.inbound_mail import NOW, inbound, mail, sent_message, take
from tests.helpers.paths import real_world_mail


@pytest.fixture
def intake(context, clock) -> MailIntake:
    clock.now = NOW
    return MailIntake(context.tickets)


def _block(context, *addresses: str) -> None:
    with context.db.session("test") as session:
        session.add_all(BlockedSender(address=address) for address in addresses)


def _spam(context) -> list[SpamMail]:
    with context.db.read_session() as session:
        rows = list(session.scalars(select(SpamMail)))
        session.expunge_all()
        return rows


def test_a_blocked_sender_is_kept_as_spam_once(context, intake):
    _block(context, "ann@example.com")
    message = mail(subject="Cheap pills", Message_ID="<s1@spam.example>")
    taken = take(intake, message)
    assert (taken.kind, taken.ticket_id) == ("spam", None)
    assert "ann@example.com" in taken.note
    assert take(intake, message).kind == "duplicate"
    [kept] = _spam(context)
    assert (kept.sender, kept.sender_name, kept.subject) == ("ann@example.com", "Ann Lee",
                                                             "Cheap pills")  # fmt: skip
    assert kept.size == len(message.as_bytes()) and kept.written_at is not None
    stored = context.tickets.attachments.path_for(kept.original_sha256)
    assert stored.read_bytes() == message.as_bytes()
    with context.db.read_session() as session:
        assert session.scalar(select(Ticket.id)) is None


def test_a_blocked_domain_and_a_batch_and_not_spam(context, intake):
    _block(context, "@spam.example")
    messages = [inbound(mail(sender=f"x{n}@Spam.example", Message_ID=f"<{n}@s>")) for n in (1, 2)]
    assert [t.kind for t in intake.take_all([*messages, messages[0]])] == [
        "spam",
        "spam",
        "duplicate",
    ]
    assert len(_spam(context)) == 2
    released = intake.take(messages[0], allow_blocked=True)  # the Spam view's "Not spam"
    assert released.kind == "new ticket"


def _bounce(returned: EmailMessage | None, *, action="failed", status="5.1.1",
            headers_only=False) -> bytes:  # fmt: skip
    """A delivery report as Postfix writes one (RFC 3464)."""
    if returned is None:
        tail = ""
    elif headers_only:
        head = returned.as_string().split("\n\n", 1)[0]
        tail = f"--B\nContent-Type: text/rfc822-headers\n\n{head}\n\n"
    else:
        tail = f"--B\nContent-Type: message/rfc822\n\n{returned.as_string()}\n\n"
    return (
        "From: Mail Delivery System <MAILER-DAEMON@mx.desk.example>\n"
        "To: support@desk.example\n"
        "Subject: Undelivered Mail Returned to Sender\n"
        "Date: Mon, 07 Dec 2026 11:00:00 +0000\n"
        "Message-ID: <bounce-1@mx.desk.example>\n"
        "Auto-Submitted: auto-replied\n"
        "MIME-Version: 1.0\n"
        'Content-Type: multipart/report; report-type=delivery-status; boundary="B"\n\n'
        "--B\nContent-Type: text/plain\n\n"
        "I'm sorry to have to inform you that your message could not be delivered.\n\n"
        "--B\nContent-Type: message/delivery-status\n\n"
        "Reporting-MTA: dns; mx.desk.example\n\n"
        f"Final-Recipient: rfc822; ann@example.com\nAction: {action}\nStatus: {status}\n"
        "Diagnostic-Code: smtp; 550 5.1.1 <ann@example.com>:\n"
        "    Recipient address rejected\n\n"
        f"{tail}--B--\n"
    ).encode()


def _ours(message_id: str = "<out-1@desk.example>") -> EmailMessage:
    sent = EmailMessage()
    sent["From"] = "support@desk.example"
    sent["To"] = "ann@example.com"
    sent["Subject"] = "Re: Export fails - Ticket #1"
    sent["Message-ID"] = message_id
    sent["In-Reply-To"] = "<first@client.example>"
    sent.set_content("Which browser?")
    return sent


def _outbox(context, outbox_id: int) -> OutboxMessage:
    with context.db.read_session() as session:
        row = session.get(OutboxMessage, outbox_id)
        session.expunge_all()
        return row


@pytest.mark.parametrize("headers_only", [False, True])
def test_a_bounce_fails_our_message_and_lands_on_its_ticket(context, intake, headers_only):
    first = take(intake, mail(Message_ID="<first@client.example>"))
    outbox_id = sent_message(context, first.ticket_id, message_id="<out-1@desk.example>")
    taken = take(intake, _bounce(_ours(), headers_only=headers_only))
    assert (taken.kind, taken.ticket_id) == ("bounce", first.ticket_id)
    row = _outbox(context, outbox_id)
    assert row.state is OutboxState.FAILED and "\n" not in row.last_error
    assert row.last_error.startswith("Not delivered to ann@example.com: 5.1.1 550 5.1.1")
    assert "Recipient address rejected" in row.last_error
    ticket = context.tickets.get(first.ticket_id)
    logged = ticket.communications[-1]
    assert logged.kind == "Delivery failure" and logged.body.startswith("Not delivered to")
    assert "could not be delivered" in ticket.notes[-1].body
    assert ticket.status.value == "new"  # a machine's mail moves nothing


def test_a_delay_warning_fails_nothing(context, intake):
    first = take(intake, mail(Message_ID="<first@client.example>"))
    outbox_id = sent_message(context, first.ticket_id, message_id="<out-1@desk.example>")
    taken = take(intake, _bounce(_ours(), action="delayed", status="4.4.1"))
    assert taken.kind == "bounce"
    assert _outbox(context, outbox_id).state is OutboxState.SENT
    assert "delayed" in context.tickets.get(first.ticket_id).notes[-1].body


def test_a_bounce_for_no_message_of_ours_opens_no_ticket_and_keeps_its_original(context, intake):
    report = _bounce(_ours("<someone-else@elsewhere.example>"))
    taken = take(intake, report)
    assert (taken.kind, taken.ticket_id) == ("ignored", None)
    assert "for no message of ours" in taken.note and "ann@example.com" in taken.note
    with context.db.read_session() as session:
        assert session.scalar(select(Ticket.id)) is None
    import hashlib

    sha = hashlib.sha256(report).hexdigest()
    assert context.tickets.attachments.path_for(sha).read_bytes() == report


def test_our_own_message_coming_back_is_set_aside(context, intake):
    first = take(intake, mail(Message_ID="<first@client.example>"))
    sent_message(context, first.ticket_id, message_id="<out-1@desk.example>")
    taken = take(intake, _ours())
    assert taken.kind == "ignored" and "our own message" in taken.note
    assert len(context.tickets.get(first.ticket_id).communications) == 1


def test_real_world_reports_are_read():
    folder = real_world_mail("mikel-mail", "multipart_report_emails")
    message = inbound((folder / "multi_address_bounce1.eml").read_bytes())
    bounce = read_bounce(message.raw, message.text, message.from_address, message.subject)
    assert bounce is not None and len(bounce.recipients) == 5
    assert bounce.recipients[0].address == "bbbbvhvbbvkjbhfbvbvjhb@gmail.com"
    assert bounce.recipients[0].status == "5.1.1"
    assert "does not exist" in bounce.recipients[0].diagnostic
    assert bounce.returned_id == "<118707422.15521266992174819.JavaMail.root@lvmail01>"
    for path in folder.glob("*.eml"):
        message = inbound(path.read_bytes())
        found = read_bounce(message.raw, message.text, message.from_address, message.subject)
        assert found is not None and found.recipients, path.name
        assert "\n" not in found.reason()
