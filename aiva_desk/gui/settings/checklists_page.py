"""Settings → Checklists: the SOP's checklist templates, edited as data.

On the left the templates grouped by kind; on the right the selected one's name, its
items (edited in place: F2 or a double click; Del removes, Alt+Up/Alt+Down move,
Insert adds) and, for an issue-type question set, the categories it is attached to.
Nothing is stored until :meth:`ChecklistSettingsPage.apply`, which saves every edited
template in one transaction through :mod:`aiva_desk.tickets.checklist_definitions` (or none).

An item that tickets have already checked or answered cannot be removed (the page says
so at once and keeps it); the close gate keeps its name and its self-checking items.

The widgets are laid out by :mod:`aiva_desk.gui.settings.checklists_view`; the
templates being edited are :mod:`aiva_desk.gui.settings.checklists_drafts`.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QKeySequence, QPalette, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QLineEdit,
    QListWidgetItem,
    QStyledItemDelegate,
    QTreeWidgetItem,
    QWidget,
)

from aiva_desk.app_context import AppContext
from aiva_desk.errors import ValidationError
from aiva_desk.gui.common.forms import add_heading
from aiva_desk.gui.editor.sop.checklists import source_name
from aiva_desk.gui.settings.checklists_drafts import ChecklistDraft, ItemDraft
from aiva_desk.gui.settings.checklists_view import (
    ITEM_RECORDED,
    ITEM_SOURCE,
    ITEM_TEXT,
    ChecklistSettingsView,
)
from aiva_desk.tickets.checklist_definitions import (
    KIND_LABELS,
    KINDS,
    list_templates,
    save_templates,
)

ROLE = Qt.ItemDataRole.UserRole
KIND_NOTES = {
    "information": (
        "Shown on every ticket. Items ending in “?” are asked in the Request for "
        "Information message."
    ),
    "questions": (
        "Shown on the tickets of the categories ticked below; its questions are asked "
        "first in the Request for Information message."
    ),
    "pre_resolution": (
        "The close gate: a ticket closes only when every item is done. It keeps its "
        "name, stays on, and its self-checking items cannot be removed."
    ),
    "post_review": "Shown on every ticket, for the review after it is closed.",
    "documentation": "Shown on every ticket: what to document, and where.",
}


class ChecklistSettingsPage(ChecklistSettingsView):
    """Edit checklist templates: items, names, switched on or off, attached categories.

    Signals:
        changed(): something on the page was edited (it is not stored until apply()).
    """

    title = "Checklists"
    icon_name = "close-ticket"
    changed = Signal()

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.drafts: list[ChecklistDraft] = []
        self._current: ChecklistDraft | None = None
        self._filling = False
        self._new_count = 0

        self.templates.currentItemChanged.connect(self._on_templates_current_item_changed)
        for kind, action in self.new_actions.items():
            action.triggered.connect(lambda _checked=False, k=kind: self.new_template(k))
        self.name.textEdited.connect(self._on_name_text_edited)
        self.active.toggled.connect(self._on_active_toggled)
        self.items.itemChanged.connect(self._on_items_item_changed)
        self.items.currentItemChanged.connect(lambda *_: self._update_buttons())
        self.add_button.clicked.connect(lambda _checked=False: self.add_item())
        self.remove_button.clicked.connect(lambda _checked=False: self.remove_item())
        self.up_button.clicked.connect(lambda _checked=False: self.move_item(-1))
        self.down_button.clicked.connect(lambda _checked=False: self.move_item(1))
        for keys, slot in (
            (QKeySequence.StandardKey.Delete, self.remove_item),
            (QKeySequence("Alt+Up"), lambda: self.move_item(-1)),
            (QKeySequence("Alt+Down"), lambda: self.move_item(1)),
            (QKeySequence("Insert"), self.add_item),
        ):
            shortcut = QShortcut(keys, self.items)
            shortcut.setContext(Qt.ShortcutContext.WidgetShortcut)
            shortcut.activated.connect(slot)
        self.categories.itemChanged.connect(self._on_categories_item_changed)
        self._show_draft(None)

    # -- the protocol of a settings page ---------------------------------------------

    def load(self) -> None:
        """Show what is stored (edits not applied are dropped)."""
        keep = self._current.original.id if self._current and self._current.original else None
        self.drafts = [ChecklistDraft.of(template) for template in list_templates(self.context.db)]
        self._category_names = {
            c.id: c.name + ("" if c.active else " (inactive)")
            for c in self.context.tickets.categories(active_only=False)
        }
        self._fill_templates()
        chosen = next((d for d in self.drafts if d.original and d.original.id == keep), None)
        self.select(chosen or (self.drafts[0] if self.drafts else None))
        self._say("")

    def apply(self) -> None:
        """Store every edited template in one transaction; on a problem nothing is stored
        and the :class:`ValidationError` naming it is raised (its template is selected)."""
        self._commit_editor()
        dirty = [draft for draft in self.drafts if draft.dirty]
        if not dirty:
            return
        edits = [draft.edit() for draft in dirty]
        try:
            save_templates(self.context.db, edits, actor=self.context.actor)
        except ValidationError as exc:
            key = next(iter(exc.problems), "")
            index = int(key.split(".", 1)[0]) if len(dirty) > 1 and "." in key else 0
            self.select(dirty[index])
            raise
        keep = self._current
        self.load()
        if keep is not None and keep.original is None:  # select the template just created
            name = keep.name.strip().casefold()
            self.select(next((d for d in self.drafts if d.name.casefold() == name), None))

    def is_dirty(self) -> bool:
        return any(draft.dirty for draft in self.drafts)

    # -- the template list ------------------------------------------------------------

    def _fill_templates(self) -> None:
        self._filling = True
        try:
            self.templates.clear()
            self._rows: dict[int, QTreeWidgetItem] = {}
            for kind in KINDS:
                drafts = [d for d in self.drafts if d.kind == kind]
                if not drafts:
                    continue
                heading = add_heading(self.templates, KIND_LABELS[kind])
                for draft in drafts:
                    row = QTreeWidgetItem(heading)
                    row.setData(0, ROLE, id(draft))
                    self._rows[id(draft)] = row
                    self._label_row(draft)
                heading.setExpanded(True)
        finally:
            self._filling = False

    def _label_row(self, draft: ChecklistDraft) -> None:
        row = self._rows.get(id(draft))
        if row is None:
            return
        name = draft.name.strip() or "(no name)"
        off = not draft.active
        row.setText(0, name + (" (off)" if off else "") + (" •" if draft.dirty else ""))
        font = row.font(0)
        font.setItalic(off)
        row.setFont(0, font)
        role = QPalette.ColorRole.PlaceholderText if off else QPalette.ColorRole.Text
        row.setForeground(0, QBrush(self.palette().color(role)))
        tip = f"{name}\n{KIND_LABELS[draft.kind]}, {len(draft.items)} items"
        if draft.dirty:
            tip += " · edited, not applied yet"
        row.setToolTip(0, tip)

    def _draft_of(self, row: QTreeWidgetItem | None) -> ChecklistDraft | None:
        if row is None:
            return None
        key = row.data(0, ROLE)
        return next((d for d in self.drafts if id(d) == key), None)

    def select(self, draft: ChecklistDraft | None) -> None:
        row = self._rows.get(id(draft)) if draft is not None else None
        if row is not None:
            self.templates.setCurrentItem(row)
        else:
            self._show_draft(None)

    def template_named(self, name: str) -> ChecklistDraft:
        return next(d for d in self.drafts if d.name == name)

    def _on_templates_current_item_changed(
        self, current: QTreeWidgetItem | None, _previous: QTreeWidgetItem | None
    ) -> None:
        if self._filling:
            return
        self._commit_editor()
        self._say("")
        self._show_draft(self._draft_of(current))

    def new_template(self, kind: str) -> ChecklistDraft:
        """Add an unsaved template of ``kind`` with one item to fill in; select its name."""
        self._new_count += 1
        names = {d.name.casefold() for d in self.drafts}
        name, number = "New checklist", 1
        while name.casefold() in names:
            number += 1
            name = f"New checklist {number}"
        draft = ChecklistDraft(kind, name, True, [], set(), None, self._new_count)
        self.drafts.append(draft)
        self._fill_templates()
        self.select(draft)
        self.name.setFocus()
        self.name.selectAll()
        self.changed.emit()
        return draft

    # -- the selected template ----------------------------------------------------------

    def _show_draft(self, draft: ChecklistDraft | None) -> None:
        self._current = draft
        self._filling = True
        try:
            enabled = draft is not None
            for widget in (self.name, self.active, self.items, self.categories_box):
                widget.setEnabled(enabled)
            self.name.setText(draft.name if draft else "")
            self.name.setReadOnly(bool(draft and draft.gate and draft.original))
            self.name.setToolTip(
                "The close gate keeps its name: the gate's message names it."
                if draft and draft.gate
                else ""
            )
            self.active.setChecked(bool(draft and draft.active))
            self.active.setEnabled(bool(draft and not draft.gate))
            if draft is None:
                self.kind.setText("")
            else:
                self.kind.setText(f"<b>{KIND_LABELS[draft.kind]}</b> — {KIND_NOTES[draft.kind]}")
            self.items.clear()
            for item in draft.items if draft else []:
                self._add_row(item)
            self._fill_categories(draft)
        finally:
            self._filling = False
        self._update_buttons()

    def _add_row(self, item: ItemDraft, index: int | None = None) -> QTreeWidgetItem:
        row = QTreeWidgetItem()
        row.setFlags(row.flags() | Qt.ItemFlag.ItemIsEditable)
        row.setText(ITEM_TEXT, item.text)
        row.setData(ITEM_TEXT, ROLE, id(item))
        if item.field:
            row.setText(ITEM_SOURCE, source_name(item.field))
            row.setToolTip(
                ITEM_SOURCE,
                f"Checks itself while {source_name(item.field)} is filled; it keeps doing so "
                "when the text is reworded.",
            )
        row.setToolTip(ITEM_TEXT, item.text)
        if item.recorded:
            count = "1 ticket" if item.recorded == 1 else f"{item.recorded} tickets"
            row.setText(ITEM_RECORDED, count)
            row.setToolTip(
                ITEM_RECORDED,
                "Checked or answered on these tickets: it can be reworded, not removed.",
            )
        if index is None:
            self.items.addTopLevelItem(row)
        else:
            self.items.insertTopLevelItem(index, row)
        return row

    def _fill_categories(self, draft: ChecklistDraft | None) -> None:
        """Categories are only for question sets; the other kinds show on every ticket
        (the kind's note says so) and the box is hidden."""
        self.categories.clear()
        attachable = bool(draft and draft.attachable)
        self.categories_box.setVisible(attachable)
        if not attachable or draft is None:
            return
        for category_id, name in self._category_names.items():
            entry = QListWidgetItem(name, self.categories)
            entry.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsUserCheckable)
            checked = category_id in draft.category_ids
            entry.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)
            entry.setData(ROLE, category_id)

    def _item_of(self, row: QTreeWidgetItem | None) -> ItemDraft | None:
        if row is None or self._current is None:
            return None
        key = row.data(ITEM_TEXT, ROLE)
        return next((i for i in self._current.items if id(i) == key), None)

    def _update_buttons(self) -> None:
        draft = self._current
        row = self.items.currentItem()
        index = self.items.indexOfTopLevelItem(row) if row is not None else -1
        count = self.items.topLevelItemCount()
        self.add_button.setEnabled(draft is not None)
        self.remove_button.setEnabled(index >= 0)
        self.up_button.setEnabled(index > 0)
        self.down_button.setEnabled(0 <= index < count - 1)
        item = self._item_of(row)
        refused = draft.removal_refused(item) if draft and item else None
        self.remove_button.setToolTip(refused or "Remove the selected item (Delete)")

    def _touched(self) -> None:
        if self._current is not None:
            self._label_row(self._current)
        self._update_buttons()
        self.changed.emit()

    def _say(self, text: str) -> None:
        self.message.setText(text)
        self.message.setVisible(bool(text))

    # -- edits ---------------------------------------------------------------------------

    def _on_name_text_edited(self, text: str) -> None:
        if self._current is not None and not self._filling:
            self._current.name = text
            self._touched()

    def _on_active_toggled(self, checked: bool) -> None:
        if self._current is not None and not self._filling:
            self._current.active = checked
            self._touched()

    def _on_items_item_changed(self, row: QTreeWidgetItem, column: int) -> None:
        item = self._item_of(row)
        if self._filling or item is None or column != ITEM_TEXT:
            return
        if row.text(ITEM_TEXT) != item.text:
            item.text = row.text(ITEM_TEXT)
            self._touched()

    def _on_categories_item_changed(self, entry: QListWidgetItem) -> None:
        if self._filling or self._current is None:
            return
        category_id = entry.data(ROLE)
        if entry.checkState() == Qt.CheckState.Checked:
            self._current.category_ids.add(category_id)
        else:
            self._current.category_ids.discard(category_id)
        self._touched()

    def _commit_editor(self) -> None:
        """Take the text of an item still being edited in place."""
        if self.items.state() != QAbstractItemView.State.EditingState:
            return
        editor = QApplication.focusWidget()
        if isinstance(editor, QLineEdit) and self.items.isAncestorOf(editor):
            self.items.commitData(editor)
            self.items.closeEditor(editor, QStyledItemDelegate.EndEditHint.NoHint)

    def add_item(self, text: str = "") -> None:
        """Add an item below the selected one and start editing its text."""
        if self._current is None:
            return
        self._commit_editor()
        row = self.items.currentItem()
        index = self.items.indexOfTopLevelItem(row) + 1 if row else len(self._current.items)
        item = ItemDraft(text)
        self._current.items.insert(index, item)
        self._filling = True
        try:
            new_row = self._add_row(item, index)
        finally:
            self._filling = False
        self.items.setCurrentItem(new_row, ITEM_TEXT)
        self.items.setFocus()
        if not text:
            self.items.editItem(new_row, ITEM_TEXT)
        self._touched()

    def remove_item(self) -> None:
        """Remove the selected item, unless tickets recorded it (then say why, keep it)."""
        row = self.items.currentItem()
        item = self._item_of(row)
        if self._current is None or item is None or row is None:
            return
        refused = self._current.removal_refused(item)
        if refused:
            self._say(refused)
            return
        self._say("")
        index = self.items.indexOfTopLevelItem(row)
        self._current.items.remove(item)
        self.items.takeTopLevelItem(index)
        following = self.items.topLevelItem(min(index, self.items.topLevelItemCount() - 1))
        if following is not None:
            self.items.setCurrentItem(following, ITEM_TEXT)
        self._touched()

    def move_item(self, step: int) -> None:
        """Move the selected item ``step`` places (−1 up, 1 down)."""
        row = self.items.currentItem()
        item = self._item_of(row)
        if self._current is None or item is None or row is None:
            return
        index = self.items.indexOfTopLevelItem(row)
        target = index + step
        if not 0 <= target < self.items.topLevelItemCount():
            return
        items = self._current.items
        items.insert(target, items.pop(index))
        self._filling = True
        try:
            self.items.takeTopLevelItem(index)
            self.items.insertTopLevelItem(target, row)
        finally:
            self._filling = False
        self.items.setCurrentItem(row, ITEM_TEXT)
        self._touched()

    # -- queries (for tests) -------------------------------------------------------------

    def item_texts(self) -> list[str]:
        return [
            self.items.topLevelItem(i).text(ITEM_TEXT)
            for i in range(self.items.topLevelItemCount())
        ]

    def item_row(self, text: str) -> QTreeWidgetItem:
        for i in range(self.items.topLevelItemCount()):
            row = self.items.topLevelItem(i)
            if row.text(ITEM_TEXT) == text:
                return row
        raise KeyError(text)

    def category_entry(self, name: str) -> QListWidgetItem:
        for i in range(self.categories.count()):
            if self.categories.item(i).text() == name:
                return self.categories.item(i)
        raise KeyError(name)
