"""Ticket > Block Sender… and Unblock Sender…: the customer of the ticket shown.

Blocking asks first ("Mail from x@y will go to Spam from now on. This ticket stays.")
and offers the whole domain too, except for free-mail domains shared by strangers
(gmail.com, outlook.com…). Unblocking names what blocks the sender (the address or its
domain) before lifting it. The ticket itself is never touched; both run in the background.

Signals:
    message(str): one line for the status bar (what was blocked or unblocked).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QCheckBox, QMessageBox, QWidget

from aiva_desk.app_context import AppContext
from aiva_desk.gui.common.forms import ask, message_box
from aiva_desk.gui.editor.tabs import TicketTabs
from aiva_desk.gui.tasks import BackgroundTask
from aiva_desk.inbound.intake import UNKNOWN_SENDER
from aiva_desk.inbound.spam import (
    block_sender,
    blocked_by,
    can_block_domain,
    domain_of,
    unblock_sender,
)


@dataclass(frozen=True)
class BlockChoice:
    """What to block: the address, or (``whole_domain``) everyone at its domain."""

    whole_domain: bool = False


class SenderBlocking(QObject):
    """The two actions, acting on the customer of ``tabs``' current ticket."""

    message = Signal(str)

    def __init__(self, context: AppContext, tabs: TicketTabs, parent: QWidget) -> None:
        super().__init__(parent)
        self._context = context
        self._tabs = tabs
        self._window = parent
        # Hooks (tests answer them): the block question, and the unblock question.
        self.confirm_block: Callable[[str], BlockChoice | None] = self._ask_block
        self.confirm_unblock: Callable[[str, str], bool] = self._ask_unblock
        self.block_action = QAction("&Block Sender…", parent)
        self.block_action.setObjectName("blockSenderAction")
        self.block_action.setStatusTip(
            "Send this customer's future mail to Spam (View > Spam…); the ticket stays"
        )
        self.block_action.triggered.connect(self.block_current)
        self.unblock_action = QAction("U&nblock Sender…", parent)
        self.unblock_action.setObjectName("unblockSenderAction")
        self.unblock_action.setStatusTip("Let this customer's mail reach the queue again")
        self.unblock_action.triggered.connect(self.unblock_current)
        tabs.current_ticket_changed.connect(lambda _id: self._update())
        self._update()

    def sender(self) -> str | None:
        """The e-mail address of the current ticket's customer, once it is loaded."""
        current = self._current()
        return current[0] if current is not None else None

    def _current(self) -> tuple[str, int] | None:
        """The current ticket's customer address and the ticket's number."""
        editor = self._tabs.current_editor()
        ticket = editor.ticket if editor is not None else None
        if editor is None or ticket is None or ticket.id != editor.ticket_id:
            return None
        email = (ticket.customer.email or "").strip().lower()
        return (email, ticket.number) if email and email != UNKNOWN_SENDER else None

    def _update(self) -> None:
        shown = self._tabs.current_ticket_id() is not None
        self.block_action.setEnabled(shown)
        self.unblock_action.setEnabled(shown)

    def _no_sender(self) -> None:
        self.message.emit("The ticket is still loading, or its customer has no e-mail address.")

    # -- blocking ------------------------------------------------------------------

    def block_current(self) -> None:
        current = self._current()
        if current is None:
            self._no_sender()
            return
        address, number = current
        choice = self.confirm_block(address)
        if choice is None:
            return
        key = "@" + domain_of(address) if choice.whole_domain else address
        db, actor = self._context.db, self._context.actor
        BackgroundTask(
            lambda: block_sender(db, key, actor=actor, reason=f"Blocked from ticket #{number}"),
            parent=self._window,
            label="block sender",
        ).success(
            lambda blocked: self.message.emit(
                f"Blocked {blocked}: its mail goes to Spam from now on."
            )
        ).run_in_background()

    def _ask_block(self, address: str) -> BlockChoice | None:
        box = message_box(
            self._window,
            "blockSenderBox",
            QMessageBox.Icon.Question,
            "Block sender",
            f"Mail from {address} will go to Spam from now on. This ticket stays.",
            "Kept mail is never deleted: View > Spam… takes it in after all, or unblocks.",
        )
        domain = QCheckBox(f"Block everyone at @{domain_of(address)}", box)
        if can_block_domain(address):
            box.setCheckBox(domain)
        buttons = QMessageBox.StandardButton
        box.setStandardButtons(buttons.Yes | buttons.Cancel)
        box.button(buttons.Yes).setText("Block")
        box.setDefaultButton(buttons.Cancel)
        if ask(box, automated=buttons.Yes) != buttons.Yes:
            return None
        return BlockChoice(whole_domain=can_block_domain(address) and domain.isChecked())

    # -- unblocking ----------------------------------------------------------------

    def unblock_current(self) -> None:
        address = self.sender()
        if address is None:
            self._no_sender()
            return
        db = self._context.db
        BackgroundTask(
            lambda: blocked_by(db, address), parent=self._window, writes=False, label="blocked?"
        ).success(lambda entry: self._unblock(address, entry)).run_in_background()

    def _unblock(self, address: str, entry: str | None) -> None:
        if entry is None:
            self.message.emit(f"{address} is not blocked.")
            return
        if not self.confirm_unblock(address, entry):
            return
        db, actor = self._context.db, self._context.actor
        BackgroundTask(
            lambda: unblock_sender(db, entry, actor=actor), parent=self._window, label="unblock"
        ).success(
            lambda _removed: self.message.emit(
                f"Unblocked {entry}: its mail reaches the queue again."
            )
        ).run_in_background()

    def _ask_unblock(self, address: str, entry: str) -> bool:
        whom = f"everyone at {entry} (which blocks {address})" if entry != address else address
        box = message_box(
            self._window,
            "unblockSenderBox",
            QMessageBox.Icon.Question,
            "Unblock sender",
            f"Let mail from {whom} reach the queue again?",
            "Mail already kept stays in Spam until you choose Not Spam there.",
        )
        buttons = QMessageBox.StandardButton
        box.setStandardButtons(buttons.Yes | buttons.Cancel)
        box.button(buttons.Yes).setText("Unblock")
        box.setDefaultButton(buttons.Yes)
        return ask(box, automated=buttons.Yes) == buttons.Yes
