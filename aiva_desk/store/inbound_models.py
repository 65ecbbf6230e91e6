"""Tables for incoming mail: the IMAP mailboxes read, where each folder's reading got
to, blocked senders and the mail kept from them, acknowledgments sent automatically,
and the team's keyword → category rules.

A password is never a column here (it lives in the OS keyring). A folder's place is its
UIDVALIDITY and the last UID taken in: a new UIDVALIDITY means the server renumbered the
folder, so reading starts over and the intake's duplicate check keeps it exactly once.
"""

from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import BigInteger, Boolean, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from aiva_desk import clock
from aiva_desk.store.mail_models import AuthMethod, Security
from aiva_desk.store.models import Base, UTCDateTime, _str_enum


class AfterReading(enum.StrEnum):
    """What happens to a message on the server once it is safely taken in."""

    FLAG = "flag"  # marked \\Seen and \\Flagged, left in the folder
    MOVE = "move"  # moved to ``Mailbox.move_to``

    @property
    def label(self) -> str:
        return {"flag": "Mark as read and flag it", "move": "Move it to a folder"}[self.value]


class Mailbox(Base):
    """An IMAP account whose folder customers' mail is read from."""

    __tablename__ = "mailboxes"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    host: Mapped[str] = mapped_column(String(255))
    port: Mapped[int]
    security: Mapped[Security] = mapped_column(_str_enum(Security), default=Security.SSL)
    username: Mapped[str] = mapped_column(String(320), default="")
    auth: Mapped[AuthMethod] = mapped_column(_str_enum(AuthMethod), default=AuthMethod.PASSWORD)
    token_command: Mapped[str] = mapped_column(Text, default="")
    folder: Mapped[str] = mapped_column(String(300), default="INBOX")
    after_reading: Mapped[AfterReading] = mapped_column(
        _str_enum(AfterReading), default=AfterReading.FLAG
    )
    move_to: Mapped[str] = mapped_column(String(300), default="")
    poll_seconds: Mapped[int] = mapped_column(default=60)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    last_checked_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str] = mapped_column(Text, default="")


class MailboxFolder(Base):
    """How far a mailbox's folder has been read: its UIDVALIDITY and last UID taken in."""

    __tablename__ = "mailbox_folders"

    mailbox_id: Mapped[int] = mapped_column(
        ForeignKey("mailboxes.id", ondelete="CASCADE"), primary_key=True
    )
    folder: Mapped[str] = mapped_column(String(300), primary_key=True)
    uidvalidity: Mapped[int] = mapped_column(BigInteger, default=0)
    last_uid: Mapped[int] = mapped_column(BigInteger, default=0)


class BlockedSender(Base):
    """An address (``someone@example.com``) or a whole domain (``@example.com``) whose
    mail goes to the Spam view instead of the queue."""

    __tablename__ = "blocked_senders"

    id: Mapped[int] = mapped_column(primary_key=True)
    address: Mapped[str] = mapped_column(String(320), unique=True)  # lower case
    blocked_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=clock.now)
    blocked_by: Mapped[str] = mapped_column(String(200), default="")
    reason: Mapped[str] = mapped_column(Text, default="")


class SpamMail(Base):
    """A message from a blocked sender: kept (original in the attachment store, by
    SHA-256), never silently deleted; "Not spam" takes it in after all."""

    __tablename__ = "spam_mail"
    __table_args__ = (Index("ix_spam_mail_original_sha256", "original_sha256"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    received_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=clock.now)
    written_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    sender: Mapped[str] = mapped_column(String(320), default="")
    sender_name: Mapped[str] = mapped_column(String(200), default="")
    subject: Mapped[str] = mapped_column(String(300), default="")
    original_sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(default=0)
    released_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    released_by: Mapped[str] = mapped_column(String(200), default="")
    ticket_id: Mapped[int | None] = mapped_column(ForeignKey("tickets.id", ondelete="SET NULL"))


class AutoReply(Base):
    """An acknowledgment sent without an agent, per address: acknowledgments are
    rate-limited per sender so two help desks can never answer each other forever."""

    __tablename__ = "auto_replies"
    __table_args__ = (Index("ix_auto_replies_address_sent_at", "address", "sent_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    address: Mapped[str] = mapped_column(String(320))  # lower case
    sent_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=clock.now)
    ticket_id: Mapped[int | None] = mapped_column(ForeignKey("tickets.id", ondelete="SET NULL"))


class CategoryRule(Base):
    """A keyword that, found in a new mail's subject or text, guesses its category.
    Rules are tried in ``sort_order``; the first that matches wins."""

    __tablename__ = "category_rules"

    id: Mapped[int] = mapped_column(primary_key=True)
    keyword: Mapped[str] = mapped_column(String(200))
    category_id: Mapped[int] = mapped_column(ForeignKey("categories.id", ondelete="CASCADE"))
    sort_order: Mapped[int] = mapped_column(default=0)
