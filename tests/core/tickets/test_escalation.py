"""When to escalate, the SOP's forms prefilled from the ticket, the messages they make,
and the escalation record (acknowledged, de-escalated, with history)."""

import datetime as dt

import pytest

from aiva_desk.domain import EscalationLevel, Priority
from aiva_desk.errors import TransitionRefused, ValidationError
from aiva_desk.mail import sop_messages
from aiva_desk.mail.sop_messages import request_information_draft
from aiva_desk.tickets import escalation as esc
from aiva_desk.tickets.service import NewTicket
from tests.helpers.pinned_clock import office_zone

pytestmark = pytest.mark.time_sensitive  # run again at other instants and zones

H = dt.timedelta(hours=1)


def _t0(context):
    """Thursday 09:00 at the office: the business-hours clocks start at once."""
    return dt.datetime(2026, 11, 26, 9, tzinfo=office_zone(context))


def _ticket(context, category):
    service = context.tickets
    category_id = next(c.id for c in service.categories() if c.name == category)
    ref = service.create(
        NewTicket(
            "Agent silent",
            "Ann Lee",
            "ann@example.com",
            category_id,
            "No replies",
            reported_at=_t0(context),
            actual_behavior="Typing dots, then nothing",
            reproduction_steps="1. Open Test Chat\n2. Say hi",
        )
    )
    service.add_troubleshooting(
        ref.id,
        checked="Tenant credit balance",
        found="Balance $0.00",
        action="Asked billing to add credits",
    )
    return ref


def _assess(context, ticket_id, now=None):
    ticket = context.tickets.get(ticket_id)
    now = now or _t0(context)
    return ticket, esc.assess(ticket, ticket.category.name if ticket.category else None, now)


def test_rules_are_judged_live_and_suggest_level_target_and_deadline(context):
    T0 = _t0(context)
    outage = _ticket(context, "System Outage")
    _ticket_obj, assessment = _assess(context, outage.id)
    assert assessment.suggested is Priority.P1
    assert assessment.deadline == T0 + 15 * dt.timedelta(minutes=1)  # "Escalate Immediately"
    assert [r.rule.key for r in assessment.applying] == ["system_outage"]
    assert len(assessment.results) == 13

    agent = _ticket(context, "Agent Issues")
    assert _assess(context, agent.id)[1].suggested is None
    esc.set_flags(context.tickets, agent.id, {"code_change", "bogus"})
    ticket, assessment = _assess(context, agent.id)
    assert ticket.escalation_flags == "code_change"
    assert (assessment.suggested, assessment.target) == (Priority.P2, EscalationLevel.DEVELOPMENT)
    assert assessment.deadline == T0 + 4 * H
    late = _assess(context, agent.id, now=T0 + 5 * H)[1]
    assert "sla_unresolvable" in [r.rule.key for r in late.applying]
    assert late.suggested is Priority.P1


def test_forms_are_prefilled_and_render_the_sop_messages(context):
    T0 = _t0(context)
    ref = _ticket(context, "Agent Issues")
    esc.set_flags(context.tickets, ref.id, {"customer_upset"})
    ticket, assessment = _assess(context, ref.id)
    form = esc.prefill(ticket, assessment, T0 + H)
    assert form.what_we_know == ["Balance $0.00"]  # no root cause written yet
    context.tickets.update(ref.id, context.tickets.get(ref.id).version, {"root_cause": "No credit"})
    ticket, assessment = _assess(context, ref.id)
    assert esc.prefill(ticket, assessment, T0 + H).what_we_know == [
        "Root cause: No credit",
        "Balance $0.00",
    ]
    assert form.what_we_tried == ["Asked billing to add credits → Balance $0.00"]
    # the agent's judgement is theirs to make: never guessed from the ticket
    assert form.customer_sentiment == "" and form.business_impact == ""
    assert esc.missing_fields(form, EscalationLevel.SENIOR_SUPPORT) == [
        "Business impact",
        "Customer sentiment",
    ]
    form.business_impact, form.customer_sentiment = "Medium", "Angry"
    due = (T0 + 4 * H).astimezone(dt.UTC).strftime("%a %d %b %Y, %H:%M UTC")
    assert form.sla_remaining == f"{due} (3 h left when escalated)"  # read later: absolute
    assert f"- SLA deadline: {due} (3 h left when escalated)" in sop_messages.internal_message(
        form, EscalationLevel.SENIOR_SUPPORT
    )
    internal = sop_messages.internal_message(form, EscalationLevel.SENIOR_SUPPORT)
    assert internal.startswith("Subject: ESCALATION - Ticket #1001 - Agent silent")
    assert "- Customer sentiment: Angry" in internal and "- Balance $0.00" in internal
    assert esc.missing_fields(form, EscalationLevel.DEVELOPMENT) == ["Component"]
    form.component = "API"
    dev = sop_messages.internal_message(form, EscalationLevel.DEVELOPMENT)
    assert "- Component: API" in dev and "1. Open Test Chat" in dev
    assert "Subject: DEV ESCALATION - Agent silent - Ticket #1001" in dev


def test_escalating_records_marks_drafts_and_can_be_acknowledged_and_undone(context):
    T0 = _t0(context)
    service = context.tickets
    ref = _ticket(context, "Agent Issues")
    ticket, assessment = _assess(context, ref.id)
    form = esc.prefill(ticket, assessment, T0)
    form.business_impact, form.customer_sentiment = "Low", "Calm"
    form.why = ""
    with pytest.raises(ValidationError):
        sop_messages.escalate(
            service,
            ref.id,
            target=EscalationLevel.SENIOR_SUPPORT,
            form=form,
            customer_draft="Subject: x\n\nbody",
        )
    form.why = "Unable to resolve with standard procedures"
    draft = sop_messages.customer_message(
        form, EscalationLevel.SENIOR_SUPPORT, agent_name="Sara", next_update="today 17:00"
    )
    assert "escalated it to our senior team" in draft and "Best regards,\nSara" in draft
    sop_messages.escalate(
        service, ref.id, target=EscalationLevel.SENIOR_SUPPORT, form=form, customer_draft=draft
    )
    ticket = service.get(ref.id)
    assert ticket.escalation_level is EscalationLevel.SENIOR_SUPPORT
    record = ticket.escalations[-1]
    assert (record.reason, record.by_name) == (form.why, service.actor)
    assert ticket.notes[-1].body.startswith("Subject: ESCALATION")
    message = ticket.communications[-1]
    assert message.draft and message.subject.endswith("Escalated")
    assert message.body.startswith("Hello ") and "Subject:" not in message.body
    assert ticket.first_response_at is None  # a draft is no response
    esc.acknowledge(service, ref.id, record.id)
    assert service.get(ref.id).escalations[-1].acknowledged_by == service.actor
    esc.de_escalate(service, ref.id, "Credits added, back to first line")
    ticket = service.get(ref.id)
    assert ticket.escalation_level is EscalationLevel.NONE
    assert ticket.escalations[-1].ended_at is not None
    with pytest.raises(TransitionRefused, match="not escalated"):
        esc.de_escalate(service, ref.id, "again")
    levels = [e.new_value for e in service.history(ref.id) if e.field == "escalation_level"]
    assert levels == ["Senior support", "Not escalated"]


def test_request_for_information_asks_the_open_questions(context):
    ref = _ticket(context, "Agent Issues")
    subject, body = request_information_draft(context.db, ref.id)
    assert subject == "Re: Agent silent - Ticket #1001 - Need More Info"
    assert body.startswith("Hello Ann Lee,")
    assert "1. What is the Agent ID or name?" in body
    assert "2. When did this start?" in body
    assert '3. Is the agent status "Active" in the dashboard?' in body
    # asked already as a question: not asked again in the SOP's fixed list
    assert "When this started happening" not in body
    assert "Steps to reproduce" not in body  # the ticket has them already
    assert "- Screenshot of any error messages\n\nThis will help us" in body
