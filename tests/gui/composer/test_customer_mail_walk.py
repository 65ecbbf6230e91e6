"""One ticket's life as the customer reads it: the resolution panel filled as an agent
would (the root cause says INSUFFICIENT_CREDITS, the log found a table value for another
tenant), then the Solution and Escalated mails opened in the composer. They say each
point once, in the customer's words, with nothing internal in them."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from aiva_desk.mail.jargon import check_jargon
from aiva_desk.tickets.service import NewTicket
from tests.gui.composer.test_composer import open_composer
from tests.helpers.editor_helpers import T0, idle, new_tabs, open_in

pytestmark = pytest.mark.usefixtures("no_errors_shown")

pytest_plugins = ("tests.helpers.mail_fixtures",)

INTERNAL = {
    "root_cause": "Tenant ran out of credits; the voice bridge rejects calls with "
    "INSUFFICIENT_CREDITS",
    "solution": "Added $100 credits to tn-4821 in billing admin",
    "steps_taken": "UPDATE tenants SET credit_balance = 100 WHERE id = 'tn-4821'",
    "prevention": "Low-balance alert on tenants.credit_balance < 10",
    "error_messages": "INSUFFICIENT_CREDITS (voice bridge)",
}
WORDING = {
    "customer_explanation": (
        "Your account had run out of call credits,",
        "so new calls were refused and the agent could not answer.",
    ),
    "customer_fix": ("We added credits to your account; calls go through again.",),
    "customer_steps": ("Nothing: it works again now.",),
    "customer_prevention": ("We will e-mail you before your balance runs low.",),
}
LEAKS = ("INSUFFICIENT_CREDITS", "tn-4821", "credit_balance", "UPDATE", "billing admin")


def the_issues_ticket(context) -> int:
    service = context.tickets
    category_id = next(c.id for c in service.categories() if c.name == "Agent Issues")
    ref = service.create(
        NewTicket(
            "Agent stopped answering calls",
            "Dana Park",
            "dana@example.com",
            category_id,
            "Since this morning callers hear silence.",
            organization="Park Dental",
            tenant_id="tn-1001",
        )
    )
    service.update(ref.id, ref.version, INTERNAL)
    service.add_troubleshooting(
        ref.id,
        checked="Query database for status",
        found="tenants.credit_balance = 0.00 for tn-4821",
        action="SELECT credit_balance FROM tenants",
    )
    return ref.id


def fill_the_communicate_step(qtbot, context, ticket_id: int) -> None:
    editor = open_in(qtbot, new_tabs(qtbot, context), ticket_id)
    editor.support.setCurrentIndex(1)
    panel = editor.support.resolution
    qtbot.waitUntil(panel.isEnabled)
    first = panel.points["customer_explanation"]
    first.setFocus()
    for lines in WORDING.values():  # Tab from one point to the next, as a keyboard user
        edit = panel.focusWidget()
        for index, line in enumerate(lines):
            if index:
                qtbot.keyClick(edit, Qt.Key.Key_Return)
            qtbot.keyClicks(edit, line)
        qtbot.keyClick(edit, Qt.Key.Key_Tab)
    qtbot.mouseClick(panel.communicate.save_button, Qt.MouseButton.LeftButton)
    idle()
    assert not editor.is_dirty()


def composed(qtbot, context, ticket_id: int, template: str) -> str:
    dialog = open_composer(qtbot, context, ticket_id, template=template)
    assert dialog.template() == template
    return dialog.subject.text() + "\n\n" + dialog.body.toPlainText()


def test_the_customer_reads_each_point_once_and_nothing_internal(
    qtbot, mail_context, clock
) -> None:
    clock.now = T0
    context = mail_context
    ticket_id = the_issues_ticket(context)
    before = composed(qtbot, context, ticket_id, "solution")  # nothing written for them yet
    assert "[[ Explain what was wrong, in plain words ]]" in before
    assert not [leak for leak in LEAKS if leak in before]

    fill_the_communicate_step(qtbot, context, ticket_id)
    stored = context.tickets.get(ticket_id)
    assert stored.customer_prevention == WORDING["customer_prevention"][0]

    solution = composed(qtbot, context, ticket_id, "solution")
    escalated = composed(qtbot, context, ticket_id, "escalated")
    print(solution, escalated, sep="\n======\n")  # read them with pytest -s
    for mail in (solution, escalated):
        assert not [leak for leak in LEAKS if leak in mail]
        assert check_jargon(mail, ["tn-1001"]) == []
        assert "[[" not in mail
    assert "\n".join(WORDING["customer_explanation"]) in solution
    assert solution.count("Thank you") == 1 and solution.lower().count("confirm") == 1
    assert solution.count("We added credits") == 1
    assert "What We Found:\nYour account had run out of call credits," in escalated
    assert escalated.count("update by") == 1  # the timeline says when, once
