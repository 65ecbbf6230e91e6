"""Opening databases: pragmas, and every refusal leaves the file untouched."""

import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import text

from aiva_desk.errors import (
    CorruptDatabaseError,
    DatabaseLockedError,
    DataDirError,
    ForeignDatabaseError,
    NewerDatabaseError,
)
from aiva_desk.runtime.paths import DataPaths
from aiva_desk.store.database import head_revision, open_database
from aiva_desk.tickets.service import NewTicket, TicketService


def _url(path: Path) -> str:
    return f"sqlite:///{path}"


def test_new_database_is_migrated_with_durable_pragmas(tmp_path):
    db = open_database(_url(tmp_path / "a.sqlite3"), backups_dir=tmp_path / "backups")
    with db.engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert conn.execute(text("PRAGMA busy_timeout")).scalar() == 5000
        assert conn.execute(text("PRAGMA synchronous")).scalar() == 2  # FULL
        version = conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
    assert version == head_revision()
    assert not list((tmp_path / "backups").glob("*")), "a new database needs no backup"
    db.dispose()


def test_garbage_file_is_refused_and_untouched(tmp_path):
    path = tmp_path / "a.sqlite3"
    path.write_bytes(b"this is a spreadsheet, not a database\n" * 50)
    before = path.read_bytes()
    with pytest.raises(ForeignDatabaseError, match="not an AIVA Desk database"):
        open_database(_url(path))
    assert path.read_bytes() == before


def test_damaged_sqlite_file_is_refused_and_untouched(tmp_path):
    path = tmp_path / "a.sqlite3"
    open_database(_url(path)).dispose()
    data = bytearray(path.read_bytes())
    data[100:4096] = b"\xff" * (4096 - 100)  # wreck the schema page after the header
    path.write_bytes(bytes(data))
    with pytest.raises(CorruptDatabaseError, match="damaged"):
        open_database(_url(path))
    assert path.read_bytes() == bytes(data)


def test_database_of_another_program_is_refused(tmp_path):
    path = tmp_path / "other.sqlite3"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE recipes (id INTEGER PRIMARY KEY, name TEXT)")
        conn.execute("INSERT INTO recipes (name) VALUES ('bread')")
    with pytest.raises(ForeignDatabaseError, match="another program"):
        open_database(_url(path))
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT name FROM recipes").fetchall() == [("bread",)]
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
    assert "tickets" not in tables


def test_database_from_a_newer_version_is_refused_untouched(tmp_path):
    path = tmp_path / "a.sqlite3"
    open_database(_url(path)).dispose()
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '9999'")
    before = path.read_bytes()
    with pytest.raises(NewerDatabaseError, match="newer version of AIVA Desk"):
        open_database(_url(path), backups_dir=tmp_path / "backups")
    assert path.read_bytes() == before
    assert not (tmp_path / "backups").exists()


def test_locked_database_gives_a_clear_error_and_loses_nothing(tmp_path):
    path = tmp_path / "a.sqlite3"
    db = open_database(_url(path), busy_timeout_ms=200)
    service = TicketService(db, actor="tester")
    category = service.categories()[0]
    ticket = NewTicket("First", "Ann", "ann@example.com", category.id, description="d")
    service.create(ticket)
    blocker = sqlite3.connect(path, timeout=0.1)
    blocker.execute("BEGIN EXCLUSIVE")
    try:
        with pytest.raises(DatabaseLockedError, match="busy"):
            service.create(NewTicket("Second", "Bob", "bob@example.com", category.id, "d"))
    finally:
        blocker.rollback()
        blocker.close()
    ref = service.create(NewTicket("Second", "Bob", "bob@example.com", category.id, "d"))
    assert ref.number == 1002
    db.dispose()


def test_unwritable_data_dir_is_reported(tmp_path):
    blocker = tmp_path / "file-in-the-way"
    blocker.write_text("x")
    with pytest.raises(DataDirError, match="Cannot create the data folder"):
        DataPaths(blocker / "data").ensure()


def test_read_only_location_is_reported():
    # /proc refuses new folders even to root, unlike a chmod-ed folder.
    with pytest.raises(DataDirError, match="/proc/aiva-desk"):
        DataPaths(Path("/proc/aiva-desk")).ensure()
