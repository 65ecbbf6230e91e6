"""IMAP mailboxes customers' mail is read from: validated, stored without their
password (the keyring holds it, or a token command prints an OAuth2 token)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select

from aiva_desk.errors import NotFoundError
from aiva_desk.mail.accounts import server_problems
from aiva_desk.mail.smtp import ServerSettings
from aiva_desk.store.database import Database
from aiva_desk.store.inbound_models import AfterReading, Mailbox, MailboxFolder
from aiva_desk.store.mail_models import AuthMethod, Security
from aiva_desk.validation import raise_if_problems

DEFAULT_POLL_SECONDS = 60
MIN_POLL_SECONDS = 15
MAX_POLL_SECONDS = 24 * 3600


@dataclass(frozen=True)
class MailboxInput:
    name: str
    host: str
    port: int
    security: Security
    username: str
    auth: AuthMethod = AuthMethod.PASSWORD
    token_command: str = ""
    folder: str = "INBOX"
    after_reading: AfterReading = AfterReading.FLAG
    move_to: str = ""
    poll_seconds: int = DEFAULT_POLL_SECONDS


@dataclass(frozen=True)
class MailboxAccount:
    """A stored mailbox, detached from the database (safe to hand to a worker thread)."""

    id: int
    name: str
    host: str
    port: int
    security: Security
    username: str
    auth: AuthMethod
    token_command: str
    folder: str
    after_reading: AfterReading
    move_to: str
    poll_seconds: int
    last_checked_at: dt.datetime | None
    last_error: str

    @property
    def server(self) -> ServerSettings:
        return ServerSettings(self.name, self.host, self.port, self.security, self.username)

    @property
    def credential_key(self) -> str:
        """Where its password is kept in the keyring."""
        return mailbox_key(self.id, self.username)

    @classmethod
    def of(cls, row: Mailbox) -> MailboxAccount:
        return cls(
            row.id,
            row.name,
            row.host,
            row.port,
            Security(row.security),
            row.username,
            AuthMethod(row.auth),
            row.token_command,
            row.folder,
            AfterReading(row.after_reading),
            row.move_to,
            row.poll_seconds,
            row.last_checked_at,
            row.last_error,
        )


def mailbox_key(mailbox_id: int, username: str) -> str:
    return f"imap/{mailbox_id}/{username}"


def mailbox_problems(data: MailboxInput) -> dict[str, str]:
    problems: dict[str, str] = {}
    server_problems(problems, data.name, data.host, data.port, data.security)
    if not data.username.strip():
        problems["username"] = "The user name is required."
    if data.auth is AuthMethod.XOAUTH2 and not data.token_command.strip():
        problems["token_command"] = "Enter the command that prints an OAuth2 access token."
    if not data.folder.strip():
        problems["folder"] = "Name the folder to read (usually INBOX)."
    if data.after_reading is AfterReading.MOVE:
        if not data.move_to.strip():
            problems["move_to"] = "Name the folder read messages are moved to."
        elif data.move_to.strip() == data.folder.strip():
            problems["move_to"] = "Read messages must go to another folder than the one read."
    if not MIN_POLL_SECONDS <= data.poll_seconds <= MAX_POLL_SECONDS:
        problems["poll_seconds"] = (
            f"Check for mail every {MIN_POLL_SECONDS} seconds at the most often, "
            "and at least once a day."
        )
    return problems


def list_mailboxes(db: Database) -> list[MailboxAccount]:
    with db.read_session() as session:
        rows = session.scalars(select(Mailbox).where(Mailbox.active).order_by(Mailbox.name))
        return [MailboxAccount.of(row) for row in rows]


def get_mailbox(db: Database, mailbox_id: int) -> MailboxAccount:
    with db.read_session() as session:
        row = session.get(Mailbox, mailbox_id)
        if row is None or not row.active:
            raise NotFoundError("That mailbox no longer exists.")
        return MailboxAccount.of(row)


def save_mailbox(db: Database, data: MailboxInput, mailbox_id: int | None = None) -> int:
    """Create or update a mailbox; raise ValidationError naming each bad field."""
    problems = mailbox_problems(data)
    with db.session("settings") as session:
        clash = session.scalar(
            select(Mailbox.id).where(Mailbox.name == data.name.strip(), Mailbox.active)
        )
        if clash is not None and clash != mailbox_id:
            problems["name"] = f"A mailbox called “{data.name.strip()}” already exists."
        raise_if_problems(problems)
        row = Mailbox() if mailbox_id is None else session.get(Mailbox, mailbox_id)
        if row is None:
            raise NotFoundError("That mailbox no longer exists.")
        row.name = data.name.strip()
        row.host = data.host.strip()
        row.port = data.port
        row.security = data.security
        row.username = data.username.strip()
        row.auth = data.auth
        row.token_command = data.token_command.strip()
        row.folder = data.folder.strip()
        row.after_reading = data.after_reading
        row.move_to = data.move_to.strip()
        row.poll_seconds = data.poll_seconds
        row.active = True
        row.last_error = row.last_error or ""
        session.add(row)
        session.flush()
        return row.id


def remove_mailbox(db: Database, mailbox_id: int) -> None:
    """Stop reading a mailbox; what was taken in from it stays."""
    with db.session("settings") as session:
        row = session.get(Mailbox, mailbox_id)
        if row is not None:
            row.active = False


def record_check(db: Database, mailbox_id: int, at: dt.datetime, error: str = "") -> None:
    """Remember when a mailbox was last read and what went wrong, if anything."""
    with db.session("mail") as session:
        row = session.get(Mailbox, mailbox_id)
        if row is not None:
            row.last_checked_at = at
            row.last_error = error


def folder_place(db: Database, mailbox_id: int, folder: str) -> tuple[int, int]:
    """How far a folder has been read: (UIDVALIDITY, last UID taken in); (0, 0) at first."""
    with db.read_session() as session:
        row = session.get(MailboxFolder, (mailbox_id, folder))
        return (row.uidvalidity, row.last_uid) if row is not None else (0, 0)


def save_folder_place(
    db: Database, mailbox_id: int, folder: str, uidvalidity: int, last_uid: int
) -> None:
    """Remember that every message of ``folder`` up to ``last_uid`` is taken in."""
    with db.session("mail") as session:
        row = session.get(MailboxFolder, (mailbox_id, folder))
        if row is None:
            row = MailboxFolder(mailbox_id=mailbox_id, folder=folder)
            session.add(row)
        row.uidvalidity = uidvalidity
        row.last_uid = last_uid
