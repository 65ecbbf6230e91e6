"""Steps shared by the ticket editor's tests (and others that open a ticket in an editor):
make a ticket, open it in tabs like the queue would, wait for background work, choose."""

from __future__ import annotations

import datetime as dt

from PySide6.QtWidgets import QApplication, QComboBox

from aiva_desk.app_context import AppContext
from aiva_desk.gui import tasks
from aiva_desk.gui.editor.editor import TicketEditor
from aiva_desk.gui.editor.tabs import TicketTabs
from aiva_desk.tickets.service import NewTicket

# Where the SOP panels' tests pin the clock (gui/editor/sop/conftest.py).
T0 = dt.datetime(2026, 11, 26, 9, 30, tzinfo=dt.UTC)


def make_ticket(context: AppContext, n: int = 1, **fields: str) -> int:
    """A new ticket; extra keyword arguments are stored with ``TicketService.update``."""
    service = context.tickets
    categories = service.categories()
    category = next((c for c in categories if c.default_priority == 3), categories[0])  # a P3
    ref = service.create(
        NewTicket(
            subject=f"Widget does not load {n}",
            customer_name=f"Customer {n}",
            customer_email=f"customer{n}@example.com",
            category_id=category.id,
            description=f"The chat widget stays blank on page {n}.",
            organization="Acme",
        )
    )
    if fields:
        service.update(ref.id, ref.version, dict(fields))
    return ref.id


def idle() -> None:
    assert tasks.wait_for_idle(), "background tasks did not finish"


def new_tabs(qtbot, context: AppContext) -> TicketTabs:
    tabs = TicketTabs(context)
    qtbot.addWidget(tabs)
    tabs.resize(1000, 760)
    tabs.show()
    qtbot.waitExposed(tabs)
    return tabs


def open_in(qtbot, tabs: TicketTabs, ticket_id: int, *, new_tab: bool = False) -> TicketEditor:
    """Open the ticket like the queue would, and wait until it is shown."""
    tabs.open_ticket(ticket_id, new_tab=new_tab)
    editor = tabs.current_editor()
    assert editor is not None
    qtbot.waitUntil(lambda: editor.ticket is not None and editor.ticket.id == ticket_id)
    idle()
    return editor


def choose(qtbot, combo: QComboBox, text: str) -> None:
    """Pick an item the way a keyboard user does: focus the combo box and type its start.

    Only the first word is typed: a space would open the drop-down list. The search starts
    afresh, and a busy machine's pauses between keys do not restart it half-way.
    """
    interval = QApplication.keyboardInputInterval()
    QApplication.setKeyboardInputInterval(60_000)
    try:
        combo.view().keyboardSearch("")  # a new search, not an extension of the last one
        combo.setFocus()
        qtbot.keyClicks(combo, text.split(" ")[0])
    finally:
        QApplication.setKeyboardInputInterval(interval)
    assert combo.currentText().startswith(text), combo.currentText()
