"""The OAuth2 token command: its token, or one line saying why there is none; and the
login secret (keyring password or token) an account's login sends."""

from __future__ import annotations

import logging
import shlex
import sys

import pytest

from aiva_desk.mail.credentials import CredentialStore
from aiva_desk.mail.errors import AuthenticationFailed, MissingPassword, TokenCommandFailed
from aiva_desk.mail.oauth_token import login_secret, token_from_command
from aiva_desk.store.mail_models import AuthMethod

pytest_plugins = ("tests.helpers.mail_fixtures",)


FAILING = "import sys; sys.stderr.write('warming up\\nrefresh token expired\\n'); sys.exit(3)"


def _python(code: str) -> str:
    return f"{shlex.quote(sys.executable)} -c {shlex.quote(code)}"


def test_the_first_non_empty_line_is_the_token(caplog) -> None:
    caplog.set_level(logging.DEBUG)
    command = _python("print(); print('  tok-123  '); print('ignored')")
    assert token_from_command(command) == "tok-123"
    assert "tok-123" not in caplog.text


@pytest.mark.parametrize(
    ("command", "says"),
    [
        ("", "No token command is set"),
        ("'unbalanced", "cannot be read"),
        ("/nonexistent/get-token --user me", "“/nonexistent/get-token” was not found"),
        (_python(FAILING), "failed (exit status 3): refresh token expired"),
        (_python("import sys; sys.exit(1)"), "failed (exit status 1)."),
        (_python("print('   ')"), "printed no access token"),
    ],
)
def test_every_failure_is_one_line_saying_why(command: str, says: str) -> None:
    with pytest.raises(TokenCommandFailed) as raised:
        token_from_command(command)
    assert says in raised.value.message
    assert "\n" not in raised.value.message
    assert isinstance(raised.value, AuthenticationFailed)


def test_a_command_that_hangs_is_given_up_on() -> None:
    with pytest.raises(TokenCommandFailed, match=r"did not finish within 0\.5 seconds"):
        token_from_command(_python("import time; time.sleep(30)"), timeout=0.5)


def test_the_login_secret_is_the_password_or_a_token(memory_keyring) -> None:
    credentials = CredentialStore()
    with pytest.raises(MissingPassword):
        login_secret(AuthMethod.PASSWORD, "imap/1/me", "", credentials)
    credentials.save("imap/1/me", "pw")
    assert login_secret(AuthMethod.PASSWORD, "imap/1/me", "ignored", credentials) == "pw"
    token = login_secret(AuthMethod.XOAUTH2, "imap/1/me", _python("print('t0k')"), credentials)
    assert token == "t0k"
