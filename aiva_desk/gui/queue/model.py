"""The ticket queue as a Qt table model that reads the database one window at a time.

Only the count and the rows the view has scrolled to are loaded
(``canFetchMore``/``fetchMore``); sorting and filtering happen in SQL through
:mod:`aiva_desk.queue.query`, so the model stays small for any size of queue.

A new filter or sort order, and a refresh after a change, are read on a worker
thread (:meth:`TicketTableModel.reload_in_background`); the rows shown stay until
the new ones arrive. The SLA countdown is computed from the stored due date and
"now": :meth:`TicketTableModel.tick` moves "now" on and repaints that one column,
without a query.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor, QFont

from aiva_desk import clock
from aiva_desk.domain import Priority
from aiva_desk.errors import AivaError
from aiva_desk.gui.common import theme
from aiva_desk.gui.common.formatting import (
    NOT_SET,
    local_time,
    priority_text,
    ticket_number,
)
from aiva_desk.gui.common.theme import SlaState
from aiva_desk.gui.tasks import BackgroundTask
from aiva_desk.queue import query as queue
from aiva_desk.queue.query import DEFAULT_BREACHING_WINDOW, QueueFilter, QueueRow
from aiva_desk.sla.deadlines import countdown_text, deadline_phrase, shown_deadline
from aiva_desk.store.database import Database

log = logging.getLogger(__name__)

Index = QModelIndex | QPersistentModelIndex
TICKET_ID_ROLE = int(Qt.ItemDataRole.UserRole.value) + 1
PRIORITY_ROLE = TICKET_ID_ROLE + 1  # the Priority, or None (for the chip delegate)
SLA_STATE_ROLE = TICKET_ID_ROLE + 2  # a theme.SlaState, or None
DEFAULT_WINDOW = 200
# A new filter or sort order reads only this many rows (more than a tall screen shows);
# the view asks for further windows as it scrolls. Converting a row costs ~12 µs,
# so a first window of 200 would add ~2 ms to every change for rows nobody sees yet.
FIRST_WINDOW = 80
# Plain ints: a paint asks for ~7 roles of every visible cell, so no enum work per call.
_DISPLAY = int(Qt.ItemDataRole.DisplayRole.value)
_FOREGROUND = int(Qt.ItemDataRole.ForegroundRole.value)
_ALIGNMENT = int(Qt.ItemDataRole.TextAlignmentRole.value)
_FONT = int(Qt.ItemDataRole.FontRole.value)
_TOOLTIP = int(Qt.ItemDataRole.ToolTipRole.value)
_ACCESSIBLE = int(Qt.ItemDataRole.AccessibleTextRole.value)
_RIGHT = int((Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter).value)
# What a delegate asks of every cell it paints; answered from a per-row cache.
_PAINTED = frozenset(
    int(role.value)
    for role in (
        Qt.ItemDataRole.DisplayRole,
        Qt.ItemDataRole.FontRole,
        Qt.ItemDataRole.TextAlignmentRole,
        Qt.ItemDataRole.ForegroundRole,
        Qt.ItemDataRole.BackgroundRole,
        Qt.ItemDataRole.CheckStateRole,
        Qt.ItemDataRole.DecorationRole,
    )
)
Cell = dict[int, Any]  # role -> value, for the roles in _PAINTED that have one
MAX_KEPT_ROWS = 5000  # a reload keeps at most this many already-loaded rows
MAX_CACHED_ROWS = 1000  # rows whose painted cells are kept (a few screens' worth)


@dataclass(frozen=True)
class Column:
    key: str
    title: str
    sort_key: str  # a key of aiva_desk.queue.query.SORT_COLUMNS
    width: int
    tooltip: str


COLUMNS: tuple[Column, ...] = (
    Column("number", "#", "number", 62, "Ticket number"),
    Column("priority", "Priority", "priority", 62, "Priority, P1 (critical) to P4 (low)"),
    Column("category", "Category", "category", 118, "The SOP category"),
    Column("subject", "Subject", "subject", 320, "What the ticket is about"),
    Column("customer", "Customer / organization", "customer", 180, "Who reported it"),
    Column("status", "Status", "status", 128, "Workflow step (sorts in workflow order)"),
    Column("assignee", "Assignee", "assignee", 108, "The agent working on it"),
    Column(
        "sla",
        "SLA remaining",
        "next_deadline_at",
        150,
        "The SLA clock due first (acknowledge, response, update, escalation or resolution) "
        "and the time left on it",
    ),
    Column("updated", "Last update", "updated_at", 118, "When the ticket last changed"),
)
NUMBER, PRIORITY, CATEGORY, SUBJECT, CUSTOMER, STATUS, ASSIGNEE, SLA, UPDATED = range(len(COLUMNS))
DUE = SLA  # the column showed the due date before it counted down


class TicketTableModel(QAbstractTableModel):
    """Tickets matching a :class:`QueueFilter`, in SQL sort order, loaded in windows.

    Signals:
        load_failed(Exception): reading the queue failed; the rows shown are unchanged.
        total_changed(int): the number of tickets matching the filter changed.
        loading_changed(bool): a background reload started (True) or ended (False).
        reloaded(): a reload's rows are now shown (after the model reset).
    """

    load_failed = Signal(object)
    total_changed = Signal(int)
    loading_changed = Signal(bool)
    reloaded = Signal()

    def __init__(
        self,
        db: Database,
        parent: Any = None,
        *,
        window_size: int = DEFAULT_WINDOW,
        first_window: int = FIRST_WINDOW,
        breaching_window: dt.timedelta = DEFAULT_BREACHING_WINDOW,
    ) -> None:
        super().__init__(parent)
        self._db = db
        self._window = window_size
        self._first_window = min(first_window, window_size)
        self._now = clock.now()
        self._breaching_window = breaching_window
        self._filter = QueueFilter()
        self._sort_column = UPDATED
        self._sort_order = Qt.SortOrder.DescendingOrder
        self._rows: list[QueueRow] = []
        self._ids: dict[int, int] = {}  # ticket id -> row
        self._total = 0
        self._bold: QFont | None = None
        # Made when a row is first painted: ticket id -> its cells; SLA cells apart, as
        # they move with the clock. A paint asks 7 roles of ~120 cells: answering from
        # here instead of working each out took a repaint from 6.0 to 4.9 ms.
        self._cells: dict[int, list[Cell]] = {}
        self._sla_cells: dict[int, Cell] = {}
        self._colors: dict[SlaState | None, QColor] = {}
        self._requested = 0  # generation of the newest background reload asked for
        self._applied = 0  # generation whose rows are shown

    # -- queries -------------------------------------------------------------------

    def _query_args(self) -> tuple[QueueFilter, str, bool]:
        key = COLUMNS[self._sort_column].sort_key
        return self._filter, key, self._sort_order == Qt.SortOrder.DescendingOrder

    def _fetch(self, offset: int, limit: int) -> list[QueueRow]:
        flt, key, descending = self._query_args()
        with self._db.read_session() as session:
            return queue.fetch(
                session,
                flt,
                self._db.search,
                offset=offset,
                limit=limit,
                sort=key,
                descending=descending,
            )

    def _wanted(self, keep_loaded: bool) -> int:
        if keep_loaded:
            return max(self._first_window, min(len(self._rows), MAX_KEPT_ROWS))
        return self._first_window

    def reload(self, *, keep_loaded: bool = True) -> bool:
        """Read the queue again now (as many rows as were loaded, if ``keep_loaded``)."""
        self._requested += 1
        generation = self._requested
        flt, key, descending = self._query_args()
        try:
            result = _read(self._db, flt, key, descending, self._wanted(keep_loaded))
        except AivaError as exc:
            self.load_failed.emit(exc)
            return False
        self._apply(generation, result)
        return True

    def reload_in_background(self, *, keep_loaded: bool = True) -> None:
        """Read the queue again on a worker thread; the newest request wins."""
        self._requested += 1
        generation = self._requested
        flt, key, descending = self._query_args()
        db, wanted = self._db, self._wanted(keep_loaded)
        self.loading_changed.emit(True)
        BackgroundTask(
            lambda: _read(db, flt, key, descending, wanted),
            parent=self,
            writes=False,
            label="load queue",
        ).success(lambda result: self._on_read_succeeded(generation, result)).failure(
            lambda exc: self._on_read_failed(generation, exc)
        ).run_in_background()

    @property
    def loading(self) -> bool:
        return self._applied != self._requested

    def _on_read_succeeded(self, generation: int, result: tuple[int, list[QueueRow]]) -> None:
        if generation == self._requested:
            self._apply(generation, result)
            self.loading_changed.emit(False)

    def _on_read_failed(self, generation: int, exc: Exception) -> None:
        if generation != self._requested:
            return
        self._applied = generation
        self.loading_changed.emit(False)
        self.load_failed.emit(exc)

    def _apply(self, generation: int, result: tuple[int, list[QueueRow]]) -> None:
        total, rows = result
        changed = total != self._total
        self.beginResetModel()
        self._applied = generation
        self._now = clock.now()
        self._rows = rows
        self._cells.clear()
        self._sla_cells.clear()
        self._ids = {row.id: index for index, row in enumerate(rows)}
        self._total = max(total, len(rows))
        self.endResetModel()
        if changed:
            self.total_changed.emit(self._total)
        self.reloaded.emit()

    def set_filter(self, flt: QueueFilter, *, background: bool = False) -> None:
        if flt != self._filter:
            self._filter = flt
            self._reload(background)

    def set_query(
        self,
        flt: QueueFilter,
        sort_column: int | None = None,
        order: Qt.SortOrder | None = None,
        *,
        background: bool = True,
    ) -> None:
        """A new filter and, optionally, sort order, read in one go."""
        sort_column = self._sort_column if sort_column is None else sort_column
        order = self._sort_order if order is None else Qt.SortOrder(order)
        same = (flt, sort_column, order) == (self._filter, self._sort_column, self._sort_order)
        if same and self._requested:
            return  # already shown (or on its way); a first call always reads
        self._filter, self._sort_column, self._sort_order = flt, sort_column, order
        self._reload(background)

    def _reload(self, background: bool) -> None:
        if background:
            self.reload_in_background(keep_loaded=False)
        else:
            self.reload(keep_loaded=False)

    def set_breaching_window(self, window: dt.timedelta) -> None:
        self._breaching_window = window
        self.tick()

    @property
    def queue_filter(self) -> QueueFilter:
        return self._filter

    @property
    def total(self) -> int:
        return self._total

    @property
    def sort_column(self) -> int:
        return self._sort_column

    @property
    def sort_order(self) -> Qt.SortOrder:
        return self._sort_order

    @property
    def sort_key(self) -> str:
        return COLUMNS[self._sort_column].sort_key

    @property
    def descending(self) -> bool:
        return self._sort_order == Qt.SortOrder.DescendingOrder

    @staticmethod
    def is_sortable(column: int) -> bool:
        return 0 <= column < len(COLUMNS)

    @staticmethod
    def column_for_sort_key(sort_key: str) -> int | None:
        if sort_key == "sla_due_at":  # views saved when the SLA column sorted by this
            sort_key = "next_deadline_at"
        return next((i for i, c in enumerate(COLUMNS) if c.sort_key == sort_key), None)

    def ticket_id(self, row: int) -> int:
        return self._rows[row].id

    def row_data(self, row: int) -> QueueRow:
        return self._rows[row]

    def row_of(self, ticket_id: int) -> int | None:
        return self._ids.get(ticket_id)

    def ensure_loaded(self, ticket_id: int, max_rows: int = MAX_KEPT_ROWS) -> int | None:
        """The row of ``ticket_id``, loading further windows (up to ``max_rows``) to find it."""
        while (row := self.row_of(ticket_id)) is None:
            if len(self._rows) >= max_rows or not self.canFetchMore(QModelIndex()):
                return None
            before = len(self._rows)
            self.fetchMore(QModelIndex())
            if len(self._rows) == before:
                return None
        return row

    def tick(self, first_row: int = 0, last_row: int | None = None) -> None:
        """Move "now" on and repaint the SLA countdown of rows ``first_row``–``last_row``."""
        self._now = clock.now()
        self._sla_cells.clear()
        if not self._rows:
            return
        last = len(self._rows) - 1 if last_row is None else min(last_row, len(self._rows) - 1)
        first = max(0, min(first_row, last))
        roles = [
            Qt.ItemDataRole.DisplayRole,
            Qt.ItemDataRole.ForegroundRole,
            Qt.ItemDataRole.ToolTipRole,
            SLA_STATE_ROLE,
        ]
        self.dataChanged.emit(self.index(first, SLA), self.index(last, SLA), roles)

    # -- QAbstractTableModel -------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def canFetchMore(self, parent: Index) -> bool:
        # While a reload is on its way the offsets of the rows shown are stale.
        return not parent.isValid() and not self.loading and len(self._rows) < self._total

    def fetchMore(self, parent: Index) -> None:
        if not self.canFetchMore(parent):
            return
        try:
            fetched = self._fetch(len(self._rows), self._window)
        except AivaError as exc:
            self.load_failed.emit(exc)
            return
        # Tickets added since the last window shift the offsets: skip rows already shown.
        new = [row for row in fetched if row.id not in self._ids]
        if not new:
            self._total = len(self._rows)  # the queue shrank or nothing new is left
            return
        start = len(self._rows)
        self.beginInsertRows(QModelIndex(), start, start + len(new) - 1)
        self._rows.extend(new)
        self._ids.update((row.id, start + i) for i, row in enumerate(new))
        self.endInsertRows()

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not self.is_sortable(column):
            return
        if (column, order) == (self._sort_column, self._sort_order):
            return
        self._sort_column, self._sort_order = column, Qt.SortOrder(order)
        self.reload_in_background(keep_loaded=False)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(COLUMNS):
            return None
        column = COLUMNS[section]
        if role == Qt.ItemDataRole.DisplayRole:
            return column.title
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"{column.tooltip}. Click to sort; right-click to choose columns."
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return "Number" if column.key == "number" else column.title
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        return self._value(self._rows[index.row()], index.column(), role)

    def multiData(self, index: Index, roleDataSpan: Any) -> None:
        """Every role a delegate asks for in one call (Qt asks 7 per cell per paint)."""
        number = index.row()
        if not index.isValid() or not 0 <= number < len(self._rows):
            for position in range(roleDataSpan.size()):
                roleDataSpan[position].clearData()
            return
        column = index.column()
        cell = self._cell(number, column)
        for position in range(roleDataSpan.size()):
            role_data = roleDataSpan[position]
            role = role_data.role()
            if role in _PAINTED:
                value = cell.get(role)
            else:
                value = self._value(self._rows[number], column, role)
            # Delegates reuse the span from cell to cell: every role must be set or cleared.
            if value is None:
                role_data.clearData()
            else:
                role_data.setData(value)

    def _cell(self, number: int, column: int) -> Cell:
        row = self._rows[number]
        if column == SLA:
            cell = self._sla_cells.get(row.id)
            if cell is None:
                cell = self._sla_cells[row.id] = self._make_cell(row, SLA)
            return cell
        return self._row_cells(row)[column]

    def _row_cells(self, row: QueueRow) -> list[Cell]:
        cells = self._cells.get(row.id)
        if cells is None:
            if len(self._cells) >= MAX_CACHED_ROWS:  # scrolled far: start again
                self._cells.clear()
                self._sla_cells.clear()
            cells = self._cells[row.id] = [self._make_cell(row, c) for c in range(len(COLUMNS))]
        return cells

    def _make_cell(self, row: QueueRow, column: int) -> Cell:
        text = self._sla_text(row) if column == SLA else self._text(row, column)
        cell: Cell = {_DISPLAY: text}
        for role in (_FOREGROUND, _ALIGNMENT, _FONT):
            value = self._value(row, column, role)
            if value is not None:
                cell[role] = value
        return cell

    def _value(self, row: QueueRow, column: int, role: int) -> Any:
        if role == _DISPLAY:
            return self._display(row, column)
        if role == _FOREGROUND:
            return self._foreground(row, column)
        if role == _ALIGNMENT:
            return _RIGHT if column in (NUMBER, SLA) else None
        if role == _FONT:
            if column == PRIORITY and row.priority is Priority.P1:
                if self._bold is None:
                    self._bold = QFont()
                    self._bold.setBold(True)
                return self._bold
            return None
        if role == TICKET_ID_ROLE:
            return row.id
        if role == PRIORITY_ROLE:
            return row.priority
        if role == SLA_STATE_ROLE:
            return self.sla_state(row)
        if role == _TOOLTIP:
            return self._tooltip(row, column)
        if role == _ACCESSIBLE:
            return self._tooltip(row, column) or self._display(row, column)
        return None

    # -- cell contents -------------------------------------------------------------

    @staticmethod
    def countdown(row: QueueRow) -> tuple[dt.datetime | None, str]:
        """What the SLA column counts down to: the clock due first, and what it is for."""
        due, kind = shown_deadline(row.next_deadline_at, row.next_deadline_kind, row.sla_due_at)
        return due, kind.label

    def sla_state(self, row: QueueRow) -> SlaState | None:
        due, _kind = self.countdown(row)
        if due is None or not row.status.is_open or row.sla_paused:
            return None
        left = due - self._now
        if left < dt.timedelta(0):
            return SlaState.BREACHED
        if left <= self._breaching_window:
            return SlaState.DUE_SOON
        return SlaState.ON_TRACK

    def _sla_text(self, row: QueueRow) -> str:
        """The clock due first and the time left on it, as the editor's header names it."""
        if not row.status.is_open:
            return "closed"
        if row.sla_paused:
            return "paused"
        due, kind = shown_deadline(row.next_deadline_at, row.next_deadline_kind, row.sla_due_at)
        if due is None:
            return NOT_SET
        return countdown_text(kind, due, self._now)

    def _display(self, row: QueueRow, column: int) -> str:
        if column == SLA:
            return self._sla_text(row)  # moves with the clock
        return self._row_cells(row)[column][_DISPLAY]

    @staticmethod
    def _text(row: QueueRow, column: int) -> str:
        if column == NUMBER:
            return ticket_number(row.number)
        if column == PRIORITY:
            return priority_text(row.priority)
        if column == CATEGORY:
            return row.category or NOT_SET
        if column == SUBJECT:
            return row.subject
        if column == CUSTOMER:
            return f"{row.customer} · {row.organization}" if row.organization else row.customer
        if column == STATUS:
            return row.status.label
        if column == ASSIGNEE:
            return row.assignee or "Unassigned"
        if column == SLA:
            return ""
        return local_time(row.updated_at)

    def _tooltip(self, row: QueueRow, column: int) -> str | None:
        if column == PRIORITY:
            return priority_text(row.priority, long=True)
        if column in (SUBJECT, CUSTOMER, CATEGORY):
            return self._display(row, column)
        if column == SLA and row.sla_paused and row.status.is_open:
            return "SLA clock paused: waiting on the customer"
        if column == SLA and row.status.is_open:
            deadline, kind = shown_deadline(
                row.next_deadline_at, row.next_deadline_kind, row.sla_due_at
            )
            if deadline is not None:
                return f"{deadline_phrase(kind, deadline, self._now)} (due {local_time(deadline)})"
        if column == SLA and row.sla_due_at is not None:
            return f"Closed; was due {local_time(row.sla_due_at)}"
        return None

    def _foreground(self, row: QueueRow, column: int) -> Any:
        if column == SLA:
            return self._color(self.sla_state(row))
        unassigned = column == ASSIGNEE and not row.assignee
        if unassigned or (column == STATUS and not row.status.is_open):
            return self._color(None)
        return None

    def _color(self, state: SlaState | None) -> QColor:
        """An SLA state's colour, or (None) muted text, for the palette in use."""
        color = self._colors.get(state)
        if color is None:
            color = theme.sla_color(state) if state is not None else theme.muted_color()
            self._colors[state] = color
        return color

    def palette_changed(self) -> None:
        """The palette changed (light/dark): colours are worked out again at the next paint."""
        self._colors.clear()
        self._cells.clear()
        self._sla_cells.clear()
        if self._rows:
            last = self.index(len(self._rows) - 1, len(COLUMNS) - 1)
            self.dataChanged.emit(self.index(0, 0), last, [Qt.ItemDataRole.ForegroundRole])


def _read(
    db: Database, flt: QueueFilter, sort_key: str, descending: bool, limit: int
) -> tuple[int, list[QueueRow]]:
    """The count and the first ``limit`` rows (runs on a worker thread: no Qt here)."""
    with db.read_session() as session:
        total = queue.count(session, flt, db.search)
        rows = queue.fetch(
            session, flt, db.search, offset=0, limit=limit, sort=sort_key, descending=descending
        )
    return total, rows
