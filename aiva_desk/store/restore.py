"""Put a backup back in place of the live SQLite database, safely.

The current data is backed up first; the backup is checked before anything is
touched; the live file's stale ``-wal``/``-shm`` are removed before the checked
copy is renamed over it (a backup copied over a database whose old WAL lies beside
it is exactly how a good backup becomes a damaged database).
"""

from __future__ import annotations

import logging
import os
import shutil
from pathlib import Path

from aiva_desk import clock
from aiva_desk.store.backups import (
    BackupError,
    Progress,
    is_good_backup,
    restore_attachments,
    take_backup,
    write_backup,
)

log = logging.getLogger(__name__)

SIDE_FILES = ("-wal", "-shm", "-journal")


def restore_sqlite(
    backup: Path,
    db_path: Path,
    backups_dir: Path,
    *,
    attachments: Path | None = None,
    progress: Progress | None = None,
) -> Path | None:
    """Replace ``db_path`` by ``backup``; return the backup taken of the data it replaced.

    The caller must have closed every connection to ``db_path`` (and hold the data
    folder). The restored database is migrated by the next open, as any older one.
    Raises :class:`BackupError` before changing anything if ``backup`` is not good.
    """
    backup = backup.expanduser().resolve()
    if not backup.is_file():
        raise BackupError(f"There is no backup file {backup}. Nothing was changed.")
    if not is_good_backup(backup):
        raise BackupError(
            f"{backup} is not a readable AIVA Desk backup (damaged, or another program's "
            "file). Nothing was changed."
        )
    before = _keep_current(db_path, backups_dir, attachments)
    incoming = db_path.with_name(".restoring-" + db_path.name)
    write_backup(backup, incoming, progress)
    try:
        for suffix in SIDE_FILES:
            Path(f"{db_path}{suffix}").unlink(missing_ok=True)
        os.replace(incoming, db_path)
        _sync_dir(db_path.parent)
    except OSError as exc:
        incoming.unlink(missing_ok=True)
        raise BackupError(f"Cannot replace {db_path}: {exc.strerror or exc}.") from exc
    if attachments is not None:
        restore_attachments(backups_dir, attachments)
    log.info("Restored %s from %s (previous data kept as %s)", db_path, backup, before)
    return before


def _keep_current(db_path: Path, backups_dir: Path, attachments: Path | None) -> Path | None:
    """Back up what is about to be replaced; a damaged file is kept byte for byte."""
    if not db_path.is_file() or db_path.stat().st_size == 0:
        return None
    try:
        return take_backup(db_path, backups_dir, "before-restore", attachments=attachments)
    except BackupError:
        stamp = clock.now().strftime("%Y%m%d-%H%M%S")
        kept = backups_dir / f"{db_path.stem}-{stamp}-damaged.sqlite3.kept"
        backups_dir.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(db_path, kept)
        for suffix in SIDE_FILES:
            side = Path(f"{db_path}{suffix}")
            if side.is_file():
                shutil.copyfile(side, Path(f"{kept}{suffix}"))
        return kept


def _sync_dir(folder: Path) -> None:
    if os.name != "posix":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
