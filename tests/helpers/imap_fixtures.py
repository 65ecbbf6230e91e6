"""Fixtures for the IMAP tests (loaded with ``pytest_plugins``): the run's Dovecot with a
user of the test's own, a mailbox set up on it with its password in the test's keyring,
and messages to deliver. Without Dovecot installed the tests skip, saying what to install."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from email.message import EmailMessage

import pytest

from aiva_desk.app_context import AppContext
from aiva_desk.inbound.imap_reader import MailboxReader
from aiva_desk.inbound.intake import MailIntake
from aiva_desk.inbound.mailboxes import MailboxAccount, MailboxInput, get_mailbox, save_mailbox
from aiva_desk.mail.credentials import CredentialStore
from aiva_desk.store.inbound_models import AfterReading
from aiva_desk.store.mail_models import AuthMethod, Security
from tests.helpers.imap_server import PASSWORD, ImapServer, dovecot_program, start_server
from tests.helpers.mail_fixtures import MemoryKeyring


@pytest.fixture(scope="session")
def dovecot() -> Iterator[ImapServer]:
    """The run's Dovecot, stopped (by its PID) after the run."""
    if dovecot_program() is None:
        pytest.skip("dovecot is not installed (Debian package dovecot-imapd)")
    server = start_server()
    yield server
    server.stop()


_users = itertools.count(1)


@pytest.fixture
def imap_server(dovecot: ImapServer) -> ImapServer:
    """The run's Dovecot with a user (and so a mailbox) of this test's own."""
    return dovecot.as_user(f"desk{next(_users)}@example.org")


def add_mailbox(
    context: AppContext,
    server: ImapServer,
    *,
    name: str = "Support inbox",
    security: Security = Security.SSL,
    after_reading: AfterReading = AfterReading.FLAG,
    folder: str = "INBOX",
    auth: AuthMethod = AuthMethod.PASSWORD,
    token_command: str = "",
    port: int | None = None,
    password: str | None = PASSWORD,
) -> MailboxAccount:
    """A mailbox on ``server`` (IMAPS unless told), its password in the keyring."""
    if port is None:
        port = server.imaps_port if security is Security.SSL else server.imap_port
    data = MailboxInput(
        name=name,
        host=server.host,
        port=port,
        security=security,
        username=server.user,
        auth=auth,
        token_command=token_command,
        folder=folder,
        after_reading=after_reading,
        move_to="Taken in" if after_reading is AfterReading.MOVE else "",
    )
    mailbox = get_mailbox(context.db, save_mailbox(context.db, data))
    if password is not None:
        CredentialStore().save(mailbox.credential_key, password)
    return mailbox


@pytest.fixture
def reader(context: AppContext, imap_server: ImapServer, memory_keyring: MemoryKeyring):
    """Reads mailboxes of this test's desk, trusting the test server's CA."""
    return MailboxReader(
        MailIntake(context.tickets), CredentialStore(), ssl_context=imap_server.client_tls()
    )


def customer_mail(
    number: int,
    subject: str = "Export fails",
    sender: str = "Ann Lee <ann@example.com>",
    **headers: str,
) -> bytes:
    """A customer's message, Message-ID ``<n{number}@client.example>``."""
    message = EmailMessage()
    message["From"] = sender
    message["To"] = "support@desk.example"
    message["Subject"] = subject
    message["Date"] = "Mon, 07 Dec 2026 10:40:00 +0000"
    message["Message-ID"] = f"<n{number}@client.example>"
    for name, value in headers.items():
        message[name.replace("_", "-")] = value
    message.set_content(f"Hello,\n\nrequest {number}: the export fails.\n\nAnn")
    return message.as_bytes().replace(b"\n", b"\r\n")
