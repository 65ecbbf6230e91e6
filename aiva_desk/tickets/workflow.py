"""The SOP's 7-step ticket workflow as explicit states and guarded transitions.

Pure logic over any object with the ticket's fields: no database, no Qt. A
refused step always comes with reasons written for the agent. Guards are
pluggable, so later features (checklists, close gates) add their own.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from aiva_desk.domain import EscalationLevel, TicketStatus
from aiva_desk.errors import TransitionRefused

S = TicketStatus


class Action(enum.StrEnum):
    ACKNOWLEDGE = "acknowledge"
    TRIAGE = "triage"
    START_INVESTIGATION = "start_investigation"
    REQUEST_INFORMATION = "request_information"
    CUSTOMER_REPLIED = "customer_replied"
    START_RESOLUTION = "start_resolution"
    SEND_SOLUTION = "send_solution"
    SOLUTION_REJECTED = "solution_rejected"
    CLOSE = "close"
    REOPEN = "reopen"


class TicketLike(Protocol):
    status: TicketStatus
    category_id: int | None
    priority: Any
    sla_due_at: dt.datetime | None
    solution: str
    root_cause: str
    resolved_at: dt.datetime | None
    closed_at: dt.datetime | None
    acknowledged_at: dt.datetime | None
    sla_met: bool | None
    reopen_count: int
    escalation_level: EscalationLevel


@dataclass(frozen=True)
class Transition:
    action: Action
    label: str  # the button text
    sources: frozenset[TicketStatus]
    target: TicketStatus
    sop_step: str  # which SOP step this is, for tooltips and help


TRANSITIONS: tuple[Transition, ...] = (
    Transition(
        Action.ACKNOWLEDGE,
        "Acknowledge",
        frozenset({S.NEW}),
        S.ACKNOWLEDGED,
        "1. Acknowledge (< 30 minutes): reply and set expectations",
    ),
    Transition(
        Action.TRIAGE,
        "Triage",
        frozenset({S.ACKNOWLEDGED}),
        S.TRIAGED,
        "2. Categorize & prioritize: category, priority and due date",
    ),
    Transition(
        Action.START_INVESTIGATION,
        "Start investigation",
        frozenset({S.TRIAGED, S.REOPENED}),
        S.INVESTIGATING,
        "3. Initial investigation: gather information, reproduce, check the KB",
    ),
    Transition(
        Action.REQUEST_INFORMATION,
        "Request information",
        frozenset({S.ACKNOWLEDGED, S.TRIAGED, S.INVESTIGATING, S.RESOLVING, S.REOPENED}),
        S.WAITING_ON_CUSTOMER,
        "Ask the customer for what is missing",
    ),
    Transition(
        Action.CUSTOMER_REPLIED,
        "Customer replied",
        frozenset({S.WAITING_ON_CUSTOMER}),
        S.INVESTIGATING,
        "The customer answered: continue the investigation",
    ),
    Transition(
        Action.START_RESOLUTION,
        "Attempt resolution",
        frozenset({S.INVESTIGATING}),
        S.RESOLVING,
        "4. Attempt resolution: follow the guide, test, document",
    ),
    Transition(
        Action.SEND_SOLUTION,
        "Send solution",
        frozenset({S.RESOLVING}),
        S.AWAITING_CONFIRMATION,
        "5. Respond to customer: explain the solution, ask for confirmation",
    ),
    Transition(
        Action.SOLUTION_REJECTED,
        "Not fixed",
        frozenset({S.AWAITING_CONFIRMATION}),
        S.INVESTIGATING,
        "6. Verify resolution: the customer says it is not fixed",
    ),
    Transition(
        Action.CLOSE,
        "Close",
        frozenset({S.AWAITING_CONFIRMATION}),
        S.CLOSED,
        "7. Close: document the resolution, update the KB, request feedback",
    ),
    Transition(
        Action.REOPEN,
        "Reopen",
        frozenset({S.CLOSED}),
        S.REOPENED,
        "The problem came back: reopen and investigate again",
    ),
)
TRANSITION_BY_ACTION = {t.action: t for t in TRANSITIONS}

Guard = Callable[[TicketLike], str | None]
"""A guard returns ``None`` to allow a step, or the reason it is refused."""


def transition_for(action: Action) -> Transition:
    """The one transition that takes ``action``."""
    return next(t for t in TRANSITIONS if t.action is action)


def _needs_triage_fields(ticket: TicketLike) -> str | None:
    missing = [
        name
        for name, value in (
            ("a category", ticket.category_id),
            ("a priority", ticket.priority),
            ("a due date", ticket.sla_due_at),
        )
        if value is None
    ]
    if missing:
        return f"Set {', '.join(missing)} before triaging (SOP step 2)."
    return None


def _needs_solution(ticket: TicketLike) -> str | None:
    if not (ticket.solution or "").strip():
        return "Write the solution before sending it to the customer (SOP step 5)."
    return None


class Overlay:
    """A ticket seen with unsaved values on top, so guards judge what the agent sees."""

    def __init__(self, ticket: TicketLike, values: dict[str, Any]) -> None:
        self.__dict__["_ticket"] = ticket
        self.__dict__["_values"] = values

    def __getattr__(self, name: str) -> Any:
        values = self.__dict__["_values"]
        return values[name] if name in values else getattr(self.__dict__["_ticket"], name)


class Workflow:
    """States, transitions and guards; one instance is shared by the app."""

    def __init__(self) -> None:
        self._guards: dict[Action, list[Guard]] = {action: [] for action in Action}
        self.add_guard(Action.TRIAGE, _needs_triage_fields)
        self.add_guard(Action.SEND_SOLUTION, _needs_solution)

    def add_guard(self, action: Action, guard: Guard) -> None:
        self._guards[Action(action)].append(guard)

    def next_steps(self, ticket: TicketLike) -> list[Transition]:
        """The transitions that start from the ticket's current state (allowed or not)."""
        return [t for t in TRANSITIONS if ticket.status in t.sources]

    def refusal_reasons(self, ticket: TicketLike, action: Action) -> list[str]:
        transition = TRANSITION_BY_ACTION[Action(action)]
        if ticket.status not in transition.sources:
            allowed = " or ".join(sorted(s.label for s in transition.sources))
            return [f"The ticket is {ticket.status.label}; this step needs it to be {allowed}."]
        return [reason for guard in self._guards[transition.action] if (reason := guard(ticket))]

    def apply(self, ticket: TicketLike, action: Action, now: dt.datetime) -> Transition:
        """Move ``ticket`` along ``action`` or raise :class:`TransitionRefused`."""
        transition = TRANSITION_BY_ACTION[Action(action)]
        reasons = self.refusal_reasons(ticket, transition.action)
        if reasons:
            raise TransitionRefused(transition.label, reasons)
        _apply_side_effects(ticket, transition.action, now)
        ticket.status = transition.target
        return transition

    def override(self, ticket: TicketLike, action: Action, now: dt.datetime) -> Transition:
        """Take a step without its guards or state check: only for audited overrides."""
        transition = TRANSITION_BY_ACTION[Action(action)]
        _apply_side_effects(ticket, transition.action, now)
        ticket.status = transition.target
        return transition


def _apply_side_effects(ticket: TicketLike, action: Action, now: dt.datetime) -> None:
    if action is Action.ACKNOWLEDGE:
        ticket.acknowledged_at = now
    elif action is Action.SEND_SOLUTION:
        ticket.resolved_at = now
    elif action is Action.SOLUTION_REJECTED:
        ticket.resolved_at = None
    elif action is Action.CLOSE:
        ticket.closed_at = now
        resolved = ticket.resolved_at or now
        ticket.sla_met = None if ticket.sla_due_at is None else resolved <= ticket.sla_due_at
    elif action is Action.REOPEN:
        ticket.reopen_count += 1
        ticket.closed_at = None
        ticket.resolved_at = None
        ticket.sla_met = None


def escalation_refusal(ticket: TicketLike, level: EscalationLevel, reason: str) -> str | None:
    """Why an escalation to ``level`` is not possible, or ``None``."""
    if ticket.status is TicketStatus.CLOSED:
        return "A closed ticket cannot be escalated; reopen it first."
    if level <= ticket.escalation_level:
        return f"The ticket is already escalated to {ticket.escalation_level.label}."
    if not reason.strip():
        return "Say why you are escalating (SOP: Why Escalating)."
    return None
