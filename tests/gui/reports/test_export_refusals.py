"""The Reports window's save dialogs never write over the database, its journal files or a
managed folder, and a folder chosen as the file is refused: one error, the data intact."""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QMessageBox

from aiva_desk.gui import tasks
from aiva_desk.gui.errors import capture_errors
from aiva_desk.gui.reports.window import ReportsWindow

pytestmark = pytest.mark.sqlite_only("the data dir's own database is a SQLite file")

pytest_plugins = ("tests.helpers.report_week",)  # the hand-made week

WAIT_MS = 10_000


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def window(qtbot, context, week, tmp_path):
    settings = QSettings(str(tmp_path / "reports.ini"), QSettings.Format.IniFormat)
    win = ReportsWindow(context, settings=settings, today=dt.date(2026, 11, 25))
    win.ask_unsaved = lambda weeks: QMessageBox.StandardButton.Discard
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    qtbot.waitUntil(lambda: not win.busy, timeout=WAIT_MS)
    assert tasks.wait_for_idle(WAIT_MS)
    yield win
    assert tasks.wait_for_idle(WAIT_MS)


def test_every_report_export_refuses_the_database_and_managed_folders(
    qtbot, window, context, tmp_path
):
    database = context.paths.database
    before = digest(database)
    targets = [
        database,
        Path(f"{database}-wal"),
        context.paths.backups / "metrics.csv",
        context.paths.attachments / "x" / "tickets.csv",
        tmp_path,  # a folder
    ]
    review = window.weekly
    window.tabs.setCurrentWidget(review)
    review.date_edit.setDate(dt.date(2026, 11, 16))
    qtbot.waitUntil(lambda: review.report is not None and review.week == "2026-W47")
    chosen: dict[str, Path] = {}
    window.choose_path = lambda title, name, filters: chosen["path"]
    with capture_errors() as shown:
        for target in targets:
            chosen["path"] = target
            for export in (
                lambda: window.export_button.menu().actions()[0].trigger(),  # metrics CSV
                lambda: window.export_all_tickets("csv"),
                lambda: review.export_review("md"),
            ):
                count = len(shown)
                export()
                qtbot.waitUntil(lambda c=count: len(shown) == c + 1, timeout=WAIT_MS)
                assert tasks.wait_for_idle(WAIT_MS)
                message = shown[-1].message
                assert "\n" not in message
                assert any(
                    words in message
                    for words in ("is the database", "folder, which", "is a folder")
                ), message
                assert window.ticket_export is None  # the progress dialog closed again
    assert len(shown) == 3 * len(targets)
    assert digest(database) == before
    assert not (context.paths.backups / "metrics.csv").exists()
    assert not (context.paths.attachments / "x").exists()
    assert window.tickets_export_button.isEnabled()
