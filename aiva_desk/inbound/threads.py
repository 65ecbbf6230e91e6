"""Which ticket a received message belongs to, and whether it came in before.

A reply is matched by its In-Reply-To and References to the Message-IDs of the ticket's
messages, else by ``Ticket #NUMBER`` in its subject — and a number only counts from the
ticket's customer, since a number in a subject is easy to copy. Never by subject text.
"""

from __future__ import annotations

import re

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session

from aiva_desk.domain import Direction
from aiva_desk.inbound.message import InboundMail
from aiva_desk.store.inbound_models import SpamMail
from aiva_desk.store.mail_models import OutboxMessage
from aiva_desk.store.models import Communication, Ticket

_TICKET_NUMBER = re.compile(r"\bticket\s*#\s*(\d+)\b", re.IGNORECASE)


def taken_in(session: Session, same: ColumnElement[bool]) -> int | None:
    """The ticket whose log already holds a message like this one."""
    return session.scalar(select(Communication.ticket_id).where(same).limit(1))


def kept_as_spam(session: Session, sha256: str) -> bool:
    return (
        session.scalar(select(SpamMail.id).where(SpamMail.original_sha256 == sha256).limit(1))
        is not None
    )


def inbound_copy_of(session: Session, message_id: str) -> tuple[int, Direction] | None:
    """The ticket and direction of a logged message with this Message-ID."""
    row = session.execute(
        select(Communication.ticket_id, Communication.direction)
        .where(Communication.message_id == message_id)
        .order_by(Communication.direction)  # "inbound" first
        .limit(1)
    ).first()
    return None if row is None else (row[0], row[1])


def is_our_message(session: Session, message_id: str | None) -> bool:
    """Whether ``message_id`` is one we gave a message we sent (it came back to us)."""
    if not message_id:
        return False
    outbox = select(OutboxMessage.id).where(OutboxMessage.message_id == message_id).limit(1)
    if session.scalar(outbox) is not None:
        return True
    ours = select(Communication.id).where(
        Communication.message_id == message_id, Communication.direction == Direction.OUTBOUND
    )
    return session.scalar(ours.limit(1)) is not None


def ticket_replied_to(session: Session, mail: InboundMail) -> tuple[Ticket | None, str]:
    """The ticket ``mail`` answers and the template of our message it answers ("" when
    it answers none of the outbox's, or was matched by number)."""
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
    match = _TICKET_NUMBER.search(mail.subject)
    if match is None:
        return None, ""
    ticket = session.scalars(select(Ticket).where(Ticket.number == int(match[1]))).first()
    if ticket is not None and ticket.customer.email == mail.from_address:
        return ticket, ""
    return None, ""
