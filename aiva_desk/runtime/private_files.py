"""The data dir is readable by its user only: 0700 folders, 0600 files (POSIX).

Tickets, mail and notes are customers' data; a shared machine's other users must
not read them whatever the umask. Folders are made with a mode and chmodded (mkdir
honours the umask); the database's files are chmodded once SQLite made them (it
gives its -wal/-shm/-journal the database file's own mode). Exports go where the
user chooses and keep the user's umask: nothing here touches them.
"""

from __future__ import annotations

import logging
import os
import stat
from collections.abc import Iterable
from pathlib import Path

log = logging.getLogger(__name__)

PRIVATE_DIR = 0o700
PRIVATE_FILE = 0o600
POSIX = os.name == "posix"
DATABASE_SIDE_FILES = ("-wal", "-shm", "-journal")


def _chmod(path: Path, mode: int) -> None:
    """Set ``mode`` on our own file or folder (never a symlink's target, never another user's)."""
    if not POSIX:
        return
    try:
        info = path.lstat()
        if stat.S_ISLNK(info.st_mode) or info.st_uid != os.getuid():
            return
        if stat.S_IMODE(info.st_mode) != mode:
            os.chmod(path, mode)
    except FileNotFoundError:
        return
    except OSError as exc:  # a read-only mount: the folder still works, say so in the log
        log.warning("Could not make %s private: %s", path, exc.strerror or exc)


def private_dir(path: Path) -> Path:
    """Create ``path`` (and missing parents, private too) as a folder only its user can open."""
    missing = []
    folder = path
    while not folder.exists() and folder.parent != folder:
        missing.append(folder)
        folder = folder.parent
    for folder in reversed(missing):
        folder.mkdir(mode=PRIVATE_DIR, exist_ok=True)
        _chmod(folder, PRIVATE_DIR)
    path.mkdir(mode=PRIVATE_DIR, exist_ok=True)  # raises as mkdir does when it is a file
    _chmod(path, PRIVATE_DIR)
    return path


def private_file(path: Path) -> None:
    """Make an existing file of ours readable by its user only."""
    _chmod(path, PRIVATE_FILE)


def open_private_append(path: Path) -> int:
    """A descriptor appending to ``path``, created 0600 if new (the log file)."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_APPEND | getattr(os, "O_CLOEXEC", 0)
    handle = os.open(path, flags, PRIVATE_FILE)
    _chmod(path, PRIVATE_FILE)
    return handle


def write_private_text(path: Path, text: str) -> None:
    """Write a new file of ours (a crash report) as 0600 from its first byte."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_CLOEXEC", 0)
    with open(os.open(path, flags, PRIVATE_FILE), "w", encoding="utf-8") as handle:
        handle.write(text)
    _chmod(path, PRIVATE_FILE)


def private_database(database: Path) -> None:
    """Make a SQLite database file and its -wal/-shm/-journal private (after SQLite made them)."""
    private_file(database)
    for suffix in DATABASE_SIDE_FILES:
        private_file(database.with_name(database.name + suffix))


def is_private(path: Path) -> bool:
    """Whether ``path`` already allows nobody but its user (a folder tightened before)."""
    if not POSIX:
        return True
    try:
        return stat.S_IMODE(path.stat().st_mode) & 0o077 == 0
    except OSError:
        return True


def tighten_tree(root: Path, folders: Iterable[Path], files: Iterable[Path]) -> None:
    """Tighten a data dir an older version made with the umask's modes.

    Only our managed folders (everything under them) and our named files in ``root``:
    whatever else the user keeps there is left alone.
    """
    _chmod(root, PRIVATE_DIR)
    for name in files:
        private_file(name)
    for folder in folders:
        if not folder.is_dir() or folder.is_symlink():
            continue
        _chmod(folder, PRIVATE_DIR)
        for parent, dirnames, filenames in os.walk(folder):
            for dirname in dirnames:
                _chmod(Path(parent, dirname), PRIVATE_DIR)
            for filename in filenames:
                _chmod(Path(parent, filename), PRIVATE_FILE)
