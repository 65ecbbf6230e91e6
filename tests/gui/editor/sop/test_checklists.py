"""The checklist panel beside the editor: progress per group, self-checking items,
items ticked by the agent (who, when, history) and the Request for Information draft."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication

from aiva_desk.tickets.checklists import ticket_checklists
from tests.helpers.editor_helpers import T0, idle, make_ticket, new_tabs, open_in


def open_checklists(qtbot, context, **fields):
    ticket_id = make_ticket(context, **fields)
    editor = open_in(qtbot, new_tabs(qtbot, context), ticket_id)
    panel = editor.support.checklists
    qtbot.waitUntil(lambda: bool(panel.groups))
    return ticket_id, editor, panel


def test_groups_show_their_progress_in_sop_order(qtbot, context) -> None:
    _ticket_id, editor, panel = open_checklists(qtbot, context)
    assert panel.objectName() == "checklistPanel"
    assert editor.support.currentWidget() is panel
    progress = panel.progress()
    assert list(progress)[:5] == [
        "User Information",
        "Issue Information",
        "Technical Information",
        "Reproduction Steps",
        "Knowledge Base Issues",  # the question set of the ticket's category
    ]
    assert progress["User Information"] == (3, 5)  # name, e-mail, organization
    assert progress["Technical Information"] == (0, 7)
    assert progress["Pre-Resolution Checklist"] == (0, 7)
    header = panel.group("User Information")
    assert header.count.text() == "3/5"
    assert header.toggle.accessibleName() == "User Information: 3 of 5 done"
    assert "Pre-Resolution 0/7 (needed to close)" in panel.summary.text()
    assert not panel.group("Post-Resolution Review").body.isVisibleTo(panel)  # folded


def test_an_automatic_item_follows_its_field_as_saved_in_the_editor(qtbot, context) -> None:
    ticket_id, editor, panel = open_checklists(qtbot, context)
    row = panel.row("Browser and version")
    assert not row.box.isChecked() and "filled from Browser" in row.label.text()
    qtbot.mouseClick(row.box, Qt.MouseButton.LeftButton)  # not ticked by hand
    idle()
    assert not row.box.isChecked()

    browser = editor.fields["browser"].widget
    browser.setFocus()
    qtbot.keyClicks(browser, "Firefox 128")
    editor.save()
    idle()
    qtbot.waitUntil(lambda: panel.row("Browser and version").box.isChecked())
    assert panel.progress()["Technical Information"] == (1, 7)
    assert "Checks itself while Browser is filled" in row.box.toolTip()

    browser.clear()
    editor.save()
    idle()
    qtbot.waitUntil(lambda: not panel.row("Browser and version").box.isChecked())
    assert context.tickets.get(ticket_id).browser == ""


def test_a_manual_item_is_stored_with_who_and_when_and_shows_in_the_history(qtbot, context) -> None:
    ticket_id, editor, panel = open_checklists(qtbot, context)
    row = panel.row("Does it happen every time?")
    qtbot.mouseClick(row.label, Qt.MouseButton.LeftButton)  # its text ticks it, too
    idle()
    [state] = [
        s for s in ticket_checklists(context.db, ticket_id) if s.name == "Reproduction Steps"
    ]
    item = next(i for i in state.items if i.text == "Does it happen every time?")
    assert (item.checked, item.checked_by, item.checked_at) == (True, context.actor, T0)
    qtbot.waitUntil(lambda: "Checked by" in panel.row("Does it happen every time?").box.toolTip())
    assert context.actor in row.box.toolTip()
    assert panel.progress()["Reproduction Steps"] == (1, 4)

    row.answer.setFocus()
    qtbot.keyClicks(row.answer, "Only after the nightly import")
    qtbot.keyClick(row.answer, Qt.Key.Key_Return)
    idle()
    [state] = [
        s for s in ticket_checklists(context.db, ticket_id) if s.name == "Reproduction Steps"
    ]
    assert next(i for i in state.items if i.item_id == row.item_id).answer == (
        "Only after the nightly import"
    )
    qtbot.waitUntil(lambda: "checklist answer" in editor.logs.history.plain_text())
    history = editor.logs.history.plain_text()
    assert "checklist item checked: Does it happen every time?" in history


def test_request_information_drafts_the_open_questions(qtbot, context) -> None:
    ticket_id, editor, panel = open_checklists(qtbot, context)
    qtbot.mouseClick(panel.request_button, Qt.MouseButton.LeftButton)
    idle()
    dialog = panel.request_dialog
    assert dialog is not None and dialog.isVisible()
    assert dialog.subject.endswith("Need More Info")
    assert "1. What is the Knowledge Base name/ID?" in dialog.body  # the category's first
    assert "2. Which document(s) are affected?" in dialog.body
    [message] = context.tickets.get(ticket_id).communications
    assert (message.draft, message.kind, message.body) == (
        True,
        "Request for Information",
        dialog.body,
    )
    assert message.recipients == "customer1@example.com"
    qtbot.waitUntil(lambda: "Draft, not sent" in editor.logs.communications.plain_text())
    qtbot.mouseClick(dialog.copy_button, Qt.MouseButton.LeftButton)
    assert QGuiApplication.clipboard().text().startswith(f"Subject: {dialog.subject}\n\n")
    dialog.close()
