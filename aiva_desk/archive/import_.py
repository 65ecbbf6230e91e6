"""Load an archive into an empty database (SQLite or PostgreSQL) and its data folder.

Everything that can be checked is checked before anything is written: the format,
the schema revision, the SHA-256 of every member and that the database is empty.
The rows then load in one transaction, so a failure leaves the database as it was.
"""

from __future__ import annotations

import binascii
import functools
import hashlib
import json
import os
import tempfile
import zipfile
from collections.abc import Iterator
from pathlib import Path, PurePosixPath
from typing import Any

from sqlalchemy import Connection, Table, func, select, text
from sqlalchemy import exc as sa_exc

from aiva_desk.archive.format import (
    BATCH_ROWS,
    FILE_FOLDERS,
    FORMAT_NAME,
    FORMAT_VERSION,
    MANIFEST,
    Convert,
    Manifest,
    Member,
    Progress,
    decoder,
    no_progress,
    table_member,
    tables_in_order,
)
from aiva_desk.errors import ArchiveError
from aiva_desk.runtime.paths import DataPaths
from aiva_desk.store.database import Database, head_revision, open_database, translate_db_error
from aiva_desk.store.models import Ticket

_COPY_BLOCK = 1 << 20


def import_all(
    archive: Path,
    db: Database,
    paths: DataPaths,
    *,
    progress: Progress = no_progress,
    checked: Manifest | None = None,
) -> Manifest:
    """Load ``archive`` into the empty ``db`` and the data folder ``paths``.

    ``checked`` is the manifest :func:`check_archive` returned for it (the command line
    checks before it opens, or creates, the target); without it the check runs here."""
    manifest = checked or check_archive(archive, progress)
    with _open_zip(archive) as zf:
        _check_empty(db)
        _write_files(zf, manifest, paths, progress)
        _load_tables(zf, manifest, db, archive, progress)
    return manifest


def check_archive(archive: Path, progress: Progress = no_progress) -> Manifest:
    """The archive's manifest once its format, schema and every member's hash are right."""
    with _open_zip(archive) as zf:
        manifest = read_manifest(zf, archive)
        verify(zf, manifest, archive, progress)
    return manifest


def _open_zip(archive: Path) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(archive)
    except FileNotFoundError:
        raise ArchiveError(f"There is no file {archive}.") from None
    except IsADirectoryError:
        raise ArchiveError(f"{archive} is a folder, not an archive.") from None
    except (zipfile.BadZipFile, OSError) as exc:
        raise ArchiveError(f"{archive} is not an AIVA Desk archive ({exc}).") from exc


def read_manifest(zf: zipfile.ZipFile, archive: Path) -> Manifest:
    """The archive's manifest, refused if it is not ours, newer, or of another schema."""
    try:
        data = json.loads(zf.read(MANIFEST))
        if data.get("format") != FORMAT_NAME:
            raise ValueError("not our format")
        manifest = Manifest.from_json(data)
    except (KeyError, ValueError, TypeError, AttributeError, zipfile.BadZipFile) as exc:
        raise ArchiveError(
            f"{archive} is not an AIVA Desk archive (no readable manifest: {exc})."
        ) from exc
    if manifest.format_version > FORMAT_VERSION:
        raise ArchiveError(
            f"{archive} was written by a newer AIVA Desk (archive format "
            f"{manifest.format_version}; this version reads up to {FORMAT_VERSION}). "
            "Update AIVA Desk to import it."
        )
    head = head_revision()
    if manifest.schema_revision != head:
        raise ArchiveError(
            f"{archive} holds schema {manifest.schema_revision} (AIVA Desk "
            f"{manifest.app_version}); this version imports schema {head} only. Open the "
            "data with the version that wrote it, let this version migrate it, then export again."
        )
    return manifest


def verify(zf: zipfile.ZipFile, manifest: Manifest, archive: Path, progress: Progress) -> None:
    """Check every member's SHA-256 and size, and that the tables are this schema's."""
    expected = [table_member(t.name) for t in tables_in_order()]
    if [m.name for m in manifest.tables] != expected:
        raise ArchiveError(f"{archive} is damaged: its tables are not this schema's tables.")
    for member in manifest.files:
        _safe_file_name(member.name, archive)
    members = manifest.tables + manifest.files
    for done, member in enumerate(members, start=1):
        digest = hashlib.sha256()
        size = 0
        try:
            with zf.open(member.name) as source:
                for block in iter(lambda: source.read(_COPY_BLOCK), b""):
                    digest.update(block)
                    size += len(block)
        except (KeyError, zipfile.BadZipFile, OSError, EOFError) as exc:
            raise ArchiveError(f"{archive} is damaged: {member.name} cannot be read.") from exc
        if digest.hexdigest() != member.sha256 or size != member.size:
            raise ArchiveError(
                f"{archive} is damaged: {member.name} does not match its checksum. "
                "Nothing was imported."
            )
        progress("checked", done, len(members))


def _safe_file_name(name: str, archive: Path) -> PurePosixPath:
    path = PurePosixPath(name)
    if (
        path.is_absolute()
        or len(path.parts) < 2
        or path.parts[0] not in FILE_FOLDERS
        or any(part in ("", ".", "..") for part in path.parts)
        or "\\" in name
    ):
        raise ArchiveError(f"{archive} is damaged: it names a file outside the data folder.")
    return path


def _check_empty(db: Database) -> None:
    """Refuse a database holding anything a new one does not: tickets first, then any
    row in a table that starts empty (staff, customers, mail accounts, …)."""
    seeded = seeded_tables()
    with db.read_session() as session:
        tickets = session.execute(select(func.count()).select_from(Ticket)).scalar_one()
        what = f"{tickets} tickets" if tickets else None
        for table in tables_in_order():
            if what is not None:
                break
            if table.name not in seeded and session.execute(select(table).limit(1)).first():
                what = f"rows in {table.name}"
    if what is not None:
        raise ArchiveError(
            f"import all needs an empty database: {db.display_name} already holds {what}. "
            "Choose a new data folder (--data-dir) or database (--db-url)."
        )


@functools.cache
def seeded_tables() -> frozenset[str]:
    """The tables a new database starts with rows in (the SOP's calendars, categories,
    checklists…): the archive's rows replace those; every other table must be empty."""
    with tempfile.TemporaryDirectory(prefix="aiva-seed-") as folder:
        fresh = open_database(f"sqlite:///{Path(folder) / 'seed.sqlite3'}")
        try:
            with fresh.engine.connect() as conn:
                return frozenset(
                    table.name
                    for table in tables_in_order()
                    if conn.execute(select(table).limit(1)).first() is not None
                )
        finally:
            fresh.dispose()


def _write_files(
    zf: zipfile.ZipFile, manifest: Manifest, paths: DataPaths, progress: Progress
) -> None:
    """Each file to a temporary name, then renamed: never a half file under a real name."""
    for done, member in enumerate(manifest.files, start=1):
        target = paths.root.joinpath(*PurePosixPath(member.name).parts)
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            handle, temp = tempfile.mkstemp(prefix=".import-", dir=target.parent)
        except OSError as exc:
            raise ArchiveError(f"Cannot write {target}: {exc.strerror or exc}.") from exc
        try:
            with os.fdopen(handle, "wb") as out, zf.open(member.name) as source:
                for block in iter(lambda: source.read(_COPY_BLOCK), b""):
                    out.write(block)
                out.flush()
                os.fsync(out.fileno())
            os.replace(temp, target)
        except OSError as exc:
            raise ArchiveError(f"Cannot write {target}: {exc.strerror or exc}.") from exc
        finally:
            Path(temp).unlink(missing_ok=True)
        progress("files", done, len(manifest.files))


def _load_tables(
    zf: zipfile.ZipFile, manifest: Manifest, db: Database, archive: Path, progress: Progress
) -> None:
    tables = tables_in_order()
    rows_by_name = {m.name: m for m in manifest.tables}
    writer = db.engine.execution_options(sqlite_begin="IMMEDIATE")
    try:
        with writer.begin() as conn:
            for table in reversed(tables):  # the rows a new database was seeded with
                conn.execute(table.delete())
            for table in tables:
                member = rows_by_name[table_member(table.name)]
                _load_table(conn, zf, table, member, archive, progress)
            db.search.rebuild(conn)
            if conn.dialect.name == "postgresql":
                _move_sequences(conn, tables)
    except sa_exc.DBAPIError as exc:
        raise translate_db_error(exc, db.display_name) from exc


def _load_table(
    conn: Connection,
    zf: zipfile.ZipFile,
    table: Table,
    member: Member,
    archive: Path,
    progress: Progress,
) -> None:
    converts = {column.name: decoder(column) for column in table.columns}
    batch: list[dict[str, Any]] = []
    done = 0
    total = member.rows or 0
    for record in _records(zf, member.name, archive):
        batch.append(_row(converts, record, member.name, archive))
        if len(batch) >= BATCH_ROWS:
            conn.execute(table.insert(), batch)
            done += len(batch)
            batch = []
            progress(table.name, done, total)
    if batch:
        conn.execute(table.insert(), batch)
        done += len(batch)
    progress(table.name, done, total)


def _records(zf: zipfile.ZipFile, name: str, archive: Path) -> Iterator[dict[str, Any]]:
    with zf.open(name) as source:
        for number, line in enumerate(source, start=1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except ValueError as exc:
                raise ArchiveError(f"{archive} is damaged: {name} line {number}: {exc}.") from exc
            if not isinstance(record, dict):
                raise ArchiveError(f"{archive} is damaged: {name} line {number} is not a row.")
            yield record


def _row(
    converts: dict[str, Convert | None], record: dict[str, Any], name: str, archive: Path
) -> dict[str, Any]:
    if not record.keys() <= converts.keys():
        unknown = sorted(set(record) - set(converts))
        raise ArchiveError(f"{archive} is damaged: {name} has unknown columns {unknown}.")
    try:
        return {
            key: value if value is None or (convert := converts[key]) is None else convert(value)
            for key, value in record.items()
        }
    except (ValueError, TypeError, binascii.Error) as exc:
        raise ArchiveError(f"{archive} is damaged: {name} holds a bad value ({exc}).") from exc


def _move_sequences(conn: Connection, tables: list[Table]) -> None:
    """PostgreSQL: each id sequence past the ids just loaded (as migration 0011 does)."""
    preparer = conn.dialect.identifier_preparer
    for table in tables:
        if "id" not in table.columns:
            continue
        conn.execute(
            text(
                "SELECT setval(s, COALESCE((SELECT max(id) FROM "
                f"{preparer.quote(table.name)}), 0) + 1, false)"
                " FROM (SELECT pg_get_serial_sequence(:t, 'id') AS s) AS seq WHERE s IS NOT NULL"
            ),
            {"t": table.name},
        )
