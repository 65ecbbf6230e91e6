"""How queue cells are painted beyond text: the coloured priority chip."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QPoint, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPixmap
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem

from aiva_desk.domain import Priority
from aiva_desk.gui.common import theme
from aiva_desk.gui.queue.model import PRIORITY_ROLE

Index = QModelIndex | QPersistentModelIndex


class PriorityChipDelegate(QStyledItemDelegate):
    """``P1``–``P4`` as a small rounded chip in the priority's colour, white text.

    Each chip is drawn once per priority, size and pixel density, then reused:
    a queue repaints its visible rows often (selection, countdown, refresh).
    """

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._chips: dict[tuple[Priority, int, str, float], QPixmap] = {}

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        priority = index.data(PRIORITY_ROLE)
        if not isinstance(priority, Priority):
            super().paint(painter, option, index)
            return
        # The row background, selection and focus as usual, but no text.
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        opt.text = ""
        widget = opt.widget
        style = widget.style() if widget is not None else None
        if style is not None:
            style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, widget)
        ratio = painter.device().devicePixelRatioF() if painter.device() else 1.0
        chip = self._chip(priority, option.font, option.rect.height(), ratio)
        size = chip.deviceIndependentSize()
        top = option.rect.top() + (option.rect.height() - size.height()) / 2
        painter.drawPixmap(QPoint(option.rect.left() + 6, round(top)), chip)

    def _chip(self, priority: Priority, base: QFont, row_height: int, ratio: float) -> QPixmap:
        key = (priority, row_height, base.key(), ratio)
        chip = self._chips.get(key)
        if chip is not None:
            return chip
        font = QFont(base)
        font.setBold(True)
        font.setPointSizeF(max(7.0, font.pointSizeF() * 0.88))
        metrics = QFontMetrics(font)
        text = priority.label
        width = metrics.horizontalAdvance(text) + 14
        height = min(row_height - 6, metrics.height() + 4)
        chip = QPixmap(round(width * ratio), round(height * ratio))
        chip.setDevicePixelRatio(ratio)
        chip.fill(Qt.GlobalColor.transparent)
        painter = QPainter(chip)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(theme.chip_fill(priority))
        rect = QRectF(0, 0, width, height)
        painter.drawRoundedRect(rect, height / 2, height / 2)
        painter.setFont(font)
        painter.setPen(QColor("#ffffff"))
        painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, text)
        painter.end()
        self._chips[key] = chip
        return chip

    def sizeHint(self, option: QStyleOptionViewItem, index: Index) -> QSize:
        hint = super().sizeHint(option, index)
        return QSize(max(hint.width(), 52), hint.height())
