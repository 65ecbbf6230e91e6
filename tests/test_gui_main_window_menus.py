"""The main window's windows and Help entries: Reports, Outbox, Copy Diagnostics, About."""

from __future__ import annotations

from PySide6.QtWidgets import QApplication
from test_mail_templates import make_ticket

from aiva_desk.gui.reports_window import ReportsWindow

pytest_plugins = ("queue_gui_fixtures",)  # the window, settings and error fixtures


def test_view_reports_opens_one_window_that_opens_tickets(qtbot, window, context):
    ref = make_ticket(context)
    action = window.menus.reports_action
    assert action.shortcut().toString() == "Ctrl+Shift+R"
    action.trigger()
    reports = window.reports_window
    assert isinstance(reports, ReportsWindow) and reports.isVisible()
    action.trigger()
    assert window.reports_window is reports  # the same window, brought to the front
    reports.ticket_requested.emit(ref.id)
    qtbot.waitUntil(lambda: ref.id in window.ticket_tabs.open_ticket_ids(), timeout=5000)
    reports.close()
    qtbot.waitUntil(lambda: window.reports_window is None, timeout=5000)


def test_help_copies_diagnostics_without_secrets(qtbot, window, context):
    copy = window.menus.help_actions.copy_diagnostics_action
    copy.trigger()
    text = QApplication.clipboard().text()
    assert "AIVA Desk" in text and str(context.paths.root) in text
