"""Input checks shared by the dialogs, the CLI and the service layer."""

from __future__ import annotations

from functools import lru_cache

from email_validator import EmailNotValidError, validate_email

from aiva_desk.errors import ValidationError


@lru_cache(maxsize=4096)
def email_problem(address: str) -> str | None:
    """Why ``address`` is not a usable e-mail address, or ``None`` if it is.

    Syntax only: a help desk must accept addresses on private domains, so no DNS lookup.
    Cached: a check costs, and a batch of mail repeats its senders.
    """
    address = address.strip()
    if not address:
        return "Enter the customer's e-mail address."
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
