"""The variables of a made-up ticket, for checking a template before any ticket exists.

The template editor validates an edit by rendering it against a real ticket's
variables (:func:`aiva_desk.mail.context.context_for`). On a fresh install there is
no ticket yet; rather than keep a second, hand-written list of variables that would
drift from the real one, a sample ticket is written inside a transaction that is
rolled back, and the one context builder fills the variables from it. Nothing of it
stays in the database: not the ticket, its customer, nor a ticket number.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import exc as sa_exc
from sqlalchemy import select
from sqlalchemy.orm import Session

from aiva_desk import clock
from aiva_desk.errors import NotFoundError
from aiva_desk.mail.context import Signer, ticket_context
from aiva_desk.store.database import Database, translate_db_error
from aiva_desk.store.models import Category, Customer, Ticket
from aiva_desk.tickets.service import due_date, next_ticket_number

SAMPLE_SUBJECT = "Sample ticket"
SAMPLE_CUSTOMER = ("Sample Customer", "sample.customer@example.com")


def sample_context(db: Database, signer: Signer) -> dict[str, Any]:
    """Every template variable, filled from a sample ticket that is never stored."""
    try:
        with db.engine.connect() as conn:
            transaction = conn.begin()
            try:
                with Session(bind=conn, expire_on_commit=False) as session:
                    return _fill(session, signer, clock.now())
            finally:
                transaction.rollback()
    except sa_exc.DBAPIError as exc:
        raise translate_db_error(exc, db.display_name) from exc


def _fill(session: Session, signer: Signer, now: dt.datetime) -> dict[str, Any]:
    category = session.scalars(
        select(Category).order_by(Category.active.desc(), Category.sort_order, Category.id)
    ).first()
    if category is None:
        raise NotFoundError("There is no ticket category to make a sample ticket with.")
    name, email = SAMPLE_CUSTOMER
    ticket = Ticket(
        number=next_ticket_number(session),
        subject=SAMPLE_SUBJECT,
        customer=Customer(name=name, email=email),
        category=category,
        priority=category.default_priority,
        reported_at=now,
        sla_due_at=due_date(session, now, category, category.default_priority),
        description="A sample description of the problem.",
        customer_explanation="A sample explanation, in plain words, of what was wrong.",
        customer_fix="A sample description of what was fixed.",
        customer_steps="Nothing: it works again now.",
        customer_prevention="A sample tip on how to avoid it in future.",
    )
    session.add(ticket)
    session.flush()
    return ticket_context(session, ticket, signer, now)
