"""What the customer receives: customer templates quote only the customer's wording of a
resolution, never the internal root cause, log findings or error messages, and no
part of a mail says twice what another part says."""

from __future__ import annotations

import pytest

from aiva_desk import clock
from aiva_desk.domain import EscalationLevel
from aiva_desk.mail.context import FOUND_GAP, Signer, context_for
from aiva_desk.mail.jargon import check_jargon
from aiva_desk.mail.message_templates import CATALOG, render_message
from aiva_desk.mail.sop_messages import customer_message
from aiva_desk.tickets import escalation
from tests.helpers.mail_fixtures import make_ticket

pytestmark = pytest.mark.time_sensitive

SIGNER = Signer("Zoë Agent", "zoe@example.org", "support@example.org", "")
INTERNAL = {
    "root_cause": "The voice bridge rejects calls with INSUFFICIENT_CREDITS",
    "solution": "Added $100 credits to tenant tn-4821 via billing admin",
    "steps_taken": "UPDATE tenants SET credit_balance = 100 WHERE id = 'tn-4821'",
    "prevention": "Low-balance alert on tenants.credit_balance < 10",
    "error_messages": "ERR_CONN_RESET from voice-bridge",
}
CUSTOMER = {
    "customer_explanation": "Your account had run out of call credits, so calls were refused.",
    "customer_fix": "We added credits to your account; calls go through again.",
    "customer_steps": "Nothing: it works again now.",
    "customer_prevention": "We will e-mail you when your balance runs low.",
}
LEAKS = ("INSUFFICIENT_CREDITS", "tn-4821", "credit_balance", "UPDATE", "ERR_CONN", "billing admin")


def investigated(context, **extra: str) -> int:
    ref = make_ticket(context)
    version = context.tickets.update(ref.id, ref.version, {**INTERNAL, **extra})
    context.tickets.add_troubleshooting(
        ref.id,
        checked="Query database for status",
        found="tenants.credit_balance = 0.00 for tn-4821",
        action="SELECT credit_balance FROM tenants",
    )
    assert version
    return ref.id


def customer_mails(context, ticket_id: int) -> dict[str, str]:
    values = context_for(context.db, ticket_id, SIGNER)
    return {t.key: render_message(t.key, values).body for t in CATALOG if t.audience == "customer"}


def test_no_customer_template_quotes_an_internal_field(context) -> None:
    ticket_id = investigated(context, **CUSTOMER)
    for key, body in customer_mails(context, ticket_id).items():
        assert not [leak for leak in LEAKS if leak in body], key
        assert check_jargon(body) == [], key
    staff = render_message("escalation_internal", context_for(context.db, ticket_id, SIGNER))
    assert "tn-4821" in staff.body  # staff may read the findings


def test_the_solution_mail_says_each_of_the_six_points_once(context) -> None:
    ticket_id = investigated(context, **CUSTOMER)
    body = customer_mails(context, ticket_id)["solution"]
    for text in CUSTOMER.values():
        assert body.count(text) == 1
    assert body.count("Thank you for your patience") == 1
    assert body.lower().count("confirm") == 1
    assert "[[" not in body


def test_the_agents_own_thanks_and_question_are_not_doubled(context) -> None:
    ticket_id = investigated(
        context,
        **{
            **CUSTOMER,
            "customer_explanation": "Thanks for bearing with us. Your credits had run out.",
            "customer_steps": "Please confirm that calls work for you now.",
        },
    )
    body = customer_mails(context, ticket_id)["solution"]
    assert "Thank you for your patience" not in body
    assert body.lower().count("thank") == 1 and body.lower().count("confirm") == 1


def test_unwritten_customer_wording_leaves_gaps_that_block_sending(context) -> None:
    ticket_id = investigated(context)
    values = context_for(context.db, ticket_id, SIGNER)
    solution = render_message("solution", values)
    assert solution.gaps == [
        "Explain what was wrong, in plain words",
        "Describe what was fixed",
        'Any steps you need to take, or "Nothing — it works again now"',
        "How to avoid this in future",
    ]
    assert not [leak for leak in LEAKS if leak in solution.body]
    escalated = render_message("escalated", values)
    assert escalated.gaps == [FOUND_GAP.strip("[] ")]
    assert "tn-4821" not in escalated.body


def test_the_escalated_notice_from_the_escalation_form_keeps_findings_internal(context) -> None:
    ticket_id = investigated(context, **CUSTOMER)
    ticket, now = context.tickets.get(ticket_id), clock.now()
    form = escalation.prefill(ticket, escalation.assess(ticket, None, now), now)
    assert any("tn-4821" in line for line in form.what_we_know)  # the internal form has it
    values = context_for(context.db, ticket_id, SIGNER)
    text = customer_message(
        form, EscalationLevel.SENIOR_SUPPORT, agent_name="Zoë", next_update="soon", context=values
    )
    assert CUSTOMER["customer_explanation"] in text and "tn-4821" not in text
    bare = customer_message(
        form, EscalationLevel.SENIOR_SUPPORT, agent_name="Zoë", next_update="soon"
    )
    assert FOUND_GAP in bare and "tn-4821" not in bare


def test_the_ticket_report_shows_what_the_customer_was_told_once_written(context) -> None:
    from aiva_desk.reports.ticket_report import render_ticket_report

    ticket_id = investigated(context)
    number = context.tickets.get(ticket_id).number
    assert "Explained to the Customer" not in render_ticket_report(context.tickets, number, "md")
    ticket = context.tickets.get(ticket_id)
    context.tickets.update(ticket_id, ticket.version, CUSTOMER)
    markdown = render_ticket_report(context.tickets, number, "md")
    assert (
        "### Explained to the Customer\n- What Was Wrong: "
        + CUSTOMER["customer_explanation"]
        + "\n- What We Fixed: "
        + CUSTOMER["customer_fix"]
    ) in markdown
    html = render_ticket_report(context.tickets, number, "html")
    assert "<h3>Explained to the Customer</h3>" in html and "How to Avoid It" in html


def test_the_template_editor_offers_the_customer_wording_and_the_sample_fills_it(
    context,
) -> None:
    from aiva_desk.mail.sample import sample_context
    from aiva_desk.mail.template_preview import variables

    values = sample_context(context.db, SIGNER)
    offered = dict(variables(values))
    assert offered["ticket.customer_explanation"].startswith("A sample explanation")
    assert offered["ticket.customer_steps"] == "Nothing: it works again now."
    assert offered["wording.asks_to_confirm"] is False
    assert render_message("solution", values).gaps == []  # the sample needs no gap filled


def test_only_the_agents_own_thanks_or_request_to_confirm_replaces_the_templates() -> None:
    from types import SimpleNamespace

    from aiva_desk.mail.context import wording

    def said(**texts: str) -> dict[str, bool]:
        return wording(SimpleNamespace(**{**dict.fromkeys(CUSTOMER, ""), **texts}))

    assert said() == {"thanks": False, "asks_to_confirm": False}
    assert said(customer_fix="Thanks to the new limit, calls work. We confirmed it.") == {
        "thanks": False,
        "asks_to_confirm": False,
    }
    assert said(customer_explanation="Thank you for bearing with us.")["thanks"]
    assert said(customer_steps="Could you confirm calls work now?")["asks_to_confirm"]
    assert said(customer_steps="Please reply to confirm it works.")["asks_to_confirm"]
