"""The resolution process panel: each SOP step writes to the ticket's troubleshooting log
or its resolution fields, and vague entries get the SOP's documentation hints."""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QCheckBox

from aiva_desk.domain import SolutionClass
from aiva_desk.gui.editor.sop.resolution import IMPLEMENT_TITLE
from tests.helpers.editor_helpers import idle, make_ticket, new_tabs, open_in


def open_resolution(qtbot, context, **fields):
    ticket_id = make_ticket(context, **fields)
    editor = open_in(qtbot, new_tabs(qtbot, context), ticket_id)
    editor.support.setCurrentIndex(1)
    panel = editor.support.resolution
    assert editor.support.currentWidget() is panel and panel.objectName() == "resolutionPanel"
    qtbot.waitUntil(panel.isEnabled)
    return ticket_id, editor, panel


def click(qtbot, widget) -> None:
    if isinstance(widget, QCheckBox):  # on the box: the row is wider than its text
        qtbot.mouseClick(widget, Qt.MouseButton.LeftButton, pos=QPoint(7, widget.height() // 2))
    else:
        qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)
    idle()


def test_not_reproduced_is_stored_and_prompts_to_request_details(qtbot, context) -> None:
    ticket_id, editor, panel = open_resolution(qtbot, context)
    assert panel.no_prompt.isHidden()
    panel.choose_reproduced(False)
    idle()
    assert context.tickets.get(ticket_id).can_reproduce is False
    assert editor.fields["can_reproduce"].get() is False and not editor.is_dirty()
    assert panel.no_prompt.isVisibleTo(panel)
    click(qtbot, panel.no_prompt.findChild(type(panel.add_check_button), "requestDetailsButton"))
    assert editor.support.currentWidget() is editor.support.checklists
    [draft] = context.tickets.get(ticket_id).communications
    assert draft.draft and draft.kind == "Request for Information"
    editor.support.checklists.request_dialog.close()

    panel.choose_reproduced(True)
    idle()
    assert context.tickets.get(ticket_id).can_reproduce is True
    assert panel.no_prompt.isHidden()


def test_the_solution_class_is_stored_and_escalation_opens_the_escalation_panel(
    qtbot, context
) -> None:
    ticket_id, editor, panel = open_resolution(qtbot, context)
    panel.choose_solution(SolutionClass.STANDARD)
    idle()
    assert context.tickets.get(ticket_id).solution_class is SolutionClass.STANDARD
    assert editor.fields["solution_class"].widget.currentText() == "Standard (5–30 min)"
    panel.choose_solution(SolutionClass.ESCALATION)
    idle()
    assert context.tickets.get(ticket_id).solution_class is SolutionClass.ESCALATION
    assert editor.support.currentWidget() is editor.support.escalation


def test_a_guide_check_goes_into_the_troubleshooting_log(qtbot, context) -> None:
    ticket_id, editor, panel = open_resolution(qtbot, context)
    assert not panel.add_check_button.isEnabled()
    panel.check_combo.setCurrentIndex(1)
    panel.found.setFocus()
    qtbot.keyClicks(panel.found, "looked fine")
    hint = panel.findChild(type(panel.documentation), "diagnoseHint")
    assert hint.isVisibleTo(panel) and "Be specific" in hint.text()  # never blocks:
    assert panel.add_check_button.isEnabled()
    panel.found.clear()
    qtbot.keyClicks(panel.found, "api: errored, 15 restarts since 09:00")
    qtbot.keyClicks(panel.action, "pm2 logs api --lines 200")
    assert hint.isHidden()
    click(qtbot, panel.add_check_button)
    [entry] = context.tickets.get(ticket_id).troubleshooting
    assert (entry.title, entry.checked, entry.found, entry.action) == (
        "Diagnose: Review relevant logs (pm2 logs)",
        "Review relevant logs (pm2 logs)",
        "api: errored, 15 restarts since 09:00",
        "pm2 logs api --lines 200",
    )
    assert panel.found.text() == ""
    qtbot.waitUntil(lambda: "✓ logs" in panel.findChild(type(hint), "checksDoneLabel").text())
    assert "15 restarts" in editor.troubleshooting.list.plain_text()


def test_the_implementation_checklist_is_logged_and_the_steps_saved(qtbot, context) -> None:
    ticket_id, editor, panel = open_resolution(qtbot, context)
    warning = panel.findChild(type(panel.documentation), "testWarningText")
    assert warning.text() == "CRITICAL: Always test before responding to customer."
    assert not panel.record_button.isEnabled()
    for name in ("backupCheck", "fixAppliedCheck", "testedCheck"):
        click(qtbot, panel.implement[name])
    assert "Tested ✓" in warning.text()
    panel.steps.setFocus()
    qtbot.keyClicks(panel.steps, "pm2 restart api")
    click(qtbot, panel.record_button)
    ticket = context.tickets.get(ticket_id)
    assert ticket.steps_taken == "pm2 restart api"
    [entry] = ticket.troubleshooting
    assert entry.title == IMPLEMENT_TITLE
    assert "✓ Tested that the fix works" in entry.checked
    assert "✗ No new issues introduced" in entry.checked
    assert (entry.found, entry.action) == ("Fix tested and working", "pm2 restart api")
    assert not editor.is_dirty()


def test_vague_entries_get_the_sop_hint_without_being_refused(qtbot, context) -> None:
    ticket_id, editor, panel = open_resolution(qtbot, context)
    form = editor.troubleshooting
    form.checked.setFocus()
    qtbot.keyClicks(form.checked, "API")
    qtbot.keyClicks(form.action, "Restarted the service")
    assert form.hint.isVisibleTo(editor)
    assert "“Restarted the service” is what the SOP calls too vague" in form.hint.text()
    assert "Restarted API service using: pm2 restart api" in form.hint.text()
    assert form.add_button.isEnabled()
    click(qtbot, form.add_button)
    assert context.tickets.get(ticket_id).troubleshooting[0].action == "Restarted the service"
    # The resolution panel lists what is vague in the log and the resolution as typed.
    solution = editor.fields["solution"].widget
    solution.setFocus()
    qtbot.keyClicks(solution, "Fixed configuration")
    qtbot.waitUntil(lambda: "Changed max_tokens from 4096" in panel.documentation.text())
    assert "pm2 restart api" in panel.documentation.text()
