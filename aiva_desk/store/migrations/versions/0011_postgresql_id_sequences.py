"""PostgreSQL: move each table's id sequence past the ids the seed data was given.

Migrations 0004 and 0006 insert the SOP's calendars and checklists with explicit
ids (other seed rows refer to them). SQLite picks the next id from the table, but a
PostgreSQL sequence does not move for explicit ids, so the first calendar or
checklist an agent added collided with id 1. Nothing to do on SQLite.

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-26
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    inspector = sa.inspect(bind)
    for table in inspector.get_table_names():
        if "id" not in {column["name"] for column in inspector.get_columns(table)}:
            continue
        quoted = bind.dialect.identifier_preparer.quote(table)
        bind.execute(
            sa.text(
                "SELECT setval(s, GREATEST("
                f"COALESCE((SELECT max(id) FROM {quoted}), 0) + 1,"
                " COALESCE(pg_sequence_last_value(s::regclass) + 1, 1)), false)"
                " FROM (SELECT pg_get_serial_sequence(:t, 'id') AS s) AS seq WHERE s IS NOT NULL"
            ),
            {"t": table},
        )


def downgrade() -> None:
    pass  # the sequences may stay ahead of the ids
