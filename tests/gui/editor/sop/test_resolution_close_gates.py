"""The close gates in the editor: why Close is refused, the customer's confirmation, and
senior support's "Close anyway" with a written reason (closure section and history)."""

from __future__ import annotations

from PySide6.QtCore import Qt

from aiva_desk.domain import Satisfaction, StaffRole, TicketStatus
from aiva_desk.store.models import Staff
from aiva_desk.tickets.workflow import Action
from tests.helpers.editor_helpers import T0, idle, make_ticket, new_tabs, open_in


def awaiting_confirmation(context) -> int:
    """A ticket whose solution was sent: the next step is Close."""
    ticket_id = make_ticket(context, root_cause="API credits balance was $0.00")
    service = context.tickets
    ticket = service.get(ticket_id)
    service.perform(ticket_id, Action.ACKNOWLEDGE)
    service.triage(ticket_id, category_id=ticket.category_id, priority=ticket.priority)
    service.perform(ticket_id, Action.START_INVESTIGATION)
    service.perform(ticket_id, Action.START_RESOLUTION)
    ticket = service.get(ticket_id)
    service.update(ticket_id, ticket.version, {"solution": "Added $100 credits to the tenant"})
    service.perform(ticket_id, Action.SEND_SOLUTION)
    return ticket_id


def staff(context, name: str, role: StaffRole) -> int:
    with context.db.session("test") as session:
        member = Staff(name=name, email=f"{name.lower()}@aiva.example", role=role)
        session.add(member)
        session.flush()
        return member.id


def open_ticket(qtbot, context, ticket_id: int):
    editor = open_in(qtbot, new_tabs(qtbot, context), ticket_id)
    idle()
    return editor


def test_a_refused_close_lists_the_gates_inline(qtbot, context) -> None:
    ticket_id = awaiting_confirmation(context)
    editor = open_ticket(qtbot, context, ticket_id)
    qtbot.mouseClick(editor.workflow.button(Action.CLOSE), Qt.MouseButton.LeftButton)
    idle()
    message = editor.workflow.message
    assert "Close is not possible yet." in message
    assert "Complete the Pre-Resolution checklist (open: Issue fully resolved" in message
    assert "Document how the fix was verified (SOP: Verification)." in message
    assert "Record the customer's confirmation that it works." in message
    assert context.tickets.get(ticket_id).status is TicketStatus.AWAITING_CONFIRMATION


def test_the_customer_confirmation_is_recorded_and_shown(qtbot, context) -> None:
    ticket_id = awaiting_confirmation(context)
    editor = open_ticket(qtbot, context, ticket_id)
    gates = editor.support.closing_buttons
    assert gates.confirm_button.isVisibleTo(editor)
    assert gates.confirmed_value.text() == "—"
    qtbot.mouseClick(gates.confirm_button, Qt.MouseButton.LeftButton)
    dialog = gates.dialog
    assert dialog is not None and dialog.objectName() == "customerConfirmationDialog"
    qtbot.keyClicks(dialog.edit, "Replied by mail: the agent answers again")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    idle()
    ticket = context.tickets.get(ticket_id)
    assert ticket.customer_confirmed_at == T0
    assert ticket.customer_confirmed_by == "Replied by mail: the agent answers again"
    assert ticket.customer_satisfied is Satisfaction.YES  # "it works" is a satisfied customer
    qtbot.waitUntil(lambda: gates.dialog is None)  # closed once it was stored
    qtbot.waitUntil(lambda: "the agent answers again" in gates.confirmed_value.text())
    assert not gates.confirm_button.isVisibleTo(editor)
    assert "Record the customer's confirmation" not in " ".join(
        editor.service.workflow.refusal_reasons(ticket, Action.CLOSE)
    )


def test_close_anyway_is_only_for_senior_support_and_is_on_the_record(qtbot, context) -> None:
    ticket_id = awaiting_confirmation(context)
    context.settings.me_staff_id = staff(context, "Omar", StaffRole.AGENT)
    editor = open_ticket(qtbot, context, ticket_id)
    gates = editor.support.closing_buttons
    assert gates.me is not None and gates.me.name == "Omar"
    assert not gates.override_button.isVisibleTo(editor)

    context.settings.me_staff_id = staff(context, "Aisha", StaffRole.SENIOR_SUPPORT)
    editor.refresh()
    idle()
    qtbot.waitUntil(lambda: gates.override_button.isVisibleTo(editor))
    qtbot.mouseClick(gates.override_button, Qt.MouseButton.LeftButton)
    dialog = gates.dialog
    assert dialog is not None and dialog.objectName() == "closeAnywayDialog"
    idle()
    assert "Record the customer's confirmation" in dialog.intro.text()  # the gates not met
    dialog.reason_combo.setCurrentIndex(dialog.reason_combo.findData("no_response"))
    qtbot.keyClicks(dialog.time_edit, "45")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert dialog.problem_text == "Write why you close it anyway."  # a reason is required
    qtbot.keyClicks(dialog.edit, "Customer unreachable for 3 weeks; fix verified in logs")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    idle()
    ticket = context.tickets.get(ticket_id)
    assert ticket.status is TicketStatus.CLOSED
    reason = "Aisha: Customer unreachable for 3 weeks; fix verified in logs"
    assert ticket.close_override_reason == reason
    qtbot.waitUntil(lambda: gates.override_value.text() == reason)
    assert not gates.override_button.isVisibleTo(editor)
    assert f"closed with override: {reason}" in editor.logs.history.plain_text()


def test_customer_confirmed_is_offered_only_once_a_fix_was_attempted(qtbot, context) -> None:
    editor = open_ticket(qtbot, context, make_ticket(context))
    assert editor.state.ticket.status is TicketStatus.NEW
    assert not editor.support.closing_buttons.confirm_button.isVisibleTo(editor)  # New
