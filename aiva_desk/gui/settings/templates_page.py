"""Settings → Templates: the SOP's message templates, edited with a live preview.

On the left the nine templates (to customers, internal), an "edited" marker on
those the agent changed, and what the selected one is for. In the middle its
source (Jinja: ``{{ value }}``, ``{% if %}``, ``[[ gap to fill ]]``) in an editor
with line numbers; each template keeps its unsaved text (and undo history) while
another is shown. On the right the message as it would go out for a chosen ticket
(the most recent one at first), re-rendered 300 ms after typing stops, and the
variables that ticket offers (a double click inserts one at the cursor).

The ticket's variables are built once per chosen ticket, off the GUI thread
(:func:`aiva_desk.mail.context.context_for`); each preview only renders text.
With no ticket at all the preview is off (the page says why) and the variables
come from a sample ticket that is never stored (:mod:`aiva_desk.mail.sample`).

Nothing is stored until :meth:`TemplateSettingsPage.apply`: every changed template
is rendered against the chosen ticket (or the sample) first, and if one fails
nothing is saved, that template is shown with the failing line marked. Saving
writes the agent's copy to the data dir; the shipped files are never modified.
"Restore shipped version" puts the shipped text back in the editor (Ctrl+Z takes
it back); on apply a template equal to its shipped text has its edit removed, so
later improvements of the shipped text reach it.

Signals:
    changed(): a template's text was edited (nothing is stored until apply()).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QFontDatabase, QTextDocument
from PySide6.QtWidgets import (
    QMessageBox,
    QPlainTextDocumentLayout,
    QTreeWidgetItem,
    QWidget,
)

from aiva_desk.app_context import AppContext
from aiva_desk.errors import AivaError
from aiva_desk.gui.common import theme
from aiva_desk.gui.common.forms import add_heading, ask, message_box, set_text_color
from aiva_desk.gui.errors import show_error
from aiva_desk.gui.settings.jinja_highlighter import JinjaHighlighter
from aiva_desk.gui.settings.templates_view import VAR_NAME, VAR_VALUE, TemplateSettingsView
from aiva_desk.gui.tasks import LatestRead
from aiva_desk.mail.message_templates import CATALOG, RenderedMessage, TemplateInfo
from aiva_desk.mail.template_preview import (
    NO_TICKETS,
    ChosenTicket,
    load_ticket,
    shown_value,
    snippet,
    variables,
)
from aiva_desk.template_engine import TemplateProblem

ROLE = Qt.ItemDataRole.UserRole
PREVIEW_DELAY_MS = 300
AUDIENCES = (("customer", "To customers"), ("internal", "Internal"))


@dataclass
class _Template:
    """One template as shown on the page: its editor text and what is stored."""

    info: TemplateInfo
    document: QTextDocument
    stored: str = ""  # the text in use now: the agent's edit, or the shipped text
    shipped: str = ""
    edited: bool = False  # an edit is stored in the data dir

    @property
    def key(self) -> str:
        return self.info.key

    @property
    def text(self) -> str:
        return self.document.toPlainText()

    @property
    def dirty(self) -> bool:
        return self.text != self.stored


class TemplateSettingsPage(TemplateSettingsView):
    """Edit the message templates with a live preview for a chosen ticket.

    Signals:
        changed(): a template's text was edited (it is not stored until apply()).
    """

    title = "Templates"
    icon_name = "rename"
    changed = Signal()

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.library = context.mail.library
        # hook: the template's title -> replace its text with the shipped one?
        self.confirm_restore: Callable[[str], bool] = self._ask_restore
        self._filling = False
        self._current: _Template | None = None
        self._chosen: ChosenTicket | None = None
        self._loading = False  # a ticket is being loaded
        self._ticket_reads = LatestRead(self, "template preview ticket")  # the last one counts
        self._rows: dict[str, QTreeWidgetItem] = {}
        self._mono = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        self.templates: dict[str, _Template] = {}
        self._highlighters: list[JinjaHighlighter] = []
        for info in CATALOG:
            document = QTextDocument(self)
            document.setDocumentLayout(QPlainTextDocumentLayout(document))
            document.setDefaultFont(self._mono)
            self._highlighters.append(JinjaHighlighter(document))
            document.contentsChanged.connect(
                lambda key=info.key: self._on_document_contents_changed(key)
            )
            self.templates[info.key] = _Template(info, document)

        self._preview_timer = QTimer(self)
        self._preview_timer.setSingleShot(True)
        self._preview_timer.setInterval(PREVIEW_DELAY_MS)
        self._preview_timer.timeout.connect(self.render_preview)

        self.template_list.currentItemChanged.connect(self._on_template_list_current_item_changed)
        self.restore_button.clicked.connect(lambda _checked=False: self.restore_shipped())
        self.ticket_field.editingFinished.connect(self._on_ticket_field_editing_finished)
        self.variable_list.itemActivated.connect(self._on_variable_list_item_activated)
        self._fill_list()
        self._show(None)

    # -- the protocol of a settings page -------------------------------------------------

    def load(self) -> None:
        """Show the stored texts (edits not applied are dropped); load the latest ticket."""
        self._filling = True
        try:
            for template in self.templates.values():
                self._read_stored(template)
                template.document.setPlainText(template.stored)
                template.document.setModified(False)
        finally:
            self._filling = False
        for template in self.templates.values():
            self._label_row(template)
        keep = self._current.key if self._current else CATALOG[0].key
        self.select(keep)
        if self._chosen is None and not self._loading:
            self.choose_ticket(None)

    def apply(self) -> None:
        """Save every changed template after it rendered without errors; if one fails,
        nothing is saved, it is shown with its line marked and the problem is raised."""
        dirty = [t for t in self.templates.values() if t.dirty]
        if not dirty:
            return
        values = self._validation_values()
        for template in dirty:
            if template.text == template.shipped:
                continue  # the shipped text renders; its edit is removed below
            try:
                self._check(template, values)
            except TemplateProblem as problem:
                self.select(template.key)
                self._show_problem(problem)
                raise
        for template in dirty:
            if template.text == template.shipped:
                self.library.restore(template.key)
            else:
                self.library.save(template.key, template.text, values)
            self._read_stored(template)
            self._label_row(template)
        self._update_state()

    def is_dirty(self) -> bool:
        return any(t.dirty for t in self.templates.values())

    # -- stored texts ------------------------------------------------------------------

    def _read_stored(self, template: _Template) -> None:
        template.shipped = self.library.shipped_source(template.key)
        template.stored = self.library.source(template.key)
        template.edited = self.library.is_edited(template.key)

    def _check(self, template: _Template, values: dict[str, Any]) -> RenderedMessage:
        """Render ``template``'s text; any failure is a :class:`TemplateProblem`."""
        try:
            return self.library.preview(template.key, template.text, values)
        except TemplateProblem:
            raise
        except Exception as exc:  # e.g. {{ 1 / 0 }}: Python errors inside the template
            raise TemplateProblem(
                f"The template “{template.info.title}” could not be filled in: {exc}"
            ) from exc

    def _validation_values(self) -> dict[str, Any]:
        """The chosen ticket's variables, built now if they have not arrived yet."""
        if self._chosen is not None and not self._loading:
            return self._chosen.values
        number = self._chosen.number if self._chosen else None
        try:
            chosen = load_ticket(self.context.mail, number)
        except AivaError:  # the number typed does not exist: the latest ticket then
            chosen = load_ticket(self.context.mail, None)
        return chosen.values

    # -- the template list ----------------------------------------------------------------

    def _fill_list(self) -> None:
        self._filling = True
        try:
            self.template_list.clear()
            for audience, heading_text in AUDIENCES:
                heading = add_heading(self.template_list, heading_text)
                for info in CATALOG:
                    if info.audience != audience:
                        continue
                    row = QTreeWidgetItem(heading)
                    row.setData(0, ROLE, info.key)
                    self._rows[info.key] = row
                    self._label_row(self.templates[info.key])
                heading.setExpanded(True)
        finally:
            self._filling = False

    def _label_row(self, template: _Template) -> None:
        row = self._rows.get(template.key)
        if row is None:
            return
        title = template.info.title
        marks = (" (edited)" if template.edited else "") + (" •" if template.dirty else "")
        row.setText(0, title + marks)
        font = row.font(0)
        font.setItalic(template.edited)
        row.setFont(0, font)
        tip = f"{title}\n{template.info.purpose}"
        if template.edited:
            tip += "\nEdited: your text is used instead of the shipped one."
        if template.dirty:
            tip += "\nChanged, not applied yet."
        row.setToolTip(0, tip)

    def select(self, key: str) -> None:
        """Show the template ``key`` in the editor."""
        row = self._rows.get(key)
        if row is not None:
            self.template_list.setCurrentItem(row)

    def current_key(self) -> str | None:
        return self._current.key if self._current else None

    def _on_template_list_current_item_changed(
        self, current: QTreeWidgetItem | None, _previous: QTreeWidgetItem | None
    ) -> None:
        if self._filling:
            return
        key = current.data(0, ROLE) if current is not None else None
        self._show(self.templates.get(key) if key else None)

    def _show(self, template: _Template | None) -> None:
        self._current = template
        self.editor.setEnabled(template is not None)
        if template is not None:
            self.editor.setDocument(template.document)
            self.editor.set_problem_line(None)
            self.purpose.setText(template.info.purpose)
            self.editor_label.setText(f"&Source of “{template.info.title}”")
        else:
            self.purpose.setText("")
            self.editor_label.setText("&Source")
        self._update_state()
        self.render_preview()

    def _update_state(self) -> None:
        template = self._current
        if template is None:
            self.state.setText("")
            self.restore_button.setEnabled(False)
            return
        if template.dirty:
            state = "Changed, not applied yet"
        elif template.edited:
            state = "Your edited version"
        else:
            state = "The shipped version"
        self.state.setText(state)
        self.restore_button.setEnabled(template.text != template.shipped)

    # -- editing -------------------------------------------------------------------------

    def _on_document_contents_changed(self, key: str) -> None:
        if self._filling:
            return
        template = self.templates[key]
        self._label_row(template)
        if template is self._current:
            self._update_state()
            self._preview_timer.start()
        self.changed.emit()

    def restore_shipped(self) -> None:
        """Put the shipped text in the editor (after asking); undo brings the edit back."""
        template = self._current
        if template is None or template.text == template.shipped:
            return
        if not self.confirm_restore(template.info.title):
            return
        cursor = self.editor.textCursor()
        cursor.beginEditBlock()
        cursor.select(cursor.SelectionType.Document)
        cursor.insertText(template.shipped)
        cursor.endEditBlock()
        cursor.movePosition(cursor.MoveOperation.Start)
        self.editor.setTextCursor(cursor)

    def _ask_restore(self, title: str) -> bool:
        box = message_box(
            self,
            "restoreTemplateBox",
            QMessageBox.Icon.Question,
            "Restore shipped version",
            f"Replace your text of “{title}” with the shipped version?",
            "Your edit is removed when you choose OK or Apply. Until then Ctrl+Z in the "
            "editor brings your text back, and Cancel keeps it.",
        )
        buttons = QMessageBox.StandardButton
        box.setStandardButtons(buttons.Ok | buttons.Cancel)
        box.button(buttons.Ok).setText("Restore")
        box.setDefaultButton(buttons.Cancel)
        return ask(box, automated=buttons.Ok) == buttons.Ok

    def _on_variable_list_item_activated(self, item: QTreeWidgetItem, _column: int) -> None:
        name = item.data(VAR_NAME, ROLE)
        if name is None or self._current is None or self._chosen is None:
            return
        value = dict(variables(self._chosen.values)).get(name)
        self.editor.insertPlainText(snippet(name, value))
        self.editor.setFocus()

    # -- the ticket and the preview -------------------------------------------------------

    def choose_ticket(self, number: int | None) -> None:
        """Render the preview for ticket ``number`` (None: the most recent one)."""
        self._loading = True
        self.ticket_label.setText("Loading…")
        mail = self.context.mail
        self._ticket_reads.run(
            lambda: load_ticket(mail, number), self._on_ticket_loaded, self._on_ticket_failed
        )

    def preview_ready(self) -> bool:
        """Whether the chosen ticket's variables have arrived (tests wait on this)."""
        return self._chosen is not None and not self._loading

    def _on_ticket_field_editing_finished(self) -> None:
        text = self.ticket_field.text().strip()
        if not text:
            return
        number = int(text)
        if self._chosen is not None and self._chosen.number == number and not self._loading:
            return
        self.choose_ticket(number)

    def _on_ticket_loaded(self, chosen: ChosenTicket) -> None:
        self._loading = False
        self._chosen = chosen
        has_ticket = chosen.number is not None
        self.ticket_field.setEnabled(has_ticket)
        self.ticket_field.setText(str(chosen.number) if has_ticket else "")
        self.ticket_label.setText(chosen.label if has_ticket else "")
        self.preview_subject.setEnabled(has_ticket)
        self.preview_body.setEnabled(has_ticket)
        self.variable_list.setHeaderLabels(
            ["Name", "For this ticket" if has_ticket else "For a sample ticket"]
        )
        self._fill_variables(chosen.values)
        self.render_preview()

    def _on_ticket_failed(self, exc: Exception) -> None:
        self._loading = False
        if not isinstance(exc, AivaError):
            show_error(self, exc)
        self.ticket_label.setText(str(exc))
        if self._chosen is not None and self._chosen.number is not None:
            self.ticket_field.setText(str(self._chosen.number))  # the preview's ticket

    def _fill_variables(self, values: dict[str, Any]) -> None:
        self.variable_list.clear()
        for name, value in variables(values):
            row = QTreeWidgetItem(self.variable_list, [name, shown_value(value)])
            row.setData(VAR_NAME, ROLE, name)
            row.setFont(VAR_NAME, self._mono)
            row.setToolTip(VAR_NAME, f"Inserts {snippet(name, value).strip()}")
            row.setToolTip(VAR_VALUE, shown_value(value)[:500])

    def render_preview(self) -> None:
        """Render the shown template's text for the chosen ticket (now, not debounced)."""
        self._preview_timer.stop()
        template = self._current
        if template is None:
            return
        if self._chosen is None or self._chosen.number is None:
            self.preview_subject.clear()
            self.preview_body.clear()
            self._note(NO_TICKETS if self._chosen else "", problem=False)
            return
        try:
            message = self._check(template, self._chosen.values)
        except TemplateProblem as problem:
            self._show_problem(problem)
            return
        self.editor.set_problem_line(None)
        self.preview_subject.setText(message.subject)
        self.preview_subject.setCursorPosition(0)
        self.preview_body.setEnabled(True)
        scroll = self.preview_body.verticalScrollBar().value()
        self.preview_body.setPlainText(message.body)
        self.preview_body.verticalScrollBar().setValue(scroll)
        gaps = message.gaps
        if gaps:
            listed = "; ".join(gaps[:3]) + ("; …" if len(gaps) > 3 else "")
            count = "1 gap" if len(gaps) == 1 else f"{len(gaps)} gaps"
            self._note(f"{count} to fill in before sending: {listed}", problem=False)
        else:
            self._note("", problem=False)

    def _show_problem(self, problem: TemplateProblem) -> None:
        """Say what is wrong under the (greyed) last good preview; mark the line."""
        self.preview_body.setEnabled(False)
        self.editor.set_problem_line(problem.line)
        self._note(str(problem), problem=True)

    def preview_problem(self) -> str:
        """The problem the preview shows ("" when the template renders)."""
        return self.preview_note.text() if self.preview_note.property("problem") else ""

    def _note(self, text: str, *, problem: bool) -> None:
        self.preview_note.setText(text)
        self.preview_note.setVisible(bool(text))
        self.preview_note.setProperty("problem", problem)
        color = theme.sla_color(theme.SlaState.BREACHED) if problem else theme.muted_color()
        set_text_color(self.preview_note, color)
