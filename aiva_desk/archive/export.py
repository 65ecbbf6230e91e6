"""Write the whole data set into one archive, streamed: 100k tickets never sit in memory.

Every table is read inside one read transaction (one consistent snapshot while the
app keeps running) and the zip is written to a temporary name, renamed over the
output only when complete, so a crash never leaves a half archive under the name.
"""

from __future__ import annotations

import hashlib
import json
import zipfile
from pathlib import Path
from typing import IO, Any

from sqlalchemy import Connection, Table, func, select

from aiva_desk import __version__, clock
from aiva_desk.archive.format import (
    BATCH_ROWS,
    FILE_FOLDERS,
    MANIFEST,
    Manifest,
    Member,
    Progress,
    encoder,
    no_progress,
    table_member,
    tables_in_order,
)
from aiva_desk.runtime.output_paths import atomic_output, check_output_path
from aiva_desk.runtime.paths import DataPaths
from aiva_desk.store.database import Database, head_revision

_COPY_BLOCK = 1 << 20


class _HashingWriter:
    """Pass bytes to a zip member while counting and hashing them."""

    def __init__(self, target: IO[bytes]) -> None:
        self.target = target
        self.digest = hashlib.sha256()
        self.size = 0

    def write(self, data: bytes) -> None:
        self.target.write(data)
        self.digest.update(data)
        self.size += len(data)


def export_all(
    db: Database, paths: DataPaths, output: Path, *, progress: Progress = no_progress
) -> Manifest:
    """Write every table and the data folder's files to ``output``; return the manifest."""
    manifest = Manifest(
        app_version=__version__,
        schema_revision=head_revision(),
        created_at=clock.now().isoformat(),
    )
    output = check_output_path(output, paths, db.engine.url.render_as_string(False))
    deflated = {"compression": zipfile.ZIP_DEFLATED, "allowZip64": True}
    with (
        atomic_output(output, binary=True) as handle,
        zipfile.ZipFile(handle, "w", **deflated) as zf,
    ):
        _write_tables(db, zf, manifest, progress)
        _write_files(paths, zf, manifest, progress)
        zf.writestr(MANIFEST, json.dumps(manifest.as_json(), indent=2, ensure_ascii=False))
    return manifest


def _write_tables(
    db: Database, zf: zipfile.ZipFile, manifest: Manifest, progress: Progress
) -> None:
    engine = db.engine
    if engine.dialect.name == "postgresql":
        engine = engine.execution_options(isolation_level="REPEATABLE READ")
    with engine.connect() as conn, conn.begin():
        for table in tables_in_order():
            manifest.tables.append(_write_table(conn, table, zf, progress))


def _write_table(conn: Connection, table: Table, zf: zipfile.ZipFile, progress: Progress) -> Member:
    total = conn.execute(select(func.count()).select_from(table)).scalar_one()
    name = table_member(table.name)
    columns = [(column.name, encoder(column)) for column in table.columns]
    query = select(table).order_by(*table.primary_key.columns)
    rows = 0
    with zf.open(name, "w", force_zip64=True) as member:
        writer = _HashingWriter(member)
        result = conn.execution_options(yield_per=BATCH_ROWS).execute(query)
        for batch in result.partitions():
            lines: list[str] = []
            for row in batch:
                record: dict[str, Any] = {
                    name: value if convert is None or value is None else convert(value)
                    for (name, convert), value in zip(columns, row, strict=True)
                }
                lines.append(json.dumps(record, ensure_ascii=False, separators=(",", ":")))
            writer.write(("\n".join(lines) + "\n").encode("utf-8"))
            rows += len(batch)
            progress(table.name, rows, total)
    return Member(name, writer.digest.hexdigest(), writer.size, rows)


def _data_files(paths: DataPaths) -> list[tuple[str, Path]]:
    """The data folder's files that are data, as (archive name, path), in a stable order."""
    found: list[tuple[str, Path]] = []
    for folder in FILE_FOLDERS:
        root = paths.root / folder
        if not root.is_dir():
            continue
        for path in sorted(root.rglob("*")):
            relative = path.relative_to(root)
            if not path.is_file() or path.name.startswith("."):
                continue
            if folder == "attachments" and len(relative.parts) != 2:
                continue  # a store's leftover temporary file, not an attachment (ab/abcdef…)
            found.append((f"{folder}/{relative.as_posix()}", path))
    return found


def _write_files(
    paths: DataPaths, zf: zipfile.ZipFile, manifest: Manifest, progress: Progress
) -> None:
    files = _data_files(paths)
    for done, (name, path) in enumerate(files, start=1):
        with path.open("rb") as source, zf.open(name, "w", force_zip64=True) as member:
            writer = _HashingWriter(member)
            for block in iter(lambda: source.read(_COPY_BLOCK), b""):
                writer.write(block)
        manifest.files.append(Member(name, writer.digest.hexdigest(), writer.size))
        progress("files", done, len(files))
