"""The Settings dialog (File > Settings…, Ctrl+,) and its General page."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import QPoint, Qt, Signal
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QDialogButtonBox, QLineEdit, QMenu, QWidget

from aiva_desk.app_context import AppContext
from aiva_desk.errors import ValidationError
from aiva_desk.gui.main.window import MainWindow
from aiva_desk.gui.queue.view_list import BUILTIN_PREFIX
from aiva_desk.gui.settings.dialog import PAGES, SettingsDialog
from aiva_desk.gui.settings.general_page import GeneralSettingsPage
from aiva_desk.runtime.settings import UserSettings
from aiva_desk.store.models import Staff
from tests.helpers.queue_gui_helpers import add_staff, settle

pytest_plugins = ("tests.helpers.queue_gui_fixtures",)  # the window, settings and error fixtures

WAIT_MS = 10_000


def open_settings(qtbot, window: MainWindow) -> tuple[SettingsDialog, GeneralSettingsPage]:
    window.action("settingsAction").trigger()
    dialog = window.settings_dialog
    assert dialog is not None
    qtbot.waitExposed(dialog)
    page = dialog.page_titled("General")
    assert isinstance(page, GeneralSettingsPage)
    return dialog, page


def click(qtbot, dialog: SettingsDialog, which: QDialogButtonBox.StandardButton) -> None:
    qtbot.mouseClick(dialog.buttons.button(which), Qt.MouseButton.LeftButton)


def type_minutes(qtbot, page: GeneralSettingsPage, text: str) -> None:
    editor = page.breaching_spin.findChild(QLineEdit)
    editor.selectAll()
    qtbot.keyClicks(editor, text)


def saved(context: AppContext) -> UserSettings:
    return UserSettings.load(context.paths.root)


def test_settings_is_in_the_file_menu_with_ctrl_comma(window: MainWindow) -> None:
    action = window.action("settingsAction")
    assert action.text() == "&Settings…"
    assert QKeySequence("Ctrl+,") in action.shortcuts()
    assert action in window.findChild(QMenu, "fileMenu").actions()
    assert GeneralSettingsPage in PAGES


def test_ctrl_comma_opens_the_dialog(qtbot, window: MainWindow) -> None:
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=WAIT_MS)
    qtbot.keyClick(window.queue_view, Qt.Key.Key_Comma, Qt.KeyboardModifier.ControlModifier)
    assert window.settings_dialog is not None and window.settings_dialog.isVisible()
    assert window.settings_dialog.page_list.item(0).text() == "General"


def test_ok_saves_the_general_page_and_the_window_follows(qtbot, window, context) -> None:
    _ann, bob = add_staff(context, "Ann", "Bob")
    dialog, page = open_settings(qtbot, window)
    assert not dialog.apply_button.isEnabled()  # nothing changed yet
    assert page.me_combo.currentText() == "Nobody chosen"
    assert page.breaching_spin.value() == 60 and page.close_to_tray_check.isChecked()

    page.me_combo.setCurrentIndex(page.me_combo.findData(bob))
    type_minutes(qtbot, page, "15")
    check = page.close_to_tray_check  # click its box: the row is wider than its text
    qtbot.mouseClick(check, Qt.MouseButton.LeftButton, pos=QPoint(8, check.height() // 2))
    assert dialog.apply_button.isEnabled() and page.is_dirty()
    with qtbot.waitSignal(dialog.applied, timeout=WAIT_MS):
        click(qtbot, dialog, QDialogButtonBox.StandardButton.Ok)
    qtbot.waitUntil(lambda: window.settings_dialog is None, timeout=WAIT_MS)

    stored = saved(context)
    assert (stored.me_staff_id, stored.breaching_soon_minutes, stored.close_to_tray) == (
        bob,
        15,
        False,
    )
    assert context.settings.me_staff_id == bob
    assert window.view_panel.me_combo.currentData() == bob  # "My open" is Bob's now
    breaching = window.view_panel.choice(BUILTIN_PREFIX + "breaching_soon").filter
    assert breaching.next_due_before - breaching.next_due_after == dt.timedelta(minutes=15)
    assert window.model._breaching_window == dt.timedelta(minutes=15)  # the queue's marks
    settle(qtbot, window)


def test_apply_saves_and_keeps_the_dialog_open(qtbot, window, context) -> None:
    dialog, page = open_settings(qtbot, window)
    type_minutes(qtbot, page, "90")
    with qtbot.waitSignal(dialog.applied, timeout=WAIT_MS):
        click(qtbot, dialog, QDialogButtonBox.StandardButton.Apply)
    assert dialog.isVisible() and not dialog.apply_button.isEnabled()
    assert not page.is_dirty() and saved(context).breaching_soon_minutes == 90
    settle(qtbot, window)


def test_a_refused_value_keeps_the_dialog_open_and_saves_nothing(
    qtbot, window, context, shown_errors
) -> None:
    (ann,) = add_staff(context, "Ann")
    dialog, page = open_settings(qtbot, window)
    page.me_combo.setCurrentIndex(page.me_combo.findData(ann))
    type_minutes(qtbot, page, "30")
    with context.db.session("test") as session:  # Ann leaves while the dialog is open
        session.get(Staff, ann).active = False

    click(qtbot, dialog, QDialogButtonBox.StandardButton.Ok)
    assert dialog.isVisible() and dialog.current_page() is page
    [shown] = shown_errors
    assert isinstance(shown.exception, ValidationError)
    assert "Ann is no longer an active staff member" in shown.message
    assert not (context.paths.root / "settings.json").exists()
    assert (context.settings.me_staff_id, context.settings.breaching_soon_minutes) == (None, 60)
    assert page.is_dirty()


def test_minutes_out_of_range_are_refused(qtbot, window, context, shown_errors) -> None:
    dialog, page = open_settings(qtbot, window)
    type_minutes(qtbot, page, "0")  # not yet corrected: the agent presses Apply at once
    assert not page.breaching_spin.hasAcceptableInput() and dialog.dirty_pages() == [page]
    dialog.apply_button.click()
    [shown] = shown_errors
    assert "from 1 to 1440" in shown.message and dialog.isVisible()
    assert not (context.paths.root / "settings.json").exists()


def test_cancel_asks_and_discards(qtbot, window, context) -> None:
    dialog, page = open_settings(qtbot, window)
    asked: list[list[str]] = []
    answer = False
    dialog.confirm_discard = lambda titles: asked.append(titles) or answer
    type_minutes(qtbot, page, "5")

    click(qtbot, dialog, QDialogButtonBox.StandardButton.Cancel)
    assert asked == [["General"]] and dialog.isVisible()  # "go back" keeps the changes
    assert page.breaching_spin.value() == 5

    answer = True
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow, timeout=WAIT_MS)
    qtbot.keyClick(dialog.focusWidget(), Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: window.settings_dialog is None, timeout=WAIT_MS)
    assert len(asked) == 2
    assert context.settings.breaching_soon_minutes == 60
    assert not (context.paths.root / "settings.json").exists()

    dialog, page = open_settings(qtbot, window)  # a fresh dialog shows what is saved
    assert page.breaching_spin.value() == 60 and not dialog.apply_button.isEnabled()
    dialog.confirm_discard = lambda titles: pytest.fail("nothing to discard")
    click(qtbot, dialog, QDialogButtonBox.StandardButton.Cancel)
    qtbot.waitUntil(lambda: window.settings_dialog is None, timeout=WAIT_MS)


class _RefusingPage(QWidget):
    """A second page that refuses whatever it is given."""

    title = "Refusing"
    changed = Signal()

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.loaded = False

    def load(self) -> None:
        self.loaded = True

    def apply(self) -> None:
        raise ValidationError({"value": "This page never takes a value."})

    def is_dirty(self) -> bool:
        return True


def test_the_dialog_shows_the_page_that_refused(qtbot, context, shown_errors) -> None:
    dialog = SettingsDialog(context, pages=(GeneralSettingsPage, _RefusingPage))
    qtbot.addWidget(dialog)
    dialog.show()
    general, refusing = dialog.pages
    assert refusing.loaded and dialog.page_list.count() == 2
    assert dialog.current_page() is general and dialog.apply_button.isEnabled()
    type_minutes(qtbot, general, "45")

    assert dialog.apply_changes() is False
    assert dialog.current_page() is refusing and dialog.heading.text() == "Refusing"
    assert [type(e.exception) for e in shown_errors] == [ValidationError]
    assert saved(context).breaching_soon_minutes == 45  # the page before it was saved
