"""A ticket's report and a stored original message are never saved over the database:
the save is refused with one error and the database stays as it was."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from aiva_desk.gui.common.original_mail import OriginalMailDialog
from aiva_desk.gui.reports import ticket_export
from tests.helpers.queue_gui_helpers import click_row, make_tickets, settle

pytestmark = pytest.mark.sqlite_only("the data dir's own database is a SQLite file")

pytest_plugins = ("tests.helpers.queue_gui_fixtures",)  # the window, settings and error fixtures


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_the_ticket_report_is_not_saved_over_the_database(
    qtbot, window, context, shown_errors, monkeypatch
):
    make_tickets(context, 1)
    window.refresh()
    settle(qtbot, window)
    click_row(qtbot, window.queue_view, 0)
    editor = window.ticket_tabs.current_editor()
    qtbot.waitUntil(lambda: editor.ticket is not None)
    database = context.paths.database
    before = digest(database)
    monkeypatch.setattr(ticket_export, "ask_ticket_path", lambda _parent, _name: (database, "md"))
    qtbot.mouseClick(editor.export_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(shown_errors) == 1)
    assert "is the database" in shown_errors[0].message
    assert "Saved" not in window.statusBar().currentMessage()
    assert digest(database) == before


def test_an_original_message_is_not_saved_over_the_database_or_a_folder(
    qtbot, context, shown_errors, tmp_path
):
    stored = context.paths.attachments / "ab" / "original.eml"
    stored.parent.mkdir(parents=True)
    stored.write_bytes(b"Subject: hello\r\n\r\nbody\r\n")
    dialog = OriginalMailDialog(stored, "hello")
    qtbot.addWidget(dialog)
    saved: list[str] = []
    dialog.saved.connect(saved.append)
    database = context.paths.database
    before = digest(database)
    dialog.save_as(database)
    qtbot.waitUntil(lambda: len(shown_errors) == 1)
    assert "is the database" in shown_errors[0].message
    dialog.save_as(tmp_path)
    qtbot.waitUntil(lambda: len(shown_errors) == 2)
    assert "is a folder" in shown_errors[1].message
    with qtbot.waitSignal(dialog.saved):
        dialog.save_as(tmp_path / "copy.eml")
    assert (tmp_path / "copy.eml").read_bytes() == stored.read_bytes()
    assert digest(database) == before and saved == [str(tmp_path / "copy.eml")]
