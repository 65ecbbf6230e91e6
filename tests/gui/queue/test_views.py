"""The side list of views: built-in views with counts, "I am", filters, saved views."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from aiva_desk.demo.generate import generate_demo
from aiva_desk.domain import Priority, TicketStatus
from aiva_desk.gui.queue.model import ASSIGNEE, PRIORITY, STATUS
from aiva_desk.queue import query as queue
from aiva_desk.queue import views
from aiva_desk.queue.query import QueueFilter, builtin_views
from tests.helpers.queue_gui_helpers import NOW, choose_view, open_window, settle

pytestmark = pytest.mark.time_sensitive  # run again at other instants and zones

pytest_plugins = ("tests.helpers.queue_gui_fixtures",)  # the window, settings and error fixtures


def _column(win, column: int) -> list[str]:
    return [win.model.index(r, column).data() for r in range(win.model.rowCount())]


def test_views_filter_the_queue_and_show_live_counts(qtbot, context, settings, shown_errors, clock):
    generate_demo(context.db, tickets=300, seed=5)
    win = open_window(qtbot, context, settings)
    panel = win.view_panel
    expected = {}
    with context.db.read_session() as session:
        for view in builtin_views(clock.now, None):
            expected["builtin:" + view.key] = queue.count(session, view.filter, context.db.search)
    qtbot.waitUntil(lambda: panel.count("builtin:all") == 300, timeout=10_000)
    for key, number in expected.items():
        assert panel.count(key) == number, key
        assert panel._items[key].text(1) == f"{number:,}"
    assert expected["builtin:p1"] > 0 and expected["builtin:unassigned"] > 0

    choose_view(qtbot, win, "builtin:p1")
    assert win.model.total == expected["builtin:p1"]
    assert set(_column(win, PRIORITY)) == {"P1"}
    assert "Closed" not in _column(win, STATUS)
    choose_view(qtbot, win, "builtin:unassigned")
    assert win.model.total == expected["builtin:unassigned"]
    assert set(_column(win, ASSIGNEE)) == {"Unassigned"}
    choose_view(qtbot, win, "builtin:waiting")
    assert set(_column(win, STATUS)) <= {"Waiting on customer"}

    # "I am" decides what "My open" shows, and is remembered in the user settings.
    choose_view(qtbot, win, "builtin:my_open")
    assert win.model.total == 0
    staff = context.tickets.staff()[0]
    panel.me_combo.setCurrentIndex(panel.me_combo.findData(staff.id))
    settle(qtbot, win)
    assert context.settings.me_staff_id == staff.id
    assert win.model.total > 0 and set(_column(win, ASSIGNEE)) == {staff.name}
    qtbot.waitUntil(lambda: panel.count("builtin:my_open") == win.model.total, timeout=10_000)
    assert f'"me_staff_id": {staff.id}' in (context.paths.root / "settings.json").read_text()

    # The same choice from the View menu.
    win.me_menu.aboutToShow.emit()
    [checked] = [a for a in win.me_menu.actions() if a.isChecked()]
    assert checked.text() == staff.name
    win.me_menu.actions()[0].trigger()  # "Nobody chosen"
    assert context.settings.me_staff_id is None and panel.me_combo.currentIndex() == 0
    panel.me_combo.setCurrentIndex(panel.me_combo.findData(staff.id))
    settle(qtbot, win)

    # The last view chosen comes back with the window.
    win.close()
    again = open_window(qtbot, context, settings)
    assert again.current_view_key() == "builtin:my_open"


def test_filter_dialog_narrows_and_clears(qtbot, window, context):
    generate_demo(context.db, tickets=120, seed=8, now=NOW)
    window.refresh()
    settle(qtbot, window)
    window.action("filterAction").trigger()
    dialog = window.filter_dialog
    assert dialog.objectName() == "filterDialog"
    dialog.priority_checks[Priority.P2].setChecked(True)
    for row in range(dialog.status_list.count()):
        item = dialog.status_list.item(row)
        if item.text() == "Closed":
            item.setCheckState(Qt.CheckState.Checked)
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    settle(qtbot, window)
    assert window.filter_bar.isVisible()
    summary = window.filter_summary.text()
    assert "Status: Closed" in summary and "Priority: P2" in summary
    assert set(_column(window, PRIORITY)) == {"P2"} and set(_column(window, STATUS)) == {"Closed"}
    with context.db.read_session() as session:
        wanted = queue.count(
            session,
            QueueFilter(
                statuses=frozenset({TicketStatus.CLOSED}), priorities=frozenset({Priority.P2})
            ),
            context.db.search,
        )
    assert window.model.total == wanted
    qtbot.mouseClick(window.findChild(object, "clearFilterButton"), Qt.MouseButton.LeftButton)
    settle(qtbot, window)
    assert not window.filter_bar.isVisible() and window.model.total == 120


def test_save_a_view_reselect_rename_and_delete_it(qtbot, window, context):
    generate_demo(context.db, tickets=150, seed=9, now=NOW)
    window.refresh()
    settle(qtbot, window)
    qtbot.keyClicks(window.search_box, "shopify")
    qtbot.waitUntil(lambda: window.model.queue_filter.text == "shopify", timeout=10_000)
    settle(qtbot, window)
    matches = window.model.total
    header = window.queue_view.horizontalHeader()
    header.setSortIndicator(PRIORITY, Qt.SortOrder.AscendingOrder)
    settle(qtbot, window)

    window.action("saveViewAction").trigger()
    dialog = window.filter_dialog
    assert dialog.objectName() == "saveViewDialog" and dialog.text_edit.text() == "shopify"
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert "name" in dialog.findChild(object, "nameProblem").text()  # a name is required
    qtbot.keyClicks(dialog.name_edit, "Shopify by priority")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: (window.current_view_key() or "").startswith("saved:"), timeout=10_000)
    settle(qtbot, window)
    [saved] = views.list_views(context.db, context.view_owner)
    assert saved.name == "Shopify by priority" and saved.filter.text == "shopify"
    assert (saved.sort_key, saved.descending) == ("priority", False)
    assert window.search_box.text() == "" and window.model.total == matches

    # Elsewhere and back: the saved view brings its filter and its sort order.
    choose_view(qtbot, window, "builtin:all")
    header.setSortIndicator(STATUS, Qt.SortOrder.DescendingOrder)
    settle(qtbot, window)
    assert window.model.total == 150
    choose_view(qtbot, window, f"saved:{saved.id}")
    assert window.model.total == matches
    assert (window.model.sort_column, window.model.sort_order) == (
        PRIORITY,
        Qt.SortOrder.AscendingOrder,
    )
    assert header.sortIndicatorSection() == PRIORITY
    qtbot.waitUntil(lambda: window.view_panel.count(f"saved:{saved.id}") == matches, timeout=10_000)

    # A second view with the same name is refused in the dialog, which stays open.
    window.action("saveViewAction").trigger()
    again = window.filter_dialog
    qtbot.keyClicks(again.name_edit, "Shopify by priority")
    qtbot.mouseClick(again.ok_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "already have" in again.findChild(object, "nameProblem").text())
    assert again.isVisible()
    again.reject()

    panel = window.view_panel
    panel.rename_action.trigger()
    panel.rename_dialog.setTextValue("Shopify, most urgent first")
    panel.rename_dialog.accept()
    qtbot.waitUntil(
        lambda: (
            [v.name for v in views.list_views(context.db, context.view_owner)]
            == ["Shopify, most urgent first"]
        ),
        timeout=10_000,
    )
    settle(qtbot, window)
    renamed = views.list_views(context.db, context.view_owner)[0]
    assert window.current_view_key() == f"saved:{renamed.id}"
    assert panel.label(f"saved:{renamed.id}") == "Shopify, most urgent first"

    panel.delete_action.trigger()
    box = panel.delete_box
    box.button(QMessageBox.StandardButton.Yes).click()
    qtbot.waitUntil(lambda: views.list_views(context.db, context.view_owner) == [], timeout=10_000)
    settle(qtbot, window)
    assert window.current_view_key() == "builtin:all"
    assert not any(key.startswith("saved:") for key in panel.view_keys())


def test_a_filter_on_the_next_sla_deadline_is_described():
    import datetime as dt

    from aiva_desk.gui.queue.filter_dialog import Names, describe_filter
    from aiva_desk.queue.query import QueueFilter

    moment = dt.datetime(2026, 11, 26, 17, 45, tzinfo=dt.UTC)
    text = describe_filter(QueueFilter(next_due_before=moment), Names({}, {}, None))
    assert text.startswith("Next SLA deadline … – ")
    assert moment.astimezone().strftime("%H:%M") in text
