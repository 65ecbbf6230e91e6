"""Start the GUI: ``run(data_dir, db_url) -> exit code`` (called by ``aiva-desk``).

Every way of failing to start ends in a readable message and exit code 2: no
display, an unwritable data folder, a damaged, foreign, newer or locked
database. Never a traceback in a terminal.
"""

from __future__ import annotations

import gc
import logging
import os
import signal
import sys
import threading
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from aiva_desk import APP_NAME
from aiva_desk.app_context import AppContext, open_context
from aiva_desk.errors import AivaError
from aiva_desk.gui import tasks
from aiva_desk.gui.backups.damaged import open_or_recover
from aiva_desk.gui.common.icons import app_icon
from aiva_desk.gui.common.theme import apply_theme
from aiva_desk.gui.crash import CrashHandler, install_crash_handler
from aiva_desk.gui.errors import install_exception_hook, show_error
from aiva_desk.gui.gui_thread_gc import collect_on_gui_thread
from aiva_desk.gui.launch import (
    listen_early,
    release_instance_lock,
    show_at_start,
    start_instance,
)
from aiva_desk.gui.main.first_run import run_first_run

if TYPE_CHECKING:
    from aiva_desk.gui.main.alert_wiring import AlertWiring
    from aiva_desk.gui.main.window import MainWindow

log = logging.getLogger(__name__)

EXIT_STARTUP_FAILED = 2
EXIT_UNEXPECTED = 1
SETTLE_AFTER_MS = 2000  # the heap is settled this long after the window is shown
ORGANIZATION_NAME = "AIVA"
DESKTOP_FILE_NAME = "aiva-desk"
_DISPLAY_VARIABLES = ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")


def display_problem() -> str | None:
    """Why no window can be shown here, or ``None`` (Qt would abort the process instead)."""
    if not sys.platform.startswith("linux"):
        return None
    if any(os.environ.get(name) for name in _DISPLAY_VARIABLES):
        return None
    return (
        f"aiva-desk: cannot open the {APP_NAME} window: no graphical display was found "
        "(neither DISPLAY nor WAYLAND_DISPLAY is set).\n"
        "Start it from a desktop session, or set QT_QPA_PLATFORM=offscreen for a headless run. "
        "Commands such as `aiva-desk demo` work without a display."
    )


def application() -> QApplication:
    """The QApplication, created once and named for settings, icons and the desktop file."""
    QApplication.setApplicationName(APP_NAME)
    QApplication.setOrganizationName(ORGANIZATION_NAME)
    QApplication.setDesktopFileName(DESKTOP_FILE_NAME)
    app = QApplication.instance()
    if app is None:
        app = QApplication([sys.argv[0] if sys.argv else "aiva-desk"])
    assert isinstance(app, QApplication)
    app.setApplicationDisplayName(APP_NAME)
    app.setWindowIcon(app_icon())
    apply_theme(app)  # the system's palette, unless AIVA_DESK_THEME asks for light or dark
    collect_on_gui_thread(app)  # never on a worker thread, where Qt objects must not die
    return app


def run(data_dir: str | None = None, db_url: str | None = None) -> int:
    """Open the data and the main window, run until it closes; return the exit code."""
    if problem := display_problem():
        print(problem, file=sys.stderr)
        return EXIT_STARTUP_FAILED
    app = application()
    previous_hook = install_exception_hook()
    context: AppContext | None = None
    crash: CrashHandler | None = None
    try:
        listen_early(data_dir)  # later launches hand over even while this one starts
        try:
            context = open_or_recover(data_dir, db_url)  # a damaged file: backup offered
            if context is None:
                return EXIT_STARTUP_FAILED
            context = _first_run(context)
        except AivaError as exc:
            return report_startup_failure(exc)
        try:
            from aiva_desk.gui.main.window import MainWindow

            window = MainWindow(context)
        except AivaError as exc:
            return report_startup_failure(exc)
        except Exception as exc:
            show_error(None, exc, critical=True)
            return EXIT_UNEXPECTED
        alerts = wire_alerts(window, context)
        crash = install_crash_handler(app, context, window.ticket_tabs.editors)
        start_instance(context, alerts)
        show_at_start(window)
        alerts.start()
        QTimer.singleShot(SETTLE_AFTER_MS, settle_heap)  # once the window is up and idle
        return _exec_with_ctrl_c(app)
    finally:
        tasks.wait_for_idle()
        if crash is not None:
            crash.uninstall()
        if context is not None:
            context.close()
        release_instance_lock()
        sys.excepthook = previous_hook


def report_startup_failure(exc: AivaError) -> int:
    """Say why the app cannot start, in a dialog (a desktop launch has no terminal)."""
    application()
    show_error(None, exc, critical=True)
    return EXIT_STARTUP_FAILED


def settle_heap() -> None:
    """Take what start-up built (modules, classes, the window) out of the collector's
    rounds. A full collection would otherwise walk ~150,000 objects (~45 ms, a visible
    hitch in the middle of a click) whenever it comes; now it walks only what was made
    since. One full collection first (once, while the window is idle), so no garbage
    stays frozen."""
    gc.collect()
    gc.freeze()


def _first_run(context: AppContext) -> AppContext:
    """The welcome on a fresh data folder; "explore with demo data" reopens on its folder."""
    first = run_first_run(context)
    if first.demo_data_dir is None:
        context.refresh_actor()  # the profile just made names the history from now on
        return context
    context.close()
    return open_context(str(first.demo_data_dir))


def wire_alerts(window: MainWindow, context: AppContext, **options: Any) -> AlertWiring:
    """The tray, SLA alerts and mail notices for ``window``.

    Closing the window may only hide it to the tray; File > Quit (Ctrl+Q) really quits
    (and stops the mail sender with the window). Mail the agent must decide about is
    notified like an SLA alert; clicking the notice opens the Outbox. New tickets and
    a customer's URGENT read from the mailboxes are notified too, and so is a ticket
    escalated to the person chosen under "I am"; a click opens the ticket.
    """
    from aiva_desk.gui.main.alert_wiring import AlertWiring
    from aiva_desk.gui.main.escalation_notices import EscalationNotifier
    from aiva_desk.gui.main.mail_notices import MailNotices

    alerts = AlertWiring(window, context, **options)
    # An escalation to "me" that I have not opened yet, on the SLA alerts' cadence.
    alerts.escalations = EscalationNotifier(alerts, context)
    window.view_panel.me_changed.connect(lambda _me: alerts.escalations.check())
    notices = MailNotices(alerts)
    window.mail_sender.problems_found.connect(notices.notify)

    def open_outbox() -> None:
        alerts.show_window()
        window.show_outbox()

    notices.outbox_requested.connect(open_outbox)
    # New tickets and a customer's URGENT from the mailboxes, as SLA alerts are told.
    window.mail_reading.notice.connect(
        lambda notice, critical: alerts.tray.notify_notice(notice, critical=critical)
    )
    quit_action = window.action("quitAction")
    quit_action.triggered.disconnect()
    quit_action.triggered.connect(alerts.quit)
    return alerts


def _exec_with_ctrl_c(app: QApplication) -> int:
    """Run the event loop; Ctrl+C in the terminal closes the app instead of being ignored."""
    if threading.current_thread() is not threading.main_thread():
        return app.exec()
    previous = signal.signal(signal.SIGINT, lambda *_: app.closeAllWindows())
    # Python handles signals only when it runs: wake it up a few times a second.
    waker = QTimer()
    waker.timeout.connect(lambda: None)
    waker.start(300)
    try:
        return app.exec()
    finally:
        waker.stop()
        signal.signal(signal.SIGINT, previous)
