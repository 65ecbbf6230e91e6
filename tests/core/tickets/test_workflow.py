"""The workflow as pure logic: states, reasons for refusals, pluggable guards."""

import datetime as dt
from dataclasses import dataclass

import pytest

from aiva_desk.domain import EscalationLevel, Priority, TicketStatus
from aiva_desk.errors import TransitionRefused
from aiva_desk.tickets.close_gates import documented_resolution
from aiva_desk.tickets.workflow import TRANSITIONS, Action, Workflow, escalation_refusal

pytestmark = pytest.mark.time_sensitive  # run again at other instants and zones

NOW = dt.datetime(2026, 11, 26, 12, 0, tzinfo=dt.UTC)


@dataclass
class FakeTicket:
    status: TicketStatus = TicketStatus.NEW
    category_id: int | None = None
    priority: Priority | None = None
    sla_due_at: dt.datetime | None = None
    solution: str = ""
    root_cause: str = ""
    resolved_at: dt.datetime | None = None
    closed_at: dt.datetime | None = None
    acknowledged_at: dt.datetime | None = None
    sla_met: bool | None = None
    reopen_count: int = 0
    escalation_level: EscalationLevel = EscalationLevel.NONE


def test_every_state_but_closed_has_a_way_forward_and_closed_can_reopen():
    workflow = Workflow()
    for status in TicketStatus:
        steps = workflow.next_steps(FakeTicket(status=status))
        assert steps, f"{status} is a dead end"
    assert [t.action for t in workflow.next_steps(FakeTicket(status=TicketStatus.CLOSED))] == [
        Action.REOPEN
    ]


def test_triage_needs_category_priority_and_due_date():
    workflow = Workflow()
    ticket = FakeTicket(status=TicketStatus.ACKNOWLEDGED, category_id=3)
    reasons = workflow.refusal_reasons(ticket, Action.TRIAGE)
    assert reasons == ["Set a priority, a due date before triaging (SOP step 2)."]
    ticket.priority, ticket.sla_due_at = Priority.P2, NOW
    assert workflow.apply(ticket, Action.TRIAGE, NOW).target is TicketStatus.TRIAGED


def test_close_records_sla_met_and_refuses_undocumented_resolutions():
    workflow = Workflow()
    workflow.add_guard(Action.CLOSE, documented_resolution)
    ticket = FakeTicket(
        status=TicketStatus.AWAITING_CONFIRMATION,
        sla_due_at=NOW,
        resolved_at=NOW + dt.timedelta(minutes=5),
        solution="restart",
    )
    with pytest.raises(TransitionRefused) as caught:
        workflow.apply(ticket, Action.CLOSE, NOW)
    assert "root cause" in caught.value.reasons[0]
    assert ticket.status is TicketStatus.AWAITING_CONFIRMATION
    ticket.root_cause = "service crashed"
    workflow.apply(ticket, Action.CLOSE, NOW + dt.timedelta(hours=1))
    assert ticket.status is TicketStatus.CLOSED and ticket.sla_met is False


def test_wrong_state_names_the_states_that_would_allow_it():
    reasons = Workflow().refusal_reasons(FakeTicket(), Action.SEND_SOLUTION)
    assert reasons == ["The ticket is New; this step needs it to be Resolving."]


def test_guards_are_pluggable():
    workflow = Workflow()
    workflow.add_guard(Action.ACKNOWLEDGE, lambda t: "Assign the ticket first.")
    with pytest.raises(TransitionRefused, match="Assign the ticket first"):
        workflow.apply(FakeTicket(), Action.ACKNOWLEDGE, NOW)
    assert Workflow().refusal_reasons(FakeTicket(), Action.ACKNOWLEDGE) == []


def test_escalation_rules():
    assert escalation_refusal(FakeTicket(), EscalationLevel.SENIOR_SUPPORT, "outage") is None
    assert "Say why" in escalation_refusal(FakeTicket(), EscalationLevel.DEVELOPMENT, " ")
    closed = FakeTicket(status=TicketStatus.CLOSED)
    assert "closed" in escalation_refusal(closed, EscalationLevel.DEVELOPMENT, "x")


def test_transitions_follow_the_seven_sop_steps_in_order():
    steps = [t.sop_step[0] for t in TRANSITIONS if t.sop_step[0].isdigit()]
    assert steps == ["1", "2", "3", "4", "5", "6", "7"]
