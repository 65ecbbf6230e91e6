"""Spam (View > Spam…): the mail kept from blocked senders, and who is blocked.

Nothing here is ever deleted. *Not Spam* takes a kept message in as if it had just
arrived (a new ticket, or a reply on its ticket) and can unblock its sender at the same
time; *View Original* shows its source; *Unblock Sender* lets its sender's new mail
through. The second tab lists the blocked addresses and domains
(:mod:`aiva_desk.gui.main.blocked_senders`). Reads and changes run in the background;
the main window calls :meth:`SpamView.reload` when the database changed.

Signals:
    ticket_requested(int): open this ticket.
    tickets_changed(): a message was taken in (the queue refreshes).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import (
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from aiva_desk.app_context import AppContext
from aiva_desk.gui.common import theme
from aiva_desk.gui.common.formatting import human_size, local_time, ticket_number
from aiva_desk.gui.common.forms import ask, hint_label, message_box, set_text_color
from aiva_desk.gui.common.icons import icon
from aiva_desk.gui.common.items_model import ItemsTableModel, items_table
from aiva_desk.gui.common.original_mail import OriginalMailDialog
from aiva_desk.gui.errors import show_error
from aiva_desk.gui.main.blocked_senders import INTRO as BLOCKED_INTRO
from aiva_desk.gui.main.blocked_senders import BlockedSendersPanel
from aiva_desk.gui.tasks import BackgroundTask
from aiva_desk.inbound.intake import Intake
from aiva_desk.inbound.spam import (
    SpamItem,
    list_spam,
    release_spam,
    unblock_sender,
)

RECEIVED, SENDER, SUBJECT, SIZE = range(4)
COLUMNS = ("Received", "Sender", "Subject", "Size")
DEFAULT_SIZE = (960, 540)
# true before anything came and after the last kept message was taken in (Not Spam)
EMPTY_TEXT = "No mail from blocked senders is waiting here."
KEPT_INTRO = (
    "Mail from blocked senders is kept here, never deleted. Not Spam takes a message in as "
    "if it had just arrived: a new ticket, or a reply on its ticket."
)


@dataclass(frozen=True)
class ReleaseChoice:
    """The agent's answer to "Not spam?": also unblock the sender (or its domain)."""

    unblock: bool = False


def sender_text(item: SpamItem) -> str:
    if item.sender_name and item.sender:
        return f"{item.sender_name} <{item.sender}>"
    return item.sender or item.sender_name or "(unknown sender)"


class SpamTableModel(ItemsTableModel[SpamItem]):
    """The kept messages, one :class:`SpamItem` a row, newest first (as read)."""

    columns = COLUMNS

    def data(
        self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        item = self.item(index.row()) if index.isValid() else None
        if item is None:
            return None
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            subject = " ".join(item.subject.split()) or "(no subject)"
            if item.released and column == SUBJECT:
                where = f" as {ticket_number(item.ticket_number)}" if item.ticket_number else ""
                subject = f"{subject}  [taken in{where}]"
            return (
                local_time(item.received_at),
                sender_text(item),
                subject,
                human_size(item.size),
            )[column]
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == SENDER:
                return f"Blocked by {item.blocked_by}" if item.blocked_by else "No longer blocked"
            if column == SUBJECT:
                return item.subject or None
            if column == RECEIVED and item.written_at:
                return f"Written {local_time(item.written_at)}"
        if role == Qt.ItemDataRole.ForegroundRole and item.released:
            return theme.muted_color()
        if role == Qt.ItemDataRole.TextAlignmentRole and column == SIZE:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None


class SpamView(QDialog):
    """The Spam window of ``context``: kept mail, and the blocked senders."""

    ticket_requested = Signal(int)
    tickets_changed = Signal()

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("spamView")
        self.setWindowTitle("Spam")
        self.setAccessibleName("Spam")
        self.setWindowFlag(Qt.WindowType.WindowMaximizeButtonHint, True)
        self._context = context
        self._loading = False
        self._reload_again = False
        self.original_dialog: OriginalMailDialog | None = None
        # Hooks (tests answer them): "Not spam?" and "Unblock?".
        self.confirm_release: Callable[[SpamItem], ReleaseChoice | None] = self._ask_release
        self.confirm_unblock: Callable[[SpamItem], bool] = self._ask_unblock

        # The tab's explanation sits above the tabs: a wrapped label inside a tab would be
        # given the height of a narrow one.
        self.intro = hint_label(KEPT_INTRO, self)
        self.intro.setObjectName("spamIntro")
        self.tabs = QTabWidget(self)
        self.tabs.setObjectName("spamTabs")
        self.tabs.setDocumentMode(True)
        self.tabs.addTab(self._build_kept(), "&Kept mail")
        self.blocked = BlockedSendersPanel(context, self.tabs)
        self.tabs.addTab(self.blocked, "&Blocked senders")
        self.tabs.currentChanged.connect(
            lambda index: self.intro.setText(BLOCKED_INTRO if index else KEPT_INTRO)
        )
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(buttons)
        self.resize(*DEFAULT_SIZE)

        self.blocked.blocked_changed.connect(self.reload)
        self._update_actions()
        self.reload()

    def _build_kept(self) -> QWidget:
        page = QWidget(self)
        self.release_button = self._button(page, "notSpamButton", "&Not Spam", "new-ticket")
        self.release_button.setToolTip("Take the message in as a ticket or a reply")
        self.original_button = self._button(page, "viewOriginalButton", "View &Original", "open")
        self.original_button.setToolTip("The message's source, exactly as it arrived")
        self.unblock_button = self._button(page, "unblockSenderButton", "&Unblock Sender", "person")
        self.unblock_button.setToolTip("Let the sender's new mail reach the queue")
        self.open_button = self._button(page, "spamOpenTicketButton", "Open &Ticket", "open")
        self.open_button.setToolTip("Open the ticket the message became")
        self.show_released_check = QCheckBox("Show mail &taken in", page)
        self.show_released_check.setObjectName("showReleasedCheck")

        self.model = SpamTableModel(self)
        self.table = items_table(page, self.model, "spamTable", "Kept mail")
        header = self.table.horizontalHeader()
        for column, width in ((RECEIVED, 130), (SENDER, 280), (SIZE, 80)):
            self.table.setColumnWidth(column, width)
        header.setSectionResizeMode(SUBJECT, QHeaderView.ResizeMode.Stretch)
        self.empty_label = QLabel(EMPTY_TEXT, page)
        self.empty_label.setObjectName("spamEmptyLabel")
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        set_text_color(self.empty_label, theme.muted_color())
        self.empty_label.hide()
        self.message = QLabel(page)
        self.message.setObjectName("spamMessage")
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.message.hide()

        actions = QHBoxLayout()
        for button in (
            self.release_button,
            self.original_button,
            self.unblock_button,
            self.open_button,
        ):
            actions.addWidget(button)
        actions.addStretch(1)
        actions.addWidget(self.show_released_check)
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 6, 0, 0)
        layout.addLayout(actions)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.empty_label, 1)
        layout.addWidget(self.message)

        self.release_button.clicked.connect(lambda _checked=False: self.release_selected())
        self.original_button.clicked.connect(lambda _checked=False: self.view_selected_original())
        self.unblock_button.clicked.connect(lambda _checked=False: self.unblock_selected())
        self.open_button.clicked.connect(lambda _checked=False: self.open_selected_ticket())
        self.show_released_check.toggled.connect(self.reload)
        self.table.doubleClicked.connect(lambda _index: self.view_selected_original())
        self.table.selectionModel().selectionChanged.connect(self._update_actions)
        self.model.modelReset.connect(self._update_actions)
        return page

    def _button(self, parent: QWidget, name: str, text: str, icon_name: str) -> QPushButton:
        button = QPushButton(icon(icon_name), text, parent)
        button.setObjectName(name)
        button.setAutoDefault(False)
        return button

    # -- reading -------------------------------------------------------------------

    def is_loading(self) -> bool:
        return self._loading

    def reload(self) -> None:
        """Read the kept mail and the blocked senders again, keeping the selection."""
        self.blocked.reload()
        if self._loading:
            self._reload_again = True
            return
        self._loading = True
        db, released = self._context.db, self.show_released_check.isChecked()
        BackgroundTask(
            lambda: list_spam(db, include_released=released),
            parent=self,
            writes=False,
            label="spam",
        ).success(self._on_read_succeeded).failure(self._on_read_failed).run_in_background()

    def _on_read_succeeded(self, items: list[SpamItem]) -> None:
        self._loading = False
        selected = self.selected_item()
        self.model.set_items(items)
        if selected is not None and (row := self.model.row_of(selected.id)) is not None:
            self.table.selectRow(row)
        self.table.setVisible(bool(items))
        self.empty_label.setVisible(not items)
        if self._reload_again:
            self._reload_again = False
            self.reload()

    def _on_read_failed(self, exc: Exception) -> None:
        self._loading = False
        show_error(self, exc)

    def selected_item(self) -> SpamItem | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.item(rows[0].row()) if rows else None

    def select_spam(self, spam_id: int) -> bool:
        row = self.model.row_of(spam_id)
        if row is not None:
            self.table.selectRow(row)
        return row is not None

    def _update_actions(self, *_args: object) -> None:
        item = self.selected_item()
        self.release_button.setEnabled(item is not None and not item.released)
        self.original_button.setEnabled(item is not None)
        self.unblock_button.setEnabled(bool(item and item.blocked_by))
        self.open_button.setEnabled(bool(item and item.ticket_id))

    def _say(self, text: str) -> None:
        self.message.setText(text)
        self.message.setVisible(bool(text))

    # -- actions -------------------------------------------------------------------

    def release_selected(self) -> None:
        """Not Spam: take the selected message in (and unblock its sender, if asked)."""
        item = self.selected_item()
        if item is None or item.released:
            return
        choice = self.confirm_release(item)
        if choice is None:
            return
        intake, actor = self._context.mail_intake(), self._context.actor
        spam_id, entry = item.id, item.blocked_by if choice.unblock else ""

        def work() -> tuple[Intake, bool]:
            taken = release_spam(intake, spam_id, actor=actor)
            unblocked = bool(entry) and unblock_sender(intake.service.db, entry, actor=actor)
            return taken, unblocked

        self.release_button.setEnabled(False)
        BackgroundTask(work, parent=self, label="not spam").success(
            lambda result: self._on_released(item, *result)
        ).failure(self._on_change_failed).run_in_background()

    def _on_released(self, item: SpamItem, taken: Intake, unblocked: bool) -> None:
        where = ticket_number(taken.number) if taken.number else "a ticket"
        if taken.kind == "new ticket":
            text = f"Taken in as new ticket {where}."
        elif taken.kind == "reply":
            text = f"Taken in as a reply on {where}."
        else:
            text = f"It had been taken in already, on {where}."
        if unblocked:
            text += f" {item.blocked_by} is no longer blocked."
        self._say(text)
        self.tickets_changed.emit()
        self.reload()

    def _on_change_failed(self, exc: Exception) -> None:
        show_error(self, exc)
        self.reload()

    def view_selected_original(self) -> None:
        """Show the selected message's source (the dialog reads it in the background)."""
        item = self.selected_item()
        if item is None:
            return
        store = self._context.tickets.attachments
        assert store is not None
        if self.original_dialog is not None:
            self.original_dialog.close()
        title = f"{item.subject or '(no subject)'} — {item.sender or 'unknown sender'}"
        dialog = OriginalMailDialog(store.path_for(item.original_sha256), title, self)
        dialog.destroyed.connect(lambda *_: setattr(self, "original_dialog", None))
        self.original_dialog = dialog
        dialog.show()

    def unblock_selected(self) -> None:
        item = self.selected_item()
        if item is None or not item.blocked_by or not self.confirm_unblock(item):
            return
        db, actor, entry = self._context.db, self._context.actor, item.blocked_by

        def done(removed: bool) -> None:
            self._say(f"{entry} is no longer blocked." if removed else f"{entry} was not blocked.")
            self.reload()

        BackgroundTask(
            lambda: unblock_sender(db, entry, actor=actor), parent=self, label="unblock sender"
        ).success(done).failure(self._on_change_failed).run_in_background()

    def open_selected_ticket(self) -> None:
        item = self.selected_item()
        if item is not None and item.ticket_id:
            self.ticket_requested.emit(item.ticket_id)

    # -- questions -----------------------------------------------------------------

    def _ask_release(self, item: SpamItem) -> ReleaseChoice | None:
        box = message_box(
            self,
            "notSpamBox",
            QMessageBox.Icon.Question,
            "Not spam",
            f"Take in “{item.subject or '(no subject)'}” from {item.sender}?",
            "It becomes a new ticket, or a reply on its ticket, as if it had just arrived.",
        )
        also = None
        if item.blocked_by:
            entry = item.blocked_by
            whom = f"the whole domain {entry}" if entry.startswith("@") else entry
            also = QCheckBox(f"Also unblock {whom}", box)
            box.setCheckBox(also)
        buttons = QMessageBox.StandardButton
        box.setStandardButtons(buttons.Yes | buttons.Cancel)
        box.button(buttons.Yes).setText("Not Spam")
        box.setDefaultButton(buttons.Yes)
        if ask(box, automated=buttons.Yes) != buttons.Yes:
            return None
        # The box is deleted later, on the event loop: its check box can still be read.
        return ReleaseChoice(unblock=also is not None and also.isChecked())

    def _ask_unblock(self, item: SpamItem) -> bool:
        entry = item.blocked_by
        whom = f"everyone at {entry}" if entry.startswith("@") else entry
        box = message_box(
            self,
            "unblockSenderBox",
            QMessageBox.Icon.Question,
            "Unblock sender",
            f"Let mail from {whom} reach the queue again?",
            "Mail already kept stays here until you choose Not Spam."
            + (
                f" {item.sender} is blocked through its whole domain."
                if entry != item.sender
                else ""
            ),
        )
        buttons = QMessageBox.StandardButton
        box.setStandardButtons(buttons.Yes | buttons.Cancel)
        box.button(buttons.Yes).setText("Unblock")
        box.setDefaultButton(buttons.Yes)
        return ask(box, automated=buttons.Yes) == buttons.Yes
