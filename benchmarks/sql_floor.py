"""The floor of ``bench_queue.py``: the SQL the app ran, run again with bare ``sqlite3``.

Every statement the app executes while a measurement records is kept, compiled with
``literal_binds`` after the measurement and run with the stdlib ``sqlite3`` module on
the same file (fetching all rows); the floor is the sum of their times.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from pathlib import Path
from typing import Any


class SqlCapture:
    """Every statement the app executes while ``recording`` (from any thread).

    A statement is only kept while recording; it is compiled to SQL text in
    :meth:`take`, after the measurement: compiling with literal values costs about a
    millisecond a statement, which would otherwise be timed as the app's own work.
    """

    def __init__(self, engine: Any) -> None:
        from sqlalchemy import event

        self._engine = engine
        self._lock = threading.Lock()
        self.recording = False
        self._kept: list[Any] = []
        event.listen(engine, "before_execute", self._on_before_execute)

    def _on_before_execute(self, _conn, clause, multiparams, params, _options) -> None:
        if self.recording and not (multiparams or params):  # writes with parameters: not
            with self._lock:  # part of any measured read
                self._kept.append(clause)

    def _literal(self, clause: Any) -> str | None:
        from sqlalchemy.sql import ClauseElement

        if not isinstance(clause, ClauseElement):
            return str(clause)
        try:
            compiled = clause.compile(
                dialect=self._engine.dialect, compile_kwargs={"literal_binds": True}
            )
        except Exception:
            return None
        return str(compiled)

    def take(self) -> list[str]:
        """The SQL text of the statements kept since the last call."""
        with self._lock:
            kept, self._kept = self._kept, []
        literal = (self._literal(clause) for clause in kept)
        return [sql for sql in literal if sql is not None]


def raw_seconds(path: Path, statements: list[str]) -> float:
    """How long stdlib sqlite3 takes to run ``statements`` on ``path`` (fetching all rows)."""
    conn = sqlite3.connect(path)
    try:
        started = time.perf_counter()
        for sql in statements:
            if sql.lstrip().upper().startswith(("SELECT", "WITH")):
                conn.execute(sql).fetchall()
        return time.perf_counter() - started
    finally:
        conn.close()


def first_queue_floor(db_path: Path) -> float:
    from sqlalchemy.dialects import sqlite as sqlite_dialect

    from aiva_desk.queue import query as queue
    from aiva_desk.queue.query import QueueFilter
    from aiva_desk.store.search import Fts5SearchIndex

    dialect = sqlite_dialect.dialect()
    statements = []
    for stmt in _queue_statements(queue, QueueFilter(), Fts5SearchIndex()):
        statements.append(
            str(stmt.compile(dialect=dialect, compile_kwargs={"literal_binds": True}))
        )
    started = time.perf_counter()
    conn = sqlite3.connect(db_path)
    for sql in statements:
        conn.execute(sql).fetchall()
    conn.close()
    return time.perf_counter() - started


def _queue_statements(queue_module: Any, flt: Any, search: Any) -> list[Any]:
    """The count and first-window statements the queue runs for ``flt`` (via a recorder)."""

    class Recorder:
        def __init__(self) -> None:
            self.statements: list[Any] = []

        def scalar(self, stmt: Any) -> int:
            self.statements.append(stmt)
            return 0

        def execute(self, stmt: Any) -> list[Any]:
            self.statements.append(stmt)
            return []

    recorder = Recorder()
    queue_module.count(recorder, flt, search)
    queue_module.fetch(recorder, flt, search, offset=0, limit=200)
    return recorder.statements
