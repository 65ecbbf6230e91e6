"""A damaged database at start is never opened silently: the agent is offered the newest
good backup (restored, then opened) or another data folder, or quits."""

from __future__ import annotations

import hashlib

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QFileDialog, QPushButton

from aiva_desk.gui.backups.damaged import RecoveryDialog, open_or_recover
from aiva_desk.gui.errors import NO_ERROR_DIALOGS_ENV
from aiva_desk.store.backups import take_backup
from tests.helpers.postgres_server import on_postgresql
from tests.helpers.queue_gui_helpers import make_tickets

pytestmark = pytest.mark.skipif(on_postgresql(), reason="SQLite files")


@pytest.fixture(autouse=True)
def dialogs_answered(shown_errors, monkeypatch):
    """The recovery dialog is shown (and clicked below); other errors are still captured."""
    monkeypatch.delenv(NO_ERROR_DIALOGS_ENV)


def _wreck(path) -> str:
    data = bytearray(path.read_bytes())
    data[100:4096] = b"\xff" * (4096 - 100)
    path.write_bytes(bytes(data))
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _click_in_recovery_dialog(qtbot, button: str, seen: list[str]) -> None:
    """Click ``button`` in the recovery dialog as soon as it is shown."""

    def attempt() -> None:
        dialog = QApplication.activeModalWidget()
        if isinstance(dialog, RecoveryDialog):
            seen.append(dialog.text())
            qtbot.mouseClick(dialog.findChild(QPushButton, button), Qt.MouseButton.LeftButton)
        else:
            QTimer.singleShot(10, attempt)

    QTimer.singleShot(0, attempt)


def test_the_newest_good_backup_is_offered_and_restored(qtbot, context, shown_errors):
    make_tickets(context, 2)
    good = take_backup(context.paths.database, context.paths.backups, "daily")
    context.close()
    _wreck(context.paths.database)
    seen: list[str] = []
    _click_in_recovery_dialog(qtbot, "restoreNewestButton", seen)
    reopened = open_or_recover(str(context.paths.root), None)
    assert reopened is not None
    try:
        assert "damaged" in seen[0] and str(good) in seen[0]
        assert len(reopened.tickets.categories()) > 0
        assert list(context.paths.backups.glob("*-damaged.sqlite3.kept"))  # kept, not lost
    finally:
        reopened.close()


def test_quitting_leaves_the_damaged_file_untouched(qtbot, context, shown_errors):
    context.close()
    before = _wreck(context.paths.database)
    seen: list[str] = []
    _click_in_recovery_dialog(qtbot, "quitButton", seen)
    assert open_or_recover(str(context.paths.root), None) is None
    assert "No good backup was found" in seen[0]
    assert hashlib.sha256(context.paths.database.read_bytes()).hexdigest() == before


def test_another_data_folder_can_be_opened_instead(
    qtbot, context, tmp_path, monkeypatch, shown_errors
):
    context.close()
    _wreck(context.paths.database)
    other = tmp_path / "other"
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *a, **k: str(other))
    _click_in_recovery_dialog(qtbot, "otherDataFolderButton", [])
    reopened = open_or_recover(str(context.paths.root), None)
    assert reopened is not None
    try:
        assert reopened.paths.root == other.resolve()
    finally:
        reopened.close()
