"""The GUI's plumbing: forms load, errors reach show_error, background tasks deliver."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QLabel, QMainWindow, QMessageBox, QPushButton, QWidget

from aiva_desk.errors import NotFoundError
from aiva_desk.gui import errors as gui_errors
from aiva_desk.gui import tasks
from aiva_desk.gui.common.forms import FormError, ask, child, form_names, load_form, message_box
from aiva_desk.gui.errors import (
    NO_ERROR_DIALOGS_ENV,
    UNEXPECTED_TITLE,
    ErrorDialog,
    ShownError,
    capture_errors,
    describe_error,
    show_error,
)
from aiva_desk.gui.tasks import BackgroundTask


@pytest.fixture(autouse=True)
def no_error_dialogs(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv(NO_ERROR_DIALOGS_ENV, "1")  # belt and braces: never block on a modal
    yield
    assert tasks.wait_for_idle(), "background tasks still running at the end of the test"


@pytest.fixture
def shown_errors() -> Iterator[list[ShownError]]:
    with capture_errors() as shown:
        yield shown


def test_every_form_loads(qtbot) -> None:
    names = form_names()
    assert {"main_window.ui", "new_ticket_dialog.ui", "ticket_editor.ui"} <= set(names)
    for name in names:
        widget = load_form(name)
        qtbot.addWidget(widget)
        assert widget.objectName(), f"{name} has no top-level objectName"


def test_form_loads_into_an_existing_widget(qtbot) -> None:
    class Window(QMainWindow):
        pass

    window = Window()
    qtbot.addWidget(window)
    assert load_form("main_window.ui", into=window) is window
    assert window.windowTitle() == "AIVA Desk"
    assert child(window, QWidget, "queueView").accessibleName() == "Ticket queue"
    with pytest.raises(FormError, match="noSuchWidget"):
        child(window, QLabel, "noSuchWidget")


def test_ask_never_waits_in_an_automated_run(qtbot, monkeypatch) -> None:
    parent = QWidget()
    qtbot.addWidget(parent)
    buttons = QMessageBox.StandardButton

    def question() -> QMessageBox:
        box = message_box(parent, "questionBox", QMessageBox.Icon.Question, "Go?", "Go on?", "")
        box.setStandardButtons(buttons.Yes | buttons.No)
        return box

    monkeypatch.setenv(NO_ERROR_DIALOGS_ENV, "1")
    monkeypatch.setattr(QMessageBox, "exec", lambda box: pytest.fail("shown"))
    assert ask(question(), automated=buttons.Yes) == buttons.Yes

    monkeypatch.delenv(NO_ERROR_DIALOGS_ENV)
    monkeypatch.setattr(QMessageBox, "exec", lambda box: box.button(buttons.No).click())
    assert ask(question(), automated=buttons.Yes) == buttons.No


def test_user_error_is_shown_with_its_title_and_message(shown_errors) -> None:
    show_error(None, NotFoundError("There is no ticket #5."))
    [shown] = shown_errors
    assert (shown.title, shown.message, shown.unexpected) == (
        "Not found",
        "There is no ticket #5.",
        False,
    )


def test_unexpected_error_has_traceback_and_log_path(context, shown_errors) -> None:
    try:
        raise KeyError("boom")
    except KeyError as exc:
        show_error(None, exc)
    [shown] = shown_errors
    assert shown.title == UNEXPECTED_TITLE and shown.unexpected
    assert "KeyError: 'boom'" in shown.details
    assert "test_unexpected_error_has_traceback" in shown.details
    assert str(context.paths.logs) in shown.message
    assert "boom" in (context.paths.logs / "aiva-desk.log").read_text()


def test_error_dialog_has_copyable_details(qtbot) -> None:
    try:
        raise RuntimeError("kaput")
    except RuntimeError as exc:
        dialog = ErrorDialog(describe_error(exc))
    qtbot.addWidget(dialog)
    dialog.show()  # not exec(): a test must never block on a modal
    assert "RuntimeError: kaput" in dialog.details.toPlainText()
    assert dialog.details.isReadOnly()
    qtbot.mouseClick(child(dialog, QPushButton, "copyDetailsButton"), Qt.MouseButton.LeftButton)
    assert "RuntimeError: kaput" in QGuiApplication.clipboard().text()
    assert dialog.isVisible(), "copying must not close the dialog"


def test_dialogs_switched_off_by_environment(capsys) -> None:
    shown = show_error(None, NotFoundError("Gone."))  # would block if a dialog opened
    assert shown.message == "Gone."
    assert "Not found: Gone." in capsys.readouterr().err


def test_exception_hook_routes_to_show_error(shown_errors) -> None:
    try:
        raise ValueError("from a slot")
    except ValueError as exc:
        gui_errors._exception_hook(ValueError, exc, exc.__traceback__)
    [shown] = shown_errors
    assert shown.unexpected and "ValueError: from a slot" in shown.details


def test_task_result_arrives_on_the_gui_thread(qtbot) -> None:
    seen: list[tuple[str, bool]] = []

    def work() -> str:
        return threading.current_thread().name

    task = BackgroundTask(work, writes=False).success(
        lambda name: seen.append((name, threading.current_thread() is threading.main_thread()))
    )
    with qtbot.waitSignal(task.finished, timeout=10_000):
        task.run_in_background()
    [(worker, on_gui_thread)] = seen
    assert worker != threading.main_thread().name and on_gui_thread


def test_core_error_in_a_task_reaches_show_error(qtbot, shown_errors) -> None:
    def work() -> None:
        raise NotFoundError("Ticket id 99 does not exist (it may be deleted).")

    task = BackgroundTask(work)  # no failure callback: the error goes to show_error
    with qtbot.waitSignal(task.finished, timeout=10_000):
        task.run_in_background()
    [shown] = shown_errors
    assert shown.title == "Not found" and "Ticket id 99" in shown.message


def test_task_callbacks_skipped_when_parent_is_gone(qtbot, shown_errors) -> None:
    parent = QWidget()
    called: list[object] = []
    gate = threading.Event()
    task = BackgroundTask(lambda: gate.wait(3), parent=parent).success(called.append)
    task.run_in_background()
    parent.deleteLater()
    qtbot.waitUntil(lambda: not _alive(parent), timeout=10_000)
    gate.set()
    assert tasks.wait_for_idle()
    assert called == [] and shown_errors == []


def _alive(widget: QWidget) -> bool:
    import shiboken6

    return shiboken6.isValid(widget)
