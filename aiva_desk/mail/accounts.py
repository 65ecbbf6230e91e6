"""SMTP accounts: validated, stored without their password, one of them the default."""

from __future__ import annotations

from dataclasses import dataclass
from email.headerregistry import Address

from sqlalchemy import select

from aiva_desk.errors import NotFoundError
from aiva_desk.mail.addresses import single
from aiva_desk.mail.errors import AddressProblem
from aiva_desk.mail.smtp import ServerSettings
from aiva_desk.store.database import Database
from aiva_desk.store.mail_models import AuthMethod, MailAccount, Security
from aiva_desk.validation import raise_if_problems, require

LOCAL_HOSTS = {"localhost", "127.0.0.1", "::1"}


@dataclass(frozen=True)
class AccountInput:
    name: str
    host: str
    port: int
    security: Security
    username: str
    from_name: str
    from_address: str
    reply_to: str = ""
    signature: str = ""
    is_default: bool = False
    auth: AuthMethod = AuthMethod.PASSWORD
    token_command: str = ""


@dataclass(frozen=True)
class Account:
    """A stored account, detached from the database (safe to hand to a worker thread)."""

    id: int
    name: str
    host: str
    port: int
    security: Security
    username: str
    from_name: str
    from_address: str
    reply_to: str
    signature: str
    is_default: bool
    auth: AuthMethod = AuthMethod.PASSWORD
    token_command: str = ""

    @property
    def server(self) -> ServerSettings:
        return ServerSettings(
            self.name, self.host, self.port, self.security, self.username, self.auth
        )

    @property
    def sender(self) -> Address:
        local, _, domain = self.from_address.rpartition("@")
        return Address(display_name=self.from_name, username=local, domain=domain)

    @classmethod
    def of(cls, row: MailAccount) -> Account:
        return cls(
            row.id,
            row.name,
            row.host,
            row.port,
            Security(row.security),
            row.username,
            row.from_name,
            row.from_address,
            row.reply_to,
            row.signature,
            row.is_default,
            AuthMethod(row.auth),
            row.token_command,
        )


def server_problems(
    problems: dict[str, str], name: str, host: str, port: int, security: Security
) -> None:
    """Add what is wrong with an account's name and server (SMTP or IMAP) to ``problems``."""
    require(problems, "name", name, "An account name")
    require(problems, "host", host, "The server host")
    host = host.strip()
    if any(ch.isspace() for ch in host) or "/" in host:
        problems["host"] = f"“{host}” is not a host name."
    if not 1 <= port <= 65535:
        problems["port"] = "The port must be between 1 and 65535."
    if security is Security.PLAIN and host.lower() not in LOCAL_HOSTS:
        problems["security"] = (
            "An unencrypted connection is only allowed to this computer (localhost). "
            "Choose STARTTLS or SSL/TLS."
        )
    if "\n" in name or "\r" in name:
        problems["name"] = "Line breaks are not allowed here."


def account_problems(data: AccountInput) -> dict[str, str]:
    problems: dict[str, str] = {}
    server_problems(problems, data.name, data.host, data.port, data.security)
    for field, label, text, required in (
        ("from_address", "From address", data.from_address, True),
        ("reply_to", "Reply-To", data.reply_to, False),
    ):
        try:
            single(label, text, required=required)
        except AddressProblem as exc:
            problems[field] = exc.message
    if "\n" in data.from_name or "\r" in data.from_name:
        problems["from_name"] = "Line breaks are not allowed here."
    if data.auth is AuthMethod.XOAUTH2:
        if not data.token_command.strip():
            problems["token_command"] = "Enter the command that prints an OAuth2 access token."
        if not data.username.strip():
            problems["username"] = "An OAuth2 login needs the user name (the mail address)."
    return problems


def list_accounts(db: Database) -> list[Account]:
    with db.read_session() as session:
        rows = session.scalars(
            select(MailAccount).where(MailAccount.active).order_by(MailAccount.name)
        )
        return [Account.of(row) for row in rows]


def get_account(db: Database, account_id: int) -> Account:
    with db.read_session() as session:
        row = session.get(MailAccount, account_id)
        if row is None or not row.active:
            raise NotFoundError("That mail account no longer exists.")
        return Account.of(row)


def default_account(db: Database) -> Account | None:
    """The default account, or the only one; ``None`` when none is set up."""
    accounts = list_accounts(db)
    for account in accounts:
        if account.is_default:
            return account
    return accounts[0] if accounts else None


def save_account(db: Database, data: AccountInput, account_id: int | None = None) -> int:
    """Create or update an account; raise ValidationError naming each bad field."""
    problems = account_problems(data)
    with db.session("settings") as session:
        clash = session.scalar(
            select(MailAccount.id).where(MailAccount.name == data.name.strip(), MailAccount.active)
        )
        if clash is not None and clash != account_id:
            problems["name"] = f"An account called “{data.name.strip()}” already exists."
        raise_if_problems(problems)
        row = MailAccount() if account_id is None else session.get(MailAccount, account_id)
        if row is None:
            raise NotFoundError("That mail account no longer exists.")
        row.name = data.name.strip()
        row.host = data.host.strip()
        row.port = data.port
        row.security = data.security
        row.username = data.username.strip()
        row.from_name = data.from_name.strip()
        sender = single("From address", data.from_address)
        reply_to = single("Reply-To", data.reply_to, required=False)
        row.from_address = sender.addr_spec if sender else ""
        row.reply_to = reply_to.addr_spec if reply_to else ""
        row.signature = data.signature.rstrip()
        row.auth = data.auth
        row.token_command = data.token_command.strip()
        row.active = True
        session.add(row)
        session.flush()
        others = list(session.scalars(select(MailAccount).where(MailAccount.id != row.id)))
        if data.is_default:
            for other in others:
                other.is_default = False
        row.is_default = data.is_default or not any(o.is_default and o.active for o in others)
        return row.id


def remove_account(db: Database, account_id: int) -> None:
    """Retire an account; messages already sent from it keep pointing at it."""
    with db.session("settings") as session:
        row = session.get(MailAccount, account_id)
        if row is not None:
            row.active = False
            row.is_default = False
