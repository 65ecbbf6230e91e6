"""An OAuth2 mail account sends with SASL XOAUTH2 (the token from its command, never a
keyring password), against a real SMTP server (aiosmtpd) that checks the exchange."""

from __future__ import annotations

import base64
import dataclasses
import shlex
import sys

import pytest
from aiosmtpd.smtp import AuthResult

from aiva_desk.errors import ValidationError
from aiva_desk.mail.accounts import AccountInput, get_account, save_account
from aiva_desk.mail.errors import AuthenticationFailed
from aiva_desk.store.mail_models import AuthMethod, OutboxState, Security
from tests.helpers.mail_fixtures import USER, Recorder, make_ticket, start_server

pytest_plugins = ("tests.helpers.mail_fixtures",)

TOKEN = "ya29.smtp-token"


class OAuthRecorder(Recorder):
    """Accepts ``AUTH XOAUTH2`` with TOKEN for USER; answers a wrong one as Gmail does:
    an error challenge, then 535 after the client's empty reply."""

    def __init__(self) -> None:
        super().__init__()
        self.responses: list[bytes] = []

    async def auth_XOAUTH2(self, server, args):
        response = base64.b64decode(args[1])
        self.responses.append(response)
        if response == f"user={USER}\x01auth=Bearer {TOKEN}\x01\x01".encode():
            self.logins += 1
            return AuthResult(success=True)
        empty = await server.challenge_auth('{"status":"401","schemes":"bearer"}')
        self.responses.append(empty)
        return AuthResult(success=False, handled=False)


def _printing(text: str) -> str:
    return f"{shlex.quote(sys.executable)} -c {shlex.quote(f'print({text!r})')}"


@pytest.fixture
def oauth_server(certificate_authority):
    server = start_server(certificate_authority, recorder=OAuthRecorder())
    yield server
    server.stop()


def _oauth_account(context, server, command: str) -> int:
    data = dataclasses.replace(server.account(), auth=AuthMethod.XOAUTH2, token_command=command)
    context.mail.tls = server.client_tls
    return context.mail.save_account(data, None)


def test_an_oauth2_account_needs_its_token_command(context) -> None:
    data = AccountInput("Support", "smtp.example.com", 587, Security.STARTTLS, USER, "AIVA",
                        "support@example.org", auth=AuthMethod.XOAUTH2)  # fmt: skip
    with pytest.raises(ValidationError) as raised:
        save_account(context.db, data)
    assert "token_command" in raised.value.problems
    account_id = save_account(context.db, dataclasses.replace(data, token_command="get-token"))
    account = get_account(context.db, account_id)
    assert (account.auth, account.token_command) == (AuthMethod.XOAUTH2, "get-token")
    assert account.server.auth is AuthMethod.XOAUTH2


def test_mail_is_sent_with_xoauth2(context, oauth_server, memory_keyring) -> None:
    _oauth_account(context, oauth_server, _printing(TOKEN))
    ref = make_ticket(context)
    context.mail.outbox.queue(context.mail.draft(ref.id, template="acknowledgment"))
    report = context.mail.deliver_due()
    assert report.sent and not report.failed
    assert oauth_server.recorder.logins == 1
    assert len(oauth_server.recorder.messages) == 1
    assert memory_keyring.secrets == {}  # no password was ever stored


def test_a_refused_token_fails_with_one_line(context, oauth_server, memory_keyring) -> None:
    account_id = _oauth_account(context, oauth_server, _printing("stale"))
    ref = make_ticket(context)
    outbox_id = context.mail.outbox.queue(context.mail.draft(ref.id, template="acknowledgment"))
    report = context.mail.deliver_due()
    reason = report.failed[outbox_id]
    assert reason.startswith("The mail server refused the OAuth2 token of “Support” (535")
    assert oauth_server.recorder.responses[-1] == b""  # the empty answer to the error
    item = next(i for i in context.mail.outbox.items(tuple(OutboxState)) if i.id == outbox_id)
    assert item.state is OutboxState.FAILED
    with pytest.raises(AuthenticationFailed, match="refused the OAuth2 token"):
        context.mail.test_account(_input(context, account_id), None, account_id)


def _input(context, account_id: int) -> AccountInput:
    a = get_account(context.db, account_id)
    return AccountInput(a.name, a.host, a.port, a.security, a.username, a.from_name,
                        a.from_address, auth=a.auth, token_command=a.token_command)  # fmt: skip


def test_a_failing_token_command_fails_the_message(context, oauth_server, memory_keyring):
    _oauth_account(context, oauth_server, "/nonexistent/get-token")
    ref = make_ticket(context)
    outbox_id = context.mail.outbox.queue(context.mail.draft(ref.id, template="acknowledgment"))
    report = context.mail.deliver_due()
    assert report.failed[outbox_id] == "The token command “/nonexistent/get-token” was not found."
    assert oauth_server.recorder.responses == []
