"""Settings > Mail > Incoming mail (IMAP): mailboxes added, checked field by field, saved
with their password in the keyring (or for this session only), removed, and tested
against a real IMAP server."""

from __future__ import annotations

import shlex
import sys

import pytest
from PySide6.QtCore import Qt

from aiva_desk.errors import ValidationError
from aiva_desk.gui.settings.mail_page import MailSettingsPage
from aiva_desk.inbound.mailboxes import list_mailboxes, mailbox_key, record_check
from aiva_desk.mail.credentials import SERVICE
from aiva_desk.store.inbound_models import AfterReading
from aiva_desk.store.mail_models import AuthMethod, Security
from tests.helpers.imap_server import token_for

pytest_plugins = ("tests.helpers.mail_fixtures", "tests.helpers.imap_fixtures")

WAIT_MS = 10_000
USER, PASSWORD = "desk@example.org", "imap-Pässword-7"


@pytest.fixture
def page(qtbot, context, shown_errors):
    widget = MailSettingsPage(context)
    qtbot.addWidget(widget)
    widget.resize(900, 620)
    widget.show()
    _load(qtbot, widget)
    widget.tabs.setCurrentWidget(widget.mailboxes)
    return widget


def _load(qtbot, page: MailSettingsPage) -> None:
    with qtbot.waitSignal(page.mailboxes.passwords_checked, timeout=WAIT_MS):
        page.load()


def _type(qtbot, edit, text: str) -> None:
    edit.selectAll()  # what is typed replaces the field's text
    if text.isascii():
        qtbot.keyClicks(edit, text)
    else:  # QTest types ASCII only: paste the rest
        edit.insert(text)


def _choose(combo, value) -> None:
    combo.setCurrentIndex(combo.findData(value))


def _fill(
    qtbot, page: MailSettingsPage, host: str = "imap.example.org", port: int = 993, user=USER
):
    section = page.mailboxes
    qtbot.mouseClick(section.add_button, Qt.MouseButton.LeftButton)
    _type(qtbot, section.name_edit, "Support inbox")
    _type(qtbot, section.host_edit, host)
    section.port_spin.setValue(port)
    _type(qtbot, section.username_edit, user)
    _type(qtbot, section.password_edit, PASSWORD)
    return section


def test_a_mailbox_is_saved_with_its_password_in_the_keyring(qtbot, context, page, memory_keyring):
    _load(qtbot, page)  # with the test keyring in place
    section = page.mailboxes
    assert section.no_mailboxes_label.isVisible() and not section.form_widget.isEnabled()
    assert not page.is_dirty()
    with qtbot.waitSignal(page.changed):
        _fill(qtbot, page)
    assert page.is_dirty() and section.mailbox_names() == ["Support inbox"]
    assert section.folder_edit.text() == "INBOX" and section.poll_spin.value() == 1
    section.poll_spin.setValue(5)

    page.apply()
    [mailbox] = list_mailboxes(context.db)
    assert (mailbox.name, mailbox.host, mailbox.port, mailbox.security) == (
        "Support inbox",
        "imap.example.org",
        993,
        Security.SSL,
    )
    assert (mailbox.folder, mailbox.after_reading, mailbox.poll_seconds) == (
        "INBOX",
        AfterReading.FLAG,
        300,
    )
    assert memory_keyring.secrets == {(SERVICE, mailbox_key(mailbox.id, USER)): PASSWORD}
    qtbot.waitUntil(lambda: not section.passwords.checking, timeout=WAIT_MS)
    assert not page.is_dirty() and section.password_edit.text() == ""
    assert "Saved in the password store" in section.password_state.text()
    assert section.last_check.text() == "Not read yet."

    # A new user name takes the stored password along; an empty field keeps it.
    _type(qtbot, section.username_edit, "help@example.org")
    page.apply()
    assert memory_keyring.secrets == {
        (SERVICE, mailbox_key(mailbox.id, "help@example.org")): PASSWORD
    }

    # Removing it stops reading it and forgets its password.
    qtbot.mouseClick(section.remove_button, Qt.MouseButton.LeftButton)
    assert page.is_dirty()
    page.apply()
    assert list_mailboxes(context.db) == [] and memory_keyring.secrets == {}


def test_problems_are_shown_under_their_fields(qtbot, context, page):
    section = page.mailboxes
    qtbot.mouseClick(section.add_button, Qt.MouseButton.LeftButton)
    assert not any(label.isVisible() for label in section.problems.values())
    _choose(section.after_combo, AfterReading.MOVE)
    assert section.move_to_edit.isVisible()

    with pytest.raises(ValidationError) as refused:
        page.apply()
    assert page.tabs.currentWidget() is section
    assert refused.value.problems == {
        "0.host": "Server: The server host is required.",
        "0.username": "User name: The user name is required.",
        "0.move_to": "Move to: Name the folder read messages are moved to.",
        "0.password": "Password: Enter the password (it is kept in the password store, "
        "nowhere else).",
    }
    shown = {field for field, label in section.problems.items() if label.isVisible()}
    assert shown == {"host", "username", "move_to", "password"}
    assert list_mailboxes(context.db) == []

    # Problems follow the edits once shown; OAuth2 asks for a command, not a password.
    _type(qtbot, section.host_edit, "imap.example.org")
    assert not section.problems["host"].isVisible()
    _choose(section.auth_combo, AuthMethod.XOAUTH2)
    assert not section.password_edit.isVisible() and section.token_command_edit.isVisible()
    assert section.problems["token_command"].text().startswith("Enter the command")
    _type(qtbot, section.token_command_edit, "oama access desk@example.org")
    _type(qtbot, section.username_edit, USER)
    _type(qtbot, section.move_to_edit, "INBOX")
    assert "another folder" in section.problems["move_to"].text()
    _type(qtbot, section.move_to_edit, "Archive/Support")
    assert not any(label.isVisible() for label in section.problems.values())

    page.apply()
    [mailbox] = list_mailboxes(context.db)
    assert (mailbox.auth, mailbox.token_command) == (
        AuthMethod.XOAUTH2,
        "oama access desk@example.org",
    )
    assert (mailbox.after_reading, mailbox.move_to) == (AfterReading.MOVE, "Archive/Support")


def test_the_port_follows_the_security_unless_it_was_changed(qtbot, page):
    section = page.mailboxes
    qtbot.mouseClick(section.add_button, Qt.MouseButton.LeftButton)
    assert section.port_spin.value() == 993
    _choose(section.security_combo, Security.STARTTLS)
    assert section.port_spin.value() == 143
    _choose(section.security_combo, Security.SSL)
    assert section.port_spin.value() == 993
    section.port_spin.setValue(1993)
    _choose(section.security_combo, Security.STARTTLS)
    assert section.port_spin.value() == 1993
    _choose(section.security_combo, Security.PLAIN)  # to a remote server: said at once
    assert "only allowed to this computer" in section.problems["security"].text()
    assert section.problems["security"].isVisible()


def test_without_a_keyring_the_password_is_kept_for_the_session_if_asked(qtbot, context, page):
    section = page.mailboxes
    assert page.keyring_notice.isVisible()  # the test's keyring can't keep passwords
    asked = []
    section.ask_session_only = lambda name, reason: asked.append((name, reason)) or True
    _fill(qtbot, page)
    # before Apply, the line under the typed password does not promise to save it
    assert "for this session only" in section.password_state.text()
    assert "saved with the account" not in section.password_state.text()
    page.apply()
    [mailbox] = list_mailboxes(context.db)
    assert asked and asked[0][0] == "Support inbox"
    assert context.mail.credentials.get(mailbox.credential_key) == PASSWORD
    qtbot.waitUntil(lambda: not section.passwords.checking, timeout=WAIT_MS)
    assert section.password_state.text() == "Kept for this session only; leave empty to keep it."


def test_the_last_check_is_shown_and_follows_the_app(qtbot, context, page, clock):
    section = page.mailboxes
    _fill(qtbot, page)
    section.ask_session_only = lambda *_: True
    page.apply()
    [mailbox] = list_mailboxes(context.db)
    record_check(context.db, mailbox.id, clock.now, "The server refused the password.")
    _load(qtbot, page)
    assert section.last_check.text().endswith(": The server refused the password.")
    section.show_check(mailbox.id)
    assert section.last_check.text().endswith(": read without problems.")


def test_test_connection_logs_in_to_a_real_imap_server(qtbot, context, page, imap_server):
    context.mail.tls = imap_server.client_tls()  # the test server's own certificate authority
    section = _fill(qtbot, page, imap_server.host, imap_server.imaps_port, imap_server.user)
    qtbot.mouseClick(section.test_button, Qt.MouseButton.LeftButton)
    assert section.is_testing() and section.test_button.text() == "Testing…"
    qtbot.waitUntil(lambda: not section.is_testing(), timeout=WAIT_MS)
    assert section.test_result.text().startswith("✓ "), section.test_result.text()
    assert list_mailboxes(context.db) == []  # testing saves nothing

    _type(qtbot, section.password_edit, "not-it")
    qtbot.mouseClick(section.test_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not section.is_testing(), timeout=WAIT_MS)
    assert section.test_result.text().startswith("✗ "), section.test_result.text()


def test_an_oauth2_login_is_tested_with_the_token_its_command_prints(
    qtbot, context, page, imap_server
):
    context.mail.tls = imap_server.client_tls()
    section = _fill(qtbot, page, imap_server.host, imap_server.imaps_port, imap_server.user)
    _choose(section.auth_combo, AuthMethod.XOAUTH2)
    printing = f"print({token_for(imap_server.user)!r})"
    _type(
        qtbot,
        section.token_command_edit,
        f"{shlex.quote(sys.executable)} -c {shlex.quote(printing)}",
    )
    qtbot.mouseClick(section.test_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not section.is_testing(), timeout=WAIT_MS)
    assert section.test_result.text().startswith("✓ Connected to 127.0.0.1"), (
        section.test_result.text()
    )
