"""The Spam window: kept mail newest first, Not Spam (optionally unblocking), the
original's source, and the blocked senders' list with Block and Unblock."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtWidgets import QMenu

from aiva_desk.gui.main.spam_window import ReleaseChoice, SpamTableModel, SpamView
from aiva_desk.inbound import spam
from tests.helpers.spam_mail import NOW, keep_spam

pytest_plugins = ("tests.helpers.queue_gui_fixtures",)


@pytest.fixture
def pinned(clock):
    clock.now = NOW
    return clock


@pytest.fixture
def view(qtbot, context, pinned, shown_errors) -> SpamView:
    spam.block_sender(context.db, "eve@spam.example", actor="ann", reason="Sells credits")
    spam.block_sender(context.db, "@bad.example", actor="ann")
    keep_spam(context, subject="Old offer", received=NOW - dt.timedelta(days=2))
    keep_spam(context, sender="Max <max@bad.example>", subject="Newest offer")
    view = SpamView(context)
    qtbot.addWidget(view)
    view.show()
    qtbot.waitExposed(view)
    qtbot.waitUntil(lambda: view.model.rowCount() == 2, timeout=10_000)
    return view


def _select(qtbot, view: SpamView, subject: str) -> None:
    row = next(r for r, i in enumerate(view.model.items) if i.subject == subject)
    view.table.selectRow(row)
    assert view.selected_item().subject == subject


def test_the_model_passes_the_model_tester(qtmodeltester, context, pinned) -> None:
    keep_spam(context)
    keep_spam(context, subject="Second")
    model = SpamTableModel()
    model.set_items(spam.list_spam(context.db))
    assert model.rowCount() == 2 and model.columnCount() == 4
    qtmodeltester.check(model)


def test_kept_mail_is_listed_newest_first(qtbot, view) -> None:
    items = view.model.items
    assert [i.subject for i in items] == ["Newest offer", "Old offer"]
    assert view.model.index(0, 1).data() == "Max <max@bad.example>"
    assert view.model.index(0, 3).data().endswith("bytes")
    assert view.model.index(0, 1).data(3) == "Blocked by @bad.example"  # the tooltip
    assert not view.release_button.isEnabled()  # nothing selected yet
    view.table.selectRow(0)


def test_not_spam_makes_a_ticket_and_can_unblock(qtbot, context, view) -> None:
    asked = []
    view.confirm_release = lambda item: asked.append(item.subject) or ReleaseChoice(unblock=True)
    changed = []
    view.tickets_changed.connect(lambda: changed.append(True))
    _select(qtbot, view, "Old offer")
    view.release_button.click()
    qtbot.waitUntil(lambda: view.message.isVisible(), timeout=10_000)
    assert asked == ["Old offer"] and changed == [True]
    assert view.message.text().startswith("Taken in as new ticket #")
    assert "eve@spam.example is no longer blocked" in view.message.text()
    qtbot.waitUntil(lambda: view.model.rowCount() == 1, timeout=10_000)
    assert spam.blocked_by(context.db, "eve@spam.example") is None

    view.show_released_check.setChecked(True)
    qtbot.waitUntil(lambda: view.model.rowCount() == 2, timeout=10_000)
    _select(qtbot, view, "Old offer")
    assert "[taken in as #" in view.model.index(1, 2).data()
    assert not view.release_button.isEnabled() and view.open_button.isEnabled()
    with qtbot.waitSignal(view.ticket_requested, timeout=5000) as opened:
        view.open_button.click()
    assert opened.args[0] == view.selected_item().ticket_id


def test_once_the_last_kept_mail_is_taken_in_the_empty_list_does_not_deny_it(
    qtbot, context, view
) -> None:
    view.confirm_release = lambda _item: ReleaseChoice(unblock=False)
    for subject in ("Old offer", "Newest offer"):
        _select(qtbot, view, subject)
        view.release_button.click()
        qtbot.waitUntil(
            lambda s=subject: s not in [i.subject for i in view.model.items], timeout=10_000
        )
    qtbot.waitUntil(lambda: view.empty_label.isVisible(), timeout=10_000)
    # mail did come from blocked senders (and was taken in): "nothing came" would be wrong
    assert view.empty_label.text() == "No mail from blocked senders is waiting here."
    assert view.message.text().startswith("Taken in as new ticket #")


def test_cancelling_not_spam_changes_nothing(qtbot, context, view) -> None:
    view.confirm_release = lambda _item: None
    _select(qtbot, view, "Newest offer")
    view.release_button.click()
    assert len(spam.list_spam(context.db)) == 2 and view.message.isHidden()


def test_view_original_shows_the_source_read_only(qtbot, view) -> None:
    _select(qtbot, view, "Old offer")
    view.original_button.click()
    qtbot.waitUntil(lambda: view.original_dialog is not None, timeout=10_000)
    dialog = view.original_dialog
    qtbot.waitUntil(lambda: "Subject: Old offer" in dialog.source.toPlainText(), timeout=10_000)
    assert dialog.source.isReadOnly() and "Old offer" in dialog.windowTitle()
    dialog.close()


def test_unblock_sender_of_a_domain_blocked_message(qtbot, context, view) -> None:
    asked = []
    view.confirm_unblock = lambda item: asked.append(item.blocked_by) or True
    _select(qtbot, view, "Newest offer")
    view.unblock_button.click()
    qtbot.waitUntil(
        lambda: "@bad.example is no longer blocked" in view.message.text(), timeout=10_000
    )
    assert asked == ["@bad.example"]
    qtbot.waitUntil(lambda: not view.model.items[0].blocked_by, timeout=10_000)
    assert view.model.rowCount() == 2  # the kept mail stays until Not Spam


def test_the_blocked_list_adds_refuses_and_removes(qtbot, context, view, shown_errors) -> None:
    panel = view.blocked
    view.tabs.setCurrentWidget(panel)
    qtbot.waitUntil(lambda: panel.model.rowCount() == 2, timeout=10_000)
    assert [i.address for i in panel.model.items] == ["@bad.example", "eve@spam.example"]
    assert panel.model.index(0, 1).data() == "1"  # one kept message held back

    qtbot.keyClicks(panel.address_edit, "spam.example")
    panel.block_button.click()
    qtbot.waitUntil(lambda: bool(shown_errors), timeout=10_000)
    assert "write name@spam.example or @spam.example" in shown_errors[0].message
    assert panel.address_edit.text() == "spam.example"  # kept to be fixed
    shown_errors.clear()

    panel.address_edit.setText("@spam.example")
    qtbot.keyClicks(panel.reason_edit, "The whole company")
    panel.block_button.click()
    qtbot.waitUntil(lambda: panel.model.rowCount() == 3, timeout=10_000)
    assert panel.address_edit.text() == ""

    panel.confirm_unblock = lambda item: item.address == "@bad.example"
    panel.table.selectRow(0)
    panel.unblock_button.click()
    qtbot.waitUntil(lambda: panel.model.rowCount() == 2, timeout=10_000)
    assert spam.blocked_by(context.db, "x@bad.example") is None
    assert shown_errors == []


def test_view_spam_opens_one_window(qtbot, window) -> None:
    action = window.menus.spam_action
    assert action in window.findChild(QMenu, "viewMenu").actions()
    action.trigger()
    spam_view = window.spam_view
    assert isinstance(spam_view, SpamView) and spam_view.isVisible()
    action.trigger()
    assert window.spam_view is spam_view
    spam_view.close()
    qtbot.waitUntil(lambda: window.spam_view is None, timeout=10_000)
