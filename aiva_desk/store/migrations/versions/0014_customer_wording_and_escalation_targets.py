"""What the customer is told, kept apart from the internal resolution fields (what was
wrong, what was fixed, what they need to do, how to avoid it), and who an escalation
was handed to (a staff member, or a role's queue) and when they first saw it.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

CUSTOMER_WORDING = (
    "customer_explanation",
    "customer_fix",
    "customer_steps",
    "customer_prevention",
)


def upgrade() -> None:
    with op.batch_alter_table("tickets", schema=None) as batch_op:
        for name in CUSTOMER_WORDING:
            batch_op.add_column(sa.Column(name, sa.Text(), server_default="", nullable=False))
    with op.batch_alter_table("escalations", schema=None) as batch_op:
        batch_op.add_column(sa.Column("to_staff_id", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column("to_role", sa.String(length=32), server_default="", nullable=False)
        )
        batch_op.add_column(sa.Column("seen_at", sa.DateTime(), nullable=True))
        batch_op.create_foreign_key(
            "fk_escalations_to_staff_id_staff", "staff", ["to_staff_id"], ["id"]
        )
        batch_op.create_index("ix_escalations_to_staff_id", ["to_staff_id"])


def downgrade() -> None:
    with op.batch_alter_table("escalations", schema=None) as batch_op:
        batch_op.drop_index("ix_escalations_to_staff_id")
        batch_op.drop_constraint("fk_escalations_to_staff_id_staff", type_="foreignkey")
        batch_op.drop_column("seen_at")
        batch_op.drop_column("to_role")
        batch_op.drop_column("to_staff_id")
    with op.batch_alter_table("tickets", schema=None) as batch_op:
        for name in reversed(CUSTOMER_WORDING):
            batch_op.drop_column(name)
