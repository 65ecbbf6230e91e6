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
from collections.abc import Collection
from dataclasses import dataclass

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from aiva_desk import clock
from aiva_desk.domain import Direction
from aiva_desk.errors import NotFoundError, TransitionRefused, ValidationError
from aiva_desk.mail import mime
from aiva_desk.mail.accounts import Account, get_account
from aiva_desk.mail.addresses import parse_list, refuse_line_breaks
from aiva_desk.mail.errors import MailError
from aiva_desk.mail.message_templates import CATALOG, gaps_in
from aiva_desk.store.mail_models import OutboxMessage, OutboxState
from aiva_desk.store.models import Attachment, Communication, InternalNote, Ticket
from aiva_desk.tickets.attachments import MB, MESSAGE_ATTACHMENTS_MAX, AttachmentStore
from aiva_desk.tickets.service import TicketService
from aiva_desk.tickets.workflow import TRANSITION_BY_ACTION, Action
from aiva_desk.validation import text_problem

log = logging.getLogger(__name__)

BACKOFF_SECONDS = (60, 300, 900, 1800, 3600, 7200, 14400)  # then it fails for good
# A message that is itself a step of the workflow moves its ticket along once it is sent
# (an acknowledgment sent automatically acknowledges the ticket as the button would; a
# Request for Information sent makes it Waiting on customer, not before).
STEP_SENT = {
    "acknowledgment": TRANSITION_BY_ACTION[Action.ACKNOWLEDGE],
    "p1_critical": TRANSITION_BY_ACTION[Action.ACKNOWLEDGE],
    "request_information": TRANSITION_BY_ACTION[Action.REQUEST_INFORMATION],
    "solution": TRANSITION_BY_ACTION[Action.SEND_SOLUTION],
}
STALE_AFTER = dt.timedelta(minutes=10)  # a claim this old belongs to a dead sender
OPEN_STATES = (OutboxState.QUEUED, OutboxState.SENDING, OutboxState.FAILED, OutboxState.UNKNOWN)
S = OutboxState


def _is_internal(template: str) -> bool:
    return any(t.key == template and t.audience == "internal" for t in CATALOG)


def worker_identity() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def _alive_here(claimed_by: str, me: str) -> bool | None:
    """Whether the claiming sender still runs (``None``: it ran on another host).

    A claim with this process's id but another sender's token is a crashed run whose
    id was reused (containers restart with the same ids): dead.
    """
    host, _, rest = claimed_by.partition(":")
    pid_text = rest.partition(":")[0]
    if host != socket.gethostname() or not pid_text.isdigit():
        return None
    if int(pid_text) == os.getpid():
        return claimed_by == me
    try:
        os.kill(int(pid_text), 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


INTERNAL_KIND = "Escalation"  # the internal escalation e-mail, sent to staff


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
    threaded: bool = True  # a reply in the customer's thread; False: internal mail to staff


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
        elif problem := text_problem("The message", message.body):
            problems["body"] = problem
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
                .where(
                    Communication.ticket_id == ticket_id,
                    Communication.message_id.is_not(None),
                    Communication.kind != INTERNAL_KIND,  # staff mail is not the customer's
                )
                .order_by(Communication.at, Communication.id)
            )
            if _threadable(mid)
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
        inbound = inbound if _threadable(inbound) else None
        parent = inbound or (ids[-1] if ids else "")
        thread = ids if len(ids) <= 10 else [ids[0], *ids[-9:]]  # the root and the latest
        return parent, " ".join(thread)

    def _files(self, session: Session, message: OutgoingMessage) -> tuple[mime.FilePart, ...]:
        parts, total = [], 0
        for attachment_id in message.attachment_ids:
            row = session.get(Attachment, attachment_id)
            if row is None or row.ticket_id != message.ticket_id:
                raise ValidationError({"attachments": "An attached file is no longer there."})
            path = self.attachments.path_for(row.sha256)
            parts.append(mime.FilePart(row.filename, path, row.mime_type))
            total += row.size
        if total > MESSAGE_ATTACHMENTS_MAX:
            raise ValidationError(
                {
                    "attachments": f"The attached files come to {total / MB:.1f} MB; one "
                    f"message can carry at most {MESSAGE_ATTACHMENTS_MAX // MB} MB. "
                    "Leave some out or share them another way."
                }
            )
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
            now = clock.now()
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
                row.in_reply_to, row.references = (
                    self._thread_headers(session, ticket.id) if message.threaded else ("", "")
                )
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
        """Messages whose sender died (or whose outcome could not be recorded for longer
        than any send takes) become "unknown"; returns how many. Cheap: run it often."""
        now = clock.now()
        changed = 0
        with self.db.session("outbox") as session:
            rows = session.scalars(select(OutboxMessage).where(OutboxMessage.state == S.SENDING))
            for row in rows:
                alive = _alive_here(row.claimed_by, self.worker_id)
                stale = row.claimed_at is None or now - row.claimed_at > STALE_AFTER
                mine = row.claimed_by == self.worker_id  # its outcome could not be recorded
                if alive is False or (stale and (alive is None or mine)):
                    row.state = S.UNKNOWN
                    row.last_error = (
                        "Sending was interrupted (AIVA Desk stopped, or the result could not be "
                        "recorded); the message may or may not have been delivered. Check, then "
                        "mark it sent or send it again."
                    )
                    changed += 1
        if changed:
            log.warning("%d message(s) of unknown fate after a stop while sending", changed)
        return changed

    def claim_next(self) -> Claim | None:
        """Take the next due message (marked "sending" before any byte leaves)."""
        now = clock.now()
        while True:
            with self.db.session("outbox") as session:
                row = session.scalars(
                    select(OutboxMessage)
                    .where(
                        OutboxMessage.state == S.QUEUED,
                        OutboxMessage.next_attempt_at <= now,
                        OutboxMessage.mime.is_not(None),
                    )
                    .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
                    .limit(1)
                    .with_for_update(skip_locked=True)  # PostgreSQL: one sender per message
                ).first()
                if row is None:
                    return None
                try:
                    addresses = parse_list("To", row.to_addrs) + parse_list("Cc", row.cc_addrs)
                    sender = parse_list("From", row.sender)[0].addr_spec
                except (MailError, IndexError) as exc:  # never let one message block the rest
                    row.state, row.next_attempt_at = S.FAILED, None
                    row.last_error = f"The message's addresses are not usable: {exc}"
                    continue
                row.state = S.SENDING
                row.claimed_by, row.claimed_at = self.worker_id, now
                row.attempts += 1
                recipients = [address.addr_spec for address in addresses]
                return Claim(row.id, row.account_id, sender, recipients, row.mime, row.attempts)

    def mark_sent(self, outbox_id: int, refused: dict[str, str] | None = None) -> None:
        """Delivered (to all but ``refused``): log it on the ticket, apply its effects.

        Only a message being sent, or one of unknown fate the agent confirms, is logged:
        a second call (two windows confirming at once) changes nothing. A message to
        colleagues (an internal escalation) becomes an internal note; it is no response
        to the customer and restarts no customer clock.
        """
        now = clock.now()
        note = ""
        if refused:
            listed = "; ".join(f"{addr}: {reply}" for addr, reply in refused.items())
            note = f"Not delivered to {listed}"

        def record(session: Session, ticket: Ticket | None) -> None:
            row = session.get(OutboxMessage, outbox_id)
            if row is None or row.state not in (S.SENDING, S.UNKNOWN):
                return
            row.state, row.sent_at = S.SENT, now
            row.last_error, row.next_attempt_at = note, None
            if ticket is None:
                return
            delivered = ", ".join(
                str(address)
                for address in parse_list("To", row.to_addrs) + parse_list("Cc", row.cc_addrs)
                if address.addr_spec not in (refused or {})
            )
            if _is_internal(row.template):
                ticket.notes.append(
                    InternalNote(body=f"Sent to {delivered}:\n{row.subject}\n\n{row.body}", at=now)
                )
                return
            entry = Communication(
                direction=Direction.OUTBOUND,
                kind=row.kind,
                subject=row.subject,
                body=row.body,
                sender=row.sender,
                recipients=delivered,
                message_id=row.message_id,
                at=now,
            )
            ticket.communications.append(entry)
            if ticket.first_response_at is None:
                ticket.first_response_at = now
            session.flush()
            row.communication_id = entry.id
            step = STEP_SENT.get(row.template)
            if step is not None and ticket.status in step.sources:
                try:
                    self.service.workflow.apply(ticket, step.action, now)
                except TransitionRefused as exc:
                    log.info("%s sent; ticket stays %s (%s)", row.kind, ticket.status, exc)

        with self.db.read_session() as session:
            ticket_id = session.scalar(
                select(OutboxMessage.ticket_id).where(OutboxMessage.id == outbox_id)
            )
        if ticket_id is None:
            with self.db.session("outbox") as session:
                record(session, None)
            return
        self.service.write_ticket(ticket_id, None, record)

    def mark_failed(self, outbox_id: int, error: MailError) -> OutboxState:
        """Temporary errors come back later (backoff); others fail now for the agent."""
        now = clock.now()
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
                row.next_attempt_at = clock.now()
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
        self,
        states: tuple[OutboxState, ...] = OPEN_STATES,
        ticket_id: int | None = None,
        *,
        ids: Collection[int] | None = None,
        sent_since: dt.datetime | None = None,
    ) -> list[OutboxItem]:
        """Messages in ``states`` (newest first); sent ones only from ``sent_since`` on."""
        query = (
            select(OutboxMessage, Ticket.number)
            .outerjoin(Ticket, Ticket.id == OutboxMessage.ticket_id)
            .where(OutboxMessage.state.in_(states))
            .order_by(OutboxMessage.created_at.desc(), OutboxMessage.id.desc())
        )
        if ticket_id is not None:
            query = query.where(OutboxMessage.ticket_id == ticket_id)
        if ids is not None:
            query = query.where(OutboxMessage.id.in_(list(ids)))
        if sent_since is not None:
            query = query.where(
                or_(OutboxMessage.state != S.SENT, OutboxMessage.sent_at >= sent_since)
            )
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


def _threadable(message_id: str | None) -> bool:
    """A Message-ID a header can carry: one stored before received ids were cleaned (a line
    break, a control character) is left out of the thread, not a reason every reply fails."""
    return bool(message_id and message_id.isprintable() and " " not in message_id)
