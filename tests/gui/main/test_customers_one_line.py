"""The customer directory refuses a name or organization on two lines, naming the field,
and stores nothing (issue 17)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication

from aiva_desk.tickets.customers import find_customers
from tests.gui.main.test_customers import _directory, _people, _select
from tests.helpers.queue_gui_helpers import settle

pytest_plugins = ("tests.helpers.queue_gui_fixtures",)


def test_two_line_name_and_organization_are_refused_in_one_line(qtbot, window, context):
    _people(context)
    window.refresh()
    settle(qtbot, window)
    directory = _directory(qtbot, window)
    _select(directory, ["bob@beta.org"])
    QGuiApplication.clipboard().setText("Bob Stone\nHead of IT")  # from a signature
    directory.name_edit.setFocus()
    directory.name_edit.selectAll()
    qtbot.keyClick(directory.name_edit, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    qtbot.mouseClick(directory.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(directory.problem_text("name")), timeout=10_000)
    assert "customer's name" in directory.problem_text("name")
    assert "one line" in directory.problem_text("name")
    assert directory.name_edit.text() == "Bob Stone\nHead of IT"  # what was typed is kept

    directory.name_edit.setText("Bob Stone")
    QGuiApplication.clipboard().setText("Beta\u2028Labs")
    directory.organization_edit.setFocus()
    directory.organization_edit.selectAll()
    qtbot.keyClick(directory.organization_edit, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    qtbot.mouseClick(directory.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "organization" in directory.save_message.text(), timeout=10_000)
    assert "one line" in directory.save_message.text()
    [bob] = find_customers(context.db, "bob@beta.org")
    assert (bob.name, bob.organization) == ("Bob Stone", "Beta")  # nothing stored
