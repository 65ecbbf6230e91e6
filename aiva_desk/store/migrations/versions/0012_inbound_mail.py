"""Customers' mail coming in: a received message keeps its quoted history apart and its
whole original (by SHA-256, in the attachment store); replies are matched to tickets by
Message-ID and a message is taken in once (both indexed); a ticket made from mail marks its category as a guess.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("communications", schema=None) as batch_op:
        batch_op.add_column(sa.Column("quoted", sa.Text(), server_default="", nullable=False))
        batch_op.add_column(sa.Column("original_sha256", sa.String(length=64), nullable=True))
        batch_op.create_index("ix_communications_message_id", ["message_id"], unique=False)
        batch_op.create_index(
            "ix_communications_original_sha256", ["original_sha256"], unique=False
        )
    with op.batch_alter_table("tickets", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("category_guessed", sa.Boolean(), server_default=sa.false(), nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table("tickets", schema=None) as batch_op:
        batch_op.drop_column("category_guessed")
    with op.batch_alter_table("communications", schema=None) as batch_op:
        batch_op.drop_index("ix_communications_original_sha256")
        batch_op.drop_index("ix_communications_message_id")
        batch_op.drop_column("original_sha256")
        batch_op.drop_column("quoted")
