"""Saving over a version saved elsewhere: automatic merge, or the conflict dialog."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QPlainTextEdit, QPushButton, QRadioButton

from aiva_desk.domain import Priority
from aiva_desk.gui.editor.conflict_dialog import ConflictDialog
from aiva_desk.gui.editor.editor import TicketEditor
from aiva_desk.gui.editor.merge import merge_edits
from aiva_desk.tickets.merge import FieldConflict
from tests.helpers.editor_helpers import choose, idle, make_ticket, open_in

pytestmark = pytest.mark.usefixtures("shown_errors")  # errors captured (conftest.py)


def save_elsewhere(context, ticket_id: int, **changes: object) -> None:
    """Another agent saves the ticket while our editor has it open."""
    context.tickets.update(ticket_id, context.tickets.get(ticket_id).version, changes)


def type_solution(qtbot, editor: TicketEditor, text: str) -> None:
    widget = editor.fields["solution"].widget
    widget.setFocus()
    qtbot.keyClicks(widget, text)


def wait_for_dialog(qtbot, editor: TicketEditor) -> ConflictDialog:
    qtbot.waitUntil(lambda: editor.saver.conflict_dialog is not None, timeout=10_000)
    dialog = editor.saver.conflict_dialog
    assert dialog.objectName() == "conflictDialog" and dialog.isVisible()
    return dialog


def test_changes_to_different_fields_merge_by_themselves(qtbot, context, tabs) -> None:
    ticket_id = make_ticket(context)
    editor = open_in(qtbot, tabs, ticket_id)
    type_solution(qtbot, editor, "Reinstalled the widget snippet")
    save_elsewhere(context, ticket_id, priority=Priority.P1, browser="Chrome 126")

    editor.save()
    idle()

    stored = context.tickets.get(ticket_id)
    assert stored.solution == "Reinstalled the widget snippet"
    assert stored.priority is Priority.P1 and stored.browser == "Chrome 126"
    assert editor.saver.conflict_dialog is None
    merged = editor.banners.text("merged")
    assert "changed elsewhere (Priority, Browser)" in merged and "merged" in merged
    assert editor.fields["priority"].get() is Priority.P1
    assert editor.fields["browser"].get() == "Chrome 126"
    assert not editor.is_dirty() and context.drafts.load(ticket_id) is None


@pytest.mark.parametrize("choice", ["mine", "theirs"])
def test_the_same_field_changed_on_both_sides_is_decided_in_the_dialog(
    qtbot, context, tabs, choice: str
) -> None:
    ticket_id = make_ticket(context)
    editor = open_in(qtbot, tabs, ticket_id)
    type_solution(qtbot, editor, "Mine: clear the cache")
    choose(qtbot, editor.fields["priority"].widget, "P2")  # only we change the priority
    save_elsewhere(context, ticket_id, solution="Theirs: restart the agent")

    editor.save()
    dialog = wait_for_dialog(qtbot, editor)
    assert [c.field for c in dialog.conflicts] == ["solution"]
    theirs = dialog.findChild(QPlainTextEdit, "solutionTheirsValue").toPlainText()
    mine = dialog.findChild(QPlainTextEdit, "solutionMineValue").toPlainText()
    assert (theirs, mine) == ("Theirs: restart the agent", "Mine: clear the cache")
    assert not dialog.save_button.isEnabled()  # nothing chosen yet

    if choice == "mine":
        button = dialog.findChild(QPushButton, "keepAllMineButton")
    else:
        button = dialog.findChild(QRadioButton, "solutionTheirsRadio")
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert dialog.choices() == {"solution": choice}
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    idle()

    stored = context.tickets.get(ticket_id)
    expected = "Mine: clear the cache" if choice == "mine" else "Theirs: restart the agent"
    assert stored.solution == expected
    assert stored.priority is Priority.P2  # the merged, non-conflicting change
    assert editor.fields["solution"].get() == expected
    assert not editor.is_dirty() and editor.saver.conflict_dialog is None


def test_cancelling_the_dialog_keeps_the_edits_and_the_draft(qtbot, context, tabs) -> None:
    ticket_id = make_ticket(context)
    editor = open_in(qtbot, tabs, ticket_id)
    type_solution(qtbot, editor, "Mine")
    save_elsewhere(context, ticket_id, solution="Theirs")

    editor.save()
    wait_for_dialog(qtbot, editor).reject()
    idle()

    assert editor.is_dirty() and editor.fields["solution"].get() == "Mine"
    assert context.tickets.get(ticket_id).solution == "Theirs"
    assert context.drafts.load(ticket_id).fields == {"solution": "Mine"}
    assert "Not saved" in editor.banners.text("conflict")
    assert tabs.has_unsaved_changes()


def test_tags_merge_like_a_field() -> None:
    base = {"tags": ["sso"], "subject": "A"}
    assert merge_edits(base, {**base, "tags": ["sso", "vip"]}, base).merged == {
        "tags": ["sso", "vip"]
    }
    theirs = {**base, "tags": ["billing"]}
    result = merge_edits(base, {**base, "tags": ["vip"]}, theirs)
    assert result.conflicts == [FieldConflict("tags", ["sso"], ["vip"], ["billing"])]
    assert merge_edits(base, dict(base), theirs).taken_from_theirs == ["tags"]


def test_dialog_choices_and_buttons(qtbot) -> None:
    conflicts = [
        FieldConflict("priority", Priority.P3, Priority.P1, Priority.P2),
        FieldConflict("browser", "", "Edge", "Chrome"),
    ]
    dialog = ConflictDialog(conflicts, lambda name, value: f"<{value}>", ticket_label="#1001")
    qtbot.addWidget(dialog)
    assert "#1001 was saved by someone else" in dialog.findChild(QLabel, "introLabel").text()
    dialog.set_choice("priority", "theirs")
    assert not dialog.save_button.isEnabled()
    dialog.accept()  # Enter with a choice missing does nothing
    assert dialog.result() == 0
    qtbot.mouseClick(
        dialog.findChild(QPushButton, "takeAllTheirsButton"), Qt.MouseButton.LeftButton
    )
    assert dialog.choices() == {"priority": "theirs", "browser": "theirs"}
    qtbot.mouseClick(dialog.findChild(QPushButton, "keepAllMineButton"), Qt.MouseButton.LeftButton)
    assert dialog.choices() == {"priority": "mine", "browser": "mine"}
    assert dialog.save_button.isEnabled()
    assert dialog.findChild(QLabel, "browserTheirsValue").text() == "<Chrome>"
