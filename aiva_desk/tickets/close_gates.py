"""What keeps a ticket from closing (SOP: Resolution Process, Documentation Standards):
the root cause and solution documented, the Pre-Resolution checklist complete, the fix's
verification written down and the customer's confirmation recorded.

Every path that closes a ticket goes through :func:`standard_workflow`; the editor asks
:meth:`aiva_desk.tickets.service.TicketService.close_blockers` before it tries.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import object_session

from aiva_desk.tickets.checklists import PRE_RESOLUTION, states_for
from aiva_desk.tickets.workflow import Action, Workflow


def documented_resolution(ticket: Any) -> str | None:
    missing = [
        label
        for label, value in (("root cause", ticket.root_cause), ("solution", ticket.solution))
        if not (value or "").strip()
    ]
    if missing:
        return f"Document the {' and '.join(missing)} before closing (SOP: Documentation)."
    return None


def _gate_verified(ticket: Any) -> str | None:
    if not (ticket.verification or "").strip():
        return "Document how the fix was verified (SOP: Verification)."
    return None


def _gate_confirmed(ticket: Any) -> str | None:
    if ticket.customer_confirmed_at is None:
        return "Record the customer's confirmation that it works."
    return None


def _gate_pre_resolution(ticket: Any) -> str | None:
    session = object_session(ticket)
    if session is None:
        return None
    for state in states_for(session, ticket):
        if state.kind == PRE_RESOLUTION and not state.complete:
            missing = "; ".join(item.text for item in state.open_items)
            return f"Complete the Pre-Resolution checklist (open: {missing})."
    return None


CLOSE_GATES = (documented_resolution, _gate_pre_resolution, _gate_verified, _gate_confirmed)


def standard_workflow() -> Workflow:
    """The SOP workflow with the close gates: what every path that closes a ticket uses."""
    workflow = Workflow()
    for gate in CLOSE_GATES:
        workflow.add_guard(Action.CLOSE, gate)
    return workflow
