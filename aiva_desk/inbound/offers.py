"""What a customer's reply seems to offer: a confirmation that the fix works (SOP step 6,
Verify Resolution) or a 1–5 satisfaction score. The mail intake marks the reply
(``Communication.offer``); nothing is recorded until an agent says so with one click.

Accepting writes the same fields, through the same ticket operations and audit, as the
editor's own "Customer confirmed…" button and satisfaction score field, and takes the
recorded part off the reply in the same transaction; dismissing only takes it off.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from contextlib import nullcontext
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from aiva_desk.domain import Direction
from aiva_desk.errors import AivaError, NotFoundError
from aiva_desk.store.database import Database
from aiva_desk.store.models import Communication, Ticket
from aiva_desk.tickets.editable_fields import coerce_field
from aiva_desk.tickets.service import TicketService

CONFIRMED = "confirmed"
SCORE = "score"
BOTH = "all"
WHAT = (CONFIRMED, SCORE, BOTH)
EXCERPT_LIMIT = 160
_SCORE_TOKEN = re.compile(r"^score:([1-5])$")
_SENTENCE = re.compile(r"[^.!?\n]+[.!?]*")
_CONFIRMING = re.compile(
    r"\b(fixed|works?|working|solved|resolved|sorted|good now|fine now|all good|thank)",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Offer:
    """One reply's pending offer: what it seems to say, and the words that said it.

    ``confirmed`` is False when the ticket is confirmed already; ``score`` is None when
    the same score is recorded already (nothing new to record there)."""

    communication_id: int
    ticket_id: int
    at: dt.datetime
    confirmed: bool
    score: int | None
    excerpt: str


def parse_offer(text: str) -> tuple[bool, int | None]:
    """The offer column's tokens: ("confirmed" in it, the score of "score:N" or None).
    Unknown tokens are ignored, so a newer intake cannot break an older reader."""
    confirmed, score = False, None
    for token in (text or "").split():
        if token == CONFIRMED:
            confirmed = True
        elif match := _SCORE_TOKEN.match(token):
            score = int(match[1])
    return confirmed, score


def _tokens(confirmed: bool, score: int | None) -> str:
    return " ".join([CONFIRMED] * confirmed + ([f"score:{score}"] if score else []))


def excerpt(body: str, *, confirmed: bool, score: int | None) -> str:
    """The customer's words that most likely made the offer, short, for the agent to
    judge it by: the sentence that sounds like a confirmation and the one naming the
    score (else the reply's first words)."""
    sentences = [" ".join(s.split()) for s in _SENTENCE.findall(body or "") if s.strip()]
    chosen: list[str] = []
    if confirmed:
        chosen += [s for s in sentences if _CONFIRMING.search(s)][:1]
    if score is not None:
        named = [s for s in sentences if re.search(rf"(?<!\d){score}(?!\d)", s)][:1]
        chosen += [s for s in named if s not in chosen]
    text = " … ".join(chosen or sentences[:1])
    if len(text) > EXCERPT_LIMIT:
        text = text[: EXCERPT_LIMIT - 1].rstrip() + "…"
    return text


def _read(session_or_db: Session | Database) -> Session | nullcontext[Session]:
    if isinstance(session_or_db, Database):
        return session_or_db.read_session()
    return nullcontext(session_or_db)


def pending_offers(session_or_db: Session | Database, ticket_id: int) -> list[Offer]:
    """The ticket's replies whose offer still says something new, newest first."""
    with _read(session_or_db) as session:
        ticket = session.get(Ticket, ticket_id)
        if ticket is None:
            return []
        rows: Iterable[Communication] = session.scalars(
            select(Communication)
            .where(
                Communication.ticket_id == ticket_id,
                Communication.offer != "",
                Communication.direction == Direction.INBOUND,
                Communication.draft.is_(False),
            )
            .order_by(Communication.at.desc(), Communication.id.desc())
        ).all()
        offers = []
        for row in rows:
            confirmed, score = parse_offer(row.offer)
            confirmed = confirmed and ticket.customer_confirmed_at is None
            score = score if score != ticket.satisfaction_score else None
            if confirmed or score is not None:
                words = excerpt(row.body, confirmed=confirmed, score=score)
                offers.append(Offer(row.id, ticket_id, row.at, confirmed, score, words))
        return offers


def _ticket_of(service: TicketService, communication_id: int) -> int:
    with service.db.read_session() as session:
        ticket_id = session.scalar(
            select(Communication.ticket_id).where(Communication.id == communication_id)
        )
    if ticket_id is None:
        raise NotFoundError("That message is no longer in the ticket's log.")
    return ticket_id


def accept_offer(service: TicketService, communication_id: int, *, what: str) -> None:
    """Record what the reply offers — ``what``: "confirmed", "score" or "all" — and take
    it off the reply, in one transaction; any other part stays offered. Refused when the
    part is no longer offered (recorded or dismissed meanwhile)."""
    if what not in WHAT:
        raise ValueError(f"what must be one of {WHAT}, not {what!r}")
    ticket_id = _ticket_of(service, communication_id)

    def change(session: Session, ticket: Ticket) -> None:
        message = session.get(Communication, communication_id)
        assert message is not None and message.ticket_id == ticket.id
        confirmed, score = parse_offer(message.offer)
        take_confirmed = confirmed and what in (CONFIRMED, BOTH)
        take_score = score if what in (SCORE, BOTH) else None
        if not (take_confirmed or take_score):
            raise AivaError(
                "The reply no longer offers that: it was recorded or dismissed meanwhile."
            )
        if take_confirmed and ticket.customer_confirmed_at is None:  # the first one stands
            words = excerpt(message.body, confirmed=True, score=None)
            when = message.at.astimezone().strftime("%d %b %Y")
            how = f"Replied by e-mail on {when}" + (f": “{words}”" if words else "")
            service.mark_confirmed(ticket, how)
        if take_score:
            ticket.satisfaction_score = coerce_field("satisfaction_score", take_score)
        message.offer = _tokens(confirmed and not take_confirmed, None if take_score else score)

    service.write_ticket(ticket_id, None, change)


def dismiss_offer(service: TicketService, communication_id: int) -> None:
    """The agent judged the reply offers nothing to record: take the offer off it."""
    with service.db.session(service.actor) as session:
        message = session.get(Communication, communication_id)
        if message is None:
            raise NotFoundError("That message is no longer in the ticket's log.")
        message.offer = ""
