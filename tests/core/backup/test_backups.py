"""Backups: checked copies, never a half-written file under a final name, retention."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from aiva_desk.backup.service import daily_backup_if_due
from aiva_desk.errors import CorruptDatabaseError, ForeignDatabaseError
from aiva_desk.runtime.settings import UserSettings
from aiva_desk.store.backups import (
    PARTIAL_PREFIX,
    is_good_backup,
    list_backups,
    newest_good_backup,
    prune_backups,
    take_backup,
)
from aiva_desk.store.database import open_database
from aiva_desk.tickets.bulk import bulk_add_tag
from aiva_desk.tickets.service import NewTicket
from tests.helpers.postgres_server import on_postgresql

pytestmark = pytest.mark.skipif(on_postgresql(), reason="SQLite files")

REPO = Path(__file__).resolve().parents[3]


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _add_tickets(context, count: int) -> list[int]:
    category = context.tickets.categories()[0]
    return [
        context.tickets.create(
            NewTicket(f"Printer {i}", "Ann", "ann@example.com", category.id, description="d")
        ).id
        for i in range(count)
    ]


def test_another_programs_sqlite_file_is_refused_byte_for_byte(tmp_path):
    path = tmp_path / "aiva-desk.sqlite3"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE recipes (name TEXT)")
        conn.execute("INSERT INTO recipes VALUES ('soup')")
    conn.close()
    before = _sha(path)
    with pytest.raises(ForeignDatabaseError, match="another program"):
        open_database(f"sqlite:///{path}", backups_dir=tmp_path / "backups")
    assert _sha(path) == before  # header bytes 18/19 would say WAL had it been switched
    assert not Path(f"{path}-wal").exists()


def test_a_backup_is_checked_listed_and_mirrors_the_attachments(context, tmp_path):
    _add_tickets(context, 3)
    attachment = tmp_path / "log.txt"
    attachment.write_text("disk full", encoding="utf-8")
    stored = context.tickets.attachments.add(attachment)
    made = take_backup(
        context.paths.database,
        context.paths.backups,
        "manual",
        attachments=context.paths.attachments,
    )
    assert is_good_backup(made)
    [info] = list_backups(context.paths.backups)
    assert info.path == made and info.label == "manual" and info.size == made.stat().st_size
    mirrored = context.paths.backups / "attachments" / stored.sha256[:2] / stored.sha256
    assert mirrored.read_text(encoding="utf-8") == "disk full"
    if os.name == "posix":  # a copy of every customer's data: the user's eyes only
        assert made.stat().st_mode & 0o777 == 0o600
        assert context.paths.backups.stat().st_mode & 0o777 == 0o700
    with sqlite3.connect(made) as conn:
        assert conn.execute("SELECT count(*) FROM tickets").fetchone()[0] == 3
    conn.close()


CHILD = """
import sys
from pathlib import Path
from aiva_desk.store.backups import write_backup
def progress(done, total):
    print("copying", flush=True)
    sys.stdin.readline()  # parked here until the parent kills us
write_backup(Path(sys.argv[1]), Path(sys.argv[2]), progress)
"""


def test_a_kill_during_a_backup_leaves_nothing_under_a_final_name(context):
    _add_tickets(context, 40)  # more than one step of pages
    target = context.paths.backups / "aiva-desk-20261207-111000-daily.sqlite3"
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(context.paths.database), str(target)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        cwd=REPO,
        text=True,
    )
    try:
        assert child.stdout is not None
        assert child.stdout.readline().strip() == "copying"
        os.kill(child.pid, signal.SIGKILL)
    finally:
        child.wait(timeout=30)
    assert child.returncode == -signal.SIGKILL
    assert not target.exists()
    assert list_backups(context.paths.backups) == []
    assert (target.parent / (PARTIAL_PREFIX + target.name)).exists()  # plainly unfinished
    assert newest_good_backup(context.paths.backups) is None


def test_the_daily_backup_runs_once_a_day_and_old_ones_are_pruned(context, clock):
    clock.now = dt.datetime(2026, 12, 7, 9, 0, tzinfo=dt.UTC)
    settings = UserSettings(backup_keep_daily=2, backup_keep_weekly=1)
    first = daily_backup_if_due(context.paths, context.paths.default_db_url(), settings)
    assert first is not None
    clock.advance(dt.timedelta(hours=23))
    assert daily_backup_if_due(context.paths, context.paths.default_db_url(), settings) is None
    made = [first]
    for _ in range(3):
        clock.advance(dt.timedelta(days=1))
        made.append(daily_backup_if_due(context.paths, context.paths.default_db_url(), settings))
    kept = {info.path for info in list_backups(context.paths.backups)}
    assert kept == {made[-1], made[-2]}  # two days; the newest also stands for its week


def test_retention_never_removes_the_agents_own_backups(context, clock):
    clock.now = dt.datetime(2026, 11, 2, 9, 0, tzinfo=dt.UTC)
    manual = take_backup(context.paths.database, context.paths.backups, "manual")
    for _ in range(3):
        clock.advance(dt.timedelta(days=1))
        take_backup(context.paths.database, context.paths.backups, "daily")
    prune_backups(context.paths.backups, daily=1, weekly=0)
    assert {b.label for b in list_backups(context.paths.backups)} == {"manual", "daily"}
    assert manual.exists()


def test_a_bulk_change_is_preceded_by_a_backup(context):
    ids = _add_tickets(context, 2)
    bulk_add_tag(context.tickets, ids, "vip")
    [info] = list_backups(context.paths.backups)
    assert info.label == "before-bulk"
    with sqlite3.connect(info.path) as conn:  # the state before the change
        assert conn.execute("SELECT count(*) FROM tickets").fetchone()[0] == 2
    conn.close()


def test_a_damaged_database_names_the_newest_good_backup(context):
    _add_tickets(context, 2)
    good = take_backup(context.paths.database, context.paths.backups, "daily")
    context.close()
    data = bytearray(context.paths.database.read_bytes())
    data[100:4096] = b"\xff" * (4096 - 100)
    context.paths.database.write_bytes(bytes(data))
    before = _sha(context.paths.database)
    with pytest.raises(CorruptDatabaseError) as caught:
        open_database(context.paths.default_db_url(), backups_dir=context.paths.backups)
    assert f"aiva-desk restore {good}" in caught.value.message
    assert "\n" not in caught.value.message
    assert _sha(context.paths.database) == before
