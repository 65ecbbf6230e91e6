"""Filing a received message on a ticket: its communication log entry (the customer's
words apart from the folded history), its attachments, a note when something about it
needs a look; and what a person's reply does to the ticket.

A reply to a ticket waiting on the customer resumes its clock ("Customer replied"); a
reply to a closed ticket reopens it. "URGENT" in a customer's reply raises the ticket's
priority one level, once. Mail a machine sent is logged like any other, and never moves
a ticket along.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from aiva_desk import clock
from aiva_desk.domain import Direction, Priority, TicketStatus
from aiva_desk.inbound.category_guess import URGENT
from aiva_desk.inbound.message import InboundMail
from aiva_desk.inbound.reply_text import ReplyParts
from aiva_desk.store.models import Attachment, Communication, InternalNote, Ticket
from aiva_desk.tickets.attachments import StoredFile
from aiva_desk.tickets.service import TicketService
from aiva_desk.tickets.workflow import Action

URGENT_TAG = "urgent"
URGENT_NOTE = "URGENT: "  # starts the part of an Intake's note that says what URGENT did
CUSTOMER_MAIL = "Customer e-mail"
DELIVERY_FAILURE = "Delivery failure"


def log_mail(
    session: Session,
    ticket: Ticket,
    mail: InboundMail,
    parts: ReplyParts,
    original: StoredFile,
    files: list[StoredFile],
    problems: list[str],
    *,
    kind: str = CUSTOMER_MAIL,
    body: str | None = None,
    offer: str = "",
) -> Communication:
    """Log ``mail`` on ``ticket`` with its attachments, and a note listing ``problems``."""
    folded = "\n\n".join(p for p in (parts.signature, parts.quoted, mail.quoted_html) if p)
    problems = [*mail.problems, *problems]
    if mail.machine:
        problems.insert(0, f"This is {mail.machine}; nothing was answered automatically.")
    entry = Communication(
        ticket=ticket,
        direction=Direction.INBOUND,
        kind=kind,
        subject=mail.subject[:300],
        body=body if body is not None else (parts.text or mail.text),
        quoted=folded,
        sender=mail.from_address,
        recipients=", ".join(mail.to),
        message_id=mail.message_id,
        original_sha256=original.sha256,
        at=mail.written_at,
        offer=offer,
    )
    session.add(entry)
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
        note = "The received e-mail needs a look:\n" + "\n".join(f"- {p}" for p in problems)
        add_note(session, ticket, note)
    return entry


def add_note(session: Session, ticket: Ticket, body: str) -> None:
    session.add(InternalNote(ticket=ticket, body=body, at=clock.now()))


def moves(ticket: Ticket, mail: InboundMail, parts: ReplyParts, *, reopen: bool = True) -> bool:
    """Whether :func:`move_along` changes ``ticket`` (a batch stores what it holds of the
    ticket first, so the change is audited on its own)."""
    if mail.machine:
        return False
    if ticket.status is TicketStatus.WAITING_ON_CUSTOMER:
        return True
    if ticket.status is TicketStatus.CLOSED:
        return reopen
    return _urgent_unheard(ticket, mail, parts)


def _urgent_unheard(ticket: Ticket, mail: InboundMail, parts: ReplyParts) -> bool:
    """Whether the reply says URGENT and the ticket has not heard it (its tag) before."""
    if not URGENT.search(f"{mail.subject}\n{parts.text}"):
        return False
    return all(tag.name != URGENT_TAG for tag in ticket.tags)


def move_along(
    service: TicketService,
    session: Session,
    ticket: Ticket,
    mail: InboundMail,
    parts: ReplyParts,
    *,
    reopen: bool = True,
) -> str:
    """What the customer's reply does to the ticket (nothing when a machine sent it);
    ``reopen=False`` leaves a closed ticket closed (feedback on a finished request)."""
    if mail.machine:
        return f"logged only: {mail.machine}"
    now, notes = clock.now(), []
    if ticket.status is TicketStatus.WAITING_ON_CUSTOMER:
        service.workflow.apply(ticket, Action.CUSTOMER_REPLIED, now)
        notes.append("the customer replied: the clock runs again")
    elif ticket.status is TicketStatus.CLOSED:
        if not reopen:
            return "feedback on a closed ticket: logged, not reopened"
        service.workflow.apply(ticket, Action.REOPEN, now)
        notes.append("reopened")
    if _urgent_unheard(ticket, mail, parts):
        ticket.tags.append(service.tag(session, URGENT_TAG))
        if ticket.priority is not None and ticket.priority > Priority.P1:
            ticket.priority = Priority(ticket.priority - 1)
            notes.append(f"{URGENT_NOTE}priority raised to {ticket.priority.name}")
        else:
            highest = ticket.priority is Priority.P1
            notes.append(URGENT_NOTE + ("already the highest priority" if highest else "triage it"))
    return "; ".join(notes)
