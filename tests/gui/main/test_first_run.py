"""First run: the welcome creates the agent's profile, an SMTP account and business hours,
or a demo in a separate data folder; bad input keeps the wizard on its page."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QLabel, QWizard
from sqlalchemy import select

from aiva_desk.domain import StaffRole
from aiva_desk.errors import DataDirError, ValidationError
from aiva_desk.gui.common import theme
from aiva_desk.gui.errors import capture_errors
from aiva_desk.gui.main import first_run
from aiva_desk.gui.main.first_run import (
    PAGE_DEMO,
    PAGE_HOURS,
    PAGE_MAIL,
    PAGE_PROFILE,
    FirstRunWizard,
    run_first_run,
)
from aiva_desk.gui.settings.mail_view import DEFAULT_PORTS
from aiva_desk.gui.tasks import wait_for_idle
from aiva_desk.mail.errors import ServerUnreachable
from aiva_desk.mail.smtp import ConnectionTest
from aiva_desk.profile import ProfileInput, needs_first_run, save_profile
from aiva_desk.runtime.settings import UserSettings
from aiva_desk.sla.settings_store import list_calendars
from aiva_desk.store.mail_models import Security
from aiva_desk.store.models import Staff


@pytest.fixture
def wizard(qtbot, context):
    shown = FirstRunWizard(context)
    qtbot.addWidget(shown)
    shown.show()
    return shown


def _next(qtbot, wizard) -> None:
    qtbot.mouseClick(wizard.button(QWizard.WizardButton.NextButton), Qt.MouseButton.LeftButton)


def _finish(qtbot, wizard) -> None:
    with qtbot.waitSignal(wizard.saved, timeout=10_000):
        qtbot.mouseClick(
            wizard.button(QWizard.WizardButton.FinishButton), Qt.MouseButton.LeftButton
        )
    wait_for_idle()


def _fill_profile(qtbot, wizard, name="Dana Agent", email="dana@example.com") -> None:
    page = wizard.profile
    page.name_edit.clear()
    page.email_edit.clear()
    qtbot.keyClicks(page.name_edit, name)
    qtbot.keyClicks(page.email_edit, email)
    page.role_combo.setCurrentIndex(page.role_combo.findText(StaffRole.SENIOR_SUPPORT.label))


def test_a_fresh_data_folder_needs_the_first_run(context) -> None:
    assert needs_first_run(context)
    save_profile(context.db, context.settings, context.paths.root,
                 ProfileInput("Dana", "dana@example.com"))  # fmt: skip
    assert not needs_first_run(context)


def test_profile_validation_names_each_field(context) -> None:
    with pytest.raises(ValidationError) as refused:
        save_profile(context.db, context.settings, context.paths.root,
                     ProfileInput("  ", "not-an-address"))  # fmt: skip
    assert set(refused.value.problems) == {"name", "email"}
    assert context.settings.me_staff_id is None


def test_the_same_e_mail_takes_over_the_existing_staff_member(context) -> None:
    first = save_profile(context.db, context.settings, context.paths.root,
                         ProfileInput("Dana", "Dana@Example.com"))  # fmt: skip
    changed = ProfileInput("Dana B.", "dana@example.com", StaffRole.DEVELOPMENT)
    again = save_profile(context.db, context.settings, context.paths.root, changed)
    assert first == again
    with context.db.read_session() as session:
        rows = session.execute(select(Staff.name, Staff.role)).all()
    assert [tuple(row) for row in rows] == [("Dana B.", StaffRole.DEVELOPMENT)]


def test_profile_only(qtbot, wizard, context) -> None:
    _next(qtbot, wizard)
    assert wizard.currentId() == PAGE_PROFILE
    _fill_profile(qtbot, wizard)
    _next(qtbot, wizard)
    assert wizard.currentId() == PAGE_MAIL
    assert wizard.mail.from_address.text() == "dana@example.com"  # filled from the profile
    _next(qtbot, wizard)
    assert wizard.currentId() == PAGE_HOURS
    _finish(qtbot, wizard)

    result = wizard.result_data
    assert result.completed and result.staff_id is not None
    assert result.account_id is None and not result.hours_saved
    assert wizard.result() == QWizard.DialogCode.Accepted
    assert UserSettings.load(context.paths.root).me_staff_id == result.staff_id
    with context.db.read_session() as session:
        staff = session.get(Staff, result.staff_id)
        assert (staff.name, staff.email, staff.role) == (
            "Dana Agent", "dana@example.com", StaffRole.SENIOR_SUPPORT)  # fmt: skip


def test_a_bad_e_mail_keeps_the_wizard_on_the_profile_page(qtbot, wizard) -> None:
    _next(qtbot, wizard)
    _fill_profile(qtbot, wizard, email="dana at example")
    _next(qtbot, wizard)
    assert wizard.currentId() == PAGE_PROFILE
    assert wizard.profile.problems.isVisible()
    assert "dana at example" in wizard.profile.problems.text()
    wizard.profile.email_edit.setText("dana@example.com")
    _next(qtbot, wizard)
    assert wizard.currentId() == PAGE_MAIL


def test_an_empty_name_cannot_go_on(qtbot, wizard) -> None:
    _next(qtbot, wizard)
    qtbot.keyClicks(wizard.profile.email_edit, "dana@example.com")
    assert not wizard.button(QWizard.WizardButton.NextButton).isEnabled()


def test_mail_account_and_business_hours(qtbot, wizard, context) -> None:
    _next(qtbot, wizard)
    _fill_profile(qtbot, wizard)
    _next(qtbot, wizard)
    mail = wizard.mail
    mail.enabled.setChecked(True)
    qtbot.keyClicks(mail.host, "smtp.example.com")
    qtbot.keyClicks(mail.password, "s3cret-pw")
    _next(qtbot, wizard)
    assert wizard.currentId() == PAGE_HOURS
    hours = wizard.hours
    hours.enabled.setChecked(True)
    hours.zone.setCurrentText("Europe/Berlin")
    hours.start.setTime(hours.start.time().fromString("08:30", "HH:mm"))
    hours.end.setTime(hours.end.time().fromString("16:00", "HH:mm"))
    _finish(qtbot, wizard)

    result = wizard.result_data
    assert result.account_id is not None and result.hours_saved
    # the test keyring is the "fail" backend: the password is kept for the session only
    assert any("session only" in note for note in result.notes)
    (account,) = context.mail.accounts()
    assert (account.host, account.port, account.from_address) == (
        "smtp.example.com", 587, "dana@example.com")  # fmt: skip
    assert context.mail.has_password(account)
    with context.db.engine.connect() as conn:
        calendar = {c.name: c for c in list_calendars(conn)}["Business hours"]
    assert calendar.tz == "Europe/Berlin"
    assert calendar.hours[0] == [(dt.time(8, 30), dt.time(16, 0))] or list(
        calendar.hours[0]) == [(dt.time(8, 30), dt.time(16, 0))]  # fmt: skip
    assert not calendar.hours.get(5)


def test_bad_hours_are_refused_on_the_page(qtbot, wizard) -> None:
    _next(qtbot, wizard)
    _fill_profile(qtbot, wizard)
    _next(qtbot, wizard)
    _next(qtbot, wizard)
    hours = wizard.hours
    hours.enabled.setChecked(True)
    hours.zone.setCurrentText("Mars/Olympus_Mons")
    hours.end.setTime(hours.start.time())
    assert not hours.validatePage()
    text = hours.problems.text()
    assert "Mars/Olympus_Mons" in text and "end after it starts" in text


def test_test_connection_reports_on_the_page(qtbot, wizard, context, monkeypatch) -> None:
    calls = []

    def tested(data, pw) -> ConnectionTest:
        calls.append((data, pw))
        return ConnectionTest(username="", offers_login=False)

    monkeypatch.setattr(context.mail, "test_account", tested)
    _next(qtbot, wizard)
    _fill_profile(qtbot, wizard)
    _next(qtbot, wizard)
    wizard.mail.enabled.setChecked(True)
    qtbot.keyClicks(wizard.mail.host, "smtp.example.com")
    with qtbot.waitSignal(wizard.mail.test_finished, timeout=10_000) as done:
        qtbot.mouseClick(wizard.mail.test_button, Qt.MouseButton.LeftButton)
    assert done.args[0] == "Connected; this server needs no login."
    assert calls[0][0].host == "smtp.example.com"

    def test_failing_with(error: Exception) -> tuple[str, list]:
        def fail(data, pw):
            raise error

        monkeypatch.setattr(context.mail, "test_account", fail)
        with (
            capture_errors() as shown,
            qtbot.waitSignal(wizard.mail.test_finished, timeout=10_000) as done,
        ):
            wizard.mail.test_connection()
        return done.args[0], shown

    _said, shown = test_failing_with(ServerUnreachable("Connection refused"))
    assert wizard.mail.test_status.text() == "Failed: Connection refused"
    assert not shown  # the user's situation is said on the page
    said, shown = test_failing_with(TypeError("a bug"))
    assert "could not be run" in said and "TypeError" not in said
    assert [error.unexpected for error in shown] == [True]


def test_the_port_follows_the_security_unless_typed_in(qtbot, wizard) -> None:
    mail = wizard.mail
    ssl = mail.security.findData(Security.SSL)
    mail.security.setCurrentIndex(ssl)
    assert mail.port.value() == DEFAULT_PORTS[Security.SSL]
    mail.port.setValue(2525)
    mail.security.setCurrentIndex(mail.security.findData(Security.PLAIN))
    assert mail.port.value() == 2525 and mail.account().security is Security.PLAIN


def test_problems_are_shown_in_the_error_colour(wizard) -> None:
    for page in (wizard.profile, wizard.mail, wizard.hours):
        color = page.problems.palette().color(QPalette.ColorRole.WindowText)
        assert color == theme.error_color()


def _go_to_finish(qtbot, wizard) -> None:
    _next(qtbot, wizard)
    _fill_profile(qtbot, wizard)
    _next(qtbot, wizard)
    _next(qtbot, wizard)
    assert wizard.currentId() == PAGE_HOURS


def _click_finish(qtbot, wizard) -> None:
    qtbot.mouseClick(wizard.button(QWizard.WizardButton.FinishButton), Qt.MouseButton.LeftButton)


def _finish_failing_with(qtbot, wizard, monkeypatch, error: Exception) -> list:
    """Finish the wizard with saving the profile raising ``error``; the errors shown."""

    def fail(*_args):
        raise error

    monkeypatch.setattr(first_run, "save_profile", fail)
    _go_to_finish(qtbot, wizard)
    with capture_errors() as shown:
        _click_finish(qtbot, wizard)
        qtbot.waitUntil(lambda: not wizard.saving, timeout=10_000)
    return shown


def test_a_refused_save_is_said_in_the_wizard(qtbot, wizard, monkeypatch) -> None:
    error = DataDirError("The data folder is read-only.")
    shown = _finish_failing_with(qtbot, wizard, monkeypatch, error)
    assert not shown and wizard.isVisible()
    assert wizard.hours.problems.text() == "Data folder unavailable: The data folder is read-only."


def test_an_unexpected_error_while_saving_goes_through_show_error(qtbot, wizard, monkeypatch):
    shown = _finish_failing_with(qtbot, wizard, monkeypatch, TypeError("a bug"))
    assert [error.unexpected for error in shown] == [True]
    assert wizard.isVisible() and "TypeError" not in wizard.hours.problems.text()
    assert wizard.button(QWizard.WizardButton.FinishButton).isEnabled()


def test_the_wizard_cannot_be_closed_while_saving(qtbot, wizard, monkeypatch) -> None:
    release = threading.Event()
    real_save = first_run.save_profile

    def slow_save(*args):
        release.wait(10)
        return real_save(*args)

    monkeypatch.setattr(first_run, "save_profile", slow_save)
    _go_to_finish(qtbot, wizard)
    try:
        _click_finish(qtbot, wizard)
        assert wizard.saving
        qtbot.keyClick(wizard, Qt.Key.Key_Escape)
        wizard.close()  # the window's close button
        wizard.reject()  # Cancel
        assert wizard.isVisible() and wizard.saving
    finally:
        release.set()
    qtbot.waitUntil(lambda: not wizard.saving, timeout=10_000)
    wait_for_idle()
    assert wizard.result_data.completed and not wizard.isVisible()


def test_explore_with_demo_data_uses_a_separate_folder(qtbot, wizard, context) -> None:
    wizard.welcome.demo_choice.setChecked(True)
    _next(qtbot, wizard)
    assert wizard.currentId() == PAGE_DEMO
    assert str(context.paths.root) + "-demo" in wizard.demo.findChild(QLabel, "demoText").text()
    _finish(qtbot, wizard)
    demo = wizard.result_data.demo_data_dir
    assert demo is not None and demo != context.paths.root
    assert (demo / "aiva-desk.sqlite3").is_file()
    assert UserSettings.load(demo).me_staff_id is not None  # the demo opens without asking
    assert needs_first_run(context)  # the real folder is untouched


def test_run_first_run_is_skipped_once_there_is_a_profile(context, qapp, monkeypatch) -> None:
    save_profile(context.db, context.settings, context.paths.root,
                 ProfileInput("Dana", "dana@example.com"))  # fmt: skip
    monkeypatch.setattr(FirstRunWizard, "exec", lambda self: pytest.fail("shown again"))
    assert run_first_run(context).shown is False


def test_run_first_run_cancelled(context, qapp, monkeypatch) -> None:
    monkeypatch.setattr(first_run.FirstRunWizard, "exec",
                        lambda self: QWizard.DialogCode.Rejected)  # fmt: skip
    result = run_first_run(context)
    assert result.shown and not result.completed
