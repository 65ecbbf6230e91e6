"""The ticket editor: edit and save, drafts, workflow steps, logs and search highlights."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QGroupBox, QPlainTextEdit, QWidget
from sqlalchemy import select

from aiva_desk.demo.generate import generate_demo
from aiva_desk.domain import Priority, TicketStatus
from aiva_desk.gui.common.highlight import MATCH_BACKGROUND
from aiva_desk.gui.editor.editor import TicketEditor
from aiva_desk.store.models import Ticket
from aiva_desk.tickets.workflow import Action
from tests.helpers.editor_helpers import choose, idle, make_ticket, new_tabs, open_in

pytestmark = [
    pytest.mark.time_sensitive,  # run again at other instants and zones
    pytest.mark.usefixtures("shown_errors"),  # errors captured (conftest.py)
]

SOP_SECTIONS = [
    "customerGroup",
    "issueGroup",
    "descriptionGroup",
    "reproductionGroup",
    "informationGroup",
    "technicalGroup",
    "troubleshootingGroup",
    "resolutionGroup",
    "communicationGroup",
    "notesGroup",
    "attachmentsGroup",
    "closureGroup",
    "historyGroup",
]


def type_into(qtbot, editor: TicketEditor, field: str, text: str) -> None:
    widget = editor.fields[field].widget
    widget.setFocus()
    qtbot.keyClicks(widget, text)


def test_sections_follow_the_sop_template_and_nothing_is_edited_on_load(
    qtbot, context, tabs
) -> None:
    ticket_id = make_ticket(context, browser="Firefox 128", root_cause="Cache\r\nstale")
    editor = open_in(qtbot, tabs, ticket_id)
    assert editor.objectName() == "ticketEditor"
    assert tabs.objectName() == "ticketTabs"
    tops = [editor.findChild(QGroupBox, name).y() for name in SOP_SECTIONS]
    assert tops == sorted(tops), "sections out of the SOP template's order"
    assert editor.changes() == {} and not editor.is_dirty()
    assert editor.fields["browser"].get() == "Firefox 128"
    unnamed = [
        w.objectName()
        for w in editor.findChildren(QWidget)
        if w.focusPolicy() != Qt.FocusPolicy.NoFocus
        and w.objectName()
        and not w.objectName().startswith("qt_")
        and not w.accessibleName()
    ]
    assert unnamed == [], f"controls without an accessible name: {unnamed}"


def test_edit_and_save_stores_the_field_with_an_audit_entry(qtbot, context, tabs) -> None:
    ticket_id = make_ticket(context)
    editor = open_in(qtbot, tabs, ticket_id)
    type_into(qtbot, editor, "solution", "Cleared the CDN cache")
    choose(qtbot, editor.fields["priority"].widget, "P1")
    assert set(editor.changes()) == {"solution", "priority"}
    assert tabs.tabText(tabs.currentIndex()).startswith("●")

    with qtbot.waitSignal(tabs.ticket_saved, timeout=10_000) as saved:
        qtbot.mouseClick(editor.header.save_button, Qt.MouseButton.LeftButton)
    idle()

    assert saved.args == [ticket_id]
    stored = context.tickets.get(ticket_id)
    assert stored.solution == "Cleared the CDN cache" and stored.priority is Priority.P1
    changed = {e.field: (e.old_value, e.new_value) for e in context.tickets.history(ticket_id)}
    assert changed["solution"] == ("", "Cleared the CDN cache")
    assert changed["priority"] == ("P3", "P1")
    assert not editor.is_dirty() and not tabs.has_unsaved_changes()
    assert not tabs.tabText(tabs.currentIndex()).startswith("●")
    assert "Cleared the CDN cache" in editor.logs.history.plain_text()
    assert editor.header.priority.text().startswith("P1")


def _subject_selected(qtbot, tabs, ticket_id: int):
    """The ticket open in an editor, its subject focused with all its text selected."""
    editor = open_in(qtbot, tabs, ticket_id)
    subject = editor.fields["subject"].widget
    subject.setFocus()
    subject.selectAll()
    return editor, subject


def test_ctrl_s_saves_the_current_ticket(qtbot, context, tabs) -> None:
    ticket_id = make_ticket(context)
    _editor, subject = _subject_selected(qtbot, tabs, ticket_id)
    qtbot.keyClicks(subject, "Widget blank on Safari")
    tabs.activateWindow()
    qtbot.waitActive(tabs)
    with qtbot.waitSignal(tabs.ticket_saved, timeout=10_000):
        qtbot.keyClick(subject, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    idle()
    assert context.tickets.get(ticket_id).subject == "Widget blank on Safari"
    assert tabs.tabText(tabs.currentIndex()).startswith("#")


def test_a_refused_save_marks_the_field_and_stores_nothing(qtbot, context, tabs) -> None:
    ticket_id = make_ticket(context)
    editor, subject = _subject_selected(qtbot, tabs, ticket_id)
    qtbot.keyClick(subject, Qt.Key.Key_Delete)
    editor.save()
    idle()
    assert "subject is required" in editor.banners.text("problems")
    assert subject.property("problem") is True
    assert editor.is_dirty()
    assert context.tickets.get(ticket_id).subject.startswith("Widget does not load")
    qtbot.keyClicks(subject, "Back again")
    assert not subject.property("problem")


def test_draft_is_written_while_typing_and_restored_after_a_crash(
    qtbot, context, tabs, isolated_environment
) -> None:
    ticket_id = make_ticket(context)
    editor = open_in(qtbot, tabs, ticket_id)
    type_into(qtbot, editor, "root_cause", "Ad blocker")
    editor.notes.edit.setFocus()
    qtbot.keyClicks(editor.notes.edit, "Customer uses uBlock")
    draft_file = context.paths.drafts / f"{ticket_id}.json"
    qtbot.waitUntil(draft_file.exists, timeout=10_000)  # within a few seconds, no save pressed
    assert context.drafts.load(ticket_id).fields["root_cause"] == "Ad blocker"

    # "Crash": the window is gone without saving; a new one opens the ticket again.
    again = new_tabs(qtbot, context)
    restored = open_in(qtbot, again, ticket_id)
    assert restored.fields["root_cause"].get() == "Ad blocker"
    assert restored.pending_note() == "Customer uses uBlock"
    assert restored.is_dirty()
    assert restored.banners.text("draft").startswith("Restored unsaved changes from")
    assert context.tickets.get(ticket_id).root_cause == ""

    banner = restored.banners.get("draft")
    discard = banner.findChild(QWidget, "discardDraftButton")
    qtbot.mouseClick(discard, Qt.MouseButton.LeftButton)
    assert not restored.is_dirty() and not draft_file.exists()
    assert restored.fields["root_cause"].get() == "" and restored.pending_note() == ""


def test_refused_step_is_explained_inline_and_a_good_step_moves_the_ticket(
    qtbot, context, tabs
) -> None:
    ticket_id = make_ticket(context)
    editor = open_in(qtbot, tabs, ticket_id)
    acknowledge = editor.workflow.button(Action.ACKNOWLEDGE)
    assert "SOP step 1." in acknowledge.toolTip()
    qtbot.mouseClick(acknowledge, Qt.MouseButton.LeftButton)
    idle()
    assert context.tickets.get(ticket_id).status is TicketStatus.ACKNOWLEDGED
    assert editor.header.status.text() == "Acknowledged"
    assert "is now Acknowledged" in editor.workflow.message
    # SOP step 1 is an e-mail: the message offers it in one click
    assert "Send the Acknowledgment…" in editor.workflow.message

    category = editor.fields["category_id"].widget
    original = category.currentText()
    choose(qtbot, category, "No category")  # triage takes the category from the form
    qtbot.mouseClick(editor.workflow.button(Action.TRIAGE), Qt.MouseButton.LeftButton)
    idle()
    assert "Triage is not possible yet" in editor.workflow.message
    assert "Set a category" in editor.workflow.message
    assert context.tickets.get(ticket_id).status is TicketStatus.ACKNOWLEDGED

    choose(qtbot, category, original)
    choose(qtbot, editor.fields["priority"].widget, "P2")  # unsaved: saved before the step
    qtbot.mouseClick(editor.workflow.button(Action.TRIAGE), Qt.MouseButton.LeftButton)
    idle()
    stored = context.tickets.get(ticket_id)
    assert stored.status is TicketStatus.TRIAGED and stored.priority is Priority.P2
    assert editor.workflow.button(Action.START_INVESTIGATION) is not None
    assert not editor.is_dirty()


def test_add_a_troubleshooting_entry(qtbot, context, tabs) -> None:
    ticket_id = make_ticket(context)
    editor = open_in(qtbot, tabs, ticket_id)
    panel = editor.troubleshooting
    assert not panel.add_button.isEnabled()
    for widget, text in (
        (panel.title, "Initial investigation"),
        (panel.checked, "Browser console"),
        (panel.found, "CSP blocks the widget script"),
        (panel.action, "Asked the customer to allow our domain"),
    ):
        widget.setFocus()
        qtbot.keyClicks(widget, text)
    assert editor.is_dirty()  # typed text is unsaved work too
    with qtbot.waitSignal(tabs.tickets_changed, timeout=10_000) as changed:
        qtbot.mouseClick(panel.add_button, Qt.MouseButton.LeftButton)
    idle()
    assert changed.args == [[ticket_id]]
    [entry] = context.tickets.get(ticket_id).troubleshooting
    assert (entry.title, entry.checked, entry.found) == (
        "Initial investigation",
        "Browser console",
        "CSP blocks the widget script",
    )
    assert entry.at is not None
    text = panel.list.plain_text()
    assert "Initial investigation" in text and "CSP blocks the widget script" in text
    assert panel.pending() == {} and not editor.is_dirty()


def test_add_an_internal_note(qtbot, context, tabs) -> None:
    ticket_id = make_ticket(context)
    editor = open_in(qtbot, tabs, ticket_id)
    editor.notes.edit.setFocus()
    qtbot.keyClicks(editor.notes.edit, "Customer is on the enterprise plan")
    qtbot.mouseClick(editor.notes.add_button, Qt.MouseButton.LeftButton)
    idle()
    [note] = context.tickets.get(ticket_id).notes
    assert note.body == "Customer is on the enterprise plan"
    assert "enterprise plan" in editor.notes.list.plain_text()
    assert editor.notes.pending() == ""


def _highlighted(edit: QPlainTextEdit) -> list[str]:
    text = edit.toPlainText()
    found = []
    block = edit.document().begin()
    while block.isValid():
        for fmt in block.layout().formats():
            if fmt.format.background().color().name() == MATCH_BACKGROUND:
                start = block.position() + fmt.start
                found.append(text[start : start + fmt.length])
        block = block.next()
    return found


def test_search_terms_are_highlighted_as_prefixes(qtbot, context, tabs) -> None:
    ticket_id = make_ticket(context)
    editor = open_in(qtbot, tabs, ticket_id)
    description = editor.fields["description"].widget
    description.setPlainText("Widgets fail; the WIDGET loader and a gadget widget.")
    tabs.set_highlight("widg load")
    assert _highlighted(description) == ["Widgets", "WIDGET", "loader", "widget"]
    tabs.set_highlight("")
    assert _highlighted(description) == []


def test_demo_tickets_open_without_phantom_edits(qtbot, context, tabs) -> None:
    generate_demo(context.db, tickets=40, seed=3)
    with context.db.read_session() as session:
        ids = list(session.scalars(select(Ticket.id).order_by(Ticket.id)))
    for ticket_id in ids:
        editor = open_in(qtbot, tabs, ticket_id)
        assert editor.changes() == {}, f"ticket {ticket_id} looks edited right after loading"
    assert tabs.count() == 1  # the preview tab followed along


def test_closure_records_the_satisfaction_score_comment_and_closure_reason(
    qtbot, context, tabs
) -> None:
    from aiva_desk.domain import ClosureReason

    ticket_id = make_ticket(context)
    editor = open_in(qtbot, tabs, ticket_id)
    assert editor.fields["satisfaction_score"].widget.currentText() == "Not scored"
    choose(qtbot, editor.fields["satisfaction_score"].widget, "4")
    reasons = editor.fields["closure_reason"].widget
    reasons.setCurrentIndex(reasons.findData("self_service"))
    type_into(qtbot, editor, "satisfaction_comment", "Quick and clear, thanks")
    assert set(editor.changes()) == {"satisfaction_score", "closure_reason", "satisfaction_comment"}
    with qtbot.waitSignal(tabs.ticket_saved, timeout=10_000):
        editor.save()
    idle()
    stored = context.tickets.get(ticket_id)
    assert stored.satisfaction_score == 4
    assert stored.closure_reason is ClosureReason.SELF_SERVICE
    assert stored.satisfaction_comment == "Quick and clear, thanks"
    reasons.setCurrentIndex(reasons.findData(""))
    choose(qtbot, editor.fields["satisfaction_score"].widget, "Not")
    with qtbot.waitSignal(tabs.ticket_saved, timeout=10_000):
        editor.save()
    idle()
    stored = context.tickets.get(ticket_id)
    assert (stored.satisfaction_score, stored.closure_reason) == (None, ClosureReason.NONE)
    assert not editor.is_dirty()


def test_a_step_message_goes_once_the_ticket_moved_on_elsewhere(qtbot, context, tabs) -> None:
    """The message "#1042 is now Acknowledged" stays while it is true; once the ticket moved on (a
    customer's reply read from a mailbox, another agent), the reload takes it away."""
    ticket_id = make_ticket(context)
    editor = open_in(qtbot, tabs, ticket_id)
    qtbot.mouseClick(editor.workflow.button(Action.ACKNOWLEDGE), Qt.MouseButton.LeftButton)
    idle()
    assert "is now Acknowledged" in editor.workflow.message
    tabs.refresh_ticket(ticket_id)  # reloaded, still Acknowledged: the message stays
    idle()
    assert "is now Acknowledged" in editor.workflow.message

    ticket = context.tickets.get(ticket_id)
    context.tickets.triage(
        ticket_id, category_id=ticket.category_id, priority=Priority.P3, expected_version=None
    )
    tabs.refresh_ticket(ticket_id)
    idle()
    assert editor.header.status.text() == "Triaged"
    assert editor.workflow.message == ""
