"""The layout of Settings → Templates: the template list, the source editor, the preview.

Layout only: :class:`~aiva_desk.gui.settings.templates_page.TemplateSettingsPage`
fills these widgets and reacts to them. Left, the templates under their audience and
what the selected one is for; middle, its source in a code editor; right, the message
as it would go out for a chosen ticket, and that ticket's variables.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QIntValidator
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTreeWidget,
    QVBoxLayout,
    QWidget,
)

from aiva_desk.gui.common.forms import fill_with_panes, heading_tree
from aiva_desk.gui.settings.code_editor import CodeEditor
from aiva_desk.gui.settings.jinja_highlighter import JinjaHighlighter
from aiva_desk.mail.message_templates import CATALOG

VAR_NAME, VAR_VALUE = range(2)


class TemplateSettingsView(QWidget):
    """The template list, the source editor, and the preview with its variables."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("templateSettingsPage")
        self.setAccessibleName("Template settings")
        longest = max(self.fontMetrics().horizontalAdvance(t.title) for t in CATALOG)
        list_width = min(longest + 48, 280)  # indentation, frame and an "(edited)" to spare
        fill_with_panes(
            self,
            (self._build_list, self._build_editor, self._build_preview),
            (0, 3, 2),
            (list_width, 430, 330),
            name="templateSettingsSplitter",
        )

    def _build_list(self, parent: QWidget) -> QWidget:
        box = QWidget(parent)
        layout = QVBoxLayout(box)
        layout.setContentsMargins(0, 0, 4, 0)
        label = QLabel("&Templates", box)
        self.template_list = heading_tree("templateList", "Message templates", 160, box)
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
        self._preview_highlighter = JinjaHighlighter(self.preview_body.document())  # the gaps
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
        names_label.setBuddy(self.variable_list)
        names_layout.addWidget(self.variable_list)
        vertical.addWidget(preview)
        vertical.addWidget(names)
        vertical.setStretchFactor(0, 3)
        vertical.setStretchFactor(1, 2)
        layout.addWidget(vertical)
        return box
