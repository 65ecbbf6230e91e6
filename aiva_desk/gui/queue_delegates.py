"""How queue cells are painted beyond text: the coloured priority chip."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QPainter
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem

from aiva_desk.domain import Priority
from aiva_desk.gui import theme
from aiva_desk.gui.queue_model import PRIORITY_ROLE

Index = QModelIndex | QPersistentModelIndex


class PriorityChipDelegate(QStyledItemDelegate):
    """``P1``–``P4`` as a small rounded chip in the priority's colour, white text."""

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        priority = index.data(PRIORITY_ROLE)
        if not isinstance(priority, Priority):
            super().paint(painter, option, index)
            return
        # The row background, selection and focus as usual, but no text.
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        opt.text = ""
        style = opt.widget.style() if opt.widget is not None else None
        if style is not None:
            style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, opt.widget)
        font = QFont(option.font)
        font.setBold(True)
        font.setPointSizeF(max(7.0, font.pointSizeF() * 0.88))
        text = priority.label
        painter.save()
        painter.setFont(font)
        width = painter.fontMetrics().horizontalAdvance(text) + 14
        height = min(option.rect.height() - 6, painter.fontMetrics().height() + 4)
        rect = QRectF(
            option.rect.left() + 6,
            option.rect.center().y() - height / 2 + 0.5,
            width,
            height,
        )
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(theme.chip_fill(priority))
        painter.drawRoundedRect(rect, height / 2, height / 2)
        painter.setPen(QColor("#ffffff"))
        painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, text)
        painter.restore()

    def sizeHint(self, option: QStyleOptionViewItem, index: Index) -> QSize:
        hint = super().sizeHint(option, index)
        return QSize(max(hint.width(), 52), hint.height())
