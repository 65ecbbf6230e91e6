"""Migrations: an empty database reaches head matching the models; a populated
database of the first schema upgrades with its data intact and a backup first."""

import sqlite3

from alembic.autogenerate import compare_metadata
from alembic.command import upgrade
from alembic.runtime.migration import MigrationContext
from sqlalchemy import create_engine, select

from aiva_desk.app_context import open_desk_database
from aiva_desk.store.database import _alembic_config, head_revision
from aiva_desk.store.models import Base, Category, Ticket


def test_empty_database_upgrades_to_a_schema_matching_the_models(tmp_path):
    db = open_desk_database(f"sqlite:///{tmp_path / 'a.sqlite3'}")
    with db.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    # The FTS table is ours but not a model; everything else must match exactly.
    diff = [
        d for d in diff if not (d[0] == "remove_table" and d[1].name.startswith("ticket_search"))
    ]
    assert diff == []
    with db.read_session() as session:
        names = session.scalars(select(Category.name).order_by(Category.sort_order)).all()
    assert names[0] == "System Outage" and len(names) == 8
    db.dispose()


def _database_at_first_schema(path):
    engine = create_engine(f"sqlite:///{path}")
    config = _alembic_config()
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        upgrade(config, "0001")
    engine.dispose()
    with sqlite3.connect(path) as conn:
        conn.execute(
            "INSERT INTO categories (id, name, description, default_priority, "
            "sla_hours, sort_order, active) VALUES (1, 'Legacy', '', 2, 4, 0, 1)"
        )
        conn.execute("INSERT INTO customers (id, name, email) VALUES (1, 'Ann', 'ann@x.org')")
        conn.execute(
            "INSERT INTO tickets (id, number, version, subject, status, category_id, priority, "
            "reported_at, customer_id, description, expected_behavior, actual_behavior, "
            "started_when, consistency, users_affected, recent_changes, reproduction_steps, "
            "reproduction_conditions, agent_ref, knowledge_base_ref, browser, operating_system, "
            "error_messages, console_errors, network_errors, root_cause, solution, steps_taken, "
            "verification, prevention, escalation_level, reopen_count, customer_satisfied, "
            "added_to_kb, time_spent_minutes, created_at, updated_at) VALUES (1, 1001, 3, "
            "'Widget gone', 'investigating', 1, 2, '2026-01-02 03:04:05', 1, 'legacy words', '', "
            "'', '', 'unknown', '', '', '', '', '', '', '', '', '', '', '', '', '', '', '', '', "
            "0, 0, 'pending', 0, 0, '2026-01-02 03:04:05', '2026-01-02 03:04:05')"
        )


def test_populated_first_schema_database_upgrades_with_backup(tmp_path):
    path = tmp_path / "a.sqlite3"
    backups = tmp_path / "backups"
    _database_at_first_schema(path)

    db = open_desk_database(f"sqlite:///{path}", backups_dir=backups)
    with db.read_session() as session:
        ticket = session.scalars(select(Ticket)).one()
        assert (ticket.number, ticket.subject, ticket.version) == (1001, "Widget gone", 3)
    with db.read_session() as session:  # the upgrade indexed the existing ticket
        assert session.scalars(db.search.matching_ids("legacy")).all() == [1]
        ticket = session.get(Ticket, 1)  # and started its SLA clocks
        assert ticket.next_deadline_kind == "acknowledge" and ticket.next_alert_at is not None
    db.dispose()

    copies = list(backups.glob("*.sqlite3"))
    assert len(copies) == 1
    with sqlite3.connect(copies[0]) as conn:
        assert conn.execute("SELECT version_num FROM alembic_version").fetchone() == ("0001",)
        assert conn.execute("SELECT subject FROM tickets").fetchall() == [("Widget gone",)]
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT version_num FROM alembic_version").fetchone() == (
            head_revision(),
        )


def test_reopening_a_current_database_changes_nothing(tmp_path):
    path = tmp_path / "a.sqlite3"
    backups = tmp_path / "backups"
    open_desk_database(f"sqlite:///{path}", backups_dir=backups).dispose()
    open_desk_database(f"sqlite:///{path}", backups_dir=backups).dispose()
    assert not backups.exists() or not list(backups.iterdir())
