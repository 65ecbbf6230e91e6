"""The e-mail composer, driven like an agent would, against a real SMTP server.

Messages are only queued by the composer; ``deliver_due`` then sends them to the
test server (aiosmtpd), so each test checks what really arrives.
"""

from __future__ import annotations

import dataclasses
import getpass
import re
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QUrl
from PySide6.QtWidgets import QDialog
from sqlalchemy import event

from aiva_desk.domain import Direction, StaffRole
from aiva_desk.gui.composer.dialog import ComposerDialog, UnsavedMessage
from aiva_desk.gui.editor.conversation_html import SEND_DRAFT_LINK
from aiva_desk.gui.editor.new_ticket_dialog import NewTicketDialog
from aiva_desk.mail.composer_start import message_from_draft
from aiva_desk.mail.errors import MailError, PermanentRejection, ServerUnreachable
from aiva_desk.mail.sop_messages import request_information_draft
from aiva_desk.profile import ProfileInput, save_profile
from aiva_desk.store.mail_models import OutboxState
from aiva_desk.tickets.workflow import Action
from tests.helpers.editor_helpers import idle, new_tabs, open_in
from tests.helpers.mail_fixtures import make_ticket

pytestmark = pytest.mark.usefixtures("shown_errors")

pytest_plugins = ("tests.helpers.mail_fixtures",)
S = OutboxState


def open_composer(qtbot, context, ticket_id: int, **options) -> ComposerDialog:
    dialog = ComposerDialog(context, ticket_id, **options)
    qtbot.addWidget(dialog)
    dialog.prompt_unsaved = never_asked
    dialog.resize(900, 700)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.ready or bool(dialog.banner_text))
    idle()  # the first tone and gap check
    return dialog


def never_asked(_parent) -> UnsavedMessage:
    """Closing at the end of a test: a question here would block the run."""
    return UnsavedMessage.DISCARD


def ctrl_enter(qtbot, dialog: ComposerDialog) -> None:
    qtbot.keyClick(dialog.body, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    idle()


def type_at_end(qtbot, dialog: ComposerDialog, text: str) -> None:
    dialog.body.setFocus()
    dialog.body.moveCursor(dialog.body.textCursor().MoveOperation.End)
    qtbot.keyClicks(dialog.body, text)


def state_of(context, outbox_id: int) -> OutboxState:
    return next(i for i in context.mail.outbox.items(tuple(S)) if i.id == outbox_id).state


def plain_body(message) -> str:
    return message.get_body(("plain",)).get_content().replace("\r\n", "\n")


def test_the_next_sop_steps_template_is_preselected_and_rendered(qtbot, mail_context) -> None:
    context = mail_context
    ref = make_ticket(context)
    dialog = open_composer(qtbot, context, ref.id)
    assert dialog.template() == "acknowledgment"  # a new ticket: acknowledge first
    assert "next SOP step" in dialog.template_combo.currentText()
    offered = [dialog.template_combo.itemData(i) for i in range(dialog.template_combo.count())]
    assert "escalation_internal" not in offered and "solution" in offered  # customer ones only
    assert dialog.from_value.text().startswith("AIVA Support — Zoë <support@example.org>")
    assert dialog.from_combo.isHidden()  # one account: no choice to make
    assert dialog.to.text() == "Ann Lee <ann@example.com>"
    assert dialog.cc.text() == ""
    assert dialog.subject.text() == f"Re: Agent silent - Ticket #{ref.number}"
    assert dialog.body.toPlainText().startswith("Hello Ann Lee,")
    assert "Priority Level: P2" in dialog.body.toPlainText()
    assert dialog.gaps_label.isHidden() and dialog.tone_findings() == []
    assert not dialog.is_dirty()
    assert "Solution" not in dialog.status_label.text()  # not a Solution: nothing to say
    # nobody chosen under "I am": the team signs (never the computer login), and the agent
    # is told so
    assert "Signed by the team, not by you" in dialog.status_label.text()
    assert getpass.getuser() not in dialog.body.toPlainText().split("Best regards")[-1]

    outage = make_ticket(context, subject="Nothing loads", category="System Outage")
    assert open_composer(qtbot, context, outage.id).template() == "p1_critical"

    for action in (Action.ACKNOWLEDGE, Action.TRIAGE, Action.START_INVESTIGATION):
        context.tickets.perform(ref.id, action)
    later = open_composer(qtbot, context, ref.id)
    assert later.template() == "still_investigating"
    assert "still investigating" in later.body.toPlainText()
    later.set_template("solution")  # chosen by hand: the line under it follows
    qtbot.waitUntil(lambda: "Resolution tab) is empty" in later.status_label.text())

    agent = save_profile(
        context.db,
        context.settings,
        context.paths.root,
        ProfileInput("Mei Tanaka", "mei@example.org", StaffRole.AGENT),
    )
    assert context.settings.me_staff_id == agent
    signed = open_composer(qtbot, context, ref.id)
    assert "Mei Tanaka" in signed.body.toPlainText()
    assert signed.status_label.text() == ""


def test_an_edited_message_is_queued_with_ctrl_enter_and_arrives_as_edited(
    qtbot, mail_context, smtp_server
) -> None:
    context = mail_context
    ref = make_ticket(context)
    dialog = open_composer(qtbot, context, ref.id)
    type_at_end(qtbot, dialog, "PS: the widget fix is being tested right now.")
    qtbot.keyClicks(dialog.cc, "Boss <boss@example.com>")
    assert dialog.is_dirty()
    with qtbot.waitSignal(dialog.message_queued) as queued:
        ctrl_enter(qtbot, dialog)
    assert dialog.result() == QDialog.DialogCode.Accepted and not dialog.isVisible()
    outbox_id = queued.args[0]
    assert state_of(context, outbox_id) is S.QUEUED
    assert smtp_server.recorder.messages == []  # the composer only queues

    assert context.mail.deliver_due().sent == [outbox_id]
    (message,) = smtp_server.recorder.messages
    assert smtp_server.recorder.envelopes[0][1] == ["ann@example.com", "boss@example.com"]
    assert "PS: the widget fix is being tested right now." in plain_body(message)
    sent = context.tickets.get(ref.id).communications[-1]
    assert sent.kind == "Initial response" and "PS: the widget fix" in sent.body


def test_a_bad_address_is_named_live_and_refused_with_everything_kept(
    qtbot, mail_context, shown_errors
) -> None:
    context = mail_context
    ref = make_ticket(context)
    dialog = open_composer(qtbot, context, ref.id)
    type_at_end(qtbot, dialog, "Typed by hand.")
    dialog.to.selectAll()
    qtbot.keyClicks(dialog.to, "Ann Lee <ann@example.com>, ann.example.com")
    qtbot.waitUntil(lambda: bool(dialog.problem_text("to")))
    assert dialog.problem_text("to") == "To: “ann.example.com” is not an e-mail address."
    assert dialog.to.property("problem") is True

    ctrl_enter(qtbot, dialog)
    assert dialog.isVisible() and dialog.result() != QDialog.DialogCode.Accepted
    assert "ann.example.com" in dialog.summary_text
    assert dialog.body.toPlainText().endswith("Typed by hand.")
    assert dialog.to.text() == "Ann Lee <ann@example.com>, ann.example.com"
    assert context.mail.outbox.items(tuple(S)) == [] and shown_errors == []

    dialog.to.setFocus()
    qtbot.keyClick(dialog.to, Qt.Key.Key_Backspace)  # fixed below, the message goes
    dialog.to.setText("Ann Lee <ann@example.com>, ann@example.com")
    dialog.check_addresses()
    assert dialog.problem_text("to") == "" and dialog.summary_text == ""


def test_gaps_are_marked_and_refuse_sending_until_filled(qtbot, mail_context, smtp_server) -> None:
    context = mail_context
    ref = make_ticket(context)
    dialog = open_composer(qtbot, context, ref.id, template="solution")
    assert dialog.template() == "solution"
    # the ticket's own Solution is empty: sending this won't move it, and that is said
    assert "Solution field (Resolution tab) is empty" in dialog.status_label.text()
    assert dialog.minimumSizeHint().width() <= 900  # the hint wraps, the dialog keeps its width
    assert dialog.gaps_label.isVisible()
    assert dialog.gaps_label.text().startswith("4 gaps to fill in before sending:")
    assert dialog.body.textCursor().selectedText().startswith("[[ Explain what was wrong")
    block = dialog.body.document().findBlock(dialog.body.textCursor().selectionStart())
    formats = block.layout().formats()
    assert any(f.format.background().color().name() == "#ffe066" for f in formats)

    ctrl_enter(qtbot, dialog)
    assert dialog.isVisible()
    assert dialog.problem_text("body").startswith(
        "Fill in the marked gaps first: “Explain what was wrong, in plain words”"
    )
    assert context.mail.outbox.items(tuple(S)) == []

    assert dialog.body.textCursor().selectedText().startswith("[[ Explain what was wrong")
    for words in ("The cache was stale.", "We cleared it.", "Nothing.", "Nothing to do."):
        qtbot.keyClicks(dialog.body, words)  # over the selected gap
        dialog.select_next_gap()
    assert dialog.problem_text("body") == ""  # typing clears the refusal
    qtbot.waitUntil(dialog.gaps_label.isHidden)  # checked a moment after the last key
    with qtbot.waitSignal(dialog.message_queued):
        ctrl_enter(qtbot, dialog)
    context.mail.deliver_due()
    text = plain_body(smtp_server.recorder.messages[0])
    assert "What was wrong:\nThe cache was stale." in text and "[[" not in text


def test_the_tone_check_lists_each_phrase_and_applies_the_sops_wording(qtbot, mail_context) -> None:
    context = mail_context
    dialog = open_composer(qtbot, context, make_ticket(context).id)
    type_at_end(qtbot, dialog, "Sorry, we can't do that. You should have saved it.")
    qtbot.waitUntil(lambda: len(dialog.tone_findings()) == 2)
    first, second = dialog.tone_rows
    assert "✗</span> Avoid “we can't do that”" in first.label.text()
    assert "✓</span> Try “What we can do is...”" in first.label.text()
    assert "For best results, try..." in second.label.text()
    assert dialog.tone_summary.text() == "2 phrases the SOP suggests rewording:"

    qtbot.mouseClick(first.button, Qt.MouseButton.LeftButton)
    assert "Sorry, What we can do is. You should have saved it." in dialog.body.toPlainText()
    qtbot.waitUntil(lambda: len(dialog.tone_findings()) == 1)
    dialog.body.undo()  # the agent can take it back
    assert "we can't do that" in dialog.body.toPlainText()


def test_a_saved_draft_reopens_in_the_composer_and_then_goes_out(
    qtbot, mail_context, smtp_server
) -> None:
    context = mail_context
    ref = make_ticket(context)
    dialog = open_composer(qtbot, context, ref.id)
    type_at_end(qtbot, dialog, "Draft line, half done")
    with qtbot.waitSignal(dialog.draft_saved) as saved:
        qtbot.mouseClick(dialog.save_draft_button, Qt.MouseButton.LeftButton)
    idle()
    outbox_id = saved.args[0]
    assert not dialog.isVisible() and state_of(context, outbox_id) is S.DRAFT
    assert context.mail.deliver_due().sent == []  # a draft is never sent

    again = open_composer(qtbot, context, ref.id, outbox_id=outbox_id)
    assert again.body.toPlainText().endswith("Draft line, half done")
    assert again.template() == "acknowledgment"
    with qtbot.waitSignal(again.message_queued) as queued:
        ctrl_enter(qtbot, again)
    assert queued.args[0] == outbox_id  # the same message, not a copy
    assert context.mail.deliver_due().sent == [outbox_id]
    assert plain_body(smtp_server.recorder.messages[0]).rstrip().endswith("half done")


def test_a_queued_message_taken_back_and_cancelled_stays_queued(qtbot, mail_context) -> None:
    context = mail_context
    ref = make_ticket(context)
    outbox_id = context.mail.outbox.queue(context.mail.draft(ref.id))
    dialog = open_composer(qtbot, context, ref.id, outbox_id=outbox_id)
    assert state_of(context, outbox_id) is S.DRAFT  # held while it is edited
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    idle()
    assert not dialog.isVisible() and state_of(context, outbox_id) is S.QUEUED


def test_sending_a_draft_of_the_log_replaces_it(qtbot, mail_context, smtp_server) -> None:
    context = mail_context
    ref = make_ticket(context)
    subject, body = request_information_draft(context.db, ref.id)
    context.tickets.add_communication(
        ref.id,
        direction=Direction.OUTBOUND,
        subject=subject,
        body=body,
        kind="Request for Information",
        recipients=["ann@example.com"],
        draft=True,
    )
    draft_id = context.tickets.get(ref.id).communications[-1].id
    dialog = open_composer(qtbot, context, ref.id, draft_communication_id=draft_id)
    assert dialog.template() == "request_information"
    assert dialog.to.text() == "Ann Lee <ann@example.com>"
    assert dialog.subject.text() == subject and dialog.body.toPlainText() == body
    with qtbot.waitSignal(dialog.message_queued):
        ctrl_enter(qtbot, dialog)
    assert [c for c in context.tickets.get(ref.id).communications if c.draft] == []
    context.mail.deliver_due()
    assert smtp_server.recorder.messages[0]["Subject"] == subject
    (logged,) = context.tickets.get(ref.id).communications
    assert logged.kind == "Request for information" and not logged.draft


@pytest.mark.parametrize("start", ["template", "outbox message", "log draft"])
def test_opening_the_composer_reads_the_ticket_once(qtbot, mail_context, start: str) -> None:
    """The start reads the ticket once and passes it down: the suggested template, the
    log draft, the rendered message, the title and the files offered all come from it."""
    context = mail_context
    ref = make_ticket(context)
    options: dict[str, int] = {}
    if start == "outbox message":
        options["outbox_id"] = context.mail.outbox.queue(context.mail.draft(ref.id))
    elif start == "log draft":
        context.tickets.add_communication(
            ref.id,
            direction=Direction.OUTBOUND,
            subject="Re: Agent silent",
            body="Hello Ann Lee,",
            kind="Request for Information",
            draft=True,
        )
        options["draft_communication_id"] = context.tickets.get(ref.id).communications[-1].id
    reads: list[str] = []

    def on_execute(_conn, _cursor, statement: str, *_args) -> None:
        if re.search(r"\bFROM tickets\b", statement):  # the ticket's own row, not its logs
            reads.append(statement)

    event.listen(context.db.engine, "before_cursor_execute", on_execute)
    try:
        dialog = open_composer(qtbot, context, ref.id, **options)
    finally:
        event.remove(context.db.engine, "before_cursor_execute", on_execute)
    assert dialog.ready and dialog.windowTitle().endswith("Agent silent")
    assert len(reads) == 1, "\n".join(reads)


def test_attachments_are_chosen_added_and_arrive_as_mime_parts(
    qtbot, mail_context, smtp_server, tmp_path: Path
) -> None:
    context = mail_context
    ref = make_ticket(context)
    existing, unused, added = (tmp_path / n for n in ("steps.txt", "old.log", "fix.csv"))
    existing.write_text("1. Open the widget\n", encoding="utf-8")
    unused.write_text("not this one\n", encoding="utf-8")
    added.write_text("id,state\n1,ok\n", encoding="utf-8")
    context.tickets.attach(ref.id, existing)
    context.tickets.attach(ref.id, unused)
    dialog = open_composer(qtbot, context, ref.id)
    assert dialog.attachments.count() == 2 and dialog.checked_attachment_ids() == ()
    first = dialog.attachments.item(0).data(Qt.ItemDataRole.UserRole + 1)
    dialog.set_attachment_checked(first)
    with qtbot.waitSignal(dialog.ticket_changed):
        dialog.add_files([added])  # attached to the ticket first, then included
    idle()
    assert dialog.attachments.count() == 3 and len(dialog.checked_attachment_ids()) == 2
    names = [a.filename for a in context.tickets.get(ref.id).attachments]
    assert names == ["steps.txt", "old.log", "fix.csv"]
    with qtbot.waitSignal(dialog.message_queued):
        ctrl_enter(qtbot, dialog)
    context.mail.deliver_due()
    parts = {
        p.get_filename(): p.get_content()
        for p in smtp_server.recorder.messages[0].iter_attachments()
    }
    assert parts == {"steps.txt": "1. Open the widget\n", "fix.csv": "id,state\n1,ok\n"}


def test_changing_the_template_asks_before_replacing_typed_text(qtbot, mail_context) -> None:
    context = mail_context
    dialog = open_composer(qtbot, context, make_ticket(context).id)
    asked: list[str] = []

    def refuse(_parent, title: str) -> bool:
        asked.append(title)
        return False

    dialog.set_template("still_investigating")  # nothing typed: no question
    idle()
    assert asked == [] and "still investigating" in dialog.body.toPlainText()
    type_at_end(qtbot, dialog, "My own words.")
    dialog.prompt_replace = refuse
    dialog.set_template("solution")
    idle()
    assert asked == ["Solution"] and dialog.template() == "still_investigating"
    assert dialog.body.toPlainText().endswith("My own words.")
    dialog.prompt_replace = lambda _parent, _title: True
    dialog.set_template("solution")
    idle()
    assert dialog.template() == "solution" and "What we fixed:" in dialog.body.toPlainText()
    dialog.body.undo()
    assert dialog.body.toPlainText().endswith("My own words.")  # Ctrl+Z brings it back


def test_closing_with_edits_asks_and_keeps_them_unless_discarded(qtbot, mail_context) -> None:
    context = mail_context
    dialog = open_composer(qtbot, context, make_ticket(context).id)
    answers = [UnsavedMessage.KEEP_EDITING, UnsavedMessage.DISCARD]
    dialog.prompt_unsaved = lambda _parent: answers.pop(0)
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)  # nothing typed: closes without a question
    assert not dialog.isVisible() and answers == [
        UnsavedMessage.KEEP_EDITING,
        UnsavedMessage.DISCARD,
    ]
    dialog.show()
    type_at_end(qtbot, dialog, "Unfinished")
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert dialog.isVisible() and dialog.body.toPlainText().endswith("Unfinished")
    qtbot.mouseClick(dialog.cancel_button, Qt.MouseButton.LeftButton)
    assert not dialog.isVisible() and answers == []
    assert context.mail.outbox.items(tuple(S)) == []


def test_without_a_mail_account_the_composer_points_to_the_settings(qtbot, context) -> None:
    dialog = open_composer(qtbot, context, make_ticket(context).id)
    assert dialog.banner_text == (
        "No mail account is set up yet. Add one in Settings → Mail to send messages."
    )
    assert not dialog.send_button.isEnabled() and not dialog.save_draft_button.isEnabled()
    ctrl_enter(qtbot, dialog)  # nothing happens, nothing breaks
    qtbot.mouseClick(dialog.cancel_button, Qt.MouseButton.LeftButton)
    assert not dialog.isVisible()


def test_the_editor_composes_lists_unsent_mail_and_sends_log_drafts(
    qtbot, mail_context, smtp_server
) -> None:
    context = mail_context
    ref = make_ticket(context)
    outbox = context.mail.outbox
    queued = outbox.queue(dataclasses.replace(context.mail.draft(ref.id), subject="Queued one"))
    failed = outbox.queue(dataclasses.replace(context.mail.draft(ref.id), subject="Failed one"))
    claim = outbox.claim_next()
    while claim is not None and claim.id != failed:
        outbox.mark_failed(
            claim.id, ServerUnreachable("The mail server did not answer.")
        )  # back in the queue later
        claim = outbox.claim_next()
    outbox.mark_failed(failed, PermanentRejection("554 5.7.1 Message rejected as spam"))
    context.tickets.add_communication(
        ref.id,
        direction=Direction.OUTBOUND,
        subject="Escalated",
        body="Hello Ann Lee,\nOur senior team took your ticket over.",
        kind="Escalated",
        recipients=["ann@example.com"],
        draft=True,
    )
    editor = open_in(qtbot, new_tabs(qtbot, context), ref.id)
    panel = editor.mail_panel
    assert panel.compose_button.isVisible() and panel.compose_button.text() == "Compose e-mail…"
    listed = panel.unsent.plain_text()
    assert "Queued – Queued one" in listed and "Failed – Failed one" in listed
    assert "554 5.7.1 Message rejected as spam" in listed
    assert "Tried 1×; next try" in listed and "The mail server did not answer." in listed
    assert {item.id: item.state for item in panel.items} == {queued: S.QUEUED, failed: S.FAILED}
    log_html = editor.logs.communications.browser.toHtml()
    assert "Draft, not sent: Escalated" in editor.logs.communications.plain_text()
    draft_id = context.tickets.get(ref.id).communications[-1].id
    assert f"{SEND_DRAFT_LINK}{draft_id}" in log_html

    opened: list[ComposerDialog] = []
    panel.composer_opened.connect(opened.append)
    editor.logs.communications.browser.anchorClicked.emit(QUrl(f"{SEND_DRAFT_LINK}{draft_id}"))
    (dialog,) = opened
    dialog.prompt_unsaved = never_asked
    qtbot.waitUntil(lambda: dialog.ready)
    idle()
    assert dialog.template() == "escalated" and "senior team" in dialog.body.toPlainText()
    with qtbot.waitSignal(editor.ticket_changed):
        ctrl_enter(qtbot, dialog)
    idle()  # the editor reloads: the draft is gone from the log, the message is unsent
    assert "Draft, not sent" not in editor.logs.communications.plain_text()
    assert len(panel.items) == 3

    compose = editor.compose()
    assert isinstance(compose, ComposerDialog)
    qtbot.waitUntil(lambda: compose.ready)
    idle()
    assert compose.template() == "acknowledgment"
    compose.close()


def test_a_new_ticket_is_acknowledged_automatically_when_asked(
    qtbot, mail_context, smtp_server, shown_errors
) -> None:
    context = mail_context
    context.settings.auto_acknowledge = True

    def create(mail) -> NewTicketDialog:
        dialog = NewTicketDialog(context.tickets, mail=mail)
        qtbot.addWidget(dialog)
        dialog.show()
        qtbot.keyClicks(dialog.customer_name, "Ann Lee")
        qtbot.keyClicks(dialog.customer_email, "ann@example.com")
        qtbot.keyClicks(dialog.subject, "Widget silent")
        dialog.category.setCurrentIndex(dialog.category.findText("Agent Issues"))
        qtbot.keyClicks(dialog.description, "The agent does not answer in the widget.")
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
        idle()
        assert dialog.created is not None
        return dialog

    dialog = create(context.mail)
    (item,) = context.mail.outbox.items(tuple(S))
    assert item.ticket_id == dialog.created.id and item.state is S.QUEUED
    context.mail.deliver_due()
    (message,) = smtp_server.recorder.messages
    assert message["Auto-Submitted"] == "auto-replied"
    assert f"Ticket #{dialog.created.number}" in message["Subject"]

    def broken(_ticket_id: int) -> int:
        raise MailError("The outbox could not be written.")

    context.mail.acknowledge_new_ticket = broken
    second = create(context.mail)
    assert second.created is not None  # the ticket stays
    context.tickets.get(second.created.id)
    (shown,) = shown_errors
    assert shown.message.startswith(f"Ticket #{second.created.number} was created, but its")
    assert "The outbox could not be written." in shown.message
    shown_errors.clear()


def test_a_draft_with_its_subject_line_in_the_text_and_a_message_being_sent(
    qtbot, mail_context
) -> None:
    context = mail_context
    ref = make_ticket(context)
    context.tickets.add_communication(
        ref.id,
        direction=Direction.OUTBOUND,
        subject="",
        body="Subject: Re: Agent silent - Escalated\n\nHello Ann Lee,\nOur senior team has it.",
        kind="Escalated",
        recipients=["ann@example.com"],
        draft=True,
    )
    draft = context.tickets.get(ref.id).communications[-1]
    message = message_from_draft(context.tickets.get(ref.id), draft.id, context.mail.accounts()[0])
    assert message.subject == "Re: Agent silent - Escalated"
    assert message.body == "Hello Ann Lee,\nOur senior team has it."
    assert (message.template, message.kind, message.replaces_draft_id) == (
        "escalated",
        "Escalated",
        draft.id,
    )

    outbox_id = context.mail.outbox.queue(context.mail.draft(ref.id))
    assert context.mail.outbox.claim_next().id == outbox_id  # a sender has it now
    dialog = open_composer(qtbot, context, ref.id, outbox_id=outbox_id)
    assert dialog.banner_text == "A message that is sending can't be edited."
    assert not dialog.ready and not dialog.send_button.isEnabled()


def test_a_solution_for_a_ticket_whose_solution_is_written_says_nothing(
    qtbot, mail_context
) -> None:
    context = mail_context
    ref = make_ticket(context)
    version = context.tickets.get(ref.id).version
    context.tickets.update(ref.id, version, {"solution": "Cleared the stale cache."})
    dialog = open_composer(qtbot, context, ref.id, template="solution")
    assert dialog.template() == "solution"
    assert "Resolution tab" not in dialog.status_label.text()
    dialog.set_template("acknowledgment")  # another template: the line follows it
    qtbot.waitUntil(lambda: "Priority Level" in dialog.body.toPlainText())
    assert "Resolution tab" not in dialog.status_label.text()
