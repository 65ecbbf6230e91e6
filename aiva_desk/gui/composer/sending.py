"""Storing the composer's message in the outbox: Send queues it, Save Draft keeps it
unsent, both in the background and keeping everything typed when the outbox refuses.
Closing asks first over edits, and a message taken back from the queue goes back in
it when the agent cancels."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, SignalInstance
from PySide6.QtWidgets import QDialog

from aiva_desk.errors import ValidationError
from aiva_desk.gui.composer.parts import UnsavedMessage
from aiva_desk.gui.errors import show_error
from aiva_desk.gui.tasks import BackgroundTask
from aiva_desk.mail.composer_start import ComposerStart
from aiva_desk.mail.outbox import OutgoingMessage

if TYPE_CHECKING:
    from aiva_desk.gui.composer.dialog import ComposerDialog

Write = Callable[[OutgoingMessage, int | None], int]  # Outbox.queue or Outbox.save_draft


class ComposerSending(QObject):
    """The outbox writes of one composer, and what it took back to edit."""

    def __init__(self, dialog: ComposerDialog) -> None:
        super().__init__(dialog)
        self._dialog = dialog
        self.requeue: OutgoingMessage | None = None  # taken back from the queue: queued again
        self.replaces_draft_id: int | None = None  # the log's draft the message replaces
        self._clean: tuple[object, ...] | None = None  # the fields when last stored/loaded

    def take(self, start: ComposerStart) -> None:
        """The composer opened on ``start``; its fields are not edited yet."""
        self.requeue = start.requeue
        self.replaces_draft_id = start.message.replaces_draft_id

    def mark_clean(self) -> None:
        """The fields as they are now count as stored."""
        self._clean = self._snapshot()

    def is_dirty(self) -> bool:
        """Edits not stored anywhere yet."""
        return self._dialog.ready and self._clean is not None and self._snapshot() != self._clean

    def send(self) -> None:
        """Queue the message for sending; the dialog closes once it is queued."""
        outbox = self._dialog.mail.outbox
        self._store(outbox.queue, "Queuing…", "queue e-mail", self._on_queued)

    def save_draft(self) -> None:
        """Keep the message in the outbox as a draft (unsent) and close."""
        outbox = self._dialog.mail.outbox
        self._store(
            outbox.save_draft, "Saving the draft…", "save e-mail draft", self._on_draft_saved
        )

    def request_close(self) -> bool:
        """Whether the dialog may close at once (Esc, Cancel, the window's close button).

        With edits the agent is asked first; saving a draft or putting a taken-back
        message back in the queue closes the dialog once the write is done.
        """
        dialog = self._dialog
        if dialog.busy:
            return False  # a write is running: let it finish first
        if self.is_dirty():
            choice = dialog.prompt_unsaved(dialog)
            if choice is UnsavedMessage.KEEP_EDITING:
                return False
            if choice is UnsavedMessage.SAVE_DRAFT:
                self.save_draft()
                return False
        if self.requeue is not None and dialog.outbox_id is not None:
            self._queue_again(self.requeue, dialog.outbox_id)
            return False
        return True

    def _store(self, write: Write, status: str, label: str, stored: Callable[[int], None]) -> None:
        dialog = self._dialog
        if dialog.busy or not dialog.ready:
            return
        message, outbox_id = dialog.message(), dialog.outbox_id
        dialog.set_busy(True, status)
        BackgroundTask(lambda: write(message, outbox_id), parent=dialog, label=label).success(
            stored
        ).failure(self._on_store_failed).run_in_background()

    def _on_queued(self, outbox_id: int) -> None:
        self._stored(outbox_id, self._dialog.message_queued)

    def _on_draft_saved(self, outbox_id: int) -> None:
        self.replaces_draft_id = None  # the log's draft became this outbox draft
        self._stored(outbox_id, self._dialog.draft_saved)

    def _stored(self, outbox_id: int, signal: SignalInstance) -> None:
        dialog = self._dialog
        dialog.set_busy(False)
        dialog.outbox_id = outbox_id
        self.mark_clean()
        self.requeue = None
        signal.emit(outbox_id)
        dialog.ticket_changed.emit(dialog.ticket_id)
        dialog.done(QDialog.DialogCode.Accepted)

    def _on_store_failed(self, exc: Exception) -> None:
        self._dialog.set_busy(False)
        if isinstance(exc, ValidationError):
            self._dialog.show_problems(exc.problems)
        else:
            show_error(self._dialog, exc)

    def _queue_again(self, message: OutgoingMessage, outbox_id: int) -> None:
        """Cancelled after taking back a queued message: it goes back in the queue as it was."""
        dialog, outbox = self._dialog, self._dialog.mail.outbox
        dialog.set_busy(True, "Putting the message back in the queue…")

        def done(_outbox_id: int) -> None:
            dialog.set_busy(False)
            self.requeue = None
            dialog.ticket_changed.emit(dialog.ticket_id)
            QDialog.reject(dialog)

        def failed(exc: Exception) -> None:
            dialog.set_busy(False)
            self.requeue = None  # it stays a draft: say so, then let the agent close
            show_error(dialog, exc)

        BackgroundTask(
            lambda: outbox.queue(message, outbox_id), parent=dialog, label="queue e-mail again"
        ).success(done).failure(failed).run_in_background()

    def _snapshot(self) -> tuple[object, ...]:
        dialog = self._dialog
        return (
            dialog.from_combo.currentData(),
            dialog.to.text(),
            dialog.cc.text(),
            dialog.subject.text(),
            dialog.body.toPlainText(),
            dialog.checked_attachment_ids(),
            dialog.templates.key,
        )
