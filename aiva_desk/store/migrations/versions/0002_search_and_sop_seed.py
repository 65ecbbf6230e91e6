"""Full-text search index (SQLite FTS5) and the SOP's seed data.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

# The SOP's "Ticket Categories" table: name, description, priority, SLA hours.
SOP_CATEGORIES = [
    ("System Outage", "Platform completely down", 1, 1),
    ("Agent Issues", "Agent not working properly", 2, 4),
    ("Integration Issues", "Shopify, Chat widget problems", 2, 4),
    ("Knowledge Base", "Document upload, search issues", 3, 24),
    ("User Management", "Login, permissions issues", 3, 24),
    ("Billing", "Credits, payments", 2, 4),
    ("Feature Request", "New features", 4, 72),
    ("General Question", "How-to questions", 4, 24),
]

FIRST_TICKET_NUMBER = 1001

# Index the tickets a database already holds (as this revision's index defines them).
INDEX_EXISTING = """
INSERT INTO ticket_search(rowid, subject, description, troubleshooting, communications, notes)
SELECT t.id, t.subject,
  t.description || ' ' || t.expected_behavior || ' ' || t.actual_behavior || ' ' ||
  t.reproduction_steps || ' ' || t.error_messages || ' ' || t.root_cause || ' ' ||
  t.solution || ' ' || t.steps_taken,
  (SELECT group_concat(e.title || ' ' || e.checked || ' ' || e.found || ' ' || e.action, ' ')
     FROM troubleshooting_entries e WHERE e.ticket_id = t.id),
  (SELECT group_concat(c.subject || ' ' || c.body, ' ')
     FROM communications c WHERE c.ticket_id = t.id),
  (SELECT group_concat(n.body, ' ') FROM internal_notes n WHERE n.ticket_id = t.id)
FROM tickets t
"""


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        op.execute(
            "CREATE VIRTUAL TABLE ticket_search USING fts5("
            "subject, description, troubleshooting, communications, notes, "
            "tokenize = 'unicode61 remove_diacritics 2')"
        )
        op.execute(INDEX_EXISTING)
    categories = sa.table(
        "categories",
        sa.column("name", sa.String),
        sa.column("description", sa.Text),
        sa.column("default_priority", sa.Integer),
        sa.column("sla_hours", sa.Float),
        sa.column("sort_order", sa.Integer),
        sa.column("active", sa.Boolean),
    )
    op.bulk_insert(
        categories,
        [
            {
                "name": name,
                "description": description,
                "default_priority": priority,
                "sla_hours": hours,
                "sort_order": index,
                "active": True,
            }
            for index, (name, description, priority, hours) in enumerate(SOP_CATEGORIES)
        ],
    )
    counters = sa.table("counters", sa.column("name", sa.String), sa.column("value", sa.Integer))
    op.bulk_insert(counters, [{"name": "ticket_number", "value": FIRST_TICKET_NUMBER - 1}])


def downgrade() -> None:
    op.execute("DELETE FROM counters WHERE name = 'ticket_number'")
    op.execute("DELETE FROM categories")
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TABLE ticket_search")
