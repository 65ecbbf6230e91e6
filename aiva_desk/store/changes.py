"""Notice when the database changed, in this process or another one on the same file.

SQLite's ``PRAGMA data_version`` changes on a connection whenever another
connection commits, so one dedicated connection polled by a timer tells the
queue to refresh itself at no cost. Other databases compare a cheap summary.
"""

from __future__ import annotations

import sqlite3
from typing import Any

from sqlalchemy import Engine, func, select

from aiva_desk.store.models import Ticket


class ChangeWatcher:
    """``changed()`` is True once after every commit made since the previous call."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._sqlite: sqlite3.Connection | None = None
        if engine.dialect.name == "sqlite" and engine.url.database:
            self._sqlite = sqlite3.connect(engine.url.database, check_same_thread=False)
        self._last: Any = self._token()

    def _token(self) -> Any:
        if self._sqlite is not None:
            return self._sqlite.execute("PRAGMA data_version").fetchone()[0]
        with self._engine.connect() as conn:
            return tuple(conn.execute(select(func.max(Ticket.updated_at), func.count())).one())

    def changed(self) -> bool:
        token = self._token()
        if token == self._last:
            return False
        self._last = token
        return True

    def close(self) -> None:
        if self._sqlite is not None:
            self._sqlite.close()
            self._sqlite = None
