"""Drafts of open editors, written to disk every few seconds so a crash loses little.

A draft is the set of fields an agent changed, plus the ticket version they
started from. It lives in ``<data dir>/drafts/<ticket id>.json`` and is written
atomically (temporary file, fsync, rename): a kill mid-write leaves the old draft.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from aiva_desk import clock
from aiva_desk.runtime.private_files import private_dir

log = logging.getLogger(__name__)

NEW_TICKET_KEY = "new"


@dataclass(frozen=True)
class Draft:
    key: str  # a ticket id, or NEW_TICKET_KEY for the New Ticket dialog
    base_version: int | None
    fields: dict[str, Any]
    saved_at: dt.datetime


def _encode(value: Any) -> Any:
    """JSON for a field value; our enums are int or str based and encode as such."""
    if isinstance(value, dt.datetime):
        return {"__datetime__": value.isoformat()}
    return value


def _decode(value: Any) -> Any:
    if isinstance(value, dict) and "__datetime__" in value:
        return dt.datetime.fromisoformat(value["__datetime__"])
    return value


class DraftStore:
    """One JSON file per draft in ``root``."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def _path(self, key: str | int) -> Path:
        return self.root / f"{key}.json"

    def save(self, key: str | int, base_version: int | None, fields: dict[str, Any]) -> None:
        """Write the draft atomically; an empty ``fields`` discards it instead."""
        if not fields:
            self.discard(key)
            return
        private_dir(self.root)
        payload = {
            "key": str(key),
            "base_version": base_version,
            "saved_at": clock.now().isoformat(),
            "fields": {name: _encode(value) for name, value in fields.items()},
        }
        handle = tempfile.NamedTemporaryFile(  # noqa: SIM115 - closed before the rename
            "w", dir=self.root, suffix=".tmp", delete=False, encoding="utf-8"
        )
        try:
            with handle:
                json.dump(payload, handle, ensure_ascii=False)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(handle.name, self._path(key))
        except BaseException:
            Path(handle.name).unlink(missing_ok=True)
            raise

    def load(self, key: str | int) -> Draft | None:
        """The saved draft, or ``None``; an unreadable draft is set aside, not lost."""
        path = self._path(key)
        try:
            payload = json.loads(path.read_text(encoding="utf-8"))
            return Draft(
                key=str(payload["key"]),
                base_version=payload["base_version"],
                fields={name: _decode(v) for name, v in payload["fields"].items()},
                saved_at=dt.datetime.fromisoformat(payload["saved_at"]),
            )
        except FileNotFoundError:
            return None
        except (OSError, ValueError, KeyError, TypeError) as exc:
            aside = path.with_suffix(".unreadable")
            log.warning("Draft %s is unreadable (%s); kept as %s", path, exc, aside)
            path.replace(aside)
            return None

    def discard(self, key: str | int) -> None:
        self._path(key).unlink(missing_ok=True)

    def keys(self) -> list[str]:
        """Keys of every stored draft (tickets with unsaved work from a previous run)."""
        if not self.root.is_dir():
            return []
        return sorted(path.stem for path in self.root.glob("*.json"))
