"""The main window's windows and Help entries: Reports, Outbox, Copy Diagnostics, About."""

from __future__ import annotations

import shiboken6
from PySide6.QtWidgets import QApplication, QMenu

from aiva_desk.gui.reports.window import ReportsWindow
from tests.helpers.mail_fixtures import make_ticket

pytest_plugins = ("tests.helpers.queue_gui_fixtures", "tests.helpers.mail_fixtures")


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
    qtbot.waitUntil(lambda: ref.id in window.ticket_tabs.open_ticket_ids(), timeout=10_000)
    reports.close()
    qtbot.waitUntil(lambda: window.reports_window is None, timeout=10_000)


def test_help_copies_diagnostics_without_secrets(qtbot, window, context):
    copy = window.menus.help_actions.copy_diagnostics_action
    copy.trigger()
    text = QApplication.clipboard().text()
    assert "AIVA Desk" in text and str(context.paths.root) in text


def test_ticket_compose_opens_the_composer_for_the_current_ticket(qtbot, window, mail_context):
    from aiva_desk.gui.composer.dialog import ComposerDialog

    ref = make_ticket(mail_context)
    window.ticket_tabs.open_ticket(ref.id, new_tab=True)
    editor = window.ticket_tabs.editor_for(ref.id)
    qtbot.waitUntil(lambda: editor.ticket is not None, timeout=10_000)  # loaded off-thread
    action = window.ticket_tabs.compose_action
    assert action.shortcut().toString() == "Ctrl+R"
    ticket_menu = window.findChild(QMenu, "ticketMenu")
    assert action in ticket_menu.actions()
    action.trigger()
    qtbot.waitUntil(lambda: bool(window.findChildren(ComposerDialog)), timeout=10_000)
    composer = window.findChildren(ComposerDialog)[0]
    qtbot.waitUntil(lambda: composer.template() == "acknowledgment", timeout=10_000)
    from aiva_desk.gui.composer.dialog import UnsavedMessage

    composer.body.appendPlainText("A sentence the agent typed.")
    asked = []

    def keep_editing(_dialog):
        asked.append(True)
        return UnsavedMessage.KEEP_EDITING

    composer.prompt_unsaved = keep_editing
    assert not window.close()  # quitting asks the composer first, and it stays open
    assert asked and composer.isVisible() and window.isVisible()
    composer.prompt_unsaved = lambda _dialog: UnsavedMessage.DISCARD
    composer.close()


def test_quitting_with_unsaved_weekly_notes_saves_them_then_quits(qtbot, window, context):
    from PySide6.QtWidgets import QMessageBox

    from aiva_desk.reports.weekly import weekly_review

    window.menus.reports_action.trigger()
    reports = window.reports_window
    review = reports.weekly
    reports.tabs.setCurrentWidget(review)
    qtbot.waitUntil(lambda: review.report is not None, timeout=10_000)
    review.note_edits["training"].setPlainText("SLA pauses")
    assert review.unsaved_weeks() == [review.week]
    asked = []
    reports.ask_unsaved = lambda weeks: asked.append(weeks) or QMessageBox.StandardButton.Save
    assert window.close()  # Save: the notes are saved and the quit goes on
    assert asked == [[review.week]]
    assert not shiboken6.isValid(reports) or not reports.isVisible()  # closed (or deleted)
    assert weekly_review(context.db, review.week).notes.training == "SLA pauses"
