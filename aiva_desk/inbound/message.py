"""Any message as AIVA Desk needs it, read with Python's ``email`` package (modern policy),
never raising: a header that cannot be decoded becomes a problem noted with the message,
and the raw source is kept whatever happens.

The date a customer wrote is when the SLA starts, so the ``Date`` header is used, clamped
to the moment of reading (a clock in the future does not buy time); without a usable date
it is the moment of reading. Attachment names are made safe for any file system.
"""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import logging
import re
from dataclasses import dataclass, field
from email.header import decode_header, make_header
from email.headerregistry import HeaderRegistry
from email.message import EmailMessage, Message
from email.utils import getaddresses, parseaddr, parsedate_to_datetime
from functools import lru_cache
from typing import Any

from aiva_desk.inbound.html_text import html_to_text
from aiva_desk.inbound.machine_mail import machine_reason
from aiva_desk.validation import storable, strip_controls

log = logging.getLogger(__name__)

MAX_SUBJECT = 300
_ID = re.compile(r"<[^<>\s\x00-\x1f\x7f\ud800-\udfff]+>")
_UNSAFE_NAME = re.compile(r'[\x00-\x1f\x7f/\\:*?"<>|]+')
HEADER_CACHE = 4096  # parsed header values kept (many messages share Content-Type & co)


class _HeaderClasses(HeaderRegistry):
    """The standard header classes, each put together once: the standard registry builds
    a new class for every header it parses, a good part of what reading a message costs."""

    def __init__(self) -> None:
        super().__init__()
        self._made: dict[type, type] = {}

    def __getitem__(self, name: str) -> type:
        base = self.registry.get(name.lower(), self.default_class)
        made = self._made.get(base)
        if made is None:
            made = self._made[base] = super().__getitem__(name)
        return made


_PARSING = email.policy.default.clone(header_factory=_HeaderClasses())


@lru_cache(maxsize=HEADER_CACHE)
def _parsed_header(name: str, value: str) -> Any:
    return _PARSING.header_fetch_parse(name, value)


class _ReadingPolicy(email.policy.EmailPolicy):
    """The modern policy, remembering parsed header values: walking a message reads its
    Content-Type many times, and parsing a header is the costly part of reading mail.
    Parsed headers are immutable, so sharing them between messages is safe."""

    def header_fetch_parse(self, name: str, value: Any) -> Any:
        if hasattr(value, "name"):
            return value
        return _parsed_header(name, value)


READING = _ReadingPolicy()


@dataclass(frozen=True)
class InboundAttachment:
    filename: str
    content_type: str
    data: bytes


@dataclass(frozen=True)
class InboundMail:
    """One received message. ``text`` is the body as text (HTML converted);
    ``quoted_html`` the history an HTML body quoted, apart; ``machine`` says why a machine
    sent it (an auto-reply, a bounce, a mailing list…), None for a person's mail."""

    raw: bytes
    message_id: str | None
    refers_to: tuple[str, ...]  # In-Reply-To and References, newest first
    from_name: str
    from_address: str  # lower case; "" when the sender cannot be read
    to: tuple[str, ...]
    subject: str
    written_at: dt.datetime
    text: str
    quoted_html: str = ""
    attachments: tuple[InboundAttachment, ...] = ()
    machine: str | None = None
    problems: tuple[str, ...] = field(default=())


def _header(message: Message, name: str, problems: list[str]) -> str:
    try:
        value = message.get(name)
        return "" if value is None else " ".join(str(value).split())
    except Exception as exc:  # a header the parser cannot decode: say so, read on
        if raw := _decoded_raw(message, name):
            problems.append(f"The {name} header was malformed; it was read as plain text.")
            return raw
        problems.append(f"The {name} header could not be read ({type(exc).__name__}).")
        return ""


def _decoded_raw(message: Message, name: str) -> str:
    """The header's encoded-words decoded without the parser's structure (an encoded line
    break in a display name makes the structured parser give up on the whole header)."""
    try:
        for key, value in message.raw_items():
            if key.lower() == name.lower():
                text = str(make_header(decode_header(str(value))))
                return " ".join(strip_controls(text).split())
    except Exception:
        return ""
    return ""


def _clean(name: str, value: str, problems: list[str]) -> str:
    """``value`` without the control characters and unpaired surrogates a header of ours
    could never carry: received mail is kept, not refused, so it is cleaned and noted."""
    cleaned = strip_controls(value)
    if cleaned != value.strip():
        problems.append(f"The {name} held control characters; they were removed.")
        log.warning("Control characters removed from the %s of a received message", name)
    return cleaned


def _ids(text: str) -> list[str]:
    return _ID.findall(text)


def _written_at(text: str, now: dt.datetime, problems: list[str]) -> dt.datetime:
    if not text:
        return now
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        problems.append(
            f"The Date header “{text[:60]}” is not a date; the time it arrived is used."
        )
        return now
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return min(when.astimezone(dt.UTC), now)


def safe_filename(name: str | None, fallback: str) -> str:
    """A file name any file system takes: no path, no control or reserved characters."""
    cleaned = _UNSAFE_NAME.sub("_", (name or "").replace("\\", "/").rsplit("/", 1)[-1])
    cleaned = cleaned.strip(" .")[:150]
    return cleaned or fallback


def _content(part: Message) -> str | bytes | None:
    try:
        return part.get_content() if isinstance(part, EmailMessage) else part.get_payload()
    except Exception:  # an unknown charset or a broken transfer encoding
        payload = part.get_payload(decode=True)
        if isinstance(payload, bytes):
            return payload.decode("utf-8", errors="replace")
        return None


def _text_part(message: EmailMessage) -> Message | None:
    try:
        body = message.get_body(preferencelist=("plain", "html"))
    except Exception:
        body = None
    if body is None:  # a delivery report, or parts no client would show as the body
        body = next(
            (
                part
                for part in message.walk()
                if part.get_content_maintype() == "text" and not part.get_filename()
            ),
            None,
        )
    return body


def _first_text_section(payload: str) -> Message | None:
    """The first text section of a multipart body whose boundary does not match its
    header (as some old clients wrote them), found by the separator lines themselves."""
    separator = next(
        (line.rstrip() for line in payload.splitlines() if line.startswith("--") and len(line) > 8),
        None,
    )
    if separator is None:
        return None
    sections = [email.message_from_string(section.lstrip("\r\n"), policy=READING)
                for section in payload.split(separator)[1:]]  # fmt: skip
    texts = [part for part in sections if part.get_content_maintype() == "text"]
    plain = [part for part in texts if part.get_content_subtype() == "plain"]
    return (plain or texts or [None])[0]


def _as_text(content: str, html: bool) -> tuple[str, str]:
    if html:
        return html_to_text(content)
    return content.replace("\r\n", "\n").strip(), ""


def _body(message: EmailMessage, body: Message | None, problems: list[str]) -> tuple[str, str]:
    if body is None:
        payload = message.get_payload()
        if message.get_content_maintype() == "multipart" and isinstance(payload, str):
            problems.append(
                "Its parts are not marked as the standard says; read as well as can be."
            )
            body = _first_text_section(payload)
            if body is None:
                return _as_text(payload, "<html" in payload.lower())
        else:
            return "", ""
    content = _content(body)
    if isinstance(content, bytes):
        content = content.decode("utf-8", errors="replace")
    if content is None:
        problems.append("The message's text could not be decoded.")
        return "", ""
    return _as_text(content, body.get_content_type() == "text/html")


def _attachments(message: EmailMessage, body_parts: set[int]) -> list[InboundAttachment]:
    found = []
    for number, part in enumerate(message.walk(), start=1):
        if part.is_multipart() or id(part) in body_parts:
            continue
        disposition = part.get_content_disposition()
        name = None
        try:
            name = part.get_filename()
        except Exception:
            name = None
        if disposition != "attachment" and not name:
            continue
        if part.get_content_type() == "message/rfc822":
            data = part.as_bytes() if not part.is_multipart() else b""
            payload = part.get_payload()
            if isinstance(payload, list) and payload:
                data = payload[0].as_bytes()
        else:
            payload = part.get_payload(decode=True)
            data = payload if isinstance(payload, bytes) else b""
        fallback = f"attachment-{number}"
        found.append(
            InboundAttachment(safe_filename(name, fallback), part.get_content_type(), data)
        )
    return found


def read_mail(raw: bytes, now: dt.datetime) -> InboundMail:
    """``raw`` as an :class:`InboundMail`; never raises."""
    problems: list[str] = []
    message = email.message_from_bytes(raw, policy=READING)
    assert isinstance(message, EmailMessage)
    if message.defects:
        problems.append(
            "The message is malformed ("
            + ", ".join(sorted({type(d).__name__ for d in message.defects}))
            + "); it was read as far as possible."
        )
    sender = _header(message, "From", problems)
    from_name, from_address = parseaddr(sender)
    from_name = _clean("sender's name", from_name, problems)
    from_address = _clean("sender's address", from_address, problems)
    if "@" not in from_address or " " in from_address:
        from_address = ""
    to = tuple(
        strip_controls(address).lower()
        for _name, address in getaddresses([_header(message, "To", problems)])
        if "@" in address and " " not in strip_controls(address)
    )
    message_ids = _ids(_header(message, "Message-ID", problems))
    refers = _ids(_header(message, "In-Reply-To", problems))
    refers += [
        i for i in reversed(_ids(_header(message, "References", problems))) if i not in refers
    ]
    body = _text_part(message)
    text, quoted_html = _body(message, body, problems)
    if storable(text) != text or storable(quoted_html) != quoted_html:
        problems.append("The text held characters that cannot be stored; each is shown as �.")
        text, quoted_html = storable(text), storable(quoted_html)
    try:
        attachments = _attachments(message, {id(body)} if body is not None else set())
    except Exception as exc:
        problems.append(f"Attachments could not be read ({type(exc).__name__}).")
        attachments = []
    return InboundMail(
        raw=raw,
        message_id=message_ids[0] if message_ids else None,
        refers_to=tuple(refers),
        from_name=from_name.strip(),
        from_address=from_address.strip().lower(),
        to=to,
        subject=_clean("subject", _header(message, "Subject", problems), problems)[:MAX_SUBJECT],
        written_at=_written_at(_header(message, "Date", problems), now, problems),
        text=text,
        quoted_html=quoted_html,
        attachments=tuple(attachments),
        machine=machine_reason(message, from_address),
        problems=tuple(problems),
    )
