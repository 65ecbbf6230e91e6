"""Settings > Backups: the backups listed with dates and sizes, Back Up Now and Restore…
from the page, and the retention saved to the settings file."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox
from sqlalchemy import func, select

from aiva_desk.gui.settings.backups_page import BackupsSettingsPage
from aiva_desk.runtime.settings import UserSettings
from aiva_desk.store.backups import list_backups, take_backup
from aiva_desk.store.models import Ticket
from tests.helpers.postgres_server import on_postgresql
from tests.helpers.queue_gui_helpers import make_tickets
from tests.helpers.settings_pages import shown_settings_page

pytestmark = pytest.mark.skipif(on_postgresql(), reason="SQLite files")

WAIT_MS = 20_000


@pytest.fixture
def page(qtbot, context, shown_errors):
    page = BackupsSettingsPage(context)
    return shown_settings_page(qtbot, page)


def _rows(page) -> list[tuple[str, str]]:
    table = page.table
    return [(table.item(r, 0).text(), table.item(r, 1).text()) for r in range(table.rowCount())]


def test_the_backups_are_listed_newest_first_with_kind_and_size(
    qtbot, context, clock, shown_errors
):
    clock.now = dt.datetime(2026, 12, 5, 8, 30, tzinfo=dt.UTC)
    take_backup(context.paths.database, context.paths.backups, "daily")
    clock.now = dt.datetime(2026, 12, 6, 9, 45, tzinfo=dt.UTC)
    take_backup(context.paths.database, context.paths.backups, "manual")
    page = shown_settings_page(qtbot, BackupsSettingsPage(context))
    qtbot.waitUntil(lambda: page.table.rowCount() == 2, timeout=WAIT_MS)
    assert _rows(page) == [("2026-12-06 09:45", "Your backup"), ("2026-12-05 08:30", "Daily")]
    assert page.table.item(0, 2).text().endswith("KB")
    assert not page.restore_button.isEnabled()  # nothing chosen yet


def test_back_up_now_adds_a_row(qtbot, page, context):
    qtbot.mouseClick(page.back_up_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.table.rowCount() == 1, timeout=WAIT_MS)
    assert page.table.item(0, 1).text() == "Your backup"
    assert len(list_backups(context.paths.backups)) == 1


def test_restore_the_chosen_backup_from_the_page(qtbot, context, monkeypatch, shown_errors):
    make_tickets(context, 2)
    take_backup(context.paths.database, context.paths.backups, "manual")
    make_tickets(context, 3)
    page = shown_settings_page(qtbot, BackupsSettingsPage(context))
    qtbot.waitUntil(lambda: page.table.rowCount() == 1, timeout=WAIT_MS)
    page.table.selectRow(0)
    assert page.restore_button.isEnabled()
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    qtbot.mouseClick(page.restore_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.table.rowCount() == 2, timeout=WAIT_MS)  # + before-restore
    assert {kind for _, kind in _rows(page)} == {"Your backup", "Before a restore"}
    with context.db.read_session() as session:
        assert session.scalar(select(func.count()).select_from(Ticket)) == 2
    assert shown_errors == []


def test_retention_is_saved_to_the_settings_file(qtbot, page, context):
    assert page.daily_spin.value() == 7 and page.weekly_spin.value() == 4
    page.daily_spin.setFocus()
    page.daily_spin.selectAll()
    qtbot.keyClicks(page.daily_spin, "10")
    assert page.is_dirty()
    page.apply()
    assert UserSettings.load(context.paths.root).backup_keep_daily == 10
    assert not page.is_dirty()
