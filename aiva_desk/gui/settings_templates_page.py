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

import dataclasses
import os
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QFont, QFontDatabase, QIntValidator, QTextDocument
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextDocumentLayout,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy import select

from aiva_desk.app_context import AppContext
from aiva_desk.errors import AivaError
from aiva_desk.gui import theme
from aiva_desk.gui.code_editor import CodeEditor
from aiva_desk.gui.errors import NO_ERROR_DIALOGS_ENV, show_error
from aiva_desk.gui.jinja_highlighter import JinjaHighlighter
from aiva_desk.gui.tasks import BackgroundTask
from aiva_desk.mail.context import context_for
from aiva_desk.mail.sample import sample_context
from aiva_desk.mail.templates import CATALOG, RenderedMessage, TemplateInfo
from aiva_desk.store.models import Customer, Ticket
from aiva_desk.templating import TemplateProblem

ROLE = Qt.ItemDataRole.UserRole
PREVIEW_DELAY_MS = 300
AUDIENCES = (("customer", "To customers"), ("internal", "Internal"))
NO_TICKETS = (
    "No tickets yet: the preview fills a template with a ticket's details, so it starts "
    "with the first ticket. Until then a template is checked against a sample ticket "
    "when you apply it."
)
VAR_NAME, VAR_VALUE = range(2)


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


@dataclass(frozen=True)
class _Chosen:
    """The ticket the preview renders against, and its variables."""

    number: int | None  # None: the sample (there are no tickets)
    label: str
    values: dict[str, Any]


def variables(values: dict[str, Any]) -> list[tuple[str, Any]]:
    """``(name, value)`` for every variable, nested ones as ``ticket.root_cause``."""
    found: list[tuple[str, Any]] = []
    for name, value in values.items():
        if isinstance(value, dict):
            found.extend((f"{name}.{key}", inner) for key, inner in value.items())
        elif dataclasses.is_dataclass(value) and not isinstance(value, type):
            found.extend(
                (f"{name}.{f.name}", getattr(value, f.name)) for f in dataclasses.fields(value)
            )
        else:
            found.append((name, value))
    return found


def snippet(name: str, value: Any) -> str:
    """What a double click on a variable inserts: the value, or a loop over a list."""
    if isinstance(value, list | tuple):
        return f"{{% for item in {name} %}}\n- {{{{ item }}}}\n{{% endfor %}}\n"
    return f"{{{{ {name} }}}}"


def _shown(value: Any) -> str:
    if isinstance(value, list | tuple):
        return "; ".join(str(v) for v in value) or "(empty list)"
    text = " ".join(str(value).split())
    return text or "(empty)"


def _load_ticket(context: AppContext, number: int | None) -> _Chosen:
    """Runs on a worker thread: the ticket ``number`` (None: the latest) and its variables."""
    mail = context.mail
    signer = mail.signer(mail.default_account())
    with context.db.read_session() as session:
        query = select(Ticket.id, Ticket.number, Ticket.subject, Customer.name).join(
            Customer, Customer.id == Ticket.customer_id
        )
        if number is None:
            query = query.order_by(Ticket.reported_at.desc(), Ticket.id.desc()).limit(1)
        else:
            query = query.where(Ticket.number == number)
        row = session.execute(query).first()
    if row is None:
        if number is not None:
            raise AivaError(f"There is no ticket #{number}.")
        return _Chosen(None, NO_TICKETS, sample_context(context.db, signer))
    ticket_id, found, subject, customer = row
    return _Chosen(found, f"{customer} — {subject}", context_for(context.db, ticket_id, signer))


class TemplateSettingsPage(QWidget):
    """Edit the message templates with a live preview for a chosen ticket.

    Signals:
        changed(): a template's text was edited (it is not stored until apply()).
    """

    title = "Templates"
    changed = Signal()

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("templateSettingsPage")
        self.setAccessibleName("Template settings")
        self.context = context
        self.library = context.mail.library
        # hook: the template's title -> replace its text with the shipped one?
        self.confirm_restore: Callable[[str], bool] = self._ask_restore
        self._filling = False
        self._current: _Template | None = None
        self._chosen: _Chosen | None = None
        self._loading = 0  # the generation of the ticket being loaded (0: none)
        self._generation = 0
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

        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        splitter.setObjectName("templateSettingsSplitter")
        splitter.setChildrenCollapsible(False)
        splitter.addWidget(self._build_list(splitter))
        splitter.addWidget(self._build_editor(splitter))
        splitter.addWidget(self._build_preview(splitter))
        splitter.setStretchFactor(0, 0)
        splitter.setStretchFactor(1, 3)
        splitter.setStretchFactor(2, 2)
        longest = max(self.fontMetrics().horizontalAdvance(t.title) for t in CATALOG)
        list_width = min(longest + 48, 280)  # indentation, frame and an "(edited)" to spare
        splitter.setSizes([list_width, 430, 330])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(splitter)
        self._fill_list()
        self._show(None)

    # -- layout ----------------------------------------------------------------------

    def _build_list(self, parent: QWidget) -> QWidget:
        box = QWidget(parent)
        layout = QVBoxLayout(box)
        layout.setContentsMargins(0, 0, 4, 0)
        label = QLabel("&Templates", box)
        self.template_list = QTreeWidget(box)
        self.template_list.setObjectName("templateList")
        self.template_list.setAccessibleName("Message templates")
        self.template_list.setHeaderHidden(True)
        self.template_list.setRootIsDecorated(False)
        self.template_list.setIndentation(12)
        self.template_list.setMinimumWidth(160)
        self.template_list.currentItemChanged.connect(self._on_template_list_current_item_changed)
        label.setBuddy(self.template_list)
        self.purpose = QLabel(box)
        self.purpose.setObjectName("templatePurpose")
        self.purpose.setWordWrap(True)
        self.purpose.setTextFormat(Qt.TextFormat.PlainText)
        self.purpose.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.purpose.setMinimumHeight(self.fontMetrics().lineSpacing() * 4)
        layout.addWidget(label)
        layout.addWidget(self.template_list, 1)
        layout.addWidget(self.purpose)
        return box

    def _build_editor(self, parent: QWidget) -> QWidget:
        box = QWidget(parent)
        layout = QVBoxLayout(box)
        layout.setContentsMargins(4, 0, 4, 0)
        self.editor_label = QLabel("&Source", box)
        self.editor = CodeEditor(box)
        self.editor.setObjectName("templateEditor")
        self.editor.setAccessibleName("Template source")
        self.editor.setAccessibleDescription(
            "First line Subject:, a blank line, then the body. {{ name }} inserts a value, "
            "{% if %} and {% for %} are statements, [[ text ]] marks a gap to fill before "
            "sending."
        )
        self.editor.setMinimumWidth(240)
        self.editor_label.setBuddy(self.editor)
        self.restore_button = QPushButton("&Restore shipped version", box)
        self.restore_button.setObjectName("restoreTemplateButton")
        self.restore_button.setAutoDefault(False)
        self.restore_button.setToolTip(
            "Put the text AIVA Desk ships back in the editor; your edit is removed when "
            "you choose OK or Apply."
        )
        self.restore_button.clicked.connect(lambda _checked=False: self.restore_shipped())
        self.state = QLabel(box)
        self.state.setObjectName("templateState")
        self.state.setTextFormat(Qt.TextFormat.PlainText)
        self.state.setWordWrap(True)
        self.state.setMinimumWidth(self.fontMetrics().horizontalAdvance("Changed, not"))
        buttons = QHBoxLayout()
        buttons.addWidget(self.state, 1)
        buttons.addWidget(self.restore_button)
        layout.addWidget(self.editor_label)
        layout.addWidget(self.editor, 1)
        layout.addLayout(buttons)
        return box

    def _build_preview(self, parent: QWidget) -> QWidget:
        box = QWidget(parent)
        box.setMinimumWidth(220)
        layout = QVBoxLayout(box)
        layout.setContentsMargins(4, 0, 0, 0)
        vertical = QSplitter(Qt.Orientation.Vertical, box)
        vertical.setChildrenCollapsible(False)

        preview = QWidget(vertical)
        preview.setObjectName("templatePreview")
        preview_layout = QVBoxLayout(preview)
        preview_layout.setContentsMargins(0, 0, 0, 0)
        preview_layout.addWidget(QLabel("Preview", preview))
        form = QFormLayout()
        preview_layout.addLayout(form, 1)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.ticket_field = QLineEdit(preview)
        self.ticket_field.setObjectName("previewTicketField")
        self.ticket_field.setAccessibleName("Ticket number for the preview")
        self.ticket_field.setPlaceholderText("number")
        self.ticket_field.setValidator(QIntValidator(1, 2_000_000_000, self.ticket_field))
        self.ticket_field.setMaximumWidth(self.fontMetrics().horizontalAdvance("0") * 12)
        self.ticket_field.setToolTip("The ticket whose details fill the preview (Enter to use it)")
        self.ticket_field.editingFinished.connect(self._on_ticket_field_editing_finished)
        ticket_label = QLabel("Tic&ket #:", preview)
        ticket_label.setBuddy(self.ticket_field)
        self.ticket_label = QLabel(preview)
        self.ticket_label.setObjectName("previewTicketLabel")
        self.ticket_label.setWordWrap(True)
        self.ticket_label.setTextFormat(Qt.TextFormat.PlainText)
        form.addRow(ticket_label, self.ticket_field)
        form.addRow(self.ticket_label)
        self.preview_subject = QLineEdit(preview)
        self.preview_subject.setObjectName("previewSubject")
        self.preview_subject.setAccessibleName("Preview subject")
        self.preview_subject.setReadOnly(True)
        form.addRow("Subject:", self.preview_subject)
        self.preview_body = QPlainTextEdit(preview)
        self.preview_body.setObjectName("previewBody")
        self.preview_body.setAccessibleName("Preview body")
        self.preview_body.setReadOnly(True)
        self.preview_body.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        self._highlighters.append(JinjaHighlighter(self.preview_body.document()))  # the gaps
        form.addRow(self.preview_body)
        self.preview_note = QLabel(preview)  # a problem, the gaps, or why there is no preview
        self.preview_note.setObjectName("previewNote")
        self.preview_note.setWordWrap(True)
        self.preview_note.setTextFormat(Qt.TextFormat.PlainText)
        self.preview_note.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        form.addRow(self.preview_note)

        names = QWidget(vertical)
        names.setObjectName("templateVariables")
        names_layout = QVBoxLayout(names)
        names_layout.setContentsMargins(0, 4, 0, 0)
        names_label = QLabel("&Variables (double click inserts one)", names)
        names_layout.addWidget(names_label)
        self.variable_list = QTreeWidget(names)
        self.variable_list.setObjectName("templateVariableList")
        self.variable_list.setAccessibleName("Variables (double click inserts one)")
        self.variable_list.setToolTip("Double click (or Enter) inserts the variable at the cursor")
        self.variable_list.setColumnCount(2)
        self.variable_list.setHeaderLabels(["Name", "For this ticket"])
        self.variable_list.setRootIsDecorated(False)
        self.variable_list.setUniformRowHeights(True)
        self.variable_list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        header = self.variable_list.header()
        header.setStretchLastSection(True)
        header.setSectionResizeMode(VAR_NAME, QHeaderView.ResizeMode.ResizeToContents)
        self.variable_list.itemActivated.connect(self._on_variable_list_item_activated)
        names_label.setBuddy(self.variable_list)
        names_layout.addWidget(self.variable_list)
        vertical.addWidget(preview)
        vertical.addWidget(names)
        vertical.setStretchFactor(0, 3)
        vertical.setStretchFactor(1, 2)
        layout.addWidget(vertical)
        return box

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
            chosen = _load_ticket(self.context, number)
        except AivaError:  # the number typed does not exist: the latest ticket then
            chosen = _load_ticket(self.context, None)
        return chosen.values

    # -- the template list ----------------------------------------------------------------

    def _fill_list(self) -> None:
        self._filling = True
        try:
            self.template_list.clear()
            bold = QFont(self.template_list.font())
            bold.setBold(True)
            for audience, heading_text in AUDIENCES:
                heading = QTreeWidgetItem(self.template_list, [heading_text])
                heading.setFlags(Qt.ItemFlag.ItemIsEnabled)
                heading.setFont(0, bold)
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
        if os.environ.get(NO_ERROR_DIALOGS_ENV):  # an automated run: never wait on a modal
            return True
        box = QMessageBox(self)
        box.setObjectName("restoreTemplateBox")
        box.setIcon(QMessageBox.Icon.Question)
        box.setWindowTitle("Restore shipped version")
        box.setText(f"Replace your text of “{title}” with the shipped version?")
        box.setInformativeText(
            "Your edit is removed when you choose OK or Apply. Until then Ctrl+Z in the "
            "editor brings your text back, and Cancel keeps it."
        )
        buttons = QMessageBox.StandardButton
        restore = box.addButton("Restore", QMessageBox.ButtonRole.AcceptRole)
        box.addButton(buttons.Cancel)
        box.setDefaultButton(buttons.Cancel)
        box.exec()
        return box.clickedButton() is restore

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
        self._generation += 1
        generation = self._loading = self._generation
        self.ticket_label.setText("Loading…")
        context = self.context
        BackgroundTask(
            lambda: _load_ticket(context, number),
            parent=self,
            writes=False,
            label="template preview ticket",
        ).success(lambda chosen: self._on_ticket_loaded(generation, chosen)).failure(
            lambda exc: self._on_ticket_failed(generation, exc)
        ).run_in_background()

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

    def _on_ticket_loaded(self, generation: int, chosen: _Chosen) -> None:
        if generation != self._loading:
            return  # another ticket was chosen meanwhile
        self._loading = 0
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

    def _on_ticket_failed(self, generation: int, exc: Exception) -> None:
        if generation != self._loading:
            return
        self._loading = 0
        if not isinstance(exc, AivaError):
            show_error(self, exc)
        self.ticket_label.setText(str(exc))
        if self._chosen is not None and self._chosen.number is not None:
            self.ticket_field.setText(str(self._chosen.number))  # the preview's ticket

    def _fill_variables(self, values: dict[str, Any]) -> None:
        self.variable_list.clear()
        for name, value in variables(values):
            row = QTreeWidgetItem(self.variable_list, [name, _shown(value)])
            row.setData(VAR_NAME, ROLE, name)
            row.setFont(VAR_NAME, self._mono)
            row.setToolTip(VAR_NAME, f"Inserts {snippet(name, value).strip()}")
            row.setToolTip(VAR_VALUE, _shown(value)[:500])

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
        palette = self.preview_note.palette()
        palette.setColor(palette.ColorRole.WindowText, color)
        self.preview_note.setPalette(palette)
