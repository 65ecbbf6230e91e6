"""The SOP's messages that other features produce: the internal and development escalation
forms, the customer's "Escalated" notice, and the Request for Information.

They live with the mail rather than with the tickets so that tickets never depend on
mail: mail renders, the ticket service records.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from aiva_desk.domain import EscalationLevel
from aiva_desk.mail.context import FOUND_GAP, Signer, context_for
from aiva_desk.mail.message_templates import render_message, split_message
from aiva_desk.mail.subjects import original_subject
from aiva_desk.tickets import escalation
from aiva_desk.tickets.escalation import EscalationForm

if TYPE_CHECKING:
    from aiva_desk.store.database import Database
    from aiva_desk.tickets.service import TicketService


def internal_message(
    form: EscalationForm, target: EscalationLevel, context: dict[str, Any] | None = None
) -> str:
    """The SOP's internal or development escalation form as a message (``Subject:`` first).

    ``context`` is the ticket's template context (:mod:`aiva_desk.mail.context`), so an
    agent's edited template may use any variable the template editor offers.
    """
    key = (
        "escalation_development" if target is EscalationLevel.DEVELOPMENT else "escalation_internal"
    )
    return render_message(key, {**(context or {}), "f": form}).as_text()


def customer_message(
    form: EscalationForm,
    target: EscalationLevel,
    *,
    agent_name: str,
    next_update: str,
    context: dict[str, Any] | None = None,
) -> str:
    """The "Escalated" message to the customer, from the form as the agent filled it.

    What was found comes from the ticket's customer wording in ``context``, never from
    the form's internal findings; without it the message keeps a gap to fill.
    """
    team = "development team" if target is EscalationLevel.DEVELOPMENT else "senior team"
    found = (context or {}).get("escalation", {}).get("found") or FOUND_GAP
    values = {
        **(context or {}),
        "subject": original_subject(form.subject, form.number),
        "number": form.number,
        "customer_name": form.customer_name,
        "agent_name": agent_name,
        "next_update": next_update,
        "signature": (context or {}).get("signature", ""),
        "escalation": {
            "team": team,
            "found": found,
            "next_steps": f"Our {team} is investigating and will work on a fix.",
            "timeline": f"We expect an update by {next_update}.",
            "workaround": form.workaround,
        },
    }
    return render_message("escalated", values).as_text()


def escalate(
    service: TicketService,
    ticket_id: int,
    *,
    target: EscalationLevel,
    form: EscalationForm,
    customer_draft: str,
) -> int:
    """Escalate with the internal form kept as a note and the customer's "Escalated"
    message (``Subject:`` line first, as the agent edited it) kept as a draft."""
    draft = split_message(customer_draft, "the Escalated message")
    return escalation.escalate(
        service,
        ticket_id,
        target=target,
        form=form,
        internal_note=internal_message(form, target),
        customer_draft=(draft.subject, draft.body),
    )


def request_information_draft(
    db: Database, ticket_id: int, signer: Signer | None = None
) -> tuple[str, str]:
    """(subject, body) of the SOP's Request for Information message for this ticket."""
    message = render_message("request_information", context_for(db, ticket_id, signer or Signer()))
    return message.subject, message.body
