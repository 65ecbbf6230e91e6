"""Starting the app: every failure to start is a dialog and exit code 2, never a traceback."""

from __future__ import annotations

import gc
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from aiva_desk.gui import app as gui_app
from aiva_desk.gui.errors import Severity
from aiva_desk.gui.main.window import MainWindow

pytestmark = pytest.mark.usefixtures("shown_errors")


def test_unwritable_data_dir_is_a_dialog_and_exit_2(qapp, tmp_path: Path, shown_errors) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the data folder should be")
    hook_before = sys.excepthook
    assert gui_app.run(data_dir=str(blocker / "data")) == 2
    [shown] = shown_errors
    assert shown.title == "Data folder unavailable"
    assert str(blocker) in shown.message and shown.severity is Severity.CRITICAL
    assert sys.excepthook is hook_before  # the hook is only installed while running


@pytest.mark.parametrize(
    ("content", "title"),
    [
        (b"this is not a database at all\n" * 20, "Not an AIVA Desk database"),
        (b"SQLite format 3\x00" + b"\xff" * 4000, "Database cannot be read"),
    ],
)
@pytest.mark.sqlite_only("the damaged database is the data dir's SQLite file")
def test_garbage_database_is_a_dialog_and_exit_2(
    qapp, tmp_path: Path, shown_errors, content: bytes, title: str
) -> None:
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    database = data_dir / "aiva-desk.sqlite3"
    database.write_bytes(content)
    assert gui_app.run(data_dir=str(data_dir)) == 2
    [shown] = shown_errors
    assert shown.title == title and "untouched" in shown.message
    assert database.read_bytes() == content  # refused, never "repaired"


def test_no_display_is_a_message_and_exit_2(monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    for name in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(sys, "platform", "linux")
    assert gui_app.run() == 2
    err = capsys.readouterr().err
    assert "no graphical display" in err and "QT_QPA_PLATFORM=offscreen" in err


def test_run_shows_the_main_window_until_it_closes(
    qapp, tmp_path: Path, shown_errors, monkeypatch: pytest.MonkeyPatch
) -> None:
    from aiva_desk.gui.main.first_run import FirstRunWizard

    monkeypatch.setattr(gui_app, "SETTLE_AFTER_MS", 0)  # settle the heap before closing
    seen: list[MainWindow] = []
    welcomed: list[FirstRunWizard] = []
    frozen: list[int] = []

    def close_main_window() -> None:
        wizards = [w for w in QApplication.topLevelWidgets() if isinstance(w, FirstRunWizard)]
        if any(w.isVisible() for w in wizards):  # a fresh data folder: the welcome first
            welcomed.extend(wizards)
            for wizard in wizards:
                wizard.reject()  # "later": the app opens anyway
            QTimer.singleShot(50, close_main_window)
            return
        windows = [w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow)]
        seen.extend(w for w in windows if w.isVisible())
        frozen.append(gc.get_freeze_count())  # start-up's heap is out of the collector's way
        for window in windows:
            window.close()
        QApplication.quit()

    # Closing the last window would also post a Quit event that outlives this test's
    # event loop and ends the next test's waits early: quit explicitly instead.
    qapp.setQuitOnLastWindowClosed(False)
    try:
        QTimer.singleShot(50, close_main_window)
        assert gui_app.run(data_dir=str(tmp_path / "data")) == 0
    finally:
        qapp.setQuitOnLastWindowClosed(True)
        gc.unfreeze()
    assert len(welcomed) == 1 and len(seen) == 1 and shown_errors == []
    assert frozen and frozen[0] > 10_000
    assert qapp.applicationName() == "AIVA Desk" and qapp.organizationName() == "AIVA"
    assert qapp.desktopFileName() == "aiva-desk" and not qapp.windowIcon().isNull()
    assert (tmp_path / "data" / "logs" / "aiva-desk.log").exists()


def test_quit_from_the_menu_quits_even_when_closing_hides_to_the_tray(
    qtbot, context, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, shown_errors
) -> None:
    from PySide6.QtCore import QSettings

    settings = QSettings(str(tmp_path / "gui.ini"), QSettings.Format.IniFormat)
    window = MainWindow(context, settings)
    qtbot.addWidget(window)
    alerts = gui_app.wire_alerts(window, context, tray_available=lambda: True)
    quits: list[bool] = []
    monkeypatch.setattr(QApplication, "quit", lambda: quits.append(True))
    try:
        window.show()
        alerts.start()
        qtbot.waitExposed(window)
        window.close()  # the window's close button: AIVA Desk stays in the tray
        assert not window.isVisible() and quits == []
        window.show()
        window.action("quitAction").trigger()  # File > Quit (Ctrl+Q)
        assert not window.isVisible() and quits == [True]
    finally:
        alerts.center.stop()
        alerts.tray.hide()
        QApplication.setQuitOnLastWindowClosed(True)
