"""The editor's customer communication log as one conversation (rendered by
:mod:`aiva_desk.gui.editor.conversation_html`), with its links: "Show quoted text"
folds a received mail's history in place, keeping where the agent was reading, and
"View original" opens the whole message (:class:`OriginalMailDialog`)."""

from __future__ import annotations

from PySide6.QtCore import QUrl, Signal
from PySide6.QtWidgets import QTextBrowser

from aiva_desk.gui.common.original_mail import OriginalMailDialog
from aiva_desk.gui.common.rich_text import document_style
from aiva_desk.gui.common.text_widgets import ReadOnlyList
from aiva_desk.gui.editor.conversation_html import (
    ORIGINAL_LINK,
    QUOTED_LINK,
    Customer,
    conversation_html,
    conversation_style,
)
from aiva_desk.store.models import Communication, Ticket
from aiva_desk.tickets.attachments import AttachmentStore

MAX_HEIGHT = 720  # the log grows with its messages up to this, then scrolls


class ConversationList(ReadOnlyList):
    """The communication log of the ticket shown, and its fold and original links.

    Signals:
        original_opened(object): an OriginalMailDialog was opened.
    """

    original_opened = Signal(object)

    def __init__(self, browser: QTextBrowser, attachments: AttachmentStore | None) -> None:
        self._attachments = attachments
        self._messages: list[Communication] = []
        self._customer: Customer | None = None
        self._ticket_id: int | None = None
        self.unfolded: set[int] = set()
        super().__init__(browser, max_height=MAX_HEIGHT)
        browser.anchorClicked.connect(self._on_link_clicked)

    def _apply_style(self) -> None:
        palette = self.browser.palette()
        base = document_style(
            palette.color(palette.ColorRole.Text).name(),
            palette.color(palette.ColorRole.PlaceholderText).name(),
        )
        self.browser.document().setDefaultStyleSheet(base + conversation_style(palette))

    def show_ticket(self, ticket: Ticket) -> None:
        """Show the ticket's messages; what the agent unfolded stays so on a reload."""
        if ticket.id != self._ticket_id:
            self.unfolded.clear()
        self._ticket_id = ticket.id
        self._messages = list(ticket.communications)
        self._customer = Customer(ticket.customer.name, ticket.customer.email)
        self._render()

    def toggle_quoted(self, communication_id: int) -> None:
        """Fold or unfold one received mail's quoted text, where the agent is reading."""
        self.unfolded ^= {communication_id}
        self._render()

    def open_original(self, communication_id: int) -> OriginalMailDialog | None:
        """Open the whole original of a received mail (read in the background)."""
        message = next((m for m in self._messages if m.id == communication_id), None)
        if message is None or not message.original_sha256 or self._attachments is None:
            return None
        path = self._attachments.path_for(message.original_sha256)
        dialog = OriginalMailDialog(path, message.subject, self.browser.window())
        dialog.show()
        self.original_opened.emit(dialog)
        return dialog

    def _render(self) -> None:
        bar = self.browser.verticalScrollBar()
        position = bar.value()
        self.set_html(conversation_html(self._messages, self._customer, self.unfolded))
        bar.setValue(position)

    def _on_link_clicked(self, url: QUrl) -> None:
        link = url.toString()
        for prefix, act in ((QUOTED_LINK, self.toggle_quoted), (ORIGINAL_LINK, self.open_original)):
            if link.startswith(prefix) and link[len(prefix) :].isdigit():
                act(int(link[len(prefix) :]))
                return
