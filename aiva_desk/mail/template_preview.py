"""The ticket a template preview renders against, and the variables the template editor
offers (Settings → Templates shows them).

:func:`load_ticket` reads the database (the GUI runs it on a worker thread)
and builds a ticket's variables once (:func:`aiva_desk.mail.context.context_for`),
or a sample ticket's when there is none (:mod:`aiva_desk.mail.sample`);
:func:`variables` and :func:`snippet` say what the page lists and inserts.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from aiva_desk.errors import AivaError
from aiva_desk.mail.context import context_for
from aiva_desk.mail.sample import sample_context
from aiva_desk.mail.service import MailService
from aiva_desk.store.models import Customer, Ticket

NO_TICKETS = (
    "No tickets yet: the preview fills a template with a ticket's details, so it starts "
    "with the first ticket. Until then a template is checked against a sample ticket "
    "when you apply it."
)


@dataclass(frozen=True)
class ChosenTicket:
    """The ticket the preview renders against, and its variables."""

    number: int | None  # None: the sample (there are no tickets)
    label: str
    values: dict[str, Any]


def variables(values: dict[str, Any]) -> list[tuple[str, Any]]:
    """``(name, value)`` for every variable, nested ones as ``ticket.root_cause``."""
    found: list[tuple[str, Any]] = []
    for name, value in values.items():
        if isinstance(value, dict):
            found.extend((f"{name}.{key}", inner) for key, inner in value.items())
        elif dataclasses.is_dataclass(value) and not isinstance(value, type):
            found.extend(
                (f"{name}.{f.name}", getattr(value, f.name)) for f in dataclasses.fields(value)
            )
        else:
            found.append((name, value))
    return found


def snippet(name: str, value: Any) -> str:
    """What a double click on a variable inserts: the value, or a loop over a list."""
    if isinstance(value, list | tuple):
        return f"{{% for item in {name} %}}\n- {{{{ item }}}}\n{{% endfor %}}\n"
    return f"{{{{ {name} }}}}"


def shown_value(value: Any) -> str:
    if isinstance(value, list | tuple):
        return "; ".join(str(v) for v in value) or "(empty list)"
    text = " ".join(str(value).split())
    return text or "(empty)"


def load_ticket(mail: MailService, number: int | None) -> ChosenTicket:
    """The ticket ``number`` (None: the latest) and its variables; reads the database."""
    signer = mail.signer(mail.default_account())
    with mail.db.read_session() as session:
        query = select(Ticket.id, Ticket.number, Ticket.subject, Customer.name).join(
            Customer, Customer.id == Ticket.customer_id
        )
        if number is None:
            query = query.order_by(Ticket.reported_at.desc(), Ticket.id.desc()).limit(1)
        else:
            query = query.where(Ticket.number == number)
        row = session.execute(query).first()
    if row is None:
        if number is not None:
            raise AivaError(f"There is no ticket #{number}.")
        return ChosenTicket(None, NO_TICKETS, sample_context(mail.db, signer))
    ticket_id, found, subject, customer = row
    return ChosenTicket(found, f"{customer} — {subject}", context_for(mail.db, ticket_id, signer))
