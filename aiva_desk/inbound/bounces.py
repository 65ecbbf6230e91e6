"""Delivery reports: a message of ours that could not be delivered.

A report (RFC 3464 ``multipart/report; report-type=delivery-status``) names each failed
recipient (``Final-Recipient``), the status (``5.1.1``) and the server's words
(``Diagnostic-Code``), and returns our message or its headers (``message/rfc822`` or
``text/rfc822-headers``). Old mail systems send the same as plain text from
MAILER-DAEMON; then the returned headers are looked for in the text.

The returned Message-ID finds the outbox message; its ticket gets the report logged as
a "Delivery failure" and a note, and the outbox message becomes failed with the reason,
so the agent sees it among the messages needing attention. A delay warning (``4.x.x``,
``Action: delayed``) is logged but fails nothing: the server is still trying.
"""

from __future__ import annotations

import email
import email.policy
import re
from dataclasses import dataclass
from email.message import Message

from sqlalchemy import select
from sqlalchemy.orm import Session

from aiva_desk.inbound.machine_mail import is_bounce
from aiva_desk.store.mail_models import OutboxMessage, OutboxState
from aiva_desk.store.models import Communication, Ticket

REASON_CHARS = 300  # an outbox row's last_error is one line
_ID = re.compile(r"<[^<>\s]+>")
_FAILURE_SUBJECT = re.compile(
    r"undeliver|delivery (status notification|failure|has failed)|mail delivery failed"
    r"|returned mail|failure notice|delivery problem|not delivered",
    re.IGNORECASE,
)
_TEXT_HEADER = re.compile(
    r"^\s*(Message-ID|In-Reply-To|References|Subject)\s*:\s*(.+)$", re.IGNORECASE | re.MULTILINE
)
_TEXT_RECIPIENT = re.compile(r"^\s*<([^<>\s@]+@[^<>\s]+)>\s*:?", re.MULTILINE)
_TICKET_NUMBER = re.compile(r"\bticket\s*#\s*(\d+)\b", re.IGNORECASE)


@dataclass(frozen=True)
class FailedRecipient:
    address: str
    status: str  # "5.1.1"; "" when the report gives none
    diagnostic: str  # the server's words, one line
    delayed: bool  # a warning: the server keeps trying

    def line(self) -> str:
        reason = " ".join(part for part in (self.status, self.diagnostic) if part)
        return f"{self.address}: {reason or 'no reason given'}"


@dataclass(frozen=True)
class Bounce:
    recipients: tuple[FailedRecipient, ...]
    returned_id: str | None  # the Message-ID of our message that came back
    returned_refs: tuple[str, ...]  # its In-Reply-To and References
    returned_subject: str

    @property
    def delayed(self) -> bool:
        return bool(self.recipients) and all(r.delayed for r in self.recipients)

    def reason(self) -> str:
        """One line for the outbox: who did not get it and what their server said."""
        failed = [r for r in self.recipients if not r.delayed] or list(self.recipients)
        text = "; ".join(r.line() for r in failed) or "the mail system gave no details"
        text = f"Not delivered to {text}"
        return text if len(text) <= REASON_CHARS else text[: REASON_CHARS - 1] + "…"


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _field(block: Message, name: str) -> str:
    value = _one_line(str(block.get(name, "") or ""))
    return value.split(";", 1)[1].strip() if ";" in value and name != "Status" else value


def _recipients(report: Message) -> list[FailedRecipient]:
    payload = report.get_payload()
    if not isinstance(payload, list):  # an unparsed block: read it as headers
        payload = [email.message_from_string(part) for part in str(payload).split("\n\n")]
    found = []
    for block in payload[1:] if len(payload) > 1 else payload:
        address = _field(block, "Final-Recipient") or _field(block, "Original-Recipient")
        if not address:
            continue
        status = _field(block, "Status").split(" ")[0]
        action = _field(block, "Action").lower()
        delayed = action == "delayed" or status.startswith("4.")
        diagnostic = _field(block, "Diagnostic-Code")
        found.append(FailedRecipient(address.strip("<>").lower(), status, diagnostic, delayed))
    return found


def _returned_headers(message: Message) -> Message | None:
    for part in message.walk():
        kind = part.get_content_type()
        if kind == "message/rfc822":
            payload = part.get_payload()
            if isinstance(payload, list) and payload:
                return payload[0]
        elif kind == "text/rfc822-headers":
            text = part.get_payload(decode=True) or b""
            return email.message_from_bytes(text, policy=email.policy.compat32)
    return None


def _from_text(text: str) -> tuple[list[FailedRecipient], dict[str, str]]:
    """A plain-text bounce: recipients as ``<address>:`` lines, the returned headers."""
    recipients = [
        FailedRecipient(address.lower(), "", "", False)
        for address in dict.fromkeys(_TEXT_RECIPIENT.findall(text))
    ]
    headers: dict[str, str] = {}
    for name, value in _TEXT_HEADER.findall(text):
        headers.setdefault(name.lower(), value.strip())
    return recipients, headers


def read_bounce(raw: bytes, text: str, from_address: str, subject: str) -> Bounce | None:
    """The report in a delivery failure, or None when ``raw`` is not one."""
    message = email.message_from_bytes(raw, policy=email.policy.compat32)
    if is_bounce(message):
        recipients = []
        for part in message.walk():
            if part.get_content_type() == "message/delivery-status":
                recipients.extend(_recipients(part))
        returned = _returned_headers(message)
        if returned is None:  # some reporters leave it out: try the readable part
            _ignored, headers = _from_text(text)
        else:
            headers = {k.lower(): _one_line(str(v)) for k, v in returned.items()}
        if not recipients:
            recipients, _ignored = _from_text(text)
    elif from_address.startswith(("mailer-daemon@", "postmaster@")) and _FAILURE_SUBJECT.search(
        subject
    ):
        recipients, headers = _from_text(text)
    else:
        return None
    ids = _ID.findall(headers.get("message-id", ""))
    refs = _ID.findall(headers.get("in-reply-to", "")) + list(
        reversed(_ID.findall(headers.get("references", "")))
    )
    subject = headers.get("subject", "")
    return Bounce(tuple(recipients), ids[0] if ids else None, tuple(refs), subject)


@dataclass(frozen=True)
class BounceMatch:
    outbox: OutboxMessage | None
    ticket: Ticket | None


def match_bounce(session: Session, bounce: Bounce, refers_to: tuple[str, ...]) -> BounceMatch:
    """Our message that bounced (by its Message-ID) and its ticket; else the ticket the
    returned message answered, or whose number its subject names for the recipient."""
    if bounce.returned_id:
        row = session.scalars(
            select(OutboxMessage).where(OutboxMessage.message_id == bounce.returned_id).limit(1)
        ).first()
        if row is not None:
            ticket = session.get(Ticket, row.ticket_id) if row.ticket_id else None
            return BounceMatch(row, ticket)
    ids = [i for i in (bounce.returned_id, *bounce.returned_refs, *refers_to) if i]
    if ids:
        for query in (
            select(OutboxMessage.ticket_id).where(OutboxMessage.message_id.in_(ids)),
            select(Communication.ticket_id).where(Communication.message_id.in_(ids)),
        ):
            ticket_id = session.scalars(query.limit(1)).first()
            if ticket_id is not None:
                return BounceMatch(None, session.get(Ticket, ticket_id))
    number = _TICKET_NUMBER.search(bounce.returned_subject)
    if number is not None:
        ticket = session.scalars(select(Ticket).where(Ticket.number == int(number[1]))).first()
        addresses = {r.address for r in bounce.recipients}
        if ticket is not None and ticket.customer.email in addresses:
            return BounceMatch(None, ticket)
    return BounceMatch(None, None)


def fail_outbox_row(row: OutboxMessage, bounce: Bounce) -> None:
    """The bounced message needs the agent: failed, saying who and why (a delay only
    notes itself; the server is still trying)."""
    if bounce.delayed or row.state is OutboxState.DRAFT:
        return
    row.state = OutboxState.FAILED
    row.next_attempt_at = None
    row.last_error = bounce.reason()


def bounce_note(bounce: Bounce, row: OutboxMessage | None) -> str:
    """The internal note on the ticket: what came back and what to do about it."""
    what = f"“{row.subject}”" if row is not None else "A message of ours"
    if bounce.delayed:
        return (
            f"{what} is delayed: {bounce.reason().removeprefix('Not delivered to ')}. "
            "The mail system keeps trying; nothing to do yet."
        )
    tail = " The outbox shows it as failed." if row is not None else ""
    return (
        f"{what} could not be delivered. {bounce.reason()}.{tail} Check the address with "
        "the customer (another channel) and send it again."
    )
