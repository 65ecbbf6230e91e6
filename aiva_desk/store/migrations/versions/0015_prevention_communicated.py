"""The Pre-Resolution item "Prevention steps communicated" ticks itself from what the
customer was told about avoiding it (the resolution panel's "How to avoid it"), not from
the internal Prevention field: communicated means told to the customer.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None

ITEMS = sa.table(
    "checklist_template_items",
    sa.column("text", sa.String),
    sa.column("field", sa.String),
)
TEXT = "Prevention steps communicated"


def _point(old: str, new: str) -> None:
    op.execute(ITEMS.update().where(ITEMS.c.text == TEXT, ITEMS.c.field == old).values(field=new))


def upgrade() -> None:
    _point("prevention", "customer_prevention")


def downgrade() -> None:
    _point("customer_prevention", "prevention")
