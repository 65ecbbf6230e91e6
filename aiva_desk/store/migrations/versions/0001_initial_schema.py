"""Initial schema: every field of the SOP ticket template, audit log, counters.

Revision ID: 0001
Revises:
Create Date: 2026-11-26
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table(
        "categories",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("default_priority", sa.Integer(), nullable=False),
        sa.Column("sla_hours", sa.Double(), nullable=False),
        sa.Column("sort_order", sa.Integer(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_categories")),
        sa.UniqueConstraint("name", name=op.f("uq_categories_name")),
    )
    op.create_table(
        "counters",
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column("value", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_counters")),
    )
    op.create_table(
        "organizations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("tenant_id", sa.String(length=100), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_organizations")),
        sa.UniqueConstraint("name", name=op.f("uq_organizations_name")),
    )
    op.create_table(
        "staff",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=False),
        sa.Column(
            "role",
            sa.Enum(
                "agent",
                "senior_support",
                "development",
                name="staffrole",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_staff")),
        sa.UniqueConstraint("email", name=op.f("uq_staff_email")),
    )
    op.create_table(
        "tags",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=60), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tags")),
        sa.UniqueConstraint("name", name=op.f("uq_tags_name")),
    )
    op.create_table(
        "customers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=False),
        sa.Column("organization_id", sa.Integer(), nullable=True),
        sa.Column(
            "role",
            sa.Enum(
                "Admin",
                "Agent Manager",
                "Client",
                name="customerrole",
                native_enum=False,
                length=32,
            ),
            nullable=True,
        ),
        sa.Column("tenant_id", sa.String(length=100), nullable=True),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_customers_organization_id_organizations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_customers")),
        sa.UniqueConstraint("email", name=op.f("uq_customers_email")),
    )
    op.create_table(
        "tickets",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("subject", sa.String(length=300), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "new",
                "acknowledged",
                "triaged",
                "investigating",
                "resolving",
                "waiting_on_customer",
                "awaiting_confirmation",
                "closed",
                "reopened",
                name="ticketstatus",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("category_id", sa.Integer(), nullable=True),
        sa.Column("priority", sa.Integer(), nullable=True),
        sa.Column("reported_at", sa.DateTime(), nullable=False),
        sa.Column("sla_due_at", sa.DateTime(), nullable=True),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("assignee_id", sa.Integer(), nullable=True),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("expected_behavior", sa.Text(), nullable=False),
        sa.Column("actual_behavior", sa.Text(), nullable=False),
        sa.Column("started_when", sa.String(length=200), nullable=False),
        sa.Column(
            "consistency",
            sa.Enum(
                "unknown",
                "consistent",
                "intermittent",
                name="consistency",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("users_affected", sa.String(length=100), nullable=False),
        sa.Column("recent_changes", sa.Text(), nullable=False),
        sa.Column("reproduction_steps", sa.Text(), nullable=False),
        sa.Column("can_reproduce", sa.Boolean(), nullable=True),
        sa.Column("reproduction_conditions", sa.Text(), nullable=False),
        sa.Column("agent_ref", sa.String(length=100), nullable=False),
        sa.Column("knowledge_base_ref", sa.String(length=100), nullable=False),
        sa.Column("browser", sa.String(length=100), nullable=False),
        sa.Column("operating_system", sa.String(length=100), nullable=False),
        sa.Column("error_messages", sa.Text(), nullable=False),
        sa.Column("console_errors", sa.Text(), nullable=False),
        sa.Column("network_errors", sa.Text(), nullable=False),
        sa.Column("root_cause", sa.Text(), nullable=False),
        sa.Column("solution", sa.Text(), nullable=False),
        sa.Column("steps_taken", sa.Text(), nullable=False),
        sa.Column("verification", sa.Text(), nullable=False),
        sa.Column("prevention", sa.Text(), nullable=False),
        sa.Column(
            "solution_class",
            sa.Enum(
                "quick",
                "standard",
                "complex",
                "escalation",
                name="solutionclass",
                native_enum=False,
                length=32,
            ),
            nullable=True,
        ),
        sa.Column("acknowledged_at", sa.DateTime(), nullable=True),
        sa.Column("first_response_at", sa.DateTime(), nullable=True),
        sa.Column("escalation_level", sa.Integer(), nullable=False),
        sa.Column("reopen_count", sa.Integer(), nullable=False),
        sa.Column("resolved_at", sa.DateTime(), nullable=True),
        sa.Column("closed_at", sa.DateTime(), nullable=True),
        sa.Column("sla_met", sa.Boolean(), nullable=True),
        sa.Column(
            "customer_satisfied",
            sa.Enum("pending", "yes", "no", name="satisfaction", native_enum=False, length=32),
            nullable=False,
        ),
        sa.Column("added_to_kb", sa.Boolean(), nullable=False),
        sa.Column("time_spent_minutes", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["assignee_id"], ["staff.id"], name=op.f("fk_tickets_assignee_id_staff")
        ),
        sa.ForeignKeyConstraint(
            ["category_id"], ["categories.id"], name=op.f("fk_tickets_category_id_categories")
        ),
        sa.ForeignKeyConstraint(
            ["customer_id"], ["customers.id"], name=op.f("fk_tickets_customer_id_customers")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tickets")),
        sa.UniqueConstraint("number", name=op.f("uq_tickets_number")),
    )
    with op.batch_alter_table("tickets", schema=None) as batch_op:
        batch_op.create_index("ix_tickets_assignee_status", ["assignee_id", "status"], unique=False)
        batch_op.create_index("ix_tickets_category_id", ["category_id"], unique=False)
        batch_op.create_index("ix_tickets_closed_at", ["closed_at"], unique=False)
        batch_op.create_index("ix_tickets_customer_id", ["customer_id"], unique=False)
        batch_op.create_index("ix_tickets_reported_at", ["reported_at"], unique=False)
        batch_op.create_index("ix_tickets_sla_due_at", ["sla_due_at"], unique=False)
        batch_op.create_index("ix_tickets_status_priority", ["status", "priority"], unique=False)
        batch_op.create_index("ix_tickets_updated_at", ["updated_at"], unique=False)

    op.create_table(
        "attachments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("mime_type", sa.String(length=100), nullable=False),
        sa.Column("added_at", sa.DateTime(), nullable=False),
        sa.Column("added_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["added_by_id"], ["staff.id"], name=op.f("fk_attachments_added_by_id_staff")
        ),
        sa.ForeignKeyConstraint(
            ["ticket_id"],
            ["tickets.id"],
            name=op.f("fk_attachments_ticket_id_tickets"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_attachments")),
    )
    with op.batch_alter_table("attachments", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_attachments_sha256"), ["sha256"], unique=False)
        batch_op.create_index(batch_op.f("ix_attachments_ticket_id"), ["ticket_id"], unique=False)

    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=True),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("actor", sa.String(length=200), nullable=False),
        sa.Column("action", sa.String(length=60), nullable=False),
        sa.Column("field", sa.String(length=60), nullable=True),
        sa.Column("old_value", sa.Text(), nullable=True),
        sa.Column("new_value", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["ticket_id"],
            ["tickets.id"],
            name=op.f("fk_audit_log_ticket_id_tickets"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_log")),
    )
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.create_index("ix_audit_log_ticket_id_at", ["ticket_id", "at"], unique=False)

    op.create_table(
        "communications",
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        sa.Column(
            "direction",
            sa.Enum("outbound", "inbound", name="direction", native_enum=False, length=32),
            nullable=False,
        ),
        sa.Column("kind", sa.String(length=60), nullable=False),
        sa.Column("subject", sa.String(length=300), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("sender", sa.String(length=320), nullable=False),
        sa.Column("recipients", sa.Text(), nullable=False),
        sa.Column("message_id", sa.String(length=300), nullable=True),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["author_id"], ["staff.id"], name=op.f("fk_communications_author_id_staff")
        ),
        sa.ForeignKeyConstraint(
            ["ticket_id"],
            ["tickets.id"],
            name=op.f("fk_communications_ticket_id_tickets"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_communications")),
    )
    with op.batch_alter_table("communications", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_communications_ticket_id"), ["ticket_id"], unique=False
        )

    op.create_table(
        "escalations",
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        sa.Column("level", sa.Integer(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("by_id", sa.Integer(), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["by_id"], ["staff.id"], name=op.f("fk_escalations_by_id_staff")),
        sa.ForeignKeyConstraint(
            ["ticket_id"],
            ["tickets.id"],
            name=op.f("fk_escalations_ticket_id_tickets"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_escalations")),
    )
    with op.batch_alter_table("escalations", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_escalations_ticket_id"), ["ticket_id"], unique=False)

    op.create_table(
        "internal_notes",
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["author_id"], ["staff.id"], name=op.f("fk_internal_notes_author_id_staff")
        ),
        sa.ForeignKeyConstraint(
            ["ticket_id"],
            ["tickets.id"],
            name=op.f("fk_internal_notes_ticket_id_tickets"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_internal_notes")),
    )
    with op.batch_alter_table("internal_notes", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_internal_notes_ticket_id"), ["ticket_id"], unique=False
        )

    op.create_table(
        "ticket_tags",
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        sa.Column("tag_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["tag_id"], ["tags.id"], name=op.f("fk_ticket_tags_tag_id_tags"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["ticket_id"],
            ["tickets.id"],
            name=op.f("fk_ticket_tags_ticket_id_tickets"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("ticket_id", "tag_id", name=op.f("pk_ticket_tags")),
    )
    with op.batch_alter_table("ticket_tags", schema=None) as batch_op:
        batch_op.create_index("ix_ticket_tags_tag_id", ["tag_id"], unique=False)

    op.create_table(
        "troubleshooting_entries",
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("checked", sa.Text(), nullable=False),
        sa.Column("found", sa.Text(), nullable=False),
        sa.Column("action", sa.Text(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["author_id"], ["staff.id"], name=op.f("fk_troubleshooting_entries_author_id_staff")
        ),
        sa.ForeignKeyConstraint(
            ["ticket_id"],
            ["tickets.id"],
            name=op.f("fk_troubleshooting_entries_ticket_id_tickets"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_troubleshooting_entries")),
    )
    with op.batch_alter_table("troubleshooting_entries", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_troubleshooting_entries_ticket_id"), ["ticket_id"], unique=False
        )


def downgrade() -> None:

    with op.batch_alter_table("troubleshooting_entries", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_troubleshooting_entries_ticket_id"))

    op.drop_table("troubleshooting_entries")
    with op.batch_alter_table("ticket_tags", schema=None) as batch_op:
        batch_op.drop_index("ix_ticket_tags_tag_id")

    op.drop_table("ticket_tags")
    with op.batch_alter_table("internal_notes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_internal_notes_ticket_id"))

    op.drop_table("internal_notes")
    with op.batch_alter_table("escalations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_escalations_ticket_id"))

    op.drop_table("escalations")
    with op.batch_alter_table("communications", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_communications_ticket_id"))

    op.drop_table("communications")
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.drop_index("ix_audit_log_ticket_id_at")

    op.drop_table("audit_log")
    with op.batch_alter_table("attachments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_attachments_ticket_id"))
        batch_op.drop_index(batch_op.f("ix_attachments_sha256"))

    op.drop_table("attachments")
    with op.batch_alter_table("tickets", schema=None) as batch_op:
        batch_op.drop_index("ix_tickets_updated_at")
        batch_op.drop_index("ix_tickets_status_priority")
        batch_op.drop_index("ix_tickets_sla_due_at")
        batch_op.drop_index("ix_tickets_reported_at")
        batch_op.drop_index("ix_tickets_customer_id")
        batch_op.drop_index("ix_tickets_closed_at")
        batch_op.drop_index("ix_tickets_category_id")
        batch_op.drop_index("ix_tickets_assignee_status")

    op.drop_table("tickets")
    op.drop_table("customers")
    op.drop_table("tags")
    op.drop_table("staff")
    op.drop_table("organizations")
    op.drop_table("counters")
    op.drop_table("categories")
