"""The SOP's "Be clear: use simple language, avoid jargon" as a check on customer mail.

What a customer cannot read is usually text copied from the investigation: an error
code (``INSUFFICIENT_CREDITS``), a database column (``tenants.credit_balance``), a
query, a stack trace or another tenant's id. Each is found with the words to
rephrase, as advice (never a block), like the Language Guidelines of
:mod:`aiva_desk.mail.tone`. The patterns are narrow on purpose: ordinary acronyms
(URL, PDF, SSO, API, P1), domain and file names, version numbers and the customer's
own ids pass.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from aiva_desk.store.models import Ticket

ERROR_CODE = "error code"
DATABASE_NAME = "database name"
SQL = "database query"
STACK_TRACE = "stack trace"
INTERNAL_ID = "internal id"

ADVICE = {
    ERROR_CODE: "Say what it means for the customer instead of the code.",
    DATABASE_NAME: "Describe the setting or value in plain words, not its database name.",
    SQL: "Leave the query out; say what was checked or changed.",
    STACK_TRACE: "Leave the trace out; say what went wrong in a sentence.",
    INTERNAL_ID: "This id is not the customer's own: leave it out or name what it is.",
}

_NOT_AFTER = r"(?<![\w@/.:-])"  # not inside an address, a path or a longer name
_NOT_BEFORE = r"(?![\w-]|\.\w|[\w.-]*@)"

# (kind, pattern); flags per pattern so SQL keywords in prose ("select … from") pass.
_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    (STACK_TRACE, re.compile(r"Traceback \(most recent call last\):?")),
    (STACK_TRACE, re.compile(r'\bFile "[^"\n]+", line \d+')),
    (STACK_TRACE, re.compile(r"\bat (?:[\w$]+\.)+[\w$<>]+\((?:[\w$.]+:\d+|[^)\n]*)\)?")),
    (STACK_TRACE, re.compile(r"\bat [\w$.<>]+ \([^)\n]*:\d+:\d+\)")),
    (STACK_TRACE, re.compile(r"\b(?:[a-z]\w*\.)+[A-Z]\w*(?:Exception|Error)\b")),
    (STACK_TRACE, re.compile(r"\b[A-Z][a-z]\w*(?:Exception|Error): ")),
    (SQL, re.compile(r"\bSELECT\s+(?:\*|[\w.,\s()]+?)\s+FROM\s+\w+[^\n]*")),
    (SQL, re.compile(r"\bselect\s+\*\s+from\s+\w+[^\n]*", re.IGNORECASE)),
    (SQL, re.compile(r"\bUPDATE\s+\w+\s+SET\s+[^\n]*", re.IGNORECASE)),
    (SQL, re.compile(r"\b(?:DELETE\s+FROM|INSERT\s+INTO)\s+\w+[^\n]*")),
    (SQL, re.compile(r"\bWHERE\s+[\w.]+\s*(?:=|<>|!=|\bIS\b)[^\n]*")),
    (ERROR_CODE, re.compile(_NOT_AFTER + r"[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+" + _NOT_BEFORE)),
    (
        ERROR_CODE,
        re.compile(r"\bE(?:CONN[A-Z]+|NOENT|TIMEDOUT|ACCES|ADDRINUSE|PIPE|HOSTUNREACH)\b"),
    ),
    (ERROR_CODE, re.compile(r"\b0x[0-9A-Fa-f]{6,}\b")),
    (
        DATABASE_NAME,
        re.compile(_NOT_AFTER + r"[a-z][a-z0-9_]*\.[a-z][a-z0-9]*_[a-z0-9_]+" + _NOT_BEFORE),
    ),
    (DATABASE_NAME, re.compile(_NOT_AFTER + r"[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*(?=\s*(?:=|!=|<>))")),
    (INTERNAL_ID, re.compile(_NOT_AFTER + r"[a-z]{1,5}[-_]\d{3,}" + _NOT_BEFORE)),
    (
        INTERNAL_ID,
        re.compile(r"\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b", re.I),
    ),
)
# Words that come before a year or a count, not before an id: "pre-2020", "mid-2026".
_NOT_ID_PREFIXES = {"pre", "post", "mid", "late", "early", "since", "until", "covid", "iso", "rfc"}


@dataclass(frozen=True)
class JargonFinding:
    kind: str  # ERROR_CODE, DATABASE_NAME, SQL, STACK_TRACE or INTERNAL_ID
    text: str  # what was found, to rephrase
    start: int  # offsets in the checked text
    end: int

    @property
    def advice(self) -> str:
        return ADVICE[self.kind]


def check_jargon(text: str, own_ids: Collection[str] = ()) -> list[JargonFinding]:
    """What in ``text`` looks internal, in order; ``own_ids`` (the customer's tenant id,
    the ticket number) are the customer's own and pass."""
    own = {value.strip().casefold() for value in own_ids if value and value.strip()}
    findings: list[JargonFinding] = []
    taken: list[tuple[int, int]] = []
    for kind, pattern in _PATTERNS:
        for match in pattern.finditer(text):
            start, end = match.span()
            found = match.group().rstrip(" .,;:")
            end = start + len(found)
            if kind == INTERNAL_ID and _is_not_an_id(found, own):
                continue
            if any(start < e and s < end for s, e in taken):
                continue  # part of something found already (a column in a query)
            taken.append((start, end))
            findings.append(JargonFinding(kind, found, start, end))
    return sorted(findings, key=lambda finding: finding.start)


def _is_not_an_id(found: str, own: set[str]) -> bool:
    prefix = re.split(r"[-_]", found, maxsplit=1)[0].casefold()
    return found.casefold() in own or prefix in _NOT_ID_PREFIXES


def own_ids(ticket: Ticket | None) -> list[str]:
    """The ids a ticket's customer may read: their tenant's and the ticket number.

    ``ticket`` as ``TicketService.get`` gives it (its customer and organization loaded).
    """
    if ticket is None:
        return []
    customer = ticket.customer
    organization = customer.organization if customer else None
    values = (
        customer.tenant_id if customer else None,
        organization.tenant_id if organization else None,
        str(ticket.number),
    )
    return [value for value in values if value]
