"""The SOP's step 1 for mail: acknowledge a new ticket at once, automatically — but never
so that two programs answer each other forever (RFC 3834).

So no acknowledgment goes to mail a machine sent (auto-replies, bounces, receipts,
lists, bulk mail, a null sender, a loop), to our own addresses, to a blocked sender, or
more often than :data:`MIN_INTERVAL` and :data:`PER_DAY` allow per address (counted in
``auto_replies``). The intake decides, inside its transaction; the acknowledgment itself
is queued after the commit by the callable the intake was given (the mail service's
``acknowledge_new_ticket``, as the New Ticket dialog uses it), since composing reads the
stored ticket.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable
from typing import Protocol

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from aiva_desk.store.inbound_models import AutoReply, Mailbox
from aiva_desk.store.mail_models import MailAccount

MIN_INTERVAL = dt.timedelta(minutes=10)  # at most one acknowledgment per address in this
PER_DAY = 5  # and at most this many per address in any 24 hours
DAY = dt.timedelta(hours=24)

Acknowledge = Callable[[int], "int | None"]
"""Queue the acknowledgment of new ticket ``id``; the outbox id, or None when none could
be queued (no mail account)."""


class _MailSide(Protocol):
    """What :func:`auto_acknowledger` needs of the mail service."""

    @property
    def settings(self) -> object: ...

    def acknowledge_new_ticket(self, ticket_id: int) -> int | None: ...


def auto_acknowledger(mail: _MailSide | None) -> Acknowledge | None:
    """What to hand :class:`~aiva_desk.inbound.intake.MailIntake`: the mail service's
    acknowledgment when the agent asked for automatic ones (``auto_acknowledge``), else
    None (nothing is acknowledged, nothing noted)."""
    if mail is None or not getattr(mail.settings, "auto_acknowledge", False):
        return None
    return mail.acknowledge_new_ticket


def own_addresses(session: Session) -> frozenset[str]:
    """The desk's own addresses (accounts it sends from, mailboxes it reads): mail from
    them is never acknowledged."""
    found: set[str] = set()
    for sender, reply_to in session.execute(select(MailAccount.from_address, MailAccount.reply_to)):
        found.update(a.strip().lower() for a in (sender, reply_to) if a and "@" in a)
    for (username,) in session.execute(select(Mailbox.username)):
        if username and "@" in username:
            found.add(username.strip().lower())
    return frozenset(found)


class RateLimit:
    """Acknowledgments per address: those already sent (the table) and those this batch
    decided on (not yet in it)."""

    def __init__(self, now: dt.datetime) -> None:
        self.now = now
        self.pending: Counter[str] = Counter()

    def allows(self, session: Session, address: str) -> str | None:
        """None when ``address`` may be acknowledged now, else why not."""
        recent, today = session.execute(
            select(
                func.count().filter(AutoReply.sent_at > self.now - MIN_INTERVAL),
                func.count(),
            ).where(AutoReply.address == address, AutoReply.sent_at > self.now - DAY)
        ).one()
        if recent or self.pending[address]:
            return f"one was sent to {address} less than {_minutes(MIN_INTERVAL)} ago"
        if today + self.pending[address] >= PER_DAY:
            return f"{PER_DAY} were sent to {address} in the last 24 hours"
        return None

    def take(self, address: str) -> None:
        self.pending[address] += 1


def _minutes(span: dt.timedelta) -> str:
    return f"{int(span.total_seconds() // 60)} minutes"


def why_not(machine: str | None, address: str, own: frozenset[str]) -> str | None:
    """Why mail like this is never acknowledged, or None."""
    if machine:
        return f"it is {machine}"
    if not address:
        return "its sender cannot be read"
    if address in own:
        return "it comes from one of our own addresses"
    return None
