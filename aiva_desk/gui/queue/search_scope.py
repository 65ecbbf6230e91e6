"""Where else a search matches: the search box narrows the current view only, so when
that view shows fewer matches than All tickets, the status bar says so ("No match in My
open — 3 in All tickets") with one click to search All tickets instead.

All tickets' matches are counted on a worker thread from the search index (a count of
the index's matching ids: fast at 100,000 tickets); only the newest count is shown.
"""

from __future__ import annotations

from typing import Protocol

from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import QLabel, QStatusBar, QToolButton

from aiva_desk.app_context import AppContext
from aiva_desk.gui.queue.model import TicketTableModel
from aiva_desk.gui.tasks import LatestRead
from aiva_desk.queue import query as queue
from aiva_desk.queue.query import QueueFilter

ALL_TICKETS = "All tickets"


class Scoped(Protocol):
    """What the search scope asks of the queue's query (:class:`QueueQuery`)."""

    def base_filter(self) -> QueueFilter: ...

    def scope_name(self) -> str: ...

    def search_all_tickets(self) -> None: ...


class SearchScope(QObject):
    """The "— 3 in All tickets" hint and its "Search All tickets" button."""

    def __init__(
        self,
        status_bar: QStatusBar,
        context: AppContext,
        model: TicketTableModel,
        scoped: Scoped,
    ) -> None:
        super().__init__(status_bar)
        self._db = context.db
        self._model = model
        self._scoped = scoped
        self._reads = LatestRead(self, "count search matches in all tickets")
        self.label = QLabel(status_bar)
        self.label.setObjectName("searchScopeLabel")
        self.label.setAccessibleName("Matches in other views")
        self.button = QToolButton(status_bar)
        self.button.setObjectName("searchAllButton")
        self.button.setText(f"Search {ALL_TICKETS}")
        self.button.setAccessibleName(f"Search {ALL_TICKETS}")
        self.button.setToolTip("Show the search's matches among all tickets")
        self.button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.button.clicked.connect(self._on_button_clicked)
        status_bar.insertPermanentWidget(0, self.button)
        status_bar.insertPermanentWidget(0, self.label)
        self._hide()
        model.reloaded.connect(self.update)

    @property
    def text(self) -> str:
        """The hint shown ("" when none)."""
        return "" if self.label.isHidden() else self.label.text()

    def update(self) -> None:
        """After the queue loaded: count All tickets' matches when the view narrows them."""
        search = self._model.queue_filter.text.strip()
        if not search or self._scoped.base_filter() == QueueFilter():
            self._reads.supersede()
            self._hide()
            return
        db, shown, scope = self._db, self._model.total, self._scoped.scope_name()

        def work() -> int:
            with db.read_session() as session:
                return queue.count(session, QueueFilter(text=search), db.search)

        self._reads.run(
            work,
            lambda everywhere: self._show(search, scope, shown, everywhere),
            lambda _exc: self._hide(),  # only a hint: the queue itself is shown
        )

    def _show(self, search: str, scope: str, shown: int, everywhere: int) -> None:
        if search != self._model.queue_filter.text.strip() or everywhere <= shown:
            self._hide()
            return
        if shown == 0:
            text = f"No match in {scope} — {everywhere:,} in {ALL_TICKETS}"
        else:
            text = f"{everywhere - shown:,} more in {ALL_TICKETS}"
        self.label.setText(text)
        self.label.setAccessibleDescription(text)
        self.label.show()
        self.button.show()

    def _hide(self) -> None:
        self.label.hide()
        self.button.hide()

    def _on_button_clicked(self) -> None:
        self._hide()
        self._scoped.search_all_tickets()
