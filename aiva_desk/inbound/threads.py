"""Which ticket a received message belongs to, and whether it came in before.

A reply is matched by its In-Reply-To and References to the Message-IDs of the ticket's
messages, else by ``Ticket #NUMBER`` in its subject — and a number only counts from the
ticket's customer, since a number in a subject is easy to copy. Never by subject text.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from sqlalchemy import select
from sqlalchemy.orm import Session

from aiva_desk.inbound.message import InboundMail
from aiva_desk.store.mail_models import OutboxMessage
from aiva_desk.store.models import Communication, Ticket

_TICKET_NUMBER = re.compile(r"\bticket\s*#\s*(\d+)\b", re.IGNORECASE)


def ticket_number(subject: str) -> int | None:
    """The NUMBER of ``Ticket #NUMBER`` in ``subject``, if it says one."""
    match = _TICKET_NUMBER.search(subject)
    return int(match[1]) if match else None


def ticket_replied_to(
    session: Session,
    mail: InboundMail,
    logged: Mapping[str, Ticket] | None = None,
    numbered: Mapping[int, Ticket] | None = None,
) -> tuple[Ticket | None, str]:
    """The ticket ``mail`` answers and the template of our message it answers ("" when
    it answers none of the outbox's, or was matched by number). ``logged`` (by
    Message-ID) and ``numbered`` (by number): tickets of a batch not yet flushed, which
    the database cannot find yet."""
    logged, numbered = logged or {}, numbered or {}
    if mail.refers_to:
        ids = list(mail.refers_to)
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
        if ticket_id is not None:
            return session.get(Ticket, ticket_id), ""
        pending = next((logged[i] for i in ids if i in logged), None)
        if pending is not None:
            return pending, ""
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
