"""The SOP's escalation procedures: when to escalate (rules evaluated live), the two
escalation forms prefilled from the ticket, and recording an escalation (the messages
it produces are rendered by :mod:`aiva_desk.mail.sop_messages`).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from aiva_desk import clock
from aiva_desk.domain import Direction, EscalationLevel, Priority
from aiva_desk.durations import duration
from aiva_desk.errors import NotFoundError, TransitionRefused, ValidationError
from aiva_desk.sla.policy import IMMEDIATE_ESCALATION
from aiva_desk.store.models import Communication, Escalation, InternalNote, Ticket
from aiva_desk.tickets.escalation_people import ROLE_FOR, resolve_recipient
from aiva_desk.tickets.service import TicketService
from aiva_desk.tickets.workflow import escalation_refusal

H = dt.timedelta(hours=1)


@dataclass(frozen=True)
class Rule:
    key: str
    text: str  # the SOP's words
    level: Priority  # P1 escalate immediately, P2 within 4 h, P3 within 24 h
    automatic: bool  # judged from the ticket; otherwise the agent ticks it
    needs_development: bool = False


RULES = [
    Rule("system_outage", "System-wide outage", Priority.P1, True),
    Rule("security_breach", "Security breach suspected", Priority.P1, False),
    Rule("data_loss", "Data loss or corruption", Priority.P1, False),
    Rule("sla_unresolvable", "Unable to resolve within SLA", Priority.P1, True),
    Rule("customer_upset", "Customer is very upset/threatening to leave", Priority.P1, False),
    Rule("multiple_customers", "Issue affects multiple customers", Priority.P2, False),
    Rule("beyond_knowledge", "Complex technical issue beyond your knowledge", Priority.P2, False),
    Rule("schema_change", "Requires database schema changes", Priority.P2, False, True),
    Rule("code_change", "Requires code changes", Priority.P2, False, True),
    Rule("procedures_exhausted", "Unable to resolve with standard procedures", Priority.P2, False),
    Rule("feature_request", "Feature request that should be tracked", Priority.P3, True, True),
    Rule("dev_bug", "Bug that needs development attention", Priority.P3, False, True),
    Rule("recurring", "Recurring issue that needs permanent fix", Priority.P3, False),
]
RULE_KEYS = {rule.key for rule in RULES}
# "Escalate Immediately" (P1) is a short task, as the SLA clock counts it, not overdue at once.
WITHIN = {Priority.P1: IMMEDIATE_ESCALATION, Priority.P2: 4 * H, Priority.P3: 24 * H}
COMPONENTS = ("API", "Frontend", "Python", "Bridge", "Database")
IMPACTS = ("High", "Medium", "Low")
SENTIMENTS = ("Calm", "Frustrated", "Angry")


def parse_flags(text: str) -> set[str]:
    return {key for key in (part.strip() for part in text.split(",")) if key in RULE_KEYS}


def format_flags(flags: set[str]) -> str:
    return ",".join(sorted(flags & RULE_KEYS))


@dataclass(frozen=True)
class RuleResult:
    rule: Rule
    applies: bool
    why: str  # how it was judged, in words


@dataclass(frozen=True)
class Assessment:
    results: list[RuleResult]
    suggested: Priority | None  # the most urgent level that applies
    target: EscalationLevel
    deadline: dt.datetime | None

    @property
    def applying(self) -> list[RuleResult]:
        return [r for r in self.results if r.applies]


def assess(ticket: Ticket, category_name: str | None, now: dt.datetime) -> Assessment:
    """Evaluate every "When to Escalate" rule for ``ticket`` at ``now``."""
    flags = parse_flags(ticket.escalation_flags or "")
    tags = {tag.name for tag in ticket.tags}
    results = []
    for rule in RULES:
        if rule.key == "system_outage":
            applies = category_name == "System Outage"
            why = f"category is {category_name or 'not set'}"
        elif rule.key == "sla_unresolvable":
            due = ticket.sla_due_at
            applies = bool(due and due <= now and ticket.resolved_at is None)
            why = "the resolution deadline has passed" if applies else "still within the SLA"
        elif rule.key == "feature_request":
            applies = category_name == "Feature Request"
            why = f"category is {category_name or 'not set'}"
        elif rule.key == "recurring" and "recurring" in tags:
            applies, why = True, "tagged recurring"
        else:
            applies = rule.key in flags
            why = "ticked by the agent" if applies else "not ticked"
        results.append(RuleResult(rule, applies, why))
    applying = [r.rule for r in results if r.applies]
    suggested = min((rule.level for rule in applying), default=None)
    needs_dev = any(rule.needs_development for rule in applying)
    target = EscalationLevel.DEVELOPMENT if needs_dev else EscalationLevel.SENIOR_SUPPORT
    deadline = ticket.reported_at + WITHIN[suggested] if suggested else None
    if suggested is not None and ticket.sla_due_at is not None:
        deadline = min(deadline, ticket.sla_due_at)  # at the latest at the breach
    return Assessment(results, suggested, target, deadline)


def deadline_text(due: dt.datetime | None, now: dt.datetime) -> str:
    """The deadline as a mail read later must give it: the moment, then what was left."""
    if due is None:
        return remaining(due, now)
    when = due.astimezone(dt.UTC).strftime("%a %d %b %Y, %H:%M UTC")
    return f"{when} ({remaining(due, now)} when escalated)"


def remaining(due: dt.datetime | None, now: dt.datetime) -> str:
    if due is None:
        return "no deadline set"
    left = due - now
    return f"overdue by {duration(left)}" if left < dt.timedelta(0) else f"{duration(left)} left"


@dataclass
class EscalationForm:
    """Every field of the SOP's two escalation forms (internal and development)."""

    number: int
    subject: str
    brief: str
    priority: str
    customer_name: str
    customer_email: str
    what_we_know: list[str] = field(default_factory=list)
    what_we_tried: list[str] = field(default_factory=list)
    current_status: str = ""
    why: str = ""
    supporting: list[str] = field(default_factory=list)
    business_impact: str = ""  # the agent's judgement: chosen in the form, never guessed
    customer_sentiment: str = ""
    sla_remaining: str = ""
    # development form
    issue_type: str = "Bug"  # Bug / Feature Request / Performance
    description: str = ""
    reproduction_steps: str = ""
    expected: str = ""
    actual: str = ""
    component: str = ""
    error_message: str = ""
    log_excerpts: str = ""
    database_state: str = ""
    workaround: str = ""
    priority_justification: str = ""
    customer_impact: str = ""
    attachments: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        return dataclasses.asdict(self)


def prefill(ticket: Ticket, assessment: Assessment, now: dt.datetime) -> EscalationForm:
    """The form filled from what the ticket already knows (needs loaded relationships)."""
    customer = ticket.customer
    priority = ticket.priority.name if ticket.priority else "P4"
    log = ticket.troubleshooting
    why = "; ".join(r.rule.text for r in assessment.applying) or "Needs specialist attention"
    feature = any(r.rule.key == "feature_request" for r in assessment.applying)
    return EscalationForm(
        number=ticket.number,
        subject=ticket.subject,
        brief=ticket.subject,
        priority=priority,
        customer_name=customer.name,
        customer_email=customer.email,
        what_we_know=[f"Root cause: {ticket.root_cause}"] * bool(ticket.root_cause.strip())
        + [e.found for e in log if e.found.strip()],
        what_we_tried=[f"{e.action} → {e.found or 'no result noted'}" for e in log if e.action],
        current_status=f"{ticket.status.label}" + (f"; last step: {log[-1].action}" if log else ""),
        why=why,
        supporting=[a.filename for a in ticket.attachments]
        + [
            text
            for text in (ticket.error_messages, ticket.console_errors, ticket.network_errors)
            if text.strip()
        ],
        sla_remaining=deadline_text(ticket.sla_due_at, now),
        issue_type="Feature Request" if feature else "Bug",
        description=ticket.description,
        reproduction_steps=ticket.reproduction_steps,
        expected=ticket.expected_behavior,
        actual=ticket.actual_behavior,
        error_message=ticket.error_messages,
        log_excerpts="\n".join(t for t in (ticket.console_errors, ticket.network_errors) if t),
        priority_justification=f"{priority}: {why}",
        customer_impact=f"{ticket.users_affected or 'Unknown number of'} user(s) affected",
        attachments=[a.filename for a in ticket.attachments],
    )


def missing_fields(form: EscalationForm, target: EscalationLevel) -> list[str]:
    """Fields the SOP's form needs that are still empty."""
    required = ["why", "current_status", "business_impact", "customer_sentiment"]
    if target is EscalationLevel.DEVELOPMENT:
        required += ["description", "component", "priority_justification", "customer_impact"]
    labels = {
        "why": "Why escalating",
        "current_status": "Current status",
        "business_impact": "Business impact",
        "customer_sentiment": "Customer sentiment",
        "description": "Description",
        "component": "Component",
        "priority_justification": "Priority justification",
        "customer_impact": "Customer impact",
    }
    return [labels[name] for name in required if not str(getattr(form, name)).strip()]


# -- recording -------------------------------------------------------------------------


def set_flags(service: TicketService, ticket_id: int, flags: set[str]) -> int:
    """Store the "When to Escalate" conditions the agent ticked (audited)."""

    def change(_session: Session, ticket: Ticket) -> None:
        ticket.escalation_flags = format_flags(flags)

    return service.write_ticket(ticket_id, None, change)


def escalate(
    service: TicketService,
    ticket_id: int,
    *,
    target: EscalationLevel,
    form: EscalationForm,
    internal_note: str,
    customer_draft: tuple[str, str],
    to_staff_id: int | None = None,
) -> int:
    """Record the escalation (level, who, when, why, to whom, the form), mark the ticket,
    keep the internal message as a note and the customer's "Escalated" message (subject,
    body) as a draft. :func:`aiva_desk.mail.sop_messages.escalate` renders both.

    ``to_staff_id`` names who takes it (``None``: the role's queue). Senior support takes
    the ticket over (assigned to them); development is added beside the support owner,
    who stays assigned and keeps talking to the customer.
    """
    missing = missing_fields(form, target)
    if missing:
        raise ValidationError({name: f"{name} is required." for name in missing})
    draft_subject, draft_body = customer_draft

    def change(session: Session, ticket: Ticket) -> None:
        if refusal := escalation_refusal(ticket, target, form.why):
            raise TransitionRefused("Escalate", [refusal])
        to = resolve_recipient(session, target, to_staff_id)
        now = clock.now()
        ticket.escalation_level = target
        if to is not None and target is EscalationLevel.SENIOR_SUPPORT:
            ticket.assignee_id = to.id
        ticket.escalations.append(
            Escalation(
                level=target,
                reason=form.why.strip(),
                by_name=service.actor,
                at=now,
                form_json=json.dumps(form.to_dict()),
                to_staff_id=to.id if to is not None else None,
                to_role=ROLE_FOR[target].value,
            )
        )
        ticket.notes.append(InternalNote(body=internal_note, at=now))
        ticket.communications.append(
            Communication(
                direction=Direction.OUTBOUND,
                kind="Escalated",
                draft=True,
                at=now,
                subject=draft_subject,
                body=draft_body,
                recipients=ticket.customer.email,
            )
        )

    return service.write_ticket(ticket_id, None, change)


def acknowledge(service: TicketService, ticket_id: int, escalation_id: int) -> int:
    """The senior or developer took the escalation on."""

    def change(session: Session, ticket: Ticket) -> None:
        escalation = session.get(Escalation, escalation_id)
        if escalation is None or escalation.ticket_id != ticket.id:
            raise NotFoundError("That escalation no longer exists.")
        if escalation.acknowledged_at is None:
            escalation.acknowledged_at = clock.now()
            escalation.acknowledged_by = service.actor
            ticket.updated_at = escalation.acknowledged_at

    return service.write_ticket(ticket_id, None, change)


def de_escalate(service: TicketService, ticket_id: int, reason: str) -> int:
    """Hand the ticket back: the escalation ends, its history stays."""
    if not reason.strip():
        raise ValidationError({"reason": "Say why the ticket is handed back."})

    def change(_session: Session, ticket: Ticket) -> None:
        if ticket.escalation_level is EscalationLevel.NONE:
            raise TransitionRefused("De-escalate", ["The ticket is not escalated."])
        now = clock.now()
        for escalation in ticket.escalations:
            if escalation.ended_at is None:
                escalation.ended_at, escalation.ended_by = now, service.actor
        ticket.escalation_level = EscalationLevel.NONE
        ticket.notes.append(InternalNote(body=f"De-escalated: {reason.strip()}", at=now))

    return service.write_ticket(ticket_id, None, change)
