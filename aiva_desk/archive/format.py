"""What an archive holds and how each value is written: one place for both directions.

Values are encoded by their column's type (not guessed from the JSON), so a datetime,
an enum, a bool, bytes and None each come back exactly as they went in.
"""

from __future__ import annotations

import base64
import datetime as dt
import enum
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import Any

from sqlalchemy import Boolean, Column, Date, DateTime, Enum, LargeBinary, MetaData, Table
from sqlalchemy.types import TypeDecorator

from aiva_desk.store import inbound_models, mail_models, review_models, sla_models  # noqa: F401
from aiva_desk.store.models import Base

FORMAT_NAME = "aiva-desk-archive"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
TABLES_DIR = "tables"
# The data folder's own files that belong to the data set, by their folder name there.
FILE_FOLDERS = ("attachments", "drafts", "templates")
BATCH_ROWS = 1000

Progress = Callable[[str, int, int], None]  # (what, done, total)


def no_progress(_what: str, _done: int, _total: int) -> None:
    """The default progress callback: say nothing."""


def metadata() -> MetaData:
    """Every table of the app (each model module registers its tables on import)."""
    return Base.metadata


def tables_in_order() -> list[Table]:
    """The tables parents first, so rows load without breaking a foreign key."""
    return list(metadata().sorted_tables)


def table_member(table: str) -> str:
    return f"{TABLES_DIR}/{table}.jsonl"


@dataclass
class Member:
    """One file in the archive: its name, its SHA-256 and (for tables) its row count."""

    name: str
    sha256: str
    size: int
    rows: int | None = None

    def as_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"name": self.name, "sha256": self.sha256, "size": self.size}
        if self.rows is not None:
            data["rows"] = self.rows
        return data


@dataclass
class Manifest:
    app_version: str
    schema_revision: str
    created_at: str
    tables: list[Member] = field(default_factory=list)
    files: list[Member] = field(default_factory=list)
    format_version: int = FORMAT_VERSION

    def as_json(self) -> dict[str, Any]:
        return {
            "format": FORMAT_NAME,
            "format_version": self.format_version,
            "app_version": self.app_version,
            "schema_revision": self.schema_revision,
            "created_at": self.created_at,
            "counts": {PurePosixPath(m.name).stem: m.rows for m in self.tables},
            "tables": [m.as_json() for m in self.tables],
            "files": [m.as_json() for m in self.files],
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Manifest:
        def members(key: str) -> list[Member]:
            return [
                Member(str(m["name"]), str(m["sha256"]), int(m["size"]), m.get("rows"))
                for m in data[key]
            ]

        return cls(
            app_version=str(data["app_version"]),
            schema_revision=str(data["schema_revision"]),
            created_at=str(data["created_at"]),
            tables=members("tables"),
            files=members("files"),
            format_version=int(data["format_version"]),
        )


def _base_type(column: Column[Any]) -> Any:
    kind = column.type
    return kind.impl if isinstance(kind, TypeDecorator) else kind


def encode(column: Column[Any], value: Any) -> Any:
    """A column's Python value as JSON: datetimes ISO 8601 in UTC, bytes base64, enums by value."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(dt.UTC)
        return value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bytes | bytearray | memoryview):
        return base64.b64encode(bytes(value)).decode("ascii")
    if isinstance(value, enum.Enum):
        return value.value
    return value


def decode(column: Column[Any], value: Any) -> Any:
    """The inverse of :func:`encode`, driven by the column's type."""
    if value is None:
        return None
    base = _base_type(column)
    if isinstance(base, DateTime):
        parsed = dt.datetime.fromisoformat(value)
        if isinstance(column.type, TypeDecorator) and parsed.tzinfo is None:
            parsed = parsed.replace(tzinfo=dt.UTC)
        return parsed
    if isinstance(base, Date):
        return dt.date.fromisoformat(value)
    if isinstance(base, LargeBinary):
        return base64.b64decode(value, validate=True)
    if isinstance(column.type, Enum) and column.type.enum_class is not None:
        return column.type.enum_class(value)
    if isinstance(base, Boolean):
        return bool(value)
    return value
