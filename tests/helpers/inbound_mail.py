"""Received mail for tests of the intake and of what a mail becomes in a ticket: a
message as a customer's client writes it, taken in as the desk takes it, and an outbox
row as if the desk had sent one (without a mail server)."""

from __future__ import annotations

import datetime as dt
from email.message import EmailMessage

from aiva_desk.app_context import AppContext
from aiva_desk.inbound.intake import Intake, MailIntake
from aiva_desk.inbound.message import InboundMail, read_mail
from aiva_desk.store.mail_models import OutboxMessage, OutboxState

NOW = dt.datetime(2026, 12, 7, 11, 10, tzinfo=dt.UTC)


def mail(
    subject: str = "Export fails",
    body: str = "Hello,\n\nthe export fails since Monday.\n\nAnn",
    sender: str = "Ann Lee <ann@example.com>",
    **headers: str,
) -> EmailMessage:
    """A customer's message; ``Message_ID="<…>"`` and the like add headers."""
    message = EmailMessage()
    message["From"] = sender
    message["To"] = "support@desk.example"
    message["Subject"] = subject
    message["Date"] = headers.pop("Date", "Mon, 07 Dec 2026 10:40:00 +0000")
    for name, value in headers.items():
        message[name.replace("_", "-")] = value
    message.set_content(body)
    return message


def inbound(message: EmailMessage | bytes, now: dt.datetime = NOW) -> InboundMail:
    raw = message if isinstance(message, bytes) else message.as_bytes()
    return read_mail(raw, now)


def take(intake: MailIntake, message: EmailMessage | bytes) -> Intake:
    return intake.take(inbound(message))


def take_in(context: AppContext, message: EmailMessage, now: dt.datetime = NOW) -> Intake:
    """Take ``message`` in as received at ``now``, as the desk's intake does."""
    return context.mail_intake().take(inbound(message, now))


def sent_message(
    context: AppContext,
    ticket_id: int,
    *,
    message_id: str,
    template: str = "acknowledgment",
    to: str = "ann@example.com",
    subject: str = "Re: Export fails - Ticket #1",
) -> int:
    """An outbox row as the sender pass leaves a message it delivered."""
    with context.db.session("test") as session:
        row = OutboxMessage(
            ticket_id=ticket_id,
            state=OutboxState.SENT,
            template=template,
            kind="Update",
            to_addrs=to,
            subject=subject,
            body="…",
            message_id=message_id,
            sent_at=NOW,
        )
        session.add(row)
        session.flush()
        return row.id
