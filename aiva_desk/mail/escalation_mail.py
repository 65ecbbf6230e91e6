"""Escalating reaches a person: the escalation is recorded, then the SOP's internal (or
development) escalation form is e-mailed through the outbox to whoever takes it — the
named colleague, or everyone of the role when it went to the role's queue.

The escalation is recorded first and never undone by the mail: without a mail account
(or without an address to write to) the form stays as the ticket's internal note and
the outcome says so in one line.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from aiva_desk.domain import EscalationLevel
from aiva_desk.errors import AivaError
from aiva_desk.mail.message_templates import split_message
from aiva_desk.mail.outbox import INTERNAL_KIND, OutgoingMessage
from aiva_desk.mail.sop_messages import internal_message
from aiva_desk.tickets import escalation
from aiva_desk.tickets.escalation import EscalationForm
from aiva_desk.tickets.escalation_people import QUEUE_LABEL, ROLE_FOR, people_by_level

if TYPE_CHECKING:
    from aiva_desk.mail.service import MailService


@dataclass(frozen=True)
class EscalationOutcome:
    ticket_id: int
    to: str  # who takes it, in words
    outbox_id: int | None  # the internal e-mail queued, if it could be
    notice: str  # one line for the agent


def escalate_to(
    mail: MailService,
    ticket_id: int,
    *,
    target: EscalationLevel,
    form: EscalationForm,
    customer_draft: str,
    to_staff_id: int | None,
) -> EscalationOutcome:
    """Record the escalation to ``to_staff_id`` (``None``: the role's queue) and queue
    the internal e-mail to them (blocks on the database: run it off the GUI thread)."""
    draft = split_message(customer_draft, "the Escalated message")
    internal = internal_message(form, target)
    escalation.escalate(
        mail.tickets,
        ticket_id,
        target=target,
        form=form,
        internal_note=internal,
        customer_draft=(draft.subject, draft.body),
        to_staff_id=to_staff_id,
    )
    people = people_by_level(mail.db)[target]
    named = [p for p in people if p.id == to_staff_id]
    to = named[0].name if named else QUEUE_LABEL[ROLE_FOR[target]]
    recipients = [p for p in (named or people) if p.email.strip()]
    if not recipients:
        why = "no e-mail address" if named or people else "nobody of that role on the staff list"
        return EscalationOutcome(
            ticket_id, to, None, f"Escalated to {to}, not e-mailed: {why} (Settings → Staff)."
        )
    account = mail.default_account()
    if account is None:
        return EscalationOutcome(
            ticket_id,
            to,
            None,
            f"Escalated to {to}, not e-mailed: no mail account is set up "
            "(Settings → Mail); the form is kept as an internal note.",
        )
    message = split_message(internal, "the escalation e-mail")
    key = (
        "escalation_development" if target is EscalationLevel.DEVELOPMENT else "escalation_internal"
    )
    try:
        outbox_id = mail.outbox.queue(
            OutgoingMessage(
                ticket_id=ticket_id,
                account_id=account.id,
                to=", ".join(f'"{p.name}" <{p.email}>' for p in recipients),
                subject=message.subject,
                body=message.body,
                template=key,
                kind=INTERNAL_KIND,
                threaded=False,
            )
        )
    except AivaError as exc:
        return EscalationOutcome(ticket_id, to, None, f"Escalated to {to}, not e-mailed: {exc}")
    return EscalationOutcome(ticket_id, to, outbox_id, f"Escalated to {to}; e-mail queued.")
