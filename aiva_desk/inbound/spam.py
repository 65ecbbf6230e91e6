"""Blocked senders and the mail kept from them: block, unblock, list, and "Not spam".

Mail from a blocked address (or ``@domain``) is kept as a :class:`SpamMail` row with its
original in the attachment store, never deleted: an agent who blocked someone by mistake
can take every message in after all (:func:`release_spam`), as a ticket or a reply, as
if it had just arrived. Our own sending addresses cannot be blocked: a reply to our own
message would vanish into Spam unseen.

Every block, unblock and release is written to the audit trail in the same transaction.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from email.utils import parseaddr

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from aiva_desk import clock
from aiva_desk.errors import AivaError, NotFoundError
from aiva_desk.inbound.blocked import block_key, blocked_entry
from aiva_desk.inbound.intake import Intake, MailIntake
from aiva_desk.inbound.message import read_mail
from aiva_desk.store.database import Database
from aiva_desk.store.inbound_models import BlockedSender, Mailbox, SpamMail
from aiva_desk.store.mail_models import MailAccount
from aiva_desk.store.models import AuditEntry, Communication, Ticket
from aiva_desk.tickets.attachments import AttachmentStore
from aiva_desk.validation import email_problem

# Domains shared by millions of unrelated people: blocking one blocks strangers too.
FREE_MAIL_DOMAINS = frozenset(
    {
        "aol.com",
        "gmail.com",
        "googlemail.com",
        "gmx.com",
        "gmx.de",
        "gmx.net",
        "hotmail.com",
        "icloud.com",
        "live.com",
        "mac.com",
        "mail.com",
        "mail.ru",
        "me.com",
        "msn.com",
        "outlook.com",
        "proton.me",
        "protonmail.com",
        "qq.com",
        "web.de",
        "yahoo.com",
        "yandex.ru",
        "zoho.com",
    }
)
MAX_REASON = 500


class BlockError(AivaError):
    """An address or domain that cannot be blocked (or unblocked) as asked."""

    title = "Sender not blocked"


class ReleaseError(AivaError):
    """A kept message that cannot be taken in (again)."""

    title = "Not taken in"


@dataclass(frozen=True)
class BlockedItem:
    """A blocked address or ``@domain``, detached (safe to hand to the GUI thread)."""

    address: str
    blocked_at: dt.datetime
    blocked_by: str
    reason: str
    kept: int  # messages kept from it that were not taken in

    @property
    def is_domain(self) -> bool:
        return self.address.startswith("@")


@dataclass(frozen=True)
class SpamItem:
    """A kept message, detached. ``blocked_by`` is the entry that blocks its sender
    now (the address or its ``@domain``), "" once nothing does."""

    id: int
    received_at: dt.datetime
    written_at: dt.datetime | None
    sender: str
    sender_name: str
    subject: str
    size: int
    original_sha256: str
    released_at: dt.datetime | None
    released_by: str
    ticket_id: int | None
    ticket_number: int | None
    blocked_by: str

    @property
    def released(self) -> bool:
        return self.released_at is not None


def domain_of(address: str) -> str:
    """``example.com`` of ``ann@example.com`` (lower case), "" when there is none."""
    local, at, domain = block_key(address).rpartition("@")
    return domain if at and local else ""


def can_block_domain(address: str) -> bool:
    """Whether blocking the whole domain of ``address`` makes sense: not a free-mail one."""
    domain = domain_of(address)
    return bool(domain) and domain not in FREE_MAIL_DOMAINS


def own_addresses(session: Session) -> set[str]:
    """Our own addresses (SMTP accounts' From, Reply-To and login; IMAP logins)."""
    found: set[str] = set()
    for row in session.execute(
        select(MailAccount.from_address, MailAccount.reply_to, MailAccount.username)
    ):
        found.update(row)
    found.update(session.scalars(select(Mailbox.username)))
    return {block_key(a) for a in found if a and "@" in a and not email_problem(a)}


def blocking_key(text: str) -> str:
    """``text`` as it is stored when blocked: an address or ``@domain``, lower case;
    :class:`BlockError` (one line) for anything else."""
    text = text.strip()
    if "<" in text:  # "Ann Lee <ann@example.com>", as copied from a mail client
        text = parseaddr(text)[1] or text
    key = block_key(text)
    if not key:
        raise BlockError("Enter an e-mail address, or a whole domain as @example.com.")
    if key.startswith("@"):
        if email_problem("postmaster" + key):
            raise BlockError(f"“{key}” is not a domain: write it as @example.com.")
        return key
    if "@" not in key:
        raise BlockError(f"“{key}” is neither an address nor a domain: write name@{key} or @{key}.")
    if problem := email_problem(key):
        raise BlockError(problem)
    return key


def block_sender(db: Database, address_or_domain: str, *, actor: str, reason: str = "") -> str:
    """Send future mail from an address (or, written ``@domain``, a whole domain) to Spam;
    return the stored key. Blocking what is already blocked changes nothing. Our own
    addresses, and a domain one of them is in, are refused."""
    key = blocking_key(address_or_domain)
    with db.session(actor) as session:
        own = sorted(own_addresses(session))
        if key in own:
            raise BlockError(f"{key} is one of our own mail addresses: it cannot be blocked.")
        if key.startswith("@") and (ours := next((a for a in own if a.endswith(key)), None)):
            raise BlockError(
                f"{key} is the domain of our own address {ours}: it cannot be blocked."
            )
        if session.scalar(select(BlockedSender.id).where(BlockedSender.address == key)):
            return key
        reason = " ".join(reason.split())[:MAX_REASON]
        session.add(
            BlockedSender(address=key, blocked_by=actor, reason=reason, blocked_at=clock.now())
        )
        _audit(session, actor, "sender blocked", key, new=reason or None)
    return key


def unblock_sender(db: Database, address: str, *, actor: str = "system") -> bool:
    """Let mail from ``address`` (or ``@domain``, as listed) reach the queue again;
    False when it was not blocked. Mail already kept stays in Spam until released."""
    key = block_key(address)
    with db.session(actor) as session:
        entry = session.scalars(select(BlockedSender).where(BlockedSender.address == key)).first()
        if entry is None:
            return False
        session.delete(entry)
        _audit(session, actor, "sender unblocked", key)
    return True


def blocked_by(db: Database, address: str) -> str | None:
    """The entry that blocks mail from ``address`` (itself or its ``@domain``), or None."""
    with db.read_session() as session:
        entry = blocked_entry(session, address)
        return entry.address if entry is not None else None


def list_blocked(db: Database) -> list[BlockedItem]:
    """Every blocked address and domain, in alphabetical order, with its kept mail."""
    with db.read_session() as session:
        rows = session.scalars(select(BlockedSender).order_by(BlockedSender.address)).all()
        kept: dict[str, int] = {}
        for sender, count in session.execute(
            select(SpamMail.sender, func.count())
            .where(SpamMail.released_at.is_(None))
            .group_by(SpamMail.sender)
        ):
            sender = block_key(sender)
            kept[sender] = kept.get(sender, 0) + count
            domain = "@" + domain_of(sender)
            kept[domain] = kept.get(domain, 0) + count
        return [
            BlockedItem(r.address, r.blocked_at, r.blocked_by, r.reason, kept.get(r.address, 0))
            for r in rows
        ]


def list_spam(db: Database, *, include_released: bool = False) -> list[SpamItem]:
    """The kept messages, newest first (those taken in since, too, if asked)."""
    query = (
        select(SpamMail, Ticket.number)
        .outerjoin(Ticket, Ticket.id == SpamMail.ticket_id)
        .order_by(SpamMail.received_at.desc(), SpamMail.id.desc())
    )
    if not include_released:
        query = query.where(SpamMail.released_at.is_(None))
    with db.read_session() as session:
        blocked = set(session.scalars(select(BlockedSender.address)))
        items = []
        for row, number in session.execute(query):
            sender = block_key(row.sender)
            domain = "@" + domain_of(sender)
            entry = sender if sender in blocked else (domain if domain in blocked else "")
            items.append(
                SpamItem(
                    id=row.id,
                    received_at=row.received_at,
                    written_at=row.written_at,
                    sender=row.sender,
                    sender_name=row.sender_name,
                    subject=row.subject,
                    size=row.size,
                    original_sha256=row.original_sha256,
                    released_at=row.released_at,
                    released_by=row.released_by,
                    ticket_id=row.ticket_id,
                    ticket_number=number,
                    blocked_by=entry,
                )
            )
        return items


def spam_original(db: Database, attachments: AttachmentStore, spam_id: int) -> bytes:
    """The kept message's bytes exactly as they arrived."""
    with db.read_session() as session:
        row = session.get(SpamMail, spam_id)
        if row is None:
            raise NotFoundError(f"The kept message {spam_id} no longer exists.")
        sha, sender = row.original_sha256, row.sender
    try:
        return attachments.path_for(sha).read_bytes()
    except OSError as exc:
        raise AivaError(
            f"The original of the message from {sender or 'an unknown sender'} cannot be "
            f"read from the attachments folder: {exc.strerror or exc}."
        ) from exc


def release_spam(intake: MailIntake, spam_id: int, *, actor: str) -> Intake:
    """ "Not spam": take the kept message in as if it had just arrived (a new ticket, or a
    reply on its ticket) and mark it released. Its sender stays blocked; releasing twice
    is refused. Should the app stop between the two steps, releasing again finds the
    message already taken in and only marks it."""
    db = intake.service.db
    with db.read_session() as session:
        row = session.get(SpamMail, spam_id)
        if row is None:
            raise NotFoundError(f"The kept message {spam_id} no longer exists.")
        _refuse_released(row)
        received_at = row.received_at
    raw = spam_original(db, intake.attachments, spam_id)
    taken = intake.take(read_mail(raw, received_at), allow_blocked=True)
    with db.session(actor) as session:
        row = session.get(SpamMail, spam_id)
        if row is None:
            raise NotFoundError(f"The kept message {spam_id} no longer exists.")
        if taken.kind == "duplicate":  # taken in before: find where it went
            ticket_id = session.scalar(
                select(Communication.ticket_id)
                .where(Communication.original_sha256 == row.original_sha256)
                .limit(1)
            )
            number = session.scalar(select(Ticket.number).where(Ticket.id == ticket_id))
            taken = Intake("duplicate", ticket_id, number, "it had been taken in already")
        _refuse_released(row)
        row.released_at, row.released_by, row.ticket_id = clock.now(), actor, taken.ticket_id
        _audit(session, actor, "spam released", row.sender, new=row.subject, ticket=taken.ticket_id)
    return taken


def _refuse_released(row: SpamMail) -> None:
    if row.released_at is None:
        return
    who = f" by {row.released_by}" if row.released_by else ""
    when = row.released_at.strftime("%Y-%m-%d %H:%M UTC")
    raise ReleaseError(
        f"The message “{row.subject or '(no subject)'}” was already taken in on {when}{who}."
    )


def _audit(
    session: Session,
    actor: str,
    action: str,
    field: str,
    *,
    new: str | None = None,
    ticket: int | None = None,
) -> None:
    session.add(
        AuditEntry(
            ticket_id=ticket,
            at=clock.now(),
            actor=actor,
            action=action,
            field=field[:60],
            new_value=new,
        )
    )
