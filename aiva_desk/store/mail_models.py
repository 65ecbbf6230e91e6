"""Tables for outgoing mail: SMTP accounts and the outbox.

A password is never a column here: it lives in the OS keyring
(:mod:`aiva_desk.mail.credentials`). The outbox row holds the exact MIME bytes
that will be sent, written before the first attempt, so a message survives a
crash and is never rebuilt differently from what the agent approved.
"""

from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import Boolean, ForeignKey, Index, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from aiva_desk import clock
from aiva_desk.store.models import Base, UTCDateTime, _str_enum


class Security(enum.StrEnum):
    STARTTLS = "starttls"
    SSL = "ssl"
    PLAIN = "plain"  # only to localhost (a local relay)

    @property
    def label(self) -> str:
        return {"starttls": "STARTTLS", "ssl": "SSL/TLS", "plain": "None (localhost only)"}[
            self.value
        ]


class AuthMethod(enum.StrEnum):
    """How an account logs in: a password from the keyring, or an OAuth2 access token
    (SASL XOAUTH2) printed by a command the agent sets, as established mail clients do."""

    PASSWORD = "password"
    XOAUTH2 = "xoauth2"

    @property
    def label(self) -> str:
        return {"password": "Password", "xoauth2": "OAuth2 token command"}[self.value]


class OutboxState(enum.StrEnum):
    DRAFT = "draft"  # saved from the composer, not queued
    QUEUED = "queued"  # waiting for its next attempt
    SENDING = "sending"  # claimed by a sender; fate unknown if that sender died
    SENT = "sent"
    FAILED = "failed"  # permanent error or out of attempts: the agent decides
    UNKNOWN = "unknown"  # a sender died mid-send: maybe delivered; the agent decides
    CANCELLED = "cancelled"

    @property
    def label(self) -> str:
        return {
            "draft": "Draft",
            "queued": "Queued",
            "sending": "Sending",
            "sent": "Sent",
            "failed": "Failed",
            "unknown": "Unknown — check",
            "cancelled": "Cancelled",
        }[self.value]


class MailAccount(Base):
    """An SMTP account messages are sent from."""

    __tablename__ = "mail_accounts"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    host: Mapped[str] = mapped_column(String(255))
    port: Mapped[int]
    security: Mapped[Security] = mapped_column(_str_enum(Security), default=Security.STARTTLS)
    username: Mapped[str] = mapped_column(String(320), default="")
    from_name: Mapped[str] = mapped_column(String(200), default="")
    from_address: Mapped[str] = mapped_column(String(320))
    reply_to: Mapped[str] = mapped_column(String(320), default="")
    signature: Mapped[str] = mapped_column(Text, default="")
    is_default: Mapped[bool] = mapped_column(Boolean, default=False)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    auth: Mapped[AuthMethod] = mapped_column(
        _str_enum(AuthMethod), default=AuthMethod.PASSWORD, server_default="password"
    )
    token_command: Mapped[str] = mapped_column(Text, default="", server_default="")


class OutboxMessage(Base):
    """One outgoing message and its delivery state."""

    __tablename__ = "outbox_messages"
    __table_args__ = (
        Index("ix_outbox_messages_state_next_attempt_at", "state", "next_attempt_at"),
        Index("ix_outbox_messages_ticket_id", "ticket_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int | None] = mapped_column(ForeignKey("tickets.id", ondelete="SET NULL"))
    account_id: Mapped[int | None] = mapped_column(
        ForeignKey("mail_accounts.id", ondelete="SET NULL")
    )
    state: Mapped[OutboxState] = mapped_column(_str_enum(OutboxState), default=OutboxState.QUEUED)
    template: Mapped[str] = mapped_column(String(60), default="")  # the template key used
    kind: Mapped[str] = mapped_column(String(60), default="")  # communication log label
    sender: Mapped[str] = mapped_column(String(400), default="")
    to_addrs: Mapped[str] = mapped_column(Text, default="")
    cc_addrs: Mapped[str] = mapped_column(Text, default="")
    subject: Mapped[str] = mapped_column(String(300), default="")
    body: Mapped[str] = mapped_column(Text, default="")
    attachment_ids: Mapped[str] = mapped_column(Text, default="[]")  # ticket attachment ids
    message_id: Mapped[str] = mapped_column(String(300), unique=True)
    in_reply_to: Mapped[str] = mapped_column(String(300), default="")
    references: Mapped[str] = mapped_column(Text, default="")
    mime: Mapped[bytes | None] = mapped_column(LargeBinary)  # exactly what goes on the wire
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str] = mapped_column(Text, default="")
    next_attempt_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    claimed_by: Mapped[str] = mapped_column(String(200), default="")
    claimed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=clock.now)
    created_by: Mapped[str] = mapped_column(String(200), default="")
    sent_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    communication_id: Mapped[int | None] = mapped_column(
        ForeignKey("communications.id", ondelete="SET NULL")
    )
