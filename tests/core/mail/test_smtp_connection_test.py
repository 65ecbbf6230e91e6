"""Test connection says what really happened: logged in as someone, or no login needed,
against real servers with and without SMTP AUTH."""

from __future__ import annotations

import dataclasses

import pytest

from aiva_desk.mail.errors import AuthenticationFailed, MissingPassword
from aiva_desk.mail.smtp import NO_LOGIN_ASKED, ConnectionTest
from tests.helpers.mail_fixtures import PASSWORD, USER

pytest_plugins = ("tests.helpers.mail_fixtures",)


def test_a_relay_without_auth_needs_no_login(context, smtp_relay) -> None:
    relay = dataclasses.replace(smtp_relay.account(), username="")
    result = context.mail.test_account(relay, None)
    assert result == ConnectionTest(username="", offers_login=False)
    assert result.login_text == "this server needs no login"


@pytest.mark.parametrize("password", [None, "anything"])
def test_a_user_name_for_a_relay_without_auth_is_named_plainly(
    context, smtp_relay, password
) -> None:
    relay = smtp_relay.account()  # a user name the relay never asks for
    with pytest.raises(AuthenticationFailed) as refused:
        context.mail.test_account(relay, password)  # not "enter the password" first
    assert refused.value.message == NO_LOGIN_ASKED
    assert "clear the user name" in refused.value.message


def test_a_server_with_auth_logs_in_as_the_user(context, smtp_server) -> None:
    context.mail.tls = smtp_server.client_tls
    result = context.mail.test_account(smtp_server.account(), PASSWORD)
    assert result == ConnectionTest(username=USER, offers_login=True)
    assert result.login_text == f"logged in as {USER}"
    assert smtp_server.recorder.logins == 1
    with pytest.raises(MissingPassword):
        context.mail.test_account(smtp_server.account(), None)


def test_a_server_with_auth_and_no_user_name_says_no_login_was_tried(context, smtp_server) -> None:
    context.mail.tls = smtp_server.client_tls
    result = context.mail.test_account(
        dataclasses.replace(smtp_server.account(), username=""), None
    )
    assert result == ConnectionTest(username="", offers_login=True)
    assert "no login was tried" in result.login_text
    assert smtp_server.recorder.logins == 0
