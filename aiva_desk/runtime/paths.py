"""Where AIVA Desk keeps its files: one data directory, overridable.

The data dir holds the database, attachments, logs and backups. Its location
comes from ``--data-dir``, then ``AIVA_DESK_DATA_DIR``, then the platform's
user data directory for "AIVA Desk".
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

import platformdirs

from aiva_desk import APP_NAME
from aiva_desk.errors import DatabaseError, DataDirError
from aiva_desk.runtime.private_files import is_private, private_database, private_dir, tighten_tree
from aiva_desk.runtime.settings import SETTINGS_FILENAME

DATA_DIR_ENV = "AIVA_DESK_DATA_DIR"
DB_URL_ENV = "AIVA_DESK_DB_URL"
DATABASE_FILENAME = "aiva-desk.sqlite3"


@dataclass(frozen=True)
class DataPaths:
    """The files and folders inside one data directory."""

    root: Path

    @property
    def database(self) -> Path:
        return self.root / DATABASE_FILENAME

    @property
    def attachments(self) -> Path:
        return self.root / "attachments"

    @property
    def logs(self) -> Path:
        return self.root / "logs"

    @property
    def backups(self) -> Path:
        return self.root / "backups"

    @property
    def drafts(self) -> Path:
        return self.root / "drafts"

    @property
    def templates(self) -> Path:
        """The agent's edited copies of shipped templates (the shipped files never change)."""
        return self.root / "templates"

    def tighten(self) -> None:
        """Make our own files and folders in the data dir private (0600/0700 on POSIX)."""
        tighten_tree(self.root, self.managed_folders, [self.root / SETTINGS_FILENAME])
        private_database(self.database)

    def default_db_url(self) -> str:
        return f"sqlite:///{self.database}"

    @property
    def crash_reports(self) -> Path:
        """Reports of unexpected errors (they quote what was on screen)."""
        return self.root / "crash-reports"

    @property
    def managed_folders(self) -> tuple[Path, ...]:
        """The folders AIVA Desk owns inside the data dir (everything in them is ours)."""
        return (
            self.attachments,
            self.logs,
            self.backups,
            self.drafts,
            self.templates,
            self.crash_reports,
        )

    def ensure(self) -> DataPaths:
        """Create the folders (private to the user) and prove they are writable, or raise
        :class:`DataDirError`. A data dir an older version left readable by others is
        tightened first."""
        if self.root.is_dir() and not is_private(self.root):
            self.tighten()
        for folder in (self.root, self.attachments, self.logs, self.backups, self.drafts):
            try:
                private_dir(folder)
            except OSError as exc:
                raise DataDirError(
                    f"Cannot create the data folder {folder}: {exc.strerror or exc}. "
                    "Choose another folder with --data-dir or fix its permissions."
                ) from exc
        try:
            with tempfile.TemporaryFile(dir=self.root):
                pass
        except OSError as exc:
            raise DataDirError(
                f"The data folder {self.root} is not writable: {exc.strerror or exc}. "
                "Choose another folder with --data-dir or fix its permissions."
            ) from exc
        return self


def resolve_data_dir(cli_value: str | os.PathLike[str] | None = None) -> DataPaths:
    """The data paths chosen by the command line, the environment or the platform."""
    chosen = cli_value or os.environ.get(DATA_DIR_ENV) or platformdirs.user_data_dir(APP_NAME)
    return DataPaths(Path(chosen).expanduser().resolve())


def resolve_db_url(paths: DataPaths, cli_value: str | None = None) -> str:
    """The database URL: ``--db-url``, then ``AIVA_DESK_DB_URL``, then SQLite in the data dir."""
    url = cli_value or os.environ.get(DB_URL_ENV) or paths.default_db_url()
    check_db_url(url)
    return url


SUPPORTED_DB_URLS = "sqlite:///FILE or postgresql://USER@HOST/DATABASE"


def check_db_url(url: str) -> None:
    """Refuse (in one line) a URL that is not SQLite or PostgreSQL, before any driver loads."""
    scheme, sep, _rest = url.partition("://")
    dialect = scheme.split("+", 1)[0].lower()
    if not sep or dialect not in ("sqlite", "postgresql"):
        shown = url if len(url) <= 60 else url[:57] + "…"
        raise DatabaseError(
            f"“{shown}” is not a database URL AIVA Desk can use: only SQLite and "
            f"PostgreSQL are supported ({SUPPORTED_DB_URLS})."
        )
