"""Ticket > Block Sender… and Unblock Sender…: the current ticket's customer, after
asking, with the whole domain offered except for free-mail domains; the ticket stays."""

from __future__ import annotations

from PySide6.QtWidgets import QMenu, QMessageBox

from aiva_desk.gui.editor.block_sender import BlockChoice
from aiva_desk.inbound import spam
from aiva_desk.tickets.service import NewTicket

pytest_plugins = ("tests.helpers.queue_gui_fixtures",)


def _ticket(context, email: str) -> int:
    category = context.tickets.categories()[0].id
    return context.tickets.create(NewTicket("Buy credits", "Eve", email, category, "Cheap!")).id


def _open(qtbot, window, ticket_id: int) -> None:
    window.ticket_tabs.open_ticket(ticket_id, new_tab=True)
    editor = window.ticket_tabs.editor_for(ticket_id)
    qtbot.waitUntil(lambda: editor.ticket is not None, timeout=10_000)


def test_block_sender_asks_then_blocks_the_address(qtbot, window, context) -> None:
    ticket_id = _ticket(context, "eve@spam.example")
    blocking = window.sender_blocking
    menu = window.findChild(QMenu, "ticketMenu")
    assert blocking.block_action in menu.actions() and blocking.unblock_action in menu.actions()
    _open(qtbot, window, ticket_id)
    asked = []
    blocking.confirm_block = lambda address: asked.append(address) or BlockChoice()
    with qtbot.waitSignal(blocking.message, timeout=10_000) as said:
        blocking.block_action.trigger()
    assert asked == ["eve@spam.example"]
    assert said.args[0] == "Blocked eve@spam.example: its mail goes to Spam from now on."
    [entry] = spam.list_blocked(context.db)
    assert (entry.address, entry.reason) == ("eve@spam.example", "Blocked from ticket #1001")
    assert context.tickets.get(ticket_id).subject == "Buy credits"  # the ticket stays


def test_the_whole_domain_can_be_blocked(qtbot, window, context) -> None:
    _open(qtbot, window, _ticket(context, "eve@spam.example"))
    blocking = window.sender_blocking
    blocking.confirm_block = lambda _address: BlockChoice(whole_domain=True)
    with qtbot.waitSignal(blocking.message, timeout=10_000):
        blocking.block_action.trigger()
    assert spam.blocked_by(context.db, "anyone@spam.example") == "@spam.example"


def test_the_question_offers_the_domain_except_for_free_mail(window, monkeypatch) -> None:
    offered = []
    set_check_box = QMessageBox.setCheckBox
    monkeypatch.setattr(
        QMessageBox, "setCheckBox", lambda box, c: offered.append(c.text()) or set_check_box(box, c)
    )
    for email in ("eve@spam.example", "eve@gmail.com"):  # unticked: the address only
        assert window.sender_blocking._ask_block(email) == BlockChoice(whole_domain=False)
    assert offered == ["Block everyone at @spam.example"]


def test_cancelling_blocks_nothing_and_unblock_names_the_domain(qtbot, window, context) -> None:
    _open(qtbot, window, _ticket(context, "eve@spam.example"))
    blocking = window.sender_blocking
    blocking.confirm_block = lambda _address: None
    blocking.block_action.trigger()
    assert spam.list_blocked(context.db) == []

    with qtbot.waitSignal(blocking.message, timeout=10_000) as said:
        blocking.unblock_action.trigger()
    assert said.args[0] == "eve@spam.example is not blocked."

    spam.block_sender(context.db, "@spam.example", actor="ann")
    asked = []
    blocking.confirm_unblock = lambda address, entry: asked.append((address, entry)) or True
    with qtbot.waitSignal(blocking.message, timeout=10_000) as said:
        blocking.unblock_action.trigger()
    assert asked == [("eve@spam.example", "@spam.example")]
    assert said.args[0] == "Unblocked @spam.example: its mail reaches the queue again."
    assert spam.list_blocked(context.db) == []
