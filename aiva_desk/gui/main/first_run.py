"""First run: a short welcome that sets up the agent, or opens a demo to look around.

Shown by :func:`run_first_run` when the data folder is fresh
(:func:`aiva_desk.profile.needs_first_run`). Pages:

1. Welcome: "Set up my profile" or "Explore with demo data" (a separate data
   folder, so the real one stays empty; the app reopens there: one more page says
   where, and Finish creates it).
2. Profile: name, work e-mail, role. Checked on Next, problems shown under the form.
3. Mail (optional): one SMTP account with "Test connection", which says whether it
   logged in or the server needs no login (the user name is left empty unless typed);
   the password goes to the password store, or is kept for this session when there is none.
4. Business hours (optional): the time zone and Monday-Friday hours of the
   "Business hours" calendar the SLA clocks of P2-P4 run on.

Everything is written at Finish, on the writer thread; while it is written the
wizard cannot be closed. A refused step keeps the wizard open with the message in
it; anything unexpected goes through :func:`~aiva_desk.gui.errors.show_error`.
"""

from __future__ import annotations

import datetime as dt
import logging
import zoneinfo
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from PySide6.QtCore import Qt, QTime, QTimer, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QCompleter,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QSpinBox,
    QTimeEdit,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from aiva_desk import APP_NAME
from aiva_desk.app_context import AppContext
from aiva_desk.domain import StaffRole
from aiva_desk.errors import AivaError, ValidationError
from aiva_desk.gui.common.forms import problem_label
from aiva_desk.gui.common.icons import app_icon
from aiva_desk.gui.errors import show_error
from aiva_desk.gui.settings.mail_view import DEFAULT_PORTS, port_for_security
from aiva_desk.gui.tasks import BackgroundTask
from aiva_desk.mail.accounts import AccountInput, account_problems
from aiva_desk.mail.errors import KeyringUnavailable
from aiva_desk.mail.smtp import ConnectionTest
from aiva_desk.profile import (
    DEMO_TICKETS,
    ProfileInput,
    create_demo_data_dir,
    demo_data_dir_for,
    needs_first_run,
    profile_problems,
    save_profile,
)
from aiva_desk.store.mail_models import Security

log = logging.getLogger(__name__)

BUSINESS_HOURS = "Business hours"
WEEKDAYS = range(5)  # Monday to Friday
PAGE_WELCOME, PAGE_PROFILE, PAGE_MAIL, PAGE_HOURS, PAGE_DEMO = range(5)


@dataclass
class FirstRunResult:
    """What the first run did. ``demo_data_dir``: reopen the app on that folder."""

    shown: bool = False
    completed: bool = False
    staff_id: int | None = None
    account_id: int | None = None
    hours_saved: bool = False
    demo_data_dir: Path | None = None
    notes: list[str] = field(default_factory=list)  # e.g. "password kept for this session"


def _show_problems(label: QLabel, problems: dict[str, str]) -> None:
    label.setText("\n".join(f"• {text}" for text in problems.values()))
    label.setVisible(bool(problems))


class WelcomePage(QWizardPage):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTitle(f"Welcome to {APP_NAME}")
        self.setSubTitle("A minute to set up, or look around first.")
        self.setup_choice = QRadioButton("&Set up my profile (name, e-mail, role)", self)
        self.setup_choice.setObjectName("setupChoice")
        self.demo_choice = QRadioButton("&Explore with demo data (in a separate folder)", self)
        self.demo_choice.setObjectName("demoChoice")
        self.setup_choice.setChecked(True)
        intro = QLabel(
            f"{APP_NAME} keeps your tickets, customers and SLA clocks on this computer. "
            "Tell it who you are, and optionally how to send mail and your office hours; "
            "everything can be changed later in Settings (Ctrl+,).",
            self,
        )
        intro.setWordWrap(True)  # else the sentence sets the wizard's width
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.setup_choice)
        layout.addWidget(self.demo_choice)
        layout.addStretch(1)

    def nextId(self) -> int:
        return PAGE_DEMO if self.demo_choice.isChecked() else PAGE_PROFILE


class DemoPage(QWizardPage):
    """Says where the demo goes; Finish creates it there."""

    def __init__(self, target: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTitle("Explore with demo data")
        self.setSubTitle("Realistic made-up tickets, customers and SLA clocks.")
        self.setFinalPage(True)
        text = QLabel(
            f"{DEMO_TICKETS} demo tickets will be created in a separate data folder:\n"
            f"{target}\n\n"
            f"{APP_NAME} then opens that folder. Your own data folder stays empty; the "
            "welcome appears again the next time you start without the demo.",
            self,
        )
        text.setObjectName("demoText")
        text.setWordWrap(True)
        text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout = QVBoxLayout(self)
        layout.addWidget(text)
        layout.addStretch(1)

    def nextId(self) -> int:
        return -1


class ProfilePage(QWizardPage):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTitle("Your profile")
        self.setSubTitle("How customers and colleagues see you; 'My open' shows your tickets.")
        self.name_edit = QLineEdit(self)
        self.name_edit.setObjectName("profileName")
        self.email_edit = QLineEdit(self)
        self.email_edit.setObjectName("profileEmail")
        self.email_edit.setPlaceholderText("you@example.com")
        self.role_combo = QComboBox(self)
        self.role_combo.setObjectName("profileRole")
        for role in StaffRole:
            self.role_combo.addItem(role.label, role)
        self.problems = problem_label("profileProblems", self)
        form = QFormLayout(self)
        form.addRow("&Name:", self.name_edit)
        form.addRow("&E-mail:", self.email_edit)
        form.addRow("&Role:", self.role_combo)
        form.addRow(self.problems)
        self.name_edit.textChanged.connect(self.completeChanged)
        self.email_edit.textChanged.connect(self.completeChanged)

    def profile(self) -> ProfileInput:
        role = StaffRole(self.role_combo.currentData())
        return ProfileInput(self.name_edit.text(), self.email_edit.text(), role)

    def isComplete(self) -> bool:
        return bool(self.name_edit.text().strip() and self.email_edit.text().strip())

    def validatePage(self) -> bool:
        problems = profile_problems(self.profile())
        _show_problems(self.problems, problems)
        return not problems


class MailPage(QWizardPage):
    """One SMTP account, optional, with Test connection (off the GUI thread).

    Signals:
        test_finished(str): the one-line outcome of "Test connection".
    """

    test_finished = Signal(str)

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._context = context
        self.setTitle("Sending mail (optional)")
        self.setSubTitle("The SMTP account messages to customers are sent from.")
        self.enabled = QCheckBox("Set up an SMTP account &now", self)
        self.enabled.setObjectName("mailEnabled")
        self.host = QLineEdit(self)
        self.host.setObjectName("mailHost")
        self.host.setPlaceholderText("smtp.example.com")
        self.security = QComboBox(self)
        self.security.setObjectName("mailSecurity")
        for security in Security:
            self.security.addItem(security.label, security)
        self.port = QSpinBox(self)
        self.port.setObjectName("mailPort")
        self.port.setRange(1, 65535)
        self.port.setValue(DEFAULT_PORTS[Security.STARTTLS])
        self._security = Security(self.security.currentData())
        self.username = QLineEdit(self)
        self.username.setObjectName("mailUsername")
        self.password = QLineEdit(self)
        self.password.setObjectName("mailPassword")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.from_name = QLineEdit(self)
        self.from_name.setObjectName("mailFromName")
        self.from_address = QLineEdit(self)
        self.from_address.setObjectName("mailFromAddress")
        self.test_button = QPushButton("&Test Connection", self)
        self.test_button.setObjectName("mailTestButton")
        self.test_status = QLabel(self)
        self.test_status.setObjectName("mailTestStatus")
        self.test_status.setWordWrap(True)
        self.problems = problem_label("mailProblems", self)
        self._fields = QWidget(self)
        form = QFormLayout(self._fields)
        form.setContentsMargins(0, 0, 0, 0)
        form.addRow("&Server:", self.host)
        form.addRow("Se&curity:", self.security)
        form.addRow("&Port:", self.port)
        form.addRow("&User name:", self.username)
        form.addRow("Pass&word:", self.password)
        form.addRow("From na&me:", self.from_name)
        form.addRow("From &address:", self.from_address)
        test_row = QHBoxLayout()
        test_row.addWidget(self.test_button)
        test_row.addWidget(self.test_status, 1)
        form.addRow(test_row)
        layout = QVBoxLayout(self)
        layout.addWidget(self.enabled)
        layout.addWidget(self._fields)
        layout.addWidget(self.problems)
        layout.addStretch(1)
        self._fields.setEnabled(False)
        self.enabled.toggled.connect(self._fields.setEnabled)
        self.security.currentIndexChanged.connect(self._on_security_changed)
        self.test_button.clicked.connect(self.test_connection)
        self._testing = False

    def initializePage(self) -> None:
        profile = self.wizard().page(PAGE_PROFILE)
        if isinstance(profile, ProfilePage):
            if not self.from_name.text():
                self.from_name.setText(profile.name_edit.text().strip())
            if not self.from_address.text():
                self.from_address.setText(profile.email_edit.text().strip())
            # Only a hint: a local relay needs no login, and a login the agent did not
            # give would make its test fail.
            email = profile.email_edit.text().strip()
            self.username.setPlaceholderText(
                f"e.g. {email}; empty if the server needs no login"
                if email
                else "Empty if the server needs no login"
            )

    def _on_security_changed(self) -> None:
        new = Security(self.security.currentData())
        self.port.setValue(port_for_security(self.port.value(), self._security, new))
        self._security = new

    def account(self) -> AccountInput:
        host = self.host.text().strip()
        return AccountInput(
            name=host or "Mail",
            host=host,
            port=self.port.value(),
            security=Security(self.security.currentData()),
            username=self.username.text().strip(),
            from_name=self.from_name.text().strip(),
            from_address=self.from_address.text().strip(),
            is_default=True,
        )

    def validatePage(self) -> bool:
        if not self.enabled.isChecked():
            _show_problems(self.problems, {})
            return True
        problems = account_problems(self.account())
        _show_problems(self.problems, problems)
        return not problems

    @property
    def testing(self) -> bool:
        return self._testing

    def test_connection(self) -> None:
        if self._testing:
            return
        data, password = self.account(), self.password.text()
        if problems := account_problems(data):
            _show_problems(self.problems, problems)
            return
        self._testing = True
        self.test_button.setEnabled(False)
        self.test_status.setText("Connecting…")
        mail = self._context.mail
        (
            BackgroundTask(
                lambda: mail.test_account(data, password),
                parent=self,
                writes=False,
                label="test SMTP account",
            )
            .success(self._on_test_succeeded)
            .failure(self._on_test_failed)
            .run_in_background()
        )

    def _on_test_succeeded(self, result: ConnectionTest) -> None:
        self._on_test_done(f"Connected; {result.login_text}.")

    def _on_test_failed(self, exc: Exception) -> None:
        if isinstance(exc, AivaError):
            self._on_test_done(f"Failed: {exc.message}")
        else:
            self._on_test_done("Failed: the test could not be run (see the error shown).")
            show_error(self, exc)

    def _on_test_done(self, text: str) -> None:
        self._testing = False
        self.test_button.setEnabled(True)
        self.test_status.setText(text)
        self.test_finished.emit(text)


class HoursPage(QWizardPage):
    """The time zone and Monday-Friday hours of the "Business hours" calendar."""

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._context = context
        self.setTitle("Business hours (optional)")
        self.setSubTitle("SLA clocks of P2-P4 tickets run only during these hours.")
        self.enabled = QCheckBox("Set my &business hours now", self)
        self.enabled.setObjectName("hoursEnabled")
        self.zone = QComboBox(self)
        self.zone.setObjectName("hoursZone")
        self.zone.setEditable(True)
        self.zone.addItems(sorted(zoneinfo.available_timezones()))
        self.zone.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        completer = QCompleter(self.zone.model(), self.zone)
        completer.setFilterMode(completer.filterMode().MatchContains)
        completer.setCaseSensitivity(completer.caseSensitivity().CaseInsensitive)
        self.zone.setCompleter(completer)
        self.start = QTimeEdit(QTime(9, 0), self)
        self.start.setObjectName("hoursStart")
        self.start.setDisplayFormat("HH:mm")
        self.end = QTimeEdit(QTime(17, 0), self)
        self.end.setObjectName("hoursEnd")
        self.end.setDisplayFormat("HH:mm")
        self.problems = problem_label("hoursProblems", self)
        self._fields = QWidget(self)
        form = QFormLayout(self._fields)
        form.setContentsMargins(0, 0, 0, 0)
        form.addRow("&Time zone:", self.zone)
        hours = QHBoxLayout()
        hours.addWidget(self.start)
        hours.addWidget(QLabel("to", self))
        hours.addWidget(self.end)
        hours.addStretch(1)
        days = QLabel("Monday to &Friday:", self)
        days.setBuddy(self.start)  # a row of two fields: the label points at the first
        form.addRow(days, hours)
        layout = QVBoxLayout(self)
        layout.addWidget(self.enabled)
        layout.addWidget(self._fields)
        layout.addWidget(self.problems)
        layout.addStretch(1)
        self._fields.setEnabled(False)
        self.enabled.toggled.connect(self._fields.setEnabled)
        self._load()

    def _load(self) -> None:
        from aiva_desk.sla.settings_store import list_calendars

        with self._context.db.engine.connect() as conn:
            calendars = {calendar.name: calendar for calendar in list_calendars(conn)}
        current = calendars.get(BUSINESS_HOURS)
        self.zone.setCurrentText(current.tz if current else "UTC")
        if current and current.hours.get(0):
            start, end = current.hours[0][0]
            self.start.setTime(QTime(start.hour, start.minute))
            self.end.setTime(QTime(end.hour, end.minute))

    def hours(self) -> tuple[str, dict[int, list[tuple[dt.time, dt.time]]]]:
        start = dt.time(self.start.time().hour(), self.start.time().minute())
        end = dt.time(self.end.time().hour(), self.end.time().minute())
        return self.zone.currentText().strip(), {day: [(start, end)] for day in WEEKDAYS}

    def problems_found(self) -> dict[str, str]:
        zone, hours = self.hours()
        problems = {}
        if zone not in zoneinfo.available_timezones():
            problems["tz"] = f"“{zone}” is not a time zone; choose one like Europe/Berlin."
        start, end = hours[0][0]
        if end <= start:
            problems["hours"] = "The working day must end after it starts."
        return problems

    def nextId(self) -> int:
        return -1  # the last page of the set-up path (the demo page comes after it by id)

    def validatePage(self) -> bool:
        problems = self.problems_found() if self.enabled.isChecked() else {}
        _show_problems(self.problems, problems)
        return not problems


class FirstRunWizard(QWizard):
    """The welcome; :attr:`result_data` says what was done once it is accepted.

    Signals:
        saved(): everything chosen was written (the wizard then closes as accepted).
    """

    saved = Signal()

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("firstRunWizard")
        self.setWindowTitle(f"Welcome to {APP_NAME}")
        self.setWindowIcon(app_icon())
        self.setWizardStyle(QWizard.WizardStyle.ClassicStyle)
        self.setOption(QWizard.WizardOption.NoBackButtonOnStartPage)
        self._context = context
        self.welcome = WelcomePage(self)
        self.profile = ProfilePage(self)
        self.mail = MailPage(context, self)
        self.hours = HoursPage(context, self)
        self.demo = DemoPage(demo_data_dir_for(context.paths), self)
        self.setPage(PAGE_WELCOME, self.welcome)
        self.setPage(PAGE_PROFILE, self.profile)
        self.setPage(PAGE_MAIL, self.mail)
        self.setPage(PAGE_HOURS, self.hours)
        self.setPage(PAGE_DEMO, self.demo)
        self.status = QLabel(self)
        self.status.setObjectName("firstRunStatus")
        self.status.setWordWrap(True)
        self.setSideWidget(None)
        self.result_data = FirstRunResult(shown=True)
        self._saving = False
        self.resize(560, 440)

    @property
    def saving(self) -> bool:
        return self._saving

    def reject(self) -> None:
        """Cancel, Esc and the window's close button: not while the choices are written."""
        if not self._saving:
            super().reject()

    def accept(self) -> None:
        """Write what was chosen (on the writer thread); close when it is written."""
        if self._saving:
            return
        self._saving = True
        self._set_busy(True)
        if self.currentId() == PAGE_DEMO:
            target = demo_data_dir_for(self._context.paths)
            task = BackgroundTask(lambda: create_demo_data_dir(target), parent=self,
                                  label="create demo data")  # fmt: skip
            task.success(self._on_demo_created)
        else:
            work = self._setup_work()
            task = BackgroundTask(work, parent=self, label="first run setup")
            task.success(self._on_setup_saved)
        task.failure(self._on_save_failed).run_in_background()

    def _setup_work(self) -> Callable[[], FirstRunResult]:
        context = self._context
        profile = self.profile.profile()
        account = self.mail.account() if self.mail.enabled.isChecked() else None
        password = self.mail.password.text()
        hours = self.hours.hours() if self.hours.enabled.isChecked() else None

        def work() -> FirstRunResult:
            result = FirstRunResult(shown=True, completed=True)
            result.staff_id = save_profile(
                context.db, context.settings, context.paths.root, profile
            )
            if account is not None:
                try:
                    result.account_id = context.mail.save_account(account, password or None)
                except KeyringUnavailable as exc:
                    accounts = context.mail.accounts()
                    saved = next((a for a in accounts if a.host == account.host), None)
                    if saved is not None:
                        result.account_id = saved.id
                        context.mail.remember_for_session(saved.id, saved.username, password)
                    result.notes.append(str(exc))
            if hours is not None:
                _save_business_hours(context, *hours)
                result.hours_saved = True
            return result

        return work

    def _on_setup_saved(self, result: FirstRunResult) -> None:
        self.result_data = result
        self._finish()

    def _on_demo_created(self, path: Path) -> None:
        self.result_data = FirstRunResult(shown=True, completed=True, demo_data_dir=path)
        self._finish()

    def _finish(self) -> None:
        self._saving = False
        self._set_busy(False)
        self.saved.emit()
        super().accept()

    def _on_save_failed(self, exc: Exception) -> None:
        self._saving = False
        self._set_busy(False)
        if isinstance(exc, ValidationError):
            text = exc.message
        elif isinstance(exc, AivaError):
            text = f"{exc.title}: {exc.message}"
        else:
            text = "Setting up did not finish (see the error shown)."
        self.status.setText(text)
        page = self.currentPage()
        label = getattr(page, "problems", None)
        if isinstance(label, QLabel):
            label.setText(text)
            label.show()
        if not isinstance(exc, AivaError):
            show_error(self, exc)

    def _set_busy(self, busy: bool) -> None:
        for button in (QWizard.WizardButton.FinishButton, QWizard.WizardButton.BackButton,
                       QWizard.WizardButton.CancelButton):  # fmt: skip
            self.button(button).setEnabled(not busy)


def _save_business_hours(
    context: AppContext, tz: str, hours: dict[int, list[tuple[dt.time, dt.time]]]
) -> None:
    """Change the zone and weekday hours of "Business hours", keeping its holidays."""
    from aiva_desk.sla.settings_edits import save_calendar
    from aiva_desk.sla.settings_store import list_calendars

    with context.db.engine.connect() as conn:
        current = {c.name: c for c in list_calendars(conn)}.get(BUSINESS_HOURS)
    save_calendar(
        context.db,
        BUSINESS_HOURS,
        tz=tz,
        hours=hours,
        holidays=list(current.holidays) if current else [],
        country=current.country if current else None,
        subdivision=current.subdivision if current else None,
        actor=context.actor,
    )


def run_first_run(context: AppContext, parent: QWidget | None = None) -> FirstRunResult:
    """Show the welcome if this data folder is fresh; returns what it did (modal)."""
    if not needs_first_run(context):
        return FirstRunResult(shown=False)
    wizard = FirstRunWizard(context, parent)
    QTimer.singleShot(0, wizard.raise_)
    wizard.exec()  # result_data is filled only once everything chosen was written
    result = wizard.result_data
    wizard.deleteLater()
    return result
