"""A name pasted with its line break ("Jane Doe" + "Head of IT") is refused in the New
Ticket dialog, naming the field, with everything typed kept (issue 17)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication

from aiva_desk.gui.editor.new_ticket_dialog import NewTicketDialog

pytestmark = pytest.mark.usefixtures("shown_errors")


def test_a_pasted_two_line_name_is_refused_naming_the_field(qtbot, context) -> None:
    dialog = NewTicketDialog(context.tickets)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    QGuiApplication.clipboard().setText("Jane Doe\nHead of IT")
    dialog.customer_name.setFocus()
    qtbot.keyClick(dialog.customer_name, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    if "\n" not in dialog.customer_name.text():  # this Qt's paste folded the line itself
        dialog.customer_name.setText("Jane Doe\nHead of IT")  # as a completion could fill it
    qtbot.keyClicks(dialog.customer_email, "jane@example.com")
    qtbot.keyClicks(dialog.subject, "Invoices missing")
    index = dialog.category.findText("Billing")
    dialog.category.setCurrentIndex(index)
    qtbot.keyClicks(dialog.description, "No invoice since November.")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)

    assert dialog.isVisible() and dialog.created is None
    problem = dialog.problem_text("customer_name")
    assert "customer's name" in problem and "one line" in problem
    assert dialog.subject.text() == "Invoices missing"  # nothing typed is lost
    assert context.tickets.search("Invoices") == []
