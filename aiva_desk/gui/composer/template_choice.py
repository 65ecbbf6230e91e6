"""The composer's template choice: the customer templates with the next SOP step's
marked, the purpose of the one chosen, and the message rendered again for the ticket
when another template (or, over unedited text, another sender) is chosen — asking
first before it replaces a subject or body the agent edited."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import QComboBox, QLabel, QWidget

from aiva_desk.gui.common.forms import child
from aiva_desk.gui.composer.checks import ComposerChecks
from aiva_desk.gui.composer.state import ComposerState
from aiva_desk.gui.errors import show_error
from aiva_desk.gui.tasks import BackgroundTask
from aiva_desk.mail.composer_start import CUSTOMER_TEMPLATES, render_for
from aiva_desk.mail.message_templates import CATALOG, info
from aiva_desk.mail.outbox import OutgoingMessage


class ComposerTemplates(QObject):
    """Which template one composer's message follows, and rendering it into the fields.

    The template followed is the state's (``template_key``); this part keeps the list
    and asks ``ask_replace`` (with the template's title) before replacing edited text.
    """

    def __init__(
        self,
        state: ComposerState,
        checks: ComposerChecks,
        root: QWidget,
        ask_replace: Callable[[str], bool],
        idle_status: Callable[[], str] = lambda: "",
    ) -> None:
        """``idle_status``: what the status line says once a template is filled in."""
        super().__init__(root)
        self._idle_status = idle_status
        self._state = state
        self._checks = checks
        self._root = root
        self._ask_replace = ask_replace
        self._combo = child(root, QComboBox, "templateCombo")
        self._purpose = child(root, QLabel, "templatePurpose")
        self._status = child(root, QLabel, "statusLabel")
        self._token = 0
        self._reverting = False
        self._combo.currentIndexChanged.connect(self._on_template_combo_changed)

    def fill(self, suggested: str, current: str) -> None:
        """Offer the customer templates, ``suggested`` marked, ``current`` chosen."""
        combo = self._combo
        combo.clear()
        if current and current not in {t.key for t in CUSTOMER_TEMPLATES}:
            combo.addItem(f"{info(current).title} (as written)", current)
        elif not current:
            combo.addItem("No template (as written)", "")
        for template in CUSTOMER_TEMPLATES:
            title = template.title + ("  — next SOP step" if template.key == suggested else "")
            combo.addItem(title, template.key)
            combo.setItemData(combo.count() - 1, template.purpose, Qt.ItemDataRole.ToolTipRole)
        combo.setCurrentIndex(max(combo.findData(current), 0))
        self._show_purpose()

    def chosen(self) -> str:
        """The key of the template chosen in the list ("" for none)."""
        return self._combo.currentData() or ""

    def choose(self, key: str) -> None:
        """Choose the template ``key`` as the agent would (asks over edited text)."""
        index = self._combo.findData(key)
        if index < 0:
            raise KeyError(f"no customer template {key!r}")
        self._combo.setCurrentIndex(index)

    def on_sender_changed(self) -> None:
        """Render again for the new sender (the signature follows it) unless edited."""
        if not self._state.text_edited() and self.chosen():
            self._render(self.chosen())

    def _show_purpose(self) -> None:
        key = self.chosen()
        known = {t.key: t for t in CATALOG}
        self._purpose.setText(known[key].purpose if key in known else "")

    def _on_template_combo_changed(self, _index: int) -> None:
        state = self._state
        if self._reverting or not state.ready:
            return
        key = self.chosen()
        self._show_purpose()
        if not key:
            return
        if state.text_edited() and not self._ask_replace(info(key).title):
            self._reverting = True
            try:
                combo = self._combo
                combo.setCurrentIndex(max(combo.findData(state.template_key), 0))
            finally:
                self._reverting = False
            self._show_purpose()
            return
        self._render(key)

    def _render(self, key: str) -> None:
        state = self._state
        account = state.account()
        if account is None:
            return
        self._token += 1
        token, mail, ticket_id = self._token, state.mail, state.ticket_id
        self._status.setText("Filling in the template…")
        BackgroundTask(
            lambda: render_for(mail, ticket_id, key, account),
            parent=self._root,
            writes=False,
            label=f"render {key}",
        ).success(lambda message: self._on_rendered(token, message)).failure(
            lambda exc: self._on_render_failed(token, exc)
        ).run_in_background()

    def _on_rendered(self, token: int, message: OutgoingMessage) -> None:
        if token != self._token:
            return
        fields = self._state.fields
        self._status.setText(self._idle_status())
        fields.subject.setText(message.subject)
        cursor = QTextCursor(fields.body.document())  # one undoable edit: Ctrl+Z brings it back
        cursor.select(QTextCursor.SelectionType.Document)
        cursor.insertText(message.body)
        self._state.follow(message)
        self._checks.select_next_gap(from_start=True)
        self._checks.schedule(now=True)

    def _on_render_failed(self, token: int, exc: Exception) -> None:
        if token == self._token:
            self._status.setText(self._idle_status())
            show_error(self._root, exc)
