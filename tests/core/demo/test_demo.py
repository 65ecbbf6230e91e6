"""Demo data: realistic coverage, determinism per seed, consistent indexes."""

import datetime as dt

import pytest
from sqlalchemy import func, select, text

from aiva_desk.demo.generate import generate_demo
from aiva_desk.domain import TicketStatus
from aiva_desk.store.models import (
    AuditEntry,
    Category,
    Communication,
    Escalation,
    Organization,
    Ticket,
    TroubleshootingEntry,
)

pytestmark = pytest.mark.time_sensitive  # run again at other instants and zones

NOW = dt.datetime(2026, 11, 26, 12, 0, tzinfo=dt.UTC)


def _scalar(db, query):
    with db.read_session() as session:
        return session.scalar(query)


def test_demo_covers_every_category_status_and_record_kind(context):
    db = context.db
    summary = generate_demo(db, tickets=400, seed=7, now=NOW)
    assert (summary.first_number, summary.last_number) == (1001, 1400)
    with db.read_session() as session:
        statuses = set(session.scalars(select(Ticket.status).distinct()))
        used = set(session.scalars(select(Ticket.category_id).distinct()))
        all_categories = set(session.scalars(select(Category.id)))
        oldest = session.scalar(select(func.min(Ticket.reported_at)))
        breached_closed = session.scalar(select(func.count()).where(Ticket.sla_met.is_(False)))
        overdue_open = session.scalar(
            select(func.count()).where(
                Ticket.status != TicketStatus.CLOSED, Ticket.sla_due_at < NOW
            )
        )
    assert statuses == set(TicketStatus)
    assert used == all_categories
    assert NOW - oldest > dt.timedelta(days=150)
    assert breached_closed > 0 and overdue_open > 0
    for model in (Organization, Communication, TroubleshootingEntry, Escalation, AuditEntry):
        assert _scalar(db, select(func.count()).select_from(model)) > 0, model.__name__
    if db.engine.dialect.name == "sqlite":  # the full-text index is SQLite's FTS5 table
        indexed = _scalar(db, text("SELECT count(*) FROM ticket_search"))
        assert indexed == 400


def test_demo_is_deterministic_for_a_seed(tmp_path):
    from aiva_desk.app_context import open_desk_database

    def snapshot(name, seed):
        db = open_desk_database(f"sqlite:///{tmp_path / name}")
        generate_demo(db, tickets=120, seed=seed, now=NOW)
        with db.read_session() as session:
            rows = session.execute(
                select(Ticket.number, Ticket.subject, Ticket.status, Ticket.reported_at).order_by(
                    Ticket.number
                )
            ).all()
        db.dispose()
        return rows

    assert snapshot("a.sqlite3", 5) == snapshot("b.sqlite3", 5)
    assert snapshot("c.sqlite3", 6) != snapshot("d.sqlite3", 5)


def test_demo_adds_to_an_existing_database_with_fresh_numbers(context):
    from aiva_desk.tickets.service import NewTicket

    category = context.tickets.categories()[0]
    context.tickets.create(NewTicket("Mine", "Ann", "ann@example.com", category.id, "d"))
    summary = generate_demo(context.db, tickets=30, seed=1, now=NOW)
    assert summary.first_number == 1002
    assert context.tickets.search("Mine") != []
