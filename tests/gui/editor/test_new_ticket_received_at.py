"""New Ticket by hand: "Received at" (when the customer wrote; the SLA starts there, never
in the future) and "Assignee" (me by default, Unassigned allowed)."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import Qt

from aiva_desk.gui.editor.new_ticket_dialog import IN_THE_FUTURE, UNASSIGNED, NewTicketDialog
from aiva_desk.store.models import Category
from aiva_desk.tickets.service import due_date
from tests.helpers.queue_gui_helpers import add_staff

pytest_plugins = ("tests.helpers.queue_gui_fixtures",)
NOW = dt.datetime(2026, 12, 7, 11, 10, tzinfo=dt.UTC)
pytestmark = pytest.mark.usefixtures("shown_errors")


@pytest.fixture
def staff(context) -> dict[str, int]:
    ann, bob = add_staff(context, "Ann", "Bob")
    return {"Ann": ann, "Bob": bob}


def _dialog(qtbot, context, me: int | None) -> NewTicketDialog:
    dialog = NewTicketDialog(context.tickets, me_staff_id=me)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    qtbot.waitUntil(lambda: dialog.staff_loaded, timeout=10_000)
    return dialog


def _fill(qtbot, dialog: NewTicketDialog) -> None:
    qtbot.keyClicks(dialog.customer_name, "Ann Lee")
    qtbot.keyClicks(dialog.customer_email, "ann@example.com")
    qtbot.keyClicks(dialog.subject, "Called: the widget is gone")
    dialog.category.setCurrentIndex(dialog.category.findText("Integration Issues"))
    qtbot.keyClicks(dialog.description, "The chat widget vanished from the shop.")


def _create(qtbot, dialog: NewTicketDialog):
    with qtbot.waitSignal(dialog.ticket_created, timeout=10_000) as created:
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    return created.args[0]


def test_defaults_are_now_and_me(qtbot, context, clock, staff) -> None:
    clock.now = NOW
    dialog = _dialog(qtbot, context, staff["Bob"])
    assert dialog.received_at.dateTime().toSecsSinceEpoch() == int(NOW.timestamp())
    assert dialog.received_at.maximumDateTime() == dialog.received_at.dateTime()
    assert dialog.assignee.currentText() == "Bob (me)"
    assert [dialog.assignee.itemText(i) for i in range(dialog.assignee.count())] == [
        UNASSIGNED,
        "Ann",
        "Bob (me)",
    ]
    _fill(qtbot, dialog)
    clock.now = NOW + dt.timedelta(minutes=3)  # the agent took a while to type
    ticket = context.tickets.get(_create(qtbot, dialog).id)
    assert ticket.assignee_id == staff["Bob"]
    assert ticket.reported_at == NOW + dt.timedelta(minutes=3)  # untouched: when created


def test_received_at_starts_the_sla_and_unassigned_is_allowed(qtbot, context, clock, staff) -> None:
    clock.now = NOW
    dialog = _dialog(qtbot, context, staff["Ann"])
    _fill(qtbot, dialog)
    called = NOW - dt.timedelta(hours=2)
    dialog.set_received_time(called)
    dialog.assignee.setCurrentIndex(dialog.assignee.findText(UNASSIGNED))
    ticket = context.tickets.get(_create(qtbot, dialog).id)
    assert ticket.reported_at == called and ticket.assignee_id is None
    with context.db.read_session() as session:
        category = session.get(Category, ticket.category_id)
        assert ticket.sla_due_at == due_date(session, called, category, ticket.priority)


def test_a_time_received_in_the_future_is_refused(qtbot, context, clock, staff) -> None:
    clock.now = NOW
    dialog = _dialog(qtbot, context, None)
    assert dialog.assignee.currentText() == UNASSIGNED  # nobody is "me" yet
    _fill(qtbot, dialog)
    dialog.set_received_time(NOW)
    clock.now = NOW - dt.timedelta(hours=1)  # the computer's clock went back meanwhile
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert dialog.problem_text("reported_at") == IN_THE_FUTURE
    assert dialog.isVisible() and dialog.created is None


def test_the_window_passes_who_i_am(qtbot, context, staff, window) -> None:
    context.settings.me_staff_id = staff["Ann"]
    window.action("newTicketAction").trigger()
    dialog = window.new_ticket_dialog
    qtbot.waitUntil(lambda: dialog.staff_loaded, timeout=10_000)
    assert dialog.assignee.currentText() == "Ann (me)"
    dialog.reject()
