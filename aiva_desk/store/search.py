"""Full-text search behind one small interface.

SQLite gets an FTS5 index (``ticket_search``, rowid = ticket id) kept in sync
in the same transaction as every change; other databases fall back to a
portable ``LIKE`` search until they get a native index of their own.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any, Protocol

from sqlalchemy import Connection, Engine, Select, or_, select, text
from sqlalchemy.sql.expression import ColumnElement, literal_column

from aiva_desk.store.models import Communication, InternalNote, Ticket, TroubleshootingEntry

_TOKEN = re.compile(r"\w+", re.UNICODE)

# The text each FTS column holds, as SQL over our tables (portable concatenation).
_DESCRIPTION_SQL = " || ' ' || ".join(
    f"t.{column}"
    for column in (
        "description",
        "expected_behavior",
        "actual_behavior",
        "reproduction_steps",
        "error_messages",
        "root_cause",
        "solution",
        "steps_taken",
    )
)
_REINDEX_SELECT = f"""
SELECT t.id, t.subject, {_DESCRIPTION_SQL},
  (SELECT group_concat(e.title || ' ' || e.checked || ' ' || e.found || ' ' || e.action, ' ')
     FROM troubleshooting_entries e WHERE e.ticket_id = t.id),
  (SELECT group_concat(c.subject || ' ' || c.body, ' ')
     FROM communications c WHERE c.ticket_id = t.id),
  (SELECT group_concat(n.body, ' ') FROM internal_notes n WHERE n.ticket_id = t.id)
FROM tickets t
"""
_INSERT = (
    "INSERT INTO ticket_search"
    "(rowid, subject, description, troubleshooting, communications, notes) "
)


# More distinct words than this in one search are not looked for (a pasted page would
# otherwise build a query deeper than the database allows); a search is only broader for it.
MAX_SEARCH_WORDS = 32


def search_words(user_text: str) -> list[str]:
    """The distinct words of a search (case-insensitively), at most :data:`MAX_SEARCH_WORDS`."""
    words: dict[str, str] = {}
    for token in _TOKEN.findall(user_text):
        words.setdefault(token.casefold(), token)
        if len(words) == MAX_SEARCH_WORDS:
            break
    return list(words.values())


def fts_query(user_text: str) -> str | None:
    """An FTS5 MATCH expression for what a user typed: every word, as a prefix, must match.

    Quoting each token means user input can never be parsed as FTS syntax.
    """
    tokens = search_words(user_text)
    if not tokens:
        return None
    return " AND ".join(f'"{token}"*' for token in tokens)


def highlight_terms(user_text: str) -> list[str]:
    """The words of a search, for highlighting matches (each matches as a prefix)."""
    return _TOKEN.findall(user_text)


class SearchIndex(Protocol):
    """What the rest of the app needs from a search index."""

    def reindex(self, conn: Connection, ticket_ids: Iterable[int]) -> None: ...

    def rebuild(self, conn: Connection) -> None: ...

    def matching_ids(self, user_text: str) -> Select[tuple[int]]: ...


class Fts5SearchIndex:
    """SQLite FTS5; ranking by bm25 via ``ORDER BY rank``."""

    def reindex(self, conn: Connection, ticket_ids: Iterable[int]) -> None:
        ids = sorted(set(ticket_ids))
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            placeholders = ", ".join(str(int(i)) for i in chunk)
            conn.execute(text(f"DELETE FROM ticket_search WHERE rowid IN ({placeholders})"))
            conn.execute(text(_INSERT + _REINDEX_SELECT + f" WHERE t.id IN ({placeholders})"))

    def rebuild(self, conn: Connection) -> None:
        conn.execute(text("DELETE FROM ticket_search"))
        conn.execute(text(_INSERT + _REINDEX_SELECT))

    def matching_ids(self, user_text: str) -> Select[tuple[int]]:
        query = fts_query(user_text)
        if query is None:
            return select(Ticket.id).where(literal_column("0") == 1)
        return (
            select(literal_column("rowid").label("id"))
            .select_from(text("ticket_search"))
            .where(text("ticket_search MATCH :fts_query").bindparams(fts_query=query))
            .order_by(text("rank"))
        )


def _contains(token: str) -> Callable[[Any], ColumnElement[bool]]:
    """A case-insensitive "contains this word" test: "_" is a word character and a LIKE
    wildcard, so it is escaped (a search for "a_b" must not match "axb")."""
    pattern = "%" + token.replace("\\", "\\\\").replace("_", "\\_").replace("%", "\\%") + "%"
    return lambda column: column.ilike(pattern, escape="\\")


class LikeSearchIndex:
    """A portable fallback: substring match on every word, no index to maintain."""

    def reindex(self, conn: Connection, ticket_ids: Iterable[int]) -> None:
        return None

    def rebuild(self, conn: Connection) -> None:
        return None

    def matching_ids(self, user_text: str) -> Select[tuple[int]]:
        query = select(Ticket.id)
        tokens = search_words(user_text)
        if not tokens:
            return query.where(literal_column("0") == 1)
        for token in tokens:
            like = _contains(token)
            query = query.where(
                or_(
                    like(Ticket.subject),
                    like(Ticket.description),
                    Ticket.id.in_(
                        select(TroubleshootingEntry.ticket_id).where(
                            or_(
                                like(TroubleshootingEntry.checked),
                                like(TroubleshootingEntry.found),
                                like(TroubleshootingEntry.action),
                            )
                        )
                    ),
                    Ticket.id.in_(select(Communication.ticket_id).where(like(Communication.body))),
                    Ticket.id.in_(select(InternalNote.ticket_id).where(like(InternalNote.body))),
                )
            )
        return query


def search_index_for(engine: Engine) -> SearchIndex:
    if engine.dialect.name == "sqlite":
        return Fts5SearchIndex()
    return LikeSearchIndex()
