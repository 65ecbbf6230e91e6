"""Which ticket a received message belongs to, and whether it came in before.

A reply is matched by its In-Reply-To and References to the Message-IDs of the ticket's
messages, else by ``Ticket #NUMBER`` in its subject — and a number only counts from the
ticket's customer, since a number in a subject is easy to copy. Never by subject text.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from aiva_desk.inbound.message import InboundMail
from aiva_desk.store.mail_models import OutboxMessage
from aiva_desk.store.models import Communication, Ticket

_TICKET_NUMBER = re.compile(r"\bticket\s*#\s*(\d+)\b", re.IGNORECASE)
CHUNK = 500  # values per IN (…) list


@dataclass(frozen=True)
class Referenced:
    """What the messages of a batch refer to, read at once instead of a few queries per
    reply: our sent messages among them (their ticket and template), the logged ones
    (their ticket), and those tickets, loaded (and so kept in the session)."""

    answered: dict[str, tuple[int, str]]
    logged: dict[str, int]
    tickets: dict[int, Ticket]

    @classmethod
    def read(cls, session: Session, message_ids: Iterable[str]) -> Referenced:
        ordered = sorted(set(message_ids))
        answered: dict[str, tuple[int, str]] = {}
        logged: dict[str, int] = {}
        for start in range(0, len(ordered), CHUNK):
            chunk = ordered[start : start + CHUNK]
            sent = session.execute(
                select(OutboxMessage.message_id, OutboxMessage.ticket_id, OutboxMessage.template)
                .where(OutboxMessage.message_id.in_(chunk), OutboxMessage.ticket_id.is_not(None))
                .order_by(OutboxMessage.id)
            )
            for message_id, ticket_id, template in sent:
                answered.setdefault(message_id, (ticket_id, template))
            rows = session.execute(
                select(Communication.message_id, Communication.ticket_id)
                .where(Communication.message_id.in_(chunk))
                .order_by(Communication.id)
            )
            for message_id, ticket_id in rows:
                logged.setdefault(message_id, ticket_id)
        wanted = sorted({ticket_id for ticket_id, _ in answered.values()} | set(logged.values()))
        tickets: dict[int, Ticket] = {}
        for start in range(0, len(wanted), CHUNK):
            query = select(Ticket).where(Ticket.id.in_(wanted[start : start + CHUNK]))
            tickets.update((ticket.id, ticket) for ticket in session.scalars(query))
        return cls(answered, logged, tickets)

    def replied_to(self, session: Session, ids: list[str]) -> tuple[Ticket | None, str] | None:
        """As the queries of :func:`ticket_replied_to` find it, or None: not found."""
        hit = next((self.answered[i] for i in ids if i in self.answered), None)
        if hit is not None:
            return session.get(Ticket, hit[0]), hit[1]
        ticket_id = next((self.logged[i] for i in ids if i in self.logged), None)
        return None if ticket_id is None else (session.get(Ticket, ticket_id), "")


def ticket_number(subject: str) -> int | None:
    """The NUMBER of ``Ticket #NUMBER`` in ``subject``, if it says one."""
    match = _TICKET_NUMBER.search(subject)
    return int(match[1]) if match else None


def _replied_to(session: Session, ids: list[str]) -> tuple[Ticket | None, str] | None:
    """The ticket of our message or of the logged one that ``ids`` name, or None."""
    answered = session.execute(
        select(OutboxMessage.ticket_id, OutboxMessage.template, OutboxMessage.message_id).where(
            OutboxMessage.message_id.in_(ids), OutboxMessage.ticket_id.is_not(None)
        )
    ).all()
    if answered:  # the one it answers directly (In-Reply-To) first
        order = {message_id: index for index, message_id in enumerate(ids)}
        ticket_id, template, _id = min(answered, key=lambda row: order.get(row[2], 99))
        return session.get(Ticket, ticket_id), template
    ticket_id = session.scalars(
        select(Communication.ticket_id).where(Communication.message_id.in_(ids)).limit(1)
    ).first()
    return None if ticket_id is None else (session.get(Ticket, ticket_id), "")


def ticket_replied_to(
    session: Session,
    mail: InboundMail,
    logged: Mapping[str, Ticket] | None = None,
    numbered: Mapping[int, Ticket] | None = None,
    referenced: Referenced | None = None,
) -> tuple[Ticket | None, str]:
    """The ticket ``mail`` answers and the template of our message it answers ("" when
    it answers none of the outbox's, or was matched by number). ``logged`` (by
    Message-ID) and ``numbered`` (by number): tickets of a batch not yet flushed, which
    the database cannot find yet; ``referenced``: what the batch refers to, read at once."""
    logged, numbered = logged or {}, numbered or {}
    if mail.refers_to:
        ids = list(mail.refers_to)
        if referenced is not None:
            found = referenced.replied_to(session, ids)
        else:
            found = _replied_to(session, ids)
        if found is None:
            found = next(((logged[i], "") for i in ids if i in logged), None)
        if found is not None:
            return found
    number = ticket_number(mail.subject)
    if number is None:
        return None, ""
    ticket = (
        numbered.get(number)
        or session.scalars(select(Ticket).where(Ticket.number == number)).first()
    )
    if ticket is not None and ticket.customer.email == mail.from_address:
        return ticket, ""
    return None, ""
