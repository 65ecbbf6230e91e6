"""Attachments: the list, a file picker, dropped files, and a preview of images and text.

Copying a file into the attachment store is a background write; reading a
preview (an image scaled down, or the first 64 KB of a text file) is a background
read. A file that is too big or unreadable is reported through ``show_error``.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, QSize, Qt, Signal
from PySide6.QtGui import QImage, QImageReader, QPixmap
from PySide6.QtWidgets import (
    QFileDialog,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QStackedWidget,
    QWidget,
)

from aiva_desk.errors import AivaError
from aiva_desk.gui.common.formatting import human_size, local_time
from aiva_desk.gui.common.forms import child
from aiva_desk.gui.errors import show_error
from aiva_desk.gui.tasks import BackgroundTask
from aiva_desk.store.models import Attachment, Ticket
from aiva_desk.tickets.service import TicketService

TEXT_PREVIEW_BYTES = 64 * 1024
IMAGE_PREVIEW_SIZE = QSize(560, 280)
TEXT_MIME_TYPES = {"application/json", "application/xml", "application/x-yaml", "application/sql"}
TEXT_SUFFIXES = {".txt", ".log", ".md", ".csv", ".json", ".xml", ".yaml", ".yml", ".ini", ".har"}
ATTACHMENT_ROLE = Qt.ItemDataRole.UserRole + 1
LIST_ROWS = 6  # the list grows to this many rows, then scrolls


def preview_kind(attachment: Attachment) -> str:
    """``"image"``, ``"text"`` or ``""`` (no preview) for an attachment."""
    mime = attachment.mime_type or ""
    if mime.startswith("image/") and mime.split("/", 1)[1] != "svg+xml":
        return "image"
    if mime.startswith("text/") or mime in TEXT_MIME_TYPES:
        return "text"
    if Path(attachment.filename).suffix.lower() in TEXT_SUFFIXES:
        return "text"
    return ""


def _read_image(path: Path, box: QSize) -> QImage:
    reader = QImageReader(str(path))
    reader.setAutoTransform(True)
    size = reader.size()
    if size.isValid() and (size.width() > box.width() or size.height() > box.height()):
        reader.setScaledSize(size.scaled(box, Qt.AspectRatioMode.KeepAspectRatio))
    image = reader.read()
    if image.isNull():
        raise AivaError(f"The image cannot be shown: {reader.errorString()}.")
    return image


def _read_text(path: Path) -> tuple[str, int]:
    with path.open("rb") as handle:
        head = handle.read(TEXT_PREVIEW_BYTES)
    return head.decode("utf-8", errors="replace"), path.stat().st_size


class AttachmentsPanel(QObject):
    """The attachments of one ticket.

    Signals:
        attached(int): a file was attached to the ticket with this id.
        preview_shown(str): a preview ("image", "text" or "") is now shown.
    """

    attached = Signal(int)
    preview_shown = Signal(str)

    def __init__(self, root: QWidget, service: TicketService) -> None:
        super().__init__(root)
        self._root = root
        self._service = service
        self._ticket_id: int | None = None
        self._select_after_load: str | None = None
        self._preview_token = 0
        self.list = child(root, QListWidget, "attachmentsList")
        self.attach_button = child(root, QPushButton, "attachButton")
        self.preview = child(root, QStackedWidget, "attachmentPreview")
        self.placeholder = child(root, QLabel, "previewPlaceholder")
        self.image = child(root, QLabel, "imagePreview")
        self.text = child(root, QPlainTextEdit, "textPreview")
        self.preview.setFixedHeight(IMAGE_PREVIEW_SIZE.height() + 12)
        self.preview.hide()
        self.attach_button.clicked.connect(self._on_attach_button_clicked)
        self.list.currentItemChanged.connect(self._on_list_current_item_changed)

    # -- showing -------------------------------------------------------------------

    def show_ticket(self, ticket: Ticket) -> None:
        changed_ticket = ticket.id != self._ticket_id
        self._ticket_id = ticket.id
        current = self.list.currentItem()
        keep = self._select_after_load or (
            None if changed_ticket or current is None else current.data(ATTACHMENT_ROLE).sha256
        )
        self._select_after_load = None
        blocked = self.list.blockSignals(True)
        self.list.clear()
        for attachment in ticket.attachments:
            text = (
                f"{attachment.filename}  ·  {human_size(attachment.size)}  ·  "
                f"{local_time(attachment.added_at)}"
            )
            item = QListWidgetItem(text, self.list)
            item.setData(ATTACHMENT_ROLE, attachment)
            item.setToolTip(f"{attachment.filename}\n{attachment.mime_type}")
            if keep is not None and keep in (attachment.sha256, attachment.filename):
                self.list.setCurrentItem(item)
        self.list.blockSignals(blocked)
        if not ticket.attachments:
            QListWidgetItem("No attachments yet.", self.list).setFlags(Qt.ItemFlag.NoItemFlags)
        rows = min(max(self.list.count(), 1), LIST_ROWS)
        frame = 2 * self.list.frameWidth()
        self.list.setFixedHeight(rows * max(self.list.sizeHintForRow(0), 18) + frame + 2)
        if changed_ticket or self.list.currentItem() is None:
            self._show_placeholder("Select an attachment to preview it.")
        if self.list.currentItem() is not None and (changed_ticket or keep):
            self._on_list_current_item_changed(self.list.currentItem(), None)

    def _show_placeholder(self, text: str) -> None:
        self.placeholder.setText(text)
        self.preview.setCurrentWidget(self.placeholder)
        self.preview.setVisible(self.list.currentItem() is not None)

    def _on_list_current_item_changed(
        self, item: QListWidgetItem | None, _previous: QListWidgetItem | None
    ) -> None:
        self._preview_token += 1
        attachment = item.data(ATTACHMENT_ROLE) if item is not None else None
        store = self._service.attachments
        if not isinstance(attachment, Attachment):
            self._show_placeholder("Select an attachment to preview it.")
            return
        kind = preview_kind(attachment)
        if not kind or store is None:
            self._show_placeholder(
                f"No preview for {attachment.filename} ({attachment.mime_type})."
            )
            self.preview_shown.emit("")
            return
        path, token = store.path_for(attachment.sha256), self._preview_token
        self._show_placeholder(f"Loading a preview of {attachment.filename}…")
        box = IMAGE_PREVIEW_SIZE * self.image.devicePixelRatioF()
        work = (lambda: _read_image(path, box)) if kind == "image" else (lambda: _read_text(path))
        BackgroundTask(work, parent=self._root, writes=False, label="attachment preview").success(
            lambda result: self._on_preview_loaded(token, kind, result)
        ).failure(lambda exc: self._on_preview_failed(token, exc)).run_in_background()

    def _on_preview_loaded(self, token: int, kind: str, result: object) -> None:
        if token != self._preview_token:
            return
        if kind == "image":
            assert isinstance(result, QImage)
            pixmap = QPixmap.fromImage(result)
            pixmap.setDevicePixelRatio(self.image.devicePixelRatioF())
            self.image.setPixmap(pixmap)
            self.preview.setCurrentWidget(self.image)
            self.preview.show()
        else:
            text, size = result  # type: ignore[misc]
            if size > TEXT_PREVIEW_BYTES:
                text += f"\n\n… (the first 64 KB of {human_size(size)})"
            self.text.setPlainText(text)
            self.preview.setCurrentWidget(self.text)
            self.preview.show()
        self.preview_shown.emit(kind)

    def _on_preview_failed(self, token: int, exc: Exception) -> None:
        if token == self._preview_token:
            self._show_placeholder(f"No preview: {exc}")
            self.preview_shown.emit("")

    # -- attaching -----------------------------------------------------------------

    def attach_files(self, paths: list[Path]) -> None:
        """Attach each file to the ticket shown, in the background, one after another."""
        ticket_id = self._ticket_id
        if ticket_id is None:
            return
        service = self._service
        for path in paths:

            def attach(path: Path = Path(path)) -> int:
                return service.attach(ticket_id, path)

            BackgroundTask(attach, parent=self._root, label=f"attach {Path(path).name}").success(
                lambda _version, name=Path(path).name: self._on_attached(ticket_id, name)
            ).failure(lambda exc: show_error(self._root, exc)).run_in_background()

    def _on_attached(self, ticket_id: int, filename: str) -> None:
        if ticket_id == self._ticket_id:
            self._select_after_load = filename
        self.attached.emit(ticket_id)

    def _on_attach_button_clicked(self) -> None:
        names, _filter = QFileDialog.getOpenFileNames(self._root, "Attach files to the ticket")
        if names:
            self.attach_files([Path(name) for name in names])
