"""The ticket queue as a Qt table model that reads the database one window at a time.

Only the count and the rows the view has scrolled to are loaded
(``canFetchMore``/``fetchMore``); sorting and filtering happen in SQL through
:mod:`aiva_desk.queue`, so the model stays small for any size of queue.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor, QFont, QIcon, QPainter, QPixmap

from aiva_desk import queue
from aiva_desk.domain import Priority
from aiva_desk.errors import AivaError
from aiva_desk.gui.formatting import (
    MUTED_COLOR,
    NOT_SET,
    OVERDUE_COLOR,
    PRIORITY_COLORS,
    duration,
    local_time,
    priority_text,
    ticket_number,
)
from aiva_desk.queue import QueueFilter, QueueRow
from aiva_desk.store.database import Database

log = logging.getLogger(__name__)

Index = QModelIndex | QPersistentModelIndex
TICKET_ID_ROLE = Qt.ItemDataRole.UserRole + 1
DEFAULT_WINDOW = 200
MAX_KEPT_ROWS = 5000  # a reload keeps at most this many already-loaded rows


@dataclass(frozen=True)
class Column:
    key: str
    title: str
    sort_key: str | None  # a key of aiva_desk.queue.SORT_COLUMNS, or None: not sortable
    width: int


COLUMNS: tuple[Column, ...] = (
    Column("number", "#", "number", 64),
    Column("priority", "Priority", "priority", 70),
    Column("category", "Category", None, 135),
    Column("subject", "Subject", "subject", 320),
    Column("customer", "Customer / organization", None, 215),
    Column("status", "Status", "status", 150),
    Column("assignee", "Assignee", None, 120),
    Column("due", "Due", "sla_due_at", 125),
    Column("updated", "Last update", "updated_at", 125),
)
NUMBER, PRIORITY, CATEGORY, SUBJECT, CUSTOMER, STATUS, ASSIGNEE, DUE, UPDATED = range(len(COLUMNS))


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


_dots: dict[Priority, QIcon] = {}


def _priority_dot(priority: Priority) -> QIcon:
    """A small filled circle in the priority's colour."""
    if priority not in _dots:
        pixmap = QPixmap(12, 12)
        pixmap.fill(Qt.GlobalColor.transparent)
        painter = QPainter(pixmap)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor(PRIORITY_COLORS[priority]))
        painter.drawEllipse(1, 1, 10, 10)
        painter.end()
        _dots[priority] = QIcon(pixmap)
    return _dots[priority]


class TicketTableModel(QAbstractTableModel):
    """Tickets matching a :class:`QueueFilter`, in SQL sort order, loaded in windows.

    Signals:
        load_failed(AivaError): reading the queue failed; the rows shown are unchanged.
        total_changed(int): the number of tickets matching the filter changed.
    """

    load_failed = Signal(object)
    total_changed = Signal(int)

    def __init__(
        self,
        db: Database,
        parent: Any = None,
        *,
        window_size: int = DEFAULT_WINDOW,
        clock: Callable[[], dt.datetime] = _utcnow,
    ) -> None:
        super().__init__(parent)
        self._db = db
        self._window = window_size
        self._clock = clock
        self._now = clock()
        self._filter = QueueFilter()
        self._sort_column = UPDATED
        self._sort_order = Qt.SortOrder.DescendingOrder
        self._rows: list[QueueRow] = []
        self._ids: set[int] = set()
        self._total = 0
        self._bold: QFont | None = None

    # -- queries -------------------------------------------------------------------

    def _fetch(self, offset: int, limit: int) -> list[QueueRow]:
        key = COLUMNS[self._sort_column].sort_key or "updated_at"
        with self._db.read_session() as session:
            return queue.fetch(
                session,
                self._filter,
                self._db.search,
                offset=offset,
                limit=limit,
                sort=key,
                descending=self._sort_order == Qt.SortOrder.DescendingOrder,
            )

    def _count(self) -> int:
        with self._db.read_session() as session:
            return queue.count(session, self._filter, self._db.search)

    def reload(self, *, keep_loaded: bool = True) -> bool:
        """Read the queue again (as many rows as were loaded, if ``keep_loaded``)."""
        wanted = self._window
        if keep_loaded:
            wanted = max(wanted, min(len(self._rows), MAX_KEPT_ROWS))
        try:
            total = self._count()
            rows = self._fetch(0, wanted)
        except AivaError as exc:
            self.load_failed.emit(exc)
            return False
        changed = total != self._total
        self.beginResetModel()
        self._now = self._clock()
        self._rows = rows
        self._ids = {row.id for row in rows}
        self._total = max(total, len(rows))
        self.endResetModel()
        if changed:
            self.total_changed.emit(self._total)
        return True

    def set_filter(self, flt: QueueFilter) -> None:
        if flt != self._filter:
            self._filter = flt
            self.reload(keep_loaded=False)

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

    @staticmethod
    def is_sortable(column: int) -> bool:
        return 0 <= column < len(COLUMNS) and COLUMNS[column].sort_key is not None

    def ticket_id(self, row: int) -> int:
        return self._rows[row].id

    def row_of(self, ticket_id: int) -> int | None:
        if ticket_id not in self._ids:
            return None
        return next(i for i, row in enumerate(self._rows) if row.id == ticket_id)

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

    # -- QAbstractTableModel -------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def canFetchMore(self, parent: Index) -> bool:
        return not parent.isValid() and len(self._rows) < self._total

    def fetchMore(self, parent: Index) -> None:
        if parent.isValid() or len(self._rows) >= self._total:
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
        self._ids.update(row.id for row in new)
        self.endInsertRows()

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not self.is_sortable(column):
            return  # the view puts its indicator back (see MainWindow)
        if (column, order) == (self._sort_column, self._sort_order):
            return
        self._sort_column, self._sort_order = column, Qt.SortOrder(order)
        self.reload(keep_loaded=False)

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return (
            Qt.ItemFlag.ItemIsEnabled
            | Qt.ItemFlag.ItemIsSelectable
            | (Qt.ItemFlag.ItemNeverHasChildren)
        )

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(COLUMNS):
            return None
        column = COLUMNS[section]
        if role == Qt.ItemDataRole.DisplayRole:
            return column.title
        if role == Qt.ItemDataRole.ToolTipRole:
            if column.sort_key is None:
                return f"{column.title} (the queue cannot be sorted by this column)"
            return f"Sort by {column.title.lower() if column.key != 'number' else 'number'}"
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row = self._rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(row, column)
        if role == TICKET_ID_ROLE:
            return row.id
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(row, column)
        if role == Qt.ItemDataRole.ForegroundRole:
            return self._foreground(row, column)
        if role == Qt.ItemDataRole.DecorationRole and column == PRIORITY and row.priority:
            return _priority_dot(row.priority)
        if role == Qt.ItemDataRole.FontRole and column == PRIORITY and row.priority is Priority.P1:
            if self._bold is None:
                self._bold = QFont()
                self._bold.setBold(True)
            return self._bold
        return None

    # -- cell contents -------------------------------------------------------------

    def _overdue(self, row: QueueRow) -> bool:
        return row.sla_due_at is not None and row.status.is_open and row.sla_due_at < self._now

    def _display(self, row: QueueRow, column: int) -> str:
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
        if column == DUE:
            return local_time(row.sla_due_at)
        return local_time(row.updated_at)

    def _tooltip(self, row: QueueRow, column: int) -> str | None:
        if column == PRIORITY:
            return priority_text(row.priority, long=True)
        if column in (SUBJECT, CUSTOMER, CATEGORY):
            return self._display(row, column)
        if column == DUE and row.sla_due_at is not None:
            if self._overdue(row):
                return f"Overdue by {duration(self._now - row.sla_due_at)}"
            if row.status.is_open:
                return f"Due in {duration(row.sla_due_at - self._now)}"
        return None

    def _foreground(self, row: QueueRow, column: int) -> QColor | None:
        if column == PRIORITY and row.priority:
            return QColor(PRIORITY_COLORS[row.priority])
        if column == DUE and self._overdue(row):
            return QColor(OVERDUE_COLOR)
        unassigned = column == ASSIGNEE and not row.assignee
        if unassigned or (column == STATUS and not row.status.is_open):
            return QColor(MUTED_COLOR)
        return None
