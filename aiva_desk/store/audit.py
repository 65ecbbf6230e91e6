"""The audit trail and derived indexes, written by session hooks in the same transaction
(with whatever hooks the opener adds, such as the SLA clocks).

Hooking the session (rather than each service call) means no code path can
change a ticket without leaving a history entry and a fresh search index row.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Connection, event, inspect
from sqlalchemy.orm import Session, sessionmaker

from aiva_desk import clock
from aiva_desk.store.hooks import Reindexer, SessionHooks
from aiva_desk.store.models import (
    Attachment,
    AuditEntry,
    Category,
    Communication,
    Customer,
    Escalation,
    InternalNote,
    Staff,
    Ticket,
    TroubleshootingEntry,
)

# Columns that change on every save and carry no meaning of their own.
_UNAUDITED = {"version", "updated_at", "created_at", "id", "category_guessed"}
# Foreign keys shown by the name of what they point at.
_REFERENCES: dict[str, type] = {
    "category_id": Category,
    "assignee_id": Staff,
    "customer_id": Customer,
}
_CHILD_LABELS: dict[type, str] = {
    TroubleshootingEntry: "troubleshooting entry",
    Communication: "communication",
    InternalNote: "internal note",
    Escalation: "escalation",
    Attachment: "attachment",
}
MAX_AUDIT_TEXT = 2000


def _format(session: Session, field: str, value: Any) -> str | None:
    if value is None:
        return None
    if field in _REFERENCES:
        target = session.get(_REFERENCES[field], value)
        return getattr(target, "name", str(value))
    if isinstance(value, enum.Enum):
        return getattr(value, "label", None) or str(value.value)
    if isinstance(value, dt.datetime):
        return value.isoformat(timespec="minutes")
    if isinstance(value, bool):
        return "yes" if value else "no"
    text = str(value)
    return text if len(text) <= MAX_AUDIT_TEXT else text[: MAX_AUDIT_TEXT - 1] + "…"


def _child_summary(obj: Any) -> str:
    if isinstance(obj, TroubleshootingEntry):
        return obj.title or obj.checked[:80]
    if isinstance(obj, Communication):
        return f"{obj.direction.value}: {obj.subject}"
    if isinstance(obj, InternalNote):
        return obj.body[:80]
    if isinstance(obj, Escalation):
        return f"{obj.level.label}: {obj.reason[:80]}"
    if isinstance(obj, Attachment):
        return f"{obj.filename} ({obj.size} bytes)"
    return ""


def _ticket_of(obj: Any) -> Ticket | None:
    if isinstance(obj, Ticket):
        return obj
    return getattr(obj, "ticket", None) if type(obj) in _CHILD_LABELS else None


def _audit_ticket_changes(session: Session, ticket: Ticket, actor: str, now: dt.datetime) -> bool:
    state = inspect(ticket)
    changed = False
    for attr in state.mapper.column_attrs:
        if attr.key in _UNAUDITED:
            continue
        history = state.attrs[attr.key].history
        if not history.has_changes():
            continue
        old = history.deleted[0] if history.deleted else None
        new = history.added[0] if history.added else None
        if old == new:
            continue
        changed = True
        session.add(
            AuditEntry(
                ticket=ticket,
                at=now,
                actor=actor,
                action="changed",
                field=attr.key,
                old_value=_format(session, attr.key, old),
                new_value=_format(session, attr.key, new),
            )
        )
    tag_history = state.attrs["tags"].history
    for action, tags, value in (
        ("tag added", tag_history.added, "new_value"),
        ("tag removed", tag_history.deleted, "old_value"),
    ):
        for tag in tags:
            entry = AuditEntry(ticket=ticket, at=now, actor=actor, action=action, field="tags")
            setattr(entry, value, tag.name)
            session.add(entry)
            changed = True
    return changed


def _before_flush(session: Session, _context: Any, _instances: Any) -> None:
    actor = session.info.get("actor", "system")
    now = clock.now()
    with session.no_autoflush:
        for hook in session.info.get("before_flush", ()):
            hook(session, now)
        for obj in list(session.new):
            if isinstance(obj, Ticket):
                session.add(
                    AuditEntry(
                        ticket=obj,
                        at=now,
                        actor=actor,
                        action="created",
                        new_value=f"#{obj.number} {obj.subject}",
                    )
                )
            elif type(obj) in _CHILD_LABELS and obj.ticket is not None:
                session.add(
                    AuditEntry(
                        ticket=obj.ticket,
                        at=now,
                        actor=actor,
                        action=f"{_CHILD_LABELS[type(obj)]} added",
                        new_value=_child_summary(obj),
                    )
                )
                obj.ticket.updated_at = now
        for obj in list(session.dirty):
            if (
                isinstance(obj, Ticket)
                and session.is_modified(obj)
                and _audit_ticket_changes(session, obj, actor, now)
            ):
                obj.updated_at = now
        for obj in list(session.deleted):
            ticket = _ticket_of(obj)
            if type(obj) in _CHILD_LABELS and ticket is not None and ticket not in session.deleted:
                session.add(
                    AuditEntry(
                        ticket=ticket,
                        at=now,
                        actor=actor,
                        action=f"{_CHILD_LABELS[type(obj)]} removed",
                        old_value=_child_summary(obj),
                    )
                )
                ticket.updated_at = now


def _after_flush(session: Session, _context: Any) -> None:
    reindexers: list[Reindexer] = session.info.get("reindexers", [])
    touched: set[int] = set()
    for obj in [*session.new, *session.dirty, *session.deleted]:
        ticket = _ticket_of(obj)
        if ticket is not None and ticket.id is not None:
            touched.add(ticket.id)
    if touched:
        for reindexer in reindexers:
            reindexer.reindex(session.connection(), touched)


def install(
    factory: sessionmaker[Session], reindexers: list[Reindexer], hooks: SessionHooks
) -> None:
    """Attach the audit hook, the opener's hooks and the reindexers' after-flush hook to
    ``factory``'s sessions."""
    event.listen(factory, "before_flush", _before_flush)
    event.listen(factory, "after_flush", _after_flush)
    everyone = [*reindexers, *hooks.reindexers]

    @event.listens_for(factory, "after_begin")
    def _remember_hooks(session: Session, _tx: Any, _conn: Any) -> None:
        session.info.setdefault("reindexers", everyone)
        session.info.setdefault("before_flush", hooks.before_flush)


class _Collector:
    """Stands in for the reindexers while they are deferred: remembers what was touched."""

    def __init__(self) -> None:
        self.ids: set[int] = set()

    def reindex(self, conn: Connection, ticket_ids: Iterable[int]) -> None:
        self.ids.update(ticket_ids)


@contextmanager
def deferred_reindexing(session: Session) -> Iterator[None]:
    """Within the block, flushes only note the tickets they touch; when it ends the
    search index and SLA clocks of all of them are recomputed once, in the same
    transaction. A batch of many writes (a mailbox's new mail) pays the derived
    indexes once instead of once per flush; nothing is reindexed if the block raises."""
    session.connection()  # the transaction's hooks are in place from here on
    everyone: list[Reindexer] = session.info.get("reindexers", [])
    collector = _Collector()
    session.info["reindexers"] = [collector]
    try:
        yield
        session.flush()
    finally:
        session.info["reindexers"] = everyone
    if collector.ids:
        for reindexer in everyone:
            reindexer.reindex(session.connection(), collector.ids)
