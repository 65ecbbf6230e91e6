"""``aiva-desk backup`` / ``restore``: exit codes and one-line messages, real files."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from alembic.command import upgrade
from sqlalchemy import create_engine

from aiva_desk.cli.commands import main
from aiva_desk.gui.single_instance import LOCK_FILE_NAME as GUI_LOCK_FILE_NAME
from aiva_desk.runtime.instance_lock import LOCK_FILE_NAME
from aiva_desk.store.backups import list_backups
from aiva_desk.store.database import _alembic_config, head_revision
from aiva_desk.tickets.service import NewTicket
from tests.helpers.postgres_server import on_postgresql

pytestmark = pytest.mark.skipif(on_postgresql(), reason="SQLite files")

REPO = Path(__file__).resolve().parents[3]


def _add_tickets(context, count: int) -> None:
    category = context.tickets.categories()[0]
    for i in range(count):
        context.tickets.create(
            NewTicket(f"Printer {i}", "Ann", "ann@example.com", category.id, description="d")
        )


def _count(path: Path, table: str = "tickets") -> int:
    conn = sqlite3.connect(path)
    try:
        return conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
    finally:
        conn.close()


def _integrity(path: Path) -> list[str]:
    conn = sqlite3.connect(path)
    try:
        return [row[0] for row in conn.execute("PRAGMA integrity_check")]
    finally:
        conn.close()


def _one_line_error(capsys) -> str:
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert err.count("\n") == 1 and err.startswith("aiva-desk: ")
    return err


def _stale_wal_over_backup(context) -> Path:
    """The issue's scenario: a backup copied over a database whose newer WAL lies beside it."""
    _add_tickets(context, 3)
    assert main(["backup"]) == 0
    [backup] = list_backups(context.paths.backups)
    context.close()
    db = context.paths.database
    conn = sqlite3.connect(db)
    conn.execute("CREATE TABLE filler (x)")
    conn.executemany("INSERT INTO filler VALUES (randomblob(3000))", [()] * 300)
    conn.commit()
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.execute("PRAGMA wal_autocheckpoint = 0")
    conn.execute("DELETE FROM filler WHERE rowid % 2 = 0")
    conn.commit()
    stale = db.with_name("stale-wal")
    shutil.copyfile(f"{db}-wal", stale)
    conn.close()
    shutil.copyfile(backup.path, db)  # what a person would do by hand
    shutil.copyfile(stale, f"{db}-wal")
    return backup.path


def test_backup_writes_a_checked_copy_and_says_where(context, capsys):
    _add_tickets(context, 4)
    assert main(["backup"]) == 0
    [info] = list_backups(context.paths.backups)
    assert capsys.readouterr().out == f"Backed up to {info.path}.\n"
    assert _count(info.path) == 4 and _integrity(info.path) == ["ok"]


def test_backup_to_a_chosen_file_and_never_onto_the_live_database(context, tmp_path, capsys):
    target = tmp_path / "elsewhere" / "copy.sqlite3"
    assert main(["backup", "-o", str(target)]) == 0
    assert _integrity(target) == ["ok"]
    capsys.readouterr()
    before = context.paths.database.read_bytes()
    assert main(["backup", "-o", str(context.paths.database)]) == 2
    assert "live database" in _one_line_error(capsys)
    assert context.paths.database.read_bytes() == before


def test_a_damaged_database_is_never_opened_silently_and_restore_fixes_it(context, capsys):
    backup = _stale_wal_over_backup(context)
    assert main(["demo", "--tickets", "1"]) == 2
    err = _one_line_error(capsys)
    assert "damaged" in err and f"aiva-desk restore {backup}" in err
    assert main(["restore", str(backup)]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"Restored {backup}.") and "kept in" in out
    db = context.paths.database
    assert _integrity(db) == ["ok"]
    assert _count(db) == 3
    assert main(["demo", "--tickets", "1"]) == 0  # it opens and saves again
    assert _count(db) == 4
    damaged = list(context.paths.backups.glob("*-damaged.sqlite3.kept"))
    assert len(damaged) == 1  # the replaced (damaged) data, byte for byte


def test_restore_backs_up_the_current_data_first(context, capsys):
    _add_tickets(context, 2)
    assert main(["backup"]) == 0
    [backup] = list_backups(context.paths.backups)
    _add_tickets(context, 3)
    context.close()
    assert main(["restore", str(backup.path)]) == 0
    assert _count(context.paths.database) == 2
    [before] = [b for b in list_backups(context.paths.backups) if b.label == "before-restore"]
    assert _count(before.path) == 5


def test_a_backup_of_an_older_schema_is_migrated_on_restore(context, tmp_path, capsys):
    old = tmp_path / "old.sqlite3"
    engine = create_engine(f"sqlite:///{old}")
    config = _alembic_config()
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        upgrade(config, "0001")
    engine.dispose()
    context.close()
    assert main(["restore", str(old)]) == 0
    conn = sqlite3.connect(context.paths.database)
    try:
        version = conn.execute("SELECT version_num FROM alembic_version").fetchone()[0]
    finally:
        conn.close()
    assert version == head_revision()


def test_restore_refuses_a_file_that_is_not_a_backup(context, tmp_path, capsys):
    bogus = tmp_path / "notes.sqlite3"
    bogus.write_text("not a database", encoding="utf-8")
    before = context.paths.database.read_bytes()
    context.close()
    assert main(["restore", str(bogus)]) == 2
    assert "Nothing was changed" in _one_line_error(capsys)
    assert context.paths.database.read_bytes() == before


HOLDER = """
import sys
from pathlib import Path
from aiva_desk.runtime.instance_lock import holding_data_dir
with holding_data_dir(Path(sys.argv[1])):
    print("holding", flush=True)
    sys.stdin.readline()
"""


def test_restore_is_refused_while_another_aiva_desk_holds_the_folder(context, capsys):
    assert LOCK_FILE_NAME == GUI_LOCK_FILE_NAME  # the window's lock is the one taken here
    assert main(["backup"]) == 0
    [backup] = list_backups(context.paths.backups)
    context.close()
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(context.paths.root)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        cwd=REPO,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "holding"
        capsys.readouterr()
        assert main(["restore", str(backup.path)]) == 2
        assert "Another AIVA Desk is using the data folder" in _one_line_error(capsys)
    finally:
        holder.communicate("\n", timeout=30)
    assert len(list_backups(context.paths.backups)) == 1  # nothing was touched


def test_postgresql_without_pg_dump_says_what_to_run(isolated_environment, monkeypatch, capsys):
    monkeypatch.setenv("PATH", str(isolated_environment))  # no pg_dump anywhere
    url = "postgresql+psycopg://desk:secret@db.example/aiva"
    assert main(["--db-url", url, "backup", "-o", "team.dump"]) == 2
    err = _one_line_error(capsys)
    assert "pg_dump --format=custom --file=team.dump postgresql://desk:***@db.example/aiva" in err
    assert "secret" not in err
