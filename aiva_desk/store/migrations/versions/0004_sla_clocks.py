"""SLA clocks: calendars, per-priority policies, running/paused segments, fired alerts,
and each ticket's next deadline and next alert (indexed for the scheduler).

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-26
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

OFFICE_HOURS = {str(day): [["09:00", "17:00"]] for day in range(5)}
WHOLE_WEEK = {str(day): [["00:00", "00:00"]] for day in range(7)}
# priority: acknowledge, first response, update every, updates before deadline,
# escalate within (minutes; None = only at the breach), calendar id
SOP_POLICIES = [
    (1, 30, 30, 30, 0, 0, 1),
    (2, 30, 120, 240, 2, 240, 2),
    (3, 30, 240, 1440, 0, 1440, 2),
    (4, 30, 1440, 1440, 0, None, 2),
]


def _local_zone() -> str:
    """The machine's IANA zone for the office calendar, UTC when it cannot be told."""
    name = os.environ.get("TZ", "").lstrip(":")
    if "/" in name:
        return name
    try:
        target = str(Path("/etc/localtime").resolve())
    except OSError:
        return "UTC"
    return target.split("zoneinfo/", 1)[1] if "zoneinfo/" in target else "UTC"


def upgrade() -> None:
    calendars = op.create_table(
        "calendars",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("tz", sa.String(length=64), nullable=False),
        sa.Column("hours_json", sa.Text(), nullable=False),
        sa.Column("holidays_json", sa.Text(), nullable=False),
        sa.Column("country", sa.String(length=8), nullable=True),
        sa.Column("subdivision", sa.String(length=16), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_calendars")),
        sa.UniqueConstraint("name", name=op.f("uq_calendars_name")),
    )
    policies = op.create_table(
        "sla_policies",
        sa.Column("priority", sa.Integer(), nullable=False),
        sa.Column("acknowledge_minutes", sa.Integer(), nullable=False),
        sa.Column("first_response_minutes", sa.Integer(), nullable=False),
        sa.Column("update_every_minutes", sa.Integer(), nullable=True),
        sa.Column("updates_before_deadline", sa.Integer(), nullable=False),
        sa.Column("escalate_within_minutes", sa.Integer(), nullable=True),
        sa.Column("calendar_id", sa.Integer(), nullable=False),
        sa.Column("warn_fractions", sa.String(length=60), nullable=False),
        sa.Column("warn_before_minutes", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["calendar_id"], ["calendars.id"], name=op.f("fk_sla_policies_calendar_id_calendars")
        ),
        sa.PrimaryKeyConstraint("priority", name=op.f("pk_sla_policies")),
    )
    op.create_table(
        "sla_segments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        sa.Column("started_at", sa.DateTime(), nullable=False),
        sa.Column("ended_at", sa.DateTime(), nullable=True),
        sa.Column("running", sa.Boolean(), nullable=False),
        sa.Column("reason", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ["ticket_id"],
            ["tickets.id"],
            name=op.f("fk_sla_segments_ticket_id_tickets"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sla_segments")),
    )
    op.create_index(
        "ix_sla_segments_ticket_id_started_at", "sla_segments", ["ticket_id", "started_at"]
    )
    op.create_table(
        "sla_alerts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("due_at", sa.DateTime(), nullable=False),
        sa.Column("level", sa.String(length=16), nullable=False),
        sa.Column("alert_at", sa.DateTime(), nullable=False),
        sa.Column("fired_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["ticket_id"],
            ["tickets.id"],
            name=op.f("fk_sla_alerts_ticket_id_tickets"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sla_alerts")),
        sa.UniqueConstraint("ticket_id", "kind", "due_at", "level", name="uq_sla_alerts_once"),
    )
    with op.batch_alter_table("tickets", schema=None) as batch_op:
        batch_op.add_column(sa.Column("next_deadline_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("next_deadline_kind", sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column("next_alert_at", sa.DateTime(), nullable=True))
        batch_op.add_column(
            sa.Column("sla_paused", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch_op.create_index("ix_tickets_next_alert_at", ["next_alert_at"], unique=False)
        batch_op.create_index("ix_tickets_next_deadline_at", ["next_deadline_at"], unique=False)

    op.bulk_insert(
        calendars,
        [
            {"id": 1, "name": "24x7", "tz": "UTC", "hours_json": json.dumps(WHOLE_WEEK),
             "holidays_json": "[]", "country": None, "subdivision": None},
            {"id": 2, "name": "Business hours", "tz": _local_zone(),
             "hours_json": json.dumps(OFFICE_HOURS), "holidays_json": "[]", "country": None,
             "subdivision": None},
        ],
    )  # fmt: skip
    op.bulk_insert(
        policies,
        [
            {"priority": p, "acknowledge_minutes": ack, "first_response_minutes": first,
             "update_every_minutes": every, "updates_before_deadline": before,
             "escalate_within_minutes": escalate, "calendar_id": calendar,
             "warn_fractions": "0.75,0.9", "warn_before_minutes": 10}
            for p, ack, first, every, before, escalate, calendar in SOP_POLICIES
        ],
    )  # fmt: skip


def downgrade() -> None:
    with op.batch_alter_table("tickets", schema=None) as batch_op:
        batch_op.drop_index("ix_tickets_next_deadline_at")
        batch_op.drop_index("ix_tickets_next_alert_at")
        batch_op.drop_column("sla_paused")
        batch_op.drop_column("next_alert_at")
        batch_op.drop_column("next_deadline_kind")
        batch_op.drop_column("next_deadline_at")
    op.drop_table("sla_alerts")
    op.drop_index("ix_sla_segments_ticket_id_started_at", table_name="sla_segments")
    op.drop_table("sla_segments")
    op.drop_table("sla_policies")
    op.drop_table("calendars")
