"""The main window: the queue model, sorting, the ticket pane and its workflow buttons."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QModelIndex, QPoint, QSettings, Qt
from PySide6.QtTest import QAbstractItemModelTester
from PySide6.QtWidgets import QHeaderView, QTableView

from aiva_desk.app_context import AppContext
from aiva_desk.domain import TicketStatus
from aiva_desk.gui import tasks
from aiva_desk.gui.errors import NO_ERROR_DIALOGS_ENV, ShownError, capture_errors
from aiva_desk.gui.main_window import MainWindow
from aiva_desk.gui.queue_model import CATEGORY, NUMBER, SUBJECT, TicketTableModel
from aiva_desk.queue import QueueFilter
from aiva_desk.tickets import NewTicket, TicketRef
from aiva_desk.workflow import Action


@pytest.fixture(autouse=True)
def shown_errors(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[ShownError]]:
    monkeypatch.setenv(NO_ERROR_DIALOGS_ENV, "1")
    with capture_errors() as shown:
        yield shown
    assert tasks.wait_for_idle()


def make_tickets(context: AppContext, count: int) -> list[TicketRef]:
    categories = context.tickets.categories()
    return [
        context.tickets.create(
            NewTicket(
                subject=f"Problem {i} <b>bold?</b>",
                customer_name=f"Customer {i}",
                customer_email=f"customer{i}@example.com",
                category_id=categories[i % len(categories)].id,
                description=f"Description {i}",
                organization="Acme" if i % 2 else "",
            )
        )
        for i in range(count)
    ]


@pytest.fixture
def settings(tmp_path: Path) -> QSettings:
    return QSettings(str(tmp_path / "gui.ini"), QSettings.Format.IniFormat)


@pytest.fixture
def window(qtbot, context, settings) -> MainWindow:
    win = MainWindow(context, settings)
    qtbot.addWidget(win)
    win.resize(1300, 800)
    win.show()
    qtbot.waitExposed(win)
    return win


def click_row(qtbot, view: QTableView, row: int) -> None:
    rect = view.visualRect(view.model().index(row, SUBJECT))
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def click_header(qtbot, header: QHeaderView, section: int) -> None:
    pos = QPoint(header.sectionViewportPosition(section) + 8, header.height() // 2)
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=pos)


def numbers(model: TicketTableModel) -> list[str]:
    return [model.index(row, NUMBER).data() for row in range(model.rowCount())]


def test_model_passes_the_model_tester(qtmodeltester, context) -> None:
    make_tickets(context, 7)
    model = TicketTableModel(context.db, window_size=3)
    model.reload()
    assert model.rowCount() == 3 and model.canFetchMore(QModelIndex())
    qtmodeltester.check(model)  # also fetches the further windows
    assert model.rowCount() == 7 and model.total == 7
    assert not model.canFetchMore(QModelIndex())

    by_number = TicketTableModel(context.db, window_size=3)
    by_number.sort(NUMBER, Qt.SortOrder.AscendingOrder)
    qtmodeltester.check(by_number)
    assert numbers(by_number) == [f"#{n}" for n in range(1001, 1008)]


def test_model_resets_cleanly_under_the_tester(qtlog, context) -> None:
    # Qt's tester runs its checks (including fetchMore) on modelReset *before* it marks
    # the reset finished, so it would flag any lazily fetching model; with fetchMore
    # left to us, every reset, sort, filter and window is still verified.
    make_tickets(context, 7)
    model = TicketTableModel(context.db, window_size=3)
    tester = QAbstractItemModelTester(model, QAbstractItemModelTester.FailureReportingMode.Warning)
    tester.setUseFetchMore(False)
    model.reload()
    model.fetchMore(QModelIndex())
    model.sort(NUMBER, Qt.SortOrder.DescendingOrder)
    model.fetchMore(QModelIndex())
    model.set_filter(QueueFilter(text="Description 3"))
    model.set_filter(QueueFilter())
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


def test_window_shows_created_tickets(window, context) -> None:
    refs = make_tickets(context, 3)
    window.action("refreshAction").trigger()
    model = window.model
    assert sorted(numbers(model)) == [f"#{ref.number}" for ref in refs]
    row = model.row_of(refs[0].id)
    assert model.index(row, SUBJECT).data() == "Problem 0 <b>bold?</b>"
    assert model.index(row, CATEGORY).data() == context.tickets.categories()[0].name
    assert "3 tickets" in window.findChild(object, "ticketCountLabel").text()


def test_sorting_by_number_via_the_header(qtbot, window, context) -> None:
    make_tickets(context, 5)
    window.model.reload()
    header = window.queue_view.horizontalHeader()
    click_header(qtbot, header, NUMBER)
    first = numbers(window.model)
    click_header(qtbot, header, NUMBER)
    second = numbers(window.model)
    expected = [f"#{n}" for n in range(1001, 1006)]
    assert sorted([first, second]) == [expected, expected[::-1]]
    assert header.sortIndicatorSection() == NUMBER


def test_unsortable_column_keeps_the_current_sort(qtbot, window, context) -> None:
    make_tickets(context, 3)
    window.model.reload()
    header = window.queue_view.horizontalHeader()
    click_header(qtbot, header, NUMBER)
    before = numbers(window.model)
    click_header(qtbot, header, CATEGORY)
    assert numbers(window.model) == before
    assert header.sortIndicatorSection() == NUMBER


def test_selecting_a_row_shows_the_ticket(qtbot, window, context) -> None:
    refs = make_tickets(context, 3)
    window.model.reload()
    row = window.model.row_of(refs[1].id)
    with qtbot.waitSignal(window.ticket_view.ticket_loaded, timeout=5000):
        click_row(qtbot, window.queue_view, row)
    view = window.ticket_view
    assert view.ticket.id == refs[1].id
    text = view.findChild(object, "ticketDocument").toPlainText()
    assert "Customer Information" in text and "Customer 1" in text
    assert "Problem 1 <b>bold?</b>" in view.findChild(object, "headerLabel").text()
    html = view.findChild(object, "ticketDocument").toHtml()
    assert "<b>bold?</b>" not in html  # user text is escaped, never markup
    for section in ("Troubleshooting Log", "Resolution", "Closure", "History"):
        assert section in text
    button = view.step_button(Action.ACKNOWLEDGE)
    assert button is not None and "Acknowledge (< 30 minutes)" in button.toolTip()


def test_workflow_button_moves_the_ticket(qtbot, window, context) -> None:
    [ref] = make_tickets(context, 1)
    window.model.reload()
    with qtbot.waitSignal(window.ticket_view.ticket_loaded, timeout=5000):
        click_row(qtbot, window.queue_view, 0)
    view = window.ticket_view
    with qtbot.waitSignal(view.ticket_changed, timeout=5000):
        qtbot.mouseClick(view.step_button(Action.ACKNOWLEDGE), Qt.MouseButton.LeftButton)
    assert context.tickets.get(ref.id).status is TicketStatus.ACKNOWLEDGED
    qtbot.waitUntil(lambda: view.step_button(Action.TRIAGE) is not None, timeout=5000)
    assert view.ticket.status is TicketStatus.ACKNOWLEDGED
    assert "is now Acknowledged" in view.message
    assert window.model.index(0, 5).data() == "Acknowledged"  # the queue was refreshed
    assert window.selected_ticket_id() == ref.id

    with qtbot.waitSignal(view.ticket_changed, timeout=5000):
        qtbot.mouseClick(view.step_button(Action.TRIAGE), Qt.MouseButton.LeftButton)
    assert context.tickets.get(ref.id).status is TicketStatus.TRIAGED


def test_refused_step_is_explained_inline(qtbot, window, context, shown_errors) -> None:
    [ref] = make_tickets(context, 1)
    service = context.tickets
    service.perform(ref.id, Action.ACKNOWLEDGE)
    ticket = service.get(ref.id)
    service.triage(ref.id, category_id=ticket.category_id, priority=ticket.priority)
    service.perform(ref.id, Action.START_INVESTIGATION)
    service.perform(ref.id, Action.START_RESOLUTION)  # now Resolving, with no solution written
    window.model.reload()
    with qtbot.waitSignal(window.ticket_view.ticket_loaded, timeout=5000):
        click_row(qtbot, window.queue_view, 0)
    view = window.ticket_view
    button = view.step_button(Action.SEND_SOLUTION)
    assert "Write the solution" in button.toolTip()
    finished = []
    view.ticket_changed.connect(finished.append)
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "not possible yet" in view.message, timeout=5000)
    assert "Write the solution before sending it to the customer" in view.message
    assert service.get(ref.id).status is TicketStatus.RESOLVING
    assert button.isEnabled() and finished == [] and shown_errors == []


def test_ctrl_n_creates_a_ticket_and_selects_it(qtbot, window, context) -> None:
    make_tickets(context, 2)
    window.model.reload()
    assert window.action("newTicketAction").shortcut().toString() == "Ctrl+N"
    window.activateWindow()
    qtbot.keyClick(window.queue_view, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: window.new_ticket_dialog is not None, timeout=3000)
    dialog = window.new_ticket_dialog
    qtbot.keyClicks(dialog.customer_name, "Cleo")
    qtbot.keyClicks(dialog.customer_email, "cleo@example.net")
    qtbot.keyClicks(dialog.subject, "Knowledge base upload fails")
    dialog.category.setCurrentIndex(dialog.category.findText("Knowledge Base"))
    qtbot.keyClicks(dialog.description, "PDF upload spins forever.")
    with qtbot.waitSignal(window.ticket_view.ticket_loaded, timeout=5000):
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    new_id = context.tickets.id_for_number(1003)
    assert window.selected_ticket_id() == new_id
    assert window.ticket_view.ticket.id == new_id
    assert window.model.total == 3


def test_search_filters_the_queue(qtbot, window, context) -> None:
    make_tickets(context, 3)
    window.model.reload()
    qtbot.keyClicks(window.search_box, "Description 2")
    qtbot.waitUntil(lambda: window.model.total == 1, timeout=3000)
    assert numbers(window.model) == ["#1003"]
    window.search_box.clear()
    qtbot.waitUntil(lambda: window.model.total == 3, timeout=3000)


def test_window_state_is_remembered(qtbot, context, settings) -> None:
    first = MainWindow(context, settings)
    qtbot.addWidget(first)
    first.resize(701, 502)  # within the offscreen screen (800×600)
    first.show()
    qtbot.waitExposed(first)
    first.splitter.setSizes([700, 400])
    sizes = first.splitter.sizes()
    first.close()

    second = MainWindow(context, settings)
    qtbot.addWidget(second)
    second.show()
    qtbot.waitExposed(second)
    assert (second.width(), second.height()) == (701, 502)
    assert second.splitter.sizes() == sizes
