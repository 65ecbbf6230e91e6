"""Settings > Mail > Incoming mail (IMAP): the mailboxes customers' mail is read from.

Edited like the SMTP accounts beside them and saved with the page on OK/Apply (a
removed mailbox stops being read; what came from it stays). A password goes to the
OS password store only, under :func:`~aiva_desk.inbound.mailboxes.mailbox_key`; an
empty password field keeps the stored one. Where no password store is usable, Apply
offers to keep a typed password for this session only (:attr:`ask_session_only`, a
hook tests can answer). An OAuth2 login keeps no password: its token command is run
each time the mailbox is read.

Each field's problem is shown under it, once Apply refused the mailbox or a test was
asked for (the security choice at once). "Test connection" logs in and opens the
folder with what the form says, on a worker thread, and shows the outcome in one line.
"Last check" says when the app last read the mailbox and what went wrong, if anything;
:meth:`MailboxesSection.show_check` updates it while the page is open.

Signals:
    changed(): the agent edited something in the section.
    passwords_checked(): which mailboxes have a password is known (read off the GUI
        thread after ``load()``).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QListWidgetItem, QWidget

from aiva_desk import clock
from aiva_desk.app_context import AppContext
from aiva_desk.errors import AivaError, ValidationError
from aiva_desk.gui.common.formatting import local_time
from aiva_desk.gui.common.icons import icon
from aiva_desk.gui.errors import show_error
from aiva_desk.gui.settings.mail_passwords import (
    PasswordChecks,
    ask_keep_for_session,
)
from aiva_desk.gui.settings.mailboxes_view import DEFAULT_PORTS, MailboxesView, port_for_security
from aiva_desk.gui.tasks import BackgroundTask
from aiva_desk.inbound.mailboxes import (
    MailboxAccount,
    MailboxInput,
    list_mailboxes,
    mailbox_key,
    mailbox_problems,
    remove_mailbox,
    save_mailbox,
)
from aiva_desk.mail.errors import KeyringUnavailable
from aiva_desk.store.mail_models import AuthMethod, Security

FIELD_LABELS = {
    "name": "Mailbox name",
    "host": "Server",
    "port": "Port",
    "security": "Security",
    "username": "User name",
    "password": "Password",
    "token_command": "Token command",
    "folder": "Folder",
    "move_to": "Move to",
    "poll_seconds": "Check every",
}
NEW_MAILBOX_NAME = "New mailbox"
NO_PASSWORD = "Enter the password (it is kept in the password store, nowhere else)."


def named_problems(problems: dict[str, str], mailbox: str = "") -> dict[str, str]:
    """Each problem prefixed with its field's label (and the mailbox, when given)."""
    where = f"Mailbox “{mailbox}”, " if mailbox else ""
    return {
        field: f"{where}{FIELD_LABELS.get(field, field)}: {text}"
        for field, text in problems.items()
    }


@dataclass
class _Draft:
    """One mailbox as edited here (``id`` None: not saved yet)."""

    id: int | None
    data: MailboxInput
    password: str = ""  # typed here; empty: keep the stored one
    checked: bool = False  # its problems are shown under the fields as it is edited


class MailboxesSection(MailboxesView):
    """IMAP mailboxes (a list and a form), Test connection, the last check."""

    changed = Signal()
    passwords_checked = Signal()

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._context = context
        self._db = context.db
        self._credentials = context.mail.credentials
        self._drafts: list[_Draft] = []
        self._saved: dict[int, MailboxInput] = {}
        self._checks: dict[int, tuple[dt.datetime | None, str]] = {}
        self._removed: list[MailboxAccount] = []
        self.passwords = PasswordChecks(self, "mailbox passwords")
        self._populating = False
        self._test_token = 0
        self._testing = False
        self.ask_session_only = self._ask_session_only  # hook: (mailbox, reason) -> keep?
        self._connect()
        self._show_draft(None)

    def _connect(self) -> None:
        self.passwords.read.connect(self._on_passwords_read)
        for edit in (
            self.name_edit,
            self.host_edit,
            self.username_edit,
            self.password_edit,
            self.token_command_edit,
            self.folder_edit,
            self.move_to_edit,
        ):
            edit.textChanged.connect(self._on_form_edited)
        self.port_spin.valueChanged.connect(self._on_form_edited)
        self.poll_spin.valueChanged.connect(self._on_form_edited)
        self.security_combo.currentIndexChanged.connect(self._on_security_changed)
        self.auth_combo.currentIndexChanged.connect(self._on_choice_changed)
        self.after_combo.currentIndexChanged.connect(self._on_choice_changed)
        self.mailbox_list.currentRowChanged.connect(self._on_mailbox_list_current_row_changed)
        self.add_button.clicked.connect(self.add_mailbox)
        self.remove_button.clicked.connect(self.remove_mailbox)
        self.test_button.clicked.connect(self.test_connection)

    # -- loading and saving ----------------------------------------------------------

    def load(self, select_id: int | None = None) -> None:
        """Read the mailboxes (whether each has a password follows from a worker thread)."""
        mailboxes = list_mailboxes(self._db)
        self._drafts = [_Draft(m.id, _input_of(m)) for m in mailboxes]
        self._saved = {m.id: _input_of(m) for m in mailboxes}
        self._checks = {m.id: (m.last_checked_at, m.last_error) for m in mailboxes}
        self._removed = []
        self._fill_list()
        row = next((i for i, d in enumerate(self._drafts) if d.id == select_id), 0)
        self.mailbox_list.setCurrentRow(row if self._drafts else -1)
        self._show_draft(self.current_draft())
        self._check_passwords()

    def is_dirty(self) -> bool:
        if self._removed:
            return True
        return any(
            d.id is None or d.password or self._saved.get(d.id) != d.data for d in self._drafts
        )

    def check(self) -> None:
        """Raise ValidationError naming each problem; the first mailbox with one is shown."""
        found: dict[str, str] = {}
        first: _Draft | None = None
        names: set[str] = set()
        several = len(self._drafts) > 1
        for row, draft in enumerate(self._drafts):
            problems = self._problems_of(draft)
            name = draft.data.name.strip()
            if name.casefold() in names and "name" not in problems:
                problems["name"] = f"Another mailbox is already called “{name}”."
            names.add(name.casefold())
            if problems:
                draft.checked = True
                named = named_problems(problems, name if several else "")
                found.update({f"{row}.{field}": text for field, text in named.items()})
                first = first or draft
        if first is None:
            return
        self.mailbox_list.setCurrentRow(self._drafts.index(first))
        self._show_form_problems()
        field = next(iter(self._problems_of(first)), "name")
        self.field_widget(field).setFocus(Qt.FocusReason.OtherFocusReason)
        raise ValidationError(found)

    def apply(self) -> None:
        """Check every mailbox, then save them (passwords to the password store)."""
        self.check()
        for mailbox in self._removed:
            remove_mailbox(self._db, mailbox.id)
            self._credentials.delete(mailbox.credential_key)
        self._removed = []
        for draft in self._drafts:
            if draft.id is None or draft.password or self._saved[draft.id] != draft.data:
                self._save(draft)
        current = self.current_draft()
        self.load(select_id=current.id if current is not None else None)

    def _save(self, draft: _Draft) -> None:
        before = self._saved.get(draft.id) if draft.id is not None else None
        try:
            draft.id = save_mailbox(self._db, draft.data, draft.id)
        except ValidationError as exc:
            raise ValidationError(named_problems(exc.problems, draft.data.name)) from None
        username = draft.data.username.strip()
        password = draft.password
        if before is not None and before.username.strip() != username:
            old_key = mailbox_key(draft.id, before.username.strip())
            password = password or self._credentials.get(old_key) or ""  # the user renamed
            self._credentials.delete(old_key)
        draft.password = ""
        if not password:
            return
        key = mailbox_key(draft.id, username)
        try:
            self._credentials.save(key, password)
        except KeyringUnavailable as exc:  # the mailbox is saved; only its password is not
            if self.ask_session_only(draft.data.name.strip(), exc.message):
                self._credentials.remember_for_session(key, password)

    def _ask_session_only(self, mailbox: str, reason: str) -> bool:
        return ask_keep_for_session(self, mailbox, reason, "this mailbox is not read.")

    def _problems_of(self, draft: _Draft) -> dict[str, str]:
        problems = mailbox_problems(draft.data)
        if (
            draft.data.auth is AuthMethod.PASSWORD
            and not draft.password
            and not self.passwords.checking
            and not self.passwords.has_password(draft.id)
        ):
            problems["password"] = NO_PASSWORD
        return problems

    # -- passwords -------------------------------------------------------------------

    def _check_passwords(self) -> None:
        credentials = self._credentials
        keys = {d.id: mailbox_key(d.id, d.data.username) for d in self._drafts if d.id}

        def read() -> tuple[str | None, dict[int, bool]]:
            problem = credentials.backend_problem()
            return problem, {mailbox_id: bool(credentials.get(k)) for mailbox_id, k in keys.items()}

        self.passwords.check(read)

    def _on_passwords_read(self) -> None:
        self._show_password_state()
        self.passwords_checked.emit()

    def _show_password_state(self) -> None:
        draft = self.current_draft()
        draft_id = draft.id if draft is not None else None
        self.passwords.show(
            self.password_edit, self.password_state, draft_id, shown=draft is not None
        )

    # -- the list ----------------------------------------------------------------------

    def current_draft(self) -> _Draft | None:
        row = self.mailbox_list.currentRow()
        return self._drafts[row] if 0 <= row < len(self._drafts) else None

    def mailbox_names(self) -> list[str]:
        return [self.mailbox_list.item(r).text() for r in range(self.mailbox_list.count())]

    @staticmethod
    def _item_text(draft: _Draft) -> str:
        return draft.data.name.strip() or "(no name)"

    def _fill_list(self) -> None:
        blocked = self.mailbox_list.blockSignals(True)
        try:
            self.mailbox_list.clear()
            for draft in self._drafts:
                QListWidgetItem(icon("mail"), self._item_text(draft), self.mailbox_list)
        finally:
            self.mailbox_list.blockSignals(blocked)

    def add_mailbox(self) -> None:
        taken = {d.data.name.strip().casefold() for d in self._drafts}
        name, number = NEW_MAILBOX_NAME, 2
        while name.casefold() in taken:
            name, number = f"{NEW_MAILBOX_NAME} {number}", number + 1
        data = MailboxInput(name, "", DEFAULT_PORTS[Security.SSL], Security.SSL, "")
        self._drafts.append(_Draft(None, data))
        QListWidgetItem(icon("mail"), name, self.mailbox_list)
        self.mailbox_list.setCurrentRow(len(self._drafts) - 1)
        self.name_edit.setFocus(Qt.FocusReason.OtherFocusReason)
        self.name_edit.selectAll()
        self.changed.emit()

    def remove_mailbox(self) -> None:
        row, draft = self.mailbox_list.currentRow(), self.current_draft()
        if draft is None:
            return
        if draft.id is not None:
            self._removed.append(_account_of(draft.id, self._saved[draft.id]))
        del self._drafts[row]
        self._fill_list()
        self.mailbox_list.setCurrentRow(min(row, len(self._drafts) - 1))
        self._show_draft(self.current_draft())
        self.changed.emit()

    def _on_mailbox_list_current_row_changed(self, _row: int) -> None:
        self._show_draft(self.current_draft())

    # -- the form ----------------------------------------------------------------------

    def _show_draft(self, draft: _Draft | None) -> None:
        self._populating = True
        try:
            self.form_widget.setEnabled(draft is not None)
            self.remove_button.setEnabled(draft is not None)
            self.no_mailboxes_label.setVisible(not self._drafts)
            self.fill_form(draft.data if draft else None, draft.password if draft else "")
        finally:
            self._populating = False
        self._test_token += 1  # a result still on its way belongs to another mailbox
        self._testing = False
        self.test_button.setEnabled(draft is not None)
        self.test_button.setText("&Test Connection")
        self.test_result.clear()
        self._show_last_check()
        self._show_form_problems()
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

    def _on_choice_changed(self, _index: int) -> None:
        self.show_login_rows()
        self._on_form_edited()

    def _on_form_edited(self, *_args: object) -> None:
        draft = self.current_draft()
        if self._populating or draft is None:
            return
        draft.data = self.form_input(draft.data.poll_seconds)
        draft.password = self.password_edit.text()
        self.mailbox_list.item(self._drafts.index(draft)).setText(self._item_text(draft))
        self._show_form_problems()
        self._show_password_state()
        self.changed.emit()

    def _show_form_problems(self) -> None:
        draft = self.current_draft()
        if draft is None:
            self.show_problems({})
            return
        problems = self._problems_of(draft)
        if not draft.checked:  # said at once: a choice that can never work
            problems = {k: v for k, v in problems.items() if k == "security"}
        self.show_problems(problems)

    def _show_last_check(self) -> None:
        draft = self.current_draft()
        at, error = self._checks.get(draft.id, (None, "")) if draft and draft.id else (None, "")
        if draft is None or draft.id is None:
            text = "Not read yet: the mailbox is read once it is saved."
        elif at is None:
            text = "Not read yet."
        elif error:
            text = f"{local_time(at)}: {error}"
        else:
            text = f"{local_time(at)}: read without problems."
        self.last_check.setText(text)

    def mailbox_read(self, mailbox_id: int, outcome: object) -> None:
        """The app has just read ``mailbox_id``: a ReadSummary, or the MailError."""
        if isinstance(outcome, AivaError):
            self.show_check(mailbox_id, outcome.message)
        else:
            self.show_check(mailbox_id, "; ".join(getattr(outcome, "problems", [])))

    def show_check(self, mailbox_id: int, error: str = "", at: dt.datetime | None = None) -> None:
        """The app has just read ``mailbox_id`` (``error``: what went wrong)."""
        self._checks[mailbox_id] = (at or clock.now(), error)
        self._show_last_check()

    # -- Test connection -------------------------------------------------------------

    def is_testing(self) -> bool:
        return self._testing

    def test_connection(self) -> None:
        """Log in and open the folder with the form's settings on a worker thread."""
        draft = self.current_draft()
        if draft is None:
            return
        draft.checked = True
        self._show_form_problems()
        data, typed, mailbox_id = draft.data, self.password_edit.text(), draft.id
        self._test_token += 1
        token, credentials, tls = self._test_token, self._credentials, self._context.mail.tls
        self._testing = True
        self.test_button.setEnabled(False)
        self.test_button.setText("Testing…")
        self.set_test_result(f"Connecting to {data.host.strip()}:{data.port}…", None)

        def work() -> str:
            from aiva_desk.inbound.imap_reader import check_connection
            from aiva_desk.mail.oauth_token import login_secret

            if problems := mailbox_problems(data):
                raise ValidationError(problems)
            mailbox = _account_of(mailbox_id or 0, data)
            key = mailbox.credential_key
            if typed and data.auth is AuthMethod.PASSWORD:
                secret = typed
            else:
                secret = login_secret(data.auth, key, data.token_command, credentials)
            return check_connection(mailbox, secret, ssl_context=tls)

        BackgroundTask(work, parent=self, writes=False, label="test mailbox").success(
            lambda line: self._on_test_finished(token, line, None)
        ).failure(lambda exc: self._on_test_finished(token, "", exc)).run_in_background()

    def _on_test_finished(self, token: int, line: str, exc: Exception | None) -> None:
        if token != self._test_token:
            return
        self._testing = False
        self.test_button.setEnabled(True)
        self.test_button.setText("&Test Connection")
        if exc is None:
            self.set_test_result(f"✓ {line}", True)
        elif isinstance(exc, ValidationError):
            self.set_test_result("✗ " + " ".join(named_problems(exc.problems).values()), False)
        elif isinstance(exc, AivaError):
            self.set_test_result(f"✗ {exc.message}", False)
        else:
            self.set_test_result("✗ The test could not be run (see the error shown).", False)
            show_error(self, exc)


def _input_of(mailbox: MailboxAccount) -> MailboxInput:
    return MailboxInput(
        name=mailbox.name,
        host=mailbox.host,
        port=mailbox.port,
        security=mailbox.security,
        username=mailbox.username,
        auth=mailbox.auth,
        token_command=mailbox.token_command,
        folder=mailbox.folder,
        after_reading=mailbox.after_reading,
        move_to=mailbox.move_to,
        poll_seconds=mailbox.poll_seconds,
    )


def _account_of(mailbox_id: int, data: MailboxInput) -> MailboxAccount:
    """The form's mailbox as a stored one looks (what the reader is given)."""
    fields = {f.name: getattr(data, f.name) for f in dataclasses.fields(data)}
    for name in ("name", "host", "username", "token_command", "folder", "move_to"):
        fields[name] = fields[name].strip()
    return MailboxAccount(id=mailbox_id, last_checked_at=None, last_error="", **fields)
