"""A real SMTP server (aiosmtpd on 127.0.0.1) with STARTTLS, implicit TLS and AUTH,
plus an in-memory keyring: mail tests use these, never the developer's own; and
``make_ticket``, a ticket for the mail tests to write about.

The server can be told to misbehave: refuse some recipients, answer 4xx a few
times, answer 5xx, or drop the connection in the middle of DATA.
"""

from __future__ import annotations

import ssl
from collections.abc import Iterator
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage

import keyring
import pytest
import trustme
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from keyring.backend import KeyringBackend

from aiva_desk.app_context import AppContext
from aiva_desk.mail.accounts import AccountInput
from aiva_desk.store.mail_models import Security
from aiva_desk.tickets.service import NewTicket, TicketRef
from tests.helpers.ports import free_port

USER, PASSWORD = "agent@example.org", "s3cret-Pässword-42"


class MemoryKeyring(KeyringBackend):
    """A keyring that lives in this test only."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.secrets: dict[tuple[str, str], str] = {}

    def set_password(self, service: str, username: str, password: str) -> None:
        self.secrets[(service, username)] = password

    def get_password(self, service: str, username: str) -> str | None:
        return self.secrets.get((service, username))

    def delete_password(self, service: str, username: str) -> None:
        self.secrets.pop((service, username), None)


@pytest.fixture
def memory_keyring() -> MemoryKeyring:
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    return backend


@dataclass
class Behaviour:
    refuse: dict[str, str] = field(default_factory=dict)  # address → "550 No such user"
    temporary_failures: int = 0  # answer DATA with 451 this many times
    permanent_failure: bool = False  # answer DATA with 554
    drop_during_data: int = 0  # close the connection during DATA this many times


class Recorder:
    """aiosmtpd handler: keeps what arrived, misbehaves as told."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.envelopes: list[tuple[str, list[str]]] = []
        self.behaviour = Behaviour()
        self.logins = 0

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.behaviour.refuse:
            return self.behaviour.refuse[address]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        behaviour = self.behaviour
        if behaviour.drop_during_data:
            behaviour.drop_during_data -= 1
            server.transport.close()
            return "421 closing"
        if behaviour.temporary_failures:
            behaviour.temporary_failures -= 1
            return "451 4.3.0 Try again later"
        if behaviour.permanent_failure:
            return "554 5.7.1 Message rejected as spam"
        self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        self.messages.append(message_from_bytes(envelope.original_content, policy=policy.default))
        return "250 Message accepted"


@dataclass
class SmtpServer:
    host: str
    port: int
    security: Security
    recorder: Recorder
    client_tls: ssl.SSLContext
    controller: Controller
    running: bool = True

    def account(self, name: str = "Support") -> AccountInput:
        return AccountInput(
            name=name,
            host=self.host,
            port=self.port,
            security=self.security,
            username=USER,
            from_name="AIVA Support — Zoë",
            from_address="support@example.org",
            reply_to="help@example.org",
            signature="-- \nAIVA Support",
            is_default=True,
        )

    def stop(self) -> None:
        if self.running:
            self.controller.stop()
            self.running = False


@pytest.fixture(scope="session")
def certificate_authority() -> trustme.CA:
    return trustme.CA()


def _authenticator(recorder: Recorder):
    def check(server, session, envelope, mechanism, auth_data) -> AuthResult:
        ok = (
            isinstance(auth_data, LoginPassword)
            and auth_data.login.decode() == USER
            and auth_data.password.decode() == PASSWORD
        )
        recorder.logins += ok
        return AuthResult(success=ok, handled=False)  # False: aiosmtpd sends the 535

    return check


def start_server(
    ca: trustme.CA, security: Security = Security.STARTTLS, recorder: Recorder | None = None
) -> SmtpServer:
    cert = ca.issue_cert("127.0.0.1", "localhost")
    server_tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    cert.configure_cert(server_tls)
    client_tls = ssl.create_default_context()
    ca.configure_trust(client_tls)
    recorder = recorder or Recorder()
    port = free_port()
    options: dict = {
        "authenticator": _authenticator(recorder),
        "auth_required": True,
        "auth_require_tls": True,
    }
    if security is Security.SSL:  # implicit TLS: aiosmtpd doesn't count it for auth
        options.update(ssl_context=server_tls, auth_require_tls=False)
    else:
        options.update(tls_context=server_tls, require_starttls=True)
    controller = Controller(recorder, hostname="127.0.0.1", port=port, **options)
    controller.start()
    return SmtpServer("127.0.0.1", port, security, recorder, client_tls, controller)


@pytest.fixture
def smtp_server(certificate_authority: trustme.CA) -> Iterator[SmtpServer]:
    server = start_server(certificate_authority)
    yield server
    server.stop()


@pytest.fixture
def mail_context(context: AppContext, smtp_server: SmtpServer, memory_keyring) -> AppContext:
    """The app context with a Support account on the test server, password in the keyring."""
    context.mail.tls = smtp_server.client_tls
    context.mail.save_account(smtp_server.account(), PASSWORD)
    return context


def make_ticket(
    context: AppContext, subject="Agent silent", name="Ann Lee", category="Agent Issues"
) -> TicketRef:
    service = context.tickets
    category_id = next(c.id for c in service.categories() if c.name == category)
    return service.create(NewTicket(subject, name, "ann@example.com", category_id, "No replies"))


def start_relay() -> SmtpServer:
    """A local relay: plain SMTP on 127.0.0.1 that offers no login (no SMTP AUTH)."""
    recorder = Recorder()
    port = free_port()
    controller = Controller(recorder, hostname="127.0.0.1", port=port)
    controller.start()
    return SmtpServer("127.0.0.1", port, Security.PLAIN, recorder, ssl.create_default_context(),
                      controller)  # fmt: skip


@pytest.fixture
def smtp_relay() -> Iterator[SmtpServer]:
    server = start_relay()
    yield server
    server.stop()
