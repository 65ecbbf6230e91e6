"""What "back up now", "restore", and the daily backup do to a data folder.

One place for the CLI and the window: SQLite files get checked copies (store/backups.py)
and a safe restore (store/restore.py); PostgreSQL goes through pg_dump/pg_restore.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy.engine import make_url

from aiva_desk import clock
from aiva_desk.errors import AivaError
from aiva_desk.runtime.paths import DataPaths
from aiva_desk.runtime.settings import UserSettings
from aiva_desk.store.backups import (
    BackupError,
    Progress,
    daily_backup_due,
    prune_backups,
    take_backup,
)
from aiva_desk.store.pg_backup import pg_backup, pg_restore
from aiva_desk.store.restore import restore_sqlite

if TYPE_CHECKING:
    from aiva_desk.app_context import AppContext

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Restored:
    source: Path
    previous: Path | None  # where the replaced data was kept


def is_sqlite(url: str) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


def sqlite_file(url: str) -> Path:
    database = make_url(url).database
    if not database:
        raise AivaError("This database lives in memory; there is nothing to back up.")
    return Path(database)


def back_up_now(
    paths: DataPaths,
    url: str,
    *,
    target: Path | None = None,
    label: str = "manual",
    progress: Progress | None = None,
) -> Path:
    """A checked backup of the data folder's database (attachments mirrored alongside)."""
    if not is_sqlite(url):
        stamp = clock.now().strftime("%Y%m%d-%H%M%S")
        return pg_backup(url, target or paths.backups / f"aiva-desk-{stamp}-{label}.dump")
    database = sqlite_file(url)
    if not database.is_file():
        raise BackupError(f"There is no database at {database} to back up yet.")
    if target is not None:
        target = target.expanduser().resolve()
        _refuse_live_files(target, database)
    return take_backup(
        database,
        paths.backups,
        label,
        attachments=paths.attachments,
        target=target,
        progress=progress,
    )


def _refuse_live_files(target: Path, database: Path) -> None:
    live = {database.resolve()} | {Path(f"{database.resolve()}{s}") for s in ("-wal", "-shm")}
    if target in live or target.is_dir():
        raise BackupError(
            f"{target} is the live database or a folder; choose a new file for the backup."
        )


def restore(
    paths: DataPaths, url: str, backup: Path, *, progress: Progress | None = None
) -> Restored:
    """Put ``backup`` in place of the database (every connection to it must be closed)."""
    if not is_sqlite(url):
        pg_restore(url, backup)
        return Restored(backup, None)
    previous = restore_sqlite(
        backup,
        sqlite_file(url),
        paths.backups,
        attachments=paths.attachments,
        progress=progress,
    )
    return Restored(backup, previous)


def restore_in_place(
    context: AppContext, backup: Path, progress: Progress | None = None
) -> Restored:
    """Restore while the app runs: close the database, restore, reopen (migrating an
    older backup) into the same :class:`Database` object the services hold. Run it on the
    one writer thread, so no save is under way."""
    from aiva_desk.app_context import open_desk_database

    url = context.db.engine.url.render_as_string(hide_password=False)
    context.db.engine.dispose()
    done = restore(context.paths, url, backup, progress=progress)
    context.db.take_over(open_desk_database(url, backups_dir=context.paths.backups))
    return done


def daily_backup_if_due(paths: DataPaths, url: str, settings: UserSettings) -> Path | None:
    """The day's automatic backup when none is younger than a day, then retention."""
    if not is_sqlite(url) or not sqlite_file(url).is_file():
        return None
    if not daily_backup_due(paths.backups):
        return None
    made = take_backup(sqlite_file(url), paths.backups, "daily", attachments=paths.attachments)
    removed = prune_backups(
        paths.backups, daily=settings.backup_keep_daily, weekly=settings.backup_keep_weekly
    )
    log.info("Daily backup %s; %d old backup(s) removed", made, len(removed))
    return made
