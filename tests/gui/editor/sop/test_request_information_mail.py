"""Request information is one path: draft → "Send by e-mail…" → the composer → sent, and
only the sent mail makes the ticket Waiting on customer (SOP: request information)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt, QUrl

from aiva_desk.domain import TicketStatus
from aiva_desk.gui.composer.dialog import ComposerDialog, UnsavedMessage
from aiva_desk.gui.editor.conversation_html import SEND_DRAFT_LINK
from aiva_desk.tickets.workflow import Action
from tests.helpers.editor_helpers import idle, new_tabs, open_in
from tests.helpers.mail_fixtures import make_ticket

pytestmark = pytest.mark.usefixtures("shown_errors")
pytest_plugins = ("tests.helpers.mail_fixtures",)


def acknowledged_ticket(context) -> int:
    ref = make_ticket(context)
    context.tickets.perform(ref.id, Action.ACKNOWLEDGE, None)
    return ref.id


def opened_composer(qtbot, editor, action) -> ComposerDialog:
    opened: list[ComposerDialog] = []
    editor.mail_panel.composer_opened.connect(opened.append)
    action()
    qtbot.waitUntil(lambda: bool(opened))
    (composer,) = opened
    composer.prompt_unsaved = lambda _parent: UnsavedMessage.DISCARD
    qtbot.waitUntil(lambda: composer.ready)
    idle()
    return composer


def test_the_request_goes_out_from_the_composer_and_only_then_the_ticket_waits(
    qtbot, mail_context, smtp_server
) -> None:
    context = mail_context
    ticket_id = acknowledged_ticket(context)
    tabs = new_tabs(qtbot, context)
    editor = open_in(qtbot, tabs, ticket_id)
    panel = editor.support.checklists
    qtbot.waitUntil(lambda: bool(panel.groups))
    qtbot.mouseClick(panel.request_button, Qt.MouseButton.LeftButton)
    idle()
    dialog = panel.request_dialog
    assert dialog is not None and dialog.isVisible()
    assert "not sent from here" not in dialog.findChild(object, "requestIntro").text()
    assert dialog.send_button.isDefault()  # the one obvious action

    composer = opened_composer(
        qtbot, editor, lambda: qtbot.mouseClick(dialog.send_button, Qt.MouseButton.LeftButton)
    )
    assert composer.template() == "request_information"
    assert composer.body.toPlainText() == dialog.body  # the questions, as drafted
    assert "1. " in composer.body.toPlainText()
    composer.close()  # cancelled: nothing changes, the draft stays in the log
    idle()
    ticket = context.tickets.get(ticket_id)
    assert ticket.status is TicketStatus.ACKNOWLEDGED
    [draft] = [c for c in ticket.communications if c.draft]
    assert draft.kind == "Request for Information"

    tabs.refresh_ticket(ticket_id)
    idle()
    browser = editor.logs.communications.browser
    composer = opened_composer(
        qtbot,
        editor,
        lambda: browser.anchorClicked.emit(QUrl(f"{SEND_DRAFT_LINK}{draft.id}")),
    )
    with qtbot.waitSignal(composer.message_queued):
        qtbot.keyClick(composer.body, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    idle()
    assert context.tickets.get(ticket_id).status is TicketStatus.ACKNOWLEDGED  # queued only

    assert context.mail.deliver_due().sent  # sent: now the ticket waits on the customer
    ticket = context.tickets.get(ticket_id)
    assert ticket.status is TicketStatus.WAITING_ON_CUSTOMER
    assert [c.draft for c in ticket.communications] == [False]
    assert "Need More Info" in smtp_server.recorder.messages[0]["Subject"]
    tabs.refresh_ticket(ticket_id)
    idle()
    assert editor.header.status.text() == "Waiting on customer"


def test_the_next_step_button_opens_the_same_request_and_a_phone_request_is_recorded(
    qtbot, mail_context
) -> None:
    context = mail_context
    ticket_id = acknowledged_ticket(context)
    tabs = new_tabs(qtbot, context)
    editor = open_in(qtbot, tabs, ticket_id)
    qtbot.waitUntil(lambda: editor.workflow.button(Action.REQUEST_INFORMATION) is not None)
    step = editor.workflow.button(Action.REQUEST_INFORMATION)
    qtbot.mouseClick(step, Qt.MouseButton.LeftButton)
    panel = editor.support.checklists
    qtbot.waitUntil(lambda: panel.request_dialog is not None and panel.request_dialog.isVisible())
    assert editor.support.currentWidget() is panel
    # the next step drafted the request: the ticket does not wait until it is asked
    assert context.tickets.get(ticket_id).status is TicketStatus.ACKNOWLEDGED
    dialog = panel.request_dialog
    assert dialog.send_button.isDefault()

    qtbot.mouseClick(dialog.asked_button, Qt.MouseButton.LeftButton)  # asked on the phone
    qtbot.waitUntil(
        lambda: context.tickets.get(ticket_id).status is TicketStatus.WAITING_ON_CUSTOMER
    )
    ticket = context.tickets.get(ticket_id)
    assert [c.kind for c in ticket.communications if c.draft] == ["Request for Information"]


def test_acknowledging_offers_the_acknowledgment_mail_in_one_click(qtbot, mail_context) -> None:
    context = mail_context
    ref = make_ticket(context)
    tabs = new_tabs(qtbot, context)
    editor = open_in(qtbot, tabs, ref.id)
    qtbot.mouseClick(editor.workflow.button(Action.ACKNOWLEDGE), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "Send the Acknowledgment…" in editor.workflow.message)
    label = editor.workflow._message
    composer = opened_composer(
        qtbot, editor, lambda: label.linkActivated.emit("compose:acknowledgment")
    )
    assert composer.template() == "acknowledgment"
    assert f"#{context.tickets.get(ref.id).number}" in composer.subject.text()
