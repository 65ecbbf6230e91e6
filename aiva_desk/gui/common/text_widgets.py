"""Text boxes that fit their contents, and other helpers for a long form that scrolls.

:class:`FitToText` grows a ``QPlainTextEdit`` with what is typed (between a few
lines and a limit, then it scrolls itself); :class:`ReadOnlyList` shows rich text
(a log, the history) in a ``QTextBrowser`` sized to its document, with search
matches highlighted.
"""

from __future__ import annotations

import math

from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt, QTimer
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QGroupBox,
    QLabel,
    QPlainTextEdit,
    QScrollArea,
    QTextBrowser,
    QWidget,
)

from aiva_desk.gui.common.forms import child
from aiva_desk.gui.common.highlight import TermHighlighter
from aiva_desk.gui.common.rich_text import document_style, render_placeholder


def _frame_extra(widget: QFrame) -> int:
    margins = widget.contentsMargins()
    return 2 * widget.frameWidth() + margins.top() + margins.bottom()


class FitToText(QObject):
    """Keeps a plain text edit between ``min_lines`` and ``max_lines`` tall, by its text."""

    def __init__(self, edit: QPlainTextEdit, min_lines: int = 2, max_lines: int = 14) -> None:
        super().__init__(edit)
        self._edit = edit
        self._min_lines = min_lines
        self._max_lines = max_lines
        self._lines = -1
        self._timer = QTimer(self)  # coalesce a burst of edits or resizes into one update
        self._timer.setSingleShot(True)
        self._timer.setInterval(0)
        self._timer.timeout.connect(self.update_height)
        edit.textChanged.connect(self._timer.start)
        edit.installEventFilter(self)
        self.update_height()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in (QEvent.Type.Resize, QEvent.Type.FontChange):
            self._timer.start()
        return False

    def _visual_lines(self) -> int:
        """Lines the text takes when wrapped at the edit's width (stops at the maximum)."""
        edit = self._edit
        metrics = edit.fontMetrics()
        width = max(edit.viewport().width() - 2 * int(edit.document().documentMargin()), 40)
        lines = 0
        block = edit.document().begin()
        while block.isValid() and lines <= self._max_lines:
            advance = metrics.horizontalAdvance(block.text()) if block.length() > 1 else 0
            lines += max(1, math.ceil(advance / width))
            block = block.next()
        return lines

    def update_height(self) -> None:
        lines = min(max(self._visual_lines(), self._min_lines), self._max_lines)
        if lines == self._lines:
            return
        self._lines = lines
        edit = self._edit
        margin = 2 * int(edit.document().documentMargin())
        height = lines * edit.fontMetrics().lineSpacing() + margin + _frame_extra(edit) + 2
        edit.setFixedHeight(height)


class ReadOnlyList(QObject):
    """A ``QTextBrowser`` showing generated HTML, as tall as its document up to a limit."""

    def __init__(self, browser: QTextBrowser, *, max_height: int = 420) -> None:
        super().__init__(browser)
        self.browser = browser
        self._max_height = max_height
        self._html = ""
        browser.setReadOnly(True)
        browser.setOpenLinks(False)
        browser.setFrameShape(QFrame.Shape.NoFrame)
        browser.viewport().setAutoFillBackground(False)
        self.highlighter = TermHighlighter(browser.document())
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(0)
        self._timer.timeout.connect(self.update_height)
        browser.installEventFilter(self)
        self._apply_style()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind == QEvent.Type.Resize:
            self._timer.start()
        elif kind == QEvent.Type.PaletteChange:
            self._apply_style()
            self.set_html(self._html)
        return False

    def _apply_style(self) -> None:
        palette = self.browser.palette()
        text = palette.color(QPalette.ColorRole.Text).name()
        muted = palette.color(QPalette.ColorRole.PlaceholderText).name()
        self.browser.document().setDefaultStyleSheet(document_style(text, muted))

    def set_html(self, html: str) -> None:
        self._html = html
        self.browser.setHtml(f"<html><body>{html}</body></html>" if html else "")
        self.update_height()

    def set_placeholder(self, message: str) -> None:
        self._html = ""
        self.browser.setHtml(render_placeholder(message))
        self.update_height()

    def plain_text(self) -> str:
        return self.browser.toPlainText()

    def set_search(self, text: str) -> None:
        self.highlighter.set_search(text)

    def update_height(self) -> None:
        browser = self.browser
        document = browser.document()
        document.setTextWidth(max(browser.viewport().width(), 100))
        height = math.ceil(document.size().height()) + _frame_extra(browser) + 2
        browser.setFixedHeight(min(max(height, 28), self._max_height))


def fit_all(root: QWidget, names: dict[str, str], **limits: int) -> list[FitToText]:
    """Attach :class:`FitToText` to every ``QPlainTextEdit`` named in ``names`` values."""
    return [FitToText(child(root, QPlainTextEdit, name), **limits) for name in names.values()]


def align_label_columns(body: QWidget) -> None:
    """Give the label columns of every section the same width, so the fields line up."""
    grids = [
        box.layout()
        for box in body.findChildren(QGroupBox)
        if box.parentWidget() is body and isinstance(box.layout(), QGridLayout)
    ]
    for column in (0, 2):
        labels = [
            item.widget()
            for grid in grids
            for row in range(grid.rowCount())
            if (item := grid.itemAtPosition(row, column)) is not None
            and isinstance(item.widget(), QLabel)
            and item.widget().property("role") == "fieldLabel"
        ]
        if labels:
            width = max(label.sizeHint().width() for label in labels)
            for label in labels:
                label.setMinimumWidth(width)


class _WheelGuard(QObject):
    """Scrolling the form must not change a combo box or spin box under the pointer.

    Unless the widget has the focus, the wheel scrolls the form around it instead.
    """

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() != QEvent.Type.Wheel or not isinstance(watched, QWidget):
            return False
        if watched.hasFocus():
            return False
        parent = watched.parentWidget()
        while parent is not None and not isinstance(parent, QScrollArea):
            parent = parent.parentWidget()
        if parent is not None:
            QCoreApplication.sendEvent(parent.verticalScrollBar(), event)
        return True


_wheel_guard: _WheelGuard | None = None


def guard_wheel(widget: QWidget) -> None:
    global _wheel_guard
    if _wheel_guard is None:
        _wheel_guard = _WheelGuard()
    widget.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
    widget.installEventFilter(_wheel_guard)
