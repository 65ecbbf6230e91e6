"""The outbox: every outgoing message is stored first, then sent by a worker.

States: draft → queued → sending → sent, or failed (permanent error, out of
attempts) or unknown (a sender died mid-send: it may have gone out, so it is
never sent again without the agent's say). Temporary errors are retried with
backoff. Marking a message sent logs it in the ticket's communication log in
the same transaction, which restarts the update-cadence clock; a sent Solution
moves the ticket to awaiting confirmation.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import socket
import uuid
from dataclasses import dataclass

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from aiva_desk.attachments import AttachmentStore
from aiva_desk.domain import Direction
from aiva_desk.errors import NotFoundError, TransitionRefused, ValidationError
from aiva_desk.mail import mime
from aiva_desk.mail.accounts import Account, get_account
from aiva_desk.mail.addresses import parse_list, refuse_line_breaks
from aiva_desk.mail.errors import MailError
from aiva_desk.mail.templates import gaps_in
from aiva_desk.store.mail_models import OutboxMessage, OutboxState
from aiva_desk.store.models import Attachment, Communication, Ticket
from aiva_desk.tickets import TicketService
from aiva_desk.workflow import Action

log = logging.getLogger(__name__)

BACKOFF_SECONDS = (60, 300, 900, 1800, 3600, 7200, 14400)  # then it fails for good
STALE_AFTER = dt.timedelta(minutes=10)  # a claim this old belongs to a dead sender
OPEN_STATES = (OutboxState.QUEUED, OutboxState.SENDING, OutboxState.FAILED, OutboxState.UNKNOWN)
S = OutboxState


def worker_identity() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def _alive_here(claimed_by: str) -> bool | None:
    """Whether the claiming process still runs (``None``: it ran on another host)."""
    host, _, rest = claimed_by.partition(":")
    pid_text = rest.partition(":")[0]
    if host != socket.gethostname() or not pid_text.isdigit():
        return None
    try:
        os.kill(int(pid_text), 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


@dataclass(frozen=True)
class OutgoingMessage:
    """What the composer hands over: everything needed to build and send a message."""

    ticket_id: int
    account_id: int
    to: str
    subject: str
    body: str
    cc: str = ""
    template: str = ""
    kind: str = "Update"
    attachment_ids: tuple[int, ...] = ()
    automatic: bool = False
    replaces_draft_id: int | None = None  # a draft in the communication log this sends


@dataclass(frozen=True)
class OutboxItem:
    """One row of the outbox view."""

    id: int
    ticket_id: int | None
    ticket_number: int | None
    state: OutboxState
    to: str
    cc: str
    subject: str
    kind: str
    template: str
    attempts: int
    last_error: str
    next_attempt_at: dt.datetime | None
    created_at: dt.datetime
    sent_at: dt.datetime | None
    account_id: int | None


@dataclass(frozen=True)
class Claim:
    """A message a worker took to send: the stored bytes and the envelope."""

    id: int
    account_id: int | None
    sender: str
    recipients: list[str]
    mime: bytes
    attempts: int = 0


class Outbox:
    def __init__(
        self,
        service: TicketService,
        attachments: AttachmentStore,
        worker_id: str | None = None,
    ) -> None:
        self.service = service
        self.db = service.db
        self.attachments = attachments
        self.worker_id = worker_id or worker_identity()

    # -- writing messages ------------------------------------------------------------

    def _check(self, message: OutgoingMessage) -> dict[str, str]:
        problems: dict[str, str] = {}
        for label, name, text in (("To", "to", message.to), ("Cc", "cc", message.cc)):
            try:
                addresses = parse_list(label, text)
            except MailError as exc:
                problems[name] = exc.message
                continue
            if name == "to" and not addresses:
                problems["to"] = "Enter at least one recipient."
        try:
            refuse_line_breaks("subject", message.subject)
        except MailError as exc:
            problems["subject"] = exc.message
        if not message.subject.strip():
            problems["subject"] = "The subject is empty."
        if not message.body.strip():
            problems["body"] = "The message is empty."
        if gaps := gaps_in(message.subject + "\n" + message.body):
            listed = "; ".join(f"“{gap}”" for gap in gaps)
            problems["body"] = f"Fill in the marked gaps first: {listed}."
        return problems

    def _thread_headers(self, session: Session, ticket_id: int) -> tuple[str, str]:
        """In-Reply-To and References so the customer's mail client threads the reply."""
        ids = [
            mid
            for mid in session.scalars(
                select(Communication.message_id)
                .where(Communication.ticket_id == ticket_id, Communication.message_id.is_not(None))
                .order_by(Communication.at, Communication.id)
            )
            if mid
        ]
        inbound = session.scalars(
            select(Communication.message_id)
            .where(
                Communication.ticket_id == ticket_id,
                Communication.direction == Direction.INBOUND,
                Communication.message_id.is_not(None),
            )
            .order_by(Communication.at.desc(), Communication.id.desc())
        ).first()
        parent = inbound or (ids[-1] if ids else "")
        return parent, " ".join(ids[-10:])

    def _files(self, session: Session, message: OutgoingMessage) -> tuple[mime.FilePart, ...]:
        parts = []
        for attachment_id in message.attachment_ids:
            row = session.get(Attachment, attachment_id)
            if row is None or row.ticket_id != message.ticket_id:
                raise ValidationError({"attachments": "An attached file is no longer there."})
            path = self.attachments.path_for(row.sha256)
            parts.append(mime.FilePart(row.filename, path, row.mime_type))
        return tuple(parts)

    def _store(self, message: OutgoingMessage, state: OutboxState, outbox_id: int | None) -> int:
        account = get_account(self.db, message.account_id)
        with self.db.session(self.service.actor) as session:
            row = OutboxMessage() if outbox_id is None else session.get(OutboxMessage, outbox_id)
            if row is None:
                raise NotFoundError("That message is no longer in the outbox.")
            if outbox_id is not None and row.state not in (S.DRAFT, S.FAILED, S.QUEUED):
                raise ValidationError(
                    {"state": f"The message is {row.state.label.lower()} and can't be changed."}
                )
            ticket = session.get(Ticket, message.ticket_id)
            if ticket is None:
                raise NotFoundError(f"Ticket id {message.ticket_id} does not exist.")
            now = self.db.clock()
            row.ticket_id = message.ticket_id
            row.account_id = account.id
            row.template, row.kind = message.template, message.kind
            row.sender = str(account.sender)
            row.to_addrs, row.cc_addrs = message.to.strip(), message.cc.strip()
            row.subject, row.body = message.subject.strip(), message.body
            row.attachment_ids = json.dumps(list(message.attachment_ids))
            row.message_id = row.message_id or mime.new_message_id(account.sender)
            row.created_by = self.service.actor
            row.state = state
            row.last_error = ""
            if state is S.QUEUED:
                row.in_reply_to, row.references = self._thread_headers(session, ticket.id)
                row.mime = self._mime(session, row, message, account, now)
                row.next_attempt_at = now
                row.attempts = 0
            if message.replaces_draft_id is not None:
                draft = session.get(Communication, message.replaces_draft_id)
                if draft is not None and draft.draft and draft.ticket_id == ticket.id:
                    session.delete(draft)
            session.add(row)
            session.flush()
            return row.id

    def _mime(
        self,
        session: Session,
        row: OutboxMessage,
        message: OutgoingMessage,
        account: Account,
        now: dt.datetime,
    ) -> bytes:
        reply_to = parse_list("Reply-To", account.reply_to)
        return mime.build(
            sender=account.sender,
            to=parse_list("To", message.to),
            cc=parse_list("Cc", message.cc),
            reply_to=reply_to[0] if reply_to else None,
            subject=row.subject,
            body=message.body,
            message_id=row.message_id,
            in_reply_to=row.in_reply_to,
            references=row.references,
            files=self._files(session, message),
            automatic=message.automatic,
            now=now,
        )

    def save_draft(self, message: OutgoingMessage, outbox_id: int | None = None) -> int:
        """Keep an unfinished message as it is: half-typed addresses are checked on send."""
        return self._store(message, S.DRAFT, outbox_id)

    def queue(self, message: OutgoingMessage, outbox_id: int | None = None) -> int:
        """Check, build and store the message for sending; nothing is sent here."""
        if problems := self._check(message):
            raise ValidationError(problems)
        return self._store(message, S.QUEUED, outbox_id)

    # -- the sender's side -------------------------------------------------------------

    def recover(self) -> int:
        """Messages a dead sender was sending become "unknown"; returns how many."""
        now = self.db.clock()
        changed = 0
        with self.db.session("outbox") as session:
            rows = session.scalars(
                select(OutboxMessage).where(
                    OutboxMessage.state == S.SENDING, OutboxMessage.claimed_by != self.worker_id
                )
            )
            for row in rows:
                alive = _alive_here(row.claimed_by)
                stale = row.claimed_at is None or now - row.claimed_at > STALE_AFTER
                if alive is False or (alive is None and stale):
                    row.state = S.UNKNOWN
                    row.last_error = (
                        "AIVA Desk stopped while this message was being sent; it may or may "
                        "not have been delivered. Check, then mark it sent or send it again."
                    )
                    changed += 1
        if changed:
            log.warning("%d message(s) of unknown fate after a stop while sending", changed)
        return changed

    def claim_next(self) -> Claim | None:
        """Take the next due message (marked "sending" before any byte leaves)."""
        now = self.db.clock()
        with self.db.session("outbox") as session:
            row = session.scalars(
                select(OutboxMessage)
                .where(OutboxMessage.state == S.QUEUED, OutboxMessage.next_attempt_at <= now)
                .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
                .limit(1)
            ).first()
            if row is None or row.mime is None:
                return None
            row.state = S.SENDING
            row.claimed_by, row.claimed_at = self.worker_id, now
            row.attempts += 1
            recipients = [
                address.addr_spec
                for address in parse_list("To", row.to_addrs) + parse_list("Cc", row.cc_addrs)
            ]
            sender = parse_list("From", row.sender)[0].addr_spec
            return Claim(row.id, row.account_id, sender, recipients, row.mime, row.attempts)

    def mark_sent(self, outbox_id: int, refused: dict[str, str] | None = None) -> None:
        """Delivered (to all but ``refused``): log it on the ticket, apply its effects."""
        now = self.db.clock()
        with self.db.session("outbox") as session:
            row = session.get(OutboxMessage, outbox_id)
            if row is None:
                return
            ticket_id = row.ticket_id
        note = ""
        if refused:
            listed = "; ".join(f"{addr}: {reply}" for addr, reply in refused.items())
            note = f"Not delivered to {listed}"

        def change(session: Session, ticket: Ticket) -> None:
            row = session.get(OutboxMessage, outbox_id)
            assert row is not None
            delivered = [
                address
                for address in parse_list("To", row.to_addrs) + parse_list("Cc", row.cc_addrs)
                if address.addr_spec not in (refused or {})
            ]
            entry = Communication(
                direction=Direction.OUTBOUND,
                kind=row.kind,
                subject=row.subject,
                body=row.body,
                sender=row.sender,
                recipients=", ".join(str(a) for a in delivered),
                message_id=row.message_id,
                at=now,
            )
            ticket.communications.append(entry)
            if ticket.first_response_at is None:
                ticket.first_response_at = now
            session.flush()
            row.state, row.sent_at, row.communication_id = S.SENT, now, entry.id
            row.last_error, row.next_attempt_at = note, None
            if row.template == "solution":
                try:
                    self.service.workflow.apply(ticket, Action.SEND_SOLUTION, now)
                except TransitionRefused as exc:
                    log.info("Solution sent; ticket stays %s (%s)", ticket.status, exc)

        if ticket_id is None:
            with self.db.session("outbox") as session:
                row = session.get(OutboxMessage, outbox_id)
                if row is not None:
                    row.state, row.sent_at, row.last_error = S.SENT, now, note
            return
        self.service.write_ticket(ticket_id, None, change)

    def mark_failed(self, outbox_id: int, error: MailError) -> OutboxState:
        """Temporary errors come back later (backoff); others fail now for the agent."""
        now = self.db.clock()
        with self.db.session("outbox") as session:
            row = session.get(OutboxMessage, outbox_id)
            if row is None:
                return S.CANCELLED
            row.last_error = error.message
            row.claimed_by, row.claimed_at = "", None
            if error.temporary and row.attempts <= len(BACKOFF_SECONDS):
                delay = BACKOFF_SECONDS[max(0, row.attempts - 1)]
                row.state, row.next_attempt_at = S.QUEUED, now + dt.timedelta(seconds=delay)
            else:
                row.state, row.next_attempt_at = S.FAILED, None
            return row.state

    def next_due_at(self) -> dt.datetime | None:
        with self.db.read_session() as session:
            return session.scalar(
                select(func.min(OutboxMessage.next_attempt_at)).where(
                    OutboxMessage.state == S.QUEUED
                )
            )

    # -- the agent's side --------------------------------------------------------------

    def _set_state(
        self,
        outbox_id: int,
        allowed: tuple[OutboxState, ...],
        state: OutboxState,
        what: str,
    ) -> None:
        with self.db.session(self.service.actor) as session:
            row = session.get(OutboxMessage, outbox_id)
            if row is None:
                raise NotFoundError("That message is no longer in the outbox.")
            if row.state not in allowed:
                raise ValidationError(
                    {"state": f"A message that is {row.state.label.lower()} can't be {what}."}
                )
            row.state = state
            if state is S.QUEUED:
                row.next_attempt_at = self.db.clock()
                row.attempts = 0
                row.last_error = ""

    def retry(self, outbox_id: int) -> None:
        """Send a failed (or unknown-fate) message again, now."""
        self._set_state(outbox_id, (S.FAILED, S.UNKNOWN, S.QUEUED), S.QUEUED, "sent again")

    def cancel(self, outbox_id: int) -> None:
        self._set_state(
            outbox_id, (S.DRAFT, S.QUEUED, S.FAILED, S.UNKNOWN), S.CANCELLED, "cancelled"
        )

    def confirm_delivered(self, outbox_id: int) -> None:
        """The agent checked: an unknown-fate message did go out. Log it as sent."""
        with self.db.read_session() as session:
            row = session.get(OutboxMessage, outbox_id)
            if row is None or row.state is not S.UNKNOWN:
                raise ValidationError({"state": "Only a message of unknown fate can be confirmed."})
        self.mark_sent(outbox_id)

    def reopen(self, outbox_id: int) -> tuple[OutgoingMessage, int]:
        """Take a queued, failed or draft message back into the composer (as a draft)."""
        self._set_state(outbox_id, (S.DRAFT, S.QUEUED, S.FAILED), S.DRAFT, "edited")
        with self.db.read_session() as session:
            row = session.get(OutboxMessage, outbox_id)
            assert row is not None
            message = OutgoingMessage(
                ticket_id=row.ticket_id or 0,
                account_id=row.account_id or 0,
                to=row.to_addrs,
                cc=row.cc_addrs,
                subject=row.subject,
                body=row.body,
                template=row.template,
                kind=row.kind,
                attachment_ids=tuple(json.loads(row.attachment_ids or "[]")),
            )
        return message, outbox_id

    def items(
        self, states: tuple[OutboxState, ...] = OPEN_STATES, ticket_id: int | None = None
    ) -> list[OutboxItem]:
        query = (
            select(OutboxMessage, Ticket.number)
            .outerjoin(Ticket, Ticket.id == OutboxMessage.ticket_id)
            .where(OutboxMessage.state.in_(states))
            .order_by(OutboxMessage.created_at.desc(), OutboxMessage.id.desc())
        )
        if ticket_id is not None:
            query = query.where(OutboxMessage.ticket_id == ticket_id)
        with self.db.read_session() as session:
            return [
                OutboxItem(
                    row.id,
                    row.ticket_id,
                    number,
                    row.state,
                    row.to_addrs,
                    row.cc_addrs,
                    row.subject,
                    row.kind,
                    row.template,
                    row.attempts,
                    row.last_error,
                    row.next_attempt_at,
                    row.created_at,
                    row.sent_at,
                    row.account_id,
                )
                for row, number in session.execute(query)
            ]

    def counts(self) -> dict[OutboxState, int]:
        with self.db.read_session() as session:
            rows = session.execute(
                select(OutboxMessage.state, func.count()).group_by(OutboxMessage.state)
            )
            return {OutboxState(state): count for state, count in rows}

    def needs_attention(self) -> int:
        """Failed or unknown-fate messages: the agent must decide."""
        with self.db.read_session() as session:
            return (
                session.scalar(
                    select(func.count())
                    .select_from(OutboxMessage)
                    .where(or_(OutboxMessage.state == S.FAILED, OutboxMessage.state == S.UNKNOWN))
                )
                or 0
            )
