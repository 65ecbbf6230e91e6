"""Saved queue views, and indexes for the queue's sort orders.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "saved_views",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("owner", sa.String(length=200), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("filter_json", sa.Text(), nullable=False),
        sa.Column("sort_key", sa.String(length=40), nullable=False),
        sa.Column("descending", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_saved_views")),
        sa.UniqueConstraint("owner", "name", name="uq_saved_views_owner_name"),
    )
    with op.batch_alter_table("tickets", schema=None) as batch_op:
        batch_op.create_index("ix_tickets_subject", ["subject"], unique=False)
        batch_op.create_index("ix_tickets_priority", ["priority"], unique=False)
        batch_op.create_index("ix_tickets_escalation_level", ["escalation_level"], unique=False)
    with op.batch_alter_table("customers", schema=None) as batch_op:
        batch_op.create_index("ix_customers_name", ["name"], unique=False)
        batch_op.create_index("ix_customers_organization_id", ["organization_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("customers", schema=None) as batch_op:
        batch_op.drop_index("ix_customers_organization_id")
        batch_op.drop_index("ix_customers_name")
    with op.batch_alter_table("tickets", schema=None) as batch_op:
        batch_op.drop_index("ix_tickets_escalation_level")
        batch_op.drop_index("ix_tickets_priority")
        batch_op.drop_index("ix_tickets_subject")
    op.drop_table("saved_views")
