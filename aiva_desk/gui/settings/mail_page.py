"""Settings > Mail: the SMTP accounts messages are sent from, and automatic acknowledgments.

The accounts are edited here and saved together on OK/Apply (a removed account is
retired then). A password goes to the OS password store (keyring) only; an empty
password field keeps the stored one. Where no password store is usable, a notice
says so at the top and Apply offers to keep a typed password for this session only
(:attr:`MailSettingsPage.ask_session_only`, a hook tests can answer).

"Test connection" logs in with what the form says (nothing is saved, nothing sent)
on a worker thread and shows the outcome in one line under the button.

Beside the accounts, the "Incoming mail (IMAP)" tab holds the mailboxes customers'
mail is read from (:class:`~aiva_desk.gui.settings.mailboxes_page.MailboxesSection`),
loaded, checked and saved with the page: Apply saves nothing while either tab has a
problem, and shows the tab that has it.

The widgets are laid out by :class:`~aiva_desk.gui.settings.mail_view.MailSettingsView`;
this page keeps the accounts being edited, checks and saves them.

Signals:
    changed(): the agent edited something on the page.
    passwords_checked(): whether each account has a password (and whether a password
        store is usable) is known: both are read off the GUI thread after ``load()``.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QListWidgetItem, QWidget

from aiva_desk.app_context import AppContext
from aiva_desk.errors import AivaError, DataDirError, ValidationError
from aiva_desk.gui.common.icons import icon
from aiva_desk.gui.errors import show_error
from aiva_desk.gui.settings.mail_passwords import (
    PasswordChecks,
    ask_keep_for_session,
    keyring_notice,
)
from aiva_desk.gui.settings.mail_view import DEFAULT_PORTS, MailSettingsView, port_for_security
from aiva_desk.gui.settings.mailboxes_page import MailboxesSection
from aiva_desk.gui.tasks import BackgroundTask
from aiva_desk.mail.accounts import AccountInput, account_problems
from aiva_desk.mail.errors import KeyringUnavailable
from aiva_desk.mail.smtp import ConnectionTest
from aiva_desk.store.mail_models import Security

FIELD_LABELS = {
    "name": "Account name",
    "host": "Server",
    "port": "Port",
    "security": "Security",
    "username": "User name",
    "password": "Password",
    "token_command": "Token command",
    "from_name": "From name",
    "from_address": "From address",
    "reply_to": "Reply-To",
    "signature": "Signature",
}
NEW_ACCOUNT_NAME = "New account"


def named_problems(problems: dict[str, str], account: str = "") -> dict[str, str]:
    """Each problem prefixed with its field's label (and the account, when given)."""
    where = f"Account “{account}”, " if account else ""
    named = {}
    for field, text in problems.items():
        label = FIELD_LABELS.get(field, field)
        said = text.casefold().startswith(label.casefold())  # "From address: …" already
        named[field] = f"{where}{text}" if said else f"{where}{label}: {text}"
    return named


@dataclass
class _Draft:
    """One account as edited on the page (``id`` None: not saved yet)."""

    id: int | None
    data: AccountInput
    password: str = ""  # typed on this page; empty: keep the stored one


class MailSettingsPage(MailSettingsView):
    """SMTP accounts (a list and a form), Test connection, automatic acknowledgments."""

    title = "Mail"
    icon_name = "mail"
    changed = Signal()
    passwords_checked = Signal()

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._context = context
        self._mail = context.mail
        self._drafts: list[_Draft] = []
        self._saved: dict[int, AccountInput] = {}
        self._removed: set[int] = set()
        self.passwords = PasswordChecks(self, "mail passwords")
        self._loaded_auto_ack: bool | None = None
        self._populating = False
        self._test_token = 0
        self._testing = False
        self.ask_session_only = self._ask_session_only  # hook: (account, reason) -> keep?
        self.mailboxes = MailboxesSection(context, self.tabs)
        self.tabs.addTab(self.mailboxes, "&Incoming mail (IMAP)")
        self._connect()
        self._show_draft(None)

    def _connect(self) -> None:
        self.passwords.read.connect(self._on_passwords_read)
        for edit in (
            self.name_edit,
            self.host_edit,
            self.username_edit,
            self.from_name_edit,
            self.from_address_edit,
            self.reply_to_edit,
        ):
            edit.textChanged.connect(self._on_form_edited)
        self.password_edit.textChanged.connect(self._on_form_edited)
        self.token_command_edit.textChanged.connect(self._on_form_edited)
        self.auth_combo.currentIndexChanged.connect(self._on_auth_changed)
        self.signature_edit.textChanged.connect(self._on_form_edited)
        self.port_spin.valueChanged.connect(self._on_form_edited)
        self.security_combo.currentIndexChanged.connect(self._on_security_changed)
        self.default_check.toggled.connect(self._on_form_edited)
        self.auto_ack_check.toggled.connect(self._emit_changed)
        self.accounts_list.currentRowChanged.connect(self._on_accounts_list_current_row_changed)
        self.add_button.clicked.connect(self.add_account)
        self.remove_button.clicked.connect(self.remove_account)
        self.test_button.clicked.connect(self.test_connection)
        self.mailboxes.changed.connect(self._emit_changed)

    def _emit_changed(self, *_args: object) -> None:
        self.changed.emit()

    # -- the page protocol ---------------------------------------------------------

    def load(self) -> None:
        """Read the accounts and mailboxes (whether each has a password follows from a
        worker thread)."""
        self._load(select_id=None)
        self.mailboxes.load()

    def _load(self, select_id: int | None) -> None:
        accounts = self._mail.accounts()
        self._drafts = [_Draft(a.id, self._input_of(a)) for a in accounts]
        self._saved = {d.id: d.data for d in self._drafts if d.id is not None}
        self._removed = set()
        self._populating = True
        try:
            self.auto_ack_check.setChecked(self._context.settings.auto_acknowledge)
        finally:
            self._populating = False
        self._loaded_auto_ack = self.auto_ack_check.isChecked()
        self.problem_label.hide()
        self._fill_list()
        row = next((i for i, d in enumerate(self._drafts) if d.id == select_id), 0)
        self.accounts_list.setCurrentRow(row if self._drafts else -1)
        self._show_draft(self.current_draft())
        self._check_passwords()

    @staticmethod
    def _input_of(account) -> AccountInput:
        return AccountInput(
            name=account.name,
            host=account.host,
            port=account.port,
            security=account.security,
            username=account.username,
            auth=account.auth,
            token_command=account.token_command,
            from_name=account.from_name,
            from_address=account.from_address,
            reply_to=account.reply_to,
            signature=account.signature,
            is_default=account.is_default,
        )

    def is_dirty(self) -> bool:
        if self._loaded_auto_ack is None:
            return False
        if self.auto_ack_check.isChecked() != self._loaded_auto_ack or self._removed:
            return True
        if self.mailboxes.is_dirty():
            return True
        return any(
            draft.id is None or draft.password or self._saved.get(draft.id) != draft.data
            for draft in self._drafts
        )

    def apply(self) -> None:
        """Check every account and mailbox, then save them; a refused field is named
        and shown."""
        self._check_all()
        try:
            self.mailboxes.check()
        except ValidationError:
            self.tabs.setCurrentWidget(self.mailboxes)
            raise
        for account_id in sorted(self._removed):
            self._mail.remove_account(account_id)
        self._removed.clear()
        for draft in self._drafts:
            if draft.id is not None and not draft.password and self._saved[draft.id] == draft.data:
                continue
            self._save(draft)
        settings = self._context.settings
        before = settings.auto_acknowledge
        settings.auto_acknowledge = self.auto_ack_check.isChecked()
        try:
            self._context.save_settings()
        except OSError as exc:
            settings.auto_acknowledge = before
            raise DataDirError(f"The settings could not be saved: {exc}") from exc
        current = self.current_draft()
        self._load(select_id=current.id if current is not None else None)
        self.mailboxes.apply()

    def _check_all(self) -> None:
        problems: dict[str, str] = {}
        first: tuple[int, str] | None = None
        names: set[str] = set()
        several = len(self._drafts) > 1
        for row, draft in enumerate(self._drafts):
            found = account_problems(draft.data)
            name = draft.data.name.strip()
            if name.casefold() in names and "name" not in found:
                found["name"] = f"Another account is already called “{name}”."
            names.add(name.casefold())
            if found:
                account = name if several else ""
                problems.update(
                    {f"{row}.{k}": v for k, v in named_problems(found, account).items()}
                )
                if first is None:
                    first = (row, next(iter(found)))
        if first is None:
            self.problem_label.hide()
            return
        self.tabs.setCurrentIndex(0)
        row, field = first
        self.accounts_list.setCurrentRow(row)
        shown = [text for key, text in problems.items() if key.startswith(f"{row}.")]
        self.problem_label.setText("\n".join(shown))
        self.problem_label.show()
        self.field_widget(field).setFocus(Qt.FocusReason.OtherFocusReason)
        raise ValidationError(problems)

    def _save(self, draft: _Draft) -> None:
        try:
            draft.id = self._mail.save_account(draft.data, draft.password or None, draft.id)
        except KeyringUnavailable as exc:
            # The account was saved; only its password could not be kept.
            draft.id = self._last_saved_id(draft)
            if draft.id is not None and self.ask_session_only(draft.data.name, exc.message):
                self._mail.remember_for_session(draft.id, draft.data.username, draft.password)
        except ValidationError as exc:
            raise ValidationError(named_problems(exc.problems, draft.data.name)) from None
        draft.password = ""

    def _last_saved_id(self, draft: _Draft) -> int | None:
        if draft.id is not None:
            return draft.id
        name = draft.data.name.strip()
        return next((a.id for a in self._mail.accounts() if a.name == name), None)

    def _ask_session_only(self, account: str, reason: str) -> bool:
        until_then = "no message from this account can be sent."
        return ask_keep_for_session(self, account, reason, until_then)

    # -- passwords -----------------------------------------------------------------

    def _check_passwords(self) -> None:
        """Which accounts have a password, and whether the password store works."""
        mail = self._mail

        def read() -> tuple[str | None, dict[int, bool]]:
            return mail.credentials.backend_problem(), {
                a.id: mail.has_password(a) for a in mail.accounts()
            }

        self.passwords.check(read)

    def _on_passwords_read(self) -> None:
        problem = self.passwords.backend_problem
        if problem:
            self.keyring_notice.setText(keyring_notice(problem))
        self.keyring_notice.setVisible(bool(problem))
        self._show_password_state()
        self.passwords_checked.emit()

    def _show_password_state(self) -> None:
        draft = self.current_draft()
        draft_id = draft.id if draft is not None else None
        self.passwords.show(
            self.password_edit, self.password_state, draft_id, shown=draft is not None
        )

    # -- accounts ------------------------------------------------------------------

    def current_draft(self) -> _Draft | None:
        row = self.accounts_list.currentRow()
        return self._drafts[row] if 0 <= row < len(self._drafts) else None

    def account_names(self) -> list[str]:
        return [self.accounts_list.item(row).text() for row in range(self.accounts_list.count())]

    def _item_text(self, draft: _Draft) -> str:
        name = draft.data.name.strip() or "(no name)"
        return f"{name} (default)" if draft.data.is_default else name

    def _fill_list(self) -> None:
        blocked = self.accounts_list.blockSignals(True)
        try:
            self.accounts_list.clear()
            for draft in self._drafts:
                QListWidgetItem(icon("mail"), self._item_text(draft), self.accounts_list)
        finally:
            self.accounts_list.blockSignals(blocked)

    def _refresh_list_texts(self) -> None:
        for row, draft in enumerate(self._drafts):
            self.accounts_list.item(row).setText(self._item_text(draft))

    def add_account(self) -> None:
        taken = {d.data.name.strip().casefold() for d in self._drafts}
        name, number = NEW_ACCOUNT_NAME, 2
        while name.casefold() in taken:
            name, number = f"{NEW_ACCOUNT_NAME} {number}", number + 1
        data = AccountInput(
            name=name,
            host="",
            port=DEFAULT_PORTS[Security.STARTTLS],
            security=Security.STARTTLS,
            username="",
            from_name="",
            from_address="",
            is_default=not self._drafts,
        )
        self._drafts.append(_Draft(None, data))
        QListWidgetItem(icon("mail"), self._item_text(self._drafts[-1]), self.accounts_list)
        self.accounts_list.setCurrentRow(len(self._drafts) - 1)
        self.name_edit.setFocus(Qt.FocusReason.OtherFocusReason)
        self.name_edit.selectAll()
        self.changed.emit()

    def remove_account(self) -> None:
        row = self.accounts_list.currentRow()
        draft = self.current_draft()
        if draft is None:
            return
        if draft.id is not None:
            self._removed.add(draft.id)
        del self._drafts[row]
        if draft.data.is_default and self._drafts:
            first = self._drafts[0]
            first.data = dataclasses.replace(first.data, is_default=True)
        self._fill_list()
        self.accounts_list.setCurrentRow(min(row, len(self._drafts) - 1))
        self._show_draft(self.current_draft())
        self.changed.emit()

    def _on_accounts_list_current_row_changed(self, _row: int) -> None:
        self._show_draft(self.current_draft())

    # -- the form ------------------------------------------------------------------

    def _show_draft(self, draft: _Draft | None) -> None:
        self._populating = True
        try:
            has = draft is not None
            self.form_widget.setEnabled(has)
            self.remove_button.setEnabled(has)
            self.no_accounts_label.setVisible(not self._drafts)
            self.fill_form(draft.data if draft else None, draft.password if draft else "")
        finally:
            self._populating = False
        self._test_token += 1  # a result still on its way belongs to another account
        self._testing = False
        self.test_button.setEnabled(draft is not None)
        self.test_button.setText("&Test Connection")
        self.test_result.clear()
        self.problem_label.hide()
        self._show_security_problem()
        self._show_password_state()

    def _on_security_changed(self, _index: int) -> None:
        draft = self.current_draft()
        if not self._populating and draft is not None:
            new = Security(self.security_combo.currentData())
            port = port_for_security(self.port_spin.value(), draft.data.security, new)
            self._populating = True
            try:
                self.port_spin.setValue(port)
            finally:
                self._populating = False
        self._on_form_edited()

    def _on_auth_changed(self, _index: int) -> None:
        self.show_login_rows()
        self._on_form_edited()

    def _on_form_edited(self, *_args: object) -> None:
        if self._populating:
            return
        draft = self.current_draft()
        if draft is None:
            return
        data = self.form_input()
        if data.is_default and not draft.data.is_default:
            for other in self._drafts:
                if other is not draft and other.data.is_default:
                    other.data = dataclasses.replace(other.data, is_default=False)
        draft.data = data
        draft.password = self.password_edit.text()
        self._refresh_list_texts()
        self._show_security_problem()
        self._show_password_state()
        self.changed.emit()

    def _show_security_problem(self) -> None:
        draft = self.current_draft()
        problem = account_problems(draft.data).get("security") if draft is not None else None
        self.security_problem.setText(problem or "")
        self.security_problem.setVisible(bool(problem))

    # -- Test connection -------------------------------------------------------------

    def is_testing(self) -> bool:
        return self._testing

    def test_connection(self) -> None:
        """Log in with the form's settings on a worker thread; show the outcome below."""
        draft = self.current_draft()
        if draft is None:
            return
        data, password, account_id = self.form_input(), self.password_edit.text(), draft.id
        self._test_token += 1
        token, mail = self._test_token, self._mail
        self._testing = True
        self.test_button.setEnabled(False)
        self.test_button.setText("Testing…")
        self.set_test_result(f"Connecting to {data.host.strip()}:{data.port}…", None)
        BackgroundTask(
            lambda: mail.test_account(data, password or None, account_id),
            parent=self,
            writes=False,
            label="test mail account",
        ).success(lambda result: self._on_test_finished(token, data, None, result)).failure(
            lambda exc: self._on_test_finished(token, data, exc)
        ).run_in_background()

    def _on_test_finished(
        self,
        token: int,
        data: AccountInput,
        exc: Exception | None,
        result: ConnectionTest | None = None,
    ) -> None:
        if token != self._test_token:
            return
        self._testing = False
        self.test_button.setEnabled(True)
        self.test_button.setText("&Test Connection")
        if exc is None:
            login = result.login_text if result is not None else "the account works"
            self.set_test_result(f"✓ Connected to {data.host.strip()}:{data.port}; {login}.", True)
        elif isinstance(exc, ValidationError):
            self.set_test_result("✗ " + " ".join(named_problems(exc.problems).values()), False)
        elif isinstance(exc, AivaError):
            self.set_test_result(f"✗ {exc.message}", False)
        else:
            self.set_test_result("✗ The test could not be run (see the error shown).", False)
            show_error(self, exc)
