"""The one way errors reach the user: :func:`show_error`, plus the exception hook.

An :class:`~aiva_desk.errors.AivaError` is the user's situation (a refused
step, a locked database): it is shown with its own title and message. Anything
else is a bug: it is logged with its traceback and shown as "Unexpected error"
with copyable details and the path of the log file.

For automated runs the dialogs can be switched off: set the environment variable
``AIVA_DESK_NO_ERROR_DIALOGS=1`` (errors then go to stderr), or install a sink
with :func:`set_error_sink` / :func:`capture_errors` to collect what would have
been shown. Tests must never block on a modal dialog.
"""

from __future__ import annotations

import enum
import html
import logging
import logging.handlers
import os
import sys
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from types import TracebackType

from PySide6.QtCore import Qt
from PySide6.QtGui import QFontDatabase, QGuiApplication
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from aiva_desk.errors import AivaError

log = logging.getLogger(__name__)

NO_ERROR_DIALOGS_ENV = "AIVA_DESK_NO_ERROR_DIALOGS"
UNEXPECTED_TITLE = "Unexpected error"


class Severity(enum.Enum):
    WARNING = "warning"
    CRITICAL = "critical"


@dataclass(frozen=True)
class ShownError:
    """What the user is (or, with dialogs off, would have been) shown."""

    title: str
    message: str
    details: str | None
    severity: Severity
    exception: BaseException

    @property
    def unexpected(self) -> bool:
        return not isinstance(self.exception, AivaError)


ErrorSink = Callable[[ShownError], None]
_sink: ErrorSink | None = None
_showing = False


def set_error_sink(sink: ErrorSink | None) -> ErrorSink | None:
    """Send errors to ``sink`` instead of dialogs (``None``: dialogs again); return the old sink."""
    global _sink
    previous, _sink = _sink, sink
    return previous


@contextmanager
def capture_errors() -> Iterator[list[ShownError]]:
    """Collect every error shown inside the block instead of opening dialogs."""
    shown: list[ShownError] = []
    previous = set_error_sink(shown.append)
    try:
        yield shown
    finally:
        set_error_sink(previous)


def log_file_path() -> str | None:
    """The path of the app's log file, if logging to a file has been set up."""
    for handler in logging.getLogger().handlers:
        if isinstance(handler, logging.FileHandler) and getattr(handler, "_aiva_desk", False):
            return handler.baseFilename
    return None


def describe_error(exc: BaseException, *, critical: bool = False) -> ShownError:
    """The title, message and details to show for ``exc``."""
    severity = Severity.CRITICAL if critical else Severity.WARNING
    if isinstance(exc, AivaError):
        return ShownError(exc.title, exc.message, exc.details, severity, exc)
    where = log_file_path()
    message = (
        "Something went wrong that AIVA Desk did not expect. Work that was already saved "
        "is safe; the last action may not have completed."
    )
    if where:
        message += f"\n\nThe details were written to the log file:\n{where}"
    details = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
    return ShownError(UNEXPECTED_TITLE, message, details, severity, exc)


def show_error(parent: QWidget | None, exc: BaseException, *, critical: bool = False) -> ShownError:
    """Tell the user about ``exc`` in the right way; return what was shown."""
    global _showing
    shown = describe_error(exc, critical=critical)
    if shown.unexpected:
        log.error("Unexpected error", exc_info=(type(exc), exc, exc.__traceback__))
    else:
        log.warning("%s: %s", shown.title, shown.message)
    if _sink is not None:
        _sink(shown)
        return shown
    if os.environ.get(NO_ERROR_DIALOGS_ENV) or QApplication.instance() is None or _showing:
        print(f"aiva-desk: {shown.title}: {shown.message}", file=sys.stderr)
        return shown
    _showing = True
    try:
        ErrorDialog(shown, parent).exec()
    finally:
        _showing = False
    return shown


class ErrorDialog(QDialog):
    """A message with an icon and, when there are any, copyable details."""

    def __init__(self, shown: ShownError, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("errorDialog")
        self.setWindowTitle(shown.title)
        self.setAccessibleName(shown.title)
        pixmap = (
            QStyle.StandardPixmap.SP_MessageBoxCritical
            if shown.severity is Severity.CRITICAL
            else QStyle.StandardPixmap.SP_MessageBoxWarning
        )
        icon = QLabel(self)
        icon.setPixmap(self.style().standardIcon(pixmap).pixmap(40, 40))
        heading = QLabel(f"<b>{html.escape(shown.title)}</b>", self)
        message = QLabel(shown.message, self)
        message.setObjectName("errorMessage")
        message.setWordWrap(True)
        message.setTextFormat(Qt.TextFormat.PlainText)
        message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        message.setMinimumWidth(420)

        text_column = QVBoxLayout()
        text_column.addWidget(heading)
        text_column.addWidget(message)
        top = QHBoxLayout()
        top.addWidget(icon, 0, Qt.AlignmentFlag.AlignTop)
        top.addLayout(text_column, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        buttons.button(QDialogButtonBox.StandardButton.Close).setDefault(True)
        self.details: QPlainTextEdit | None = None
        if shown.details:
            self.details = QPlainTextEdit(shown.details, self)
            self.details.setObjectName("errorDetails")
            self.details.setAccessibleName("Error details")
            self.details.setReadOnly(True)
            self.details.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
            self.details.setMinimumHeight(180)
            layout.addWidget(self.details, 1)
            copy = buttons.addButton("&Copy Details", QDialogButtonBox.ButtonRole.ActionRole)
            copy.setObjectName("copyDetailsButton")
            copy.setAutoDefault(False)  # Enter closes the dialog, it does not copy
            # ActionRole buttons would close the dialog through the box; connect directly.
            copy.clicked.disconnect()
            copy.clicked.connect(self._on_copy_clicked)
        layout.addWidget(buttons)

    def _on_copy_clicked(self) -> None:
        if self.details is not None:
            QGuiApplication.clipboard().setText(self.details.toPlainText())


ExceptHook = Callable[[type[BaseException], BaseException, TracebackType | None], object]


def _exception_hook(
    exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None
) -> None:
    if issubclass(exc_type, KeyboardInterrupt) or QApplication.instance() is None:
        sys.__excepthook__(exc_type, exc, tb)
        return
    if exc.__traceback__ is None:
        exc = exc.with_traceback(tb)
    try:
        show_error(QApplication.activeWindow(), exc)
    except Exception:  # the error dialog itself failed: never loop, fall back to stderr
        log.exception("Could not show an error dialog")
        sys.__excepthook__(exc_type, exc, tb)


def install_exception_hook() -> ExceptHook:
    """Log and show every uncaught exception; return the hook it replaced."""
    previous = sys.excepthook
    sys.excepthook = _exception_hook
    return previous
