"""The run's database is the one it says: SQLite by default, PostgreSQL in the second pass."""

from __future__ import annotations

from sqlalchemy import text

from aiva_desk.demo.generate import generate_demo
from aiva_desk.tickets.service import NewTicket
from tests.helpers.postgres_server import on_postgresql


def test_the_tests_database_is_the_backend_the_run_asked_for(context) -> None:
    expected = "postgresql" if on_postgresql() else "sqlite"
    assert context.db.engine.dialect.name == expected
    with context.db.engine.connect() as conn:
        version = conn.scalar(text("SELECT version()" if on_postgresql() else "SELECT 1"))
    assert version is not None and (not on_postgresql() or version.startswith("PostgreSQL"))


def test_rows_added_after_the_seed_and_the_demo_get_new_ids(context) -> None:
    # Seed data and demo rows carry explicit ids; on PostgreSQL the id sequences must
    # still move past them, or the agent's first own ticket collides with id 1.
    generate_demo(context.db, tickets=3, seed=1)
    service = context.tickets
    ticket = service.create(
        NewTicket(
            subject="After the demo",
            customer_name="Ada Lovelace",
            customer_email="ada@example.com",
            category_id=service.categories()[0].id,
            description="A new one",
            organization="A brand-new organization",
        )
    )
    assert ticket.number == 1004
    assert service.get(ticket.id).customer.organization.name == "A brand-new organization"
