"""What a customer's answer to "is it fixed? how would you rate us?" seems to offer:
``confirmed`` (the fix works) and/or ``score:N`` (1–5). Only a suggestion for the agent's
one click (the SOP's step 6 wants the customer's confirmation, its review the 1–5
satisfaction score); nothing is recorded from it.

Only the customer's own words are read (never the quoted history, which holds our own
"please confirm it works"), and a confirmation in a negated sentence ("not resolved",
"still broken", "doesn't work") is none.
"""

from __future__ import annotations

import re

from aiva_desk.domain import TicketStatus

# Templates whose answer carries the customer's verdict (mail/message_templates.py keys).
ASKS_FOR_CONFIRMATION = ("resolution_confirmation", "solution")
AWAITING = (TicketStatus.AWAITING_CONFIRMATION,)

_CONFIRMS = re.compile(
    r"\b(it\s+works|works\s+(now|again|fine|great|perfectly)|(is\s+)?working\s+(now|again|fine)"
    r"|confirm(ed)?|resolved|fixed|solved|you\s+can\s+close(\s+(it|this|the\s+ticket))?"
    r"|please\s+close|all\s+good|looks\s+good\s+now)\b",
    re.IGNORECASE,
)
_NEGATED = re.compile(
    r"\b(not|isn'?t|aren'?t|wasn'?t|hasn'?t|haven'?t|doesn'?t|don'?t|didn'?t|can'?t|cannot"
    r"|won'?t|never|no\s+longer|nothing)\s+(\w+\s+){0,2}?"
    r"(work\w*|resolved|fixed|solved|confirm\w*|close\w*|good)\b"
    r"|\bstill\s+(broken|fail\w*|not|an?\s+(issue|problem)|happen\w*|the\s+same|down|there)\b"
    r"|\b(broken|fails|failing)\b",
    re.IGNORECASE,
)
_SCORES = (
    re.compile(r"(?<![\d/])(?<!\d\.)([1-5])\s*(/|out\s+of|of)\s*5(?!\d|/|\.\d)", re.IGNORECASE),
    re.compile(
        r"\b(?:score|rating|rate|rated|grade)\s*[:=]?\s*([1-5])(?!\d|/|\.\d)", re.IGNORECASE
    ),
)
_ALONE = re.compile(r"^\W*([1-5])\W*$")  # the whole answer is the digit
_STARS = re.compile(r"([★⭐]{1,5})([☆]{0,4})")


def sounds_unresolved(words: str) -> bool:
    """Whether the customer says it still does not work."""
    return bool(_NEGATED.search(words))


def score_in(words: str) -> int | None:
    """A 1–5 score the customer gave: "5", "5/5", "score: 4", "4 out of 5", "★★★★☆"."""
    if match := _ALONE.match(words.strip()):
        return int(match[1])
    for pattern in _SCORES:
        if match := pattern.search(words):
            return int(match[1])
    match = _STARS.search(words)
    if match and len(match[1]) + len(match[2]) <= 5:
        return len(match[1])
    return None


def detect_offer(words: str) -> str:
    """Space-separated ``confirmed`` and ``score:N`` found in the customer's own words."""
    tokens = []
    if _CONFIRMS.search(words) and not sounds_unresolved(words):
        tokens.append("confirmed")
    if (score := score_in(words)) is not None:
        tokens.append(f"score:{score}")
    return " ".join(tokens)
