"""Fixtures for the main-window tests (loaded with ``pytest_plugins``, never imported)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings

from aiva_desk.gui import tasks
from aiva_desk.gui.errors import NO_ERROR_DIALOGS_ENV, ShownError, capture_errors
from aiva_desk.gui.main.window import MainWindow
from tests.helpers.queue_gui_helpers import open_window


@pytest.fixture
def shown_errors(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[ShownError]]:
    monkeypatch.setenv(NO_ERROR_DIALOGS_ENV, "1")
    with capture_errors() as shown:
        yield shown
    assert tasks.wait_for_idle()


@pytest.fixture
def settings(tmp_path: Path) -> QSettings:
    return QSettings(str(tmp_path / "gui.ini"), QSettings.Format.IniFormat)


@pytest.fixture
def window(qtbot, context, settings, shown_errors) -> MainWindow:
    return open_window(qtbot, context, settings)
