"""Open, check, migrate and use the database: one engine, one session per unit of work.

Opening is careful because an agent's tickets live here: a file that is not
ours or is damaged is refused untouched, a schema made by a newer AIVA Desk is
refused untouched, and before any migration of an existing SQLite database a
backup copy is written next to the other backups.
"""

from __future__ import annotations

import logging
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, event, inspect
from sqlalchemy import exc as sa_exc
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from aiva_desk.errors import (
    AivaError,
    CorruptDatabaseError,
    DatabaseError,
    DatabaseLockedError,
    ForeignDatabaseError,
    NewerDatabaseError,
)
from aiva_desk.store import audit
from aiva_desk.store.backups import first_problem
from aiva_desk.store.hooks import NO_HOOKS, SessionHooks
from aiva_desk.store.search import SearchIndex, search_index_for

log = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
SQLITE_HEADER = b"SQLite format 3\x00"
BUSY_TIMEOUT_MS = 5000
QUICK_CHECK_SECONDS = 2.0  # the open-time check gives up (and trusts) past this


def _alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return config


def head_revision() -> str:
    """The schema revision this version of AIVA Desk writes."""
    head = ScriptDirectory.from_config(_alembic_config()).get_current_head()
    assert head is not None
    return head


def known_revisions() -> set[str]:
    return {rev.revision for rev in ScriptDirectory.from_config(_alembic_config()).walk_revisions()}


def translate_db_error(exc: sa_exc.DBAPIError, where: str) -> AivaError:
    """Turn a driver error into a message an agent can act on."""
    text = str(exc.orig).lower()
    if "locked" in text or "busy" in text:
        return DatabaseLockedError(
            f"The database {where} is busy: another AIVA Desk window or program is writing "
            "to it. Nothing was changed; try again in a moment."
        )
    if "not a database" in text or "malformed" in text or "file is encrypted" in text:
        return CorruptDatabaseError(
            f"The database {where} is damaged or is not a database file ({exc.orig}). "
            "It was left untouched. Restore a backup (aiva-desk restore FILE, or File → "
            "Restore from Backup…) or choose another data folder."
        )
    if "readonly" in text or "read-only" in text:
        return DatabaseError(
            f"The database {where} is read-only; saved work could not be written. "
            "Check the file's permissions."
        )
    return DatabaseError(f"The database {where} reported an error: {exc.orig}")


class Database:
    """An open, migrated database: the engine, a session factory and the search index."""

    def __init__(self, engine: Engine, search: SearchIndex, hooks: SessionHooks = NO_HOOKS) -> None:
        self.engine = engine
        self.search = search
        self.display_name = engine.url.render_as_string(hide_password=True)
        self.sqlite_path: Path | None = None  # set by open_database for a SQLite file
        self.backups_dir: Path | None = None
        # Write units take the write lock up front (BEGIN IMMEDIATE) so two writers
        # wait for each other instead of failing half-way through.
        writer = engine.execution_options(sqlite_begin="IMMEDIATE")
        self._write_sessions = sessionmaker(writer, expire_on_commit=False)
        self._read_sessions = sessionmaker(engine, expire_on_commit=False)
        for factory in (self._write_sessions, self._read_sessions):
            audit.install(factory, [search], hooks)

    @contextmanager
    def session(self, actor: str = "system") -> Iterator[Session]:
        """A unit of work: committed when the block ends, rolled back on any error."""
        with self._guard(), self._write_sessions() as session:
            session.info["actor"] = actor
            with session.begin():
                yield session

    @contextmanager
    def read_session(self) -> Iterator[Session]:
        """A read-only view of the database that never takes the write lock."""
        with self._guard(), self._read_sessions() as session:
            yield session
            session.rollback()

    @contextmanager
    def _guard(self) -> Iterator[None]:
        try:
            yield
        except sa_exc.DBAPIError as exc:
            raise translate_db_error(exc, self.display_name) from exc

    def backup(self, label: str) -> Path | None:
        """A checked backup before a risky change (a bulk action); None where there is no
        SQLite file or backups folder (PostgreSQL: the server's own tools)."""
        if self.sqlite_path is None or self.backups_dir is None:
            return None
        return backup_sqlite(self.sqlite_path, self.backups_dir, label)

    def take_over(self, other: Database) -> None:
        """Become ``other`` (the database reopened after a restore): every service that
        holds this object reads and writes the restored data from now on."""
        self.engine.dispose()
        self.__dict__.update(other.__dict__)

    def dispose(self) -> None:
        self.engine.dispose()


def _install_sqlite_pragmas(engine: Engine, busy_timeout_ms: int) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: sqlite3.Connection, _record: Any) -> None:
        dbapi_conn.isolation_level = None  # we emit BEGIN ourselves (see below)
        cursor = dbapi_conn.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = FULL")  # a saved ticket survives power loss
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        mode = conn.get_execution_options().get("sqlite_begin", "DEFERRED")
        conn.exec_driver_sql(f"BEGIN {mode}")


def _check_sqlite_file(path: Path, backups_dir: Path | None = None) -> bool:
    """Refuse a file that is not ours or is damaged; return whether it already holds data.

    Everything here reads only (a ``mode=ro`` connection), before any PRAGMA or
    migration: another program's file is refused byte for byte as it was.
    """
    if not path.exists() or path.stat().st_size == 0:
        return False
    try:
        with path.open("rb") as handle:
            header = handle.read(len(SQLITE_HEADER))
    except OSError as exc:
        raise DatabaseError(f"Cannot read the database {path}: {exc.strerror or exc}.") from exc
    if header != SQLITE_HEADER:
        raise ForeignDatabaseError(
            f"{path} is not an AIVA Desk database (it is not an SQLite file). "
            "It was left untouched. Move it away or choose another data folder."
        )
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=BUSY_TIMEOUT_MS / 1000)
    except sqlite3.Error as exc:
        raise DatabaseError(f"Cannot read the database {path}: {exc}.") from exc
    try:
        tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master")}
        if tables and "alembic_version" not in tables:
            raise ForeignDatabaseError(
                f"{path} is a database of another program (it has tables but no AIVA Desk "
                "schema). It was left untouched. Choose another data folder."
            )
        problem = _quick_check(conn)
    except sqlite3.DatabaseError as exc:
        problem = str(exc)
    finally:
        conn.close()
    if problem is not None:
        raise CorruptDatabaseError(damaged_message(path, problem, backups_dir))
    return True


def _quick_check(conn: sqlite3.Connection) -> str | None:
    """``PRAGMA quick_check`` bounded in time: None when fine (or too big to finish)."""
    deadline = time.monotonic() + QUICK_CHECK_SECONDS
    conn.set_progress_handler(lambda: int(time.monotonic() > deadline), 10_000)
    try:
        rows = [row[0] for row in conn.execute("PRAGMA quick_check")]
    except sqlite3.OperationalError as exc:
        if "interrupt" in str(exc).lower():
            log.info("Quick check stopped after %s s on a big database", QUICK_CHECK_SECONDS)
            return None
        raise
    finally:
        conn.set_progress_handler(None, 0)
    return None if rows == ["ok"] else first_problem(rows)


def damaged_message(path: Path, problem: str, backups_dir: Path | None) -> str:
    """One line: what is wrong, and the newest good backup with the command restoring it."""
    from aiva_desk.store.backups import newest_good_backup

    text = f"The database {path} is damaged ({problem}). It was left untouched."
    newest = newest_good_backup(backups_dir) if backups_dir is not None else None
    if newest is None:
        return text + " No good backup was found; choose another data folder."
    return (
        f"{text} The newest good backup is {newest.path} "
        f"({newest.taken_at:%Y-%m-%d %H:%M}): restore it with "
        f"`aiva-desk restore {newest.path}`, or choose another data folder."
    )


def backup_sqlite(path: Path, backups_dir: Path, label: str) -> Path:
    """A checked copy of a live SQLite database in ``backups_dir`` (see store/backups.py)."""
    from aiva_desk.store.backups import take_backup

    return take_backup(path, backups_dir, label)


def open_database(
    url: str,
    *,
    backups_dir: Path | None = None,
    busy_timeout_ms: int = BUSY_TIMEOUT_MS,
    hooks: SessionHooks = NO_HOOKS,
) -> Database:
    """Open ``url``, refusing foreign, damaged or newer databases, and migrate it to head.

    ``hooks`` are what the opener keeps in step with every write (the app's wiring,
    :func:`aiva_desk.app_context.open_desk_database`, passes the SLA clocks').

    A writer waits up to ``busy_timeout_ms`` for another writer before giving up with
    :class:`~aiva_desk.errors.DatabaseLockedError`.

    Raises a :class:`~aiva_desk.errors.DatabaseError` subclass with a message for the
    user; in every refusal the file is left exactly as it was.
    """
    sa_url = make_url(url)
    is_sqlite = sa_url.get_backend_name() == "sqlite"
    sqlite_path = Path(sa_url.database) if is_sqlite and sa_url.database else None
    had_data = _check_sqlite_file(sqlite_path, backups_dir) if sqlite_path else False

    engine_args: dict[str, Any] = {}
    if is_sqlite:
        engine_args["connect_args"] = {"timeout": busy_timeout_ms / 1000}
    engine = create_engine(url, **engine_args)
    if is_sqlite:
        _install_sqlite_pragmas(engine, busy_timeout_ms)

    where = str(sqlite_path) if sqlite_path else sa_url.render_as_string(hide_password=True)
    try:
        migrated, previous = _migrate(engine, where, sqlite_path if had_data else None, backups_dir)
        if migrated and hooks.after_upgrade:
            with engine.execution_options(sqlite_begin="IMMEDIATE").begin() as conn:
                for after_upgrade in hooks.after_upgrade:
                    after_upgrade(conn, previous)
        db = Database(engine, search_index_for(engine), hooks)
        db.sqlite_path, db.backups_dir = sqlite_path, backups_dir
        return db
    except sa_exc.DBAPIError as exc:
        engine.dispose()
        raise translate_db_error(exc, where) from exc
    except AivaError:
        engine.dispose()
        raise


def _migrate(
    engine: Engine, where: str, existing: Path | None, backups_dir: Path | None
) -> tuple[bool, str | None]:
    """Bring the schema to head; return whether it migrated, and the revision the
    database had (None: a new database)."""
    head = head_revision()
    with engine.connect() as conn:
        current = MigrationContext.configure(conn).get_current_revision()
        tables = set(inspect(conn).get_table_names())
    if current is None and tables - {"alembic_version"}:
        raise ForeignDatabaseError(
            f"{where} is a database of another program (it has tables but no AIVA Desk "
            "schema). It was left untouched. Choose another data folder."
        )
    if current is not None and current not in known_revisions():
        raise NewerDatabaseError(
            f"{where} was written by a newer version of AIVA Desk (schema {current}; this "
            f"version knows up to {head}). It was left untouched. Update AIVA Desk to open it."
        )
    if current == head:
        return False, current
    if existing is not None and backups_dir is not None:
        copy = backup_sqlite(existing, backups_dir, f"before-schema-{head}")
        log.info("Backed up %s to %s before migrating %s -> %s", existing, copy, current, head)
    config = _alembic_config()
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, "head")
    log.info("Migrated %s from %s to %s", where, current, head)
    return True, current
