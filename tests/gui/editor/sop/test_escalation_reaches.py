"""An escalation reaches a person: chosen in the form, assigned, e-mailed through the
outbox (a real SMTP server), and edits typed while it is saved are kept."""

from __future__ import annotations

import threading

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QLabel

from aiva_desk.domain import Direction, EscalationLevel, StaffRole
from aiva_desk.gui.editor.sop import escalation as panel_module
from aiva_desk.store.mail_models import OutboxState
from aiva_desk.tickets.staff import Colleague, save_staff
from tests.gui.editor.sop.test_escalation import investigated_ticket, open_escalation
from tests.helpers.editor_helpers import choose, idle

pytest_plugins = ("tests.helpers.mail_fixtures",)


def _colleagues(context) -> dict[str, int]:
    ids = save_staff(
        context.db,
        "test",
        [
            Colleague(None, "Sam Senior", "sam@aiva.example", StaffRole.SENIOR_SUPPORT),
            Colleague(None, "Sue Senior", "sue@aiva.example", StaffRole.SENIOR_SUPPORT),
            Colleague(None, "Dee Dev", "dee@aiva.example", StaffRole.DEVELOPMENT),
        ],
    )
    return dict(zip(("sam", "sue", "dee"), ids, strict=True))


def _fill_judgement(qtbot, dialog) -> None:
    choose(qtbot, dialog.combos["business_impact"], "High")
    choose(qtbot, dialog.combos["customer_sentiment"], "Frustrated")


def test_escalating_to_a_named_senior_assigns_and_emails_them(
    qtbot, mail_context, smtp_server
) -> None:
    context = mail_context
    ids = _colleagues(context)
    ticket_id = investigated_ticket(context)
    context.tickets.add_communication(  # the customer's thread, which staff mail stays out of
        ticket_id,
        direction=Direction.INBOUND,
        subject="Agent silent",
        body="Still nothing.",
        message_id="<reply-1@customer.example>",
    )
    _editor, panel = open_escalation(qtbot, context, ticket_id)
    qtbot.mouseClick(panel.escalate_button, Qt.MouseButton.LeftButton)
    dialog = panel.dialog
    qtbot.waitUntil(dialog.recipient.isEnabled)
    # two seniors: nobody is guessed, the senior support queue is the default
    assert dialog.recipient.currentText() == "Senior support queue"
    assert [dialog.recipient.itemText(i) for i in range(dialog.recipient.count())] == [
        "Sam Senior <sam@aiva.example>",
        "Sue Senior <sue@aiva.example>",
        "Senior support queue",
    ]
    dialog.development.click()  # one developer: she is the default
    assert dialog.recipient.currentText() == "Dee Dev <dee@aiva.example>"
    dialog.senior.click()
    choose(qtbot, dialog.recipient, "Sam")
    _fill_judgement(qtbot, dialog)
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: panel.dialog is None)
    idle()

    ticket = context.tickets.get(ticket_id)
    [escalation] = ticket.escalations
    assert (escalation.to_staff_id, escalation.to_role) == (ids["sam"], "senior_support")
    assert ticket.assignee_id == ids["sam"]
    assert panel.notice.isVisible() and panel.notice.text() == (
        "Escalated to Sam Senior; e-mail queued."
    )
    item = panel.findChild(QFrame, f"escalation{escalation.id}")
    qtbot.waitUntil(lambda: "To: Sam Senior, not seen yet" in item.findChild(QLabel).text())
    [queued] = context.mail.outbox.items((OutboxState.QUEUED,))
    assert "sam@aiva.example" in queued.to and queued.subject.startswith("ESCALATION - Ticket")

    report = context.mail.deliver_due()
    assert report.sent == [queued.id]
    [(_sender, recipients)] = smtp_server.recorder.envelopes
    assert recipients == ["sam@aiva.example"]
    [message] = smtp_server.recorder.messages
    body = message.get_body(("plain",)).get_content()
    assert "Business impact: High" in body and "Customer sentiment: Frustrated" in body
    assert message["In-Reply-To"] is None and message["References"] is None
    notes = [n.body for n in context.tickets.get(ticket_id).notes]
    assert any(n.startswith("Sent to") and "sam@aiva.example" in n for n in notes)


def test_without_a_mail_account_the_agent_is_told_and_the_note_kept(qtbot, context) -> None:
    ids = _colleagues(context)
    ticket_id = investigated_ticket(context)
    _editor, panel = open_escalation(qtbot, context, ticket_id)
    dialog = panel.open_escalation_dialog()
    qtbot.waitUntil(dialog.recipient.isEnabled)
    dialog.development.click()
    choose(qtbot, dialog.combos["component"], "Python")
    _fill_judgement(qtbot, dialog)
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: panel.dialog is None)
    idle()
    assert "not e-mailed: no mail account is set up" in panel.notice.text()
    ticket = context.tickets.get(ticket_id)
    assert ticket.escalations[0].to_staff_id == ids["dee"]
    assert ticket.notes[0].body.startswith("Subject: DEV ESCALATION")


def test_what_is_typed_while_the_escalation_is_saved_is_kept(qtbot, context, monkeypatch):
    _colleagues(context)
    ticket_id = investigated_ticket(context)
    _editor, panel = open_escalation(qtbot, context, ticket_id)
    release, started = threading.Event(), threading.Event()
    real = panel_module.escalate_to

    def slow(*args, **kwargs):
        started.set()
        assert release.wait(10)
        return real(*args, **kwargs)

    monkeypatch.setattr(panel_module, "escalate_to", slow)
    dialog = panel.open_escalation_dialog()
    qtbot.waitUntil(dialog.recipient.isEnabled)
    _fill_judgement(qtbot, dialog)
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(started.is_set)
    edit = dialog.texts["workaround"]
    edit.setFocus()
    qtbot.keyClicks(edit, "Restart the worker")  # typed while it is being saved
    release.set()
    idle()
    qtbot.waitUntil(lambda: dialog.escalated)
    assert dialog.isVisible() and panel.dialog is dialog  # not closed under their hands
    assert edit.toPlainText() == "Restart the worker"
    assert "still here to copy" in dialog.missing_label.text()
    assert not dialog.ok_button.isEnabled()  # recorded once, not twice
    ticket = context.tickets.get(ticket_id)
    assert ticket.escalation_level is EscalationLevel.SENIOR_SUPPORT
    assert len(ticket.escalations) == 1


def test_the_customers_escalated_draft_says_what_was_found_in_their_words(qtbot, context):
    ticket_id = investigated_ticket(context)  # the log found "Embedding API returns 429 …"
    editor, panel = open_escalation(qtbot, context, ticket_id)
    dialog = panel.open_escalation_dialog()
    assert "[[" in dialog.customer_draft()  # nothing written for the customer yet: a gap
    dialog.close()
    editor.fields["customer_explanation"].set("Your uploads wait in a queue we are clearing.")
    dialog = panel.open_escalation_dialog()
    draft = dialog.customer_draft()
    assert "Your uploads wait in a queue we are clearing." in draft
    assert "429" not in draft and "[[" not in draft.split("Next Steps")[0]
