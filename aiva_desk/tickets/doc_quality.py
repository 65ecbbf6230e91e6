"""The SOP's Documentation Standards as hints: flag vague entries, never block.

"Restarted the service" tells the next agent nothing; "Restarted API service using:
pm2 restart api" does. An entry is specific when it names a command, a setting, a
value, a path or a before/after state, or a concrete next step: who or what it waits
on ("confirming with billing", "waiting for the customer's HAR file"). Vague ones get
the SOP's good example; a bare placeholder ("None", "tbd", "n/a") is always vague.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# The SOP's own bad → good pairs, matched on the bad phrase.
SOP_EXAMPLES = [
    (
        re.compile(r"\brestart(ed)? (the )?service\b", re.I),
        "Restarted API service using: pm2 restart api",
    ),
    (
        re.compile(r"\bfix(ed)? (the )?config(uration)?\b", re.I),
        "Changed max_tokens from 4096 to 1024 in agent settings",
    ),
    (
        re.compile(r"\buser had wrong settings?\b", re.I),
        "Knowledge Base Search was disabled. Enabled in Agent > Settings > Tools",
    ),
]
GENERAL_HINT = (
    "Be specific: name the command, setting or value, and the state before and after "
    '(e.g. "API credits balance was $0.00" → "Added $100 credits to tenant account").'
)

_SPECIFIC = [
    re.compile(r"\d"),  # a value, a version, an amount, an id
    re.compile(r"[`\"'“”].+?[`\"'“”]"),  # quoted text: a message, a setting
    re.compile(r"\b\w+[_./:>-]\w+"),  # code-ish tokens: max_tokens, pm2/api, v1.2
    re.compile(r"\w+ > \w+"),  # a menu path: Agent > Settings > Tools
    re.compile(r"\b(from|was|before)\b.+\b(to|now|after)\b", re.I),  # before → after
    re.compile(r"\b(using|via|command|ran|executed)\b", re.I),
]
MIN_WORDS = 3

# Whole entries that say nothing, whatever tokens they contain ("n/a" looks code-ish).
_PLACEHOLDERS = frozenset(
    [
        "none",
        "nothing",
        "n/a",
        "na",
        "tbd",
        "tbc",
        "todo",
        "checked",
        "done",
        "fixed",
        "ok",
        "same",
        "see",
        "above",
        "-",
        "?",
        "...",
    ]
)
# A next step: an action ("confirming", "waiting", "asked") then, past small words, the
# party or thing it names ("billing", "HAR"). "Working on it" names nothing.
_NEXT_STEP = re.compile(
    r"\b(?P<verb>[a-z]{3,}ing|asked|emailed|called|escalated|requested|sent)\s+"
    r"(?:(?:with|for|on|to|from|by|about|the|a|an|our|their|his|her|its|\w+['’]s)\s+)*"
    r"(?P<object>[\w'’]{3,})",
    re.I,
)
_NOT_VERBS = frozenset(
    ["nothing", "something", "anything", "everything", "during", "morning", "evening"]
)
_FILLER_OBJECTS = frozenset(
    [
        "it",
        "this",
        "that",
        "these",
        "those",
        "stuff",
        "things",
        "something",
        "anything",
        "everything",
        "into",
        "issue",
        "problem",
        "more",
        "further",
        "again",
        "now",
        "still",
    ]
)


@dataclass(frozen=True)
class Hint:
    text: str
    good_example: str | None


def documentation_hints(entry: str) -> list[Hint]:
    """Hints for one troubleshooting or resolution entry; empty when it is specific."""
    text = " ".join(entry.split())
    if not text:
        return []
    if _is_placeholder(text):
        return [Hint(GENERAL_HINT, None)]
    hints = [
        Hint(f"“{match.group(0)}” is what the SOP calls too vague.", good)
        for pattern, good in SOP_EXAMPLES
        if (match := pattern.search(text)) and not _is_specific(text)
    ]
    if not hints and (len(text.split()) < MIN_WORDS or not _is_specific(text)):
        hints.append(Hint(GENERAL_HINT, None))
    return hints


def _is_placeholder(text: str) -> bool:
    bare = text.strip(" .!;,").lower()
    return bare in _PLACEHOLDERS or bare.rstrip(" .!;,?") in _PLACEHOLDERS


def _names_next_step(text: str) -> bool:
    for match in _NEXT_STEP.finditer(text):
        verb, thing = match.group("verb").lower(), match.group("object").lower()
        if verb not in _NOT_VERBS and thing not in _FILLER_OBJECTS:
            return True
    return False


def _is_specific(text: str) -> bool:
    return any(pattern.search(text) for pattern in _SPECIFIC) or _names_next_step(text)
