"""Everything mail for one open data dir: accounts, passwords, templates, the outbox."""

from __future__ import annotations

import dataclasses
import ssl
from pathlib import Path

from aiva_desk.errors import ValidationError
from aiva_desk.mail import accounts as account_store
from aiva_desk.mail.accounts import Account, AccountInput
from aiva_desk.mail.composer import compose, suggested_template
from aiva_desk.mail.context import Signer
from aiva_desk.mail.credentials import CredentialStore, account_key
from aiva_desk.mail.delivery import PassReport, deliver_due
from aiva_desk.mail.errors import MailError
from aiva_desk.mail.message_templates import TemplateLibrary
from aiva_desk.mail.oauth_token import token_from_command
from aiva_desk.mail.outbox import Outbox, OutgoingMessage
from aiva_desk.mail.smtp import ConnectionTest, ServerSettings, test_connection
from aiva_desk.runtime.settings import UserSettings
from aiva_desk.store.mail_models import AuthMethod
from aiva_desk.store.models import Staff, Ticket
from aiva_desk.tickets.attachments import AttachmentStore
from aiva_desk.tickets.service import TicketService


class MailService:
    def __init__(
        self,
        tickets: TicketService,
        attachments: AttachmentStore,
        templates_dir: Path,
        settings: UserSettings,
        *,
        tls: ssl.SSLContext | None = None,
    ) -> None:
        self.tickets = tickets
        self.db = tickets.db
        self.settings = settings
        self.tls = tls  # tests trust their own certificate authority here
        self.credentials = CredentialStore()
        self.library = TemplateLibrary(templates_dir)
        self.outbox = Outbox(tickets, attachments)

    # -- accounts ----------------------------------------------------------------------

    def accounts(self) -> list[Account]:
        return account_store.list_accounts(self.db)

    def default_account(self) -> Account | None:
        return account_store.default_account(self.db)

    def save_account(
        self, data: AccountInput, password: str | None, account_id: int | None = None
    ) -> int:
        """Store the account; the password (if given) goes to the keyring only.

        Raises :class:`KeyringUnavailable` *after* saving the account when the
        password could not be kept, so the GUI can offer "this session only".
        """
        before = account_store.get_account(self.db, account_id) if account_id else None
        new_id = account_store.save_account(self.db, data, account_id)
        username = data.username.strip()
        if not password and before is not None and before.username != username:
            password = self.credentials.get(account_key(new_id, before.username))  # renamed
        if before is not None and before.username != username:
            self.credentials.delete(account_key(new_id, before.username))
        if password:
            self.credentials.save(account_key(new_id, username), password)
        return new_id

    def remember_for_session(self, account_id: int, username: str, password: str) -> None:
        self.credentials.remember_for_session(account_key(account_id, username), password)

    def has_password(self, account: Account) -> bool:
        """Whether the account can log in without asking (an OAuth2 one needs no password)."""
        if account.auth is AuthMethod.XOAUTH2:
            return True
        return bool(self.credentials.get(account_key(account.id, account.username)))

    def remove_account(self, account_id: int) -> None:
        account = account_store.get_account(self.db, account_id)
        account_store.remove_account(self.db, account_id)
        self.credentials.delete(account_key(account.id, account.username))

    def test_account(
        self, data: AccountInput, password: str | None, account_id: int | None = None
    ) -> ConnectionTest:
        """Log in without sending (blocks: run it off the GUI thread); say what was done."""
        if problems := account_store.account_problems(data):
            raise ValidationError(problems)
        username = data.username.strip()
        if data.auth is AuthMethod.XOAUTH2:
            password = token_from_command(data.token_command)
        elif not password and account_id is not None:
            password = self.credentials.get(account_key(account_id, username))
        server = ServerSettings(
            data.name, data.host.strip(), data.port, data.security, username, data.auth
        )
        return test_connection(server, password, tls=self.tls)

    # -- composing ---------------------------------------------------------------------

    def signer(self, account: Account | None) -> Signer:
        """The agent as the templates name them: profile name, own and team address."""
        # The profile chosen under "I am"; before anyone is chosen, the support team
        # (never the computer login, which means nothing to a customer).
        name, email = "", ""
        if self.settings.me_staff_id is not None:
            with self.db.read_session() as session:
                staff = session.get(Staff, self.settings.me_staff_id)
                if staff is not None:
                    name, email = staff.name, staff.email
        if not name and account is not None:
            name = account.from_name or ""
        name = name or "The support team"
        if account is None:
            return Signer(name=name, email=email)
        return Signer(
            name=name,
            email=email or account.from_address,
            support_email=account.reply_to or account.from_address,
            signature=account.signature,
        )

    def suggested_template(self, ticket_id: int) -> str:
        with self.db.read_session() as session:
            ticket = session.get(Ticket, ticket_id)
            if ticket is None:
                return "still_investigating"
            return suggested_template(ticket)

    def draft(self, ticket_id: int, template: str | None = None) -> OutgoingMessage:
        """A message for the composer from the (suggested) template and default account."""
        account = self.require_account()
        return compose(
            self.db,
            ticket_id,
            template=template or self.suggested_template(ticket_id),
            signer=self.signer(account),
            account_id=account.id,
        )

    def require_account(self, account_id: int | None = None) -> Account:
        if account_id:
            return account_store.get_account(self.db, account_id)
        account = self.default_account()
        if account is None:
            raise MailError(
                "No mail account is set up yet. Add one in Settings → Mail to send messages."
            )
        return account

    def acknowledge_new_ticket(self, ticket_id: int) -> int | None:
        """Queue the SOP's acknowledgment when the agent asked for automatic ones."""
        if not self.settings.auto_acknowledge or self.default_account() is None:
            return None
        message = self.draft(ticket_id, template=None)
        if message.template not in ("acknowledgment", "p1_critical"):
            return None
        return self.outbox.queue(dataclasses.replace(message, automatic=True))

    # -- sending -----------------------------------------------------------------------

    def deliver_due(self) -> PassReport:
        """One sender pass (blocks on the network: run it off the GUI thread)."""
        return deliver_due(self.outbox, self.credentials, tls=self.tls)
