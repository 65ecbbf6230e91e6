"""Hold the data folder against a running AIVA Desk, without Qt (for backup and restore).

The window holds the same lock file (``gui/single_instance.py``, ``InstanceLock``) for
as long as it runs; a restore from the command line takes it too, so the two never
replace a database under each other.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from aiva_desk.errors import DataDirError

LOCK_FILE_NAME = ".aiva-desk-instance.lock"  # the same file InstanceLock takes


class DataDirBusyError(DataDirError):
    title = "AIVA Desk is running"


@contextmanager
def holding_data_dir(root: Path) -> Iterator[None]:
    """Hold ``root``'s instance lock for the block, or raise :class:`DataDirBusyError`."""
    root.mkdir(parents=True, exist_ok=True)
    fd = os.open(root / LOCK_FILE_NAME, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        try:
            _lock(fd)
        except OSError:
            raise DataDirBusyError(
                f"Another AIVA Desk is using the data folder {root}; close it first "
                "(or use File → Restore from Backup… in that window)."
            ) from None
        yield
    finally:
        os.close(fd)  # closing the file frees the lock


def _lock(fd: int) -> None:
    if sys.platform == "win32":
        import msvcrt

        msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
    else:
        import fcntl

        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
