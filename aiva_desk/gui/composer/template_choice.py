"""The composer's template choice: the customer templates with the next SOP step's
marked, the purpose of the one chosen, and the message rendered again for the ticket
when another template (or, over unedited text, another sender) is chosen — asking
first before it replaces a subject or body the agent edited."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QTextCursor

from aiva_desk.gui.errors import show_error
from aiva_desk.gui.tasks import BackgroundTask
from aiva_desk.mail.composer_start import CUSTOMER_TEMPLATES, render_for
from aiva_desk.mail.message_templates import CATALOG, info
from aiva_desk.mail.outbox import OutgoingMessage

if TYPE_CHECKING:
    from aiva_desk.gui.composer.dialog import ComposerDialog


class ComposerTemplates(QObject):
    """Which template one composer's message follows, and rendering it into the fields."""

    def __init__(self, dialog: ComposerDialog) -> None:
        super().__init__(dialog)
        self._dialog = dialog
        self.key = ""  # the template the message follows ("" when none)
        self.kind = "Update"
        self._rendered = ("", "")  # subject and body as the template last gave them
        self._token = 0
        self._reverting = False
        dialog.template_combo.currentIndexChanged.connect(self._on_template_combo_changed)

    def fill(self, suggested: str, current: str) -> None:
        """Offer the customer templates, ``suggested`` marked, ``current`` chosen."""
        combo = self._dialog.template_combo
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

    def follow(self, message: OutgoingMessage) -> None:
        """The fields hold ``message`` as its template gave it."""
        self.key, self.kind = message.template, message.kind
        self._rendered = (message.subject, message.body)

    def chosen(self) -> str:
        """The key of the template chosen in the list ("" for none)."""
        return self._dialog.template_combo.currentData() or ""

    def choose(self, key: str) -> None:
        """Choose the template ``key`` as the agent would (asks over edited text)."""
        combo = self._dialog.template_combo
        index = combo.findData(key)
        if index < 0:
            raise KeyError(f"no customer template {key!r}")
        combo.setCurrentIndex(index)

    def on_sender_changed(self) -> None:
        """Render again for the new sender (the signature follows it) unless edited."""
        if not self._edited() and self.chosen():
            self._render(self.chosen())

    def _edited(self) -> bool:
        dialog = self._dialog
        return (dialog.subject.text(), dialog.body.toPlainText()) != self._rendered

    def _show_purpose(self) -> None:
        key = self.chosen()
        known = {t.key: t for t in CATALOG}
        self._dialog.template_purpose.setText(known[key].purpose if key in known else "")

    def _on_template_combo_changed(self, _index: int) -> None:
        dialog = self._dialog
        if self._reverting or not dialog.ready:
            return
        key = self.chosen()
        self._show_purpose()
        if not key:
            return
        if self._edited() and not dialog.prompt_replace(dialog, info(key).title):
            self._reverting = True
            try:
                combo = dialog.template_combo
                combo.setCurrentIndex(max(combo.findData(self.key), 0))
            finally:
                self._reverting = False
            self._show_purpose()
            return
        self._render(key)

    def _render(self, key: str) -> None:
        dialog = self._dialog
        account = dialog.account()
        if account is None:
            return
        self._token += 1
        token, mail, ticket_id = self._token, dialog.mail, dialog.ticket_id
        dialog.status_label.setText("Filling in the template…")
        BackgroundTask(
            lambda: render_for(mail, ticket_id, key, account),
            parent=dialog,
            writes=False,
            label=f"render {key}",
        ).success(lambda message: self._on_rendered(token, message)).failure(
            lambda exc: self._on_render_failed(token, exc)
        ).run_in_background()

    def _on_rendered(self, token: int, message: OutgoingMessage) -> None:
        if token != self._token:
            return
        dialog = self._dialog
        dialog.status_label.clear()
        dialog.subject.setText(message.subject)
        cursor = QTextCursor(dialog.body.document())  # one undoable edit: Ctrl+Z brings it back
        cursor.select(QTextCursor.SelectionType.Document)
        cursor.insertText(message.body)
        self.follow(message)
        dialog.select_next_gap(from_start=True)
        dialog.checks.schedule(now=True)

    def _on_render_failed(self, token: int, exc: Exception) -> None:
        if token == self._token:
            self._dialog.status_label.clear()
            show_error(self._dialog, exc)
