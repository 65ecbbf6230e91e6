"""Build the exact bytes of an outgoing message: headers, text, HTML alternative, files.

Built once, when the agent queues the message, and stored; every retry sends
these bytes, so what goes out is what the agent saw.
"""

from __future__ import annotations

import datetime as dt
import mimetypes
from dataclasses import dataclass
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime, make_msgid
from pathlib import Path

from aiva_desk.mail.addresses import format_list, refuse_line_breaks
from aiva_desk.mail.errors import AddressProblem
from aiva_desk.mail.message_templates import RenderedMessage, render_html
from aiva_desk.validation import text_problem

# Python folds long non-ASCII headers at a space between two encoded-words, and
# readers drop the whitespace between encoded-words (RFC 2047): "— 日本語" would
# arrive as "—日本語". Headers are therefore written on one line (up to RFC 5322's
# 998 characters); the body's lines are encoded at the usual width by set_content.
UNFOLDED_HEADERS = SMTP.clone(max_line_length=998)


@dataclass(frozen=True)
class FilePart:
    filename: str
    path: Path
    mime_type: str = ""


def new_message_id(sender: Address) -> str:
    return make_msgid(idstring="aiva", domain=sender.domain or "aiva-desk.local")


def build(
    *,
    sender: Address,
    to: list[Address],
    cc: list[Address],
    reply_to: Address | None,
    subject: str,
    body: str,
    message_id: str,
    in_reply_to: str = "",
    references: str = "",
    files: tuple[FilePart, ...] = (),
    automatic: bool = False,
    now: dt.datetime,
) -> bytes:
    """RFC 5322 bytes (CRLF line ends), UTF-8 text with an escaped HTML alternative."""
    refuse_line_breaks("subject", subject)
    refuse_line_breaks("Message-ID", message_id)
    refuse_line_breaks("In-Reply-To header", in_reply_to)
    refuse_line_breaks("References header", references)
    for role, people in (("sender", [sender]), ("recipient", [*to, *cc])):
        for person in people:
            refuse_line_breaks(f"{role}'s name", person.display_name)
            refuse_line_breaks(f"{role}'s address", person.addr_spec)
    if reply_to is not None:
        refuse_line_breaks("Reply-To address", str(reply_to))
    if problem := text_problem("The message text", body):
        raise AddressProblem(problem)
    message = EmailMessage(policy=SMTP)
    message["From"] = sender
    message["To"] = format_list(to)
    if cc:
        message["Cc"] = format_list(cc)
    if reply_to is not None:
        message["Reply-To"] = reply_to
    message["Subject"] = subject
    message["Date"] = format_datetime(now)
    message["Message-ID"] = message_id
    if in_reply_to:
        message["In-Reply-To"] = in_reply_to
    if references:
        message["References"] = references
    if automatic:  # RFC 3834: other auto-responders must not answer it
        message["Auto-Submitted"] = "auto-replied"
    message.set_content(body, charset="utf-8")
    message.add_alternative(render_html(RenderedMessage(subject, body)), subtype="html")
    for part in files:
        kind = part.mime_type or mimetypes.guess_type(part.filename)[0]
        maintype, _, subtype = (kind or "application/octet-stream").partition("/")
        message.add_attachment(
            part.path.read_bytes(), maintype=maintype, subtype=subtype, filename=part.filename
        )
    return message.as_bytes(policy=UNFOLDED_HEADERS)
