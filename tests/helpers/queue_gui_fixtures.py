"""Fixtures for the main-window tests (loaded with ``pytest_plugins``, never imported)."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QSettings

from aiva_desk.gui.main.window import MainWindow
from tests.helpers.queue_gui_helpers import open_window


@pytest.fixture
def settings(tmp_path: Path) -> QSettings:
    return QSettings(str(tmp_path / "gui.ini"), QSettings.Format.IniFormat)


@pytest.fixture
def window(qtbot, context, settings, shown_errors) -> MainWindow:
    return open_window(qtbot, context, settings)
