"""Storing the composer's message in the outbox: Send queues it, Save Draft keeps it
unsent, both in the background and keeping everything typed when the outbox refuses.
Closing asks first over edits, and a message taken back from the queue goes back in
it when the agent cancels."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, Signal, SignalInstance
from PySide6.QtWidgets import QDialog, QWidget

from aiva_desk.errors import ValidationError
from aiva_desk.gui.composer.parts import UnsavedMessage
from aiva_desk.gui.composer.state import ComposerState
from aiva_desk.gui.errors import show_error
from aiva_desk.gui.tasks import BackgroundTask
from aiva_desk.mail.outbox import OutgoingMessage

Write = Callable[[OutgoingMessage, int | None], int]  # Outbox.queue or Outbox.save_draft


class ComposerSending(QObject):
    """The outbox writes of one composer, on its state (the message, what was taken back).

    Signals:
        queued(int): the message was queued with this outbox id.
        draft_saved(int): the message was kept as the outbox draft with this id.
        refused(dict): the outbox refused the message: field -> problem.
        close_requested(int): the write is done; close the dialog with this result code.
    """

    queued = Signal(int)
    draft_saved = Signal(int)
    refused = Signal(dict)
    close_requested = Signal(int)

    def __init__(self, state: ComposerState, root: QWidget) -> None:
        """``root``: the dialog, over which errors are shown."""
        super().__init__(root)
        self._state = state
        self._root = root

    def send(self) -> None:
        """Queue the message for sending; the dialog closes once it is queued."""
        outbox = self._state.mail.outbox
        self._store(outbox.queue, "Queuing…", "queue e-mail", self._on_queued)

    def save_draft(self) -> None:
        """Keep the message in the outbox as a draft (unsent) and close."""
        outbox = self._state.mail.outbox
        self._store(
            outbox.save_draft, "Saving the draft…", "save e-mail draft", self._on_draft_saved
        )

    def request_close(self, ask: Callable[[], UnsavedMessage]) -> bool:
        """Whether the dialog may close at once (Esc, Cancel, the window's close button).

        With edits the agent is asked first (``ask``); saving a draft or putting a
        taken-back message back in the queue closes the dialog once the write is done.
        """
        state = self._state
        if state.busy:
            return False  # a write is running: let it finish first
        if state.is_dirty():
            choice = ask()
            if choice is UnsavedMessage.KEEP_EDITING:
                return False
            if choice is UnsavedMessage.SAVE_DRAFT:
                self.save_draft()
                return False
        if state.requeue is not None and state.outbox_id is not None:
            self._queue_again(state.requeue, state.outbox_id)
            return False
        return True

    def _store(self, write: Write, status: str, label: str, stored: Callable[[int], None]) -> None:
        state = self._state
        if state.busy or not state.ready:
            return
        message, outbox_id = state.message(), state.outbox_id
        state.set_busy(True, status)
        BackgroundTask(lambda: write(message, outbox_id), parent=self._root, label=label).success(
            stored
        ).failure(self._on_store_failed).run_in_background()

    def _on_queued(self, outbox_id: int) -> None:
        self._stored(outbox_id, self.queued)

    def _on_draft_saved(self, outbox_id: int) -> None:
        self._state.replaces_draft_id = None  # the log's draft became this outbox draft
        self._stored(outbox_id, self.draft_saved)

    def _stored(self, outbox_id: int, signal: SignalInstance) -> None:
        state = self._state
        state.set_busy(False)
        state.outbox_id = outbox_id
        state.mark_clean()
        state.requeue = None
        signal.emit(outbox_id)
        state.ticket_changed.emit(state.ticket_id)
        self.close_requested.emit(QDialog.DialogCode.Accepted.value)

    def _on_store_failed(self, exc: Exception) -> None:
        self._state.set_busy(False)
        if isinstance(exc, ValidationError):
            self.refused.emit(exc.problems)
        else:
            show_error(self._root, exc)

    def _queue_again(self, message: OutgoingMessage, outbox_id: int) -> None:
        """Cancelled after taking back a queued message: it goes back in the queue as it was."""
        state, outbox = self._state, self._state.mail.outbox
        state.set_busy(True, "Putting the message back in the queue…")

        def done(_outbox_id: int) -> None:
            state.set_busy(False)
            state.requeue = None
            state.ticket_changed.emit(state.ticket_id)
            self.close_requested.emit(QDialog.DialogCode.Rejected.value)

        def failed(exc: Exception) -> None:
            state.set_busy(False)
            state.requeue = None  # it stays a draft: say so, then let the agent close
            show_error(self._root, exc)

        BackgroundTask(
            lambda: outbox.queue(message, outbox_id), parent=self._root, label="queue e-mail again"
        ).success(done).failure(failed).run_in_background()
