"""The editor's logs: troubleshooting entries, internal notes, messages and history.

The lists are read-only rich text; the troubleshooting log and the notes also
have a small form to add an entry, stored through the ticket service in the
background (the core timestamps it). The communication log is a conversation
(:mod:`aiva_desk.gui.editor.conversation`); a draft in it (a Request for Information,
an Escalated message) has a "Send…" link that the editor's mail panel opens in the
composer.

What is typed into the add forms counts as unsaved work, like any field, so it
goes into the draft and the unsaved-changes prompt (:meth:`pending`).
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import (
    QGridLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTextBrowser,
    QWidget,
)

from aiva_desk.errors import ValidationError
from aiva_desk.gui.common.forms import child
from aiva_desk.gui.common.text_widgets import FitToText, ReadOnlyList
from aiva_desk.gui.editor.conversation import ConversationList
from aiva_desk.gui.editor.doc_hints import show_hints
from aiva_desk.gui.editor.logs_html import (
    history_html,
    notes_html,
    troubleshooting_html,
)
from aiva_desk.gui.errors import show_error
from aiva_desk.gui.tasks import BackgroundTask
from aiva_desk.store.models import AuditEntry, Ticket
from aiva_desk.tickets.attachments import AttachmentStore
from aiva_desk.tickets.service import TicketService

ENTRY_PARTS = ("title", "checked", "found", "action")
NEW_ENTRY = "new_troubleshooting_entry"  # draft keys of the add forms
NEW_NOTE = "new_note"


class _AddForm(QObject):
    """A log with a form that adds to it.

    Signals:
        added(int): an entry was added to the ticket with this id.
        refused(dict): the service refused the entry; field -> problem.
        edited(): the text in the form changed.
    """

    added = Signal(int)
    refused = Signal(dict)
    edited = Signal()

    def __init__(self, root: QWidget, service: TicketService) -> None:
        super().__init__(root)
        self._root = root
        self.service = service
        self.ticket_id: int | None = None

    def _add(self, work: Callable[[int], int], still_typed: Callable[[], bool]) -> None:
        ticket_id = self.ticket_id
        if ticket_id is None:
            return

        def done(_version: int) -> None:
            if still_typed():  # not if the agent went on typing meanwhile
                self.clear_form()
            self.added.emit(ticket_id)

        def failed(exc: Exception) -> None:
            if isinstance(exc, ValidationError):
                self.refused.emit(exc.problems)
            else:
                show_error(self._root, exc)

        BackgroundTask(lambda: work(ticket_id), parent=self._root, label="add to ticket").success(
            done
        ).failure(failed).run_in_background()

    def clear_form(self) -> None:
        raise NotImplementedError


class TroubleshootingPanel(_AddForm):
    """The troubleshooting log and its "Add entry" form (Title, Checked, Found, Action)."""

    def __init__(self, root: QWidget, service: TicketService) -> None:
        super().__init__(root, service)
        self.list = ReadOnlyList(child(root, QTextBrowser, "troubleshootingList"), max_height=520)
        self.title = child(root, QLineEdit, "entryTitleEdit")
        self.checked = child(root, QPlainTextEdit, "entryCheckedEdit")
        self.found = child(root, QPlainTextEdit, "entryFoundEdit")
        self.action = child(root, QPlainTextEdit, "entryActionEdit")
        self.add_button = child(root, QPushButton, "addEntryButton")
        # The SOP's Documentation Standards: a hint under a vague entry, never a refusal.
        self.hint = QLabel(root)
        self.hint.setObjectName("entryDocumentationHint")
        self.hint.setAccessibleName("Documentation hint")
        form = child(root, QGridLayout, "newEntryLayout")
        form.addWidget(self.hint, form.rowCount(), 1)
        self.hint.hide()
        for edit in (self.checked, self.found, self.action):
            FitToText(edit, min_lines=1, max_lines=8)
            edit.textChanged.connect(self._on_form_text_changed)
        self.title.textChanged.connect(self._on_form_text_changed)
        self.add_button.clicked.connect(lambda _checked=False: self.add())
        self._on_form_text_changed()

    def show_ticket(self, ticket: Ticket) -> None:
        self.ticket_id = ticket.id
        self.list.set_html(troubleshooting_html(ticket.troubleshooting))

    def add(self) -> None:
        """Add the entry in the form to the ticket."""
        entry = self.pending()
        if entry:
            service = self.service
            self._add(
                lambda ticket_id: service.add_troubleshooting(ticket_id, **entry),
                lambda: self.pending() == entry,
            )

    def pending(self) -> dict[str, str]:
        """What is typed in the form ({} when it is empty)."""
        values = {
            "title": self.title.text(),
            "checked": self.checked.toPlainText(),
            "found": self.found.toPlainText(),
            "action": self.action.toPlainText(),
        }
        return values if any(value.strip() for value in values.values()) else {}

    def set_pending(self, values: dict[str, str]) -> None:
        self.title.setText(values.get("title", ""))
        self.checked.setPlainText(values.get("checked", ""))
        self.found.setPlainText(values.get("found", ""))
        self.action.setPlainText(values.get("action", ""))

    def clear_form(self) -> None:
        self.set_pending({})

    def _on_form_text_changed(self) -> None:
        entry = self.pending()
        self.add_button.setEnabled(
            any(entry.get(part, "").strip() for part in ("checked", "found", "action"))
        )
        show_hints(self.hint, {"Found": entry.get("found", ""), "Action": entry.get("action", "")})
        self.edited.emit()


class NotesPanel(_AddForm):
    """Internal notes (and escalations) with a box to add a note."""

    def __init__(self, root: QWidget, service: TicketService) -> None:
        super().__init__(root, service)
        self.list = ReadOnlyList(child(root, QTextBrowser, "notesList"))
        self.edit = child(root, QPlainTextEdit, "noteEdit")
        self.add_button = child(root, QPushButton, "addNoteButton")
        FitToText(self.edit, min_lines=2, max_lines=10)
        self.edit.textChanged.connect(self._on_edit_text_changed)
        self.add_button.clicked.connect(lambda _checked=False: self.add())
        self._on_edit_text_changed()

    def show_ticket(self, ticket: Ticket) -> None:
        self.ticket_id = ticket.id
        self.list.set_html(notes_html(ticket))

    def add(self) -> None:
        """Add the note in the box to the ticket."""
        note = self.pending()
        if note:
            service = self.service
            self._add(
                lambda ticket_id: service.add_note(ticket_id, note), lambda: self.pending() == note
            )

    def pending(self) -> str:
        text = self.edit.toPlainText()
        return text if text.strip() else ""

    def set_pending(self, text: str) -> None:
        self.edit.setPlainText(text)

    def clear_form(self) -> None:
        self.edit.clear()

    def _on_edit_text_changed(self) -> None:
        self.add_button.setEnabled(bool(self.pending()))
        self.edited.emit()


class ReadOnlyLogs(QObject):
    """The customer communication log and the history (the audit trail)."""

    def __init__(self, root: QWidget, attachments: AttachmentStore | None = None) -> None:
        """``attachments``: where received mails' originals are kept."""
        super().__init__(root)
        browser = child(root, QTextBrowser, "communicationList")
        self.communications = ConversationList(browser, attachments)
        self.history = ReadOnlyList(child(root, QTextBrowser, "historyList"), max_height=360)

    def show_ticket(self, ticket: Ticket, history: list[AuditEntry]) -> None:
        self.communications.show_ticket(ticket)
        self.history.set_html(history_html(history))
