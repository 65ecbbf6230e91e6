"""Step 5 of the resolution panel: the customer's wording of the six solution points, in
multi-line boxes that start empty (nothing internal copied in), are saved, drafted and
merged like any ticket field, and point out words a customer would not understand."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPlainTextEdit

from tests.gui.editor.sop.test_resolution import click, open_resolution
from tests.helpers.editor_helpers import idle, new_tabs, open_in

INTERNAL = {
    "root_cause": "The voice bridge rejects calls with INSUFFICIENT_CREDITS",
    "prevention": "Low-balance alert on tenants.credit_balance < 10",
}


def type_into(qtbot, edit: QPlainTextEdit, *lines: str) -> None:
    edit.setFocus()
    for index, line in enumerate(lines):
        if index:
            qtbot.keyClick(edit, Qt.Key.Key_Return)
        qtbot.keyClicks(edit, line)


def test_the_boxes_start_empty_beside_the_internal_findings_and_keep_every_line(
    qtbot, context
) -> None:
    ticket_id, editor, panel = open_resolution(qtbot, context, **INTERNAL)
    boxes = panel.points
    assert list(boxes) == [
        "customer_explanation",
        "customer_fix",
        "customer_steps",
        "customer_prevention",
    ]
    for box in boxes.values():
        assert isinstance(box, QPlainTextEdit) and box.isVisibleTo(panel)
        assert box.toPlainText() == "" and box.placeholderText().startswith("e.g. ")
    reference = panel.communicate.reference
    assert reference.isVisibleTo(panel)
    assert "INSUFFICIENT_CREDITS" in reference.text() and "not sent" in reference.text()
    count = panel.communicate.count_label
    assert count.text().startswith("0 of 4 written")

    explanation = boxes["customer_explanation"]
    empty_height = explanation.height()
    type_into(
        qtbot,
        explanation,
        "Your account had run out of call credits.",
        "Calls were refused until it was topped up,",
        "which is why the agent went quiet.",
    )
    qtbot.waitUntil(lambda: explanation.height() > empty_height)  # sized to its text
    qtbot.keyClick(explanation, Qt.Key.Key_Tab)  # Tab goes on to the next point
    assert boxes["customer_fix"].hasFocus()
    assert "\t" not in explanation.toPlainText()
    qtbot.keyClicks(boxes["customer_fix"], "We added credits; calls go through again.")
    assert count.text().startswith("2 of 4 written")
    assert editor.is_dirty()
    assert editor.changes() == {
        "customer_explanation": "Your account had run out of call credits.\n"
        "Calls were refused until it was topped up,\nwhich is why the agent went quiet.",
        "customer_fix": "We added credits; calls go through again.",
    }

    click(qtbot, panel.communicate.save_button)
    idle()
    stored = context.tickets.get(ticket_id)
    assert stored.customer_explanation.endswith("which is why the agent went quiet.")
    assert "\n" in stored.customer_explanation  # not cut to one line
    assert stored.customer_fix == "We added credits; calls go through again."
    assert stored.root_cause == INTERNAL["root_cause"]  # the internal field is untouched
    assert not editor.is_dirty()


def test_words_a_customer_would_not_understand_are_pointed_out_as_typed(qtbot, context) -> None:
    _ticket_id, _editor, panel = open_resolution(qtbot, context, **INTERNAL)
    hint = panel.communicate.jargon_hint
    assert hint.isHidden()
    box = panel.points["customer_explanation"]
    type_into(qtbot, box, "Calls failed with INSUFFICIENT_CREDITS for tn-4821.")
    qtbot.waitUntil(hint.isVisible)
    assert "“INSUFFICIENT_CREDITS” (error code, in What was wrong)" in hint.text()
    assert "“tn-4821” (internal id" in hint.text()
    box.selectAll()
    qtbot.keyClicks(box, "Your account had run out of call credits.")
    qtbot.waitUntil(hint.isHidden)


def test_the_wording_is_kept_in_a_draft_and_restored_in_the_panel(
    qtbot, context, isolated_environment
) -> None:
    ticket_id, _editor, panel = open_resolution(qtbot, context)
    type_into(qtbot, panel.points["customer_steps"], "Reload the page once.", "That is all.")
    draft_file = context.paths.drafts / f"{ticket_id}.json"
    qtbot.waitUntil(draft_file.exists, timeout=10_000)
    assert context.drafts.load(ticket_id).fields["customer_steps"] == (
        "Reload the page once.\nThat is all."
    )

    restored = open_in(qtbot, new_tabs(qtbot, context), ticket_id)  # after a crash
    restored.support.setCurrentIndex(1)
    panel = restored.support.resolution
    qtbot.waitUntil(panel.isEnabled)
    assert panel.points["customer_steps"].toPlainText() == "Reload the page once.\nThat is all."
    assert restored.is_dirty() and context.tickets.get(ticket_id).customer_steps == ""


def test_the_same_wording_changed_elsewhere_goes_to_the_conflict_dialog(qtbot, context) -> None:
    ticket_id, editor, panel = open_resolution(qtbot, context)
    type_into(qtbot, panel.points["customer_fix"], "Mine: we added credits.")
    stored = context.tickets.get(ticket_id)
    context.tickets.update(ticket_id, stored.version, {"customer_fix": "Theirs: we reset it."})

    click(qtbot, panel.communicate.save_button)
    qtbot.waitUntil(lambda: editor.saver.conflict_dialog is not None, timeout=10_000)
    dialog = editor.saver.conflict_dialog
    assert [c.field for c in dialog.conflicts] == ["customer_fix"]
    mine = dialog.findChild(QPlainTextEdit, "customer_fixMineValue").toPlainText()
    assert mine == "Mine: we added credits."
    dialog.reject()
    idle()
    assert editor.is_dirty()  # nothing the agent typed is lost
    assert panel.points["customer_fix"].toPlainText() == "Mine: we added credits."
