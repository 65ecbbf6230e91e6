"""The side list of views: built-in views and the agent's saved ones, with live counts.

Counts are read on a worker thread (``queue.counts``) when asked — after any change
to the database and once a minute, since "Breaching soon" and "Breached" move with
the clock. The "I am" chooser sets whose tickets "My open" shows.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from PySide6.QtCore import QPoint, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QFont
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QMenu,
    QMessageBox,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from aiva_desk import clock
from aiva_desk.app_context import AppContext
from aiva_desk.gui.common import theme
from aiva_desk.gui.common.icons import icon
from aiva_desk.gui.tasks import BackgroundTask
from aiva_desk.queue import query as queue
from aiva_desk.queue import views
from aiva_desk.queue.query import QueueFilter, builtin_views

log = logging.getLogger(__name__)

KEY_ROLE = Qt.ItemDataRole.UserRole + 1
COUNT_INTERVAL_MS = 60_000
BUILTIN_PREFIX = "builtin:"
SAVED_PREFIX = "saved:"


@dataclass(frozen=True)
class ViewChoice:
    """What selecting a view sets: a filter and, for saved views, a sort order."""

    key: str  # "builtin:<key>" or "saved:<id>"
    label: str
    filter: QueueFilter
    sort_key: str | None = None
    descending: bool | None = None

    @property
    def saved_id(self) -> int | None:
        if not self.key.startswith(SAVED_PREFIX):
            return None
        return int(self.key.removeprefix(SAVED_PREFIX))


class ViewListPanel(QWidget):
    """The "I am" chooser above the list of views (``viewList``).

    Signals:
        view_selected(ViewChoice): the agent chose a view (or its filter changed with "me").
        counts_updated(dict): fresh counts arrived, by view key.
        saved_views_changed(): a saved view was renamed or deleted.
        me_changed(object): the staff id chosen under "I am" (or None).
    """

    view_selected = Signal(object)
    counts_updated = Signal(dict)
    saved_views_changed = Signal()
    me_changed = Signal(object)

    def __init__(
        self,
        context: AppContext,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("viewPanel")
        self._context = context
        self._saved: list[views.View] = []
        self._items: dict[str, QTreeWidgetItem] = {}
        self._counts: dict[str, int] = {}
        self._count_generation = 0
        self._counting = False
        self._count_again = False
        self.rename_dialog: QInputDialog | None = None
        self.delete_box: QMessageBox | None = None

        self.me_combo = QComboBox(self)
        self.me_combo.setObjectName("meCombo")
        self.me_combo.setAccessibleName("I am")
        self.me_combo.setToolTip("Whose tickets “My open” shows, and who “Me” is in filters")
        me_label = QLabel("I &am", self)
        me_label.setBuddy(self.me_combo)
        me_row = QHBoxLayout()
        me_row.setContentsMargins(0, 0, 0, 0)
        me_row.addWidget(me_label)
        me_row.addWidget(self.me_combo, 1)

        self.tree = QTreeWidget(self)
        self.tree.setObjectName("viewList")
        self.tree.setAccessibleName("Views")
        self.tree.setAccessibleDescription(
            "Built-in and saved views with the number of tickets in each"
        )
        self.tree.setColumnCount(2)
        self.tree.setHeaderHidden(True)
        self.tree.setRootIsDecorated(False)
        self.tree.setIndentation(10)
        self.tree.setUniformRowHeights(True)
        self.tree.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        header = self.tree.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        layout.addLayout(me_row)
        layout.addWidget(self.tree, 1)

        self.rename_action = QAction(icon("rename"), "&Rename View…", self)
        self.rename_action.setObjectName("renameViewAction")
        self.delete_action = QAction(icon("delete"), "&Delete View…", self)
        self.delete_action.setObjectName("deleteViewAction")
        self.rename_action.triggered.connect(self._on_rename_action_triggered)
        self.delete_action.triggered.connect(self._on_delete_action_triggered)

        self._builtin_group = self._group("Views")
        self._saved_group = self._group("Saved views")
        for view in builtin_views(clock.now(), None):
            self._add_view_item(self._builtin_group, BUILTIN_PREFIX + view.key, view.label)
        self._fill_me_combo()

        self._count_timer = QTimer(self)
        self._count_timer.setInterval(COUNT_INTERVAL_MS)
        self._count_timer.timeout.connect(self.refresh_counts)
        self._count_timer.start()
        self.tree.currentItemChanged.connect(self._on_tree_current_item_changed)
        self.tree.customContextMenuRequested.connect(self._on_tree_context_menu_requested)
        self.me_combo.currentIndexChanged.connect(self._on_me_combo_current_index_changed)

    # -- building ------------------------------------------------------------------

    def _group(self, title: str) -> QTreeWidgetItem:
        item = QTreeWidgetItem(self.tree, [title.upper(), ""])
        item.setFlags(Qt.ItemFlag.ItemIsEnabled)
        font = QFont(self.font())
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 0.85)
        item.setFont(0, font)
        item.setForeground(0, theme.muted_color())
        item.setExpanded(True)
        item.setFirstColumnSpanned(True)
        return item

    def _add_view_item(self, group: QTreeWidgetItem, key: str, label: str) -> QTreeWidgetItem:
        item = QTreeWidgetItem(group, [label, ""])
        item.setData(0, KEY_ROLE, key)
        item.setIcon(0, icon("save-view" if key.startswith(SAVED_PREFIX) else "views"))
        item.setTextAlignment(1, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        item.setForeground(1, theme.muted_color())
        item.setData(0, Qt.ItemDataRole.AccessibleTextRole, label)
        self._items[key] = item
        if key in self._counts:
            self._show_count(key, self._counts[key])
        group.setExpanded(True)
        return item

    def reload_staff(self) -> None:
        """The staff list or "me" changed in Settings: "I am" offers who is active now,
        and follows a "me" chosen there as if chosen here."""
        before = self.me_combo.currentData()
        self._fill_me_combo()
        if self.me_combo.currentData() != before:
            self._on_me_combo_current_index_changed(self.me_combo.currentIndex())

    def _fill_me_combo(self) -> None:
        blocked = self.me_combo.blockSignals(True)
        self.me_combo.clear()
        self.me_combo.addItem("Nobody chosen", None)
        for member in self._context.tickets.staff():
            self.me_combo.addItem(icon("person"), member.name, member.id)
        index = self.me_combo.findData(self._context.settings.me_staff_id)
        self.me_combo.setCurrentIndex(max(index, 0))
        self.me_combo.blockSignals(blocked)

    # -- views ---------------------------------------------------------------------

    def builtin_choices(self) -> dict[str, ViewChoice]:
        """The built-in views' filters for now and the current "me"."""
        settings = self._context.settings
        return {
            BUILTIN_PREFIX + v.key: ViewChoice(BUILTIN_PREFIX + v.key, v.label, v.filter)
            for v in builtin_views(
                clock.now(),
                settings.me_staff_id,
                dt.timedelta(minutes=settings.breaching_soon_minutes),
            )
        }

    def saved_choices(self) -> dict[str, ViewChoice]:
        return {
            SAVED_PREFIX + str(v.id): ViewChoice(
                SAVED_PREFIX + str(v.id), v.name, v.filter, v.sort_key, v.descending
            )
            for v in self._saved
        }

    def choice(self, key: str) -> ViewChoice | None:
        """The view ``key`` as it applies now (built-in filters move with the clock)."""
        return self.builtin_choices().get(key) or self.saved_choices().get(key)

    def current_key(self) -> str | None:
        item = self.tree.currentItem()
        return item.data(0, KEY_ROLE) if item is not None else None

    def current_choice(self) -> ViewChoice | None:
        key = self.current_key()
        return self.choice(key) if key else None

    def select_key(self, key: str) -> bool:
        """Make ``key`` the current view (emits ``view_selected``); False if unknown."""
        item = self._items.get(key)
        if item is None:
            return False
        if self.tree.currentItem() is item:
            self._emit_current()
        else:
            self.tree.setCurrentItem(item)
        return True

    def view_keys(self) -> list[str]:
        return list(self._items)

    def label(self, key: str) -> str:
        return self._items[key].text(0)

    def reload_saved_views(self) -> None:
        """Read the agent's saved views again (a quick read of one small table)."""
        self._saved = views.list_views(self._context.db, self._context.view_owner)
        current = self.current_key()
        for key in [k for k in self._items if k.startswith(SAVED_PREFIX)]:
            item = self._items.pop(key)
            self._saved_group.removeChild(item)
        for choice in self.saved_choices().values():
            item = self._add_view_item(self._saved_group, choice.key, choice.label)
            item.setToolTip(0, f"{choice.label}: saved view")
        self._saved_group.setHidden(not self._saved)
        if current is not None and current not in self._items:
            self.select_key(BUILTIN_PREFIX + "all")
        self.refresh_counts()

    def set_view_tooltip(self, key: str, text: str) -> None:
        if key in self._items:
            self._items[key].setToolTip(0, text)

    # -- counts --------------------------------------------------------------------

    def count(self, key: str) -> int | None:
        return self._counts.get(key)

    def refresh_counts(self) -> None:
        """Count every view's tickets on a worker thread (one at a time; the last wins)."""
        if self._counting:
            self._count_again = True
            return
        self._counting = True
        self._count_again = False
        self._count_generation += 1
        generation = self._count_generation
        filters = {key: choice.filter for key, choice in self.builtin_choices().items()}
        filters.update({key: choice.filter for key, choice in self.saved_choices().items()})
        db = self._context.db

        def work() -> dict[str, int]:
            with db.read_session() as session:
                return queue.counts(session, filters, db.search)

        BackgroundTask(work, parent=self, writes=False, label="count views").success(
            lambda counts: self._on_counts_succeeded(generation, counts)
        ).failure(self._on_counts_failed).run_in_background()

    def _on_counts_succeeded(self, generation: int, counts: dict[str, int]) -> None:
        self._counting = False
        if generation == self._count_generation:
            self._counts = counts
            for key, value in counts.items():
                self._show_count(key, value)
            self.counts_updated.emit(dict(counts))
        if self._count_again:
            self.refresh_counts()

    def _on_counts_failed(self, exc: Exception) -> None:
        self._counting = False
        log.warning("Counting the views failed: %s", exc)
        if self._count_again:
            self.refresh_counts()

    def _show_count(self, key: str, value: int) -> None:
        item = self._items.get(key)
        if item is None:
            return
        item.setText(1, f"{value:,}")
        item.setData(0, Qt.ItemDataRole.AccessibleTextRole, f"{item.text(0)}, {value:,} tickets")

    # -- slots ---------------------------------------------------------------------

    def _emit_current(self) -> None:
        choice = self.current_choice()
        if choice is not None:
            self.view_selected.emit(choice)

    def _on_tree_current_item_changed(self, current: QTreeWidgetItem | None, _previous) -> None:
        if current is not None and current.data(0, KEY_ROLE):
            self._emit_current()

    def _on_me_combo_current_index_changed(self, _index: int) -> None:
        me = self.me_combo.currentData()
        self._context.set_me(me)  # the history names this person from now on
        try:
            self._context.save_settings()
        except OSError as exc:
            log.warning("Could not save settings: %s", exc)
        self.me_changed.emit(me)
        self.refresh_counts()
        key = self.current_key()
        if key is not None and key.startswith(BUILTIN_PREFIX):
            self._emit_current()  # "My open" now means someone else

    def _on_tree_context_menu_requested(self, pos: QPoint) -> None:
        item = self.tree.itemAt(pos)
        key = item.data(0, KEY_ROLE) if item is not None else None
        if not key or not key.startswith(SAVED_PREFIX):
            return
        self.tree.setCurrentItem(item)
        menu = QMenu(self)
        menu.setObjectName("viewContextMenu")
        menu.addAction(self.rename_action)
        menu.addAction(self.delete_action)
        menu.popup(self.tree.viewport().mapToGlobal(pos))

    def _current_saved(self) -> views.View | None:
        key = self.current_key() or ""
        if not key.startswith(SAVED_PREFIX):
            return None
        view_id = int(key.removeprefix(SAVED_PREFIX))
        return next((v for v in self._saved if v.id == view_id), None)

    def _on_rename_action_triggered(self) -> None:
        view = self._current_saved()
        if view is None:
            return
        dialog = QInputDialog(self)
        dialog.setObjectName("renameViewDialog")
        dialog.setWindowTitle("Rename View")
        dialog.setLabelText(f"New name for “{view.name}”:")
        dialog.setTextValue(view.name)
        dialog.setAccessibleName("Rename view")
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.textValueSelected.connect(lambda name: self.rename_view(view, name))
        self.rename_dialog = dialog
        dialog.open()

    def rename_view(self, view: views.View, name: str) -> None:
        db, owner = self._context.db, self._context.view_owner

        def work() -> views.View:
            renamed = views.save_view(
                db, owner, name, view.filter, sort_key=view.sort_key, descending=view.descending
            )
            views.delete_view(db, owner, view.id)
            return renamed

        def done(renamed: views.View) -> None:
            self.reload_saved_views()
            self.select_key(SAVED_PREFIX + str(renamed.id))
            self.saved_views_changed.emit()

        BackgroundTask(work, parent=self, label="rename view").success(
            done
        ).run_in_background()  # a refused name (taken, empty) is shown by show_error

    def _on_delete_action_triggered(self) -> None:
        view = self._current_saved()
        if view is None:
            return
        box = QMessageBox(
            QMessageBox.Icon.Question,
            "Delete View",
            f"Delete the saved view “{view.name}”? The tickets in it are not affected.",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            self,
        )
        box.setObjectName("deleteViewBox")
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        box.button(QMessageBox.StandardButton.Yes).setText("&Delete")
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        delete = box.button(QMessageBox.StandardButton.Yes)
        box.buttonClicked.connect(lambda button: button is delete and self.delete_view(view))
        self.delete_box = box
        box.open()

    def delete_view(self, view: views.View) -> None:
        db, owner = self._context.db, self._context.view_owner

        def done(_result: object) -> None:
            self.reload_saved_views()
            self.saved_views_changed.emit()

        BackgroundTask(
            lambda: views.delete_view(db, owner, view.id), parent=self, label="delete view"
        ).success(done).run_in_background()
