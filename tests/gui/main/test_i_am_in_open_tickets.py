"""Choosing who "I am" applies at once to the tickets already open: senior support's
"Close anyway…" appears (and goes) without reopening the tab."""

from __future__ import annotations

from aiva_desk.domain import StaffRole
from tests.gui.editor.sop.test_resolution_close_gates import awaiting_confirmation, staff
from tests.helpers.editor_helpers import idle
from tests.helpers.queue_gui_helpers import open_window

pytest_plugins = ("tests.helpers.queue_gui_fixtures",)  # the settings and error fixtures


def test_switching_i_am_to_senior_support_shows_close_anyway_in_an_open_ticket(
    qtbot, context, settings, shown_errors
) -> None:
    agent = staff(context, "Omar", StaffRole.AGENT)
    senior = staff(context, "Aisha", StaffRole.SENIOR_SUPPORT)
    context.settings.me_staff_id = agent
    ticket_id = awaiting_confirmation(context)
    window = open_window(qtbot, context, settings)
    window.ticket_tabs.open_ticket(ticket_id, new_tab=True)
    editor = window.ticket_tabs.current_editor()
    gates = editor.support.closing_buttons
    qtbot.waitUntil(lambda: gates.me is not None and gates.me.id == agent)
    idle()
    assert not gates.override_button.isVisibleTo(editor)
    loads = []
    editor.loaded.connect(loads.append)

    # View > I Am > Aisha, as the agent would choose it.
    window.me_menu.aboutToShow.emit()
    next(a for a in window.me_menu.actions() if a.text() == "Aisha").trigger()
    qtbot.waitUntil(lambda: gates.override_button.isVisibleTo(editor))
    assert gates.me.id == senior
    assert window.ticket_tabs.current_editor() is editor and loads == []  # not reopened

    combo = window.view_panel.me_combo
    combo.setCurrentIndex(combo.findData(agent))  # the side panel's chooser, back again
    qtbot.waitUntil(lambda: not gates.override_button.isVisibleTo(editor))
    idle()
    assert shown_errors == []
