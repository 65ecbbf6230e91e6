"""Copy diagnostics and the About box: what support needs, never a secret."""

from __future__ import annotations

import PySide6
import pytest
from PySide6.QtGui import QGuiApplication

from aiva_desk.diagnostics import bundled_licences, diagnostics_text, mask_url
from aiva_desk.gui.main.about import AboutDialog, add_help_actions, copy_diagnostics

PLANTED = "Tr0ub4dor&3-planted"


def test_mask_url_hides_passwords_and_secret_query_values() -> None:
    masked = mask_url(
        f"postgresql://desk:{PLANTED}@db.example.com/aiva?sslmode=require&password={PLANTED}"
    )
    assert PLANTED not in masked
    assert "db.example.com" in masked and "sslmode=require" in masked
    assert mask_url("sqlite:////tmp/a.sqlite3") == "sqlite:////tmp/a.sqlite3"
    assert mask_url("not a url at all") == "***"


@pytest.mark.sqlite_only("names the data dir's SQLite file and its size")
def test_diagnostics_name_everything_and_leak_nothing(context, monkeypatch) -> None:
    monkeypatch.setenv("AIVA_DESK_SMTP_PASSWORD", PLANTED)
    context.mail.credentials.remember_for_session("smtp/1/agent", PLANTED)
    text = diagnostics_text(context, qt_version="6.9.9", pyside_version="6.9.8")
    for expected in (
        "AIVA Desk",
        "Platform:",
        "Python:",
        "Qt: 6.9.9; PySide6: 6.9.8",
        str(context.paths.root),
        "aiva-desk.sqlite3",
        "Database size:",
        "Password store:",
    ):
        assert expected in text
    assert "KB" in text or "MB" in text
    assert PLANTED not in text


def test_a_database_password_in_the_url_is_masked(context) -> None:
    from types import SimpleNamespace

    from sqlalchemy.engine import make_url

    url = make_url(f"postgresql://desk:{PLANTED}@db.example.com/aiva")
    server = SimpleNamespace(
        paths=context.paths, db=SimpleNamespace(engine=SimpleNamespace(url=url)), mail=context.mail
    )
    text = diagnostics_text(server)
    assert PLANTED not in text
    assert "postgresql://desk:***@db.example.com/aiva" in text
    assert "Database size: not a local file" in text


def test_licences_of_the_bundled_libraries_are_read() -> None:
    found = {library.name.lower(): library for library in bundled_licences()}
    for name in (
        "pyside6-essentials",
        "sqlalchemy",
        "alembic",
        "jinja2",
        "keyring",
        "platformdirs",
    ):
        assert name in found, name
    assert found["sqlalchemy"].licence == "MIT"
    assert "LGPL" in found["pyside6-essentials"].licence
    assert all(library.licence for library in found.values())


def test_about_dialog_lists_libraries_and_copies_diagnostics(qtbot, context) -> None:
    dialog = AboutDialog(context)
    qtbot.addWidget(dialog)
    assert "SQLAlchemy" in dialog.library_names()
    QGuiApplication.clipboard().clear()
    copy_diagnostics(context)
    clipboard = QGuiApplication.clipboard().text()
    assert PySide6.__version__ in clipboard
    assert str(context.paths.root) in clipboard


def test_help_menu_gets_copy_diagnostics_after_open_log_folder(qtbot, context) -> None:
    from aiva_desk.gui.main.window import MainWindow

    window = MainWindow(context)
    qtbot.addWidget(window)
    actions = add_help_actions(window, context)
    help_menu = window.menuBar().findChild(type(window.menuBar().actions()[0].menu()), "helpMenu")
    names = [a.objectName() for a in help_menu.actions()]
    assert names.index("copyDiagnosticsAction") == names.index("openLogFolderAction") + 1
    actions.copy_diagnostics_action.trigger()
    assert "Data folder:" in QGuiApplication.clipboard().text()
    about = window.findChild(type(actions.copy_diagnostics_action), "aboutAction")
    about.trigger()
    dialog = window.findChild(AboutDialog)
    assert dialog is not None and dialog.isVisible()
    dialog.close()
