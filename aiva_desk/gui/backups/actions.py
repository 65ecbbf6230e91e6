"""File → Back Up Now… / Restore from Backup…, and the daily backup while the app runs.

Backups and restores run off the GUI thread (a restore on the one writer thread, so
no save is under way); a progress dialog follows the pages copied. After a restore
the same database object is reopened on the restored file and the window re-reads.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QFileDialog, QMainWindow, QMessageBox, QProgressDialog, QWidget

from aiva_desk.app_context import AppContext
from aiva_desk.backup import service
from aiva_desk.gui.errors import show_error
from aiva_desk.gui.tasks import BackgroundTask

log = logging.getLogger(__name__)

DAILY_CHECK_MS = 60 * 60 * 1000  # look every hour whether the day's backup is due
FIRST_CHECK_MS = 20 * 1000  # ... and once soon after start, when the window is idle
STATUS_MS = 10_000


class Progress(QObject):
    """The core's progress callback, relayed to the GUI thread as a signal."""

    step = Signal(int, int)  # pages done, pages in all

    def __call__(self, done: int, total: int) -> None:
        self.step.emit(done, total)


def progress_dialog(parent: QWidget | None, text: str) -> tuple[QProgressDialog, Progress]:
    dialog = QProgressDialog(text, "", 0, 0, parent)
    dialog.setObjectName("backupProgress")
    dialog.setCancelButton(None)  # a half-made backup is thrown away anyway; nothing to cancel
    dialog.setWindowModality(Qt.WindowModality.WindowModal)
    dialog.setMinimumDuration(300)
    relay = Progress(dialog)
    relay.step.connect(lambda done, total: (dialog.setMaximum(total), dialog.setValue(done)))
    return dialog, relay


class BackupActions(QObject):
    """The File menu's backup actions for ``window``, and the daily backup.

    Signals:
        backed_up(object): a backup was written (its Path).
        restored(object): a backup was restored (a :class:`service.Restored`).
    """

    backed_up = Signal(object)
    restored = Signal(object)

    def __init__(
        self,
        window: QWidget,
        context: AppContext,
        *,
        add_to_menu: Callable[[QAction], None] | None = None,
        on_restored: Callable[[], None] | None = None,
        daily: bool = True,
    ) -> None:
        super().__init__(window)
        self._window = window
        self._context = context
        self.back_up_action = QAction("&Back Up Now…", window)
        self.back_up_action.setObjectName("backUpNowAction")
        self.back_up_action.setStatusTip("Write a checked copy of the database and attachments")
        self.back_up_action.triggered.connect(lambda: self.back_up_now())
        self.restore_action = QAction("&Restore from Backup…", window)
        self.restore_action.setObjectName("restoreBackupAction")
        self.restore_action.setStatusTip(
            "Replace the data by a backup (the current data is backed up first)"
        )
        self.restore_action.triggered.connect(self._on_restore_triggered)
        if add_to_menu is not None:
            add_to_menu(self.back_up_action)
            add_to_menu(self.restore_action)
        if on_restored is not None:
            self.restored.connect(lambda _done: on_restored())
        self.busy = False
        self._daily = QTimer(self)
        self._daily.setInterval(DAILY_CHECK_MS)
        self._daily.timeout.connect(self.check_daily)
        if daily:
            self._daily.start()
            QTimer.singleShot(FIRST_CHECK_MS, self, self.check_daily)

    @property
    def url(self) -> str:
        return self._context.db.engine.url.render_as_string(hide_password=False)

    def back_up_now(self, target: Path | None = None) -> BackgroundTask[Path]:
        """Write a backup (into the backups folder unless ``target``), with progress."""
        dialog, relay = progress_dialog(self._window, "Backing up the database…")
        paths, url = self._context.paths, self.url
        self.busy = True
        return self._run(
            BackgroundTask(
                lambda: service.back_up_now(paths, url, target=target, progress=relay),
                parent=self,
                writes=False,
                label="back up now",
            ),
            dialog,
            self._on_backed_up,
        )

    def restore_from(self, backup: Path) -> BackgroundTask[service.Restored]:
        """Replace the data by ``backup`` (current data backed up first), then reopen."""
        dialog, relay = progress_dialog(self._window, f"Restoring {backup.name}…")
        context = self._context
        self.busy = True
        return self._run(
            BackgroundTask(
                lambda: service.restore_in_place(context, backup, relay),
                parent=self,
                label="restore backup",
            ),
            dialog,
            self._on_restored,
        )

    def check_daily(self) -> None:
        """The day's automatic backup, if none is younger than a day (quietly)."""
        if self.busy:
            return
        paths, url, settings = self._context.paths, self.url, self._context.settings
        BackgroundTask(
            lambda: service.daily_backup_if_due(paths, url, settings),
            parent=self,
            writes=False,
            label="daily backup",
        ).success(lambda made: made is not None and self.backed_up.emit(made)).failure(
            lambda exc: log.warning("Daily backup failed: %s", exc)
        ).run_in_background()

    def _run(self, task: BackgroundTask, dialog: QProgressDialog, done: Callable) -> BackgroundTask:
        def finished() -> None:
            self.busy = False
            dialog.reset()
            dialog.deleteLater()

        def failed(exc: Exception) -> None:
            finished()
            show_error(self._window, exc)

        def succeeded(result: object) -> None:
            finished()
            done(result)

        return task.success(succeeded).failure(failed).run_in_background()

    def _on_backed_up(self, path: Path) -> None:
        self._status(f"Backed up to {path}")
        self.backed_up.emit(path)

    def _on_restored(self, done: service.Restored) -> None:
        kept = f"; the data it replaced is kept in {done.previous.name}" if done.previous else ""
        self._status(f"Restored {done.source.name}{kept}")
        self.restored.emit(done)

    def _status(self, text: str) -> None:
        if isinstance(self._window, QMainWindow):
            self._window.statusBar().showMessage(text, STATUS_MS)

    def _on_restore_triggered(self) -> None:
        chosen, _ = QFileDialog.getOpenFileName(
            self._window,
            "Restore from Backup",
            str(self._context.paths.backups),
            "AIVA Desk backups (*.sqlite3 *.dump);;All files (*)",
        )
        if chosen and confirm_restore(self._window, Path(chosen)):
            self.restore_from(Path(chosen))


def backup_actions_for(widget: QWidget, context: AppContext) -> BackupActions:
    """The main window's backup actions (so a restore re-reads the window), found through
    ``widget``'s parents; a quiet set of its own where there is no window (a lone dialog)."""
    parent: QObject | None = widget
    while parent is not None:
        found = getattr(parent, "backups", None)
        if isinstance(found, BackupActions):
            return found
        parent = parent.parent()
    return BackupActions(widget, context, daily=False)


def confirm_restore(parent: QWidget, backup: Path) -> bool:
    answer = QMessageBox.question(
        parent,
        "Restore from Backup",
        f"Replace the current data by {backup.name}?\n\nThe current data is backed up "
        "first, so this can be undone by restoring that backup.",
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
        QMessageBox.StandardButton.Cancel,
    )
    return answer == QMessageBox.StandardButton.Yes
