"""Mail a customer sent, taken in as the intake takes it (read_mail + MailIntake), for
tests of what a received mail becomes in a ticket's log."""

from __future__ import annotations

import datetime as dt
from email.message import EmailMessage

from aiva_desk.app_context import AppContext
from aiva_desk.inbound.intake import Intake, MailIntake
from aiva_desk.inbound.message import read_mail

RECEIVED_AT = dt.datetime(2026, 12, 7, 11, 10, tzinfo=dt.UTC)


def customer_mail(
    subject: str = "Export fails",
    body: str = "Hello,\n\nthe export fails since Monday.\n\nAnn",
    sender: str = "Ann Lee <ann@example.com>",
    **headers: str,
) -> EmailMessage:
    """A plain-text message to support; ``headers`` with "_" for "-" (``Message_ID``)."""
    message = EmailMessage()
    message["From"] = sender
    message["To"] = "support@desk.example"
    message["Subject"] = subject
    message["Date"] = headers.pop("Date", "Mon, 07 Dec 2026 10:40:00 +0000")
    for name, value in headers.items():
        message[name.replace("_", "-")] = value
    message.set_content(body)
    return message


def take_in(context: AppContext, message: EmailMessage, now: dt.datetime = RECEIVED_AT) -> Intake:
    """Take ``message`` in as received at ``now``."""
    return MailIntake(context.tickets).take(read_mail(message.as_bytes(), now))
