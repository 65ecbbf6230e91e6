"""Customer satisfaction (score 1-5 and comment), the closure reason (self-service
resolutions count for their own rate) and the weekly review's notes.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-26
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

REASONS = ("", "support", "self_service", "duplicate", "no_response")


def upgrade() -> None:
    with op.batch_alter_table("tickets", schema=None) as batch_op:
        batch_op.add_column(sa.Column("satisfaction_score", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column("satisfaction_comment", sa.Text(), server_default="", nullable=False)
        )
        batch_op.add_column(
            sa.Column(
                "closure_reason",
                sa.Enum(*REASONS, name="closurereason", native_enum=False, length=32),
                server_default="",
                nullable=False,
            )
        )
    op.create_table(
        "weekly_reviews",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("week", sa.String(length=10), nullable=False),
        sa.Column("documentation", sa.Text(), nullable=False),
        sa.Column("procedures", sa.Text(), nullable=False),
        sa.Column("training", sa.Text(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("updated_by", sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_weekly_reviews")),
        sa.UniqueConstraint("week", name=op.f("uq_weekly_reviews_week")),
    )


def downgrade() -> None:
    op.drop_table("weekly_reviews")
    with op.batch_alter_table("tickets", schema=None) as batch_op:
        batch_op.drop_column("closure_reason")
        batch_op.drop_column("satisfaction_comment")
        batch_op.drop_column("satisfaction_score")
