"""Reading customers' mail: IMAP mailboxes and how far each folder was read (UIDVALIDITY,
last UID), SMTP and IMAP logins by OAuth2 token command, blocked senders and the mail
kept from them, automatic acknowledgments per address (rate limit), keyword → category
rules, and a received reply's one-click offer (confirmation or score).

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

SECURITY = ("starttls", "ssl", "plain")
AUTH = ("password", "xoauth2")
AFTER = ("flag", "move")


def _enum(values: tuple[str, ...], name: str) -> sa.Enum:
    return sa.Enum(*values, name=name, native_enum=False, length=32)


def upgrade() -> None:
    with op.batch_alter_table("mail_accounts", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("auth", _enum(AUTH, "authmethod"), server_default="password", nullable=False)
        )
        batch_op.add_column(
            sa.Column("token_command", sa.Text(), server_default="", nullable=False)
        )
    with op.batch_alter_table("communications", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("offer", sa.String(length=40), server_default="", nullable=False)
        )
    op.create_table(
        "mailboxes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("host", sa.String(length=255), nullable=False),
        sa.Column("port", sa.Integer(), nullable=False),
        sa.Column("security", _enum(SECURITY, "security"), nullable=False),
        sa.Column("username", sa.String(length=320), nullable=False),
        sa.Column("auth", _enum(AUTH, "authmethod"), nullable=False),
        sa.Column("token_command", sa.Text(), nullable=False),
        sa.Column("folder", sa.String(length=300), nullable=False),
        sa.Column("after_reading", _enum(AFTER, "afterreading"), nullable=False),
        sa.Column("move_to", sa.String(length=300), nullable=False),
        sa.Column("poll_seconds", sa.Integer(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("last_checked_at", sa.DateTime(), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mailboxes")),
        sa.UniqueConstraint("name", name=op.f("uq_mailboxes_name")),
    )
    op.create_table(
        "mailbox_folders",
        sa.Column("mailbox_id", sa.Integer(), nullable=False),
        sa.Column("folder", sa.String(length=300), nullable=False),
        sa.Column("uidvalidity", sa.BigInteger(), nullable=False),
        sa.Column("last_uid", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["mailbox_id"],
            ["mailboxes.id"],
            name=op.f("fk_mailbox_folders_mailbox_id_mailboxes"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("mailbox_id", "folder", name=op.f("pk_mailbox_folders")),
    )
    op.create_table(
        "blocked_senders",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("address", sa.String(length=320), nullable=False),
        sa.Column("blocked_at", sa.DateTime(), nullable=False),
        sa.Column("blocked_by", sa.String(length=200), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_blocked_senders")),
        sa.UniqueConstraint("address", name=op.f("uq_blocked_senders_address")),
    )
    op.create_table(
        "spam_mail",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("received_at", sa.DateTime(), nullable=False),
        sa.Column("written_at", sa.DateTime(), nullable=True),
        sa.Column("sender", sa.String(length=320), nullable=False),
        sa.Column("sender_name", sa.String(length=200), nullable=False),
        sa.Column("subject", sa.String(length=300), nullable=False),
        sa.Column("original_sha256", sa.String(length=64), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("released_at", sa.DateTime(), nullable=True),
        sa.Column("released_by", sa.String(length=200), nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["ticket_id"],
            ["tickets.id"],
            name=op.f("fk_spam_mail_ticket_id_tickets"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_spam_mail")),
    )
    op.create_index("ix_spam_mail_original_sha256", "spam_mail", ["original_sha256"])
    op.create_table(
        "auto_replies",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("address", sa.String(length=320), nullable=False),
        sa.Column("sent_at", sa.DateTime(), nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["ticket_id"],
            ["tickets.id"],
            name=op.f("fk_auto_replies_ticket_id_tickets"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_auto_replies")),
    )
    op.create_index("ix_auto_replies_address_sent_at", "auto_replies", ["address", "sent_at"])
    op.create_table(
        "category_rules",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("keyword", sa.String(length=200), nullable=False),
        sa.Column("category_id", sa.Integer(), nullable=False),
        sa.Column("sort_order", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["category_id"],
            ["categories.id"],
            name=op.f("fk_category_rules_category_id_categories"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_category_rules")),
    )


def downgrade() -> None:
    op.drop_table("category_rules")
    op.drop_index("ix_auto_replies_address_sent_at", table_name="auto_replies")
    op.drop_table("auto_replies")
    op.drop_index("ix_spam_mail_original_sha256", table_name="spam_mail")
    op.drop_table("spam_mail")
    op.drop_table("blocked_senders")
    op.drop_table("mailbox_folders")
    op.drop_table("mailboxes")
    with op.batch_alter_table("communications", schema=None) as batch_op:
        batch_op.drop_column("offer")
    with op.batch_alter_table("mail_accounts", schema=None) as batch_op:
        batch_op.drop_column("token_command")
        batch_op.drop_column("auth")
