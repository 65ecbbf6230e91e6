"""A damaged database at start: offer the newest good backup or another data folder.

Never a silent start on a damaged file: the open refuses it (``PRAGMA quick_check``),
and here the agent chooses to restore the newest backup that passes its own check,
to open another data folder, or to quit. The disk work runs off the GUI thread while
a local event loop keeps the dialog painted.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from typing import TypeVar

from PySide6.QtCore import QEventLoop
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from aiva_desk.app_context import AppContext, open_context
from aiva_desk.backup import service
from aiva_desk.errors import AivaError, CorruptDatabaseError
from aiva_desk.gui.backups.actions import progress_dialog
from aiva_desk.gui.errors import NO_ERROR_DIALOGS_ENV, show_error
from aiva_desk.gui.tasks import BackgroundTask
from aiva_desk.runtime.paths import resolve_data_dir, resolve_db_url
from aiva_desk.store.backups import BackupInfo, newest_good_backup

T = TypeVar("T")


def wait_for(fn: Callable[[], T], label: str) -> T:
    """Run ``fn`` off the GUI thread and return its result, keeping the GUI painted."""
    loop = QEventLoop()
    outcome: list[tuple[bool, object]] = []
    task = BackgroundTask(fn, label=label)
    task.success(lambda value: outcome.append((True, value)))
    task.failure(lambda exc: outcome.append((False, exc)))
    task.finished.connect(loop.quit)
    task.run_in_background()
    if not outcome:
        loop.exec()
    succeeded, value = outcome[0]
    if not succeeded:
        raise value  # type: ignore[misc]
    return value  # type: ignore[return-value]


class RecoveryDialog(QMessageBox):
    """What is wrong, and the three ways on."""

    def __init__(self, message: str, newest: BackupInfo | None, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("recoveryDialog")
        self.setIcon(QMessageBox.Icon.Critical)
        self.setWindowTitle(CorruptDatabaseError.title)
        self.setText(message)
        self.restore_button = None
        if newest is not None:
            self.restore_button = self.addButton(
                f"&Restore the Backup of {newest.taken_at:%Y-%m-%d %H:%M}",
                QMessageBox.ButtonRole.AcceptRole,
            )
            self.restore_button.setObjectName("restoreNewestButton")
        self.other_button = self.addButton(
            "&Open Another Data Folder…", QMessageBox.ButtonRole.ActionRole
        )
        self.other_button.setObjectName("otherDataFolderButton")
        self.quit_button = self.addButton("&Quit", QMessageBox.ButtonRole.RejectRole)
        self.quit_button.setObjectName("quitButton")
        self.setDefaultButton(self.restore_button or self.other_button)


def open_or_recover(data_dir: str | None, db_url: str | None) -> AppContext | None:
    """The opened data; on a damaged database, what the agent chose (None: quit)."""
    while True:
        try:
            return open_context(data_dir, db_url)
        except CorruptDatabaseError:
            if os.environ.get(NO_ERROR_DIALOGS_ENV):
                raise  # no one to ask (a test run): said in one message, as any refusal
            paths = resolve_data_dir(data_dir)
            newest = wait_for(lambda p=paths: newest_good_backup(p.backups), "find backup")
            dialog = RecoveryDialog(str(sys.exc_info()[1]), newest)
            dialog.exec()
            clicked = dialog.clickedButton()
            if newest is not None and clicked is dialog.restore_button:
                if not _restore(paths, resolve_db_url(paths, db_url), newest):
                    return None
            elif clicked is dialog.other_button:
                folder = QFileDialog.getExistingDirectory(
                    None, "Open Another Data Folder", str(paths.root.parent)
                )
                if not folder:
                    return None
                data_dir, db_url = folder, None
            else:
                return None


def _restore(paths, url: str, newest: BackupInfo) -> bool:
    dialog, relay = progress_dialog(None, f"Restoring {newest.path.name}…")
    try:
        wait_for(lambda: service.restore(paths, url, newest.path, progress=relay), "restore")
    except AivaError as exc:
        show_error(None, exc, critical=True)
        return False
    finally:
        dialog.reset()
        dialog.deleteLater()
    return True
