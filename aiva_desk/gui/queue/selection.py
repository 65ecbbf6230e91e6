"""The selection in the queue: reading it, moving it, and keeping it across reloads.

A reload (the queue refreshing itself, a new sort or search) resets the model. The
selected tickets, the current one and the scroll position are noted before the reset
and put back after it. When the same query is shown again and the lone selected
ticket moved beyond the rows loaded, where it now sorts is looked up in the
background and it is selected there.

Signals:
    restored(): the selection was put back after a reload (``restoring`` was True
        while it happened, so listeners can tell it from the agent's own choice).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import (
    QItemSelection,
    QItemSelectionModel,
    QModelIndex,
    QObject,
    Signal,
)
from PySide6.QtWidgets import QAbstractItemView, QTableView

from aiva_desk.gui import tasks
from aiva_desk.gui.queue.model import TICKET_ID_ROLE, TicketTableModel
from aiva_desk.queue import query as queue
from aiva_desk.store.database import Database

RESELECT_LIMIT = 1000  # rows loaded at most to find the selected ticket again after a reload
_SELECT_ROW = QItemSelectionModel.SelectionFlag.ClearAndSelect | (
    QItemSelectionModel.SelectionFlag.Rows
)


@dataclass
class _Kept:
    """What a reload must not lose: the selection, the current ticket and the scroll."""

    selected: list[int]
    current: int | None
    scroll: int
    identity: tuple


class QueueSelection(QObject):
    """The selection of ``view`` over ``model``.

    ``identity()`` says what makes a query "the same" (a reload of the same query
    keeps the scroll position); ``has_open_tickets()`` whether the ticket pane shows
    anything (when it does not, the first row is selected rather than none).
    """

    restored = Signal()

    def __init__(
        self,
        view: QTableView,
        model: TicketTableModel,
        db: Database,
        *,
        identity: Callable[[], tuple],
        has_open_tickets: Callable[[], bool],
    ) -> None:
        super().__init__(view)
        self._view = view
        self._model = model
        self._db = db
        self._identity = identity
        self._has_open_tickets = has_open_tickets
        self._kept: _Kept | None = None
        self._shown_identity: tuple | None = None
        self.restoring = False
        model.modelAboutToBeReset.connect(self._on_model_about_to_be_reset)
        model.modelReset.connect(self._on_model_reset)

    # -- reading and moving --------------------------------------------------------

    def selected_ids(self) -> list[int]:
        rows = self._view.selectionModel().selectedRows()
        return [index.data(TICKET_ID_ROLE) for index in sorted(rows, key=lambda i: i.row())]

    def selected_count(self) -> int:
        return len(self._view.selectionModel().selectedRows())

    def current_id(self) -> int | None:
        index = self._view.currentIndex()
        return index.data(TICKET_ID_ROLE) if index.isValid() else None

    def selected_id(self) -> int | None:
        """The ticket in the current row when it is selected (the one the tabs show)."""
        current = self.current_id()
        selected = self.selected_ids()
        if current is not None and current in selected:
            return current
        return selected[0] if selected else None

    def select(self, ticket_id: int, *, limit: int = RESELECT_LIMIT) -> bool:
        """Select the ticket's row (loading windows to find it); False if not in the queue."""
        row = self._model.ensure_loaded(ticket_id, max_rows=limit)
        if row is None:
            return False
        index = self._model.index(row, 0)
        self._view.selectionModel().setCurrentIndex(index, _SELECT_ROW)
        self._view.scrollTo(index, QAbstractItemView.ScrollHint.EnsureVisible)
        return True

    def move(self, step: int) -> None:
        """J/K: select the next or previous ticket (loading the next window at the end)."""
        model = self._model
        current = self._view.currentIndex()
        row = current.row() + step if current.isValid() else 0
        if row >= model.rowCount() and model.canFetchMore(QModelIndex()):
            model.fetchMore(QModelIndex())
        row = max(0, min(row, model.rowCount() - 1))
        if model.rowCount():
            index = model.index(row, current.column() if current.isValid() else 0)
            self._view.selectionModel().setCurrentIndex(index, _SELECT_ROW)
            self._view.scrollTo(index)

    def select_row_at(self, index: QModelIndex) -> None:
        """A right-click outside the selection selects that row first."""
        selected = {i.row() for i in self._view.selectionModel().selectedRows()}
        if index.isValid() and index.row() not in selected:
            self._view.selectRow(index.row())

    # -- keeping it across reloads -------------------------------------------------

    def _on_model_about_to_be_reset(self) -> None:
        self._kept = _Kept(
            selected=self.selected_ids(),
            current=self.current_id(),
            scroll=self._view.verticalScrollBar().value(),
            identity=self._shown_identity or (),
        )

    def _on_model_reset(self) -> None:
        kept, self._kept = self._kept, None
        identity = self._identity()
        same_query = kept is not None and kept.identity == identity
        self._shown_identity = identity
        if kept is None:
            return
        self.restoring = True
        try:
            found = self._reselect(kept)
        finally:
            self.restoring = False
        lone = kept.current is not None and kept.selected == [kept.current]
        if same_query and lone and not found:
            self._find_in_background(kept.current, identity)  # it moved past the rows loaded
        if same_query:
            self._view.verticalScrollBar().setValue(kept.scroll)
        elif found:
            self._view.scrollTo(
                self._view.currentIndex(), QAbstractItemView.ScrollHint.PositionAtCenter
            )
        else:
            self._view.scrollToTop()
        if not kept.selected and self._model.rowCount() and not self._has_open_tickets():
            self._view.selectRow(0)  # never start on an empty ticket pane
        self.restored.emit()

    def _reselect(self, kept: _Kept) -> bool:
        """Select the kept tickets again where they still are; True if the current one is."""
        selection = self._view.selectionModel()
        flags = QItemSelectionModel.SelectionFlag
        wanted = QItemSelection()
        for ticket_id in kept.selected:
            row = self._model.row_of(ticket_id)
            if row is not None:
                wanted.select(self._model.index(row, 0), self._model.index(row, 0))
        current_row = None if kept.current is None else self._model.row_of(kept.current)
        if current_row is not None:
            selection.setCurrentIndex(self._model.index(current_row, 0), flags.NoUpdate)
        selection.select(wanted, flags.ClearAndSelect | flags.Rows)
        return current_row is not None

    def _find_in_background(self, ticket_id: int, identity: tuple) -> None:
        """Look up where the ticket now sorts (``queue.position_of``) and select it there."""
        db, flt = self._db, self._model.queue_filter
        sort_key, descending = self._model.sort_key, self._model.descending

        def work() -> int | None:
            with db.read_session() as session:
                return queue.position_of(
                    session,
                    flt,
                    db.search,
                    ticket_id,
                    sort=sort_key,
                    descending=descending,
                    limit=RESELECT_LIMIT,
                )

        def found(position: int | None) -> None:
            if position is None or self._shown_identity != identity or self.selected_ids():
                return  # gone from the view, or the agent has moved on
            self.restoring = True
            try:
                self.select(ticket_id, limit=position + 1)
            finally:
                self.restoring = False

        tasks.BackgroundTask(work, parent=self, writes=False, label="find ticket").success(
            found
        ).run_in_background()
