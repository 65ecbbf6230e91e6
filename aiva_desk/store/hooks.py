"""What other features keep in step with every write, handed to the database by whoever
opens it, so the store depends on no feature while every write path still runs them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Protocol

from sqlalchemy import Connection
from sqlalchemy.orm import Session


class Reindexer(Protocol):
    """Derived data kept in step with tickets (search index, SLA clocks)."""

    def reindex(self, conn: Connection, ticket_ids: Iterable[int]) -> None: ...


@dataclass(frozen=True)
class SessionHooks:
    """Run in the writing transaction: ``before_flush`` may add rows for the objects being
    flushed; each reindexer gets the tickets a flush touched; ``after_upgrade`` runs once
    after a migration, with the revision the database had before."""

    before_flush: tuple[Callable[[Session, dt.datetime], None], ...] = ()
    reindexers: tuple[Reindexer, ...] = ()
    after_upgrade: tuple[Callable[[Connection, str | None], None], ...] = ()


NO_HOOKS = SessionHooks()
