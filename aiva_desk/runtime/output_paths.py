"""Where exports may go, and the one way every export writes its file.

An export pointed at the live database (or its journal files, or a folder the app
manages) would replace the team's data with a report: :func:`check_output_path`
refuses that before anything is written. :func:`atomic_output` writes beside the
target and renames only a complete, synced file, so a full disk or a crash never
leaves a half-written export in place of the old one.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from aiva_desk.errors import AivaError
from aiva_desk.runtime.paths import DataPaths

JOURNAL_SUFFIXES = ("", "-wal", "-shm", "-journal")


class OutputPathError(AivaError):
    """An export's destination that must not or cannot be written."""

    title = "Cannot save there"


def sqlite_file(db_url: str | None) -> Path | None:
    """The database file behind a SQLite URL (None for PostgreSQL, memory, or no URL)."""
    if not db_url:
        return None
    try:
        url = make_url(db_url)
    except ArgumentError:
        return None
    if not url.drivername.startswith("sqlite") or url.database in (None, "", ":memory:"):
        return None
    return Path(url.database).expanduser()


def _is_dir(path: Path) -> bool:
    try:
        return path.is_dir()
    except OSError as exc:  # a name too long, a loop of links: not writable either
        raise OutputPathError(f"Cannot write {path}: {exc.strerror or exc}.") from exc


def _resolved(path: Path) -> Path:
    return Path(os.path.realpath(Path(path).expanduser()))


def check_output_path(
    path: str | os.PathLike[str], paths: DataPaths | None, db_url: str | None = None
) -> Path:
    """``path`` resolved, or :class:`OutputPathError` when writing it would harm the data:
    the database or its ``-wal``/``-shm``/``-journal``, anything in the data folder's
    managed folders, or a folder."""
    target = _resolved(Path(path))
    databases = [sqlite_file(db_url)]
    if paths is not None:
        databases.append(paths.database)
    for database in filter(None, databases):
        real = _resolved(database)
        for suffix in JOURNAL_SUFFIXES:
            if target == Path(f"{real}{suffix}"):
                raise OutputPathError(
                    f"{path} is the database{' ' + suffix.lstrip('-') + ' file' if suffix else ''}"
                    ": choose another file for the export (saving there would destroy the data)."
                )
    if paths is not None:
        for folder in paths.managed_folders:
            real = _resolved(folder)
            if target == real or real in target.parents:
                raise OutputPathError(
                    f"{path} is inside the data folder's {folder.name} folder, which "
                    "AIVA Desk manages: choose a file outside it."
                )
    if _is_dir(target):
        raise OutputPathError(f"{path} is a folder: give the name of a file to write.")
    return target


@contextmanager
def atomic_output(
    path: str | os.PathLike[str], *, binary: bool = False, bom: bool = False
) -> Iterator[IO[Any]]:
    """Write to a temporary file beside ``path``; fsync, then replace ``path`` in one
    rename. On any failure (a full disk, a cancel) the old file stays as it was."""
    path = Path(path)
    if _is_dir(path):
        raise OutputPathError(f"{path} is a folder: give the name of a file to write.")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle = tempfile.NamedTemporaryFile(  # noqa: SIM115 - closed below, then renamed
            "wb" if binary else "w",
            dir=path.parent,
            prefix=f".{path.name}.",
            suffix=".tmp",
            delete=False,
            **({} if binary else {"encoding": "utf-8-sig" if bom else "utf-8", "newline": ""}),
        )
    except OSError as exc:
        raise OutputPathError(f"Cannot write {path}: {exc.strerror or exc}.") from exc
    try:
        with handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(handle.name, 0o644)  # a temporary file is private; an export isn't
        os.replace(handle.name, path)
    except OSError as exc:
        Path(handle.name).unlink(missing_ok=True)
        raise OutputPathError(
            f"Cannot write {path}: {exc.strerror or exc}; the old file, if any, is unchanged."
        ) from exc
    except BaseException:
        Path(handle.name).unlink(missing_ok=True)
        raise
