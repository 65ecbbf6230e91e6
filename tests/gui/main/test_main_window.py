"""The main window: the queue model, creating tickets, sorting, remembered layout."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtTest import QAbstractItemModelTester
from PySide6.QtWidgets import QTableView

from aiva_desk.durations import duration
from aiva_desk.errors import NotFoundError
from aiva_desk.gui.main.window import MainWindow
from aiva_desk.gui.queue.model import (
    CATEGORY,
    COLUMNS,
    CUSTOMER,
    NUMBER,
    SLA,
    STATUS,
    SUBJECT,
    TicketTableModel,
)
from aiva_desk.queue.query import QueueFilter
from tests.helpers.queue_gui_helpers import (
    click_header,
    click_row,
    make_tickets,
    numbers,
    open_window,
    settle,
)

pytestmark = pytest.mark.time_sensitive  # run again at other instants and zones

pytest_plugins = ("tests.helpers.queue_gui_fixtures",)  # the window, settings and error fixtures


def test_model_passes_the_model_tester(qtmodeltester, context) -> None:
    make_tickets(context, 7)
    model = TicketTableModel(context.db, window_size=3)
    model.reload()
    assert model.rowCount() == 3 and model.canFetchMore(QModelIndex())
    qtmodeltester.check(model)  # also fetches the further windows
    assert model.rowCount() == 7 and model.total == 7
    assert not model.canFetchMore(QModelIndex())

    by_number = TicketTableModel(context.db, window_size=3)
    by_number.set_query(QueueFilter(), NUMBER, Qt.SortOrder.AscendingOrder, background=False)
    qtmodeltester.check(by_number)
    assert numbers(by_number) == [f"#{n}" for n in range(1001, 1008)]


def test_model_resets_cleanly_under_the_tester(qtlog, qtbot, context) -> None:
    # Qt's tester runs its checks (including fetchMore) on modelReset *before* it marks
    # the reset finished, so it would flag any lazily fetching model; with fetchMore
    # left to us, every reset, sort, filter, window and tick is still verified.
    make_tickets(context, 7)
    model = TicketTableModel(context.db, window_size=3)
    tester = QAbstractItemModelTester(model, QAbstractItemModelTester.FailureReportingMode.Warning)
    tester.setUseFetchMore(False)
    model.reload()
    model.fetchMore(QModelIndex())
    with qtbot.waitSignal(model.reloaded, timeout=10_000):
        model.sort(NUMBER, Qt.SortOrder.DescendingOrder)
    model.fetchMore(QModelIndex())
    model.set_filter(QueueFilter(text="Description 3"))
    model.set_filter(QueueFilter())
    model.tick(0, 2)
    model.reload()
    failures = [r.message for r in qtlog.records if "FAIL" in r.message]
    assert failures == []
    assert (model.rowCount(), model.total) == (3, 7) and numbers(model)[0] == "#1007"


def test_queue_loads_in_windows(context) -> None:
    make_tickets(context, 25)
    model = TicketTableModel(context.db, window_size=10)
    model.reload()
    assert (model.rowCount(), model.total) == (10, 25)
    last = context.tickets.id_for_number(1001)  # oldest: last in "last update" order
    assert model.ensure_loaded(last) == 24 and model.rowCount() == 25


def test_window_shows_created_tickets_with_their_columns(qtbot, window, context, clock) -> None:
    clock.now = clock.now  # stopped, so the countdown can be checked to the minute
    refs = make_tickets(context, 3)
    window.action("refreshAction").trigger()
    settle(qtbot, window)
    model = window.model
    assert sorted(numbers(model)) == [f"#{ref.number}" for ref in refs]
    row = model.row_of(refs[1].id)
    assert model.index(row, SUBJECT).data() == "Problem 1 <b>bold?</b>"
    assert model.index(row, CATEGORY).data() == context.tickets.categories()[1].name
    assert model.index(row, CUSTOMER).data() == "Customer 1 · Acme"
    assert model.index(row, STATUS).data() == "New"
    due, kind = model.countdown(model.row_data(row))
    assert model.index(row, SLA).data() == f"{kind} {duration(due - clock.now)}"  # "… 29 min"
    assert "3 tickets" in window.findChild(object, "ticketCountLabel").text()


def test_every_column_sorts_via_the_header(qtbot, window, context) -> None:
    make_tickets(context, 5)
    window.refresh()
    settle(qtbot, window)
    header = window.queue_view.horizontalHeader()
    click_header(qtbot, header, NUMBER)
    settle(qtbot, window)
    first = numbers(window.model)
    click_header(qtbot, header, NUMBER)
    settle(qtbot, window)
    second = numbers(window.model)
    expected = [f"#{n}" for n in range(1001, 1006)]
    assert sorted([first, second]) == [expected, expected[::-1]]
    for section in range(len(COLUMNS)):
        click_header(qtbot, header, section)
        settle(qtbot, window)
        assert window.model.sort_column == section and window.model.rowCount() == 5
    click_header(qtbot, header, CUSTOMER)
    settle(qtbot, window)
    customers = [window.model.index(r, CUSTOMER).data() for r in range(5)]
    assert customers in (sorted(customers), sorted(customers, reverse=True))


def test_ctrl_n_creates_a_ticket_found_in_the_queue(qtbot, window, context) -> None:
    make_tickets(context, 2)
    window.refresh()
    settle(qtbot, window)
    assert window.action("newTicketAction").shortcut().toString() == "Ctrl+N"
    window.activateWindow()
    qtbot.keyClick(window.queue_view, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: window.new_ticket_dialog is not None, timeout=10_000)
    dialog = window.new_ticket_dialog
    qtbot.keyClicks(dialog.customer_name, "Cleo")
    qtbot.keyClicks(dialog.customer_email, "cleo@example.net")
    qtbot.keyClicks(dialog.subject, "Knowledge base upload fails")
    dialog.category.setCurrentIndex(dialog.category.findText("Knowledge Base"))
    qtbot.keyClicks(dialog.description, "PDF upload spins forever.")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    new_id = None

    def selected() -> bool:
        nonlocal new_id
        try:
            new_id = context.tickets.id_for_number(1003)
        except NotFoundError:
            return False
        return window.selected_ticket_id() == new_id

    qtbot.waitUntil(selected, timeout=10_000)
    row = window.model.row_of(new_id)
    assert window.model.index(row, SUBJECT).data() == "Knowledge base upload fails"
    assert window.model.total == 3
    qtbot.waitUntil(lambda: window.ticket_tabs.current_ticket_id() == new_id, timeout=10_000)


def test_selecting_a_row_opens_it_and_enter_keeps_it_in_a_tab(qtbot, window, context) -> None:
    refs = make_tickets(context, 3)
    window.refresh()
    settle(qtbot, window)
    tabs = window.ticket_tabs
    click_row(qtbot, window.queue_view, window.model.row_of(refs[1].id))
    qtbot.waitUntil(lambda: tabs.current_ticket_id() == refs[1].id, timeout=10_000)
    assert tabs.count() == 1
    window.queue_view.setFocus()
    qtbot.keyClick(window.queue_view, Qt.Key.Key_Return)
    click_row(qtbot, window.queue_view, window.model.row_of(refs[2].id))
    qtbot.waitUntil(lambda: tabs.current_ticket_id() == refs[2].id, timeout=10_000)
    assert sorted(tabs.open_ticket_ids()) == sorted([refs[1].id, refs[2].id])


def test_window_state_and_hidden_columns_are_remembered(qtbot, context, settings) -> None:
    make_tickets(context, 2)
    first = open_window(qtbot, context, settings)
    first.resize(761, 542)  # within the offscreen screen (800×600)
    first.splitter.setSizes([300, 150])
    sizes = first.splitter.sizes()
    first.side_splitter.setSizes([180, 500])
    side = first.side_splitter.sizes()
    header = first.queue_view.horizontalHeader()
    menu = first.queue_columns.fill_menu()
    menu.findChild(object, "column_category_Action").trigger()
    assert header.isSectionHidden(CATEGORY)
    header.moveSection(header.visualIndex(SUBJECT), 0)
    first.close()

    second = open_window(qtbot, context, settings, size=None)
    header = second.queue_view.horizontalHeader()
    assert (second.width(), second.height()) == (761, 542)
    for restored, saved in ((second.splitter, sizes), (second.side_splitter, side)):
        assert all(abs(a - b) <= 4 for a, b in zip(restored.sizes(), saved, strict=True))
    assert header.isSectionHidden(CATEGORY) and not header.isSectionHidden(CUSTOMER)
    assert header.logicalIndex(0) == SUBJECT
    second.queue_columns.fill_menu().findChild(object, "resetColumnsAction").trigger()
    assert not header.isSectionHidden(CATEGORY) and header.logicalIndex(0) == NUMBER


def test_every_control_has_a_name_for_assistive_tools(window: MainWindow) -> None:
    names = ("queueView", "viewList", "searchBox", "ticketTabs", "meCombo", "filterBar")
    names += ("filterButton", "saveViewButton", "busyIndicator", "ticketCountLabel")
    for name in names:
        widget = window.findChild(object, name)
        assert widget is not None, name
        assert widget.accessibleName(), name
    for name in ("newTicketAction", "customersAction", "filterAction", "saveViewAction"):
        assert window.action(name).text()
    view = window.findChild(QTableView, "queueView")
    assert view.selectionMode() == QTableView.SelectionMode.ExtendedSelection
