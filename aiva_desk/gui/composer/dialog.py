"""The e-mail composer: a templated message for one ticket, checked as it is written.

The template the next SOP step calls for is preselected and rendered into editable
From, To, Cc, Subject and Body fields (``ui/composer_dialog.ui``). While the agent
writes, the addresses are checked (a moment after the last key), the ``[[ … ]]``
gaps are highlighted and counted, and the SOP's Language Guidelines are checked in
the background: each ❌ phrase found is listed with its ✅ wording and a button
that puts it in. Files of the ticket can be included; "Add file…" attaches a file
to the ticket first.

Send (Ctrl+Enter) only *queues* the message in the outbox (a background write); a
sender elsewhere delivers it. Whatever the outbox refuses is shown at the field it
concerns and the dialog stays open with everything typed. "Save Draft" keeps the
message in the outbox unsent. The composer can also take back an outbox message
(``outbox_id``) or a draft from the communication log (``draft_communication_id``),
which the queued message then replaces.

This module builds the dialog and loads it; its parts live beside it and work on
its ``state`` (the message, the ticket as the start loaded it, the template followed,
what was taken back): ``addresses`` (From, To, Cc, files), ``templates`` (the template
choice), ``checks`` (gaps and tone), ``sending`` (the outbox writes and closing) and
``problems`` (what the outbox refused).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut, QTextCursor
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QLabel,
    QLineEdit,
    QListWidget,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from aiva_desk.app_context import AppContext
from aiva_desk.errors import AivaError, ValidationError
from aiva_desk.gui.common.formatting import ticket_number
from aiva_desk.gui.common.forms import child, load_form
from aiva_desk.gui.composer.addresses import ComposerAddresses
from aiva_desk.gui.composer.checks import ComposerChecks
from aiva_desk.gui.composer.parts import (
    ToneFindingRow,
    UnsavedMessage,
    ask_replace_text,
    ask_unsaved,
)
from aiva_desk.gui.composer.problems import ComposerProblems
from aiva_desk.gui.composer.sending import ComposerSending
from aiva_desk.gui.composer.state import ComposerState, MessageFields
from aiva_desk.gui.composer.template_choice import ComposerTemplates
from aiva_desk.gui.errors import show_error
from aiva_desk.gui.tasks import BackgroundTask
from aiva_desk.mail.accounts import Account
from aiva_desk.mail.composer_start import ComposerStart, start_message
from aiva_desk.mail.jargon import own_ids
from aiva_desk.mail.outbox import OutgoingMessage
from aiva_desk.mail.tone import ToneFinding

__all__ = ["ComposerDialog", "UnsavedMessage", "open_composer"]


class ComposerDialog(QDialog):
    """Write, check and queue one e-mail for a ticket.

    ``prompt_unsaved`` and ``prompt_replace`` ask the agent (closing with edits,
    switching the template over edited text); tests replace them.

    Signals:
        loaded(): the fields are filled in (or the reason they can't be is shown).
        message_queued(int): the message with this outbox id was queued; the dialog closes.
        draft_saved(int): the message was kept as the outbox draft with this id.
        ticket_changed(int): the ticket with this id changed (a message queued or saved,
            a file attached, a draft of its log taken over).
    """

    loaded = Signal()
    message_queued = Signal(int)
    draft_saved = Signal(int)
    ticket_changed = Signal(int)

    def __init__(
        self,
        context: AppContext,
        ticket_id: int,
        parent: QWidget | None = None,
        *,
        template: str | None = None,
        outbox_id: int | None = None,
        draft_communication_id: int | None = None,
    ) -> None:
        super().__init__(parent)
        load_form("composer_dialog.ui", into=self)
        self.setWindowFlag(Qt.WindowType.WindowMaximizeButtonHint, True)
        self.context = context
        self.mail = context.mail
        self.ticket_id = ticket_id
        self.prompt_unsaved: Callable[[QWidget], UnsavedMessage] = ask_unsaved
        self.prompt_replace: Callable[[QWidget, str], bool] = ask_replace_text

        self.template_combo = child(self, QComboBox, "templateCombo")
        self.template_purpose = child(self, QLabel, "templatePurpose")
        self.from_combo = child(self, QComboBox, "fromCombo")
        self.from_value = child(self, QLabel, "fromValue")
        self.to = child(self, QLineEdit, "toEdit")
        self.cc = child(self, QLineEdit, "ccEdit")
        self.subject = child(self, QLineEdit, "subjectEdit")
        self.body = child(self, QPlainTextEdit, "bodyEdit")
        self.gaps_label = child(self, QLabel, "gapsLabel")
        self.next_gap_button = child(self, QPushButton, "nextGapButton")
        self.tone_summary = child(self, QLabel, "toneSummary")
        self.tone_layout = child(self, QVBoxLayout, "toneFindingsLayout")
        self.attachments = child(self, QListWidget, "attachmentsList")
        self.add_file_button = child(self, QPushButton, "addFileButton")
        self.load_banner = child(self, QLabel, "loadBanner")
        self.problem_summary = child(self, QLabel, "problemSummary")
        self.status_label = child(self, QLabel, "statusLabel")
        self.status_label.setWordWrap(True)  # a long hint wraps: the dialog keeps its width
        self.save_draft_button = child(self, QPushButton, "saveDraftButton")
        self.cancel_button = child(self, QPushButton, "cancelButton")
        self.send_button = child(self, QPushButton, "sendButton")
        splitter = child(self, QSplitter, "bodySplitter")
        splitter.setStretchFactor(0, 1)
        splitter.setSizes([590, 290])
        self.from_combo.hide()

        self.state = ComposerState(context, ticket_id, outbox_id, MessageFields.of(self), self)
        self._filling = False
        self.problems = ComposerProblems(self)
        self.addresses = ComposerAddresses(self.state, self.problems, self)
        self.checks = ComposerChecks(
            self.state.fields, self, own_ids=lambda: own_ids(self.state.ticket)
        )
        self.templates = ComposerTemplates(
            self.state,
            self.checks,
            self,
            lambda title: self.prompt_replace(self, title),
            idle_status=self.idle_status,
        )
        self.sending = ComposerSending(self.state, self)
        self.addresses.sender_changed.connect(self.templates.on_sender_changed)
        self.state.busy_changed.connect(self._on_busy_changed)
        self.state.ticket_changed.connect(self.ticket_changed)
        self.sending.queued.connect(self.message_queued)
        self.sending.draft_saved.connect(self.draft_saved)
        self.sending.refused.connect(self.show_problems)
        self.sending.close_requested.connect(self.done)

        for name in ("Ctrl+Return", "Ctrl+Enter"):
            QShortcut(QKeySequence(name), self, self.send)
        QShortcut(QKeySequence("F8"), self, self.select_next_gap)
        self.send_button.clicked.connect(lambda _checked=False: self.send())
        self.save_draft_button.clicked.connect(lambda _checked=False: self.save_draft())
        self.cancel_button.clicked.connect(lambda _checked=False: self.reject())
        self.next_gap_button.clicked.connect(lambda _checked=False: self.select_next_gap())
        self.subject.textChanged.connect(self._on_text_changed)
        self.body.textChanged.connect(self._on_text_changed)
        self.subject.textEdited.connect(lambda _text: self._clear_field_problem("subject"))
        self.attachments.itemChanged.connect(lambda _item: self._clear_field_problem("attachments"))

        self.setWindowTitle("Compose e-mail")
        self._set_ready(False)
        self.status_label.setText("Loading…")
        BackgroundTask(
            lambda: start_message(
                context.tickets,
                context.mail,
                ticket_id,
                template=template,
                outbox_id=outbox_id,
                draft_communication_id=draft_communication_id,
            ),
            parent=self,
            writes=outbox_id is not None,  # taking a message back from the outbox is a write
            label="open composer",
        ).success(self._on_load_succeeded).failure(self._on_load_failed).run_in_background()

    # -- public --------------------------------------------------------------------

    @property
    def ready(self) -> bool:
        """The fields are filled in and the message can be sent."""
        return self.state.ready

    @property
    def busy(self) -> bool:
        """A write (queuing, saving, attaching) is running; the next waits for it."""
        return self.state.busy

    @property
    def outbox_id(self) -> int | None:
        """The outbox message this one is (taken back, or once stored)."""
        return self.state.outbox_id

    def template(self) -> str:
        """The key of the template chosen ("" when the message follows none)."""
        return self.templates.chosen()

    def set_template(self, key: str) -> None:
        """Choose the template ``key`` as the agent would (asks over edited text)."""
        self.templates.choose(key)

    def account(self) -> Account | None:
        return self.state.account()

    def checked_attachment_ids(self) -> tuple[int, ...]:
        return self.state.fields.checked_attachment_ids()

    def set_attachment_checked(self, attachment_id: int, checked: bool = True) -> None:
        self.addresses.set_attachment_checked(attachment_id, checked)

    def message(self) -> OutgoingMessage:
        """The message as the fields hold it now."""
        return self.state.message()

    def is_dirty(self) -> bool:
        """Edits not stored anywhere yet."""
        return self.state.is_dirty()

    @property
    def tone_rows(self) -> list[ToneFindingRow]:
        """The rows of the tone check panel, one per finding."""
        return self.checks.rows

    def tone_findings(self) -> list[ToneFinding]:
        """The findings the tone check panel lists now."""
        return self.checks.findings()

    def problem_text(self, field: str) -> str:
        """The problem shown under ``field`` ("to", "cc", "subject", "body", "attachments")."""
        return self.problems.text(field)

    @property
    def summary_text(self) -> str:
        return self.problems.summary_text

    @property
    def banner_text(self) -> str:
        return "" if self.load_banner.isHidden() else self.load_banner.text()

    def send(self) -> None:
        """Queue the message for sending (Ctrl+Enter); the dialog closes once it is queued."""
        self.sending.send()

    def save_draft(self) -> None:
        """Keep the message in the outbox as a draft (unsent) and close."""
        self.sending.save_draft()

    def add_files(self, paths: Sequence[Path]) -> None:
        """Attach files to the ticket, then include them in this message."""
        self.addresses.add_files(paths)

    def select_next_gap(self, *, from_start: bool = False) -> bool:
        """Select the next ``[[ … ]]`` gap after the cursor (from the top at the end)."""
        return self.checks.select_next_gap(from_start=from_start)

    def apply_tone_finding(self, finding: ToneFinding) -> None:
        """Put the SOP's wording in place of a phrase found (undoable with Ctrl+Z)."""
        self.checks.apply(finding)

    def check_addresses(self) -> dict[str, str]:
        """Check To and Cc now; show and return the problems (field -> message)."""
        return self.addresses.check()

    def show_problems(self, problems: dict[str, str]) -> None:
        """Show each problem at its field and all of them above the buttons."""
        first = self.problems.show_all(problems)
        if first is not None:
            first.setFocus()
            if first is self.body and "[[" in self.body.toPlainText():
                self.select_next_gap(from_start=True)

    def reject(self) -> None:
        """Esc, Cancel or the window's close button: ask first when there are edits."""
        if self.sending.request_close(lambda: self.prompt_unsaved(self)):
            super().reject()

    def set_busy(self, busy: bool, status: str = "") -> None:
        """A write starts (with ``status`` shown) or ends; no second one meanwhile."""
        self.state.set_busy(busy, status)

    def _on_busy_changed(self, busy: bool, status: str) -> None:
        self.status_label.setText(status if busy else self.idle_status())
        for widget in (self.send_button, self.save_draft_button, self.add_file_button):
            widget.setEnabled(self.state.ready and not busy)
        self.cancel_button.setEnabled(not busy)

    # -- loading -------------------------------------------------------------------

    def idle_status(self) -> str:
        """The status line while nothing is under way: what the agent should know before
        sending (who signs; a Solution that won't move the ticket)."""
        return " ".join(hint for hint in (self.solution_hint(), self.signer_hint()) if hint)

    def solution_hint(self) -> str:
        """A Solution moves the ticket to Awaiting confirmation only once the ticket's own
        Solution is written (SOP step 5); sent without it, the ticket stays as it is."""
        ticket = self.state.ticket
        if self.template() != "solution" or ticket is None or ticket.solution.strip():
            return ""
        return "The Solution field (Resolution tab) is empty: the ticket stays as it is."

    def signer_hint(self) -> str:
        """Said while nobody is chosen under "I am": the templates then sign with the
        account's sender name or "The support team", not with a person's name."""
        if self.context.settings.me_staff_id is not None:
            return ""
        return "Signed by the team, not by you: choose your name under “I am”."

    def _on_load_succeeded(self, start: ComposerStart) -> None:
        message = start.message
        self.state.take(start)  # the ticket as the start loaded it: not read again
        ticket = start.ticket
        self.setWindowTitle(f"E-mail for {ticket_number(ticket.number)} {ticket.subject}")
        self._filling = True
        try:
            self.templates.fill(start.suggested, message.template)
            self.addresses.fill_accounts(start.accounts, message.account_id)
            self.addresses.fill_attachments(ticket.attachments, set(message.attachment_ids))
            self.to.setText(message.to)
            self.cc.setText(message.cc)
            self.subject.setText(message.subject)
            self.body.setPlainText(message.body)
        finally:
            self._filling = False
        self.status_label.setText(self.idle_status())
        self.state.mark_clean()
        self._set_ready(True)
        self.check_addresses()
        self.checks.schedule(now=True)
        self.body.setFocus()
        if not self.select_next_gap(from_start=True):
            self.body.moveCursor(QTextCursor.MoveOperation.Start)
        if self.outbox_id is not None:
            self.ticket_changed.emit(self.ticket_id)  # taken back from the outbox: a draft now
        self.loaded.emit()

    def _on_load_failed(self, exc: Exception) -> None:
        self.status_label.clear()
        if isinstance(exc, ValidationError):  # e.g. the message is being sent right now
            self.load_banner.setText(" ".join(exc.problems.values()))
        elif isinstance(exc, AivaError):
            self.load_banner.setText(exc.message)
        else:
            show_error(self, exc)
            self.load_banner.setText("The message could not be prepared; see the error shown.")
        self.load_banner.show()
        self.cancel_button.setText("Close")
        self.cancel_button.setFocus()
        self.loaded.emit()

    # -- typing and state ----------------------------------------------------------

    def _on_text_changed(self) -> None:
        if self._filling:
            return
        self._clear_field_problem("body")
        self.checks.schedule()

    def _clear_field_problem(self, key: str) -> None:
        if self.state.ready and not self._filling and self.problem_text(key):
            self.problems.show(key, "")

    def _set_ready(self, ready: bool) -> None:
        self.state.ready = ready
        for widget in (
            self.template_combo,
            self.from_combo,
            self.to,
            self.cc,
            self.subject,
            self.body,
            self.attachments,
            self.add_file_button,
            self.send_button,
            self.save_draft_button,
            self.next_gap_button,
        ):
            widget.setEnabled(ready and not self.state.busy)


def open_composer(
    context: AppContext, ticket_id: int, parent: QWidget | None = None, **options: Any
) -> ComposerDialog:
    """Open a composer for the ticket as a window of its own (freed when closed);
    ``options`` are :class:`ComposerDialog`'s (template, outbox_id, draft_communication_id)."""
    dialog = ComposerDialog(context, ticket_id, parent, **options)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.show()
    dialog.raise_()
    dialog.activateWindow()
    return dialog
