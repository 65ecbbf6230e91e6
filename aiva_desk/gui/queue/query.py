"""What the queue shows: the chosen view, or a filter in its place, narrowed by the search.

The side list of views (``view_list``) chooses the view; Filter… replaces the
view's filter until it is cleared (the strip above the queue says so); the search
box narrows either, a moment after the agent stops typing (and says when All tickets
has more matches: :mod:`aiva_desk.gui.queue.search_scope`); Save View… keeps the
current filter and sort as a view of the agent's own.

Signals:
    view_changed(ViewChoice): the agent chose another view.
"""

from __future__ import annotations

import dataclasses

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QFrame, QLabel, QLineEdit, QMainWindow, QTableView

from aiva_desk.app_context import AppContext
from aiva_desk.errors import ValidationError
from aiva_desk.gui import tasks
from aiva_desk.gui.editor.tabs import TicketTabs
from aiva_desk.gui.errors import show_error
from aiva_desk.gui.queue.filter_dialog import FilterDialog, Names, describe_filter
from aiva_desk.gui.queue.model import TicketTableModel
from aiva_desk.gui.queue.search_scope import ALL_TICKETS, SearchScope
from aiva_desk.gui.queue.view_list import BUILTIN_PREFIX, SAVED_PREFIX, ViewChoice, ViewListPanel
from aiva_desk.queue import views
from aiva_desk.queue.query import QueueFilter

SEARCH_DELAY_MS = 250


class QueueQuery(QObject):
    """The query of ``model``: view, extra filter, search text and sort."""

    view_changed = Signal(object)

    def __init__(
        self,
        window: QMainWindow,
        context: AppContext,
        model: TicketTableModel,
        *,
        queue_view: QTableView,
        view_panel: ViewListPanel,
        ticket_tabs: TicketTabs,
        search_box: QLineEdit,
        filter_bar: QFrame,
        filter_summary: QLabel,
        clear_filter_action: QAction,
    ) -> None:
        super().__init__(window)
        self._window = window
        self._context = context
        self._model = model
        self._queue_view = queue_view
        self._view_panel = view_panel
        self._ticket_tabs = ticket_tabs
        self._search_box = search_box
        self._filter_bar = filter_bar
        self._filter_summary = filter_summary
        self._clear_filter_action = clear_filter_action
        self._view: ViewChoice | None = None
        self._custom: QueueFilter | None = None
        self.filter_dialog: FilterDialog | None = None

        self.search_timer = QTimer(self)
        self.search_timer.setInterval(SEARCH_DELAY_MS)
        self.search_timer.setSingleShot(True)
        self.search_timer.timeout.connect(self._on_search_timer_timeout)
        search_box.textChanged.connect(lambda _text: self.search_timer.start())
        search_box.returnPressed.connect(self._on_search_timer_timeout)
        view_panel.view_selected.connect(self._on_view_panel_view_selected)
        view_panel.me_changed.connect(self._on_view_panel_me_changed)
        self.search_scope = SearchScope(window.statusBar(), context, model, self)

    # -- the filter ----------------------------------------------------------------

    def current_view_key(self) -> str | None:
        return self._view.key if self._view is not None else None

    def shows_builtin_view(self) -> bool:
        """Built-in views depend on "now" and "me": they are re-evaluated on refresh."""
        return self._view is not None and self._view.key.startswith(BUILTIN_PREFIX)

    def base_filter(self) -> QueueFilter:
        """The view's filter, or the filter chosen with Filter… in its place."""
        if self._custom is not None:
            return self._custom
        return self._view.filter if self._view is not None else QueueFilter()

    def scope_name(self) -> str:
        """What the search narrows, as the agent knows it: the view's name or "the filter"."""
        if self._custom is not None:
            return "the filter"
        return self._view.label if self._view is not None else ALL_TICKETS

    def search_all_tickets(self) -> None:
        """Keep the search, drop the view (and any filter): All tickets."""
        if not self._view_panel.select_key(BUILTIN_PREFIX + "all"):
            self._custom = None
            self._apply()

    def effective_filter(self) -> QueueFilter:
        """What the queue shows: the view (or filter) narrowed by the search box."""
        return self.base_filter().merged(QueueFilter(text=self._search_box.text().strip()))

    def identity(self) -> tuple:
        """What makes a query "the same" (a refresh keeps the scroll position)."""
        return (
            self.current_view_key(),
            self._custom,
            self._search_box.text().strip(),
            self._model.sort_column,
            self._model.sort_order,
        )

    def reload(self) -> None:
        """Ask the database again (a built-in view first moves with "now")."""
        if self.shows_builtin_view():
            fresh = self._view_panel.choice(self._view.key)
            if fresh is not None:
                self._view = fresh
        flt = self.effective_filter()
        if flt != self._model.queue_filter:
            self._model.set_query(flt)
        else:
            self._model.reload_in_background(keep_loaded=True)
        self._view_panel.refresh_counts()

    def _apply(self, *, sort_column: int | None = None, order=None) -> None:
        self._model.set_query(self.effective_filter(), sort_column, order)
        header = self._queue_view.horizontalHeader()
        if sort_column is not None and order is not None:
            blocked = header.blockSignals(True)
            header.setSortIndicator(sort_column, order)
            header.blockSignals(blocked)
        self.update_filter_bar()

    def _on_view_panel_view_selected(self, choice: ViewChoice) -> None:
        self._view = choice
        self._custom = None
        sort_column = order = None
        if choice.sort_key is not None:
            sort_column = self._model.column_for_sort_key(choice.sort_key)
            order = (
                Qt.SortOrder.DescendingOrder if choice.descending else Qt.SortOrder.AscendingOrder
            )
        self._apply(sort_column=sort_column, order=order)
        self.view_changed.emit(choice)

    def _on_view_panel_me_changed(self, _me: object) -> None:
        who = self._view_panel.me_combo.currentText()
        self._window.statusBar().showMessage(f"“My open” now shows the tickets of {who}.", 5000)

    def names(self) -> Names:
        service = self._context.tickets
        return Names(
            categories={c.id: c.name for c in service.categories(active_only=False)},
            staff={s.id: s.name for s in service.staff()},
            me_staff_id=self._context.settings.me_staff_id,
        )

    def update_filter_bar(self) -> None:
        custom = self._custom
        self._filter_bar.setVisible(custom is not None)
        self._clear_filter_action.setEnabled(custom is not None)
        if custom is not None:
            text = "Filter: " + describe_filter(custom, self.names())
            self._filter_summary.setText(text)
            self._filter_bar.setAccessibleDescription(text)

    def set_custom_filter(self, flt: QueueFilter | None) -> None:
        """Show ``flt`` in place of the view's own filter (None: back to the view)."""
        if flt is not None:
            # The search box holds the text part, so it can be changed or left as usual.
            self._set_search_text(flt.text.strip())
            self._ticket_tabs.set_highlight(flt.text.strip())
            flt = dataclasses.replace(flt, text="")
        self._custom = flt
        self._apply()

    def clear_filter(self) -> None:
        self.set_custom_filter(None)

    def open_filter_dialog(self) -> None:
        dialog = FilterDialog(self.names(), self.effective_filter(), parent=self._window)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.filter_chosen.connect(self.set_custom_filter)
        self.filter_dialog = dialog
        dialog.open()

    def open_save_view_dialog(self) -> None:
        dialog = FilterDialog(
            self.names(), self.effective_filter(), ask_name=True, parent=self._window
        )
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.view_requested.connect(lambda name, flt: self.save_view(name, flt, dialog=dialog))
        self.filter_dialog = dialog
        dialog.open()

    def save_view(self, name: str, flt: QueueFilter, *, dialog: FilterDialog | None = None) -> None:
        """Save ``flt`` with the current sort as the agent's view ``name``, then show it."""
        db, owner = self._context.db, self._context.view_owner
        sort_key, descending = self._model.sort_key, self._model.descending

        def work() -> views.View:
            return views.save_view(db, owner, name, flt, sort_key=sort_key, descending=descending)

        def done(view: views.View) -> None:
            if dialog is not None:
                dialog.accept()
            self._set_search_text("")
            self._view_panel.reload_saved_views()
            self._view_panel.select_key(SAVED_PREFIX + str(view.id))
            self._window.statusBar().showMessage(f"Saved the view “{view.name}”.", 5000)

        def failed(exc: Exception) -> None:
            if dialog is not None and isinstance(exc, ValidationError):
                dialog.show_validation(exc)
            else:
                show_error(self._window, exc)

        tasks.BackgroundTask(work, parent=self, label="save view").success(done).failure(
            failed
        ).run_in_background()

    # -- search --------------------------------------------------------------------

    def _set_search_text(self, text: str) -> None:
        """Put ``text`` in the search box without starting a search."""
        blocked = self._search_box.blockSignals(True)
        self._search_box.setText(text)
        self._search_box.blockSignals(blocked)

    def _on_search_timer_timeout(self) -> None:
        self.search_timer.stop()
        self._ticket_tabs.set_highlight(self._search_box.text().strip())
        self._apply()

    def focus_search(self) -> None:
        self._search_box.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self._search_box.selectAll()

    def leave_search(self) -> None:
        if self._search_box.text():
            self._search_box.clear()
            self._on_search_timer_timeout()
        self._queue_view.setFocus(Qt.FocusReason.ShortcutFocusReason)
