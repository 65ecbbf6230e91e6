"""Logging to a rotating file in the data dir."""

from __future__ import annotations

import logging
import logging.handlers
import os
from pathlib import Path

from aiva_desk.runtime.private_files import open_private_append, private_dir

LOG_FILENAME = "aiva-desk.log"
_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


class _PrivateRotatingFileHandler(logging.handlers.RotatingFileHandler):
    """A rotating log whose every file (the first and each after a rollover) is 0600."""

    def _open(self):  # type: ignore[no-untyped-def]
        handle = open_private_append(Path(self.baseFilename))
        return os.fdopen(handle, "a", encoding=self.encoding, errors=self.errors)


def setup_logging(log_dir: Path, *, level: int = logging.INFO) -> Path:
    """Send the app's log to ``log_dir/aiva-desk.log`` (5 files of 1 MB); return its path."""
    private_dir(log_dir)
    path = log_dir / LOG_FILENAME
    root = logging.getLogger()
    for handler in list(root.handlers):
        if getattr(handler, "_aiva_desk", False):
            root.removeHandler(handler)
            handler.close()
    file_handler = _PrivateRotatingFileHandler(
        path, maxBytes=1_000_000, backupCount=5, encoding="utf-8"
    )
    file_handler.setFormatter(logging.Formatter(_FORMAT))
    file_handler._aiva_desk = True  # type: ignore[attr-defined]
    root.addHandler(file_handler)
    root.setLevel(level)
    return path
