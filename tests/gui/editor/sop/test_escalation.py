"""The escalation panel: "When to Escalate" judged live, the SOP's form prefilled and
checked, the escalation recorded (marker, note, customer draft), acknowledged and ended."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QLabel, QPushButton

from aiva_desk.domain import EscalationLevel
from aiva_desk.mail import sop_messages
from aiva_desk.tickets import escalation as esc
from tests.helpers.editor_helpers import T0, choose, idle, make_ticket, new_tabs, open_in

pytestmark = pytest.mark.time_sensitive  # run again at other instants and zones

H = dt.timedelta(hours=1)


def open_escalation(qtbot, context, ticket_id: int):
    editor = open_in(qtbot, new_tabs(qtbot, context), ticket_id)
    editor.support.setCurrentIndex(2)
    panel = editor.support.escalation
    assert editor.support.currentWidget() is panel and panel.objectName() == "escalationPanel"
    qtbot.waitUntil(panel.isEnabled)
    return editor, panel


def investigated_ticket(context) -> int:
    ticket_id = make_ticket(
        context,
        actual_behavior="Upload stays at Processing",
        error_messages="Embedding failed: 429",
    )
    context.tickets.add_troubleshooting(
        ticket_id,
        checked="Review relevant logs (pm2 logs)",
        found="Embedding API returns 429 since 08:10",
        action="pm2 logs python --lines 200",
    )
    return ticket_id


def test_the_rules_update_live_when_the_agent_ticks_one(qtbot, context, clock) -> None:
    ticket_id = make_ticket(context)
    _editor, panel = open_escalation(qtbot, context, ticket_id)
    assert panel.suggestion.text() == "No “When to Escalate” rule applies."
    assert panel.deadline.text() == "No escalation deadline."
    outage = panel.rules["system_outage"]
    assert panel.whys["system_outage"].text() == "category is Knowledge Base"
    qtbot.mouseClick(outage, Qt.MouseButton.LeftButton)  # judged from the ticket, not ticked
    assert not outage.isChecked()

    panel.set_flag("code_change", True)  # the agent ticks "Requires code changes"
    assert "Suggested: escalate to Development — P2 · Escalate within 4 hours" in (
        panel.suggestion.text()
    )
    assert panel.deadline.text().endswith("— 4 h left")  # reported now: 4 h to go
    idle()
    assert context.tickets.get(ticket_id).escalation_flags == "code_change"
    assert panel.rules["code_change"].isChecked() and panel.rules["code_change"].font().bold()

    clock.now = T0 + 5 * H  # the countdown runs on without a reload
    qtbot.waitUntil(lambda: "overdue by 1 h" in panel.deadline.text(), timeout=10_000)


def test_the_form_is_prefilled_refuses_what_is_missing_and_escalates(qtbot, context) -> None:
    ticket_id = investigated_ticket(context)
    _editor, panel = open_escalation(qtbot, context, ticket_id)
    qtbot.mouseClick(panel.escalate_button, Qt.MouseButton.LeftButton)
    dialog = panel.dialog
    assert dialog is not None and dialog.objectName() == "escalationDialog"
    assert dialog.lists["what_we_know"].toPlainText() == "Embedding API returns 429 since 08:10"
    assert dialog.lists["what_we_tried"].toPlainText() == (
        "pm2 logs python --lines 200 → Embedding API returns 429 since 08:10"
    )
    assert dialog.texts["actual"].toPlainText() == "Upload stays at Processing"
    due = context.tickets.get(ticket_id).sla_due_at  # 24 business hours (Knowledge Base)
    assert dialog.sla_value.text() == esc.remaining(due, T0)
    # the agent's judgement starts empty: nothing is guessed for them
    assert dialog.combos["business_impact"].currentText() == "Choose…"
    assert dialog.combos["customer_sentiment"].currentText() == "Choose…"
    internal = dialog.internal_preview.toPlainText()
    assert internal.startswith("Subject: ESCALATION - Ticket #1001 - Widget does not load 1")
    assert "Escalated" in dialog.customer_preview.toPlainText().splitlines()[0]

    qtbot.waitUntil(dialog.recipient.isEnabled)  # who can take it, loaded
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert "Business impact is required." in dialog.missing_label.text()
    assert "Customer sentiment is required." in dialog.missing_label.text()
    assert dialog.combos["business_impact"].property("problem") is True
    assert context.tickets.get(ticket_id).escalations == []  # nothing submitted
    choose(qtbot, dialog.combos["business_impact"], "Low")
    choose(qtbot, dialog.combos["customer_sentiment"], "Frustrated")
    dialog.development.click()
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert "Component is required." in dialog.missing_label.text()
    assert "Business impact" not in dialog.missing_label.text()
    assert dialog.combos["component"].property("problem") is True
    assert dialog.isVisible()
    choose(qtbot, dialog.combos["component"], "Python")
    dialog.update_preview()
    assert "- Component: Python" in dialog.internal_preview.toPlainText()
    assert dialog.internal_preview.toPlainText().startswith("Subject: DEV ESCALATION")
    draft = dialog.customer_preview.toPlainText()
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    idle()
    qtbot.waitUntil(lambda: panel.dialog is None)

    ticket = context.tickets.get(ticket_id)
    assert ticket.escalation_level is EscalationLevel.DEVELOPMENT
    [escalation] = ticket.escalations
    assert (escalation.by_name, escalation.at) == (context.actor, T0)
    assert ticket.notes[0].body.startswith("Subject: DEV ESCALATION")
    [message] = ticket.communications
    subject, _, body = draft.partition("\n\n")  # the preview shows the subject line first
    assert (message.kind, message.draft) == ("Escalated", True)
    assert (f"Subject: {message.subject}", message.body) == (subject, body)
    assert "development team" in draft
    qtbot.waitUntil(lambda: panel.status.text() == "Currently escalated to Development.")
    assert panel.findChild(QPushButton, "acknowledgeButton") is not None
    assert not panel.escalate_button.isEnabled()  # nothing above development


def test_an_escalation_is_acknowledged_and_handed_back_with_history(qtbot, context) -> None:
    ticket_id = investigated_ticket(context)
    ticket = context.tickets.get(ticket_id)
    form = esc.prefill(ticket, esc.assess(ticket, "Knowledge Base", T0), T0)
    form.why = "Beyond my knowledge of the embedding pipeline"
    form.business_impact, form.customer_sentiment = "Medium", "Calm"
    sop_messages.escalate(
        context.tickets,
        ticket_id,
        target=EscalationLevel.SENIOR_SUPPORT,
        form=form,
        customer_draft="Subject: Escalated\n\nHello",
    )
    _editor, panel = open_escalation(qtbot, context, ticket_id)
    item = panel.findChild(QFrame, "escalation1")
    assert "Not acknowledged yet" in item.findChild(QLabel).text()
    acknowledge = item.findChild(QPushButton, "acknowledgeButton")
    qtbot.mouseClick(acknowledge, Qt.MouseButton.LeftButton)
    idle()
    [escalation] = context.tickets.get(ticket_id).escalations
    assert (escalation.acknowledged_by, escalation.acknowledged_at) == (context.actor, T0)
    qtbot.waitUntil(lambda: panel.findChild(QPushButton, "acknowledgeButton") is None)

    assert not panel.de_escalate_button.isEnabled()  # a reason first
    panel.reason_edit.setFocus()
    qtbot.keyClicks(panel.reason_edit, "Quota raised; first line can finish it")
    qtbot.mouseClick(panel.de_escalate_button, Qt.MouseButton.LeftButton)
    idle()
    ticket = context.tickets.get(ticket_id)
    assert ticket.escalation_level is EscalationLevel.NONE
    assert ticket.escalations[0].ended_by == context.actor
    assert ticket.notes[-1].body == "De-escalated: Quota raised; first line can finish it"
    qtbot.waitUntil(lambda: panel.status.text() == "Not escalated.")
    assert panel.reason_edit.isHidden()
    item = panel.findChild(QFrame, "escalation1")
    assert f"De-escalated by {context.actor}" in item.findChild(QLabel).text()
