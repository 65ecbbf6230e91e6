"""The queue like an agent uses it: search, keyboard, live refresh, SLA countdown, chips."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QStyledItemDelegate, QStyleOptionViewItem

from aiva_desk.app_context import open_desk_database
from aiva_desk.demo.generate import generate_demo
from aiva_desk.domain import Priority, TicketStatus
from aiva_desk.gui.common import theme
from aiva_desk.gui.common.theme import SlaState
from aiva_desk.gui.queue.model import (
    PRIORITY,
    SLA,
    SLA_STATE_ROLE,
    SUBJECT,
    UPDATED,
    TicketTableModel,
)
from aiva_desk.queue.query import QueueFilter
from aiva_desk.tickets.service import NewTicket, TicketService
from tests.helpers.queue_gui_helpers import (
    NOW,
    click_row,
    make_tickets,
    numbers,
    settle,
)

pytestmark = pytest.mark.time_sensitive  # run again at other instants and zones

pytest_plugins = ("tests.helpers.queue_gui_fixtures",)  # the window, settings and error fixtures


def test_search_is_debounced_and_narrows_the_view(qtbot, window, context) -> None:
    make_tickets(context, 3)
    window.refresh()
    settle(qtbot, window)
    queries = []
    window.model.modelAboutToBeReset.connect(lambda: queries.append(window.model.queue_filter))
    qtbot.keyClicks(window.search_box, "Description 2")
    assert window.model.total == 3  # nothing yet: the search waits for a pause in typing
    qtbot.waitUntil(lambda: window.model.total == 1, timeout=10_000)
    assert numbers(window.model) == ["#1003"]
    # One search for the whole text, never one per key (a refresh of the view may run too).
    texts = {query.text for query in queries}
    assert "Description 2" in texts and texts <= {"", "Description 2"}
    assert window.findChild(object, "ticketCountLabel").text() == "1 ticket matches the search"
    window.search_box.clear()
    qtbot.waitUntil(lambda: window.model.total == 3, timeout=10_000)


def test_keyboard_j_k_enter_escape_and_ctrl_f(qtbot, window, context) -> None:
    refs = make_tickets(context, 4)
    window.refresh()
    settle(qtbot, window)
    view = window.queue_view
    assert window.action("nextTicketAction").shortcut().toString() == "J"
    assert window.action("previousTicketAction").shortcut().toString() == "K"
    click_row(qtbot, view, 0)
    view.setFocus()
    qtbot.keyClick(view, Qt.Key.Key_J)
    qtbot.keyClick(view, Qt.Key.Key_J)
    assert view.currentIndex().row() == 2
    qtbot.keyClick(view, Qt.Key.Key_K)
    assert view.currentIndex().row() == 1
    qtbot.keyClick(view, Qt.Key.Key_Down)
    assert view.currentIndex().row() == 2
    assert window.selected_ticket_ids() == [window.model.ticket_id(2)]
    qtbot.keyClick(view, Qt.Key.Key_Return)  # opens the ticket in a tab of its own
    wanted = window.model.ticket_id(2)
    qtbot.waitUntil(lambda: window.ticket_tabs.current_ticket_id() == wanted, timeout=10_000)
    assert window.ticket_tabs.preview_editor() is None

    window.activateWindow()
    view.setFocus()
    qtbot.keyClick(view, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert window.search_box.hasFocus()
    qtbot.keyClicks(window.search_box, "Description 1")
    qtbot.waitUntil(lambda: window.model.total == 1, timeout=10_000)
    qtbot.keyClick(window.search_box, Qt.Key.Key_J)  # letters type in the search box
    assert window.search_box.text() == "Description 1j"
    qtbot.keyClick(window.search_box, Qt.Key.Key_Escape)
    assert window.search_box.text() == "" and view.hasFocus()
    qtbot.waitUntil(lambda: window.model.total == len(refs), timeout=10_000)
    menu_texts = {
        a.text(): a.shortcut().toString()
        for a in window.findChildren(type(window.action("refreshAction")))
    }
    assert menu_texts["&Leave Search"] == "Esc" and menu_texts["&Search Tickets"] == "Ctrl+F"


def test_changes_from_another_process_refresh_and_keep_the_selection(
    qtbot, window, context, tmp_path
) -> None:
    refs = make_tickets(context, 60)
    window.refresh()
    settle(qtbot, window)
    view = window.queue_view
    target = refs[20].id
    assert window.select_ticket(target)
    view.scrollTo(window.model.index(window.model.row_of(target), 0))
    scroll = view.verticalScrollBar().value()
    assert scroll > 0

    # A second connection, as another AIVA Desk process on the same file would have.
    other = open_desk_database(context.db.engine.url.render_as_string(hide_password=False))
    try:
        service = TicketService(other, actor="someone-else")
        category = service.categories()[0]
        service.create(NewTicket("Brand new from elsewhere", "Zed", "zed@x.org", category.id, "d"))
        service.update(refs[5].id, service.get(refs[5].id).version, {"subject": "Edited elsewhere"})
    finally:
        other.dispose()

    with qtbot.waitSignal(window.model.reloaded, timeout=10_000):
        window.watch_timer.timeout.emit()  # what the 1.5 s timer does
    settle(qtbot, window)
    assert window.model.total == 61
    assert window.selected_ticket_ids() == [target]
    assert view.verticalScrollBar().value() == scroll
    subjects = {window.model.index(r, SUBJECT).data() for r in range(window.model.rowCount())}
    assert {"Brand new from elsewhere", "Edited elsewhere"} <= subjects
    assert window.view_panel.count("builtin:all") == 61
    window.watch_timer.timeout.emit()  # nothing changed since: no reload
    assert not window.model.loading


def test_sla_countdown_repaints_without_a_query(qtbot, context, clock) -> None:
    make_tickets(context, 2)
    model = TicketTableModel(context.db)
    model.reload()
    due, kind = model.countdown(model.row_data(0))  # the SLA clock due first
    assert kind == "Acknowledge" and due == model.row_data(0).next_deadline_at
    clock.now = due - dt.timedelta(hours=3)  # well before "breaching soon" (1 h)
    model.tick()
    assert model.sla_state(model.row_data(0)) is SlaState.ON_TRACK
    fetched = []
    model.modelAboutToBeReset.connect(lambda: fetched.append(1))
    changed = []
    model.dataChanged.connect(lambda first, last, _roles: changed.append((first, last)))
    clock.now = due - dt.timedelta(minutes=20)
    model.tick(0, 0)
    assert changed == [(model.index(0, SLA), model.index(0, SLA))] and fetched == []
    assert model.index(0, SLA).data() == "Acknowledge 20 min"
    assert model.index(0, SLA).data(Qt.ItemDataRole.ForegroundRole) == theme.sla_color(
        SlaState.DUE_SOON
    )
    clock.now = due + dt.timedelta(hours=2, minutes=5)
    model.tick()
    assert model.index(0, SLA).data() == "Acknowledge −2 h 5 min"
    tooltip = model.index(0, SLA).data(Qt.ItemDataRole.ToolTipRole)
    assert tooltip.startswith("Acknowledge overdue by 2 h 5 min")
    assert model.index(0, SLA).data(Qt.ItemDataRole.ForegroundRole) == theme.sla_color(
        SlaState.BREACHED
    )


def test_window_ticks_only_the_visible_sla_cells(qtbot, window, context) -> None:
    make_tickets(context, 80)
    window.refresh()
    settle(qtbot, window)
    ranges = []
    window.model.dataChanged.connect(lambda a, b, _r: ranges.append((a.row(), b.row(), a.column())))
    window.sla_timer.timeout.emit()
    [(first, last, column)] = ranges
    assert column == SLA and first == 0 and 5 < last < 79


def test_priority_chips_are_painted_in_colour(qtbot, window, context) -> None:
    make_tickets(context, 1, priority=Priority.P1)
    window.refresh()
    settle(qtbot, window)
    rect = window.queue_view.visualRect(window.model.index(0, PRIORITY))
    image = window.queue_view.viewport().grab(rect).toImage()
    fill = theme.chip_fill(Priority.P1)
    colours = {QColor(image.pixel(x, image.height() // 2)).name() for x in range(image.width())}
    assert fill.name() in colours


def test_loading_shows_a_busy_indicator_only_when_slow(qtbot, window, context) -> None:
    window.queue_status.set_busy("queue", "Loading…")
    assert window.busy_indicator.isHidden()  # not yet: quick loads never flash it
    qtbot.waitUntil(lambda: window.busy_indicator.isVisible(), timeout=10_000)
    window.queue_status.clear_busy("queue")
    assert window.busy_indicator.isHidden()


def test_model_keeps_fetching_after_a_background_reload(qtbot, context) -> None:
    make_tickets(context, 9)
    model = TicketTableModel(context.db, window_size=4)
    with qtbot.waitSignal(model.reloaded, timeout=10_000):
        model.set_query(QueueFilter(statuses=frozenset({TicketStatus.NEW})))
    assert model.rowCount() == 4 and model.canFetchMore(QModelIndex())
    model.reload_in_background()
    assert not model.canFetchMore(QModelIndex())  # stale offsets until the rows arrive
    qtbot.waitUntil(lambda: not model.loading, timeout=10_000)
    while model.canFetchMore(QModelIndex()):
        model.fetchMore(QModelIndex())
    assert model.rowCount() == 9


def test_a_ticket_that_sorts_past_the_loaded_rows_stays_selected(qtbot, window, context) -> None:
    generate_demo(context.db, tickets=230, seed=3, now=NOW)
    window.refresh()
    settle(qtbot, window)
    header = window.queue_view.horizontalHeader()
    header.setSortIndicator(UPDATED, Qt.SortOrder.AscendingOrder)  # oldest change first
    settle(qtbot, window)
    assert window.model.rowCount() < window.model.total == 230  # one window: a screenful
    click_row(qtbot, window.queue_view, 0)
    target = window.selected_ticket_id()
    service = context.tickets
    service.update(target, service.get(target).version, {"subject": "Touched: now the newest"})
    with qtbot.waitSignal(window.model.reloaded, timeout=10_000):
        window.watch_timer.timeout.emit()
    assert window.model.row_of(target) is None  # beyond the rows loaded
    qtbot.waitUntil(lambda: window.selected_ticket_ids() == [target], timeout=10_000)
    assert window.model.row_of(target) == 229 == window.queue_view.currentIndex().row()


def test_colours_follow_a_switch_to_dark_while_running(qtbot, window, context, qapp) -> None:
    make_tickets(context, 1)
    window.refresh()
    settle(qtbot, window)
    index = window.model.index(0, SLA)
    state = index.data(SLA_STATE_ROLE)
    light = index.data(Qt.ItemDataRole.ForegroundRole)
    assert state is not None and light == theme.sla_color(state)
    before = qapp.palette()
    try:
        qapp.setPalette(theme.dark_palette())
        qtbot.waitUntil(
            lambda: (
                index.data(Qt.ItemDataRole.ForegroundRole)
                == theme.sla_color(state, theme.dark_palette())
            ),
            timeout=10_000,
        )
        assert index.data(Qt.ItemDataRole.ForegroundRole) != light
    finally:
        qapp.setPalette(before)


def test_a_delegate_asking_cell_after_cell_gets_each_cells_own_roles(qtbot, context) -> None:
    # Delegates reuse one set of role slots from cell to cell (multiData): a colour or
    # alignment of one cell must never stay on the next.
    make_tickets(context, 1)
    model = TicketTableModel(context.db)
    model.reload()
    delegate = QStyledItemDelegate()
    right = QStyleOptionViewItem()
    delegate.initStyleOption(right, model.index(0, SLA))
    assert right.displayAlignment & Qt.AlignmentFlag.AlignRight
    plain = QStyleOptionViewItem()
    delegate.initStyleOption(plain, model.index(0, SUBJECT))
    assert not plain.displayAlignment & Qt.AlignmentFlag.AlignRight
    assert plain.text == "Problem 0 <b>bold?</b>"
    assert not plain.palette.isBrushSet(QPalette.ColorGroup.Normal, QPalette.ColorRole.Text)


def _painted(model: TicketTableModel, row: int, column: int) -> tuple[str, QColor]:
    """The text and colour a delegate paints the cell with (it asks through multiData)."""
    option = QStyleOptionViewItem()
    QStyledItemDelegate().initStyleOption(option, model.index(row, column))
    return option.text, option.palette.color(QPalette.ColorRole.Text)


def test_painted_cells_move_with_the_clock_and_the_palette(qtbot, context, qapp, clock) -> None:
    # A row's cells are kept once painted; the SLA cell must still count down at each
    # tick, and every colour must follow a palette switch.
    make_tickets(context, 2)
    model = TicketTableModel(context.db)
    model.reload()
    due, _kind = model.countdown(model.row_data(0))
    clock.now = due - dt.timedelta(minutes=20)
    model.tick()
    assert _painted(model, 0, SLA) == ("Acknowledge 20 min", theme.sla_color(SlaState.DUE_SOON))
    subject = _painted(model, 0, SUBJECT)[0]
    clock.now = due + dt.timedelta(hours=2, minutes=5)
    model.tick()
    assert _painted(model, 0, SLA) == ("Acknowledge −2 h 5 min", theme.sla_color(SlaState.BREACHED))
    assert _painted(model, 0, SUBJECT)[0] == subject
    before = qapp.palette()
    light = theme.sla_color(SlaState.BREACHED)
    try:
        qapp.setPalette(theme.dark_palette())
        model.palette_changed()
        dark = theme.sla_color(SlaState.BREACHED, theme.dark_palette())
        assert dark != light
        assert _painted(model, 0, SLA)[1] == dark
    finally:
        qapp.setPalette(before)


def test_a_new_order_reads_a_screenful_and_scrolling_reads_whole_windows(context) -> None:
    make_tickets(context, 25)
    model = TicketTableModel(context.db, window_size=10, first_window=4)
    model.set_query(QueueFilter(), UPDATED, Qt.SortOrder.AscendingOrder, background=False)
    assert (model.rowCount(), model.total) == (4, 25)
    model.fetchMore(QModelIndex())
    assert model.rowCount() == 14
    model.reload()  # a refresh keeps what was scrolled to
    assert model.rowCount() == 14
    model.set_query(QueueFilter(), UPDATED, Qt.SortOrder.DescendingOrder, background=False)
    assert model.rowCount() == 4
