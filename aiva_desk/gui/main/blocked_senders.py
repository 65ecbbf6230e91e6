"""The Spam window's second tab: who is blocked, and blocking or unblocking by hand.

An address or a whole ``@domain`` typed in is blocked (the core checks it and refuses our
own addresses); the selected entry is unblocked after asking. Reads and writes run in
the background; the list says how many kept messages each entry holds back.

Signals:
    blocked_changed(): an entry was added or removed (the kept mail's list follows).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import (
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from aiva_desk.app_context import AppContext
from aiva_desk.gui.common.formatting import NOT_SET, local_time
from aiva_desk.gui.common.forms import ask, message_box
from aiva_desk.gui.common.icons import icon
from aiva_desk.gui.common.items_model import ItemsTableModel, items_table
from aiva_desk.gui.errors import show_error
from aiva_desk.gui.tasks import BackgroundTask
from aiva_desk.inbound.spam import BlockedItem, block_sender, list_blocked, unblock_sender

INTRO = (
    "Mail from these addresses and domains is kept in Spam instead of reaching the queue. "
    "Unblocking lets new mail through; mail already kept stays in Spam until you choose Not Spam."
)
ADDRESS, KEPT, BLOCKED_AT, BLOCKED_BY, REASON = range(5)
COLUMNS = ("Address or domain", "Kept", "Blocked", "By", "Reason")


class BlockedTableModel(ItemsTableModel[BlockedItem]):
    """One :class:`BlockedItem` a row, in alphabetical order."""

    columns = COLUMNS

    def data(
        self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        item = self.item(index.row()) if index.isValid() else None
        if item is None:
            return None
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return (
                item.address,
                str(item.kept),
                local_time(item.blocked_at),
                item.blocked_by or NOT_SET,
                item.reason or NOT_SET,
            )[column]
        if role == Qt.ItemDataRole.ToolTipRole and column == ADDRESS:
            whom = "Everyone writing from" if item.is_domain else "Mail from"
            return f"{whom} {item.address} goes to Spam."
        if role == Qt.ItemDataRole.ToolTipRole and column == REASON and item.reason:
            return item.reason
        if role == Qt.ItemDataRole.TextAlignmentRole and column == KEPT:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None


class BlockedSendersPanel(QWidget):
    """The blocked addresses and domains of ``context``, with Block and Unblock."""

    blocked_changed = Signal()

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("blockedSendersPanel")
        self._context = context
        self.confirm_unblock: Callable[[BlockedItem], bool] = self._ask_unblock  # a hook

        self.address_edit = QLineEdit(self)
        self.address_edit.setObjectName("blockAddressEdit")
        self.address_edit.setAccessibleName("Address or domain to block")
        self.address_edit.setPlaceholderText("name@example.com or @example.com")
        self.address_edit.setClearButtonEnabled(True)
        self.reason_edit = QLineEdit(self)
        self.reason_edit.setObjectName("blockReasonEdit")
        self.reason_edit.setAccessibleName("Why it is blocked")
        self.reason_edit.setPlaceholderText("Why (optional)")
        self.block_button = QPushButton(icon("delete"), "&Block", self)
        self.block_button.setObjectName("blockButton")
        self.block_button.setAutoDefault(False)
        self.unblock_button = QPushButton("&Unblock", self)
        self.unblock_button.setObjectName("unblockEntryButton")
        self.unblock_button.setAutoDefault(False)
        self.unblock_button.setToolTip("Let mail from the selected address or domain through")

        self.model = BlockedTableModel(self)
        self.table = items_table(self, self.model, "blockedSendersTable", "Blocked senders")
        header = self.table.horizontalHeader()
        for column, width in ((ADDRESS, 260), (KEPT, 56), (BLOCKED_AT, 130), (BLOCKED_BY, 110)):
            self.table.setColumnWidth(column, width)
        header.setSectionResizeMode(REASON, QHeaderView.ResizeMode.Stretch)
        self.empty_label = QLabel("Nobody is blocked.", self)
        self.empty_label.setObjectName("blockedEmptyLabel")
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_label.hide()

        add_row = QHBoxLayout()
        add_row.addWidget(self.address_edit, 2)
        add_row.addWidget(self.reason_edit, 3)
        add_row.addWidget(self.block_button)
        add_row.addWidget(self.unblock_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 6, 0, 0)
        layout.addLayout(add_row)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.empty_label, 1)

        self.block_button.clicked.connect(lambda _checked=False: self.block_typed())
        self.address_edit.returnPressed.connect(self.block_typed)
        self.unblock_button.clicked.connect(lambda _checked=False: self.unblock_selected())
        self.table.selectionModel().selectionChanged.connect(self._update_buttons)
        self.model.modelReset.connect(self._update_buttons)
        self._update_buttons()

    # -- reading -------------------------------------------------------------------

    def reload(self) -> None:
        db = self._context.db
        BackgroundTask(
            lambda: list_blocked(db), parent=self, writes=False, label="blocked senders"
        ).success(self._show).run_in_background()

    def _show(self, items: list[BlockedItem]) -> None:
        selected = self.selected_item()
        self.model.set_items(items)
        rows = [i for i, item in enumerate(items) if selected and item.address == selected.address]
        if rows:
            self.table.selectRow(rows[0])
        self.table.setVisible(bool(items))
        self.empty_label.setVisible(not items)

    def selected_item(self) -> BlockedItem | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.item(rows[0].row()) if rows else None

    def _update_buttons(self, *_args: object) -> None:
        self.unblock_button.setEnabled(self.selected_item() is not None)

    # -- changes -------------------------------------------------------------------

    def block_typed(self) -> None:
        """Block what is typed in the address box (checked by the core)."""
        text, reason = self.address_edit.text(), self.reason_edit.text()
        db, actor = self._context.db, self._context.actor
        self.block_button.setEnabled(False)

        def done(_key: str) -> None:
            self.block_button.setEnabled(True)
            self.address_edit.clear()
            self.reason_edit.clear()
            self._changed()

        def refused(exc: Exception) -> None:
            self.block_button.setEnabled(True)
            show_error(self, exc)
            self.address_edit.setFocus()

        BackgroundTask(
            lambda: block_sender(db, text, actor=actor, reason=reason),
            parent=self,
            label="block sender",
        ).success(done).failure(refused).run_in_background()

    def unblock_selected(self) -> None:
        item = self.selected_item()
        if item is None or not self.confirm_unblock(item):
            return
        db, actor, address = self._context.db, self._context.actor, item.address
        BackgroundTask(
            lambda: unblock_sender(db, address, actor=actor), parent=self, label="unblock sender"
        ).success(lambda _removed: self._changed()).run_in_background()

    def _changed(self) -> None:
        self.reload()
        self.blocked_changed.emit()

    def _ask_unblock(self, item: BlockedItem) -> bool:
        whom = f"everyone at {item.address}" if item.is_domain else item.address
        box = message_box(
            self,
            "unblockSenderBox",
            QMessageBox.Icon.Question,
            "Unblock sender",
            f"Let mail from {whom} reach the queue again?",
            "Mail already kept stays in Spam until you choose Not Spam.",
        )
        buttons = QMessageBox.StandardButton
        box.setStandardButtons(buttons.Yes | buttons.Cancel)
        box.button(buttons.Yes).setText("Unblock")
        box.setDefaultButton(buttons.Yes)
        return ask(box, automated=buttons.Yes) == buttons.Yes
