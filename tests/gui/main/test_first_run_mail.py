"""First run's Test connection against real servers: a local relay that asks for no
login, and one that does; the page never invents a user name and says what happened."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWizard

from aiva_desk.gui.main.first_run import FirstRunWizard
from aiva_desk.store.mail_models import Security
from tests.helpers.mail_fixtures import PASSWORD, USER

pytestmark = pytest.mark.usefixtures("shown_errors")
pytest_plugins = ("tests.helpers.mail_fixtures",)


@pytest.fixture
def mail_page(qtbot, context):
    wizard = FirstRunWizard(context)
    qtbot.addWidget(wizard)
    wizard.show()
    next_button = wizard.button(QWizard.WizardButton.NextButton)
    qtbot.mouseClick(next_button, Qt.MouseButton.LeftButton)
    qtbot.keyClicks(wizard.profile.name_edit, "Dana Agent")
    qtbot.keyClicks(wizard.profile.email_edit, "dana@example.com")
    qtbot.mouseClick(next_button, Qt.MouseButton.LeftButton)
    assert wizard.currentPage() is wizard.mail
    wizard.mail.enabled.setChecked(True)
    yield wizard.mail  # the wizard is kept alive meanwhile


def point_at(qtbot, page, server) -> None:
    page.security.setCurrentIndex(page.security.findData(server.security))
    qtbot.keyClicks(page.host, server.host)
    page.port.setValue(server.port)


def click_test(qtbot, page) -> str:
    with qtbot.waitSignal(page.test_finished, timeout=10_000) as done:
        qtbot.mouseClick(page.test_button, Qt.MouseButton.LeftButton)
    assert page.test_status.text() == done.args[0]
    return done.args[0]


def test_a_relay_without_login_connects_and_a_typed_user_name_is_named(
    qtbot, mail_page, smtp_relay
) -> None:
    page = mail_page
    assert page.username.text() == ""  # no login the agent did not give…
    assert "dana@example.com" in page.username.placeholderText()  # …only a hint
    point_at(qtbot, page, smtp_relay)
    assert click_test(qtbot, page) == "Connected; this server needs no login."

    qtbot.keyClicks(page.username, "dana@example.com")
    said = click_test(qtbot, page)
    assert said.startswith("Failed: This server does not ask for a login: clear the user name")

    page.username.clear()
    assert click_test(qtbot, page) == "Connected; this server needs no login."
    assert smtp_relay.recorder.messages == []  # a test sends nothing


def test_a_server_with_login_says_who_logged_in(
    qtbot, context, mail_page, smtp_server, memory_keyring
) -> None:
    context.mail.tls = smtp_server.client_tls  # the test server's own certificate authority
    page = mail_page
    assert page.security.currentData() == Security.STARTTLS
    point_at(qtbot, page, smtp_server)
    qtbot.keyClicks(page.username, USER)
    page.password.setText(PASSWORD)  # non-ASCII: keyClicks types ASCII only
    assert click_test(qtbot, page) == f"Connected; logged in as {USER}."
    assert smtp_server.recorder.logins == 1
