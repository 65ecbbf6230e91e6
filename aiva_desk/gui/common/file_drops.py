"""Files dragged from the desktop or a mail client and dropped on a widget.

A file dropped on a text box is handed to the widget's owner (attached to the ticket,
imported as mail), not pasted into the box as a path.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QEvent, QMimeData, QObject
from PySide6.QtGui import QDropEvent
from PySide6.QtWidgets import QLineEdit, QPlainTextEdit, QWidget


def local_files(mime: QMimeData) -> list[Path]:
    """The local files in a drag (URLs that are not local files are ignored)."""
    if not mime.hasUrls():
        return []
    return [Path(url.toLocalFile()) for url in mime.urls() if url.isLocalFile()]


class _FileDropFilter(QObject):
    """Files dropped on a widget (or a text box in it) go to its owner, not into the box."""

    def __init__(self, parent: QObject, attach: Callable[[list[Path]], object]) -> None:
        super().__init__(parent)
        self._attach = attach

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind not in (QEvent.Type.DragEnter, QEvent.Type.DragMove, QEvent.Type.Drop):
            return False
        assert isinstance(event, QDropEvent)  # drag enter and move events are drop events
        files = local_files(event.mimeData())
        if not files:
            return False
        event.acceptProposedAction()
        if kind == QEvent.Type.Drop:
            self._attach(files)
        return True


def accept_file_drops(root: QWidget, attach: Callable[[list[Path]], object]) -> None:
    """Send files dropped anywhere on ``root`` (text boxes included) to ``attach``."""
    drop_filter = _FileDropFilter(root, attach)
    root.setAcceptDrops(True)
    root.installEventFilter(drop_filter)
    for widget in root.findChildren(QPlainTextEdit) + root.findChildren(QLineEdit):
        target = widget.viewport() if isinstance(widget, QPlainTextEdit) else widget
        target.installEventFilter(drop_filter)
