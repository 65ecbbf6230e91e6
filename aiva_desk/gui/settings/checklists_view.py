"""The layout of Settings → Checklists: the template list, and the selected one's editor.

Layout only: :class:`~aiva_desk.gui.settings.checklists_page.ChecklistSettingsPage`
fills these widgets and reacts to them. Left, the templates under their kind and a
New checklist menu; right, the name, the kind and its note, the items with their
buttons, a line for refused removals, and the categories a question set is attached to.
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QMenu,
    QPushButton,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QToolButton,
    QTreeWidget,
    QVBoxLayout,
    QWidget,
)

from aiva_desk.gui.common.forms import fill_with_panes, heading_tree
from aiva_desk.tickets.checklist_definitions import CREATABLE_KINDS, KIND_LABELS

ITEM_TEXT, ITEM_SOURCE, ITEM_RECORDED = range(3)


class ReadOnlyDelegate(QStyledItemDelegate):
    """Columns of the item list that describe an item and are not edited."""

    def createEditor(
        self, _parent: QWidget, _option: QStyleOptionViewItem, _index: QModelIndex
    ) -> QWidget | None:
        return None


class ChecklistSettingsView(QWidget):
    """The checklist templates by kind, and the name, items and categories of one."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("checklistSettingsPage")
        self.setAccessibleName("Checklist settings")
        fill_with_panes(self, (self._build_list, self._build_editor), (0, 1), (250, 650))

    def _build_list(self, parent: QWidget) -> QWidget:
        box = QWidget(parent)
        layout = QVBoxLayout(box)
        layout.setContentsMargins(0, 0, 4, 0)
        label = QLabel("&Checklists", box)
        self.templates = heading_tree("checklistTemplateList", "Checklist templates", 220, box)
        label.setBuddy(self.templates)
        self.new_button = QToolButton(box)
        self.new_button.setObjectName("newChecklistButton")
        self.new_button.setText("&New checklist")
        self.new_button.setAccessibleName("New checklist")
        self.new_button.setToolTip("Add a checklist of the chosen kind")
        self.new_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.new_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        menu = QMenu(self.new_button)
        self.new_actions: dict[str, QAction] = {
            kind: menu.addAction(KIND_LABELS[kind]) for kind in CREATABLE_KINDS
        }
        self.new_button.setMenu(menu)
        layout.addWidget(label)
        layout.addWidget(self.templates, 1)
        layout.addWidget(self.new_button, 0, Qt.AlignmentFlag.AlignLeft)
        return box

    def _build_editor(self, parent: QWidget) -> QWidget:
        box = QWidget(parent)
        layout = QVBoxLayout(box)
        layout.setContentsMargins(4, 0, 0, 0)

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        name_row = QHBoxLayout()
        self.name = QLineEdit(box)
        self.name.setObjectName("checklistName")
        self.name.setAccessibleName("Checklist name")
        self.name.setMaxLength(120)
        self.active = QCheckBox("Sho&wn on tickets", box)
        self.active.setObjectName("checklistActive")
        self.active.setToolTip(
            "Switched off, a checklist no longer shows on tickets; what tickets recorded "
            "on it is kept and shows again when it is switched back on."
        )
        name_row.addWidget(self.name, 1)
        name_row.addWidget(self.active)
        name_label = QLabel("N&ame:", box)
        name_label.setBuddy(self.name)
        form.addRow(name_label, name_row)
        self.kind = QLabel(box)
        self.kind.setObjectName("checklistKind")
        self.kind.setWordWrap(True)
        self.kind.setTextFormat(Qt.TextFormat.RichText)
        form.addRow("Kind:", self.kind)
        layout.addLayout(form)

        items_box = QGroupBox("&Items", box)
        items_box.setObjectName("checklistItemsBox")
        items_layout = QHBoxLayout(items_box)
        self.items = QTreeWidget(items_box)
        self.items.setObjectName("checklistItemList")
        self.items.setAccessibleName("Checklist items")
        self.items.setAccessibleDescription(
            "F2 edits an item, Insert adds one, Delete removes it, Alt+Up and Alt+Down move it."
        )
        self.items.setColumnCount(3)
        self.items.setHeaderLabels(["Item", "Checks itself from", "Recorded on"])
        self.items.setRootIsDecorated(False)
        self.items.setUniformRowHeights(True)
        self.items.setAlternatingRowColors(True)
        self.items.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.items.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.SelectedClicked
        )
        self._read_only = ReadOnlyDelegate(self.items)
        self.items.setItemDelegateForColumn(ITEM_SOURCE, self._read_only)
        self.items.setItemDelegateForColumn(ITEM_RECORDED, self._read_only)
        header = self.items.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(ITEM_TEXT, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(ITEM_SOURCE, QHeaderView.ResizeMode.Interactive)
        header.resizeSection(ITEM_SOURCE, 130)  # long sources elide; the tooltip has them
        header.setSectionResizeMode(ITEM_RECORDED, QHeaderView.ResizeMode.ResizeToContents)
        items_layout.addWidget(self.items, 1)

        buttons = QVBoxLayout()
        self.add_button = self._button("&Add", "addChecklistItemButton", "Add an item (Insert)")
        self.remove_button = self._button(
            "&Remove", "removeChecklistItemButton", "Remove the selected item (Delete)"
        )
        self.up_button = self._button("Move &up", "moveChecklistItemUpButton", "Alt+Up")
        self.down_button = self._button("Move &down", "moveChecklistItemDownButton", "Alt+Down")
        for button in (self.add_button, self.remove_button, self.up_button, self.down_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        items_layout.addLayout(buttons)
        layout.addWidget(items_box, 3)
        self.message = QLabel(box)  # why an item stays (refused removals)
        self.message.setObjectName("checklistSettingsMessage")
        self.message.setWordWrap(True)
        self.message.setTextFormat(Qt.TextFormat.PlainText)
        self.message.setAccessibleName("Checklist settings message")
        self.message.hide()
        layout.addWidget(self.message)

        self.categories_box = QGroupBox("Attached to &categories", box)
        self.categories_box.setObjectName("checklistCategoriesBox")
        categories_layout = QVBoxLayout(self.categories_box)
        self.categories = QListWidget(self.categories_box)
        self.categories.setObjectName("checklistCategoryList")
        self.categories.setAccessibleName("Categories this question set is attached to")
        categories_layout.addWidget(self.categories)
        layout.addWidget(self.categories_box, 2)
        return box

    def _button(self, text: str, name: str, tip: str) -> QPushButton:
        button = QPushButton(text, self)
        button.setObjectName(name)
        button.setToolTip(tip)
        button.setAutoDefault(False)
        return button
