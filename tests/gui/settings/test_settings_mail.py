"""Settings > Mail: accounts, Test connection against a real SMTP server, passwords in the
keyring (or for this session only), and the order of the Settings dialog's pages."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, Qt

from aiva_desk.errors import ValidationError
from aiva_desk.gui import tasks
from aiva_desk.gui.settings.checklists_page import ChecklistSettingsPage
from aiva_desk.gui.settings.dialog import PAGES
from aiva_desk.gui.settings.mail_page import MailSettingsPage
from aiva_desk.mail.credentials import SERVICE, account_key
from aiva_desk.runtime.settings import UserSettings
from aiva_desk.store.mail_models import AuthMethod, Security
from tests.helpers.mail_fixtures import PASSWORD, USER
from tests.helpers.queue_gui_helpers import make_tickets, settle

pytest_plugins = ("tests.helpers.mail_fixtures", "tests.helpers.queue_gui_fixtures")

WAIT_MS = 10_000


@pytest.fixture
def page(qtbot, context, shown_errors):
    widget = MailSettingsPage(context)
    qtbot.addWidget(widget)
    widget.resize(720, 560)
    widget.show()
    _load(qtbot, widget)
    return widget


def _load(qtbot, page: MailSettingsPage) -> None:
    with qtbot.waitSignal(page.passwords_checked, timeout=WAIT_MS):
        page.load()


def _type(qtbot, edit, text: str) -> None:
    edit.selectAll()  # what is typed replaces the field's text
    if text.isascii():
        qtbot.keyClicks(edit, text)
    else:  # QTest types ASCII only: paste the rest
        edit.insert(text)


def _click_box(qtbot, check) -> None:
    qtbot.mouseClick(check, Qt.MouseButton.LeftButton, pos=QPoint(8, check.height() // 2))


def _fill(qtbot, page: MailSettingsPage, server, password: str = PASSWORD) -> None:
    """Add an account for ``server`` the way an agent would."""
    qtbot.mouseClick(page.add_button, Qt.MouseButton.LeftButton)
    _type(qtbot, page.name_edit, "Support")
    _type(qtbot, page.host_edit, server.host)
    page.port_spin.setValue(server.port)
    _type(qtbot, page.username_edit, USER)
    _type(qtbot, page.password_edit, password)
    _type(qtbot, page.from_name_edit, "AIVA Support")
    _type(qtbot, page.from_address_edit, "support@example.org")


def _test_connection(qtbot, page: MailSettingsPage) -> str:
    qtbot.mouseClick(page.test_button, Qt.MouseButton.LeftButton)
    assert page.is_testing() and not page.test_button.isEnabled()
    assert page.test_button.text() == "Testing…"
    qtbot.waitUntil(lambda: not page.is_testing(), timeout=WAIT_MS)
    assert page.test_button.isEnabled()
    return page.test_result.text()


@pytest.fixture
def trusting(context, smtp_server):
    context.mail.tls = smtp_server.client_tls  # the test server's own certificate authority
    return smtp_server


def test_add_an_account_test_it_and_save_it(qtbot, context, page, trusting, memory_keyring):
    _load(qtbot, page)  # with the test keyring in place
    assert page.keyring_notice.isHidden() and page.no_accounts_label.isVisible()
    assert not page.is_dirty() and not page.form_widget.isEnabled()
    with qtbot.waitSignal(page.changed):
        _fill(qtbot, page, trusting)
    assert page.is_dirty() and page.account_names() == ["Support (default)"]

    result = _test_connection(qtbot, page)
    assert result == f"✓ Connected to 127.0.0.1:{trusting.port}; logged in as {USER}."
    assert context.mail.accounts() == []  # testing saves nothing

    page.apply()
    [account] = context.mail.accounts()
    assert (account.name, account.port, account.security) == ("Support", trusting.port, "starttls")
    assert account.is_default
    assert memory_keyring.secrets == {(SERVICE, account_key(account.id, USER)): PASSWORD}
    qtbot.waitUntil(lambda: not page.passwords.checking, timeout=WAIT_MS)
    assert not page.is_dirty() and page.password_edit.text() == ""
    assert "Saved in the password store" in page.password_state.text()

    # An empty password field keeps the stored one; a stored account tests with it.
    _type(qtbot, page.from_name_edit, "AIVA Support Team")
    assert "logged in" in _test_connection(qtbot, page)
    page.apply()
    assert context.mail.accounts()[0].from_name == "AIVA Support Team"
    assert memory_keyring.secrets[(SERVICE, account_key(account.id, USER))] == PASSWORD


def test_a_wrong_password_is_named_in_the_result_line(qtbot, page, trusting, memory_keyring):
    _fill(qtbot, page, trusting, password="not-it")
    result = _test_connection(qtbot, page)
    assert result.startswith("✗ The mail server refused the user name or password of “Support”")
    assert "535" in result


def test_the_port_follows_the_security_unless_it_was_changed(qtbot, page):
    qtbot.mouseClick(page.add_button, Qt.MouseButton.LeftButton)
    assert page.port_spin.value() == 587
    page.security_combo.setCurrentIndex(page.security_combo.findData(Security.SSL))
    assert page.port_spin.value() == 465
    page.security_combo.setCurrentIndex(page.security_combo.findData(Security.PLAIN))
    assert page.port_spin.value() == 25
    page.port_spin.setValue(2525)
    page.security_combo.setCurrentIndex(page.security_combo.findData(Security.STARTTLS))
    assert page.port_spin.value() == 2525


def test_plain_to_a_remote_server_is_refused_with_the_field_named(qtbot, context, page):
    qtbot.mouseClick(page.add_button, Qt.MouseButton.LeftButton)
    _type(qtbot, page.host_edit, "smtp.example.org")
    _type(qtbot, page.from_address_edit, "support@example.org")
    page.security_combo.setCurrentIndex(page.security_combo.findData(Security.PLAIN))
    assert page.security_problem.isVisible()  # said at once, under the field
    assert "only allowed to this computer (localhost)" in page.security_problem.text()

    with pytest.raises(ValidationError) as refused:
        page.apply()
    assert list(refused.value.problems.values()) == [
        "Security: An unencrypted connection is only allowed to this computer (localhost). "
        "Choose STARTTLS or SSL/TLS."
    ]
    assert page.problem_label.isVisible() and page.security_combo.hasFocus()
    assert context.mail.accounts() == [] and page.is_dirty()

    _type(qtbot, page.host_edit, "localhost")  # a local relay is fine
    assert page.security_problem.isHidden()
    page.apply()
    assert [a.host for a in context.mail.accounts()] == ["localhost"]


def test_an_oauth2_account_asks_for_its_token_command_instead_of_a_password(qtbot, context, page):
    qtbot.mouseClick(page.add_button, Qt.MouseButton.LeftButton)
    _type(qtbot, page.host_edit, "smtp.example.org")
    _type(qtbot, page.from_address_edit, "support@example.org")
    assert page.password_edit.isVisible() and not page.token_command_edit.isVisible()
    page.auth_combo.setCurrentIndex(page.auth_combo.findData(AuthMethod.XOAUTH2))
    assert not page.password_edit.isVisible() and page.token_command_edit.isVisible()

    with pytest.raises(ValidationError) as refused:
        page.apply()
    assert list(refused.value.problems.values()) == [
        "Token command: Enter the command that prints an OAuth2 access token.",
        "User name: An OAuth2 login needs the user name (the mail address).",
    ]
    _type(qtbot, page.username_edit, "support@example.org")
    _type(qtbot, page.token_command_edit, "oama access support@example.org")
    page.apply()
    [account] = context.mail.accounts()
    assert (account.auth, account.token_command) == (
        AuthMethod.XOAUTH2,
        "oama access support@example.org",
    )
    assert page.token_command_edit.isVisible()  # shown again as saved


def test_test_connection_names_a_missing_field(qtbot, page):
    qtbot.mouseClick(page.add_button, Qt.MouseButton.LeftButton)
    result = _test_connection(qtbot, page)
    assert result.startswith("✗ ") and "Server: The server host is required." in result


def test_without_a_keyring_a_notice_and_a_password_for_this_session(qtbot, context, page, trusting):
    # The tests' default keyring is keyring's "fail" backend: nothing can be stored.
    assert page.keyring_notice.isVisible()
    assert "No password store (keyring) is available" in page.keyring_notice.text()
    asked: list[tuple[str, str]] = []
    page.ask_session_only = lambda account, reason: asked.append((account, reason)) or True
    _fill(qtbot, page, trusting)
    page.apply()
    [account] = context.mail.accounts()  # the account is saved either way
    assert [name for name, _reason in asked] == ["Support"]
    assert "this session only" in asked[0][1]
    assert context.mail.has_password(account)
    qtbot.waitUntil(lambda: not page.passwords.checking, timeout=WAIT_MS)
    assert "Kept for this session only" in page.password_state.text()

    # The session's password sends mail.
    ticket = make_tickets(context, 1)[0]
    context.mail.outbox.queue(context.mail.draft(ticket.id, template="acknowledgment"))
    assert len(context.mail.deliver_due().sent) == 1 and len(trusting.recorder.messages) == 1


def test_without_a_keyring_declining_keeps_no_password(qtbot, context, page, trusting):
    page.ask_session_only = lambda _account, _reason: False
    _fill(qtbot, page, trusting)
    page.apply()
    [account] = context.mail.accounts()
    assert not context.mail.has_password(account)
    qtbot.waitUntil(lambda: not page.passwords.checking, timeout=WAIT_MS)
    assert page.password_state.text() == "No password saved."


def test_two_accounts_one_default_and_removing_one(qtbot, context, page, trusting, memory_keyring):
    _fill(qtbot, page, trusting)
    qtbot.mouseClick(page.add_button, Qt.MouseButton.LeftButton)
    _type(qtbot, page.name_edit, "Billing")
    _type(qtbot, page.host_edit, "localhost")
    _type(qtbot, page.from_address_edit, "billing@example.org")
    _click_box(qtbot, page.default_check)
    assert page.account_names() == ["Support", "Billing (default)"]
    page.apply()
    assert context.mail.default_account().name == "Billing"

    page.accounts_list.setCurrentRow(page.account_names().index("Billing (default)"))
    qtbot.mouseClick(page.remove_button, Qt.MouseButton.LeftButton)
    assert page.is_dirty() and context.mail.default_account().name == "Billing"  # not yet
    page.apply()
    assert [a.name for a in context.mail.accounts()] == ["Support"]


def test_two_accounts_with_one_name_are_refused(qtbot, context, page):
    for _ in range(2):
        qtbot.mouseClick(page.add_button, Qt.MouseButton.LeftButton)
        _type(qtbot, page.name_edit, "Support")
        _type(qtbot, page.host_edit, "localhost")
        _type(qtbot, page.from_address_edit, "support@example.org")
    with pytest.raises(ValidationError, match="Account name: Another account is already"):
        page.apply()
    assert context.mail.accounts() == []


def test_automatic_acknowledgments_are_saved(qtbot, context, page):
    assert not page.auto_ack_check.isChecked()
    with qtbot.waitSignal(page.changed):
        page.auto_ack_check.setChecked(True)
    assert page.is_dirty()
    page.apply()
    assert context.settings.auto_acknowledge
    assert UserSettings.load(context.paths.root).auto_acknowledge
    assert not page.is_dirty()


# -- the Settings dialog ----------------------------------------------------------------


def test_the_settings_dialog_lists_its_pages_in_order(qtbot, window) -> None:
    window.action("settingsAction").trigger()
    dialog = window.settings_dialog
    assert dialog is not None
    qtbot.waitExposed(dialog)
    titles = [dialog.page_list.item(row).text() for row in range(dialog.page_list.count())]
    expected = [
        "General",
        "Mail",
        "Mail Rules",
        "Templates",
        "Staff",
        "SLA",
        "Checklists",
        "Backups",
    ]
    assert titles == [t for t in expected if t in {page.title for page in PAGES}]
    assert titles[:2] == ["General", "Mail"] and titles[-2:] == ["Checklists", "Backups"]
    assert isinstance(dialog.page_titled("Mail"), MailSettingsPage)
    assert tasks.wait_for_idle(WAIT_MS)
    dialog.reject()


def test_saving_the_checklists_page_reloads_the_open_tickets_checklists(
    qtbot, window, context, monkeypatch
) -> None:
    [ref] = make_tickets(context, 1)
    settle(qtbot, window)
    window.ticket_tabs.open_ticket(ref.id, new_tab=True)
    qtbot.waitUntil(lambda: window.ticket_tabs.current_ticket_id() == ref.id, timeout=WAIT_MS)
    editor = window.ticket_tabs.editor_for(ref.id)
    reloaded: list[bool] = []
    monkeypatch.setattr(editor.support.checklists, "reload", lambda: reloaded.append(True))
    window.action("settingsAction").trigger()
    dialog = window.settings_dialog
    dialog.pages_applied.emit(["General"])
    assert reloaded == []
    dialog.pages_applied.emit([ChecklistSettingsPage.title])
    assert reloaded == [True]
    assert tasks.wait_for_idle(WAIT_MS)
    dialog.reject()
