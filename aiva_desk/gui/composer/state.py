"""What one composer holds: the message being written and what it was opened on.

The composer's parts (addresses, templates, checks, sending) work on a
:class:`ComposerState` instead of reaching into the dialog: the ticket as the
start loaded it (read once, see :mod:`aiva_desk.mail.composer_start`), the
accounts, the template the message follows, what was taken back to edit, and the
form fields that make the message (:class:`MessageFields`). What concerns the
dialog as a whole (a write started, the ticket changed) goes out as signals.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QComboBox, QLineEdit, QListWidget, QPlainTextEdit, QWidget

from aiva_desk.app_context import AppContext
from aiva_desk.gui.common.forms import child
from aiva_desk.mail.accounts import Account
from aiva_desk.mail.composer_start import ComposerStart
from aiva_desk.mail.outbox import OutgoingMessage
from aiva_desk.mail.service import MailService
from aiva_desk.store.models import Attachment, Ticket

ATTACHMENT_ID_ROLE = Qt.ItemDataRole.UserRole + 1


@dataclass(frozen=True)
class MessageFields:
    """The fields of the composer form (``ui/composer_dialog.ui``) that make the message."""

    from_combo: QComboBox
    to: QLineEdit
    cc: QLineEdit
    subject: QLineEdit
    body: QPlainTextEdit
    attachments: QListWidget

    @classmethod
    def of(cls, root: QWidget) -> MessageFields:
        """The fields of the composer form in ``root``."""
        return cls(
            child(root, QComboBox, "fromCombo"),
            child(root, QLineEdit, "toEdit"),
            child(root, QLineEdit, "ccEdit"),
            child(root, QLineEdit, "subjectEdit"),
            child(root, QPlainTextEdit, "bodyEdit"),
            child(root, QListWidget, "attachmentsList"),
        )

    def checked_attachment_ids(self) -> tuple[int, ...]:
        """The ticket's files ticked to go with the message."""
        files = self.attachments
        return tuple(
            files.item(row).data(ATTACHMENT_ID_ROLE)
            for row in range(files.count())
            if files.item(row).checkState() == Qt.CheckState.Checked
            and files.item(row).data(ATTACHMENT_ID_ROLE) is not None
        )


class ComposerState(QObject):
    """One composer's message: what it was opened on, and the fields it is written in.

    Signals:
        busy_changed(bool, str): a write (queuing, saving, attaching) started, with the
            status to show, or ended.
        ticket_changed(int): the ticket with this id changed (a message queued or saved,
            a file attached, a draft of its log taken over).
    """

    busy_changed = Signal(bool, str)
    ticket_changed = Signal(int)

    def __init__(
        self,
        context: AppContext,
        ticket_id: int,
        outbox_id: int | None,
        fields: MessageFields,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.context = context
        self.ticket_id = ticket_id
        self.outbox_id = outbox_id  # the outbox message this one is (once stored)
        self.fields = fields
        self.ticket: Ticket | None = None  # as the start loaded it; again after attaching
        self.accounts: list[Account] = []
        self.suggested = ""  # the template the next SOP step calls for
        self.template_key = ""  # the template the message follows ("" when none)
        self.kind = "Update"
        self.rendered = ("", "")  # subject and body as the template last gave them
        self.requeue: OutgoingMessage | None = None  # taken back from the queue: queued again
        self.replaces_draft_id: int | None = None  # the log's draft the message replaces
        self.ready = False  # the fields are filled in and the message can be sent
        self.busy = False  # a write is running; the next waits for it
        self._clean: tuple[object, ...] | None = None  # the fields when last stored/loaded

    @property
    def mail(self) -> MailService:
        return self.context.mail

    @property
    def attachments(self) -> Sequence[Attachment]:
        """The ticket's files, as last loaded."""
        return self.ticket.attachments if self.ticket is not None else ()

    def take(self, start: ComposerStart) -> None:
        """The composer opened on ``start``: its ticket, accounts and message."""
        self.ticket, self.accounts, self.suggested = start.ticket, start.accounts, start.suggested
        self.requeue = start.requeue
        self.replaces_draft_id = start.message.replaces_draft_id
        self.follow(start.message)

    def follow(self, message: OutgoingMessage) -> None:
        """The fields hold ``message`` as its template gave it."""
        self.template_key, self.kind = message.template, message.kind
        self.rendered = (message.subject, message.body)

    def text_edited(self) -> bool:
        """The subject or body differ from what the template gave."""
        fields = self.fields
        return (fields.subject.text(), fields.body.toPlainText()) != self.rendered

    def account(self) -> Account | None:
        """The account chosen to send from."""
        account_id = self.fields.from_combo.currentData()
        return next((a for a in self.accounts if a.id == account_id), None)

    def message(self) -> OutgoingMessage:
        """The message as the fields hold it now."""
        account = self.account()
        assert self.ticket is not None and account is not None, "the composer has not loaded yet"
        fields = self.fields
        return OutgoingMessage(
            ticket_id=self.ticket_id,
            account_id=account.id,
            to=fields.to.text(),
            cc=fields.cc.text(),
            subject=fields.subject.text(),
            body=fields.body.toPlainText(),
            template=self.template_key,
            kind=self.kind,
            attachment_ids=fields.checked_attachment_ids(),
            replaces_draft_id=self.replaces_draft_id,
        )

    def set_busy(self, busy: bool, status: str = "") -> None:
        """A write starts (with ``status`` to show) or ends; no second one meanwhile."""
        self.busy = busy
        self.busy_changed.emit(busy, status)

    def mark_clean(self) -> None:
        """The fields as they are now count as stored."""
        self._clean = self._snapshot()

    def is_dirty(self) -> bool:
        """Edits not stored anywhere yet."""
        return self.ready and self._clean is not None and self._snapshot() != self._clean

    def _snapshot(self) -> tuple[object, ...]:
        fields = self.fields
        return (
            fields.from_combo.currentData(),
            fields.to.text(),
            fields.cc.text(),
            fields.subject.text(),
            fields.body.toPlainText(),
            fields.checked_attachment_ids(),
            self.template_key,
        )
