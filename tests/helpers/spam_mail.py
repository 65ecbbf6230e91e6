"""Test helper: mail kept from a blocked sender, stored as the intake keeps it."""

from __future__ import annotations

import datetime as dt
from email.message import EmailMessage

from aiva_desk.app_context import AppContext
from aiva_desk.store.inbound_models import SpamMail

NOW = dt.datetime(2026, 12, 7, 11, 10, tzinfo=dt.UTC)


def keep_spam(
    context: AppContext,
    *,
    sender: str = "Eve Spam <eve@spam.example>",
    subject: str = "Cheap credits",
    received: dt.datetime = NOW - dt.timedelta(hours=1),
    body: str = "Buy now.",
) -> int:
    """A message from a blocked sender, kept as the intake keeps it."""
    message = EmailMessage()
    message["From"] = sender
    message["To"] = "support@desk.example"
    message["Subject"] = subject
    message["Date"] = received.strftime("%a, %d %b %Y %H:%M:%S +0000")
    message["Message-ID"] = f"<{subject.replace(' ', '.')}@spam.example>"
    message.set_content(body)
    raw = message.as_bytes()
    stored = context.tickets.attachments.add_bytes("original.eml", raw)
    with context.db.session("test") as session:
        row = SpamMail(
            received_at=received,
            written_at=received,
            sender=sender.split("<")[-1].rstrip(">").lower(),
            sender_name=sender.split("<")[0].strip(),
            subject=subject,
            original_sha256=stored.sha256,
            size=len(raw),
        )
        session.add(row)
        session.flush()
        return row.id
