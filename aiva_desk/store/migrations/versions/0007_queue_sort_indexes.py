"""Indexes for sorting the queue by status or assignee, and for open views by last update.

At 100,000 tickets, sorting by status, category or assignee sorted the whole queue
by the key (~30 ms); the queue now reads those keys value by value, in id order,
which (status) and (assignee_id) give directly (category_id has its index already):
~3.5 ms. An open view in its default order (newest change first) read 10,000 open
tickets' rows to sort them (~16 ms); (status, updated_at) answers it from the index
(~0.3 ms).

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-26
"""

from __future__ import annotations

from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("tickets", schema=None) as batch_op:
        batch_op.create_index(
            "ix_tickets_status_updated_at", ["status", "updated_at"], unique=False
        )
        batch_op.create_index("ix_tickets_status", ["status"], unique=False)
        batch_op.create_index("ix_tickets_assignee_id", ["assignee_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("tickets", schema=None) as batch_op:
        batch_op.drop_index("ix_tickets_assignee_id")
        batch_op.drop_index("ix_tickets_status")
        batch_op.drop_index("ix_tickets_status_updated_at")
