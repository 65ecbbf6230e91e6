"""Input checks shared by the dialogs, the CLI and the service layer."""

from __future__ import annotations

import re
from functools import lru_cache

from email_validator import EmailNotValidError, validate_email

from aiva_desk.errors import ValidationError

MAX_EMAIL = 320  # characters: RFC 5321's 64 before the @ and 255 after


@lru_cache(maxsize=4096)
def email_problem(address: str) -> str | None:
    """Why ``address`` is not a usable e-mail address, or ``None`` if it is.

    Syntax only: a help desk must accept addresses on private domains, so no DNS lookup.
    Cached: a check costs, and a batch of mail repeats its senders.
    """
    address = address.strip()
    if not address:
        return "Enter the customer's e-mail address."
    if len(address) > MAX_EMAIL:
        return f"The e-mail address is longer than {MAX_EMAIL} characters."
    if _SURROGATE.search(address) or _NOT_IN_A_LINE.search(address):
        return "The e-mail address must be one line, without control characters."
    try:
        validate_email(address, check_deliverability=False)
    except EmailNotValidError as exc:
        return f"“{address}” is not a valid e-mail address: {exc}"
    return None


@lru_cache(maxsize=4096)
def normalize_email(address: str) -> str:
    """The canonical form used to find a customer again: lower-cased, as help desks match.
    Cached (a check costs, and a batch of mail repeats its senders); a refused address
    raises each time."""
    result = validate_email(address.strip(), check_deliverability=False)
    return result.normalized.lower()


def require(problems: dict[str, str], field: str, value: str | None, label: str) -> None:
    if not (value or "").strip():
        problems[field] = f"{label} is required."


def raise_if_problems(problems: dict[str, str]) -> None:
    if problems:
        raise ValidationError(problems)


# Line ends a mail header would split at, and the other control characters no name holds.
_NOT_IN_A_LINE = re.compile(r"[\x00-\x1f\x7f\x85\u2028\u2029]")
_SURROGATE = re.compile(r"[\ud800-\udfff]")


def text_problem(label: str, value: object) -> str | None:
    """Why ``value`` cannot be stored as text: an unpaired surrogate (no encoding holds
    it) or a NUL character (PostgreSQL's text refuses it)."""
    if isinstance(value, str):
        if _SURROGATE.search(value):
            return f"{label} contains a character that cannot be stored (an unpaired surrogate)."
        if "\x00" in value:
            return f"{label} contains a NUL character, which cannot be stored."
    return None


def line_problem(label: str, value: object) -> str | None:
    """Why ``value`` cannot be a one-line field (a name, an address, a subject): a line
    break or control character there breaks every mail header it later goes into."""
    if problem := text_problem(label, value):
        return problem
    if isinstance(value, str) and _NOT_IN_A_LINE.search(value):
        return f"{label} must be one line, without line breaks or control characters."
    return None


def check_text(problems: dict[str, str], field: str, value: object, label: str) -> None:
    """Note in ``problems`` if ``value`` is text that cannot be stored."""
    if field not in problems and (problem := text_problem(label, value)):
        problems[field] = problem


def check_line(
    problems: dict[str, str], field: str, value: object, label: str, most: int = 0
) -> None:
    """Note in ``problems`` if ``value`` is not one storable line (of at most ``most``
    characters, when given: the column's size, which PostgreSQL enforces)."""
    if field in problems:
        return
    if problem := line_problem(label, value):
        problems[field] = problem
    elif most and isinstance(value, str) and len(value.strip()) > most:
        problems[field] = f"{label} is longer than {most} characters."


def strip_controls(value: str) -> str:
    """``value`` as one clean line: control characters and unpaired surrogates become
    spaces (for what arrives from outside and must be kept, not refused)."""
    return " ".join(_SURROGATE.sub(" ", _NOT_IN_A_LINE.sub(" ", value)).split())


def storable(value: str) -> str:
    """``value`` without what no text column holds (unpaired surrogates, NUL), each
    replaced by U+FFFD: for text that arrives from outside and must be kept."""
    return _SURROGATE.sub("\ufffd", value.replace("\x00", "\ufffd"))
