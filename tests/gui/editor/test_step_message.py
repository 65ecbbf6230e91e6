"""The "#1042 is now …" message under the workflow buttons lasts only as long as it is true."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from aiva_desk.domain import Priority, TicketStatus
from aiva_desk.tickets.workflow import Action
from tests.helpers.editor_helpers import idle, new_tabs, open_in
from tests.helpers.mail_fixtures import make_ticket

pytestmark = pytest.mark.usefixtures("shown_errors")
pytest_plugins = ("tests.helpers.mail_fixtures",)


def investigating_ticket(context) -> int:
    service = context.tickets
    ref = make_ticket(context)
    service.perform(ref.id, Action.ACKNOWLEDGE, None)
    ticket = service.get(ref.id)
    service.triage(ref.id, category_id=ticket.category_id, priority=Priority.P3,
                   expected_version=None)  # fmt: skip
    service.perform(ref.id, Action.START_INVESTIGATION, None)
    ticket = service.get(ref.id)
    service.update(ref.id, ticket.version, {"solution": "Cleared the widget's stale cache."})
    return ref.id


def test_the_resolving_message_goes_once_the_sent_solution_moves_the_ticket_on(
    qtbot, mail_context, smtp_server
) -> None:
    context = mail_context
    ticket_id = investigating_ticket(context)
    tabs = new_tabs(qtbot, context)
    editor = open_in(qtbot, tabs, ticket_id)
    qtbot.mouseClick(editor.workflow.button(Action.START_RESOLUTION), Qt.MouseButton.LeftButton)
    idle()
    assert "is now Resolving" in editor.workflow.message

    composer = editor.compose("solution")  # the Solution mail, sent from the composer
    qtbot.waitUntil(lambda: composer.ready)
    idle()
    composer.body.setFocus()
    while composer.body.textCursor().selectedText().startswith("[["):
        qtbot.keyClicks(composer.body, "Cleared the cache.")  # over the selected gap
        composer.select_next_gap()
    qtbot.waitUntil(composer.gaps_label.isHidden)
    with qtbot.waitSignal(composer.message_queued):
        qtbot.keyClick(composer.body, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    idle()
    assert "is now Resolving" in editor.workflow.message  # queued, not sent: still true

    assert context.mail.deliver_due().sent  # the sender delivers it: the ticket moves on
    assert context.tickets.get(ticket_id).status is TicketStatus.AWAITING_CONFIRMATION
    tabs.refresh_ticket(ticket_id)  # as the window does when the database changed
    idle()
    assert editor.header.status.text() == "Awaiting confirmation"
    assert editor.workflow.message == ""


def test_a_merge_on_save_that_shows_a_new_status_drops_the_old_message(qtbot, mail_context) -> None:
    context = mail_context
    ticket_id = investigating_ticket(context)
    tabs = new_tabs(qtbot, context)
    editor = open_in(qtbot, tabs, ticket_id)
    qtbot.mouseClick(editor.workflow.button(Action.START_RESOLUTION), Qt.MouseButton.LeftButton)
    idle()
    assert "is now Resolving" in editor.workflow.message

    context.tickets.perform(ticket_id, Action.SEND_SOLUTION, None)  # another window
    shown: list[tuple[str, str]] = []  # (the status chip, the message) as the agent saw them
    editor.state.edits_changed.connect(
        lambda: shown.append((editor.header.status.text(), editor.workflow.message))
    )
    widget = editor.fields["root_cause"].widget
    widget.setFocus()
    qtbot.keyClicks(widget, "Stale cache after the 2.3 upgrade")
    editor.save()
    idle()
    assert context.tickets.get(ticket_id).root_cause == "Stale cache after the 2.3 upgrade"
    assert editor.header.status.text() == "Awaiting confirmation"
    assert editor.workflow.message == ""
    assert ("Awaiting confirmation", "") in shown  # the merge showed the new status…
    assert not [s for s in shown if s[0] != "Resolving" and "Resolving" in s[1]]  # …alone
