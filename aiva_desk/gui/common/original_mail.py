"""A received mail's whole original: headers and body as the customer's program sent
them, read-only in a monospace font, with "Save As…" to keep it as an .eml file.

The original is in the attachment store and may be large, so it is read (and saved) off
the GUI thread; only the first :data:`DISPLAY_LIMIT` bytes are shown, with a note. It is
shown as plain text — decoded as UTF-8 where it can be, otherwise byte for byte as
Latin-1, with control characters made visible — never as markup.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from aiva_desk.errors import AivaError
from aiva_desk.gui.common.formatting import human_size
from aiva_desk.gui.errors import show_error
from aiva_desk.gui.tasks import BackgroundTask
from aiva_desk.runtime.output_paths import check_output_path
from aiva_desk.runtime.paths import DataPaths

DISPLAY_LIMIT = 2 * 1024 * 1024
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def decode_source(data: bytes) -> str:
    """Raw message bytes as text that is safe to show: UTF-8 (and so 7-bit ASCII) where
    it decodes, otherwise Latin-1 (every byte stands for itself); control characters
    other than tab and line ends become U+FFFD."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        text = data.decode("latin-1")
    return _CONTROL.sub("\ufffd", text)


def read_original(path: Path, limit: int = DISPLAY_LIMIT) -> tuple[str, int]:
    """The start of the original at ``path`` as text, and its whole size in bytes."""
    try:
        size = path.stat().st_size
        with path.open("rb") as handle:
            head = handle.read(limit)
    except OSError as exc:
        raise AivaError(
            f"The original message cannot be read ({exc.strerror or exc}). It may have "
            "been removed from the data folder."
        ) from exc
    if size > limit:  # a multi-byte character cut in half would turn it all Latin-1
        head = head[: limit - 4] + head[limit - 4 :].decode("utf-8", "ignore").encode()
    return decode_source(head), size


class OriginalMailDialog(QDialog):
    """The original of one received mail.

    Signals:
        loaded(): the source is shown (or the reason it cannot be).
        saved(str): a copy was saved to this path.
    """

    loaded = Signal()
    saved = Signal(str)

    def __init__(self, path: Path, subject: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("originalMailDialog")
        self.setWindowTitle(f"Original message — {subject or '(no subject)'}")
        self.setAccessibleName("Original message")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.resize(860, 620)
        self.path = path
        self.subject = subject
        layout = QVBoxLayout(self)
        self.note = QLabel("Reading the message…", self)
        self.note.setObjectName("originalNote")
        self.note.setWordWrap(True)
        self.note.setTextFormat(Qt.TextFormat.PlainText)
        layout.addWidget(self.note)
        self.source = QPlainTextEdit(self)
        self.source.setObjectName("originalSource")
        self.source.setAccessibleName("Message source")
        self.source.setReadOnly(True)
        self.source.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.source.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        layout.addWidget(self.source, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        self.save_button = QPushButton("Save As…", self)
        self.save_button.setObjectName("saveOriginalButton")
        self.save_button.setAutoDefault(False)
        self.save_button.setEnabled(False)
        buttons.addButton(self.save_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        self.save_button.clicked.connect(lambda _checked=False: self.choose_file())
        layout.addWidget(buttons)
        BackgroundTask(
            lambda: read_original(path), parent=self, writes=False, label="read original"
        ).success(self._on_read).failure(self._on_read_failed).run_in_background()

    def text(self) -> str:
        return self.source.toPlainText()

    def choose_file(self) -> None:
        """Ask where to keep a copy, then copy it there."""
        stem = re.sub(r"[^\w.-]+", "-", self.subject).strip("-")[:60] or "message"
        name, _filter = QFileDialog.getSaveFileName(
            self, "Save the original message", f"{stem}.eml", "E-mail (*.eml)"
        )
        if name:
            self.save_as(Path(name))

    def save_as(self, target: Path) -> None:
        """Copy the whole original (not only what is shown) to ``target``, off the GUI
        thread."""
        source = self.path

        def copy() -> str:
            check_output_path(target, _data_paths_of(source))  # never the database
            try:
                shutil.copyfile(source, target)
            except OSError as exc:
                raise AivaError(
                    f"The message could not be saved to {target}: {exc.strerror or exc}."
                ) from exc
            return str(target)

        BackgroundTask(copy, parent=self, writes=False, label="save original").success(
            self.saved.emit
        ).failure(lambda exc: show_error(self, exc)).run_in_background()

    def _on_read(self, result: tuple[str, int]) -> None:
        text, size = result
        self.source.setPlainText(text)
        if size > DISPLAY_LIMIT:
            self.note.setText(
                f"The message is {human_size(size)}; the first {human_size(DISPLAY_LIMIT)} "
                "are shown. Save As… keeps the whole message."
            )
        else:
            self.note.setText(
                f"The message as it arrived ({human_size(size)}), headers first. Shown as "
                "text: nothing in it is run or loaded."
            )
        self.save_button.setEnabled(True)
        self.loaded.emit()

    def _on_read_failed(self, exc: Exception) -> None:
        self.note.setText("The original message cannot be shown.")
        self.loaded.emit()
        show_error(self, exc)


def _data_paths_of(stored: Path) -> DataPaths | None:
    """The data folder a stored original lives in (it is kept under ``attachments``)."""
    return next((DataPaths(p.parent) for p in stored.parents if p.name == "attachments"), None)
