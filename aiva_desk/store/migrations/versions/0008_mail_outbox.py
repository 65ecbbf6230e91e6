"""SMTP accounts and the outbox of outgoing messages.

No password column: passwords live in the OS keyring. An outbox row carries the
exact MIME bytes to send and its delivery state (queued, sending, sent, failed,
unknown, cancelled, draft), indexed by (state, next_attempt_at) so the sender
finds due messages without scanning.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-26
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

SECURITY = ("starttls", "ssl", "plain")
STATES = ("draft", "queued", "sending", "sent", "failed", "unknown", "cancelled")


def upgrade() -> None:
    op.create_table(
        "mail_accounts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("host", sa.String(length=255), nullable=False),
        sa.Column("port", sa.Integer(), nullable=False),
        sa.Column(
            "security",
            sa.Enum(*SECURITY, name="security", native_enum=False, length=32),
            nullable=False,
        ),
        sa.Column("username", sa.String(length=320), nullable=False),
        sa.Column("from_name", sa.String(length=200), nullable=False),
        sa.Column("from_address", sa.String(length=320), nullable=False),
        sa.Column("reply_to", sa.String(length=320), nullable=False),
        sa.Column("signature", sa.Text(), nullable=False),
        sa.Column("is_default", sa.Boolean(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mail_accounts")),
        sa.UniqueConstraint("name", name=op.f("uq_mail_accounts_name")),
    )
    op.create_table(
        "outbox_messages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=True),
        sa.Column("account_id", sa.Integer(), nullable=True),
        sa.Column(
            "state",
            sa.Enum(*STATES, name="outboxstate", native_enum=False, length=32),
            nullable=False,
        ),
        sa.Column("template", sa.String(length=60), nullable=False),
        sa.Column("kind", sa.String(length=60), nullable=False),
        sa.Column("sender", sa.String(length=400), nullable=False),
        sa.Column("to_addrs", sa.Text(), nullable=False),
        sa.Column("cc_addrs", sa.Text(), nullable=False),
        sa.Column("subject", sa.String(length=300), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("attachment_ids", sa.Text(), nullable=False),
        sa.Column("message_id", sa.String(length=300), nullable=False),
        sa.Column("in_reply_to", sa.String(length=300), nullable=False),
        sa.Column("references", sa.Text(), nullable=False),
        sa.Column("mime", sa.LargeBinary(), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(), nullable=True),
        sa.Column("claimed_by", sa.String(length=200), nullable=False),
        sa.Column("claimed_at", sa.DateTime(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("created_by", sa.String(length=200), nullable=False),
        sa.Column("sent_at", sa.DateTime(), nullable=True),
        sa.Column("communication_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["mail_accounts.id"],
            name=op.f("fk_outbox_messages_account_id_mail_accounts"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["communication_id"],
            ["communications.id"],
            name=op.f("fk_outbox_messages_communication_id_communications"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["ticket_id"],
            ["tickets.id"],
            name=op.f("fk_outbox_messages_ticket_id_tickets"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox_messages")),
        sa.UniqueConstraint("message_id", name=op.f("uq_outbox_messages_message_id")),
    )
    op.create_index(
        "ix_outbox_messages_state_next_attempt_at",
        "outbox_messages",
        ["state", "next_attempt_at"],
    )
    op.create_index("ix_outbox_messages_ticket_id", "outbox_messages", ["ticket_id"])


def downgrade() -> None:
    op.drop_index("ix_outbox_messages_ticket_id", table_name="outbox_messages")
    op.drop_index("ix_outbox_messages_state_next_attempt_at", table_name="outbox_messages")
    op.drop_table("outbox_messages")
    op.drop_table("mail_accounts")
