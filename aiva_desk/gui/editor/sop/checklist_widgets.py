"""Small widgets of the checklist panel, and the Request for Information dialog."""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt, Signal
from PySide6.QtGui import QGuiApplication, QMouseEvent, QPainter, QPaintEvent, QPalette
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)


class ClickableLabel(QLabel):
    """An item's text; a click on it ticks the box, like a check box's own text.

    Signals:
        clicked(): the label was clicked with the left button.
    """

    clicked = Signal()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton and self.rect().contains(
            event.position().toPoint()
        ):
            self.clicked.emit()
        super().mouseReleaseEvent(event)


class Meter(QWidget):
    """A thin progress bar in the palette's highlight colour (cheaper than QProgressBar)."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setFixedSize(72, 6)
        self._done, self._total = 0, 1

    def set_progress(self, done: int, total: int) -> None:
        if (done, total) != (self._done, self._total):
            self._done, self._total = done, max(total, 1)
            self.update()

    def paintEvent(self, _event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(Qt.PenStyle.NoPen)
        pal = self.palette()
        painter.setBrush(pal.color(QPalette.ColorRole.Mid))
        painter.drawRoundedRect(self.rect(), 3, 3)
        width = round(self.width() * self._done / self._total)
        if width:
            painter.setBrush(pal.color(QPalette.ColorRole.Highlight))
            painter.drawRoundedRect(0, 0, width, self.height(), 3, 3)


class FollowingCheckBox(QCheckBox):
    """The box of an item that follows its ticket field: shown, not clickable."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)

    def hitButton(self, _pos: QPoint) -> bool:
        return False


class RequestInformationDialog(QDialog):
    """The drafted Request for Information message; its one action sends it by e-mail.

    Signals:
        send_requested(): "Send by e-mail…" was clicked: open the composer on the draft.
        asked_elsewhere(): the agent asked by phone or chat: the ticket waits on the
            customer now (the draft stays in the log).
    """

    send_requested = Signal()
    asked_elsewhere = Signal()

    def __init__(self, subject: str, body: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("requestInformationDialog")
        self.setWindowTitle("Request for Information (draft)")
        self.setAccessibleName("Request for Information draft")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.subject, self.body = subject, body
        layout = QVBoxLayout(self)
        intro = QLabel(
            "Saved as a draft in the communication log. Send by e-mail opens it in the "
            "composer; the ticket is Waiting on customer once the mail is sent.",
            self,
        )
        intro.setObjectName("requestIntro")
        intro.setWordWrap(True)
        self.subject_edit = QLineEdit(subject, self)
        self.subject_edit.setObjectName("requestSubject")
        self.subject_edit.setAccessibleName("Subject")
        self.subject_edit.setReadOnly(True)
        self.text = QPlainTextEdit(body, self)
        self.text.setObjectName("requestBody")
        self.text.setAccessibleName("Message")
        self.text.setReadOnly(True)
        self.text.setMinimumSize(560, 360)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        self.send_button = buttons.addButton(
            "&Send by e-mail…", QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.send_button.setObjectName("sendRequestButton")
        self.send_button.setDefault(True)
        self.copy_button = buttons.addButton("&Copy", QDialogButtonBox.ButtonRole.ActionRole)
        self.copy_button.setObjectName("copyRequestButton")
        self.copy_button.clicked.disconnect()
        self.copy_button.clicked.connect(self.copy)
        self.asked_button = buttons.addButton(
            "&Asked by phone or chat", QDialogButtonBox.ButtonRole.ActionRole
        )
        self.asked_button.setObjectName("askedElsewhereButton")
        self.asked_button.setToolTip(
            "You asked the customer another way: the ticket waits on them now, no mail."
        )
        self.asked_button.clicked.disconnect()
        self.asked_button.clicked.connect(self._on_asked_elsewhere)
        buttons.accepted.connect(self._on_buttons_accepted)
        buttons.rejected.connect(self.reject)
        for widget in (intro, self.subject_edit, self.text, buttons):
            layout.addWidget(widget)
        self.send_button.setFocus()

    def _on_buttons_accepted(self) -> None:
        self.accept()
        self.send_requested.emit()

    def _on_asked_elsewhere(self) -> None:
        self.accept()
        self.asked_elsewhere.emit()

    def copy(self) -> None:
        """Put "Subject: …" and the message on the clipboard."""
        QGuiApplication.clipboard().setText(f"Subject: {self.subject}\n\n{self.body}")
