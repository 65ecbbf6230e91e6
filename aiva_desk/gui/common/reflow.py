"""Two-column form groups that fold into one column when their pane is narrow.

The ticket form's groups put two label/field pairs on a row (label, field, label,
field). Beside the queue ("Ticket pane on the right") the form gets too narrow for
that and its right half would be cut off; below the width the wide rows need, each row
is laid out as two rows of one pair instead (and the fields settle for a smaller least
width), and back again when there is room.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import QComboBox, QGridLayout, QScrollArea, QWidget

PAIR = 2  # a label and its field
NARROW_FIELD = 160  # a field's least width while folded (wide rows ask for more)


@dataclass
class _Placed:
    widget: QWidget
    alignment: Qt.AlignmentFlag
    row: int
    column: int
    row_span: int
    column_span: int


def _items(grid: QGridLayout) -> list[_Placed]:
    placed = []
    for index in range(grid.count()):
        item = grid.itemAt(index)
        if item.widget() is None:
            continue  # the form's grids hold widgets only; anything else stays put
        row, column, row_span, column_span = grid.getItemPosition(index)
        placed.append(_Placed(item.widget(), item.alignment(), row, column, row_span, column_span))
    return placed


class FoldingGrids(QObject):
    """Folds the four-column grids under ``body`` while ``scroll`` is too narrow for them."""

    def __init__(self, scroll: QScrollArea, body: QWidget) -> None:
        super().__init__(scroll)
        self._scroll = scroll
        self._body = body
        self._grids = [
            (grid, _items(grid))
            for grid in body.findChildren(QGridLayout)
            if grid.columnCount() == 2 * PAIR
        ]
        # fields that ask for more than NARROW_FIELD: set so, or a combo (its longest choice)
        self._widths = {
            field: field.minimumWidth()
            for field in body.findChildren(QWidget)
            if field.minimumWidth() > NARROW_FIELD or isinstance(field, QComboBox)
        }
        self._wide_width = 0  # what the body needs with every grid wide
        self.folded = False
        scroll.viewport().installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Resize:
            self.fit(self._scroll.viewport().width())
        return False

    def fit(self, width: int) -> None:
        """Fold when ``width`` is less than the wide rows need; unfold when it is enough."""
        if not self.folded:
            self._wide_width = self._body.minimumSizeHint().width()
        fold = width < self._wide_width
        if fold != self.folded:
            self.folded = fold
            for grid, placed in self._grids:
                self._place(grid, placed, fold)
            for field, wide in self._widths.items():
                field.setMinimumWidth(NARROW_FIELD if fold else wide)

    @staticmethod
    def _place(grid: QGridLayout, placed: list[_Placed], fold: bool) -> None:
        for entry in placed:
            grid.removeWidget(entry.widget)
        for entry in placed:
            row, column, span = entry.row, entry.column, entry.column_span
            if fold:
                right = column >= PAIR
                row = 2 * row + (1 if right else 0)
                column -= PAIR if right else 0
                span = min(span, PAIR - column)
            grid.addWidget(entry.widget, row, column, entry.row_span, span, entry.alignment)
        grid.invalidate()
