"""A search that finds less in the current view than in All tickets says where the rest
are, and one click searches All tickets (the search text stays)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from aiva_desk.domain import Priority
from tests.helpers.queue_gui_helpers import choose_view, make_tickets, numbers, settle

pytestmark = pytest.mark.time_sensitive  # run again at other instants and zones

pytest_plugins = ("tests.helpers.queue_gui_fixtures",)  # the window, settings and error fixtures


def search(qtbot, window, text: str) -> None:
    window.search_box.clear()
    qtbot.keyClicks(window.search_box, text)
    qtbot.keyClick(window.search_box, Qt.Key.Key_Return)
    settle(qtbot, window)


def test_no_match_in_the_view_names_the_matches_in_all_and_searches_there(
    qtbot, window, context
) -> None:
    make_tickets(context, 3)
    window.refresh()
    settle(qtbot, window)
    choose_view(qtbot, window, "builtin:my_open")  # nobody is "me": nothing in it
    settle(qtbot, window)
    scope = window.queue_query.search_scope
    search(qtbot, window, "Description")
    assert window.model.total == 0
    qtbot.waitUntil(lambda: scope.text != "", timeout=10_000)
    assert scope.text == "No match in My open — 3 in All tickets"
    assert scope.button.isVisible() and scope.button.text() == "Search All tickets"

    qtbot.mouseClick(scope.button, Qt.MouseButton.LeftButton)
    settle(qtbot, window)
    assert window.current_view_key() == "builtin:all"
    assert window.search_box.text() == "Description"  # the search stays
    assert window.model.total == 3
    assert scope.text == "" and scope.button.isHidden()


def test_fewer_matches_in_the_view_say_how_many_more_and_all_says_nothing(
    qtbot, window, context
) -> None:
    make_tickets(context, 4)
    ticket = context.tickets.get(make_tickets(context, 1, priority=Priority.P1)[0].id)
    window.refresh()
    settle(qtbot, window)
    choose_view(qtbot, window, "builtin:p1")
    settle(qtbot, window)
    p1_shown = window.model.total
    assert p1_shown >= 1 and f"#{ticket.number}" in numbers(window.model)
    scope = window.queue_query.search_scope
    search(qtbot, window, "Description")
    qtbot.waitUntil(lambda: scope.text != "", timeout=10_000)
    assert scope.text == f"{5 - p1_shown} more in All tickets"

    search(qtbot, window, "no such words anywhere")  # nowhere: nothing to point at
    assert window.model.total == 0
    qtbot.waitUntil(lambda: scope.text == "", timeout=10_000)

    choose_view(qtbot, window, "builtin:all")  # searching All already: no hint
    search(qtbot, window, "Description")
    assert window.model.total == 5 and scope.text == ""
