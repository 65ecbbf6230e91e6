"""An unexpected exception: drafts kept, a report without secrets, a dialog, the app goes on."""

from __future__ import annotations

import sys
import threading

import pytest
from PySide6.QtCore import QTimer

from aiva_desk.gui.crash import CRASH_FOLDER, install_crash_handler, write_crash_report
from aiva_desk.gui.errors import capture_errors


class FakeEditor:
    def __init__(self, fail: bool = False) -> None:
        self.written = 0
        self.fail = fail

    def write_draft(self) -> None:
        if self.fail:
            raise OSError("disk full")
        self.written += 1


@pytest.fixture
def handler(qapp, context):
    editors = [FakeEditor(), FakeEditor(fail=True), FakeEditor()]
    shown = []
    installed = install_crash_handler(
        qapp, context, lambda: editors, show=lambda parent, exc: shown.append(exc)
    )
    installed.editors, installed.shown = editors, shown
    yield installed
    installed.uninstall()


def _raise(message: str) -> None:
    raise RuntimeError(message)


def _reports(context):
    return sorted((context.paths.root / CRASH_FOLDER).glob("crash-*.txt"))


def test_the_hook_keeps_drafts_writes_a_report_and_shows_it(handler, context) -> None:
    assert sys.excepthook == handler.excepthook
    context.settings.me_staff_id = 4  # settings never reach a report
    try:
        _raise("boom in a slot")
    except RuntimeError as exc:
        sys.excepthook(type(exc), exc, exc.__traceback__)

    assert [e.written for e in handler.editors] == [1, 0, 1]
    (report,) = _reports(context)
    assert report.name.startswith("crash-") and report.suffix == ".txt"
    text = report.read_text(encoding="utf-8")
    for expected in ("AIVA Desk", "Platform:", "Python:", "Qt:", "RuntimeError: boom in a slot"):
        assert expected in text
    assert "_raise" in text  # the traceback
    assert "me_staff_id" not in text
    (shown,) = handler.shown
    assert str(report) in "\n".join(shown.__notes__)
    assert "2 open ticket(s)" in "\n".join(shown.__notes__)


def test_a_repeating_error_is_reported_once(handler, context) -> None:
    for _ in range(3):
        try:
            _raise("every second")
        except RuntimeError as exc:
            handler.excepthook(type(exc), exc, exc.__traceback__)
    assert len(_reports(context)) == 1
    assert len(handler.shown) == 1


def test_an_exception_in_a_timer_slot_is_caught_and_the_app_goes_on(qtbot, handler, context):
    ran_after = []
    with qtbot.waitSignal(handler.crash_reported, timeout=10_000) as reported:
        QTimer.singleShot(0, lambda: _raise("timer slot"))
    QTimer.singleShot(0, lambda: ran_after.append(True))
    qtbot.waitUntil(lambda: ran_after == [True])
    exc, report = reported.args
    assert str(exc) == "timer slot"
    assert report.is_file()


def test_a_worker_thread_error_is_shown_on_the_gui_thread(qtbot, handler) -> None:
    with qtbot.waitSignal(handler.crash_reported, timeout=10_000) as reported:
        worker = threading.Thread(target=_raise, args=("in a worker",), name="worker-7")
        worker.start()
        worker.join()
    assert str(reported.args[0]) == "in a worker"
    assert "Thread: worker-7" in reported.args[1].read_text(encoding="utf-8")


def test_without_a_show_hook_the_one_error_path_is_used(qapp, context) -> None:
    handler = install_crash_handler(qapp, context, list)
    try:
        with capture_errors() as shown:
            handler.handle(ValueError("unexpected"))
        (error,) = shown
        assert error.unexpected
        assert "crash report was saved" in error.details
    finally:
        handler.uninstall()


def test_report_names_do_not_collide(tmp_path) -> None:
    import datetime as dt

    when = dt.datetime(2026, 11, 25, 10, 0, 0)
    first = write_crash_report(tmp_path, ValueError("a"), when=when)
    second = write_crash_report(tmp_path, ValueError("b"), when=when)
    assert first.name == "crash-20261125-100000.txt"
    assert second.name == "crash-20261125-100000-2.txt"
