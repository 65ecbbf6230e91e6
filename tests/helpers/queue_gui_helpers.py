"""Shared steps for the main-window tests: open the window, make tickets, click like a user."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QPoint, QSettings, Qt
from PySide6.QtWidgets import QHeaderView, QTableView

from aiva_desk.app_context import AppContext
from aiva_desk.gui import tasks
from aiva_desk.gui.editor.tabs import UnsavedChoice
from aiva_desk.gui.main.window import MainWindow
from aiva_desk.gui.queue.model import NUMBER, SUBJECT, TicketTableModel
from aiva_desk.store.models import Staff
from aiva_desk.tickets.service import NewTicket, TicketRef

NOW = dt.datetime(2026, 11, 26, 12, 0, tzinfo=dt.UTC)
WAIT_MS = 10_000


def open_window(
    qtbot, context: AppContext, settings: QSettings, *, size: tuple[int, int] | None = (1300, 800)
) -> MainWindow:
    win = MainWindow(context, settings)
    win.ticket_tabs.prompt_unsaved = lambda _editors: UnsavedChoice.DISCARD
    qtbot.addWidget(win)
    if size is not None:
        win.resize(*size)
    win.show()
    qtbot.waitExposed(win)
    settle(qtbot, win)
    return win


def settle(qtbot, win: MainWindow) -> None:
    """Wait until the queue shows what was last asked for and the counts are in."""
    qtbot.waitUntil(lambda: not win.model.loading, timeout=WAIT_MS)
    assert tasks.wait_for_idle(WAIT_MS)
    qtbot.waitUntil(lambda: not win.model.loading, timeout=WAIT_MS)


def make_tickets(context: AppContext, count: int, **fields) -> list[TicketRef]:
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
                **fields,
            )
        )
        for i in range(count)
    ]


def add_staff(context: AppContext, *names: str) -> list[int]:
    with context.db.session("test") as session:
        rows = [Staff(name=name, email=f"{name.lower()}@aiva.example") for name in names]
        session.add_all(rows)
        session.flush()
        return [row.id for row in rows]


def numbers(model: TicketTableModel) -> list[str]:
    return [model.index(row, NUMBER).data() for row in range(model.rowCount())]


def click_row(qtbot, view: QTableView, row: int, modifier=Qt.KeyboardModifier.NoModifier) -> None:
    rect = view.visualRect(view.model().index(row, SUBJECT))
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, modifier, rect.center())


def click_header(qtbot, header: QHeaderView, section: int) -> None:
    pos = QPoint(header.sectionViewportPosition(section) + 8, header.height() // 2)
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=pos)


def choose_view(qtbot, win: MainWindow, key: str) -> None:
    """Click the view ``key`` in the side list and wait for its tickets."""
    item = win.view_panel._items[key]
    tree = win.view_list
    tree.scrollToItem(item)
    rect = tree.visualItemRect(item)
    qtbot.mouseClick(tree.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert win.current_view_key() == key
    settle(qtbot, win)
