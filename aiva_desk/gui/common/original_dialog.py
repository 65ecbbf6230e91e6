"""A received message's source, read-only: headers and body exactly as they arrived.

For the agent who wants to see what a mail really said (who sent it, through which
servers, what the HTML held) without opening it in a mail client. The bytes are read by
the caller on a worker thread; this dialog only shows them, decoded leniently (an
undecodable byte becomes �) and in a fixed-width font.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QFontDatabase, QGuiApplication, QTextOption
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

MAX_SHOWN = 2 * 1024 * 1024  # a 25 MB attachment as base64 would stall the text view
DEFAULT_SIZE = (860, 620)


def source_text(raw: bytes) -> str:
    """The message as text: UTF-8 where it is, Latin-1 otherwise (every byte shown)."""
    try:
        text = raw[:MAX_SHOWN].decode("utf-8")
    except UnicodeDecodeError:
        text = raw[:MAX_SHOWN].decode("latin-1")
    if len(raw) > MAX_SHOWN:
        text += f"\n\n[… {len(raw) - MAX_SHOWN:,} more bytes not shown]"
    return text


class OriginalMessageDialog(QDialog):
    """The source of one message; ``title`` names it (its subject, its sender)."""

    def __init__(self, raw: bytes, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("originalMessageDialog")
        self.setWindowTitle(f"Original — {title}" if title else "Original message")
        self.setAccessibleName("Original message")
        self.setWindowFlag(Qt.WindowType.WindowMaximizeButtonHint, True)
        self.note = QLabel(f"The message as it arrived ({len(raw):,} bytes), read-only.", self)
        self.note.setWordWrap(True)
        self.source = QPlainTextEdit(self)
        self.source.setObjectName("originalSource")
        self.source.setAccessibleName("Message source")
        self.source.setReadOnly(True)
        self.source.setWordWrapMode(QTextOption.WrapMode.WrapAnywhere)  # base64 has no spaces
        self.source.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.source.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.source.setPlainText(source_text(raw))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        copy = buttons.addButton("&Copy All", QDialogButtonBox.ButtonRole.ActionRole)
        copy.setObjectName("copySourceButton")
        copy.setAutoDefault(False)
        copy.clicked.disconnect()  # an ActionRole button would close the dialog
        copy.clicked.connect(self._copy)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.note)
        layout.addWidget(self.source, 1)
        layout.addWidget(buttons)
        self.resize(*DEFAULT_SIZE)

    def _copy(self) -> None:
        QGuiApplication.clipboard().setText(self.source.toPlainText())
