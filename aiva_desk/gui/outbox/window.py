"""The Outbox (View > Outbox…, Ctrl+Shift+O): messages waiting, being sent, failed or
of unknown fate, and what the agent can do about each.

A non-modal window. Actions: Retry (send again now), Edit… (back into the composer),
Cancel Message (Del), Mark as Sent (only for a message of unknown fate, after the
agent checked it did go out) and Open Ticket (Enter, or a double-click). "Show sent"
adds the messages sent in the last :data:`SENT_DAYS` days.

The list refreshes itself: :meth:`OutboxView.reload` is called by the main window
whenever the database changed and after every sender pass; the rows are read on a
worker thread, the selection is kept.

Signals:
    ticket_requested(int): open this ticket.
    messages_queued(): a message was put back in the queue (Retry): wake the sender.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import (
    QItemSelectionModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QAction, QCloseEvent, QFont, QKeySequence
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from aiva_desk import clock
from aiva_desk.app_context import AppContext
from aiva_desk.gui.common import theme
from aiva_desk.gui.common.formatting import NOT_SET, local_time, ticket_number
from aiva_desk.gui.common.forms import ask, message_box, set_text_color
from aiva_desk.gui.common.icons import icon
from aiva_desk.gui.common.items_model import ItemsTableModel, items_table
from aiva_desk.gui.errors import show_error
from aiva_desk.gui.tasks import BackgroundTask
from aiva_desk.mail.outbox import OPEN_STATES, OutboxItem
from aiva_desk.store.mail_models import OutboxState

S = OutboxState
SENT_DAYS = 7
TICK_MS = 30_000  # "next retry in 4 min" is repainted this often (no query)
DEFAULT_SIZE = (1080, 480)
ID_ROLE = Qt.ItemDataRole.UserRole + 1

TICKET, TO, SUBJECT, STATE, ATTEMPTS, LAST_ERROR, NEXT_RETRY = range(7)
COLUMNS = ("Ticket", "To", "Subject", "State", "Attempts", "Last error", "Next retry")

RETRY_STATES = (S.FAILED, S.UNKNOWN, S.QUEUED)
EDIT_STATES = (S.DRAFT, S.QUEUED, S.FAILED)
CANCEL_STATES = (S.DRAFT, S.QUEUED, S.FAILED, S.UNKNOWN)

UNKNOWN_EXPLAINED = (
    "Unknown — check: AIVA Desk stopped while this message was being sent, so it may or "
    "may not have reached the customer. Look in the Sent folder of the mail account (or "
    "ask the customer). If it arrived, choose Mark as Sent: it is logged on the ticket. "
    "If not, choose Retry to send it again. It is never sent again on its own."
)


def next_retry_text(item: OutboxItem, now: dt.datetime) -> str:
    if item.state is not S.QUEUED or item.next_attempt_at is None:
        return NOT_SET
    seconds = (item.next_attempt_at - now).total_seconds()
    if seconds <= 0:
        return "now"
    minutes = math.ceil(seconds / 60)
    if minutes < 60:
        return f"in {minutes} min"
    return (
        f"in {minutes // 60} h {minutes % 60:02d} min" if minutes % 60 else f"in {minutes // 60} h"
    )


def _one_line(text: str) -> str:
    return " ".join(text.split())


class OutboxTableModel(ItemsTableModel[OutboxItem]):
    """The rows of the Outbox: one :class:`OutboxItem` each, newest first."""

    columns = COLUMNS

    def tick(self) -> None:
        """Repaint the "Next retry" column (time passed; nothing was read)."""
        if self._items:
            top, bottom = self.index(0, NEXT_RETRY), self.index(len(self._items) - 1, NEXT_RETRY)
            self.dataChanged.emit(top, bottom, [Qt.ItemDataRole.DisplayRole])

    # -- QAbstractTableModel ------------------------------------------------------

    def data(
        self,
        index: QModelIndex | QPersistentModelIndex,
        role: int = Qt.ItemDataRole.DisplayRole,
    ) -> Any:
        if not index.isValid():
            return None
        item = self.item(index.row())
        if item is None:
            return None
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(item, column)
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(item, column)
        if role == ID_ROLE:
            return item.id
        if role == Qt.ItemDataRole.ForegroundRole and column == STATE:
            if item.state is S.FAILED:
                return theme.error_color()
            if item.state is S.UNKNOWN:
                return theme.sla_color(theme.SlaState.DUE_SOON)
            if item.state is S.SENT:
                return theme.muted_color()
        if (
            role == Qt.ItemDataRole.FontRole
            and column == STATE
            and item.state
            in (
                S.FAILED,
                S.UNKNOWN,
            )
        ):
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.TextAlignmentRole and column == ATTEMPTS:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def _display(self, item: OutboxItem, column: int) -> str:
        if column == TICKET:
            return ticket_number(item.ticket_number) if item.ticket_number else NOT_SET
        if column == TO:
            return _one_line(item.to)
        if column == SUBJECT:
            return _one_line(item.subject)
        if column == STATE:
            return item.state.label
        if column == ATTEMPTS:
            return str(item.attempts)
        if column == LAST_ERROR:
            return _one_line(item.last_error) or NOT_SET
        if column == NEXT_RETRY:
            return next_retry_text(item, clock.now())
        return ""

    def _tooltip(self, item: OutboxItem, column: int) -> str | None:
        if column == LAST_ERROR and item.last_error:
            return item.last_error
        if column == TO and item.cc:
            return f"To: {item.to}\nCc: {item.cc}"
        if column == NEXT_RETRY and item.state is S.QUEUED and item.next_attempt_at:
            return local_time(item.next_attempt_at)
        if column == STATE and item.state is S.UNKNOWN:
            return UNKNOWN_EXPLAINED
        if column == STATE and item.state is S.SENT and item.sent_at:
            return f"Sent {local_time(item.sent_at)}"
        return None


class OutboxView(QDialog):
    """The Outbox window of ``context``; ``open_composer`` edits a message (a hook)."""

    ticket_requested = Signal(int)
    messages_queued = Signal()

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("outboxView")
        self.setWindowTitle("Outbox")
        self.setAccessibleName("Outbox")
        self.setWindowFlag(Qt.WindowType.WindowMaximizeButtonHint, True)
        self._context = context
        self._outbox = context.mail.outbox
        self._loading = False
        self._reload_again = False
        self.confirm_cancel = self._ask_cancel  # hook: OutboxItem -> cancel it?
        self.open_composer = self._open_composer  # hook: OutboxItem -> None

        self.intro = QLabel(
            "Messages waiting to be sent, and those that need your decision. Temporary "
            "problems are retried on their own; failed ones wait for you.",
            self,
        )
        self.intro.setWordWrap(True)
        self.model = OutboxTableModel(self)
        self.table = items_table(self, self.model, "outboxTable", "Outgoing messages")
        header = self.table.horizontalHeader()
        header.setStretchLastSection(False)
        for column, width in (
            (TICKET, 64),
            (TO, 230),
            (STATE, 120),
            (ATTEMPTS, 70),
            (LAST_ERROR, 250),
            (NEXT_RETRY, 100),
        ):
            self.table.setColumnWidth(column, width)
        header.setSectionResizeMode(SUBJECT, QHeaderView.ResizeMode.Stretch)
        self.empty_label = QLabel("The outbox is empty: every message has been sent.", self)
        self.empty_label.setObjectName("outboxEmptyLabel")
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        set_text_color(self.empty_label, theme.muted_color())
        self.empty_label.hide()

        self.details = QLabel(self)
        self.details.setObjectName("outboxDetails")
        self.details.setWordWrap(True)
        self.details.setTextFormat(Qt.TextFormat.PlainText)
        self.details.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.unknown_note = QLabel(UNKNOWN_EXPLAINED, self)
        self.unknown_note.setObjectName("unknownFateNote")
        self.unknown_note.setWordWrap(True)
        self.unknown_note.setFrameShape(QFrame.Shape.StyledPanel)
        self.unknown_note.setContentsMargins(8, 6, 8, 6)
        self.unknown_note.hide()

        self.retry_button = self._button("outboxRetryButton", "&Retry", "refresh")
        self.retry_button.setToolTip("Send the message again now")
        self.edit_button = self._button("outboxEditButton", "&Edit…", "rename")
        self.edit_button.setToolTip("Take the message back into the composer")
        self.cancel_button = self._button("outboxCancelButton", "&Cancel Message", "delete")
        self.cancel_button.setToolTip("Do not send this message (Del)")
        self.mark_sent_button = self._button("outboxMarkSentButton", "&Mark as Sent", "save")
        self.mark_sent_button.setToolTip(
            "You checked that this message did go out: log it on the ticket as sent"
        )
        self.open_ticket_button = self._button("outboxOpenTicketButton", "&Open Ticket", "open")
        self.open_ticket_button.setToolTip("Open the message's ticket (Enter)")
        self.show_sent_check = QCheckBox(f"Show &sent (last {SENT_DAYS} days)", self)
        self.show_sent_check.setObjectName("outboxShowSentCheck")
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        self.buttons.rejected.connect(self.reject)

        actions = QHBoxLayout()
        for button in (
            self.retry_button,
            self.edit_button,
            self.cancel_button,
            self.mark_sent_button,
            self.open_ticket_button,
        ):
            actions.addWidget(button)
        actions.addStretch(1)
        actions.addWidget(self.show_sent_check)
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addLayout(actions)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.empty_label, 1)
        layout.addWidget(self.unknown_note)
        layout.addWidget(self.details)
        layout.addWidget(self.buttons)
        self.resize(*DEFAULT_SIZE)

        self.cancel_action = self._table_action(
            "outboxCancelAction", "Cancel Message", (QKeySequence.StandardKey.Delete,)
        )
        self.cancel_action.triggered.connect(self.cancel_selected)
        self.open_action = self._table_action(
            "outboxOpenTicketAction", "Open Ticket", ("Return", "Enter")
        )
        self.open_action.triggered.connect(self.open_selected_ticket)

        self.retry_button.clicked.connect(self.retry_selected)
        self.edit_button.clicked.connect(self.edit_selected)
        self.cancel_button.clicked.connect(self.cancel_selected)
        self.mark_sent_button.clicked.connect(self.mark_selected_sent)
        self.open_ticket_button.clicked.connect(self.open_selected_ticket)
        self.show_sent_check.toggled.connect(self.reload)
        self.table.doubleClicked.connect(lambda _index: self.open_selected_ticket())
        self.table.selectionModel().selectionChanged.connect(self._update_actions)
        self.model.modelReset.connect(self._update_actions)
        self._tick = QTimer(self)
        self._tick.setInterval(TICK_MS)
        self._tick.timeout.connect(self.model.tick)
        self._tick.start()
        self._update_actions()
        self.reload()

    def _button(self, name: str, text: str, icon_name: str) -> QPushButton:
        button = QPushButton(icon(icon_name), text, self)
        button.setObjectName(name)
        button.setAutoDefault(False)
        return button

    def _table_action(self, name: str, text: str, keys: tuple) -> QAction:
        action = QAction(text, self.table)
        action.setObjectName(name)
        action.setShortcuts([QKeySequence(key) for key in keys])
        action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        self.table.addAction(action)
        return action

    # -- reading -------------------------------------------------------------------

    def states(self) -> tuple[OutboxState, ...]:
        return (*OPEN_STATES, S.SENT) if self.show_sent_check.isChecked() else OPEN_STATES

    def is_loading(self) -> bool:
        return self._loading

    def reload(self) -> None:
        """Read the rows again in the background, keeping the selection."""
        if self._loading:
            self._reload_again = True
            return
        self._loading = True
        outbox, states, now = self._outbox, self.states(), clock.now()
        since = now - dt.timedelta(days=SENT_DAYS)

        def read() -> list[OutboxItem]:
            return outbox.items(states, sent_since=since)

        BackgroundTask(read, parent=self, writes=False, label="outbox").success(
            self._on_read_succeeded
        ).failure(self._on_read_failed).run_in_background()

    def _on_read_succeeded(self, items: list[OutboxItem]) -> None:
        self._loading = False
        selected = self.selected_item()
        self.model.set_items(items)
        if selected is not None and (row := self.model.row_of(selected.id)) is not None:
            self.select_row(row)
        self.table.setVisible(bool(items))
        self.empty_label.setVisible(not items)
        if self._reload_again:
            self._reload_again = False
            self.reload()

    def _on_read_failed(self, exc: Exception) -> None:
        self._loading = False
        show_error(self, exc)

    # -- selection -----------------------------------------------------------------

    def selected_item(self) -> OutboxItem | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.item(rows[0].row()) if rows else None

    def select_row(self, row: int) -> None:
        index = self.model.index(row, 0)
        self.table.selectionModel().setCurrentIndex(
            index,
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows,
        )

    def select_message(self, outbox_id: int) -> bool:
        row = self.model.row_of(outbox_id)
        if row is not None:
            self.select_row(row)
        return row is not None

    def _update_actions(self, *_args: object) -> None:
        item = self.selected_item()
        state = item.state if item is not None else None
        self.retry_button.setEnabled(state in RETRY_STATES)
        self.edit_button.setEnabled(state in EDIT_STATES and bool(item and item.ticket_id))
        self.cancel_button.setEnabled(state in CANCEL_STATES)
        self.cancel_action.setEnabled(state in CANCEL_STATES)
        self.mark_sent_button.setEnabled(state is S.UNKNOWN)
        has_ticket = bool(item and item.ticket_id)
        self.open_ticket_button.setEnabled(has_ticket)
        self.open_action.setEnabled(has_ticket)
        self.unknown_note.setVisible(state is S.UNKNOWN)
        self.details.setText(self._describe(item) if item is not None else "")
        self.details.setVisible(item is not None)

    def _describe(self, item: OutboxItem) -> str:
        lines = [f"To: {item.to}"]
        if item.cc:
            lines.append(f"Cc: {item.cc}")
        lines.append(f"Subject: {item.subject}")
        if item.last_error and item.state is not S.UNKNOWN:
            label = "Note" if item.state is S.SENT else "Last error"
            lines.append(f"{label}: {item.last_error}")
        if item.state is S.QUEUED and item.next_attempt_at and item.attempts:
            lines.append(f"Next attempt: {local_time(item.next_attempt_at)}")
        if item.state is S.SENT and item.sent_at:
            lines.append(f"Sent: {local_time(item.sent_at)}")
        return "\n".join(lines)

    # -- actions -------------------------------------------------------------------

    def _change(self, work: Callable[[], object], *, queued: bool = False) -> None:
        def done(_result: object) -> None:
            if queued:
                self.messages_queued.emit()
            self.reload()

        def refused(exc: Exception) -> None:
            show_error(self, exc)
            self.reload()

        BackgroundTask(work, parent=self, label="outbox change").success(done).failure(
            refused
        ).run_in_background()

    def retry_selected(self) -> None:
        item = self.selected_item()
        if item is not None and item.state in RETRY_STATES:
            outbox_id = item.id
            self._change(lambda: self._outbox.retry(outbox_id), queued=True)

    def cancel_selected(self) -> None:
        item = self.selected_item()
        if item is not None and item.state in CANCEL_STATES and self.confirm_cancel(item):
            outbox_id = item.id
            self._change(lambda: self._outbox.cancel(outbox_id))

    def mark_selected_sent(self) -> None:
        item = self.selected_item()
        if item is not None and item.state is S.UNKNOWN:
            outbox_id = item.id
            self._change(lambda: self._outbox.confirm_delivered(outbox_id))

    def edit_selected(self) -> None:
        item = self.selected_item()
        if item is not None and item.state in EDIT_STATES and item.ticket_id:
            try:
                self.open_composer(item)
            except Exception as exc:
                show_error(self, exc)
            self.reload()

    def open_selected_ticket(self) -> None:
        item = self.selected_item()
        if item is not None and item.ticket_id:
            self.ticket_requested.emit(item.ticket_id)

    def _open_composer(self, item: OutboxItem) -> None:
        from aiva_desk.gui.composer.dialog import open_composer  # loaded when used

        assert item.ticket_id is not None
        # The main window owns it: closing the Outbox must not take the message with it.
        owner = self.parentWidget() or self
        composer = open_composer(self._context, item.ticket_id, owner, outbox_id=item.id)
        composer.message_queued.connect(lambda _id: self.messages_queued.emit())

    def _ask_cancel(self, item: OutboxItem) -> bool:
        box = message_box(
            self,
            "cancelMessageBox",
            QMessageBox.Icon.Question,
            "Cancel the message?",
            f"Cancel the message “{item.subject}” to {item.to}? It will not be sent.",
            "",
        )
        buttons = QMessageBox.StandardButton
        box.setStandardButtons(buttons.Yes | buttons.No)
        box.setDefaultButton(buttons.No)
        return ask(box, automated=buttons.Yes) == buttons.Yes

    def closeEvent(self, event: QCloseEvent) -> None:
        self._tick.stop()
        super().closeEvent(event)
