"""The New Ticket dialog, driven like a user: typing, choosing, clicking OK."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from aiva_desk.domain import CustomerRole, Priority
from aiva_desk.gui.editor.new_ticket_dialog import CATEGORY_DEFAULT, NewTicketDialog
from aiva_desk.store.models import Ticket

pytestmark = pytest.mark.usefixtures("shown_errors")


@pytest.fixture
def dialog(qtbot, context) -> NewTicketDialog:
    dialog = NewTicketDialog(context.tickets)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


def _click_ok(qtbot, dialog: NewTicketDialog) -> None:
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)


def _choose(combo, text: str) -> None:
    index = combo.findText(text)
    assert index >= 0, f"{text!r} is not offered"
    combo.setCurrentIndex(index)


def test_empty_form_names_every_required_field(qtbot, dialog) -> None:
    _click_ok(qtbot, dialog)
    assert dialog.isVisible() and dialog.created is None
    assert "customer's name is required" in dialog.problem_text("customer_name")
    assert "e-mail" in dialog.problem_text("customer_email")
    assert "subject is required" in dialog.problem_text("subject")
    assert "category" in dialog.problem_text("category_id").lower()
    assert "description" in dialog.problem_text("description").lower()
    assert "5 problems" in dialog.summary_text


def test_invalid_email_is_refused_and_typed_text_kept(qtbot, context, dialog) -> None:
    qtbot.keyClicks(dialog.customer_name, "Ann Lee")
    qtbot.keyClicks(dialog.customer_email, "ann.example.com")
    qtbot.keyClicks(dialog.subject, "Agent does not answer")
    _choose(dialog.category, "Agent Issues")
    qtbot.keyClicks(dialog.description, "The agent stays silent in the chat widget.")
    _click_ok(qtbot, dialog)

    assert dialog.isVisible()
    problem = dialog.problem_text("customer_email")
    assert "ann.example.com" in problem and "not a valid e-mail address" in problem
    assert dialog.problem_text("subject") == "" and dialog.problem_text("customer_name") == ""
    assert "this problem" in dialog.summary_text
    assert dialog.customer_email.hasFocus()
    assert dialog.subject.text() == "Agent does not answer"  # nothing typed is lost
    assert dialog.description.toPlainText() == "The agent stays silent in the chat widget."
    assert context.tickets.search("silent") == []  # nothing was stored


def test_valid_input_creates_the_ticket(qtbot, context, dialog) -> None:
    qtbot.keyClicks(dialog.customer_email, "ann@")  # first a mistake…
    _click_ok(qtbot, dialog)
    assert dialog.problem_text("customer_email")

    qtbot.keyClicks(dialog.customer_name, "Ann Lee")
    qtbot.keyClicks(dialog.customer_email, "example.com")  # …then fixed
    qtbot.keyClicks(dialog.organization, "Acme Retail")
    _choose(dialog.role, CustomerRole.AGENT_MANAGER.value)
    qtbot.keyClicks(dialog.tenant_id, "acme-01")
    qtbot.keyClicks(dialog.subject, "Shopify sync stopped")
    _choose(dialog.category, "Integration Issues")
    assert dialog.priority.itemText(0) == f"{CATEGORY_DEFAULT} (P2 – High)"
    _choose(dialog.priority, "P1 – Critical")
    qtbot.keyClicks(dialog.description, "Orders no longer arrive.")
    qtbot.keyClicks(dialog.expected, "Orders sync every minute.")
    qtbot.keyClicks(dialog.actual, "Nothing since 9:00.")
    qtbot.keyClicks(dialog.reproduction, "1. Place an order")

    with qtbot.waitSignal(dialog.ticket_created, timeout=10_000) as created:
        _click_ok(qtbot, dialog)
    ref = created.args[0]
    assert dialog.created == ref and ref.number == 1001
    assert dialog.result() == dialog.DialogCode.Accepted and not dialog.isVisible()

    ticket: Ticket = context.tickets.get(ref.id)
    assert ticket.subject == "Shopify sync stopped"
    assert ticket.priority is Priority.P1
    assert ticket.category.name == "Integration Issues"
    assert (ticket.customer.name, ticket.customer.email) == ("Ann Lee", "ann@example.com")
    assert ticket.customer.role is CustomerRole.AGENT_MANAGER
    assert ticket.customer.tenant_id == "acme-01"
    assert ticket.customer.organization.name == "Acme Retail"
    assert ticket.expected_behavior == "Orders sync every minute."
    assert ticket.actual_behavior == "Nothing since 9:00."
    assert ticket.reproduction_steps == "1. Place an order"


def test_category_default_priority_is_used(qtbot, context, dialog) -> None:
    qtbot.keyClicks(dialog.customer_name, "Bo")
    qtbot.keyClicks(dialog.customer_email, "bo@example.org")
    qtbot.keyClicks(dialog.subject, "Whole platform down")
    _choose(dialog.category, "System Outage")
    assert dialog.priority.currentIndex() == 0
    assert dialog.priority.currentText() == f"{CATEGORY_DEFAULT} (P1 – Critical)"
    qtbot.keyClicks(dialog.description, "Nothing loads.")
    with qtbot.waitSignal(dialog.ticket_created, timeout=10_000) as created:
        _click_ok(qtbot, dialog)
    assert context.tickets.get(created.args[0].id).priority is Priority.P1


def test_escape_cancels_without_storing(qtbot, context, dialog) -> None:
    qtbot.keyClicks(dialog.subject, "Never mind")
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert not dialog.isVisible() and dialog.created is None
    assert context.tickets.search("mind") == []


def test_each_problem_clears_as_soon_as_its_field_is_fixed(qtbot, context, dialog) -> None:
    _click_ok(qtbot, dialog)
    assert "5 problems" in dialog.summary_text

    qtbot.keyClicks(dialog.customer_name, "Ann Lee")  # fixed: its message goes at once
    assert dialog.problem_text("customer_name") == ""
    assert "4 problems" in dialog.summary_text
    assert dialog.problem_text("subject")  # the others stay until they are fixed

    qtbot.mouseClick(dialog.customer_email, Qt.MouseButton.LeftButton)
    qtbot.keyClicks(dialog.customer_email, "ann.example")  # still wrong: the message follows
    assert "ann.example" in dialog.problem_text("customer_email")
    assert dialog.customer_email.hasFocus()  # typing is not interrupted
    dialog.customer_email.clear()
    qtbot.keyClicks(dialog.customer_email, "ann@example.com")
    assert dialog.problem_text("customer_email") == ""

    qtbot.keyClicks(dialog.subject, "Widget silent")
    _choose(dialog.category, "Agent Issues")
    assert dialog.problem_text("category_id") == ""
    qtbot.keyClicks(dialog.description, "x")
    assert dialog.problem_text("description") == ""
    assert dialog.summary_text == ""  # nothing left to fix: the summary goes too

    dialog.subject.clear()  # a field not flagged before gets no message while typing
    assert dialog.problem_text("subject") == ""
    assert context.tickets.search("Widget") == []
