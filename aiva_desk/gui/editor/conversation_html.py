"""The customer communication log as one conversation, in rich text.

The customer's mails and our answers in time order, each a card saying who wrote, when
and about what: the customer's on the left with an accent edge, ours indented from the
left on a neutral ground, mail a machine sent (a bounce, an auto-reply) muted. A
received mail shows the customer's own words; its quoted history and signature are
folded behind a "Show quoted text" link, and "View original" opens the whole message.

Every piece of text — above all the customer's — is escaped: their HTML is never
rendered, so no script runs and no remote image loads. Colours come from the palette
(:func:`conversation_style`), so the cards read in light and dark alike.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from email.utils import formataddr, getaddresses, parseaddr

from PySide6.QtGui import QColor, QPalette

from aiva_desk.domain import Direction
from aiva_desk.gui.common.formatting import local_time
from aiva_desk.gui.common.rich_text import esc, text_block
from aiva_desk.store.models import Communication

QUOTED_LINK = "aiva-quoted:"  # + the Communication's id: fold or unfold its quoted text
ORIGINAL_LINK = "aiva-original:"  # + the Communication's id: its whole original message
SEND_DRAFT_LINK = "aiva-send-draft:"  # + the draft Communication's id
SHOW_QUOTED, HIDE_QUOTED = "Show quoted text", "Hide quoted text"
# Kinds a machine's mail is logged under; a bounce is "Delivery failure".
MACHINE_KINDS = frozenset({"Delivery failure", "Automatic reply", "Auto-reply"})
MACHINE_SENDERS = ("mailer-daemon@", "postmaster@", "noreply@", "no-reply@", "do-not-reply@")
CUSTOMER_KIND = "Customer e-mail"
_REPLY_PREFIX = re.compile(r"^\s*(re|aw|sv|fw|fwd|wg|tr)\s*(\[\d+\])?\s*:\s*", re.IGNORECASE)
_TICKET_TAG = re.compile(r"\s*[-–]?\s*\[?ticket\s*#\s*\d+\]?\s*$", re.IGNORECASE)
US = "Support"


@dataclass(frozen=True)
class Customer:
    """Who the ticket's customer is, to name their mail by name."""

    name: str
    email: str


def _mix(a: QColor, b: QColor, amount: float) -> str:
    """``a`` moved ``amount`` of the way towards ``b``, as #rrggbb."""
    return QColor(
        round(a.red() + (b.red() - a.red()) * amount),
        round(a.green() + (b.green() - a.green()) * amount),
        round(a.blue() + (b.blue() - a.blue()) * amount),
    ).name()


def conversation_style(palette: QPalette) -> str:
    """The cards' colours for ``palette``: tints of its base towards its highlight (the
    customer) and its text (us), so both stay readable on a light or a dark ground."""
    base = palette.color(QPalette.ColorRole.Base)
    text = palette.color(QPalette.ColorRole.Text)
    accent = palette.color(QPalette.ColorRole.Highlight)
    muted = _mix(text, base, 0.38)
    return (
        f" td.in {{ background-color: {_mix(base, accent, 0.10)};"
        f" border-left: 3px solid {accent.name()}; }}"
        f" td.out {{ background-color: {_mix(base, text, 0.06)};"
        f" border-left: 3px solid {_mix(base, text, 0.30)}; }}"
        f" td.machine {{ color: {muted}; border-left: 3px dashed {_mix(base, text, 0.25)}; }}"
        f" td.draft {{ border-left: 3px dashed {_mix(base, text, 0.30)}; }}"
        f" p.who {{ margin-bottom: 2px; }}"
        f" p.quoted {{ color: {muted}; }}"
    )


def is_machine(message: Communication) -> bool:
    """Mail a machine sent rather than the customer: logged, never a conversation turn."""
    if message.kind in MACHINE_KINDS:
        return True
    sender = (message.sender or "").lower()
    return message.direction is Direction.INBOUND and sender.startswith(MACHINE_SENDERS)


def _person(address: str, customer: Customer | None) -> str:
    """A "Name <address>" or bare address as the card names it: the customer by name."""
    name, email = parseaddr(address)
    if customer is not None and email and email.lower() == customer.email.lower():
        return customer.name or email
    return name or email or address


def _who(message: Communication, customer: Customer | None) -> tuple[str, str]:
    """(who wrote it, a muted detail) for the card's first line."""
    sender = (message.sender or "").strip()
    if message.direction is Direction.INBOUND:
        if not sender:
            return "Unknown sender", ""
        email = parseaddr(sender)[1] or sender
        return _person(sender, customer), email
    pairs = getaddresses([message.recipients or ""])
    to = [_person(formataddr(pair), customer) for pair in pairs if any(pair)]
    return US, f"to {', '.join(to)}" if to else ""


def _card_class(message: Communication) -> str:
    if message.draft:
        return "draft"
    if is_machine(message):
        return "machine"
    return "in" if message.direction is Direction.INBOUND else "out"


def _kind(message: Communication) -> str:
    kind = message.kind or ""
    if message.draft:
        return f"Draft, not sent: {kind or 'message'}"
    if kind == CUSTOMER_KIND:
        return ""  # the card says as much
    return kind


def topic(subject: str) -> str:
    """A subject without its "Re:"/"Fwd:" prefixes and "- Ticket #N" tag: the same topic
    is not repeated on every card of a conversation."""
    text = _TICKET_TAG.sub("", subject or "")
    while (shorter := _REPLY_PREFIX.sub("", text, count=1)) != text:
        text = shorter
    return " ".join(text.split()).casefold()


def message_html(
    message: Communication,
    customer: Customer | None = None,
    *,
    unfolded: bool = False,
    show_subject: bool = True,
) -> str:
    """One message as a card (a one-cell table, which Qt's rich text can colour);
    ``show_subject``: False when it only repeats the message before."""
    card = _card_class(message)
    who, detail = _who(message, customer)
    meta = [part for part in (detail, _kind(message), local_time(message.at)) if part]
    head = f'<p class="who"><b>{esc(who)}</b> <span class="muted">{esc(" · ".join(meta))}</span>'
    head += "</p>"
    subject = message.subject.strip()
    body = head + (f"<p><b>{esc(subject)}</b></p>" if subject and show_subject else "")
    body += text_block(message.body, "(no text of their own; see the original)")
    links = []
    quoted = (message.quoted or "").strip()
    if quoted:
        label = HIDE_QUOTED if unfolded else SHOW_QUOTED
        links.append(f'<a href="{QUOTED_LINK}{esc(message.id)}">{label}</a>')
    if message.original_sha256:
        links.append(f'<a href="{ORIGINAL_LINK}{esc(message.id)}">View original</a>')
    if message.draft:
        links.append(
            f'<a href="{SEND_DRAFT_LINK}{esc(message.id)}">Send…</a> '
            '<span class="muted">Open this draft in the composer</span>'
        )
    if links:
        body += "<p>" + " · ".join(links) + "</p>"
    if quoted and unfolded:
        body += '<p class="quoted">' + esc(quoted).replace("\n", "<br>") + "</p>"
    # Ours sit indented from the left, the customer's from the right: a conversation.
    side = "left" if message.direction is Direction.OUTBOUND else "right"
    return (
        f'<table width="100%" cellspacing="0" cellpadding="8" '
        f'style="margin-top: 6px; margin-bottom: 4px; margin-{side}: 48px">'
        f'<tr><td class="{card}">{body}</td></tr></table>'
    )


def conversation_html(
    messages: Sequence[Communication],
    customer: Customer | None = None,
    unfolded: Collection[int] = (),
) -> str:
    """The whole log, oldest first (ties in the order they were logged); the messages
    whose ids are in ``unfolded`` show their quoted text."""
    if not messages:
        return text_block("", "No messages logged yet.")
    body, previous = "", None
    for message in sorted(messages, key=lambda m: (m.at, m.id or 0)):
        new_topic = topic(message.subject) != previous
        previous = topic(message.subject)
        body += message_html(
            message, customer, unfolded=message.id in unfolded, show_subject=new_topic
        )
    return body
