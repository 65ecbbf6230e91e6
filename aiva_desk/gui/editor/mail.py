"""The editor's mail part, in the customer communication log: compose and the unsent.

A "Compose e-mail…" button above the log opens the composer for the ticket; a
"Send…" link under a draft of the log opens the composer on that draft; and the
ticket's outbox messages that have not gone out yet (draft, queued, sending,
failed, unknown) are listed under the log with their state, read in the
background each time the ticket is shown. A draft, queued or failed one can be
taken back into the composer ("Edit…").
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QObject, QUrl, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from aiva_desk.gui.common.formatting import OVERDUE_COLOR, local_time
from aiva_desk.gui.common.forms import child
from aiva_desk.gui.common.rich_text import esc, muted
from aiva_desk.gui.common.text_widgets import ReadOnlyList
from aiva_desk.gui.composer.dialog import ComposerDialog, open_composer
from aiva_desk.gui.editor.conversation_html import SEND_DRAFT_LINK
from aiva_desk.gui.editor.state import EditorState
from aiva_desk.gui.tasks import BackgroundTask
from aiva_desk.mail.outbox import OutboxItem
from aiva_desk.store.mail_models import OutboxState
from aiva_desk.store.models import Ticket

log = logging.getLogger(__name__)

EDIT_OUTBOX_LINK = "aiva-edit-outbox:"  # + the outbox message's id
UNSENT_STATES = (
    OutboxState.DRAFT,
    OutboxState.QUEUED,
    OutboxState.SENDING,
    OutboxState.FAILED,
    OutboxState.UNKNOWN,
)
EDITABLE_STATES = (OutboxState.DRAFT, OutboxState.QUEUED, OutboxState.FAILED)
ATTENTION_STATES = (OutboxState.FAILED, OutboxState.UNKNOWN)


def unsent_html(items: list[OutboxItem]) -> str:
    """The ticket's messages not sent yet, newest first, with their state."""
    body = ""
    for item in items:
        state = esc(item.state.label)
        if item.state in ATTENTION_STATES:
            state = f'<span style="color:{OVERDUE_COLOR}">{state}</span>'
        body += (
            f'<p class="entry">{state} – {esc(item.subject or "(no subject)")}</p>'
            f"<p>{muted('To:')} {esc(item.to)}"
            + (f" {muted('Cc:')} {esc(item.cc)}" if item.cc else "")
            + f" {muted('· written ' + local_time(item.created_at))}</p>"
        )
        if item.state is OutboxState.QUEUED and item.attempts and item.next_attempt_at:
            retry = f"Tried {item.attempts}×; next try {local_time(item.next_attempt_at)}"
            body += f"<p>{muted(retry)}</p>"
        if item.last_error and item.state is not OutboxState.DRAFT:
            body += f"<p>{esc(item.last_error)}</p>"
        if item.state in EDITABLE_STATES:
            body += f'<p><a href="{EDIT_OUTBOX_LINK}{item.id}">Edit…</a></p>'
    return body


class MailPanel(QObject):
    """Compose, send a log draft, and the unsent messages, for the editor's ticket.

    Signals:
        unsent_shown(int): the list of unsent messages was shown (how many there are).
        composer_opened(object): a ComposerDialog was opened for this ticket.
    """

    unsent_shown = Signal(int)
    composer_opened = Signal(object)

    def __init__(self, state: EditorState, root: QWidget, communications: ReadOnlyList) -> None:
        """``root``: the editor form; ``communications``: its communication log, whose
        draft links open the composer."""
        super().__init__(root)
        self._state = state
        self._root = root
        self._token = 0
        self.items: list[OutboxItem] = []
        layout = child(root, QVBoxLayout, "communicationLayout")
        group = child(root, QWidget, "communicationGroup")

        self.compose_button = QPushButton("Compose e-mail…", group)
        self.compose_button.setObjectName("composeButton")
        self.compose_button.setAccessibleName("Compose an e-mail to the customer")
        self.compose_button.setToolTip(
            "Write to the customer from the template the next SOP step calls for"
        )
        self.compose_button.setAutoDefault(False)
        self.compose_button.setEnabled(False)
        self.compose_button.clicked.connect(lambda _checked=False: self.compose())
        row = QHBoxLayout()
        row.setObjectName("composeRow")
        row.addWidget(self.compose_button)
        row.addStretch(1)
        layout.insertLayout(0, row)

        self.unsent_label = QLabel("Not sent yet", group)
        self.unsent_label.setObjectName("unsentLabel")
        self.unsent_label.setStyleSheet("font-weight: 600;")
        browser = QTextBrowser(group)
        browser.setObjectName("unsentList")
        browser.setAccessibleName("Messages not sent yet")
        self.unsent = ReadOnlyList(browser, max_height=320)
        layout.addWidget(self.unsent_label)
        layout.addWidget(browser)
        self.unsent_label.hide()
        browser.hide()
        browser.anchorClicked.connect(self._on_link_clicked)
        communications.browser.anchorClicked.connect(self._on_link_clicked)

    # -- public --------------------------------------------------------------------

    def show_ticket(self, ticket: Ticket) -> None:
        """Read the ticket's unsent messages in the background and list them."""
        self.compose_button.setEnabled(True)
        self._token += 1
        token, outbox, ticket_id = self._token, self._state.context.mail.outbox, ticket.id
        BackgroundTask(
            lambda: outbox.items(UNSENT_STATES, ticket_id=ticket_id),
            parent=self._root,
            writes=False,
            label="unsent messages",
        ).success(lambda items: self._on_items_loaded(token, items)).run_in_background()

    def compose(
        self,
        template: str | None = None,
        *,
        outbox_id: int | None = None,
        draft_communication_id: int | None = None,
    ) -> ComposerDialog | None:
        """Open the composer for the editor's ticket; ``None`` while no ticket is shown."""
        state = self._state
        if state.ticket is None:
            return None
        dialog = open_composer(
            state.context,
            state.ticket.id,
            self._root.window(),  # not the editor: closing its tab must not lose the message
            template=template,
            outbox_id=outbox_id,
            draft_communication_id=draft_communication_id,
        )
        dialog.ticket_changed.connect(state.announce_change)
        self.composer_opened.emit(dialog)
        return dialog

    # -- slots ---------------------------------------------------------------------

    def _on_items_loaded(self, token: int, items: list[OutboxItem]) -> None:
        if token != self._token:
            return
        self.items = items
        self.unsent_label.setVisible(bool(items))
        self.unsent.browser.setVisible(bool(items))
        self.unsent.set_html(unsent_html(items))
        self.unsent_shown.emit(len(items))

    def _on_link_clicked(self, url: QUrl) -> None:
        link = url.toString()
        for prefix, key in (
            (SEND_DRAFT_LINK, "draft_communication_id"),
            (EDIT_OUTBOX_LINK, "outbox_id"),
        ):
            if link.startswith(prefix) and link[len(prefix) :].isdigit():
                self.compose(**{key: int(link[len(prefix) :])})
                return
        log.debug("Ignored a link in the communication log: %s", link)
