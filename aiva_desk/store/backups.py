"""Backups of a SQLite database: consistent copies that never pose as good when they are not.

A copy is taken with SQLite's online backup API (consistent while the app writes),
into a hidden temporary name, and renamed to its final name only after
``PRAGMA integrity_check`` passes on the copy: a kill or a full disk mid-backup
leaves no file that looks like a backup. Attachments are content-addressed, so the
backups folder keeps one shared mirror of them and each backup copies only new files.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import re
import shutil
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from aiva_desk import clock
from aiva_desk.errors import DatabaseError
from aiva_desk.runtime.private_files import private_dir, private_file

BACKUP_SUFFIX = ".sqlite3"
PARTIAL_PREFIX = ".partial-"
ATTACHMENTS_MIRROR = "attachments"
PAGES_PER_STEP = 256  # progress is reported (and other writers get a turn) per step
MANUAL_LABELS = ("manual",)  # never pruned: the agent asked for them
_NAME = re.compile(r"^(?P<stem>.+)-(?P<stamp>\d{8}-\d{6})-(?P<label>[a-z0-9-]+)\.sqlite3$")

Progress = Callable[[int, int], None]  # (pages done, pages in all)


class BackupError(DatabaseError):
    title = "Backup failed"


@dataclass(frozen=True)
class BackupInfo:
    """One finished backup in the backups folder."""

    path: Path
    taken_at: dt.datetime
    label: str
    size: int


def backup_name(db_path: Path, label: str, when: dt.datetime | None = None) -> str:
    stamp = (when or clock.now()).strftime("%Y%m%d-%H%M%S")
    return f"{db_path.stem}-{stamp}-{label}{BACKUP_SUFFIX}"


def first_problem(rows: list[str]) -> str:
    """The first thing an integrity check found, as one line (and how many more there are)."""
    lines = [ln for row in rows for ln in row.splitlines() if ln and not ln.startswith("***")]
    if not lines:
        return "unknown damage"
    return lines[0] + (", and more" if len(lines) > 1 else "")


def write_backup(source: Path, target: Path, progress: Progress | None = None) -> Path:
    """Copy the database ``source`` to ``target``, checked, or raise :class:`BackupError`.

    The copy is written as ``.partial-<name>`` beside ``target`` and renamed only
    once it passed ``PRAGMA integrity_check``; on any failure the partial file is removed.
    """
    private_dir(target.parent)
    partial = target.with_name(PARTIAL_PREFIX + target.name)
    partial.unlink(missing_ok=True)
    try:
        partial.touch(mode=0o600)  # a copy of every customer's data: the user's eyes only
        private_file(partial)
        src = sqlite3.connect(f"file:{source}?mode=ro", uri=True, timeout=5)
        try:
            dest = sqlite3.connect(partial)
            try:
                callback = (
                    (lambda _s, left, total: progress(total - left, total)) if progress else None
                )
                src.backup(dest, pages=PAGES_PER_STEP, progress=callback)
                dest.execute("PRAGMA journal_mode = DELETE")
                problems = [row[0] for row in dest.execute("PRAGMA integrity_check")]
            finally:
                dest.close()
        finally:
            src.close()
        if problems != ["ok"]:
            raise BackupError(
                f"The backup of {source} failed its integrity check ({first_problem(problems)}); "
                "no backup was kept. The database itself may be damaged."
            )
        with open(partial, "rb") as handle:
            os.fsync(handle.fileno())
        os.replace(partial, target)
    except sqlite3.Error as exc:
        partial.unlink(missing_ok=True)
        raise BackupError(f"Cannot back up {source}: {exc}.") from exc
    except OSError as exc:
        partial.unlink(missing_ok=True)
        raise BackupError(f"Cannot write the backup {target}: {exc.strerror or exc}.") from exc
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return target


def mirror_attachments(attachments: Path, backups_dir: Path) -> int:
    """Copy attachment files not yet in the backups' mirror (hard links where possible)."""
    if not attachments.is_dir():
        return 0
    mirror = backups_dir / ATTACHMENTS_MIRROR
    copied = 0
    for file in attachments.glob("??/*"):
        if not file.is_file() or file.name.startswith("."):
            continue
        target = mirror / file.parent.name / file.name
        if target.exists():
            continue
        private_dir(target.parent)
        try:
            os.link(file, target)
        except OSError:
            partial = target.with_name(PARTIAL_PREFIX + target.name)
            shutil.copyfile(file, partial)
            private_file(partial)
            os.replace(partial, target)
        copied += 1
    return copied


def restore_attachments(backups_dir: Path, attachments: Path) -> int:
    """Put back attachment files the live store lacks (content-addressed: never overwrites)."""
    mirror = backups_dir / ATTACHMENTS_MIRROR
    if not mirror.is_dir():
        return 0
    return _copy_missing(mirror, attachments)


def _copy_missing(source: Path, dest: Path) -> int:
    copied = 0
    for file in source.glob("??/*"):
        target = dest / file.parent.name / file.name
        if file.name.startswith(".") or target.exists():
            continue
        private_dir(target.parent)
        partial = target.with_name(PARTIAL_PREFIX + target.name)
        shutil.copyfile(file, partial)
        private_file(partial)
        os.replace(partial, target)
        copied += 1
    return copied


def take_backup(
    db_path: Path,
    backups_dir: Path,
    label: str,
    *,
    attachments: Path | None = None,
    target: Path | None = None,
    progress: Progress | None = None,
) -> Path:
    """A checked backup of ``db_path`` (and the attachments' new files) in ``backups_dir``."""
    final = target or backups_dir / backup_name(db_path, label)
    write_backup(db_path, final, progress)
    if attachments is not None:
        try:
            mirror_attachments(attachments, backups_dir)
        except OSError as exc:
            raise BackupError(
                f"The database was backed up to {final}, but the attachments could not be "
                f"copied: {exc.strerror or exc}."
            ) from exc
    return final


def list_backups(backups_dir: Path) -> list[BackupInfo]:
    """The finished backups, newest first (partial files are never listed)."""
    found: list[BackupInfo] = []
    if not backups_dir.is_dir():
        return found
    for path in backups_dir.glob(f"*{BACKUP_SUFFIX}"):
        match = _NAME.match(path.name)
        if match is None or path.name.startswith("."):
            continue
        try:
            taken = dt.datetime.strptime(match["stamp"], "%Y%m%d-%H%M%S")
            size = path.stat().st_size
        except (ValueError, OSError):
            continue
        found.append(BackupInfo(path, taken, match["label"], size))
    return sorted(found, key=lambda info: (info.taken_at, info.path.name), reverse=True)


def is_good_backup(path: Path) -> bool:
    """Whether ``path`` is a readable AIVA Desk database that passes ``quick_check``."""
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
            ok = [r[0] for r in conn.execute("PRAGMA quick_check")] == ["ok"]
        finally:
            conn.close()
    except sqlite3.Error:
        return False
    return ok and "alembic_version" in tables


def newest_good_backup(backups_dir: Path) -> BackupInfo | None:
    for info in list_backups(backups_dir):
        if is_good_backup(info.path):
            return info
    return None


def latest_taken(backups_dir: Path, label: str | None = None) -> dt.datetime | None:
    for info in list_backups(backups_dir):
        if label is None or info.label == label:
            return info.taken_at
    return None


def daily_backup_due(backups_dir: Path, now: dt.datetime | None = None) -> bool:
    """True when no backup at all is younger than a day (any backup counts as the day's)."""
    newest = latest_taken(backups_dir)
    current = (now or clock.now()).replace(tzinfo=None)
    return newest is None or current - newest >= dt.timedelta(days=1)


def prune_backups(backups_dir: Path, *, daily: int = 7, weekly: int = 4) -> list[Path]:
    """Keep the newest backup of each of the last ``daily`` days and of the last ``weekly``
    ISO weeks; the agent's own ("manual") backups are never removed. Returns what went."""
    keep: set[Path] = set()
    days: list[dt.date] = []
    weeks: list[tuple[int, int]] = []
    automatic = [b for b in list_backups(backups_dir) if b.label not in MANUAL_LABELS]
    for info in automatic:  # newest first
        day = info.taken_at.date()
        week = tuple(info.taken_at.isocalendar())[:2]
        if day not in days and len(days) < daily:
            days.append(day)
            keep.add(info.path)
        if week not in weeks and len(weeks) < weekly:
            weeks.append(week)  # type: ignore[arg-type]
            keep.add(info.path)
    removed = []
    for info in automatic:
        if info.path not in keep:
            with contextlib.suppress(OSError):
                info.path.unlink()
                removed.append(info.path)
    return removed
