"""File > Import Mail… and mail dropped on the queue: ``.eml`` files (dragged from a mail
client) and ``.mbox`` exports become tickets or replies, the way ``aiva-desk import-mail``
takes them in, in the background; one line in the status bar says what came in."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QFileDialog, QMainWindow, QWidget

from aiva_desk.app_context import AppContext
from aiva_desk.gui.common.file_drops import accept_file_drops
from aiva_desk.gui.tasks import BackgroundTask
from aiva_desk.inbound.importing import import_mail

MAIL_SUFFIXES = (".eml", ".mbox")


class MailImport(QObject):
    """Signals:
    imported(str): mail was taken in; the summary line (the queue refreshes on it)."""

    imported = Signal(str)

    def __init__(self, window: QMainWindow, context: AppContext) -> None:
        super().__init__(window)
        self._window = window
        self._context = context
        self.action = QAction("&Import Mail…", window)
        self.action.setObjectName("importMailAction")
        self.action.setStatusTip("Take in e-mail saved as .eml files or an .mbox export")
        self.action.triggered.connect(self.choose_files)

    def accept_drops_on(self, widget: QWidget) -> None:
        accept_file_drops(widget, self.import_files)

    def choose_files(self) -> None:
        names, _filter = QFileDialog.getOpenFileNames(
            self._window, "Import Mail", "", "E-mail (*.eml *.mbox);;All files (*)"
        )
        if names:
            self.import_files([Path(name) for name in names])

    def import_files(self, paths: list[Path]) -> None:
        """Take in the mail among ``paths``; other files are named and left alone."""
        mail = [path for path in paths if path.suffix.lower() in MAIL_SUFFIXES]
        left = [path.name for path in paths if path not in mail]
        status = self._window.statusBar()
        if not mail:
            status.showMessage(f"Not e-mail, not imported: {', '.join(left)} (.eml or .mbox)")
            return
        intake = self._context.mail_intake()

        def work() -> str:
            lines = [import_mail(intake, path).line(path.name) for path in mail]
            if left:
                lines.append(f"Not e-mail, left alone: {', '.join(left)}.")
            return " ".join(lines)

        status.showMessage(importing_text(mail))
        BackgroundTask(work, parent=self._window, label="import mail").success(
            self._on_imported
        ).run_in_background()

    def _on_imported(self, summary: str) -> None:
        self._window.statusBar().showMessage(summary)
        self.imported.emit(summary)


def importing_text(mail: list[Path]) -> str:
    """``Importing inbox.mbox…`` or ``Importing 3 mail files…`` while the import runs."""
    if len(mail) == 1:
        return f"Importing {mail[0].name}…"
    return f"Importing {len(mail)} mail files…"
