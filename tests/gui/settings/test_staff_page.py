"""Settings → Staff: colleagues added, edited and deactivated (never deleted), each
problem named in one line, and "I am" offering who is active."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox

from aiva_desk.domain import StaffRole
from aiva_desk.errors import ValidationError
from aiva_desk.gui.settings.staff_page import StaffSettingsPage
from aiva_desk.tickets.staff import list_staff
from tests.helpers.editor_helpers import choose
from tests.helpers.queue_gui_helpers import add_staff

pytest_plugins = ("tests.helpers.queue_gui_fixtures",)


def open_staff_page(qtbot, window):
    window.action("settingsAction").trigger()
    dialog = window.settings_dialog
    qtbot.waitExposed(dialog)
    page = dialog.page_titled("Staff")
    assert isinstance(page, StaffSettingsPage)
    dialog.show_page(page)
    return dialog, page


def type_into(qtbot, edit, text: str) -> None:
    edit.selectAll()
    qtbot.keyClicks(edit, text)


def test_a_colleague_is_added_checked_edited_and_deactivated(
    qtbot, window, context, shown_errors
) -> None:
    (ann,) = add_staff(context, "Ann")
    dialog, page = open_staff_page(qtbot, window)
    assert page.table.rowCount() == 1 and page.table.item(0, 0).text() == "Ann"

    qtbot.mouseClick(page.add_button, Qt.MouseButton.LeftButton)
    assert page.table.currentRow() == 1 and page.name_edit.text() == ""
    type_into(qtbot, page.name_edit, "Sam Senior")
    type_into(qtbot, page.email_edit, "sam@")
    assert page.problem_label.isVisible() and "\n" not in page.problem_label.text()
    assert page.problem_label.text()  # the address is named as wrong, at once
    dialog.apply_button.click()  # refused: nothing saved, the problem named
    [shown] = shown_errors
    assert isinstance(shown.exception, ValidationError) and "Sam Senior" in shown.message
    assert [c.name for c in list_staff(context.db)] == ["Ann"]

    type_into(qtbot, page.email_edit, "ann@aiva.example")  # Ann's address: a duplicate
    choose(qtbot, page.role_combo, "Senior")
    dialog.apply_button.click()
    assert "Ann already has the e-mail address ann@aiva.example" in shown_errors[-1].message
    type_into(qtbot, page.email_edit, "sam@aiva.example")
    assert page.problem_label.isHidden()
    dialog.apply_button.click()
    assert len(shown_errors) == 2  # saved this time
    sam = next(c for c in list_staff(context.db) if c.name == "Sam Senior")
    assert (sam.email, sam.role, sam.active) == ("sam@aiva.example", StaffRole.SENIOR_SUPPORT, True)
    combo = window.view_panel.me_combo
    assert combo.findData(sam.id) >= 0  # "I am" offers the new colleague

    page.table.setCurrentCell(0, 0)  # Ann leaves: deactivated, not deleted
    assert page.name_edit.text() == "Ann"
    page.active_box.click()  # unticks "Active"
    assert page.table.item(0, 3).text() == "No" and page.is_dirty()
    qtbot.mouseClick(
        dialog.buttons.button(QDialogButtonBox.StandardButton.Ok), Qt.MouseButton.LeftButton
    )
    assert not dialog.isVisible()
    [ann_row] = [c for c in list_staff(context.db) if c.id == ann]
    assert not ann_row.active
    assert combo.findData(ann) < 0  # no longer offered under "I am"
