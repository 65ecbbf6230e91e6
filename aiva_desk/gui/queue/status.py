"""The main window's status bar: what is loading, how many tickets, the outbox, where
the data is.

A busy indicator appears only when loading takes longer than :data:`BUSY_DELAY_MS`
(quick loads never flash it); work the agent asked for (a bulk action) shows it at
once. Several things can be busy at the same time, each under its own reason.

The outbox indicator ("Outbox: 2 queued, 1 failed") shows only while messages wait
or need a decision; clicking it opens the Outbox.

Signals:
    outbox_requested(): the outbox indicator was clicked.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QLabel, QProgressBar, QStatusBar, QToolButton, QWidget

from aiva_desk.app_context import AppContext
from aiva_desk.gui.common import theme
from aiva_desk.gui.outbox.sender import Counts, outbox_summary
from aiva_desk.store.mail_models import OutboxState

BUSY_DELAY_MS = 150  # loads quicker than this never show the busy indicator
AT_ONCE = frozenset({"bulk"})  # reasons the agent asked for: shown without the delay


class QueueStatus(QObject):
    """The permanent widgets of ``status_bar``; ``busy_widget`` gets the busy cursor."""

    outbox_requested = Signal()

    def __init__(self, status_bar: QStatusBar, context: AppContext, busy_widget: QWidget) -> None:
        super().__init__(status_bar)
        self._busy: dict[str, str] = {}
        self._busy_widget = busy_widget

        self.count_label = QLabel(status_bar)
        self.count_label.setObjectName("ticketCountLabel")
        self.count_label.setAccessibleName("Tickets in the queue")
        self.count_label.setContentsMargins(0, 0, 12, 0)
        self.busy_label = QLabel(status_bar)
        self.busy_label.setObjectName("busyLabel")
        self.busy_label.setAccessibleName("What is being loaded")
        self.busy_indicator = QProgressBar(status_bar)
        self.busy_indicator.setObjectName("busyIndicator")
        self.busy_indicator.setAccessibleName("Working")
        self.busy_indicator.setRange(0, 0)
        self.busy_indicator.setMaximumWidth(110)
        self.busy_indicator.setMaximumHeight(14)
        self.busy_indicator.setTextVisible(False)
        self.outbox_button = QToolButton(status_bar)
        self.outbox_button.setObjectName("outboxStatusButton")
        self.outbox_button.setAccessibleName("Outbox")
        self.outbox_button.setAutoRaise(True)
        self.outbox_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.outbox_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.outbox_button.setToolTip("Open the Outbox (Ctrl+Shift+O)")
        self.outbox_button.clicked.connect(self.outbox_requested)
        self.outbox_button.hide()
        where = QLabel(f"Data folder: {context.paths.root}", status_bar)
        where.setObjectName("dataFolderLabel")
        where.setToolTip(f"Database: {context.db.display_name}")
        where.setAccessibleName("Data folder")
        for widget in (
            self.busy_label,
            self.busy_indicator,
            self.count_label,
            self.outbox_button,
            where,
        ):
            status_bar.addPermanentWidget(widget)
        self.busy_label.hide()
        self.busy_indicator.hide()

        self._timer = QTimer(self)
        self._timer.setInterval(BUSY_DELAY_MS)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._show_busy)

    def show_count(self, total: int, *, searching: bool, selected: int) -> None:
        text = f"{total:,} {'ticket' if total == 1 else 'tickets'}"
        if searching:
            text += " matches the search" if total == 1 else " match the search"
        if selected > 1:
            text += f" · {selected:,} selected"
        self.count_label.setText(text)

    def show_outbox(self, counts: Counts) -> None:
        """The outbox counts (``{OutboxState: n}``); hidden when nothing waits."""
        text = outbox_summary(counts)
        self.outbox_button.setText(text)
        self.outbox_button.setVisible(bool(text))
        attention = counts.get(OutboxState.FAILED, 0) + counts.get(OutboxState.UNKNOWN, 0)
        palette = self.outbox_button.palette()
        role = QPalette.ColorRole.ButtonText
        if attention:
            palette.setColor(role, theme.error_color())
        else:
            palette.setColor(role, theme.palette().color(role))
        self.outbox_button.setPalette(palette)

    # -- busy indicator ------------------------------------------------------------

    def set_busy(self, reason: str, text: str) -> None:
        self._busy[reason] = text
        if reason in AT_ONCE:
            self._show_busy()
        elif not self._timer.isActive() and self.busy_indicator.isHidden():
            self._timer.start()

    def clear_busy(self, reason: str) -> None:
        self._busy.pop(reason, None)
        if not self._busy:
            self._timer.stop()
            self.busy_indicator.hide()
            self.busy_label.hide()
            self._busy_widget.unsetCursor()
        else:
            self.busy_label.setText(next(iter(self._busy.values())))

    def is_busy(self) -> bool:
        return bool(self._busy)

    def _show_busy(self) -> None:
        if not self._busy:
            return
        self.busy_label.setText(next(iter(self._busy.values())))
        self.busy_label.show()
        self.busy_indicator.show()
        self._busy_widget.setCursor(Qt.CursorShape.BusyCursor)
