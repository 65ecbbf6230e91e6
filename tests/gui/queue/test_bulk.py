"""Bulk actions from the Ticket menu on several selected tickets, with one summary."""

from __future__ import annotations

from PySide6.QtCore import Qt

from aiva_desk.domain import ClosureReason, Priority, TicketStatus
from aiva_desk.gui.queue.model import ASSIGNEE, PRIORITY
from aiva_desk.tickets.workflow import Action
from tests.helpers.close_gates import satisfy_close_gates, send_solution
from tests.helpers.queue_gui_helpers import add_staff, click_row, make_tickets, settle

pytest_plugins = ("tests.helpers.queue_gui_fixtures",)  # the window, settings and error fixtures


def _select_rows(qtbot, window, rows: list[int]) -> None:
    click_row(qtbot, window.queue_view, rows[0])
    for row in rows[1:]:
        click_row(qtbot, window.queue_view, row, Qt.KeyboardModifier.ControlModifier)


def _close_with(qtbot, window, reason: str, time: str) -> None:
    """Answer the bulk Close dialog by keyboard: reason, time each (or none), Enter."""
    dialog = window.bulk.close_dialog
    assert dialog is not None and dialog.objectName() == "bulkCloseDialog"
    qtbot.waitUntil(dialog.isVisible)
    dialog.reason_combo.setCurrentIndex(dialog.reason_combo.findData(reason))
    qtbot.keyClicks(dialog.time_edit, time)
    qtbot.keyClick(dialog.time_edit, Qt.Key.Key_Return)


def _finish(qtbot, window) -> str:
    qtbot.waitUntil(lambda: window.bulk.result_box is not None, timeout=10_000)
    settle(qtbot, window)
    return window.bulk.result_text()


def test_bulk_assign_priority_category_and_tag(qtbot, window, context, shown_errors):
    refs = make_tickets(context, 5)
    add_staff(context, "Ana", "Ben")
    window.refresh()
    settle(qtbot, window)
    window.queue_view.clearSelection()
    assert not window.bulk.assign_menu.menuAction().isEnabled()  # nothing selected
    _select_rows(qtbot, window, [0, 2, 3])
    ids = window.selected_ticket_ids()
    assert len(ids) == 3 and "3 selected" in window.findChild(object, "ticketCountLabel").text()
    assert window.bulk.assign_menu.menuAction().isEnabled()

    staff = context.tickets.staff()[1]
    window.bulk.assign_menu.aboutToShow.emit()  # as when the agent opens the submenu
    window.bulk.assign_menu.findChild(object, f"assignTo{staff.id}Action").trigger()
    assert window.busy_indicator.isVisible()  # shown at once for a bulk action
    text = _finish(qtbot, window)
    assert text == "3 tickets changed."
    assert window.busy_indicator.isHidden()
    assert sorted(window.selected_ticket_ids()) == sorted(ids)  # the selection survives
    for ticket_id in ids:
        assert context.tickets.get(ticket_id).assignee_id == staff.id
        row = window.model.row_of(ticket_id)
        assert window.model.index(row, ASSIGNEE).data() == staff.name
    others = [r.id for r in refs if r.id not in ids]
    assert all(context.tickets.get(i).assignee_id is None for i in others)

    window.bulk.result_box.close()
    window.bulk.result_box = None
    window.findChild(object, "setPriorityP1Action").trigger()
    assert _finish(qtbot, window) == "3 tickets changed."
    assert {window.model.index(window.model.row_of(i), PRIORITY).data() for i in ids} == {"P1"}
    assert all(context.tickets.get(i).priority is Priority.P1 for i in ids)

    window.bulk.result_box = None
    category = context.tickets.categories()[-1]
    window.bulk.category_menu.findChild(object, f"setCategory{category.id}Action").trigger()
    _finish(qtbot, window)
    assert all(context.tickets.get(i).category_id == category.id for i in ids)

    window.bulk.result_box = None
    window.bulk.add_tag_action.trigger()
    dialog = window.bulk.tag_dialog
    assert dialog.objectName() == "addTagDialog"
    dialog.setTextValue("VIP ")
    dialog.accept()
    _finish(qtbot, window)
    assert all([t.name for t in context.tickets.get(i).tags] == ["vip"] for i in ids)
    assert shown_errors == []


def test_bulk_close_lists_the_refused_tickets_in_one_message(qtbot, window, context):
    refs = make_tickets(context, 3)
    service = context.tickets
    ready = refs[1]
    service.perform(ready.id, Action.ACKNOWLEDGE)
    ticket = service.get(ready.id)
    service.triage(ready.id, category_id=ticket.category_id, priority=ticket.priority)
    service.perform(ready.id, Action.START_INVESTIGATION)
    service.perform(ready.id, Action.START_RESOLUTION)
    version = service.get(ready.id).version
    service.update(ready.id, version, {"root_cause": "Expired token", "solution": "Re-login"})
    service.perform(ready.id, Action.SEND_SOLUTION)
    window.refresh()
    settle(qtbot, window)
    window.queue_view.selectAll()
    assert len(window.selected_ticket_ids()) == 3

    menu_actions = {a.objectName() for a in window.findChild(object, "ticketMenu").actions()}
    assert "closeTicketsAction" in menu_actions
    window.bulk.close_action.trigger()
    _close_with(qtbot, window, "support", "")
    text = _finish(qtbot, window)
    first, *refused = text.splitlines()
    closed = service.get(ready.id).status is TicketStatus.CLOSED
    # The SOP's close gates decide about the ready ticket; the two new ones are refused
    # for their state. Either way one message lists every refused ticket with its reason.
    changed = 1 if closed else 0
    not_changed = 3 - changed
    plural = "ticket" if changed == 1 else "tickets"
    assert first == f"{changed} {plural} changed; {not_changed} not changed:"
    refused_numbers = [line.split(":")[0] for line in refused]
    assert f"#{refs[0].number}" in refused_numbers and f"#{refs[2].number}" in refused_numbers
    for line in refused:
        number, _, reason = line.partition(": ")
        assert reason, line
        if number in (f"#{refs[0].number}", f"#{refs[2].number}"):
            assert "The ticket is New" in reason
        else:
            assert number == f"#{ready.number}" and "The ticket is" not in reason  # a gate
    assert service.get(refs[0].id).status is TicketStatus.NEW
    box = window.bulk.result_box
    assert box.objectName() == "bulkResultBox" and box.isVisible()
    assert box.icon() == box.Icon.Warning


def test_bulk_close_asks_once_for_the_reason_and_the_time_each(qtbot, window, context):
    refs = make_tickets(context, 2)
    service = context.tickets
    ready, new = refs
    send_solution(service, ready.id)
    satisfy_close_gates(context, ready.id)
    window.refresh()
    settle(qtbot, window)
    window.queue_view.selectAll()
    window.bulk.step_menu.findChild(object, "closeStepAction").trigger()
    dialog = window.bulk.close_dialog
    qtbot.waitUntil(dialog.isVisible)
    qtbot.keyClicks(dialog.time_edit, "half an hour")
    qtbot.keyClick(dialog.time_edit, Qt.Key.Key_Return)
    assert dialog.isVisible()  # nothing chosen, a bad time: both named, one line each
    assert dialog.problem_text.splitlines() == [
        "Choose the closure reason.",
        "“half an hour” is not a time spent like 1h 30m, 90 or 1.5h.",
    ]
    dialog.time_edit.clear()
    _close_with(qtbot, window, "self_service", "30m")
    assert _finish(qtbot, window).startswith("1 ticket changed; 1 not changed:")
    closed, refused = service.get(ready.id), service.get(new.id)
    assert closed.status is TicketStatus.CLOSED
    assert closed.closure_reason is ClosureReason.SELF_SERVICE
    assert closed.time_spent_minutes == 30
    assert refused.status is TicketStatus.NEW  # refused: keeps its values
    assert refused.closure_reason is ClosureReason.NONE and refused.time_spent_minutes == 0
