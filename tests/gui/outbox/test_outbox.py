"""The background sender, the Outbox window and mail notices, against a real SMTP server
(aiosmtpd with STARTTLS and AUTH on 127.0.0.1)."""

from __future__ import annotations

import dataclasses
import time

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QApplication, QMenu
from sqlalchemy import update

from aiva_desk.errors import DatabaseLockedError
from aiva_desk.gui import tasks
from aiva_desk.gui.app import wire_alerts
from aiva_desk.gui.errors import capture_errors
from aiva_desk.gui.main.mail_notices import MailNotices
from aiva_desk.gui.outbox.sender import RETRY_AFTER_ERROR_MS, MailSender, outbox_summary
from aiva_desk.gui.outbox.window import (
    COLUMNS,
    LAST_ERROR,
    STATE,
    TICKET,
    UNKNOWN_EXPLAINED,
    OutboxTableModel,
    OutboxView,
)
from aiva_desk.store.mail_models import OutboxMessage, OutboxState
from tests.helpers.mail_fixtures import make_ticket

pytestmark = pytest.mark.time_sensitive  # run again at other instants and zones

pytest_plugins = ("tests.helpers.mail_fixtures", "tests.helpers.queue_gui_fixtures")

S = OutboxState
WAIT_MS = 10_000


def _queue(context, ref) -> int:
    message = context.mail.draft(ref.id, template="acknowledgment")
    return context.mail.outbox.queue(dataclasses.replace(message))


def _state(context, outbox_id) -> OutboxState:
    return next(i for i in context.mail.outbox.items(tuple(S)) if i.id == outbox_id).state


def _open_outbox(qtbot, window) -> OutboxView:
    window.action("outboxAction").trigger()
    view = window.outbox_view
    assert view is not None
    qtbot.waitExposed(view)
    _settle(qtbot, view)
    return view


def _settle(qtbot, view: OutboxView) -> None:
    assert tasks.wait_for_idle(WAIT_MS)
    qtbot.waitUntil(lambda: not view.is_loading(), timeout=WAIT_MS)


def _select(qtbot, view: OutboxView, outbox_id: int) -> None:
    qtbot.waitUntil(lambda: view.select_message(outbox_id), timeout=WAIT_MS)


def _unknown_fate(context, outbox_id) -> None:
    """As if AIVA Desk had died while sending: the next open finds it of unknown fate."""
    with context.db.session("test") as session:
        session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id == outbox_id)
            .values(state=S.SENDING, claimed_by="elsewhere:99999999:dead", claimed_at=None)
        )
    assert context.mail.outbox.recover() == 1


@pytest.fixture(autouse=True)
def restore_quit_on_close():
    yield
    QApplication.setQuitOnLastWindowClosed(True)


# -- the sender ---------------------------------------------------------------------


def test_a_queued_message_is_sent_in_the_background(qtbot, mail_context, smtp_server, window):
    context, sender = mail_context, window.mail_sender
    assert sender.running
    ref = make_ticket(context)
    outbox_id = _queue(context, ref)
    with qtbot.waitSignal(sender.sent, timeout=WAIT_MS) as sent:
        started = time.monotonic()
        sender.wake()
        assert time.monotonic() - started < 0.5  # the GUI thread did not wait
        assert sender.is_sending()
        sender.wake()  # while a pass runs: one more pass afterwards, never two at once
    assert sent.args == [[outbox_id]]
    qtbot.waitUntil(lambda: len(smtp_server.recorder.messages) == 1, timeout=WAIT_MS)
    assert _state(context, outbox_id) is S.SENT
    qtbot.waitUntil(lambda: not sender.is_sending(), timeout=WAIT_MS)
    assert tasks.wait_for_idle(WAIT_MS)
    assert len(smtp_server.recorder.messages) == 1 and smtp_server.recorder.logins == 1


def test_a_message_queued_elsewhere_is_picked_up_by_the_change_watcher(
    qtbot, mail_context, smtp_server, window
):
    ref = make_ticket(mail_context)
    _queue(mail_context, ref)  # no wake(): as if the composer of another window queued it
    qtbot.waitUntil(lambda: len(smtp_server.recorder.messages) == 1, timeout=WAIT_MS)


def test_a_failing_check_that_is_a_bug_is_shown_once_and_retried(qtbot, mail_context, monkeypatch):
    context = mail_context
    sender = MailSender(context.mail)
    outbox = context.mail.outbox
    real_counts, calls = outbox.counts, []

    def fail(exc):
        def counts():
            calls.append(exc)
            raise exc

        return counts

    with capture_errors() as shown:
        monkeypatch.setattr(outbox, "counts", fail(TypeError("a bug")))
        sender.start()
        qtbot.waitUntil(lambda: len(calls) == 1, timeout=WAIT_MS)
        assert tasks.wait_for_idle(WAIT_MS)
        assert sender.next_check_in_ms() == RETRY_AFTER_ERROR_MS  # it keeps trying
        sender.poll()  # the retry fails the same way: not shown again
        assert tasks.wait_for_idle(WAIT_MS) and len(calls) == 2
        assert [error.unexpected for error in shown] == [True]
        assert sender.next_check_in_ms() == RETRY_AFTER_ERROR_MS

        monkeypatch.setattr(outbox, "counts", fail(DatabaseLockedError("The data is locked.")))
        sender.poll()  # the user's situation is only logged
        assert tasks.wait_for_idle(WAIT_MS) and len(shown) == 1

        monkeypatch.setattr(outbox, "counts", real_counts)
        sender.poll()
        assert tasks.wait_for_idle(WAIT_MS)
        monkeypatch.setattr(outbox, "counts", fail(TypeError("a bug")))
        sender.poll()  # it worked in between: a new failure is shown again
        assert tasks.wait_for_idle(WAIT_MS)
        assert [error.unexpected for error in shown] == [True, True]
    sender.stop()


def test_the_timer_waits_for_the_next_retry_at_most_a_minute(qtbot, mail_context, smtp_server):
    context = mail_context
    sender = MailSender(context.mail)
    smtp_server.stop()
    _queue(context, make_ticket(context))
    with qtbot.waitSignal(sender.pass_finished, timeout=WAIT_MS) as finished:
        sender.start()
    assert len(finished.args[0].retrying) == 1  # the server is down: try again in a minute
    qtbot.waitUntil(lambda: sender.next_check_in_ms() is not None, timeout=WAIT_MS)
    assert 50_000 < sender.next_check_in_ms() <= 60_000
    assert outbox_summary(sender.counts) == "Outbox: 1 queued"
    sender.stop()
    assert sender.next_check_in_ms() is None and not sender.running
    sender.wake()
    assert not sender.is_sending()  # stopped: no pass starts
    assert tasks.wait_for_idle(WAIT_MS)


def test_the_status_bar_counts_the_outbox_and_opens_it(qtbot, mail_context, smtp_server, window):
    context = mail_context
    button = window.queue_status.outbox_button
    assert button.isHidden()
    window.mail_sender.stop()
    ids = [_queue(context, make_ticket(context)) for _ in range(2)]
    context.mail.outbox.cancel(ids[1])
    window.mail_sender.start()
    qtbot.waitUntil(lambda: not button.isHidden(), timeout=WAIT_MS)
    assert button.text() in ("Outbox: 1 queued", "Outbox: 1 sending")
    qtbot.waitUntil(lambda: button.isHidden(), timeout=WAIT_MS)  # sent: nothing waits
    assert _state(context, ids[0]) is S.SENT and _state(context, ids[1]) is S.CANCELLED

    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert window.outbox_view is not None and window.outbox_view.isVisible()
    _settle(qtbot, window.outbox_view)


# -- failures: the notice and the Outbox ----------------------------------------------


def test_a_refused_message_is_a_banner_without_a_tray_and_shows_in_the_outbox(
    qtbot, mail_context, smtp_server, window
):
    context = mail_context
    alerts = wire_alerts(window, context, tray_available=lambda: False)
    notices = alerts.findChild(MailNotices)
    smtp_server.recorder.behaviour.permanent_failure = True
    ref = make_ticket(context)
    with qtbot.waitSignal(window.mail_sender.problems_found, timeout=WAIT_MS) as found:
        outbox_id = _queue(context, ref)
        window.mail_sender.wake()
    [problem] = found.args[0]
    assert (problem.outbox_id, problem.state, problem.ticket_id) == (outbox_id, S.FAILED, ref.id)
    assert notices.banner.isVisible()
    text = notices.banner.label.text()
    assert f"ticket #{ref.number}" in text and "554" in text and "ann@example.com" in text
    status = window.queue_status.outbox_button
    qtbot.waitUntil(lambda: status.text() == "Outbox: 1 failed", timeout=WAIT_MS)

    notices.banner.open_action.trigger()
    view = window.outbox_view
    assert view is not None and view.isVisible() and not notices.banner.isVisible()
    _settle(qtbot, view)
    assert view.model.rowCount() == 1
    assert view.model.index(0, TICKET).data() == f"#{ref.number}"
    assert view.model.index(0, STATE).data() == "Failed"
    assert "554" in view.model.index(0, LAST_ERROR).data()


def test_with_a_tray_the_notice_is_a_tray_message_that_opens_the_outbox(
    qtbot, mail_context, smtp_server, window
):
    context = mail_context
    alerts = wire_alerts(window, context, tray_available=lambda: True)
    alerts.start()
    notices = alerts.findChild(MailNotices)
    smtp_server.recorder.behaviour.permanent_failure = True
    ref = make_ticket(context)
    with qtbot.waitSignal(window.mail_sender.problems_found, timeout=WAIT_MS):
        _queue(context, ref)
        window.mail_sender.wake()
    [notice] = notices.shown
    assert notice.title == "E-mail not sent" and f"#{ref.number}" in notice.text
    assert not notices.banner.isVisible()
    window.hide()
    alerts.tray.icon.messageClicked.emit()
    assert window.isVisible()
    assert window.outbox_view is not None and window.outbox_view.isVisible()
    _settle(qtbot, window.outbox_view)
    alerts.center.stop()
    alerts.tray.hide()


# -- acting on messages in the Outbox -------------------------------------------------


def test_retry_sends_a_failed_message_again(qtbot, mail_context, smtp_server, window):
    context = mail_context
    smtp_server.recorder.behaviour.permanent_failure = True
    ref = make_ticket(context)
    with qtbot.waitSignal(window.mail_sender.failed, timeout=WAIT_MS):
        outbox_id = _queue(context, ref)
        window.mail_sender.wake()
    view = _open_outbox(qtbot, window)
    _select(qtbot, view, outbox_id)
    assert view.retry_button.isEnabled() and view.edit_button.isEnabled()
    assert not view.mark_sent_button.isEnabled() and view.unknown_note.isHidden()
    assert "554" in view.details.text()

    smtp_server.recorder.behaviour.permanent_failure = False
    with qtbot.waitSignal(window.mail_sender.sent, timeout=WAIT_MS):
        qtbot.mouseClick(view.retry_button, Qt.MouseButton.LeftButton)
    assert len(smtp_server.recorder.messages) == 1 and _state(context, outbox_id) is S.SENT
    qtbot.waitUntil(lambda: view.model.rowCount() == 0, timeout=WAIT_MS)
    assert view.empty_label.isVisible()

    view.show_sent_check.setChecked(True)  # recently sent ones on request
    qtbot.waitUntil(lambda: view.model.rowCount() == 1, timeout=WAIT_MS)
    assert view.model.index(0, STATE).data() == "Sent"
    _settle(qtbot, view)


def test_delete_cancels_the_selected_message(qtbot, mail_context, smtp_server, window):
    context = mail_context
    window.mail_sender.stop()  # keep it queued
    ref = make_ticket(context)
    keep, cancel = _queue(context, ref), _queue(context, ref)
    view = _open_outbox(qtbot, window)
    asked = []
    view.confirm_cancel = lambda item: asked.append(item.id) or True
    _select(qtbot, view, cancel)
    view.table.setFocus()
    qtbot.keyClick(view.table, Qt.Key.Key_Delete)
    qtbot.waitUntil(lambda: view.model.row_of(cancel) is None, timeout=WAIT_MS)
    assert asked == [cancel]
    assert _state(context, cancel) is S.CANCELLED and _state(context, keep) is S.QUEUED
    assert smtp_server.recorder.messages == []
    _settle(qtbot, view)


def test_an_unknown_fate_message_is_explained_notified_and_can_be_marked_sent(
    qtbot, mail_context, smtp_server, window
):
    context = mail_context
    alerts = wire_alerts(window, context, tray_available=lambda: False)
    notices = alerts.findChild(MailNotices)
    window.mail_sender.stop()
    ref = make_ticket(context)
    outbox_id = _queue(context, ref)
    _unknown_fate(context, outbox_id)
    with qtbot.waitSignal(window.mail_sender.problems_found, timeout=WAIT_MS) as found:
        window.mail_sender.start()  # as when AIVA Desk starts again
    [problem] = found.args[0]
    assert problem.state is S.UNKNOWN and "may or may not have gone out" in problem.text
    assert "may or may not" in notices.banner.label.text()
    window.mail_sender.poll()
    assert tasks.wait_for_idle(WAIT_MS) and len(notices.shown) == 1  # told once

    view = _open_outbox(qtbot, window)
    _select(qtbot, view, outbox_id)
    assert view.model.index(0, STATE).data() == "Unknown — check"
    assert view.unknown_note.isVisible() and view.unknown_note.text() == UNKNOWN_EXPLAINED
    assert view.mark_sent_button.isEnabled() and view.retry_button.isEnabled()
    assert not view.edit_button.isEnabled()
    qtbot.mouseClick(view.mark_sent_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: view.model.row_of(outbox_id) is None, timeout=WAIT_MS)
    assert _state(context, outbox_id) is S.SENT
    assert smtp_server.recorder.messages == []  # logged as sent, never sent twice
    outbound = [c for c in context.tickets.get(ref.id).communications if not c.draft]
    assert any(c.subject == problem.subject for c in outbound)
    _settle(qtbot, view)


def _one_held_in_the_outbox(qtbot, context, window):
    """A message queued (the sender stopped, so it stays) and selected in the Outbox."""
    window.mail_sender.stop()
    ref = make_ticket(context)
    outbox_id = _queue(context, ref)
    view = _open_outbox(qtbot, window)
    _select(qtbot, view, outbox_id)
    return ref, outbox_id, view


def test_enter_opens_the_ticket_and_edit_opens_the_composer(
    qtbot, mail_context, smtp_server, window
):
    ref, outbox_id, view = _one_held_in_the_outbox(qtbot, mail_context, window)
    view.table.setFocus()
    qtbot.keyClick(view.table, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.ticket_tabs.current_ticket_id() == ref.id, timeout=WAIT_MS)

    edited = []
    view.open_composer = edited.append
    qtbot.mouseClick(view.edit_button, Qt.MouseButton.LeftButton)
    assert [item.id for item in edited] == [outbox_id]
    _settle(qtbot, view)


def test_edit_takes_the_message_back_into_the_composer(qtbot, mail_context, smtp_server, window):
    from aiva_desk.gui.composer import dialog as composer

    _ref, outbox_id, view = _one_held_in_the_outbox(qtbot, mail_context, window)
    qtbot.mouseClick(view.edit_button, Qt.MouseButton.LeftButton)
    dialog = window.findChild(composer.ComposerDialog)  # the main window's: outlives the Outbox
    assert dialog is not None and dialog.outbox_id == outbox_id
    qtbot.waitUntil(lambda: dialog.ready or bool(dialog.banner_text), timeout=WAIT_MS)
    assert tasks.wait_for_idle(WAIT_MS)
    assert _state(mail_context, outbox_id) is S.DRAFT  # held while it is edited
    view.close()
    assert dialog.isVisible()  # closing the Outbox leaves the message being edited open
    dialog.reject()  # nothing changed: back in the queue as it was
    assert tasks.wait_for_idle(WAIT_MS)
    assert _state(mail_context, outbox_id) is S.QUEUED
    _settle(qtbot, view)


def test_outbox_is_in_the_view_menu_with_its_shortcut(window) -> None:
    action = window.action("outboxAction")
    assert action.text() == "&Outbox…"
    assert action.shortcut() == QKeySequence("Ctrl+Shift+O")
    assert action in window.findChild(QMenu, "viewMenu").actions()


def test_the_model_passes_the_model_tester(qtmodeltester, mail_context) -> None:
    context = mail_context
    for _ in range(3):
        _queue(context, make_ticket(context))
    model = OutboxTableModel()
    model.set_items(context.mail.outbox.items())
    assert model.rowCount() == 3 and model.columnCount() == len(COLUMNS)
    qtmodeltester.check(model)
