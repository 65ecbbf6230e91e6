"""The system-tray presence: a badge with the SLA counts, a menu rebuilt when opened,
and notifications that open their ticket when clicked.

Where the desktop has no tray (checked with ``isSystemTrayAvailable``), nothing is
shown through it: every notification is re-emitted as ``fallback_notice`` so the
main window can show it as a banner instead, and no alert is lost.

Signals:
    open_requested(): show the main window.
    ticket_requested(int): open this ticket.
    snooze_requested(int): hold alerts for this many minutes.
    quit_requested(): leave the app.
    fallback_notice(str, object, str): (text, ticket id or None, severity) for the
        window's notice list: severity "breached", "warning" or "info".
    notified(): a notice whose click opens its ticket was shown (SLA, incoming mail).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from PySide6.QtCore import QObject, QRect, Qt, Signal
from PySide6.QtGui import QColor, QFont, QIcon, QPainter
from PySide6.QtWidgets import QMenu, QSystemTrayIcon

from aiva_desk import APP_NAME, clock
from aiva_desk.gui.common.icons import app_icon
from aiva_desk.sla.scheduler import SlaAlertEvent
from aiva_desk.sla.tray_urgency import TrayUrgency, urgency

SNOOZE_CHOICES = (15, 30, 60)
MAX_SEPARATE_NOTIFICATIONS = 3
NOTIFICATION_MS = 15_000


@dataclass(frozen=True)
class Notice:
    title: str
    text: str
    ticket_id: int | None
    severity: str = ""  # "breached", "warning" or "info"; "" for: from ``critical``


def _tickets(count: int) -> str:
    return f"{count} ticket" if count == 1 else f"{count} tickets"


def notices_for(events: Sequence[SlaAlertEvent], now: dt.datetime) -> list[Notice]:
    """One notice per alert, or one summary when many fall due at once."""
    if len(events) > MAX_SEPARATE_NOTIFICATIONS:
        tickets = {e.ticket_id for e in events}
        missed = {e.ticket_id for e in events if e.is_breach}
        first = min(events, key=lambda e: urgency(e.priority, e.due_at, now))
        text = (
            f"{len(events)} SLA alerts on {_tickets(len(tickets))}, {len(missed)} with a "
            f"deadline missed. Most urgent: {first.message(now)}"
        )
        return [Notice("SLA alerts", text, first.ticket_id, "breached" if missed else "warning")]
    return [
        Notice(
            "SLA deadline missed" if e.is_breach else "SLA deadline soon",
            e.message(now),
            e.ticket_id,
            "breached" if e.is_breach else "warning",
        )
        for e in events
    ]


def badge_icon(base: QIcon, count: int, size: int = 64) -> QIcon:
    """``base`` with a red count in the corner (nothing drawn for zero)."""
    pixmap = base.pixmap(size, size)
    if count <= 0:
        return QIcon(pixmap)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    text = str(count) if count < 100 else "99+"
    diameter = size * 0.55
    rect = QRect(int(size - diameter), 0, int(diameter), int(diameter))
    painter.setBrush(QColor("#c62828"))
    painter.setPen(Qt.PenStyle.NoPen)
    painter.drawEllipse(rect)
    font = QFont()
    font.setBold(True)
    font.setPixelSize(int(diameter * (0.55 if len(text) < 3 else 0.4)))
    painter.setFont(font)
    painter.setPen(QColor("white"))
    painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, text)
    painter.end()
    return QIcon(pixmap)


class TrayIcon(QObject):
    open_requested = Signal()
    ticket_requested = Signal(int)
    snooze_requested = Signal(int)
    quit_requested = Signal()
    fallback_notice = Signal(str, object, str)
    notified = Signal()

    def __init__(
        self,
        parent: QObject | None = None,
        *,
        available: Callable[[], bool] = QSystemTrayIcon.isSystemTrayAvailable,
    ) -> None:
        super().__init__(parent)
        self._available = available
        self._summary = TrayUrgency(0, 0, [])
        self._last_ticket: int | None = None
        self.shown: list[Notice] = []  # every notice, as shown (for the log and tests)
        self.icon = QSystemTrayIcon(app_icon(), self)
        self.icon.setObjectName("trayIcon")
        self.icon.setToolTip(APP_NAME)
        self.menu = QMenu()
        self.menu.setObjectName("trayMenu")
        self.menu.aboutToShow.connect(self.rebuild_menu)
        self.icon.setContextMenu(self.menu)
        self.icon.activated.connect(self._on_icon_activated)
        self.icon.messageClicked.connect(self._on_icon_message_clicked)
        self.rebuild_menu()

    @property
    def available(self) -> bool:
        return bool(self._available())

    def show(self) -> None:
        if self.available:
            self.icon.show()

    def hide(self) -> None:
        self.icon.hide()

    # -- state ---------------------------------------------------------------------

    def update_summary(self, summary: TrayUrgency) -> None:
        self._summary = summary
        self.icon.setIcon(badge_icon(app_icon(), summary.needs_attention))
        parts = [APP_NAME]
        if summary.breached:
            parts.append(f"{summary.breached} breached")
        if summary.about_to_breach:
            parts.append(f"{summary.about_to_breach} due within the hour")
        if len(parts) == 1:
            parts.append("no SLA deadline at risk")
        self.icon.setToolTip(" · ".join(parts))

    def rebuild_menu(self) -> None:
        """Fill the menu from the latest summary (called each time it is about to show)."""
        self.menu.clear()
        self.menu.addAction("Open AIVA Desk", self.open_requested.emit)
        now = clock.now()
        if self._summary.urgent:
            self.menu.addSeparator()
            for urgent in self._summary.urgent:
                action = self.menu.addAction(urgent.describe(now))
                action.triggered.connect(
                    lambda _checked=False, tid=urgent.ticket_id: self.ticket_requested.emit(tid)
                )
        if rest := self._rest_text():
            if not self._summary.urgent:
                self.menu.addSeparator()
            action = self.menu.addAction(rest, self.open_requested.emit)
            action.setObjectName("trayMoreAction")
        self.menu.addSeparator()
        snooze = self.menu.addMenu("Snooze alerts")
        for minutes in SNOOZE_CHOICES:
            snooze.addAction(f"{minutes} minutes", lambda m=minutes: self.snooze_requested.emit(m))
        self.menu.addSeparator()
        self.menu.addAction("Quit", self.quit_requested.emit)

    def _rest_text(self) -> str:
        """What the list leaves out: "and 2 more due now, and 37 long overdue"."""
        parts = []
        if self._summary.more:
            parts.append(f"{self._summary.more} more due now")
        if self._summary.long_overdue:
            parts.append(f"{self._summary.long_overdue} long overdue")
        return ("and " + ", and ".join(parts)) if parts else ""

    # -- notifications -------------------------------------------------------------

    def notify(self, events: Sequence[SlaAlertEvent]) -> None:
        for notice in notices_for(events, clock.now()):
            self.notify_notice(notice, critical=notice.severity == "breached")

    def notify_notice(self, notice: Notice, *, critical: bool = True) -> None:
        """Show ``notice`` the way SLA alerts are shown: a tray balloon whose click opens
        its ticket, or, without a tray, the window's banner."""
        self.shown.append(notice)
        self.notified.emit()
        if self.available and self.icon.isVisible():
            self.show_message(notice.title, notice.text, notice.ticket_id, critical=critical)
        else:
            self._last_ticket = notice.ticket_id
            severity = notice.severity or ("warning" if critical else "info")
            self.fallback_notice.emit(notice.text, notice.ticket_id, severity)

    def show_message(
        self, title: str, text: str, ticket_id: int | None, *, critical: bool = True
    ) -> None:
        """A tray balloon; clicking it opens ``ticket_id`` (or, with ``None``, the window)."""
        self._last_ticket = ticket_id
        kind = (
            QSystemTrayIcon.MessageIcon.Critical
            if critical
            else QSystemTrayIcon.MessageIcon.Warning
        )
        self.icon.showMessage(title, text, kind, NOTIFICATION_MS)

    def _on_icon_message_clicked(self) -> None:
        if self._last_ticket is not None:
            self.ticket_requested.emit(self._last_ticket)
        else:
            self.open_requested.emit()

    def _on_icon_activated(self, reason: QSystemTrayIcon.ActivationReason) -> None:
        if reason in (
            QSystemTrayIcon.ActivationReason.Trigger,
            QSystemTrayIcon.ActivationReason.DoubleClick,
        ):
            self.open_requested.emit()
