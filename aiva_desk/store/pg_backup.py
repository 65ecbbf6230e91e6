"""Backup and restore of a PostgreSQL database: the server's own tools, or what to run.

A team's PostgreSQL is backed up by ``pg_dump`` (custom format) and restored by
``pg_restore``; where they are not installed, the message is the exact command.
"""

from __future__ import annotations

import shlex
import shutil
import subprocess
from pathlib import Path

from sqlalchemy.engine import make_url

from aiva_desk.errors import AivaError
from aiva_desk.store.backups import BackupError


def libpq_url(url: str) -> str:
    """The URL as ``pg_dump`` reads it (no SQLAlchemy driver suffix)."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def _shown(args: list[str], url: str) -> str:
    safe = make_url(url).set(drivername="postgresql").render_as_string(hide_password=True)
    return shlex.join(args).replace(libpq_url(url), safe)


def _run(args: list[str], url: str, verb: str) -> None:
    if shutil.which(args[0]) is None:
        raise AivaError(f"{args[0]} is not installed here; to {verb}, run: {_shown(args, url)}")
    done = subprocess.run(args, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        reason = (done.stderr.strip().splitlines() or ["no message"])[-1]
        raise BackupError(f"{args[0]} failed ({reason}); to retry, run: {_shown(args, url)}")


def pg_backup(url: str, target: Path) -> Path:
    _run(["pg_dump", "--format=custom", f"--file={target}", libpq_url(url)], url, "back up")
    return target


def pg_restore(url: str, source: Path) -> None:
    args = ["pg_restore", "--clean", "--if-exists", "--no-owner", f"--dbname={libpq_url(url)}"]
    _run([*args, str(source)], url, "restore")
