"""A received mail into the help desk: a new request becomes a ticket, a reply lands on
its ticket, each exactly once, with its attachments and original.

A batch of messages is one transaction: a message that cannot be stored rolls back
alone and is reported ("failed"), the others commit together, and the search index and
SLA clocks of the tickets they touched are recomputed once for the batch. The batch is
first stored at once, flushed once (a savepoint and a flush per message cost more than
the rest of the work); only when that raises is it rolled back and taken in again with
a savepoint per message, so the failing message is the only one left out. What becomes
of each message, in this order:

* the same bytes taken in before (as a ticket's mail or as spam): "duplicate";
* our own message come back (its Message-ID is one we gave): "ignored";
* from a blocked sender (unless ``allow_blocked``): kept for the Spam view, "spam";
* a delivery report: logged on the ticket whose message bounced, which the outbox
  marks failed ("bounce"); one for no message of ours opens no ticket: "ignored", its
  original kept in the attachment store and its digest in the log;
* a reply (see :mod:`~aiva_desk.inbound.threads`): logged on its ticket ("reply"); a
  reply to a ticket closed longer than ``reopen_days`` opens a new ticket naming the old
  one, except feedback on our Resolution Confirmation, which stays with it;
* anything else: a new ticket ("new ticket"), its category and priority guessed
  (:mod:`~aiva_desk.inbound.category_guess`) and, when an ``acknowledge`` callable was
  given, the SOP's acknowledgment queued after the commit
  (:mod:`~aiva_desk.inbound.acknowledgments`).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property, lru_cache

from sqlalchemy import exc as sa_exc
from sqlalchemy import select
from sqlalchemy.orm import Session

from aiva_desk import clock
from aiva_desk.domain import TicketStatus
from aiva_desk.errors import AivaError, AttachmentError
from aiva_desk.inbound import acknowledgments as acks
from aiva_desk.inbound.blocked import block_keys
from aiva_desk.inbound.bounces import (
    Bounce,
    bounce_note,
    fail_outbox_row,
    match_bounce,
    read_bounce,
)
from aiva_desk.inbound.category_guess import CategoryGuesser
from aiva_desk.inbound.filing import (
    DELIVERY_FAILURE,
    URGENT_NOTE,
    URGENT_TAG,
    add_note,
    log_mail,
    move_along,
    moves,
)
from aiva_desk.inbound.message import InboundMail
from aiva_desk.inbound.offers_detect import (
    ASKS_FOR_CONFIRMATION,
    AWAITING,
    detect_offer,
    sounds_unresolved,
)
from aiva_desk.inbound.reply_text import ReplyParts, split_reply
from aiva_desk.inbound.seen import Seen
from aiva_desk.inbound.threads import Referenced, ticket_replied_to
from aiva_desk.sla.settings_store import PolicySet, load_policy_set
from aiva_desk.store.audit import deferred_reindexing
from aiva_desk.store.inbound_models import AutoReply, BlockedSender, SpamMail
from aiva_desk.store.models import Customer, Ticket
from aiva_desk.tickets.attachments import (
    MB,
    MESSAGE_ATTACHMENTS_MAX,
    AttachmentStore,
    StoredFile,
)
from aiva_desk.tickets.service import NewTicket, TicketService
from aiva_desk.validation import email_problem, normalize_email

log = logging.getLogger(__name__)

UNKNOWN_SENDER = "unknown-sender@unknown.example"
DEFAULT_REOPEN_DAYS = 14
ORIGINAL_NAME = "original.eml"
# The original .eml is kept up to this size, like any one stored file: a bigger message's
# headers and text (which come first) are kept, its encoded attachments beyond are cut.
ORIGINAL_MAX = MESSAGE_ATTACHMENTS_MAX


@lru_cache(maxsize=4096)
def _readable(address: str) -> bool:
    """Whether a new ticket can use ``address`` (checking one costs; senders repeat)."""
    return not email_problem(address)


def _normalized(address: str) -> str:
    try:
        return normalize_email(address)
    except ValueError:
        return ""


class _Retry(Exception):
    """A batch stored at once raised: it is taken in again, a savepoint per message."""


@dataclass(frozen=True)
class Intake:
    """What became of one message. ``kind``: "new ticket", "reply", "bounce" (logged on
    the ticket whose message bounced), "duplicate", "spam", "ignored" (stored nowhere but
    the attachment store; ``note`` says why) or "failed" (nothing stored; ``note`` says
    why: leave the message where it is)."""

    kind: str
    ticket_id: int | None
    number: int | None
    note: str = ""

    @property
    def stored(self) -> bool:
        """Whether the message is safely kept (everything but "failed")."""
        return self.kind != "failed"

    @property
    def urgent(self) -> str:
        """What the customer's "URGENT" did ("priority raised to P2"), or "" if they
        did not write it (or it had been heard before on this ticket)."""
        for part in self.note.split("; "):
            if part.startswith(URGENT_NOTE):
                return part.removeprefix(URGENT_NOTE)
        return ""


@dataclass
class _Batch:
    """What the messages of one transaction share, read once."""

    session: Session
    senders: set[str]
    seen: Seen
    now: dt.datetime = dataclasses.field(default_factory=clock.now)
    files: set[str] = dataclasses.field(default_factory=set)  # to sync before the commit
    numbered: dict[int, Ticket] = dataclasses.field(default_factory=dict)  # new tickets
    refers_to: set[str] = dataclasses.field(default_factory=set)  # the batch's references

    @cached_property
    def referenced(self) -> Referenced:
        return Referenced.read(self.session, self.refers_to)

    @cached_property
    def customers(self) -> dict[str, Customer | None]:
        """The senders' customers by normalized e-mail (None: no customer yet), read at
        once; the new tickets add theirs (see :meth:`TicketService.insert`)."""
        emails = sorted({_normalized(a) for a in self.senders if _readable(a)} - {""})
        found: dict[str, Customer | None] = dict.fromkeys(emails)
        for start in range(0, len(emails), 500):
            query = select(Customer).where(Customer.email.in_(emails[start : start + 500]))
            found.update((customer.email, customer) for customer in self.session.scalars(query))
        return found

    def replied_to(self, mail: InboundMail) -> tuple[Ticket | None, str]:
        """:func:`ticket_replied_to`, among this batch's messages and tickets too."""
        referenced = self.referenced if mail.refers_to else None
        return ticket_replied_to(self.session, mail, self.seen.pending, self.numbered, referenced)

    @cached_property
    def guesser(self) -> CategoryGuesser:
        return CategoryGuesser(self.session)

    @cached_property
    def policies(self) -> PolicySet:
        return load_policy_set(self.session.connection())

    @cached_property
    def own(self) -> frozenset[str]:
        return acks.own_addresses(self.session)

    @cached_property
    def rate(self) -> acks.RateLimit:
        return acks.RateLimit(self.now)

    @cached_property
    def _blocked(self) -> set[str]:
        keys = sorted({key for a in self.senders for key in block_keys(a)})
        found: set[str] = set()
        for start in range(0, len(keys), 500):
            query = select(BlockedSender.address).where(
                BlockedSender.address.in_(keys[start : start + 500])
            )
            found.update(self.session.scalars(query))
        return found

    def blocked(self, address: str) -> str | None:
        """The entry (address or ``@domain``) that blocks ``address``, if any."""
        return next((key for key in block_keys(address) if key in self._blocked), None)


@dataclass
class _Taken:
    intake: Intake
    acknowledge: str | None = None  # the address to acknowledge, after the commit
    ticket: Ticket | None = None  # its ticket, whose id is known once flushed

    def final(self) -> Intake:
        """The intake with its ticket's id (call after the flush)."""
        if self.ticket is None or self.intake.ticket_id is not None:
            return self.intake
        return dataclasses.replace(self.intake, ticket_id=self.ticket.id)


class MailIntake:
    """Takes received mail into the tickets of ``service``. ``acknowledge`` queues the
    SOP's acknowledgment of a new ticket (see
    :func:`~aiva_desk.inbound.acknowledgments.auto_acknowledger`); None: none are sent."""

    def __init__(
        self,
        service: TicketService,
        *,
        reopen_days: int = DEFAULT_REOPEN_DAYS,
        acknowledge: acks.Acknowledge | None = None,
    ) -> None:
        if service.attachments is None:
            raise AivaError("Mail cannot be taken in without the data folder's attachments.")
        self.service = service
        self.attachments: AttachmentStore = service.attachments
        self.reopen_days = reopen_days
        self.acknowledge = acknowledge

    def take_all(self, mails: Iterable[InboundMail]) -> list[Intake]:
        """Take in ``mails`` in one transaction; when this returns, every one of them is
        committed, except those reported "failed" (each rolled back alone)."""
        return self._take(list(mails), allow_blocked=False, raise_errors=False)

    def take(self, mail: InboundMail, *, allow_blocked: bool = False) -> Intake:
        """Take in one message (raising what keeps it out). ``allow_blocked`` takes in
        mail from a blocked sender too (the Spam view's "Not spam")."""
        return self._take([mail], allow_blocked=allow_blocked, raise_errors=True)[0]

    # -- the batch -------------------------------------------------------------------------

    def _take(
        self, mails: list[InboundMail], *, allow_blocked: bool, raise_errors: bool
    ) -> list[Intake]:
        if not mails:
            return []
        shas = [hashlib.sha256(mail.raw).hexdigest() for mail in mails]
        taken: list[_Taken] | None = None
        if not raise_errors and len(mails) > 1:
            try:
                taken = self._batch(mails, shas, allow_blocked, raise_errors, alone=False)
            except _Retry as retry:
                log.info("Received mail taken in again one by one: %r", retry.__cause__)
        if taken is None:
            taken = self._batch(mails, shas, allow_blocked, raise_errors, alone=True)
        results = [item.intake for item in taken]
        wanted = [(n, item) for n, item in enumerate(taken) if item.acknowledge]
        if wanted:
            self._acknowledge(wanted, results)
        return results

    def _batch(
        self,
        mails: list[InboundMail],
        shas: list[str],
        allow_blocked: bool,
        raise_errors: bool,
        *,
        alone: bool,
    ) -> list[_Taken]:
        """One transaction: each message in its savepoint (``alone``), or all at once,
        raising :class:`_Retry` (all rolled back) when any of them fails."""
        taken: list[_Taken] = []
        senders = {mail.from_address for mail in mails if mail.from_address}
        with (
            self.service.db.session(self.service.actor) as session,
            deferred_reindexing(session),
        ):
            seen = Seen(session, shas, [mail.message_id for mail in mails if mail.message_id])
            batch = _Batch(session, senders, seen)
            batch.refers_to.update(ref for mail in mails for ref in mail.refers_to)
            if alone:
                for mail, sha in zip(mails, shas, strict=True):
                    taken.append(self._one_alone(batch, mail, sha, allow_blocked, raise_errors))
            else:
                try:
                    with session.no_autoflush:
                        for mail, sha in zip(mails, shas, strict=True):
                            result = self._one(batch, mail, sha, allow_blocked)
                            taken.append(self._remember(batch, mail, sha, result))
                    session.flush()
                except sa_exc.OperationalError:
                    raise  # the database itself (locked, full, gone): the batch stops
                except Exception as exc:
                    raise _Retry from exc
            session.flush()
            taken = [dataclasses.replace(item, intake=item.final()) for item in taken]
            self.attachments.sync(batch.files)  # on disk before the commit refers to them
        return taken

    def _one_alone(
        self, batch: _Batch, mail: InboundMail, sha: str, allow_blocked: bool, raise_errors: bool
    ) -> _Taken:
        """One message in its own savepoint: rolled back alone when it fails."""
        session = batch.session
        try:
            with session.begin_nested(), session.no_autoflush:
                result = self._one(batch, mail, sha, allow_blocked)
        except sa_exc.OperationalError:
            raise  # the database itself (locked, full, gone): the whole batch stops
        except Exception as exc:
            if raise_errors:
                raise
            why = exc.message if isinstance(exc, AivaError) else f"{type(exc).__name__}: {exc}"
            log.warning("A received message was not taken in (%s): %s", mail.message_id, why)
            # They may hold what was rolled back; the database has the rest (all flushed).
            batch.customers.clear()
            batch.numbered.clear()
            return _Taken(Intake("failed", None, None, why))
        return self._remember(batch, mail, sha, result)

    @staticmethod
    def _remember(batch: _Batch, mail: InboundMail, sha: str, result: _Taken) -> _Taken:
        """What the rest of the batch must know of a message taken in."""
        if result.intake.kind == "spam":
            batch.seen.remember_spam(sha)
        else:
            ticket = result.ticket
            if ticket is None and result.intake.ticket_id is not None:
                ticket = batch.session.get(Ticket, result.intake.ticket_id)
            if ticket is not None:
                batch.seen.remember_logged(sha, mail.message_id, ticket)
        if result.acknowledge:
            batch.rate.take(result.acknowledge)
        return result

    def _one(self, batch: _Batch, mail: InboundMail, sha: str, allow_blocked: bool) -> _Taken:
        session, seen = batch.session, batch.seen
        if sha in seen.taken:
            return _Taken(Intake("duplicate", None, None, "the same message was taken in before"))
        if not allow_blocked and sha in seen.spam:
            return _Taken(Intake("duplicate", None, None, "the same message is kept as spam"))
        if mail.message_id in seen.ours:
            self._keep_original(batch, mail)
            log.info("Our own message %s came back; original kept as %s", mail.message_id, sha)
            return _Taken(Intake("ignored", None, None, "our own message came back"))
        if not allow_blocked and (entry := batch.blocked(mail.from_address)):
            return _Taken(self._spam(batch, mail, entry))
        original = self._keep_original(batch, mail)
        files, refused = self._store_attachments(batch, mail)
        parts = split_reply(mail.text)
        bounce = read_bounce(mail.raw, mail.text, mail.from_address, mail.subject) if (
            mail.machine
        ) else None  # fmt: skip
        if bounce is not None:
            session.flush()  # a delivery report is matched by queries that see flushed rows
            return _Taken(self._bounce(session, mail, bounce, parts, original, files, refused))
        copy_of = seen.ticket_logging(session, mail.message_id)
        if copy_of is not None:  # the same Message-ID with other bytes: kept, beside the first
            problem = "Another copy of a message already in the log (same Message-ID)."
            log_mail(session, copy_of, mail, parts, original, files, [*refused, problem])
            return _Taken(
                Intake("reply", copy_of.id, copy_of.number, "another copy"), ticket=copy_of
            )
        ticket, template = batch.replied_to(mail)
        offer = ""
        asked = template in ASKS_FOR_CONFIRMATION
        if ticket is not None and not mail.machine and (asked or ticket.status in AWAITING):
            offer = detect_offer(parts.text)
        feedback = bool(offer) and asked and not sounds_unresolved(parts.text)
        follows = None
        if ticket is not None and ticket.status is TicketStatus.CLOSED and not feedback:
            closed_at = ticket.closed_at or batch.now
            if batch.now - closed_at > dt.timedelta(days=self.reopen_days):
                follows, ticket = ticket, None
        if ticket is None:
            return self._new_ticket(batch, mail, parts, original, files, refused, follows)
        if moves(ticket, mail, parts, reopen=not feedback) and (
            ticket in session.new or session.is_modified(ticket)
        ):
            session.flush()  # the batch holds it unflushed: this reply's change audited apart
        log_mail(session, ticket, mail, parts, original, files, refused, offer=offer)
        notes = [move_along(self.service, session, ticket, mail, parts, reopen=not feedback)]
        if offer:
            notes.append(f"offers: {offer}")
        note = "; ".join(n for n in notes if n)
        return _Taken(Intake("reply", ticket.id, ticket.number, note), ticket=ticket)

    # -- the outcomes ----------------------------------------------------------------------

    def _keep(self, batch: _Batch, filename: str, data: bytes) -> StoredFile:
        stored = self.attachments.add_bytes(filename, data, sync=False)
        batch.files.add(stored.sha256)
        return stored

    def _keep_original(self, batch: _Batch, mail: InboundMail) -> StoredFile:
        """The original as received, cut at :data:`ORIGINAL_MAX` (its headers and text come
        first; what is cut is the encoded attachments beyond the per-message total)."""
        limit = min(ORIGINAL_MAX, self.attachments.max_bytes)
        return self._keep(batch, ORIGINAL_NAME, mail.raw[:limit])

    def _store_attachments(
        self, batch: _Batch, mail: InboundMail
    ) -> tuple[list[StoredFile], list[str]]:
        """The files kept, and a note for each left out: refused alone, or beyond the
        per-message total (kept in the order they came until the total is reached)."""
        files, refused, total, left_out = [], [], 0, []
        for attachment in mail.attachments:
            if total + len(attachment.data) > MESSAGE_ATTACHMENTS_MAX:
                left_out.append(attachment.filename)
                continue
            try:
                files.append(self._keep(batch, attachment.filename, attachment.data))
                total += len(attachment.data)
            except AttachmentError as exc:
                refused.append(exc.message)
        if left_out:
            names = ", ".join(left_out)
            refused.append(
                f"Left out over the {MESSAGE_ATTACHMENTS_MAX // MB} MB total for one message's "
                f"attachments: {names}."
            )
            log.warning("Attachments over the per-message total left out: %s", names)
        if len(mail.raw) > min(ORIGINAL_MAX, self.attachments.max_bytes):
            refused.append(
                f"The original message is over {ORIGINAL_MAX // MB} MB; it is kept cut at that "
                "size (its headers and text come first)."
            )
        return files, refused

    def _spam(self, batch: _Batch, mail: InboundMail, entry: str) -> Intake:
        """Mail from a blocked sender: kept for the Spam view, never a ticket."""
        original = self._keep_original(batch, mail)
        batch.session.add(
            SpamMail(
                received_at=clock.now(),
                written_at=mail.written_at,
                sender=mail.from_address[:320],
                sender_name=mail.from_name[:200],
                subject=mail.subject[:300],
                original_sha256=original.sha256,
                size=original.size,
            )
        )
        return Intake("spam", None, None, f"the sender is blocked ({entry})")

    def _bounce(
        self,
        session: Session,
        mail: InboundMail,
        bounce: Bounce,
        parts: ReplyParts,
        original: StoredFile,
        files: list[StoredFile],
        refused: list[str],
    ) -> Intake:
        match = match_bounce(session, bounce, mail.refers_to)
        if match.outbox is not None:
            fail_outbox_row(match.outbox, bounce)
        if match.ticket is None:
            what = "for a message on no ticket" if match.outbox else "for no message of ours"
            log.info("A delivery report %s (%s); original kept as %s", what, mail.subject,
                     original.sha256)  # fmt: skip
            return Intake("ignored", None, None, f"a delivery report {what}: {bounce.reason()}")
        ticket = match.ticket
        body = f"{bounce.reason()}\n\n{mail.text}".strip()
        log_mail(session, ticket, mail, parts, original, files, refused,
                 kind=DELIVERY_FAILURE, body=body)  # fmt: skip
        add_note(session, ticket, bounce_note(bounce, match.outbox))
        return Intake("bounce", ticket.id, ticket.number, bounce.reason())

    def _new_ticket(
        self,
        batch: _Batch,
        mail: InboundMail,
        parts: ReplyParts,
        original: StoredFile,
        files: list[StoredFile],
        refused: list[str],
        follows: Ticket | None,
    ) -> _Taken:
        session = batch.session
        readable = _readable(mail.from_address)
        address = mail.from_address if readable else UNKNOWN_SENDER
        name = mail.from_name or (mail.from_address.split("@")[0] if mail.from_address else "")
        words = parts.text or mail.text
        guess = batch.guesser.guess(mail.subject, words)
        new = NewTicket(
            subject=mail.subject.strip() or "(no subject)",
            customer_name=name or "Unknown sender",
            customer_email=address,
            category_id=guess.category.id,
            priority=guess.priority,
            description=parts.reply or mail.text or "(The message had no text; see the original.)",
            reported_at=mail.written_at,
            tags=[URGENT_TAG] if guess.urgent else [],
        )
        ticket = self.service.insert(
            session, new, policies=batch.policies, customers=batch.customers
        )
        ticket.category_guessed = True
        batch.numbered[ticket.number] = ticket
        log_mail(session, ticket, mail, parts, original, files, refused)
        notes = []
        if guess.urgent:
            raised = guess.priority < guess.category.default_priority
            did = f"priority raised to {guess.priority.name}"
            notes.append(URGENT_NOTE + (did if raised else "already the highest priority"))
        if follows is not None:
            note = f"follows #{follows.number}, closed more than {self.reopen_days} days ago"
            add_note(session, ticket, f"A new request that {note}.")
            notes.append(note)
        acknowledge = None
        if self.acknowledge is not None:
            address = mail.from_address if readable else ""
            why = acks.why_not(mail.machine, address, batch.own)
            why = why or batch.rate.allows(session, address)
            if why is None:
                acknowledge = address
            else:
                notes.append(f"not acknowledged: {why}")
                if not mail.machine:  # a machine's mail already says so in its note
                    add_note(session, ticket, f"No acknowledgment was sent automatically: {why}.")
        intake = Intake("new ticket", None, ticket.number, "; ".join(notes))
        return _Taken(intake, acknowledge, ticket)

    # -- after the commit ------------------------------------------------------------------

    def _acknowledge(self, wanted: list[tuple[int, _Taken]], results: list[Intake]) -> None:
        """Queue the acknowledgments the batch decided on; a ticket whose acknowledgment
        could not be queued says why in a note (the agent acknowledges by hand)."""
        assert self.acknowledge is not None
        sent: list[tuple[str, int]] = []
        missed: list[tuple[int, str]] = []
        for index, item in wanted:
            ticket_id = item.intake.ticket_id
            assert ticket_id is not None and item.acknowledge is not None
            try:
                queued = self.acknowledge(ticket_id)
                why = "" if queued else "no mail account is set up (Settings → Mail)"
            except Exception as exc:  # the tickets are stored: never fail the batch now
                log.warning("Acknowledgment of ticket %s not queued", ticket_id, exc_info=True)
                why = exc.message if isinstance(exc, AivaError) else str(exc) or repr(exc)
            if why:
                missed.append((ticket_id, why))
                note = "; ".join(n for n in (item.intake.note, f"not acknowledged: {why}") if n)
            else:
                sent.append((item.acknowledge, ticket_id))
                note = "; ".join(n for n in (item.intake.note, "acknowledged") if n)
            results[index] = dataclasses.replace(item.intake, note=note)
        with self.service.db.session(self.service.actor) as session:
            now = clock.now()
            for address, ticket_id in sent:
                session.add(AutoReply(address=address, sent_at=now, ticket_id=ticket_id))
            for ticket_id, why in missed:
                ticket = session.get(Ticket, ticket_id)
                if ticket is not None:
                    add_note(session, ticket, f"No acknowledgment was sent automatically: {why}.")
