"""File → Back Up Now… and Restore from Backup…: a checked backup written off the GUI
thread, and a restore that reopens the data the window shows."""

from __future__ import annotations

import sqlite3

import pytest
from PySide6.QtWidgets import QFileDialog, QMenu, QMessageBox

from aiva_desk.gui.common.forms import child
from aiva_desk.store.backups import list_backups
from tests.helpers.postgres_server import on_postgresql
from tests.helpers.queue_gui_helpers import make_tickets, numbers, settle

pytest_plugins = ("tests.helpers.queue_gui_fixtures",)  # the window, settings and error fixtures
pytestmark = pytest.mark.skipif(on_postgresql(), reason="SQLite files")

WAIT_MS = 20_000


def _file_action(window, name: str):
    menu = child(window, QMenu, "fileMenu")
    [action] = [a for a in menu.actions() if a.objectName() == name]
    return action


def test_back_up_now_from_the_file_menu(qtbot, window, context, shown_errors):
    make_tickets(context, 3)
    with qtbot.waitSignal(window.backups.backed_up, timeout=WAIT_MS) as signal:
        _file_action(window, "backUpNowAction").trigger()
    path = signal.args[0]
    assert [b.path for b in list_backups(context.paths.backups)] == [path]
    conn = sqlite3.connect(path)
    try:
        assert conn.execute("SELECT count(*) FROM tickets").fetchone()[0] == 3
    finally:
        conn.close()
    assert path.name in window.statusBar().currentMessage()
    assert shown_errors == []


def test_restore_from_the_file_menu_reopens_the_restored_data(
    qtbot, window, context, monkeypatch, shown_errors
):
    make_tickets(context, 2)
    with qtbot.waitSignal(window.backups.backed_up, timeout=WAIT_MS) as signal:
        _file_action(window, "backUpNowAction").trigger()
    backup = signal.args[0]
    make_tickets(context, 3)
    window.refresh()
    settle(qtbot, window)
    assert len(numbers(window.model)) == 5
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(backup), ""))
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    with qtbot.waitSignal(window.backups.restored, timeout=WAIT_MS):
        _file_action(window, "restoreBackupAction").trigger()
    qtbot.waitUntil(lambda: len(numbers(window.model)) == 2, timeout=WAIT_MS)
    kept = [b for b in list_backups(context.paths.backups) if b.label == "before-restore"]
    assert len(kept) == 1  # the five-ticket state is kept
    make_tickets(context, 1)  # the reopened database takes saves
    assert shown_errors == []


def test_a_backup_that_is_not_one_is_refused_in_one_message(
    qtbot, window, context, tmp_path, monkeypatch, shown_errors
):
    make_tickets(context, 1)
    bogus = tmp_path / "notes.sqlite3"
    bogus.write_text("hello", encoding="utf-8")
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(bogus), ""))
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    _file_action(window, "restoreBackupAction").trigger()
    qtbot.waitUntil(lambda: len(shown_errors) == 1, timeout=WAIT_MS)
    assert "Nothing was changed" in shown_errors[0].message
    window.refresh()
    settle(qtbot, window)
    assert len(numbers(window.model)) == 1
