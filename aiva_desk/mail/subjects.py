"""Subjects as the SOP writes them: ``Re: [Original Subject] - Ticket #[NUMBER]``.

Customers' clients add their own prefixes (Re:, RE:, AW:, Fwd:) and may already
carry the ticket tag; a reply never stacks them and never loses the number.
"""

from __future__ import annotations

import re

_PREFIX = re.compile(r"^\s*((re|aw|sv|fwd?|wg)\s*(\[\d+\])?\s*:\s*|\[urgent\]\s*)+", re.IGNORECASE)
_SUFFIXES = re.compile(
    r"(\s*-\s*(need more info|escalated|still investigating|resolved|feedback))+\s*$",
    re.IGNORECASE,
)


def _ticket_tag(number: int) -> re.Pattern[str]:
    return re.compile(rf"\s*-?\s*\[?ticket\s*#\s*{number}\]?(?!\d)", re.IGNORECASE)


def original_subject(subject: str, number: int | None = None) -> str:
    """The customer's own words: reply prefixes, our suffixes and our ticket tag removed."""
    text = _PREFIX.sub("", subject.strip())
    if number is not None:
        text = _ticket_tag(number).sub("", text)
    text = _SUFFIXES.sub("", text)
    return text.strip(" -") or subject.strip()


def reply_subject(subject: str, number: int, *, suffix: str = "", urgent: bool = False) -> str:
    """``Re: <original> - Ticket #<number>[ - <suffix>]``, ``[URGENT]`` first for P1."""
    text = f"Re: {original_subject(subject, number)} - Ticket #{number}"
    if suffix:
        text += f" - {suffix}"
    return f"[URGENT] {text}" if urgent else text
