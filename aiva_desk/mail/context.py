"""The variables every message template can use, built from one ticket.

One builder for all templates (composer, template preview, escalation and
request-for-information drafts), so a template that renders in the editor's
preview renders the same way when it is sent.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session, selectinload

from aiva_desk import clock
from aiva_desk.domain import EscalationLevel, Priority
from aiva_desk.errors import NotFoundError
from aiva_desk.mail.subjects import original_subject
from aiva_desk.sla.settings_store import load_policy_set
from aiva_desk.store.database import Database
from aiva_desk.store.models import Customer, Ticket
from aiva_desk.tickets import escalation
from aiva_desk.tickets.checklists import states_for, unanswered_questions

# The customer's wording of a resolution (the resolution panel's Communicate step): the
# only ticket text customer templates quote. Root cause, log findings, steps taken and
# error messages are internal and stay in the internal escalation forms.
CUSTOMER_WORDING = ("customer_explanation", "customer_fix", "customer_steps", "customer_prevention")
FOUND_GAP = "[[ What we found so far, in plain words for the customer ]]"
# The agent's own thanks ("Thank you for…", "Thanks for…", not "thanks to the fix") and
# request to confirm ("Please confirm…", "Could you confirm…?", not "we confirmed it").
_THANKS = re.compile(r"\b(?:thank you|thanks for|thanks again|many thanks)\b", re.IGNORECASE)
_CONFIRM = re.compile(
    r"\b(?:please|could you|can you|would you|kindly|let us know)\b[^.!?\n]*\bconfirm"
    r"|\bconfirm\b[^.!\n]*\?",
    re.IGNORECASE,
)

TEXT_FIELDS = (
    "description",
    "expected_behavior",
    "actual_behavior",
    "reproduction_steps",
    "error_messages",
    "root_cause",
    "solution",
    "steps_taken",
    "verification",
    "prevention",
    *CUSTOMER_WORDING,
)


@dataclass(frozen=True)
class Signer:
    """Who a message is from, as the templates name them."""

    name: str = "AIVA Support Team"
    email: str = ""  # the agent's own address ("Direct Contact")
    support_email: str = ""  # the team address under "AIVA Support Team"
    signature: str = ""


def spelled(delta: dt.timedelta) -> str:
    """``30 minutes``, ``2 hours``, ``3 days``: how a customer reads a promise."""
    minutes = round(delta.total_seconds() / 60)

    def unit(count: int, word: str) -> str:
        return f"{count} {word}" + ("" if count == 1 else "s")

    if minutes % (24 * 60) == 0 and minutes >= 48 * 60:
        return unit(minutes // (24 * 60), "day")
    if minutes % 60 == 0 and minutes:
        return unit(minutes // 60, "hour")
    return unit(minutes, "minute")


def format_moment(moment: dt.datetime, tz_name: str) -> str:
    """``Thu 26 Nov 2026, 14:30 CET``: unambiguous for a customer in another zone."""
    local = moment.astimezone(ZoneInfo(tz_name))
    return local.strftime("%a %d %b %Y, %H:%M ") + (local.tzname() or tz_name)


def wording(ticket: Ticket) -> dict[str, bool]:
    """Whether the customer's wording already thanks them or asks them to confirm, so a
    template adds its own sentence only where the agent's text does not say it."""
    text = "\n".join(getattr(ticket, name) or "" for name in CUSTOMER_WORDING)
    return {"thanks": bool(_THANKS.search(text)), "asks_to_confirm": bool(_CONFIRM.search(text))}


def _escalation_defaults(ticket: Ticket, next_update: str) -> dict[str, str]:
    """The customer's "Escalated" notice: what was found comes from the customer's wording
    (a gap to fill until there is some), never from the internal log."""
    development = ticket.escalation_level is EscalationLevel.DEVELOPMENT
    team = "development team" if development else "senior team"
    return {
        "team": team,
        "found": (ticket.customer_explanation or "").strip() or FOUND_GAP,
        "next_steps": f"Our {team} is investigating and will work on a fix.",
        "timeline": f"We expect an update by {next_update}.",
        "workaround": "",
    }


def promised_times(session: Session, ticket: Ticket, now: dt.datetime) -> tuple[str, str]:
    """What the customer is promised: the first response ("within 2 hours", or "by Tue
    08 Dec 2026, 11:00 CET" when the SLA calendar's hours put it later) and the next
    update, on the same clocks as the ticket's own deadlines."""
    policy, calendar = load_policy_set(session.connection()).for_priority(
        ticket.priority or Priority.P4
    )
    next_update = calendar.add(now, policy.update_every or policy.first_response)
    first_response = calendar.add(ticket.reported_at or now, policy.first_response)
    if first_response - now > policy.first_response + dt.timedelta(minutes=1):
        expected = f"by {format_moment(first_response, calendar.tz_name)}"
    else:
        expected = f"within {spelled(policy.first_response)}"
    return expected, format_moment(next_update, calendar.tz_name)


def next_update_for(db: Database, ticket_id: int) -> str:
    """When the customer hears from us next about ``ticket_id``, as the mails say it."""
    with db.read_session() as session:
        ticket = session.get(Ticket, ticket_id)
        if ticket is None:
            raise NotFoundError(f"Ticket id {ticket_id} does not exist.")
        return promised_times(session, ticket, clock.now())[1]


def ticket_context(
    session: Session, ticket: Ticket, signer: Signer, now: dt.datetime
) -> dict[str, Any]:
    """Every variable the shipped templates use (and more), for ``ticket`` at ``now``."""
    priority = ticket.priority or Priority.P4
    expected_response, next_update = promised_times(session, ticket, now)
    customer = session.get(Customer, ticket.customer_id)
    assert customer is not None
    category = ticket.category.name if ticket.category else ""
    subject = original_subject(ticket.subject, ticket.number)
    questions = unanswered_questions(states_for(session, ticket)) or [
        "Could you describe what you see in a little more detail?"
    ]
    form = escalation.prefill(ticket, escalation.assess(ticket, category or None, now), now)
    found = [entry.found for entry in ticket.troubleshooting if entry.found.strip()]
    return {
        "number": ticket.number,
        "subject": subject,
        "customer_name": customer.name,
        "customer_email": customer.email,
        "organization": customer.organization.name if customer.organization else "",
        "priority": priority.name,
        "priority_label": f"{priority.name} - {priority.meaning}",
        "category": category,
        "status": ticket.status.label,
        "expected_response": expected_response,
        "next_update": next_update,
        "agent_name": signer.name,
        "agent_email": signer.email,
        "support_email": signer.support_email,
        "signature": signer.signature,
        "ticket": {name: getattr(ticket, name) or "" for name in TEXT_FIELDS},
        "questions": questions,
        "latest_finding": found[-1] if found else "",  # internal: for staff templates only
        "wording": wording(ticket),
        "escalation": _escalation_defaults(ticket, next_update),
        "f": form,
    }


def context_for(db: Database, ticket_id: int, signer: Signer) -> dict[str, Any]:
    """:func:`ticket_context` in a read session of its own."""
    with db.read_session() as session:
        ticket = session.get(
            Ticket,
            ticket_id,
            options=[selectinload(Ticket.troubleshooting), selectinload(Ticket.tags)],
        )
        if ticket is None:
            raise NotFoundError(f"Ticket id {ticket_id} does not exist.")
        return ticket_context(session, ticket, signer, clock.now())
