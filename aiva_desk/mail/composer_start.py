"""Where the composer starts: a template rendered for a ticket, a message taken back
from the outbox, or a draft of the communication log turned into a message.

Qt-free, and blocking on the database: the GUI calls it on a worker thread. The ticket
is read once; the suggested template, a log draft and the rendered message all come
from that snapshot, which the composer then keeps (its title, the files it offers).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from aiva_desk.errors import NotFoundError
from aiva_desk.mail.accounts import Account
from aiva_desk.mail.addresses import mailbox
from aiva_desk.mail.composer import compose, compose_loaded, suggested_template
from aiva_desk.mail.message_templates import CATALOG, info
from aiva_desk.mail.outbox import OutgoingMessage
from aiva_desk.mail.service import MailService
from aiva_desk.store.mail_models import OutboxState
from aiva_desk.store.models import Ticket
from aiva_desk.tickets.service import TicketService

CUSTOMER_TEMPLATES = tuple(t for t in CATALOG if t.audience == "customer")


@dataclass(frozen=True)
class ComposerStart:
    """What the composer opens with."""

    ticket: Ticket
    accounts: list[Account]
    suggested: str
    message: OutgoingMessage
    requeue: OutgoingMessage | None = None  # a queued message taken back: queued again on cancel


def render_for(
    mail: MailService, ticket_id: int, template: str, account: Account
) -> OutgoingMessage:
    """``template`` rendered for the ticket, signed for ``account`` (reads the database)."""
    return compose(
        mail.db, ticket_id, template=template, signer=mail.signer(account), account_id=account.id
    )


def template_for_kind(kind: str) -> str:
    """The customer template whose messages carry the log label ``kind`` ("" if none)."""
    wanted = kind.strip().casefold()
    return next((t.key for t in CUSTOMER_TEMPLATES if t.kind.casefold() == wanted), "")


def message_from_draft(ticket: Ticket, communication_id: int, account: Account) -> OutgoingMessage:
    """A draft of the communication log (Request for Information, Escalated) as a message."""
    draft = next((c for c in ticket.communications if c.id == communication_id and c.draft), None)
    if draft is None:
        raise NotFoundError(
            "That draft is no longer in the communication log (it may have been sent already)."
        )
    subject, body = draft.subject, draft.body
    first, _, rest = body.partition("\n")
    if first.startswith("Subject:"):  # older escalation drafts kept it in the text
        subject = subject or first.removeprefix("Subject:").strip()
        body = rest.lstrip("\n")
    customer = ticket.customer
    recipients = draft.recipients.strip()
    to = recipients
    if recipients in ("", customer.email):
        to = mailbox(customer.name, customer.email)
    template = template_for_kind(draft.kind)
    return OutgoingMessage(
        ticket_id=ticket.id,
        account_id=account.id,
        to=to,
        subject=subject,
        body=body,
        template=template,
        kind=info(template).kind if template else (draft.kind or "Update"),
        replaces_draft_id=draft.id,
    )


def start_message(
    tickets: TicketService,
    mail: MailService,
    ticket_id: int,
    *,
    template: str | None,
    outbox_id: int | None,
    draft_communication_id: int | None,
) -> ComposerStart:
    """Everything the composer needs (blocks on the database; reads the ticket once).

    Taking back an outbox message makes it a draft while it is edited; a queued one is
    remembered so that cancelling queues it again.
    """
    account = mail.require_account()  # first: without an account nothing is changed
    ticket = tickets.get(ticket_id)  # the one read of the ticket: passed down from here
    accounts = mail.accounts()
    suggested = suggested_template(ticket)
    requeue = None
    if outbox_id is not None:
        before = [
            item
            for item in mail.outbox.items(tuple(OutboxState), ticket_id=ticket_id)
            if item.id == outbox_id
        ]
        message, _ = mail.outbox.reopen(outbox_id)
        if before and before[0].state is OutboxState.QUEUED:
            requeue = message
        if not any(a.id == message.account_id for a in accounts):
            message = replace(message, account_id=account.id)  # its account was removed
    elif draft_communication_id is not None:
        message = message_from_draft(ticket, draft_communication_id, account)
    else:
        message = compose_loaded(
            mail.db,
            ticket,
            template=template or suggested,
            signer=mail.signer(account),
            account_id=account.id,
        )
    return ComposerStart(ticket, accounts, suggested, message, requeue)
