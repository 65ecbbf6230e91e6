"""What the composer starts from: the template the next SOP step calls for, rendered
for the ticket and addressed to its customer."""

from __future__ import annotations

from typing import Any

from aiva_desk import clock
from aiva_desk.domain import EscalationLevel, Priority, TicketStatus
from aiva_desk.mail.addresses import mailbox
from aiva_desk.mail.context import Signer, context_for, ticket_context
from aiva_desk.mail.message_templates import info, render_message
from aiva_desk.mail.outbox import OutgoingMessage
from aiva_desk.store.database import Database
from aiva_desk.store.models import Ticket

_NOT_STARTED = (TicketStatus.NEW, TicketStatus.ACKNOWLEDGED, TicketStatus.TRIAGED)
_BY_STATUS = {
    TicketStatus.RESOLVING: "solution",
    TicketStatus.AWAITING_CONFIRMATION: "resolution_confirmation",
    TicketStatus.CLOSED: "resolution_confirmation",
}


def suggested_template(ticket: Ticket) -> str:
    """The SOP's next message: acknowledge first (P1's own), then by workflow step."""
    if ticket.first_response_at is None and ticket.status in _NOT_STARTED:
        return "p1_critical" if ticket.priority is Priority.P1 else "acknowledgment"
    if ticket.status in _BY_STATUS:
        return _BY_STATUS[ticket.status]
    if ticket.escalation_level is not EscalationLevel.NONE and ticket.status in (
        TicketStatus.INVESTIGATING,
        TicketStatus.TRIAGED,
    ):
        return "escalated"
    return "still_investigating"


def compose(
    db: Database,
    ticket_id: int,
    *,
    template: str,
    signer: Signer,
    account_id: int,
) -> OutgoingMessage:
    """A ready-to-edit message: ``template`` rendered for the ticket, to its customer."""
    return _addressed(template, context_for(db, ticket_id, signer), ticket_id, account_id)


def compose_loaded(
    db: Database,
    ticket: Ticket,
    *,
    template: str,
    signer: Signer,
    account_id: int,
) -> OutgoingMessage:
    """:func:`compose` for a ticket already loaded (detached, with its customer, tags,
    log and attachments, as ``TicketService.get`` gives it): rendered from that snapshot
    instead of reading the ticket again."""
    with db.read_session() as session:
        context = ticket_context(session, ticket, signer, clock.now())
    return _addressed(template, context, ticket.id, account_id)


def _addressed(
    template: str, context: dict[str, Any], ticket_id: int, account_id: int
) -> OutgoingMessage:
    message = render_message(template, context)
    customer = mailbox(context["customer_name"], context["customer_email"])
    return OutgoingMessage(
        ticket_id=ticket_id,
        account_id=account_id,
        to=customer if info(template).audience == "customer" else "",
        subject=message.subject,
        body=message.body,
        template=template,
        kind=info(template).kind,
    )
