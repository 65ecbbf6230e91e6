"""A reply's own words apart from the history it quotes and the signature under it.

The agent reads what the customer wrote now; the quoted history and the signature are
folded away, never thrown away (the whole message is kept). The rules are the ones mail
clients leave behind:

* an attribution line ("On Tue, 3 Apr 2012, Bob wrote:", also split over up to three
  lines, its German, French, Spanish, Dutch, Portuguese and Russian forms, or a date and
  an address ending in a colon), a quoted message's head ("From: … Sent: … To: …", in
  those languages too) or a separator line ("-----Original Message-----") starts the
  history, unless ``>``-quoted lines after it are followed by more of the customer's own
  words (an answer written below or between the quotes, which stays);
* other ``>``-quoted lines are history too (a reply written between the quotes keeps
  only its own lines);
* a signature starts at a ``-- `` line or a "Sent from my …" line near the end.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_ATTRIBUTION = re.compile(
    r"^\s*(On\s.+wrote|Am\s.+schrieb.*|Le\s.+a\s+écrit|El\s.+escribió|Op\s.+schreef.*"
    r"|Em\s.+escreveu)\s*:?\s*$",
    re.IGNORECASE,
)
# "02.04.2012 14:20 Bob <bob@example.com> написал:", "26.06.2014, 14:41, "Bob" <b@x.org>:"
_DATED_ATTRIBUTION = re.compile(
    r"^\s*(\w{2,3},?\s+)?\d.*(@|wrote|написал|schrieb|écrit|escribió).*(wrote|написал|schrieb|écrit|escribió|>)"
    r"\s*:\s*$",
    re.IGNORECASE,
)
_SEPARATOR = re.compile(
    r"^\s*(-{2,}\s*(Original Message|Ursprüngliche Nachricht|Message d'origine|Исходное сообщение)"
    r"\s*-{2,}|_{10,}|-{20,})\s*$",
    re.IGNORECASE,
)
_HEADER_NAMES = (
    "From|Von|De|От|Sent|Gesendet|Envoyé|Отправлено|Date|Datum|Дата|To|An|À|Кому|Subject"
    "|Betreff|Objet|Тема|Cc"
)
_HEADER = re.compile(rf"^\s*\*?({_HEADER_NAMES})\s*:\*?(\s|$)", re.IGNORECASE)
_SIGNATURE = re.compile(
    r"^(--\s*|__\s*|Sent from my (\S+\s*){1,4}|Sent with .+|Get Outlook for .+"
    r"|Von meinem .+ gesendet|Envoyé de mon .+)$",
    re.IGNORECASE,
)
HEADER_BLOCK = 3  # header lines ("From:", "Sent:", "To:"…) that make a quoted message's head
SIGNATURE_LINES = 12  # a signature is the end of a reply, not its middle


@dataclass(frozen=True)
class ReplyParts:
    """``text``: the customer's words now; ``signature`` and ``quoted`` are folded away;
    ``reply``: the words and the signature as written (what a reply trimmer keeps)."""

    text: str
    signature: str
    quoted: str
    reply: str


def _blank(line: str) -> bool:
    return not line.strip()


def _quoted(line: str) -> bool:
    return line.lstrip().startswith(">")


def _attribution_end(lines: list[str], index: int) -> int | None:
    """The line after an attribution starting at ``lines[index]`` (up to three lines)."""
    for end in range(index, min(index + 3, len(lines))):
        candidate = " ".join(part.strip() for part in lines[index : end + 1])
        if len(candidate) < 300 and (
            _ATTRIBUTION.match(candidate) or _DATED_ATTRIBUTION.match(candidate)
        ):
            return end + 1
        if not lines[end].strip():
            break
    return None


def _header_block(lines: list[str], index: int) -> bool:
    window = [line for line in lines[index : index + 8] if line.strip()]
    return bool(window) and sum(1 for line in window[:6] if _HEADER.match(line)) >= HEADER_BLOCK


def _history_start(lines: list[str], index: int) -> tuple[int, bool] | None:
    """If quoted history starts at ``lines[index]``: where its first quoted line is, and
    whether it is an attribution (after which an answer may follow the quote)."""
    line = lines[index]
    if _SEPARATOR.match(line) or (_HEADER.match(line) and _header_block(lines, index)):
        return index, False
    end = _attribution_end(lines, index)
    return None if end is None else (end, True)


def _split_history(lines: list[str]) -> tuple[list[str], list[str]]:
    kept: list[str] = []
    quoted: list[str] = []
    index = 0
    while index < len(lines):
        found = _history_start(lines, index)
        if found is None:
            (quoted if _quoted(lines[index]) else kept).append(lines[index])
            index += 1
            continue
        after, attribution = found
        block_end = after
        while block_end < len(lines) and (_quoted(lines[block_end]) or _blank(lines[block_end])):
            block_end += 1
        if attribution and after < block_end < len(lines) and not _history_start(lines, block_end):
            quoted.extend(lines[index:block_end])  # an answer below the quote follows
            index = block_end
            continue
        quoted.extend(lines[index:])
        break
    return kept, quoted


def _split_signature(lines: list[str]) -> tuple[list[str], list[str]]:
    while lines and not lines[-1].strip():
        lines = lines[:-1]
    for index in range(max(0, len(lines) - SIGNATURE_LINES), len(lines)):
        if _SIGNATURE.match(lines[index].rstrip()) and index > 0:
            return lines[:index], lines[index:]
    return lines, []


def _text(lines: list[str]) -> str:
    return "\n".join(line.rstrip() for line in lines).strip("\n").rstrip()


def split_reply(body: str) -> ReplyParts:
    """The customer's new words, their signature and the quoted history of ``body``."""
    lines = body.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    kept, quoted = _split_history(lines)
    words, signature = _split_signature(kept)
    return ReplyParts(_text(words), _text(signature), _text(quoted), _text(kept))
