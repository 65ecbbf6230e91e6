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


Convert = Callable[[Any], Any]


def _enum_value(value: Any) -> Any:
    return value.value if isinstance(value, enum.Enum) else value


def _datetime_text(value: dt.datetime) -> str:
    return (value.astimezone(dt.UTC) if value.tzinfo is not None else value).isoformat()


def _base64(value: bytes) -> str:
    return base64.b64encode(bytes(value)).decode("ascii")


def encoder(column: Column[Any]) -> Convert | None:
    """How a column's (non-None) Python value becomes JSON; None: as it is.

    Datetimes ISO 8601 in UTC, dates ISO, bytes base64, enums by value."""
    base = _base_type(column)
    if isinstance(base, DateTime):
        return _datetime_text
    if isinstance(base, Date):
        return dt.date.isoformat
    if isinstance(base, LargeBinary):
        return _base64
    if isinstance(column.type, Enum) or hasattr(column.type, "enum_cls"):
        return _enum_value
    return None


def _utc_datetime(value: str) -> dt.datetime:
    parsed = dt.datetime.fromisoformat(value)
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=dt.UTC)


def _strict_base64(value: str) -> bytes:
    return base64.b64decode(value, validate=True)


def decoder(column: Column[Any]) -> Convert | None:
    """The inverse of :func:`encoder`, by the column's type; None: the JSON value as it is."""
    base = _base_type(column)
    if isinstance(base, DateTime):
        aware = isinstance(column.type, TypeDecorator)
        return _utc_datetime if aware else dt.datetime.fromisoformat
    if isinstance(base, Date):
        return dt.date.fromisoformat
    if isinstance(base, LargeBinary):
        return _strict_base64
    if isinstance(column.type, Enum) and column.type.enum_class is not None:
        return column.type.enum_class
    if isinstance(base, Boolean):
        return bool
    return None
