"""The layout of Settings > Mail > Incoming mail (IMAP): the mailbox list and its form.

Layout only, and the form's two directions: :meth:`MailboxesView.fill_form` shows a
mailbox, :meth:`MailboxesView.form_input` reads it back. Each field has a problem line
under it (:meth:`MailboxesView.show_problems`). Which rows show follows the choices:
the password or the token command (by the login), the folder to move to (by what
happens after reading).
:class:`~aiva_desk.gui.settings.mailboxes_page.MailboxesSection` keeps the mailboxes
being edited and reacts to these widgets.
"""

from __future__ import annotations

import math

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from aiva_desk.gui.common import theme
from aiva_desk.gui.common.forms import hint_label, problem_label, set_text_color
from aiva_desk.gui.common.icons import icon
from aiva_desk.inbound.mailboxes import DEFAULT_POLL_SECONDS, MAX_POLL_SECONDS, MailboxInput
from aiva_desk.store.inbound_models import AfterReading
from aiva_desk.store.mail_models import AuthMethod, Security

DEFAULT_PORTS = {Security.SSL: 993, Security.STARTTLS: 143, Security.PLAIN: 143}
FIELDS = (
    "name",
    "host",
    "security",
    "port",
    "username",
    "password",
    "token_command",
    "folder",
    "move_to",
    "poll_seconds",
)


def port_for_security(port: int, old: Security, new: Security) -> int:
    """The port once the security changes: it follows while it is the usual one."""
    return DEFAULT_PORTS[new] if port == DEFAULT_PORTS[old] else port


def minutes_of(seconds: int) -> int:
    """The form's "every N minutes" for a stored interval (rounded up, at least one)."""
    return max(1, math.ceil(seconds / 60))


class MailboxesView(QWidget):
    """Mailboxes (a list and a form) that customers' mail is read from, over IMAP."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("mailboxesSection")

        self.mailbox_list = QListWidget(self)
        self.mailbox_list.setObjectName("mailboxList")
        self.mailbox_list.setAccessibleName("Mailboxes")
        self.mailbox_list.setMinimumWidth(150)
        self.mailbox_list.setMaximumWidth(200)
        self.add_button = QPushButton("A&dd", self)
        self.add_button.setObjectName("addMailboxButton")
        self.add_button.setAutoDefault(False)
        self.remove_button = QPushButton(icon("delete"), "Re&move", self)
        self.remove_button.setObjectName("removeMailboxButton")
        self.remove_button.setAutoDefault(False)

        self.form_widget = QWidget(self)
        self.name_edit = self._line("mailboxName", "Mailbox name")
        self.host_edit = self._line("mailboxHost", "IMAP server host name")
        self.host_edit.setPlaceholderText("imap.example.org")
        self.security_combo = self._combo("mailboxSecurity", "Security")
        for security in (Security.SSL, Security.STARTTLS, Security.PLAIN):
            self.security_combo.addItem(security.label, security)
        self.port_spin = QSpinBox(self.form_widget)
        self.port_spin.setObjectName("mailboxPort")
        self.port_spin.setAccessibleName("Port")
        self.port_spin.setRange(1, 65535)
        self.port_spin.setValue(DEFAULT_PORTS[Security.SSL])
        self.port_spin.setGroupSeparatorShown(False)
        self.username_edit = self._line("mailboxUsername", "User name")
        self.auth_combo = self._combo("mailboxAuth", "Log in with")
        for auth in (AuthMethod.PASSWORD, AuthMethod.XOAUTH2):
            self.auth_combo.addItem(auth.label, auth)
        self.password_edit = self._line("mailboxPassword", "Password")
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.password_state = hint_label("", self.form_widget)
        self.password_state.setObjectName("mailboxPasswordState")
        self.token_command_edit = self._line("mailboxTokenCommand", "Token command")
        self.token_command_edit.setPlaceholderText("oama access desk@example.org")
        self.token_hint = hint_label(
            "Run at each login; it prints an OAuth2 access token, as for mutt or aerc.",
            self.form_widget,
        )
        self.folder_edit = self._line("mailboxFolder", "Folder to read")
        self.folder_edit.setPlaceholderText("INBOX")
        self.after_combo = self._combo("mailboxAfterReading", "After reading")
        for after in (AfterReading.FLAG, AfterReading.MOVE):
            self.after_combo.addItem(after.label, after)
        self.move_to_edit = self._line("mailboxMoveTo", "Folder to move read messages to")
        self.move_to_edit.setPlaceholderText("Archive")
        self.poll_spin = QSpinBox(self.form_widget)
        self.poll_spin.setObjectName("mailboxPollMinutes")
        self.poll_spin.setAccessibleName("Check every, in minutes")
        self.poll_spin.setRange(1, MAX_POLL_SECONDS // 60)
        self.poll_spin.setSuffix(" min")
        self.poll_spin.setValue(minutes_of(DEFAULT_POLL_SECONDS))
        self.poll_hint = hint_label(
            "and at once where the server announces new mail (IMAP IDLE)",
            self.form_widget,
        )
        self.poll_hint.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        self.test_button = QPushButton("&Test Connection", self.form_widget)
        self.test_button.setObjectName("testMailboxButton")
        self.test_button.setAutoDefault(False)
        self.test_button.setToolTip(
            "Log in and open the folder with these settings; no message is read"
        )
        self.test_result = QLabel(self.form_widget)
        self.test_result.setObjectName("mailboxTestResult")
        self.test_result.setWordWrap(True)
        self.test_result.setTextFormat(Qt.TextFormat.PlainText)
        self.test_result.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.test_result.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.last_check = hint_label("", self.form_widget)
        self.last_check.setObjectName("mailboxLastCheck")
        self.last_check.setTextFormat(Qt.TextFormat.PlainText)
        self.last_check.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.problems = {
            field: problem_label(f"mailbox{field.title().replace('_', '')}Problem", self)
            for field in FIELDS
        }
        self.no_mailboxes_label = hint_label(
            "No mailbox yet. Choose Add to have customers' e-mail read from an IMAP mailbox "
            "and taken in as tickets and replies.",
            self,
        )
        self.no_mailboxes_label.setObjectName("noMailboxesLabel")
        self._form: QFormLayout | None = None
        self._shown_problems: dict[str, str] = {}
        self._cells: dict[QWidget, QWidget] = {}  # a field -> its cell in the form
        self._lay_out()
        self.show_login_rows()

    # -- building ------------------------------------------------------------------

    def _line(self, name: str, accessible: str) -> QLineEdit:
        edit = QLineEdit(self.form_widget)
        edit.setObjectName(name)
        edit.setAccessibleName(accessible)
        return edit

    def _combo(self, name: str, accessible: str) -> QComboBox:
        combo = QComboBox(self.form_widget)
        combo.setObjectName(name)
        combo.setAccessibleName(accessible)
        return combo

    def _lay_out(self) -> None:
        form = QFormLayout(self.form_widget)
        form.setContentsMargins(0, 0, 0, 0)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        self._form = form

        def row(
            text: str,
            widget: QWidget,
            field: str | None = None,
            *hints: QLabel,
            beside: QLabel | None = None,
        ) -> None:
            """The field with its problem line and hints right under it, in one cell."""
            below = ([self.problems[field]] if field else []) + list(hints)
            cell: QWidget = widget
            if below:
                cell = QWidget(self.form_widget)
                column = QVBoxLayout(cell)
                column.setContentsMargins(0, 0, 0, 0)
                column.setSpacing(2)
                if isinstance(widget, QLineEdit):
                    column.addWidget(widget)
                else:  # spin boxes and choices keep their width; a hint may go beside
                    line = QHBoxLayout()
                    line.addWidget(widget)
                    if beside is not None:
                        line.addWidget(beside, 1)
                    else:
                        line.addStretch(1)
                    column.addLayout(line)
                for part in below:
                    column.addWidget(part)
            self._cells[widget] = cell
            label = QLabel(text, self.form_widget)
            label.setBuddy(widget)
            form.addRow(label, cell)

        row("Mailbo&x name:", self.name_edit, "name")
        row("Ser&ver:", self.host_edit, "host")
        row("Securit&y:", self.security_combo, "security")
        row("&Port:", self.port_spin, "port")
        row("&User name:", self.username_edit, "username")
        row("&Log in with:", self.auth_combo)
        row("Pass&word:", self.password_edit, "password", self.password_state)
        row("Token &command:", self.token_command_edit, "token_command", self.token_hint)
        row("&Folder:", self.folder_edit, "folder")
        row("&After reading:", self.after_combo)
        row("M&ove to:", self.move_to_edit, "move_to")
        row("C&heck every:", self.poll_spin, "poll_seconds", beside=self.poll_hint)
        test_row = QHBoxLayout()
        test_row.addWidget(self.test_button, 0, Qt.AlignmentFlag.AlignTop)
        test_row.addWidget(self.test_result, 1)
        form.addRow("", test_row)
        form.addRow("Last check:", self.last_check)

        scroll = QScrollArea(self)
        scroll.setObjectName("mailboxFormScroll")
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(self.form_widget)
        self.form_widget.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)

        list_buttons = QHBoxLayout()
        list_buttons.addWidget(self.add_button)
        list_buttons.addWidget(self.remove_button)
        left = QVBoxLayout()
        left.addWidget(self.mailbox_list, 1)
        left.addLayout(list_buttons)
        right = QVBoxLayout()
        right.addWidget(self.no_mailboxes_label)
        right.addWidget(scroll, 1)
        layout = QHBoxLayout(self)
        layout.addLayout(left)
        layout.addSpacing(6)
        layout.addLayout(right, 1)

    def show_login_rows(self) -> None:
        """Show the password or the token command (by the login), and the folder to
        move to only when read mail is moved."""
        form = self._form
        assert form is not None
        password = self.auth_combo.currentData() != AuthMethod.XOAUTH2
        form.setRowVisible(self._cells[self.password_edit], password)
        form.setRowVisible(self._cells[self.token_command_edit], not password)
        move = self.after_combo.currentData() == AfterReading.MOVE
        form.setRowVisible(self._cells[self.move_to_edit], move)
        self.show_problems(self._shown_problems)

    # -- the form's contents ---------------------------------------------------------

    def fill_form(self, data: MailboxInput | None, password: str) -> None:
        """Show ``data`` (``None``: an empty form) and the password typed for it."""
        security = data.security if data else Security.SSL
        self.name_edit.setText(data.name if data else "")
        self.host_edit.setText(data.host if data else "")
        self.security_combo.setCurrentIndex(self.security_combo.findData(security))
        self.port_spin.setValue(data.port if data else DEFAULT_PORTS[security])
        self.username_edit.setText(data.username if data else "")
        auth = data.auth if data else AuthMethod.PASSWORD
        self.auth_combo.setCurrentIndex(self.auth_combo.findData(auth))
        self.password_edit.setText(password)
        self.token_command_edit.setText(data.token_command if data else "")
        self.folder_edit.setText(data.folder if data else "INBOX")
        after = data.after_reading if data else AfterReading.FLAG
        self.after_combo.setCurrentIndex(self.after_combo.findData(after))
        self.move_to_edit.setText(data.move_to if data else "")
        seconds = data.poll_seconds if data else DEFAULT_POLL_SECONDS
        self.poll_spin.setValue(minutes_of(seconds))
        self.show_login_rows()

    def form_input(self, poll_seconds: int) -> MailboxInput:
        """The mailbox as the form shows it; ``poll_seconds`` is the stored interval,
        kept while the minutes shown still stand for it."""
        if minutes_of(poll_seconds) != self.poll_spin.value():
            poll_seconds = self.poll_spin.value() * 60
        return MailboxInput(
            name=self.name_edit.text(),
            host=self.host_edit.text(),
            port=self.port_spin.value(),
            security=Security(self.security_combo.currentData()),
            username=self.username_edit.text(),
            auth=AuthMethod(self.auth_combo.currentData()),
            token_command=self.token_command_edit.text(),
            folder=self.folder_edit.text(),
            after_reading=AfterReading(self.after_combo.currentData()),
            move_to=self.move_to_edit.text(),
            poll_seconds=poll_seconds,
        )

    def field_widget(self, field: str) -> QWidget:
        return {
            "name": self.name_edit,
            "host": self.host_edit,
            "port": self.port_spin,
            "security": self.security_combo,
            "username": self.username_edit,
            "password": self.password_edit,
            "token_command": self.token_command_edit,
            "folder": self.folder_edit,
            "move_to": self.move_to_edit,
            "poll_seconds": self.poll_spin,
        }.get(field, self.name_edit)

    def show_problems(self, problems: dict[str, str]) -> None:
        """Each problem under its field (a field whose row is hidden shows none)."""
        self._shown_problems = dict(problems)
        for field, label in self.problems.items():
            text = problems.get(field, "")
            label.setText(text)
            label.setVisible(bool(text) and self.field_widget(field).isVisibleTo(self))

    def set_test_result(self, text: str, ok: bool | None) -> None:
        if ok is None:
            color = theme.muted_color()
        elif ok:
            color = theme.sla_color(theme.SlaState.ON_TRACK)
        else:
            color = theme.error_color()
        set_text_color(self.test_result, color)
        self.test_result.setText(text)
