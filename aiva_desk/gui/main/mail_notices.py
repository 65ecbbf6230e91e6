"""Tell the agent about mail that needs a decision, where SLA alerts are told.

A :class:`~aiva_desk.gui.outbox.sender.MailProblem` (failed for good, of unknown fate,
delivered to only some recipients) becomes a tray notification; clicking it opens
the Outbox. Where no tray is shown, it appears in a banner at the top of the
window with an "Open Outbox" button, as SLA alerts do in theirs.

Signals:
    outbox_requested(): the agent clicked a mail notice.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QLabel, QMainWindow, QToolBar

from aiva_desk.gui.main.alert_wiring import AlertWiring
from aiva_desk.gui.main.tray import Notice
from aiva_desk.gui.outbox.sender import MailProblem

MAX_SEPARATE_NOTICES = 3


def notices_for(problems: Sequence[MailProblem]) -> list[Notice]:
    """One notice per message, or one summary when many need a decision at once."""
    if len(problems) > MAX_SEPARATE_NOTICES:
        first = problems[0]
        text = f"{len(problems)} e-mails need your decision in the Outbox. First: {first.text}"
        return [Notice("E-mails not sent", text, first.ticket_id)]
    return [Notice(p.title, p.text, p.ticket_id) for p in problems]


class MailBanner(QToolBar):
    """A strip at the top of the window for mail notices when there is no tray."""

    def __init__(self, parent: QMainWindow) -> None:
        super().__init__("Mail notices", parent)
        self.setObjectName("mailBanner")
        self.setMovable(False)
        self.label = QLabel(self)
        self.label.setObjectName("mailBannerText")
        self.label.setTextFormat(Qt.TextFormat.PlainText)
        self.addWidget(self.label)
        self.open_action = self.addAction("Open Outbox")
        self.open_action.setObjectName("mailBannerOpenAction")
        self.open_action.triggered.connect(self.hide)
        self.addAction("Dismiss", self.hide)
        self.hide()

    def show_notice(self, notice: Notice) -> None:
        self.label.setText(f"✉ {notice.text.removesuffix(' Click to open the Outbox.')}")
        self.show()


class MailNotices(QObject):
    """Shows mail problems through the tray of ``alerts`` (or a banner in its window)."""

    outbox_requested = Signal()

    def __init__(self, alerts: AlertWiring) -> None:
        super().__init__(alerts)
        self._tray = alerts.tray
        self._clicks_open_outbox = False
        self.shown: list[Notice] = []  # every notice, as shown (for the log and tests)
        self.banner = MailBanner(alerts.window)
        alerts.window.addToolBar(Qt.ToolBarArea.TopToolBarArea, self.banner)
        self.banner.open_action.triggered.connect(self.outbox_requested)
        self._tray.icon.messageClicked.connect(self._on_tray_message_clicked)
        # A click on a later SLA or incoming-mail notice is the tray's own business again.
        alerts.center.alerts_raised.connect(self._on_sla_alerts_raised)
        self._tray.notified.connect(self._on_sla_alerts_raised)

    def notify(self, problems: Sequence[MailProblem]) -> None:
        tray = self._tray
        for notice in notices_for(problems):
            self.shown.append(notice)
            if tray.available and tray.icon.isVisible():
                # A click on this notice opens the Outbox (and shows the window), not the
                # ticket of an earlier SLA notice.
                self._clicks_open_outbox = True
                tray.show_message(notice.title, notice.text, None)
            else:
                self.banner.show_notice(notice)

    def _on_sla_alerts_raised(self, _events: object = None) -> None:
        self._clicks_open_outbox = False

    def _on_tray_message_clicked(self) -> None:
        if self._clicks_open_outbox:
            self._clicks_open_outbox = False
            self.outbox_requested.emit()
