"""A received mail into the help desk: a new request becomes a ticket, a reply lands on
its ticket, each exactly once, in one transaction with its attachments and original.

A reply is matched by its In-Reply-To and References to the Message-IDs of the ticket's
messages, else by ``Ticket #NUMBER`` in its subject, never by subject text alone. A
reply to a ticket waiting on the customer resumes its clock ("Customer replied"); a reply
to a closed ticket reopens it, or, once it has been closed longer than ``reopen_days``,
opens a new ticket that names the old one. "URGENT" in a customer's reply raises the
ticket's priority one level, once. Mail a machine sent is logged like any other, and
never moves a ticket along.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session

from aiva_desk import clock
from aiva_desk.domain import Direction, Priority, TicketStatus
from aiva_desk.errors import AivaError, AttachmentError
from aiva_desk.inbound.message import InboundMail
from aiva_desk.inbound.reply_text import ReplyParts, split_reply
from aiva_desk.store.mail_models import OutboxMessage
from aiva_desk.store.models import (
    Attachment,
    Category,
    Communication,
    InternalNote,
    Ticket,
)
from aiva_desk.tickets.attachments import AttachmentStore, StoredFile
from aiva_desk.tickets.service import NewTicket, TicketService
from aiva_desk.tickets.workflow import Action
from aiva_desk.validation import email_problem

UNKNOWN_SENDER = "unknown-sender@unknown.example"
FALLBACK_CATEGORY = "General Question"
DEFAULT_REOPEN_DAYS = 14
URGENT_TAG = "urgent"
_TICKET_NUMBER = re.compile(r"\bticket\s*#\s*(\d+)\b", re.IGNORECASE)
_URGENT = re.compile(r"\burgent\b", re.IGNORECASE)


@dataclass(frozen=True)
class Intake:
    """What became of one message: ``kind`` is "new ticket", "reply" or "duplicate"."""

    kind: str
    ticket_id: int | None
    number: int | None
    note: str = ""


class MailIntake:
    """Takes received mail into the tickets of ``service`` (one message per transaction)."""

    def __init__(self, service: TicketService, *, reopen_days: int = DEFAULT_REOPEN_DAYS) -> None:
        if service.attachments is None:
            raise AivaError("Mail cannot be taken in without the data folder's attachments.")
        self.service = service
        self.attachments: AttachmentStore = service.attachments
        self.reopen_days = reopen_days

    def take_all(self, mails: Iterable[InboundMail]) -> list[Intake]:
        """Take in each of ``mails``; when this returns, every one of them is stored."""
        return [self.take(mail) for mail in mails]

    def take(self, mail: InboundMail, *, allow_blocked: bool = False) -> Intake:
        """Take in one message. ``allow_blocked`` takes in mail from a blocked sender
        too (the Spam view's "Not spam")."""
        original = self.attachments.add_bytes("original.eml", mail.raw)
        parts = split_reply(mail.text)
        files, refused = self._store_attachments(mail)
        with self.service.db.session(self.service.actor) as session, session.no_autoflush:
            if _taken_in(session, Communication.original_sha256 == original.sha256):
                return Intake("duplicate", None, None, "the same message was taken in before")
            copy_of = mail.message_id and _taken_in(
                session, Communication.message_id == mail.message_id
            )
            if copy_of:  # the same Message-ID with other bytes: kept, beside the first copy
                ticket = session.get(Ticket, copy_of)
                assert ticket is not None
                problem = "Another copy of a message already in the log (same Message-ID)."
                self._log(session, ticket, mail, parts, original, files, [*refused, problem])
                return Intake("reply", ticket.id, ticket.number, "another copy")
            ticket, follows = _ticket_replied_to(session, mail), None
            if ticket is not None and ticket.status is TicketStatus.CLOSED:
                closed_at = ticket.closed_at or clock.now()
                if clock.now() - closed_at > dt.timedelta(days=self.reopen_days):
                    follows = ticket
                    ticket = None
            if ticket is None:
                return self._new_ticket(session, mail, parts, original, files, refused, follows)
            self._log(session, ticket, mail, parts, original, files, refused)
            note = self._move_along(session, ticket, mail, parts)
            return Intake("reply", ticket.id, ticket.number, note)

    # -- the parts -------------------------------------------------------------------------

    def _store_attachments(self, mail: InboundMail) -> tuple[list[StoredFile], list[str]]:
        files, refused = [], []
        for attachment in mail.attachments:
            try:
                files.append(self.attachments.add_bytes(attachment.filename, attachment.data))
            except AttachmentError as exc:
                refused.append(exc.message)
        return files, refused

    def _new_ticket(
        self,
        session: Session,
        mail: InboundMail,
        parts: ReplyParts,
        original: StoredFile,
        files: list[StoredFile],
        refused: list[str],
        follows: Ticket | None,
    ) -> Intake:
        address = mail.from_address if not email_problem(mail.from_address) else UNKNOWN_SENDER
        name = mail.from_name or (mail.from_address.split("@")[0] if mail.from_address else "")
        new = NewTicket(
            subject=mail.subject.strip() or "(no subject)",
            customer_name=name or "Unknown sender",
            customer_email=address,
            category_id=_guess_category(session, mail).id,
            description=parts.reply or mail.text or "(The message had no text; see the original.)",
            reported_at=mail.written_at,
        )
        ticket = self.service.insert(session, new)
        ticket.category_guessed = True
        self._log(session, ticket, mail, parts, original, files, refused)
        note = ""
        if follows is not None:
            note = f"follows #{follows.number}, closed more than {self.reopen_days} days ago"
            session.add(
                InternalNote(ticket=ticket, body=f"A new request that {note}.", at=clock.now())
            )
        session.flush()
        return Intake("new ticket", ticket.id, ticket.number, note)

    def _log(
        self,
        session: Session,
        ticket: Ticket,
        mail: InboundMail,
        parts: ReplyParts,
        original: StoredFile,
        files: list[StoredFile],
        refused: list[str],
    ) -> None:
        folded = "\n\n".join(p for p in (parts.signature, parts.quoted, mail.quoted_html) if p)
        problems = [*mail.problems, *refused]
        if mail.machine:
            problems.insert(0, f"This is {mail.machine}; nothing was answered automatically.")
        session.add(
            Communication(
                ticket=ticket,
                direction=Direction.INBOUND,
                kind="Customer e-mail",
                subject=mail.subject[:300],
                body=parts.text or mail.text,
                quoted=folded,
                sender=mail.from_address,
                recipients=", ".join(mail.to),
                message_id=mail.message_id,
                original_sha256=original.sha256,
                at=mail.written_at,
            )
        )
        for stored in files:
            session.add(
                Attachment(
                    ticket=ticket,
                    filename=stored.filename,
                    sha256=stored.sha256,
                    size=stored.size,
                    mime_type=stored.mime_type,
                )
            )
        if problems:
            body = "The received e-mail needs a look:\n" + "\n".join(f"- {p}" for p in problems)
            session.add(InternalNote(ticket=ticket, body=body, at=clock.now()))

    def _move_along(
        self, session: Session, ticket: Ticket, mail: InboundMail, parts: ReplyParts
    ) -> str:
        """What the customer's reply does to the ticket (nothing when a machine sent it)."""
        if mail.machine:
            return f"logged only: {mail.machine}"
        now, notes = clock.now(), []
        workflow = self.service.workflow
        if ticket.status is TicketStatus.WAITING_ON_CUSTOMER:
            workflow.apply(ticket, Action.CUSTOMER_REPLIED, now)
            notes.append("the customer replied: the clock runs again")
        elif ticket.status is TicketStatus.CLOSED:
            workflow.apply(ticket, Action.REOPEN, now)
            notes.append("reopened")
        own_words = parts.text
        tags = {tag.name for tag in ticket.tags}
        if _URGENT.search(f"{mail.subject}\n{own_words}") and URGENT_TAG not in tags:
            ticket.tags.append(self.service.tag(session, URGENT_TAG))
            if ticket.priority is not None and ticket.priority > Priority.P1:
                ticket.priority = Priority(ticket.priority - 1)
                notes.append(f"URGENT: priority raised to {ticket.priority.name}")
        return "; ".join(notes)


def _taken_in(session: Session, same: ColumnElement[bool]) -> int | None:
    """The ticket whose log already holds a message like this one."""
    return session.scalar(select(Communication.ticket_id).where(same).limit(1))


def _ticket_replied_to(session: Session, mail: InboundMail) -> Ticket | None:
    if mail.refers_to:
        ids = list(mail.refers_to)
        for query in (
            select(Communication.ticket_id).where(Communication.message_id.in_(ids)),
            select(OutboxMessage.ticket_id).where(OutboxMessage.message_id.in_(ids)),
        ):
            ticket_id = session.scalars(query.limit(1)).first()
            if ticket_id is not None:
                return session.get(Ticket, ticket_id)
    match = _TICKET_NUMBER.search(mail.subject)
    if match is None:
        return None
    ticket = session.scalars(select(Ticket).where(Ticket.number == int(match[1]))).first()
    # A number in a subject is easy to copy: it only counts from the ticket's customer.
    if ticket is not None and ticket.customer.email == mail.from_address:
        return ticket
    return None


def _guess_category(session: Session, mail: InboundMail) -> Category:
    """The first active category whose name the mail's subject or text uses, else
    General Question: a guess, shown as such until triage."""
    categories = session.scalars(
        select(Category).where(Category.active.is_(True)).order_by(Category.sort_order)
    ).all()
    words = f"{mail.subject}\n{mail.text}".casefold()
    for category in categories:
        name = category.name.casefold()
        if name != FALLBACK_CATEGORY.casefold() and re.search(rf"\b{re.escape(name)}\b", words):
            return category
    fallback = next((c for c in categories if c.name == FALLBACK_CATEGORY), None)
    return fallback or categories[0]
