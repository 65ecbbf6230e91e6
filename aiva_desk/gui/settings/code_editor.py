"""A plain-text editor for template source: monospace, line numbers, a problem line.

:class:`CodeEditor` is a ``QPlainTextEdit`` with a gutter of line numbers on the
left (the classic Qt "code editor" example) and one marked line: where the last
render of the template failed (:meth:`CodeEditor.set_problem_line`).
"""

from __future__ import annotations

from PySide6.QtCore import QRect, QSize, Qt
from PySide6.QtGui import QColor, QFontDatabase, QPainter, QPaintEvent, QResizeEvent, QTextFormat
from PySide6.QtWidgets import QPlainTextEdit, QTextEdit, QWidget

from aiva_desk.gui.common import theme

# (on a light background, on a dark background)
PROBLEM_BACKGROUND = ("#fde2e1", "#5a2320")
PROBLEM_NUMBER = ("#b3261e", "#ff7b72")
GUTTER_PADDING = 6


def _pick(colors: tuple[str, str]) -> QColor:
    return QColor(colors[1] if theme.is_dark() else colors[0])


class _Gutter(QWidget):
    def __init__(self, editor: CodeEditor) -> None:
        super().__init__(editor)
        self.editor = editor

    def sizeHint(self) -> QSize:
        return QSize(self.editor.gutter_width(), 0)

    def paintEvent(self, event: QPaintEvent) -> None:
        self.editor.paint_gutter(event)


class CodeEditor(QPlainTextEdit):
    """Monospace text with line numbers; one line can be marked as the problem."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        self.setTabChangesFocus(True)  # keyboard users leave the editor with Tab
        self._problem_line: int | None = None
        self.gutter = _Gutter(self)
        self.blockCountChanged.connect(self._update_gutter_width)
        self.updateRequest.connect(self._on_update_request)
        self._update_gutter_width()

    # -- the problem line ------------------------------------------------------------

    @property
    def problem_line(self) -> int | None:
        return self._problem_line

    def set_problem_line(self, line: int | None) -> None:
        """Mark 1-based ``line`` (``None``: no mark) and scroll it into view."""
        self._problem_line = line
        selections = []
        block = self.document().findBlockByNumber(line - 1) if line else None
        if block is not None and block.isValid():
            selection = QTextEdit.ExtraSelection()
            selection.format.setBackground(_pick(PROBLEM_BACKGROUND))
            selection.format.setProperty(QTextFormat.Property.FullWidthSelection, True)
            cursor = self.textCursor()
            cursor.setPosition(block.position())
            selection.cursor = cursor
            selections.append(selection)
            self._scroll_to(block.position())
        self.setExtraSelections(selections)
        self.gutter.update()

    def _scroll_to(self, position: int) -> None:
        keep = self.textCursor()
        cursor = self.textCursor()
        cursor.setPosition(position)
        self.setTextCursor(cursor)
        self.ensureCursorVisible()
        self.setTextCursor(keep)

    # -- the gutter --------------------------------------------------------------------

    def gutter_width(self) -> int:
        digits = len(str(max(1, self.blockCount())))
        return 2 * GUTTER_PADDING + self.fontMetrics().horizontalAdvance("9") * max(2, digits)

    def _update_gutter_width(self, _count: int = 0) -> None:
        self.setViewportMargins(self.gutter_width(), 0, 0, 0)

    def _on_update_request(self, rect: QRect, dy: int) -> None:
        if dy:
            self.gutter.scroll(0, dy)
        else:
            self.gutter.update(0, rect.y(), self.gutter.width(), rect.height())
        if rect.contains(self.viewport().rect()):
            self._update_gutter_width()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        inner = self.contentsRect()
        self.gutter.setGeometry(
            QRect(inner.left(), inner.top(), self.gutter_width(), inner.height())
        )

    def paint_gutter(self, event: QPaintEvent) -> None:
        painter = QPainter(self.gutter)
        palette = self.palette()
        painter.fillRect(event.rect(), palette.color(palette.ColorRole.Window))
        painter.setFont(self.font())
        muted = theme.muted_color(palette)
        problem = _pick(PROBLEM_NUMBER)
        block = self.firstVisibleBlock()
        top = round(self.blockBoundingGeometry(block).translated(self.contentOffset()).top())
        line_height = self.fontMetrics().height()
        width = self.gutter.width() - GUTTER_PADDING
        while block.isValid() and top <= event.rect().bottom():
            bottom = top + round(self.blockBoundingRect(block).height())
            if block.isVisible() and bottom >= event.rect().top():
                number = block.blockNumber() + 1
                painter.setPen(problem if number == self._problem_line else muted)
                painter.drawText(
                    0, top, width, line_height, Qt.AlignmentFlag.AlignRight, str(number)
                )
            block = block.next()
            top = bottom
        painter.end()
