"""The queue's columns: their default layout, which are shown, and the remembered header.

The agent chooses columns from View > Columns or by right-clicking the header; the
header (order, widths, hidden columns, sort) is kept in QSettings under
:data:`HEADER_KEY`. The subject column is always shown.
"""

from __future__ import annotations

from PySide6.QtCore import QByteArray, QObject, QPoint, QSettings, Qt
from PySide6.QtWidgets import QHeaderView, QMenu, QTableView

from aiva_desk.gui.queue.model import COLUMNS, SUBJECT, TicketTableModel

HEADER_KEY = "main_window/queue_header_v2"  # v2: nine columns, all sortable


class QueueColumns(QObject):
    """The horizontal header of ``view`` (showing ``model``) and the Columns menu."""

    def __init__(self, view: QTableView, model: TicketTableModel, settings: QSettings) -> None:
        super().__init__(view)
        self._view = view
        self._model = model
        self._settings = settings
        header = view.horizontalHeader()
        header.setStretchLastSection(False)
        header.setSectionsMovable(True)
        header.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        header.setAccessibleName("Queue columns: click to sort, right-click to choose")
        header.customContextMenuRequested.connect(self._on_header_context_menu_requested)
        self.reset()
        row_height = view.fontMetrics().height() + 10
        view.verticalHeader().setDefaultSectionSize(row_height)
        view.verticalHeader().setMinimumSectionSize(row_height)

        self.menu = QMenu("C&olumns", view.window())
        self.menu.setObjectName("columnsMenu")
        self.menu.aboutToShow.connect(self.fill_menu)

    def reset(self) -> None:
        """Every column shown, in its place and at its width; sorted as the model is."""
        header = self._view.horizontalHeader()
        for index, column in enumerate(COLUMNS):
            header.showSection(index)
            header.moveSection(header.visualIndex(index), index)
            header.setSectionResizeMode(index, QHeaderView.ResizeMode.Interactive)
            header.resizeSection(index, column.width)
        header.setSectionResizeMode(SUBJECT, QHeaderView.ResizeMode.Stretch)
        header.setSortIndicator(self._model.sort_column, self._model.sort_order)
        header.setSortIndicatorShown(True)

    def fill_menu(self, menu: QMenu | None = None) -> QMenu:
        """``menu`` (default: View > Columns) with a checkable entry per column and Reset."""
        menu = menu or self.menu
        menu.clear()
        header = self._view.horizontalHeader()
        for index, column in enumerate(COLUMNS):
            action = menu.addAction(column.title if column.key != "number" else "Number")
            action.setObjectName(f"column_{column.key}_Action")
            action.setCheckable(True)
            action.setChecked(not header.isSectionHidden(index))
            action.setEnabled(index != SUBJECT)  # the queue always shows the subject
            action.toggled.connect(lambda on, i=index: self.set_visible(i, on))
        menu.addSeparator()
        reset = menu.addAction("&Reset Columns")
        reset.setObjectName("resetColumnsAction")
        reset.triggered.connect(self.reset)
        return menu

    def set_visible(self, column: int, visible: bool) -> None:
        self._view.horizontalHeader().setSectionHidden(column, not visible)
        self.save()

    def save(self) -> None:
        self._settings.setValue(HEADER_KEY, self._view.horizontalHeader().saveState())

    def restore(self) -> None:
        """The remembered header, and the model sorted by its sort indicator."""
        state = self._settings.value(HEADER_KEY)
        header = self._view.horizontalHeader()
        if isinstance(state, QByteArray) and header.restoreState(state):
            section, order = header.sortIndicatorSection(), header.sortIndicatorOrder()
            if self._model.is_sortable(section):
                self._model.set_query(self._model.queue_filter, section, order, background=False)
        # Enabling sorting asks the model to sort by the (restored) indicator.
        self._view.setSortingEnabled(True)

    def _on_header_context_menu_requested(self, pos: QPoint) -> None:
        menu = self.fill_menu(QMenu(self._view.window()))
        menu.setObjectName("headerContextMenu")
        header = self._view.horizontalHeader()
        menu.popup(header.viewport().mapToGlobal(pos))
