"""Address lists as agents type them, checked before anything is queued.

Syntax only (email-validator, no DNS: help desks serve private domains). A line
break anywhere in a header value is refused: it is how header injection works.
"""

from __future__ import annotations

import re
from email.headerregistry import Address
from email.utils import getaddresses

from email_validator import EmailNotValidError, validate_email

from aiva_desk.mail.errors import AddressProblem

# CR, LF, NUL and the other characters Python treats as line ends in a header
_LINE_BREAK = re.compile(r"[\r\n\x00\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")


MAX_LIST = 100_000  # characters in one address field: thousands of addresses
_UNSENDABLE = re.compile(r"[\x01-\x08\x0e-\x1b\x1f\x7f\ud800-\udfff]")


def refuse_line_breaks(label: str, value: str) -> None:
    """Raise if ``value`` would split a mail header (``Bcc:`` smuggled into a subject), or
    holds what no header can carry (a control character, an unpaired surrogate) — a value
    stored before these checks existed is named here, not met as an unexpected error."""
    if _LINE_BREAK.search(value):
        raise AddressProblem(f"The {label} contains a line break, which a mail header can't hold.")
    if _UNSENDABLE.search(value):
        raise AddressProblem(f"The {label} contains a control character a mail header can't hold.")


def parse_list(label: str, text: str) -> list[Address]:
    """``"Ann <ann@x.org>, bob@y.com"`` → addresses; raise naming the first bad one."""
    if len(text) > MAX_LIST:
        raise AddressProblem(f"{label}: the list is longer than {MAX_LIST:,} characters.")
    refuse_line_breaks(label, text)
    result: list[Address] = []
    for piece in _pieces(text):
        parsed = getaddresses([piece])
        name, address = parsed[0] if len(parsed) == 1 else ("", "")
        if not address or "@" not in address:
            raise AddressProblem(f"{label}: “{piece}” is not an e-mail address.")
        try:
            checked = validate_email(address, check_deliverability=False)
        except EmailNotValidError as exc:
            raise AddressProblem(f"{label}: “{address}” is not a valid address — {exc}") from exc
        local, _, domain = checked.normalized.rpartition("@")
        result.append(Address(display_name=name.strip(), username=local, domain=domain))
    return result


def _pieces(text: str) -> list[str]:
    """Split at commas and semicolons outside quotes and angle brackets
    (``"Smith, John" <john@x.org>; ann@y.com`` is two addresses)."""
    pieces, current, quoted, angle = [], "", False, False
    for char in text:
        if char == '"':
            quoted = not quoted
        elif char == "<" and not quoted:
            angle = True
        elif char == ">" and not quoted:
            angle = False
        if char in ",;" and not quoted and not angle:
            pieces.append(current)
            current = ""
        else:
            current += char
    pieces.append(current)
    return [piece.strip() for piece in pieces if piece.strip()]


def mailbox(name: str, address: str, *, label: str = "customer's") -> str:
    """``"Smith, John" <john@x.org>``: a display name quoted where it needs to be; a name
    or address a header can't hold raises, naming it (``label``: whose it is)."""
    refuse_line_breaks(f"{label} name", name)
    refuse_line_breaks(f"{label} e-mail address", address)
    local, _, domain = address.strip().rpartition("@")
    return str(Address(display_name=name.strip(), username=local, domain=domain))


def format_list(addresses: list[Address]) -> str:
    return ", ".join(str(address) for address in addresses)


def single(label: str, text: str, *, required: bool = True) -> Address | None:
    """Exactly one address (a From or Reply-To field)."""
    addresses = parse_list(label, text)
    if not addresses:
        if required:
            raise AddressProblem(f"{label}: an e-mail address is required.")
        return None
    if len(addresses) > 1:
        raise AddressProblem(f"{label}: enter one address only.")
    return addresses[0]
