"""One ticket in the exact structure of the SOP's "Support Ticket Template", as
Markdown or HTML (the GUI turns the HTML into a paginated PDF).

Every section is always present; an empty one says "—", never a placeholder.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from aiva_desk.domain import Satisfaction
from aiva_desk.durations import duration
from aiva_desk.errors import NotFoundError
from aiva_desk.store.models import Ticket
from aiva_desk.template_engine import render
from aiva_desk.tickets.service import TicketService

EMPTY = "—"
FORMATS = ("md", "html")
# Characters of one text field shown in a report: laying out a PDF costs seconds per
# megabyte, so a 10 MB description is cut here and the report still comes in seconds.
MAX_FIELD_CHARS = 100_000


def moment(value: dt.datetime | None) -> str:
    return value.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M UTC") if value else EMPTY


def bounded(value: str) -> str:
    """``value`` cut at :data:`MAX_FIELD_CHARS`, saying how much more the app holds."""
    if len(value) <= MAX_FIELD_CHARS:
        return value
    more = len(value) - MAX_FIELD_CHARS
    note = f"(truncated: {more:,} more characters; the full text is in the app)"
    return f"{value[:MAX_FIELD_CHARS]}\n{note}"


def text(value: object) -> str:
    shown = "" if value is None else str(value).strip()
    return bounded(shown) or EMPTY


def _steps(value: str) -> list[str]:
    """Numbered lines of a steps field, without the agent's own numbering."""
    lines = [line.strip() for line in bounded(value or "").splitlines() if line.strip()]
    return [
        line.split(".", 1)[1].strip() if line.split(".", 1)[0].isdigit() else line for line in lines
    ]


def _yes_no(value: bool | None) -> str:
    return EMPTY if value is None else ("Yes" if value else "No")


def _minutes(value: int | None) -> str:
    return duration(dt.timedelta(minutes=value)) if value else EMPTY


def report_data(ticket: Ticket) -> dict[str, Any]:
    """The ticket as the SOP template's sections (needs the relationships loaded)."""
    customer = ticket.customer
    satisfied = {
        Satisfaction.YES: "Yes",
        Satisfaction.NO: "No",
        Satisfaction.PENDING: "Pending",
    }[ticket.customer_satisfied]
    if ticket.satisfaction_score is not None:
        satisfied += f" (score {ticket.satisfaction_score}/5)"
    resolution_time = ticket.time_to_resolution
    return {
        "number": ticket.number,
        "subject": bounded(ticket.subject),
        "customer": {
            "Name": text(customer.name),
            "Email": text(customer.email),
            "Organization": text(customer.organization.name if customer.organization else ""),
            "User Role": text(customer.role.value if customer.role else ""),
            "Tenant ID": text(customer.tenant_id),
        },
        "details": {
            "Category": text(ticket.category.name if ticket.category else ""),
            "Priority": text(ticket.priority.name if ticket.priority else ""),
            "Reported": moment(ticket.reported_at),
            "SLA Deadline": moment(ticket.sla_due_at),
        },
        "description": text(ticket.description),
        "expected": text(ticket.expected_behavior),
        "actual": text(ticket.actual_behavior),
        "reproduction": _steps(ticket.reproduction_steps),
        "technical": {
            "Agent ID": text(ticket.agent_ref),
            "Knowledge Base ID": text(ticket.knowledge_base_ref),
            "Browser": text(ticket.browser),
            "OS": text(ticket.operating_system),
            "Error Messages": text(ticket.error_messages),
        },
        "troubleshooting": [
            {
                "at": moment(entry.at),
                "title": text(entry.title) if entry.title.strip() else "Investigation",
                "checked": text(entry.checked),
                "found": text(entry.found),
                "action": text(entry.action),
            }
            for entry in ticket.troubleshooting
        ],
        "resolution": {
            "Root Cause": text(ticket.root_cause),
            "Solution": text(ticket.solution),
            "Verification": text(ticket.verification),
            "Prevention": text(ticket.prevention),
        },
        "steps_taken": _steps(ticket.steps_taken),
        "customer_wording": {  # what the Solution mail tells the customer
            "What Was Wrong": text(ticket.customer_explanation),
            "What We Fixed": text(ticket.customer_fix),
            "What the Customer Needs to Do": text(ticket.customer_steps),
            "How to Avoid It": text(ticket.customer_prevention),
        },
        "has_customer_wording": any(
            (value or "").strip()
            for value in (
                ticket.customer_explanation,
                ticket.customer_fix,
                ticket.customer_steps,
                ticket.customer_prevention,
            )
        ),
        "communications": [
            {
                "at": moment(message.at),
                "kind": text(message.kind),
                "direction": message.direction.value,
                "subject": text(message.subject),
                "body": text(message.body),
            }
            for message in ticket.communications
            if not message.draft  # never sent: not part of what the customer was told
        ],
        "closure": {
            "Resolved": moment(ticket.resolved_at),
            "Time to Resolution": duration(resolution_time) if resolution_time else EMPTY,
            "SLA Met": _yes_no(ticket.sla_met),
            "Customer Satisfied": satisfied,
            "Added to KB": _yes_no(ticket.added_to_kb),
            "Closure Reason": text(ticket.closure_reason.label if ticket.closure_reason else ""),
            "Time Spent": _minutes(ticket.time_spent_minutes),
        },
        "override": text(ticket.close_override_reason),
        "has_override": bool((ticket.close_override_reason or "").strip()),
        "satisfaction_comment": text(ticket.satisfaction_comment),
    }


def render_ticket_report(service: TicketService, number: int, fmt: str) -> str:
    """The SOP ticket report of ticket ``number`` as Markdown (``md``) or HTML."""
    if fmt not in FORMATS:
        raise NotFoundError(f"Ticket reports come as {' or '.join(FORMATS)}, not “{fmt}”.")
    ticket = service.get(service.id_for_number(number))
    return render(f"reports/ticket.{fmt}.j2", t=report_data(ticket))
