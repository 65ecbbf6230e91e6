"""Closing through the Close dialog: reason, time spent and score end on the ticket and in
the metrics; bad input says what is wrong in one line and keeps what was typed."""

from __future__ import annotations

from PySide6.QtCore import Qt

from aiva_desk.domain import ClosureReason, Direction, StaffRole, TicketStatus
from aiva_desk.gui.editor.sop import close_dialog
from aiva_desk.reports.metrics import compute_metrics
from aiva_desk.reports.periods import Period
from aiva_desk.reports.ticket_report import render_ticket_report
from aiva_desk.tickets.workflow import Action
from tests.gui.editor.sop.test_resolution_close_gates import (
    awaiting_confirmation,
    open_ticket,
    staff,
)
from tests.helpers.close_gates import satisfy_close_gates
from tests.helpers.editor_helpers import T0, idle


def ready_to_close(context) -> int:
    ticket_id = awaiting_confirmation(context)
    satisfy_close_gates(context, ticket_id)
    return ticket_id


def choose(combo, data) -> None:
    combo.setFocus()
    index = combo.findData(data)
    assert index >= 0, data
    combo.setCurrentIndex(index)


def open_close_dialog(qtbot, editor):
    gates = editor.support.closing_buttons
    qtbot.mouseClick(editor.workflow.button(Action.CLOSE), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: gates.dialog is not None and gates.dialog.isVisible())
    dialog = gates.dialog
    assert dialog.objectName() == "closeDialog"
    return dialog


def test_close_records_reason_time_and_score_for_the_metrics(qtbot, context) -> None:
    close_dialog.REMEMBERED.clear()
    ticket_id = ready_to_close(context)
    editor = open_ticket(qtbot, context, ticket_id)
    dialog = open_close_dialog(qtbot, editor)
    assert dialog.time_edit.text() == ""  # nothing logged: no guess
    choose(dialog.reason_combo, ClosureReason.SELF_SERVICE.value)
    assert dialog.reason_combo.currentText() == "Resolved by customer with documentation"
    qtbot.keyClicks(dialog.time_edit, "1h 30m")
    choose(dialog.score_combo, 4)
    dialog.time_edit.setFocus()
    qtbot.keyClick(dialog.time_edit, Qt.Key.Key_Return)  # Enter closes when valid
    idle()
    qtbot.waitUntil(lambda: editor.support.closing_buttons.dialog is None)
    ticket = context.tickets.get(ticket_id)
    assert ticket.status is TicketStatus.CLOSED
    assert ticket.closure_reason is ClosureReason.SELF_SERVICE
    assert ticket.time_spent_minutes == 90
    assert ticket.satisfaction_score == 4
    report = compute_metrics(context.db, Period.days(T0.date(), T0.date()))
    assert report.total.self_service.hits == 1 and report.total.self_service.rate == 1.0
    assert report.total.satisfaction.average == 4
    qtbot.waitUntil(lambda: "Closed" in editor.workflow.message)


def test_bad_time_says_why_in_one_line_and_keeps_everything(qtbot, context) -> None:
    close_dialog.REMEMBERED.clear()
    ticket_id = ready_to_close(context)
    editor = open_ticket(qtbot, context, ticket_id)
    dialog = open_close_dialog(qtbot, editor)
    choose(dialog.reason_combo, ClosureReason.RESOLVED_BY_SUPPORT.value)
    qtbot.keyClicks(dialog.time_edit, "an hour or so")
    qtbot.keyClick(dialog.time_edit, Qt.Key.Key_Return)
    assert dialog.isVisible()
    assert dialog.problem_text == "“an hour or so” is not a time spent like 1h 30m, 90 or 1.5h."
    assert "\n" not in dialog.problem_text
    assert dialog.time_edit.text() == "an hour or so"
    assert dialog.reason_combo.currentData() == ClosureReason.RESOLVED_BY_SUPPORT.value
    assert context.tickets.get(ticket_id).status is TicketStatus.AWAITING_CONFIRMATION

    # Esc cancels; opened again, the dialog offers what was typed.
    qtbot.keyClick(dialog.time_edit, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: editor.support.closing_buttons.dialog is None)
    dialog = open_close_dialog(qtbot, editor)
    assert dialog.time_edit.text() == "an hour or so"
    assert dialog.reason_combo.currentData() == ClosureReason.RESOLVED_BY_SUPPORT.value
    dialog.time_edit.selectAll()
    qtbot.keyClicks(dialog.time_edit, "1.5h")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    idle()
    qtbot.waitUntil(lambda: editor.support.closing_buttons.dialog is None)
    ticket = context.tickets.get(ticket_id)
    assert ticket.status is TicketStatus.CLOSED and ticket.time_spent_minutes == 90
    assert ticket.satisfaction_score is None  # "Not known"
    assert ticket_id not in close_dialog.REMEMBERED


def test_missing_reason_and_time_are_named_and_the_score_is_prefilled(qtbot, context) -> None:
    close_dialog.REMEMBERED.clear()
    ticket_id = ready_to_close(context)
    ticket = context.tickets.get(ticket_id)
    context.tickets.update(ticket_id, ticket.version, {"satisfaction_score": 5})
    editor = open_ticket(qtbot, context, ticket_id)
    dialog = open_close_dialog(qtbot, editor)
    assert dialog.score_combo.currentData() == 5  # the customer already gave one
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert dialog.problem_text.splitlines() == [
        "Choose the closure reason.",
        "Enter the time spent (like 1h 30m, 90 or 1.5h).",
    ]
    assert context.tickets.get(ticket_id).status is TicketStatus.AWAITING_CONFIRMATION
    dialog.reason_combo.setCurrentIndex(1)  # each problem goes as soon as it is fixed
    assert dialog.problem_text.splitlines() == ["Enter the time spent (like 1h 30m, 90 or 1.5h)."]
    qtbot.keyClicks(dialog.time_edit, "45m")
    assert dialog.problem_text == ""


def test_time_spent_already_on_the_ticket_is_suggested(qtbot, context) -> None:
    close_dialog.REMEMBERED.clear()
    ticket_id = ready_to_close(context)
    ticket = context.tickets.get(ticket_id)
    context.tickets.update(ticket_id, ticket.version, {"time_spent_minutes": 75})
    editor = open_ticket(qtbot, context, ticket_id)
    dialog = open_close_dialog(qtbot, editor)
    assert dialog.time_edit.text() == "1h 15m"


def test_close_anyway_records_the_closure_too(qtbot, context) -> None:
    close_dialog.REMEMBERED.clear()
    ticket_id = awaiting_confirmation(context)
    context.settings.me_staff_id = staff(context, "Aisha", StaffRole.SENIOR_SUPPORT)
    editor = open_ticket(qtbot, context, ticket_id)
    gates = editor.support.closing_buttons
    qtbot.waitUntil(lambda: gates.override_button.isVisibleTo(editor))
    qtbot.mouseClick(gates.override_button, Qt.MouseButton.LeftButton)
    dialog = gates.dialog
    choose(dialog.reason_combo, ClosureReason.NO_RESPONSE.value)
    qtbot.keyClicks(dialog.time_edit, "20")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert dialog.problem_text == "Write why you close it anyway."
    qtbot.keyClicks(dialog.edit, "Customer unreachable for 3 weeks")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    idle()
    qtbot.waitUntil(lambda: gates.dialog is None)
    ticket = context.tickets.get(ticket_id)
    assert ticket.status is TicketStatus.CLOSED
    assert ticket.closure_reason is ClosureReason.NO_RESPONSE
    assert ticket.time_spent_minutes == 20
    assert ticket.close_override_reason == "Aisha: Customer unreachable for 3 weeks"


def test_unsaved_closure_fields_of_the_form_are_offered_and_saved_first(qtbot, context) -> None:
    close_dialog.REMEMBERED.clear()
    ticket_id = ready_to_close(context)
    editor = open_ticket(qtbot, context, ticket_id)
    spin = editor.fields["time_spent_minutes"].widget
    spin.setFocus()
    spin.selectAll()
    qtbot.keyClicks(spin, "40")
    editor.fields["closure_reason"].widget.setCurrentIndex(
        editor.fields["closure_reason"].widget.findData(ClosureReason.DUPLICATE.value)
    )
    assert editor.is_dirty()
    dialog = open_close_dialog(qtbot, editor)
    assert dialog.time_edit.text() == "40m"
    assert dialog.reason_combo.currentData() == ClosureReason.DUPLICATE.value
    dialog.time_edit.selectAll()
    qtbot.keyClicks(dialog.time_edit, "1h")
    qtbot.keyClick(dialog.time_edit, Qt.Key.Key_Enter)
    idle()
    qtbot.waitUntil(lambda: editor.support.closing_buttons.dialog is None)
    ticket = context.tickets.get(ticket_id)
    assert ticket.status is TicketStatus.CLOSED
    assert (ticket.closure_reason, ticket.time_spent_minutes) == (ClosureReason.DUPLICATE, 60)
    qtbot.waitUntil(lambda: not editor.is_dirty())


def test_a_draft_never_sent_to_the_customer_is_pointed_out_before_closing(qtbot, context):
    close_dialog.REMEMBERED.clear()
    ticket_id = ready_to_close(context)
    context.tickets.add_communication(
        ticket_id,
        direction=Direction.OUTBOUND,
        subject="Escalated",
        body="We escalated it.",
        kind="Escalated",
        recipients=["ann@example.com"],
        draft=True,
    )
    editor = open_ticket(qtbot, context, ticket_id)
    dialog = open_close_dialog(qtbot, editor)
    assert "The “Escalated” mail was drafted but never sent" in dialog.intro.text()
    report = render_ticket_report(context.tickets, context.tickets.get(ticket_id).number, "md")
    assert "We escalated it." not in report  # the report shows what the customer was told
