"""The layout of Settings > Mail: the account list, the account form, acknowledgments.

The accounts are the "Sending (SMTP)" tab; the page adds "Incoming mail (IMAP)" beside it.

Layout only, and the form's two directions: :meth:`MailSettingsView.fill_form`
shows an account, :meth:`MailSettingsView.form_input` reads it back.
:class:`~aiva_desk.gui.settings.mail_page.MailSettingsPage` keeps the accounts
being edited and reacts to these widgets.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QSpinBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from aiva_desk.gui.common import theme
from aiva_desk.gui.common.forms import hint_label, problem_label, set_text_color
from aiva_desk.gui.common.icons import icon
from aiva_desk.mail.accounts import AccountInput
from aiva_desk.store.mail_models import AuthMethod, Security

DEFAULT_PORTS = {Security.STARTTLS: 587, Security.SSL: 465, Security.PLAIN: 25}
SIGNATURE_LINES = 3


def port_for_security(port: int, old: Security, new: Security) -> int:
    """The port once the security changes from ``old`` to ``new``: it follows the
    security while it is the usual one for the old choice; one typed in is kept."""
    return DEFAULT_PORTS[new] if port == DEFAULT_PORTS[old] else port


class MailSettingsView(QWidget):
    """SMTP accounts (a list and a form), Test connection, automatic acknowledgments."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("mailSettingsPage")

        self.keyring_notice = QLabel(self)
        self.keyring_notice.setObjectName("keyringNotice")
        self.keyring_notice.setWordWrap(True)
        self.keyring_notice.setFrameShape(QFrame.Shape.StyledPanel)
        self.keyring_notice.setContentsMargins(8, 6, 8, 6)
        self.keyring_notice.setTextFormat(Qt.TextFormat.PlainText)
        self.keyring_notice.hide()

        self.tabs = QTabWidget(self)  # sending here; the page adds incoming mail
        self.tabs.setObjectName("mailTabs")
        self.tabs.setDocumentMode(True)
        self.accounts_list = QListWidget(self)
        self.accounts_list.setObjectName("mailAccountsList")
        self.accounts_list.setAccessibleName("Mail accounts")
        self.accounts_list.setMinimumWidth(150)
        self.accounts_list.setMaximumWidth(200)
        self.add_button = QPushButton("&Add", self)
        self.add_button.setObjectName("addMailAccountButton")
        self.add_button.setAutoDefault(False)
        self.remove_button = QPushButton(icon("delete"), "Remo&ve", self)
        self.remove_button.setObjectName("removeMailAccountButton")
        self.remove_button.setAutoDefault(False)

        self.form_widget = QWidget(self)
        self.name_edit = self._line("mailAccountName", "Account name")
        self.host_edit = self._line("mailHost", "Server host name")
        self.host_edit.setPlaceholderText("smtp.example.org")
        self.security_combo = QComboBox(self.form_widget)
        self.security_combo.setObjectName("mailSecurityCombo")
        self.security_combo.setAccessibleName("Security")
        for security in (Security.STARTTLS, Security.SSL, Security.PLAIN):
            self.security_combo.addItem(security.label, security)
        self.security_problem = problem_label("mailSecurityProblem", self)
        self.port_spin = QSpinBox(self.form_widget)
        self.port_spin.setObjectName("mailPortSpin")
        self.port_spin.setAccessibleName("Port")
        self.port_spin.setRange(1, 65535)
        self.port_spin.setValue(DEFAULT_PORTS[Security.STARTTLS])
        self.port_spin.setGroupSeparatorShown(False)
        self.username_edit = self._line("mailUsername", "User name")
        self.auth_combo = QComboBox(self.form_widget)
        self.auth_combo.setObjectName("mailAuthCombo")
        self.auth_combo.setAccessibleName("Log in with")
        for auth in (AuthMethod.PASSWORD, AuthMethod.XOAUTH2):
            self.auth_combo.addItem(auth.label, auth)
        self.password_edit = self._line("mailPassword", "Password")
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.password_state = hint_label("", self)
        self.password_state.setObjectName("mailPasswordState")
        self.token_command_edit = self._line("mailTokenCommand", "Token command")
        self.token_command_edit.setPlaceholderText("oama access support@example.org")
        self.token_hint = hint_label(
            "Run at each login; it prints an OAuth2 access token, as for mutt or msmtp.", self
        )
        self.from_name_edit = self._line("mailFromName", "From name")
        self.from_name_edit.setPlaceholderText("AIVA Support")
        self.from_address_edit = self._line("mailFromAddress", "From address")
        self.from_address_edit.setPlaceholderText("support@example.org")
        self.reply_to_edit = self._line("mailReplyTo", "Reply-To address")
        self.reply_to_edit.setPlaceholderText("Optional: where replies go")
        self.signature_edit = QPlainTextEdit(self.form_widget)
        self.signature_edit.setObjectName("mailSignature")
        self.signature_edit.setAccessibleName("Signature")
        self.signature_edit.setTabChangesFocus(True)
        lines = self.signature_edit.fontMetrics().lineSpacing() * SIGNATURE_LINES
        self.signature_edit.setFixedHeight(lines + 2 * self.signature_edit.frameWidth() + 10)
        self.default_check = QCheckBox(
            "&Default account (new messages are sent from it)", self.form_widget
        )
        self.default_check.setObjectName("mailDefaultCheck")
        self.test_button = QPushButton("&Test Connection", self.form_widget)
        self.test_button.setObjectName("testMailConnectionButton")
        self.test_button.setAutoDefault(False)
        self.test_button.setToolTip("Log in to the server with these settings; nothing is sent")
        self.test_result = QLabel(self.form_widget)
        self.test_result.setObjectName("mailTestResult")
        self.test_result.setWordWrap(True)
        self.test_result.setTextFormat(Qt.TextFormat.PlainText)
        self.test_result.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.test_result.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.problem_label = problem_label("mailAccountProblems", self)
        self.no_accounts_label = hint_label(
            "No mail account yet. Choose Add to set up the account messages are sent from.",
            self,
        )
        self.no_accounts_label.setObjectName("noMailAccountsLabel")

        self.auto_ack_check = QCheckBox("Acknowledge &new tickets automatically", self)
        self.auto_ack_check.setObjectName("autoAcknowledgeCheck")
        self.auto_ack_hint = hint_label(
            "Queues the SOP's acknowledgment (or the P1 message) from the default account "
            "as soon as a ticket is created.",
            self,
        )
        self.auto_ack_hint.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Maximum)

        self._form: QFormLayout | None = None
        self._lay_out()
        self.show_login_rows()

    # -- building ------------------------------------------------------------------

    def _line(self, name: str, accessible: str) -> QLineEdit:
        edit = QLineEdit(self.form_widget)
        edit.setObjectName(name)
        edit.setAccessibleName(accessible)
        return edit

    def _lay_out(self) -> None:
        form = QFormLayout(self.form_widget)
        form.setContentsMargins(0, 0, 0, 0)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)

        def row(text: str, widget: QWidget) -> None:
            label = QLabel(text, self.form_widget)
            label.setBuddy(widget)
            form.addRow(label, widget)

        row("Account &name:", self.name_edit)
        row("Ser&ver:", self.host_edit)
        row("Securit&y:", self.security_combo)
        form.addRow("", self.security_problem)
        row("&Port:", self.port_spin)
        row("&User name:", self.username_edit)
        row("&Log in with:", self.auth_combo)
        row("Pass&word:", self.password_edit)
        form.addRow("", self.password_state)
        row("Token &command:", self.token_command_edit)
        form.addRow("", self.token_hint)
        self._form = form
        row("&From name:", self.from_name_edit)
        row("From add&ress:", self.from_address_edit)
        row("Reply-&To:", self.reply_to_edit)
        row("Si&gnature:", self.signature_edit)
        form.addRow("", self.default_check)
        test_row = QHBoxLayout()
        test_row.addWidget(self.test_button, 0, Qt.AlignmentFlag.AlignTop)
        test_row.addWidget(self.test_result, 1)
        form.addRow("", test_row)
        form.addRow(self.problem_label)

        scroll = QScrollArea(self)
        scroll.setObjectName("mailFormScroll")
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(self.form_widget)
        self.form_widget.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)

        list_buttons = QHBoxLayout()
        list_buttons.addWidget(self.add_button)
        list_buttons.addWidget(self.remove_button)
        left = QVBoxLayout()
        left.addWidget(self.accounts_list, 1)
        left.addLayout(list_buttons)
        right = QVBoxLayout()
        right.addWidget(self.no_accounts_label)
        right.addWidget(scroll, 1)
        sending = QWidget(self.tabs)
        sending.setObjectName("mailSendingTab")
        accounts = QHBoxLayout(sending)
        accounts.addLayout(left)
        accounts.addSpacing(6)
        accounts.addLayout(right, 1)
        self.tabs.addTab(sending, "&Sending (SMTP)")

        layout = QVBoxLayout(self)
        layout.addWidget(self.keyring_notice)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.auto_ack_check)
        layout.addWidget(self.auto_ack_hint)

    def show_login_rows(self) -> None:
        """The password, or the token command of an OAuth2 login."""
        assert self._form is not None
        password = self.auth_combo.currentData() != AuthMethod.XOAUTH2
        for widget in (self.password_edit, self.password_state):
            self._form.setRowVisible(widget, password)
        for widget in (self.token_command_edit, self.token_hint):
            self._form.setRowVisible(widget, not password)

    # -- the form's contents ---------------------------------------------------------

    def fill_form(self, data: AccountInput | None, password: str) -> None:
        """Show ``data`` (``None``: an empty form) and the password typed for it."""
        self.name_edit.setText(data.name if data else "")
        self.host_edit.setText(data.host if data else "")
        security = data.security if data else Security.STARTTLS
        self.security_combo.setCurrentIndex(self.security_combo.findData(security))
        self.port_spin.setValue(data.port if data else DEFAULT_PORTS[security])
        self.username_edit.setText(data.username if data else "")
        auth = data.auth if data else AuthMethod.PASSWORD
        self.auth_combo.setCurrentIndex(self.auth_combo.findData(auth))
        self.token_command_edit.setText(data.token_command if data else "")
        self.show_login_rows()
        self.password_edit.setText(password)
        self.from_name_edit.setText(data.from_name if data else "")
        self.from_address_edit.setText(data.from_address if data else "")
        self.reply_to_edit.setText(data.reply_to if data else "")
        self.signature_edit.setPlainText(data.signature if data else "")
        self.default_check.setChecked(bool(data and data.is_default))

    def form_input(self) -> AccountInput:
        """The account as the form shows it now."""
        return AccountInput(
            name=self.name_edit.text(),
            host=self.host_edit.text(),
            port=self.port_spin.value(),
            security=Security(self.security_combo.currentData()),
            username=self.username_edit.text(),
            auth=AuthMethod(self.auth_combo.currentData()),
            token_command=self.token_command_edit.text(),
            from_name=self.from_name_edit.text(),
            from_address=self.from_address_edit.text(),
            reply_to=self.reply_to_edit.text(),
            signature=self.signature_edit.toPlainText(),
            is_default=self.default_check.isChecked(),
        )

    def field_widget(self, field: str) -> QWidget:
        return {
            "name": self.name_edit,
            "host": self.host_edit,
            "port": self.port_spin,
            "security": self.security_combo,
            "username": self.username_edit,
            "token_command": self.token_command_edit,
            "from_name": self.from_name_edit,
            "from_address": self.from_address_edit,
            "reply_to": self.reply_to_edit,
        }.get(field, self.name_edit)

    def set_test_result(self, text: str, ok: bool | None) -> None:
        if ok is None:
            color = theme.muted_color()
        elif ok:
            color = theme.sla_color(theme.SlaState.ON_TRACK)
        else:
            color = theme.error_color()
        set_text_color(self.test_result, color)
        self.test_result.setText(text)
