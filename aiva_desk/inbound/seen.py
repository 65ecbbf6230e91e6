"""What a batch of received mail already has in the database, asked once for the batch:
which originals were taken in (as a ticket's mail or as spam), which Message-IDs are
logged on which ticket, and which are our own. Each message the batch stores is added
as it is taken in, so the same message twice in one batch is still taken in once; its
ticket is remembered as an object, since a batch stored at once has no ids until its
flush.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import InstrumentedAttribute, Session

from aiva_desk.domain import Direction
from aiva_desk.store.inbound_models import SpamMail
from aiva_desk.store.mail_models import OutboxMessage
from aiva_desk.store.models import Communication, Ticket

CHUNK = 500  # values per IN (…) list


def _chunks(values: Iterable[str]) -> Iterator[list[str]]:
    ordered = sorted(set(values))
    for start in range(0, len(ordered), CHUNK):
        yield ordered[start : start + CHUNK]


class Seen:
    """The stored originals and Message-IDs among ``shas`` and ``message_ids``."""

    def __init__(self, session: Session, shas: Iterable[str], message_ids: Iterable[str]) -> None:
        shas, message_ids = set(shas), set(message_ids)
        self.taken: set[str] = self._present(session, Communication.original_sha256, shas)
        self.spam: set[str] = self._present(session, SpamMail.original_sha256, shas)
        self.ours: set[str] = self._present(session, OutboxMessage.message_id, message_ids)
        self.logged: dict[str, int] = {}  # Message-ID → the ticket whose log has it inbound
        self.pending: dict[str, Ticket] = {}  # the same, for the messages of this batch
        for chunk in _chunks(message_ids):
            rows = session.execute(
                select(Communication.message_id, Communication.ticket_id, Communication.direction)
                .where(Communication.message_id.in_(chunk))
                .order_by(Communication.id)
            )
            for message_id, ticket_id, direction in rows:
                if direction is Direction.OUTBOUND:
                    self.ours.add(message_id)
                else:
                    self.logged.setdefault(message_id, ticket_id)

    @staticmethod
    def _present(
        session: Session, column: InstrumentedAttribute[Any], values: set[str]
    ) -> set[str]:
        found: set[str] = set()
        for chunk in _chunks(values):
            found.update(session.scalars(select(column).where(column.in_(chunk)).distinct()))
        return found

    def remember_logged(self, sha: str, message_id: str | None, ticket: Ticket) -> None:
        """A message this batch logged on ``ticket`` (once it is taken in)."""
        self.taken.add(sha)
        if message_id and message_id not in self.logged:
            self.pending.setdefault(message_id, ticket)

    def ticket_logging(self, session: Session, message_id: str | None) -> Ticket | None:
        """The ticket whose log already has ``message_id`` inbound (stored or this batch's)."""
        if not message_id:
            return None
        if message_id in self.logged:
            return session.get(Ticket, self.logged[message_id])
        return self.pending.get(message_id)

    def remember_spam(self, sha: str) -> None:
        self.spam.add(sha)
