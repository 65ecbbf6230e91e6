"""The SOP's Language Guidelines as a check: each ❌ phrase found, with its ✅ wording.

Advice, never a block: the agent decides. Matching ignores case, typographic
apostrophes and extra spaces so "We can’t  do that" is caught too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# (phrase to avoid, what the SOP suggests instead)
GUIDELINES: tuple[tuple[str, str], ...] = (
    ("We can't do that", "What we can do is..."),
    ("That's impossible", "Here's an alternative approach..."),
    ("You should have", "For best results, try..."),
    ("You're wrong about", "I understand why that seems like it should work. However..."),
    ("That's not how it works", "Actually, it works a bit differently..."),
)


@dataclass(frozen=True)
class ToneFinding:
    phrase: str  # the guideline phrase
    suggestion: str
    start: int  # offsets in the checked text
    end: int


def _pattern(phrase: str) -> re.Pattern[str]:
    words = [re.escape(word).replace("'", "['’]") for word in phrase.split()]
    return re.compile(r"\b" + r"\s+".join(words) + r"(?!\w)", re.IGNORECASE)


_PATTERNS = [(_pattern(bad), bad, good) for bad, good in GUIDELINES]


def check_tone(text: str) -> list[ToneFinding]:
    """Every phrase the SOP marks ❌, in the order it appears in ``text``."""
    findings = [
        ToneFinding(bad, good, match.start(), match.end())
        for pattern, bad, good in _PATTERNS
        for match in pattern.finditer(text)
    ]
    return sorted(findings, key=lambda finding: finding.start)


def apply_suggestion(text: str, finding: ToneFinding) -> str:
    """``text`` with one finding replaced by the SOP's wording (trailing dots trimmed)."""
    replacement = finding.suggestion.rstrip(".")
    return text[: finding.start] + replacement + text[finding.end :]
