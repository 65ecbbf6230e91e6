"""The unexpected exception: keep the agent's typing, write a report, say so, keep running.

:func:`install_crash_handler` replaces ``sys.excepthook`` (exceptions raised in Qt
slots, timers and the main thread end there, and the event loop goes on) and
``threading.excepthook`` (worker threads). For each unexpected exception it

1. asks every open ticket editor to write its draft (``write_draft()``), so text
   typed but not saved survives even if the app must be closed;
2. writes ``<data dir>/crash-reports/crash-YYYYmmdd-HHMMSS.txt``: version, platform,
   Python and Qt versions, the thread and the traceback. Never settings, passwords,
   environment variables or ticket contents;
3. shows the error through :func:`aiva_desk.gui.errors.show_error` (copyable details;
   tests collect it with ``capture_errors()`` or pass ``show=``), with the report's path.

The same exception repeating (a timer that fails every second) is reported once a
minute, not in a flood of dialogs. A worker thread's exception is reported on the GUI
thread. ``KeyboardInterrupt`` goes to the previous hook.
"""

from __future__ import annotations

import datetime as dt
import logging
import sys
import threading
import time
import traceback
from collections.abc import Callable, Iterable
from pathlib import Path
from types import TracebackType
from typing import Any, Protocol

import PySide6
from PySide6.QtCore import QObject, Qt, Signal, qVersion
from PySide6.QtWidgets import QApplication, QWidget

from aiva_desk import clock
from aiva_desk.app_context import AppContext
from aiva_desk.diagnostics import environment_lines
from aiva_desk.gui.errors import show_error
from aiva_desk.runtime.paths import DataPaths
from aiva_desk.runtime.private_files import private_dir, write_private_text

log = logging.getLogger(__name__)

CRASH_FOLDER = DataPaths(Path()).crash_reports.name
REPEAT_SECONDS = 60


class DraftWriter(Protocol):
    """An open editor: :class:`~aiva_desk.gui.editor.editor.TicketEditor` has this."""

    def write_draft(self) -> None: ...


EditorsProvider = Callable[[], Iterable[DraftWriter]]
ShowFn = Callable[[QWidget | None, BaseException], Any]


def crash_folder(context: AppContext) -> Path:
    return context.paths.root / CRASH_FOLDER


def crash_report_text(
    exc: BaseException, *, thread: str = "MainThread", when: dt.datetime | None = None
) -> str:
    when = when or clock.local_now()
    lines = [
        "AIVA Desk crash report",
        f"Time: {when.isoformat(timespec='seconds')}",
        *environment_lines(qVersion(), PySide6.__version__),
        f"Thread: {thread}",
        "",
        "".join(traceback.format_exception(type(exc), exc, exc.__traceback__)).rstrip(),
        "",
    ]
    return "\n".join(lines)


def write_crash_report(
    folder: Path, exc: BaseException, *, thread: str = "MainThread", when: dt.datetime | None = None
) -> Path:
    """Write the report as ``crash-YYYYmmdd-HHMMSS.txt`` (a suffix if that name is taken)."""
    when = when or clock.local_now()
    private_dir(folder)
    stem = f"crash-{when:%Y%m%d-%H%M%S}"
    path = folder / f"{stem}.txt"
    counter = 2
    while path.exists():
        path = folder / f"{stem}-{counter}.txt"
        counter += 1
    write_private_text(path, crash_report_text(exc, thread=thread, when=when))
    return path


def _signature(exc: BaseException) -> tuple[str, ...]:
    frames = traceback.extract_tb(exc.__traceback__)
    where = tuple(f"{frame.filename}:{frame.lineno}" for frame in frames[-3:])
    return (type(exc).__qualname__, *where)


class CrashHandler(QObject):
    """The installed hooks; :meth:`handle` is the whole reaction (call it in tests).

    Signals:
        crash_reported(object, object): the exception and the report's path (or None),
            after the drafts were written and the error was shown.
    """

    crash_reported = Signal(object, object)
    _from_thread = Signal(object, str)

    def __init__(
        self,
        context: AppContext,
        editors_provider: EditorsProvider,
        *,
        show: ShowFn | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._context = context
        self._editors = editors_provider
        self._show = show or show_error
        self._recent: dict[tuple[str, ...], float] = {}
        self._handling = False
        self.previous_excepthook = sys.excepthook
        self.previous_threading_hook = threading.excepthook
        self._from_thread.connect(self._on_from_thread, Qt.ConnectionType.QueuedConnection)

    # -- hooks ---------------------------------------------------------------------------

    def excepthook(
        self, exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None
    ) -> None:
        if issubclass(exc_type, KeyboardInterrupt):
            self.previous_excepthook(exc_type, exc, tb)
            return
        if exc.__traceback__ is None and tb is not None:
            exc = exc.with_traceback(tb)
        if threading.current_thread() is not threading.main_thread():
            self._from_thread.emit(exc, threading.current_thread().name)
            return
        self.handle(exc)

    def threading_hook(self, args: threading.ExceptHookArgs) -> None:
        if args.exc_type is SystemExit or args.exc_value is None:
            return
        exc = args.exc_value
        name = args.thread.name if args.thread is not None else "worker"
        log.error(
            "Unexpected error in thread %s", name, exc_info=(args.exc_type, exc, args.exc_traceback)
        )
        self._from_thread.emit(exc, name)  # widgets only on the GUI thread

    def _on_from_thread(self, exc: BaseException, thread: str) -> None:
        self.handle(exc, thread=thread)

    # -- the reaction --------------------------------------------------------------------

    def handle(self, exc: BaseException, *, thread: str = "MainThread") -> Path | None:
        """Keep drafts, write the report, show the error; return the report's path."""
        if self._handling:  # an error while handling one: log it and stop there
            log.error("Unexpected error while reporting another", exc_info=exc)
            return None
        self._handling = True
        try:
            now = time.monotonic()
            signature = _signature(exc)
            if now - self._recent.get(signature, -REPEAT_SECONDS) < REPEAT_SECONDS:
                log.error("Unexpected error again (not reported again)", exc_info=exc)
                return None
            self._recent[signature] = now
            saved = self.save_drafts()
            report = None
            try:
                report = write_crash_report(crash_folder(self._context), exc, thread=thread)
                log.error("Crash report written to %s", report)
            except OSError as write_error:
                log.error("Cannot write a crash report: %s", write_error)
            note = f"A crash report was saved to {report}" if report else "No crash report saved."
            if saved:
                note += f"; unsaved text of {saved} open ticket(s) was kept as drafts."
            if note not in getattr(exc, "__notes__", ()):
                exc.add_note(note)
            try:
                self._show(QApplication.activeWindow(), exc)
            except Exception:
                log.exception("Could not show the crash dialog")
            self.crash_reported.emit(exc, report)
            return report
        finally:
            self._handling = False

    def save_drafts(self) -> int:
        """Ask every open editor to write its draft now; return how many did."""
        written = 0
        try:
            editors = list(self._editors())
        except Exception:
            log.exception("Cannot list the open editors to keep their drafts")
            return 0
        for editor in editors:
            try:
                editor.write_draft()
                written += 1
            except Exception:
                log.exception("Cannot keep the draft of an open editor")
        return written

    def uninstall(self) -> None:
        if sys.excepthook == self.excepthook:
            sys.excepthook = self.previous_excepthook
        if threading.excepthook == self.threading_hook:
            threading.excepthook = self.previous_threading_hook


def install_crash_handler(
    app: QApplication,
    context: AppContext,
    editors_provider: EditorsProvider,
    *,
    show: ShowFn | None = None,
) -> CrashHandler:
    """Install the hooks for the app's lifetime; ``uninstall()`` puts the old ones back."""
    handler = CrashHandler(context, editors_provider, show=show, parent=app)
    sys.excepthook = handler.excepthook
    threading.excepthook = handler.threading_hook
    return handler
