"""Connect the SLA alert center, the tray and the main window.

* Alerts go to the tray as notifications; clicking one (or an urgent ticket in the tray
  menu) opens the ticket. Where no tray exists every notice is listed in a banner in the
  window (:mod:`aiva_desk.gui.main.alert_banner`) until opened or dismissed.
* A ticket saved or changed in the window, or the queue read again, re-arms the SLA
  alert timer at once, so a deadline created or moved is scheduled without delay.
* Closing the window keeps the app running in the tray (a setting, with a one-time hint);
  without a tray, closing asks first, since alerts stop with the app.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtWidgets import QApplication, QMainWindow, QMessageBox

from aiva_desk.app_context import AppContext
from aiva_desk.gui.common.forms import ask, message_box
from aiva_desk.gui.main.alert_banner import AlertBanner
from aiva_desk.gui.main.sla_alerts import SlaAlertCenter
from aiva_desk.gui.main.tray import TrayIcon

TRAY_HINT = "AIVA Desk keeps running in the tray and will alert you about SLA deadlines."


def ask_quit_without_tray(parent: QMainWindow) -> bool:
    box = message_box(
        parent,
        "quitWithoutTrayBox",
        QMessageBox.Icon.Question,
        "Quit AIVA Desk?",
        "There is no system tray here, so SLA alerts stop while AIVA Desk is closed. Quit?",
        "",
    )
    buttons = QMessageBox.StandardButton
    box.setStandardButtons(buttons.Yes | buttons.No)
    return ask(box, automated=buttons.Yes) == buttons.Yes


class AlertWiring(QObject):
    """Owns the tray and the alert center for one main window."""

    def __init__(
        self,
        window: QMainWindow,
        context: AppContext,
        *,
        tray_available: Callable[[], bool] | None = None,
        ask_quit: Callable[[QMainWindow], bool] = ask_quit_without_tray,
    ) -> None:
        super().__init__(window)
        self.window = window
        self.context = context
        self.ask_quit = ask_quit
        self.quitting = False
        kwargs = {"available": tray_available} if tray_available else {}
        self.tray = TrayIcon(self, **kwargs)
        self.center = SlaAlertCenter(context.db, self)
        self.banner = AlertBanner(self.open_ticket, window)
        window.addToolBarBreak(Qt.ToolBarArea.TopToolBarArea)  # a row of its own
        window.addToolBar(Qt.ToolBarArea.TopToolBarArea, self.banner)
        self.center.summary_changed.connect(self.tray.update_summary)
        self.center.alerts_raised.connect(self.tray.notify)
        self.tray.fallback_notice.connect(self.banner.show_notice)
        # Deadlines move when tickets are written: re-arm the alert timer then, coalescing
        # the signals one change sends (saved, changed, queue reloaded) into one evaluation.
        self._rearm = QTimer(self)
        self._rearm.setSingleShot(True)
        self._rearm.setInterval(0)
        self._rearm.timeout.connect(self.center.reschedule)
        for name in ("ticket_saved", "tickets_changed"):
            signal = getattr(getattr(window, "ticket_tabs", None), name, None)
            if signal is not None:
                signal.connect(lambda *_args: self._rearm.start())
        reloaded = getattr(getattr(window, "model", None), "reloaded", None)
        if reloaded is not None:
            reloaded.connect(self._rearm.start)
        self.tray.ticket_requested.connect(self.open_ticket)
        self.tray.open_requested.connect(self.show_window)
        self.tray.snooze_requested.connect(self.center.snooze)
        self.tray.quit_requested.connect(self.quit)
        window.installEventFilter(self)

    def start(self) -> None:
        if self.tray.available:
            self.tray.show()
            QApplication.setQuitOnLastWindowClosed(False)
        self.center.start()

    def show_window(self) -> None:
        self.window.showNormal()
        self.window.raise_()
        self.window.activateWindow()

    def open_ticket(self, ticket_id: int) -> None:
        self.show_window()
        show = getattr(self.window, "show_ticket", None)
        if show is not None:
            show(ticket_id)

    def quit(self) -> None:
        self.quitting = True
        if self.window.close():
            self.center.stop()
            self.tray.hide()
            QApplication.quit()
        else:
            self.quitting = False

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.window and event.type() == QEvent.Type.Close and not self.quitting:
            settings = self.context.settings
            if self.tray.available and self.tray.icon.isVisible() and settings.close_to_tray:
                event.ignore()
                self.window.hide()
                if not settings.tray_hint_shown:
                    self.tray.icon.showMessage("AIVA Desk", TRAY_HINT)
                    settings.tray_hint_shown = True
                    self.context.save_settings()
                return True
            if self.tray.available:  # the user turned closing to the tray off
                QApplication.setQuitOnLastWindowClosed(True)
            elif not self.ask_quit(self.window):
                event.ignore()
                return True
        return super().eventFilter(watched, event)
