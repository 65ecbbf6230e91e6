"""Mail read from an IMAP mailbox while the app runs: a message put in a real Dovecot
becomes a ticket in the queue on File > Check Mail Now, the status bar and Settings say
how the read went, the tray tells of new tickets (throttled) and of a customer's URGENT
(once per ticket), results cross to the GUI thread, and quitting stops reading at once."""

from __future__ import annotations

import threading
import time
from collections import Counter

import pytest
from PySide6.QtCore import QCoreApplication, QThread
from PySide6.QtWidgets import QApplication, QMenu

from aiva_desk.gui.app import wire_alerts
from aiva_desk.gui.common.forms import child
from aiva_desk.gui.main.mail_reading import MailReading
from aiva_desk.inbound.imap_reader import ReadSummary
from aiva_desk.inbound.intake import Intake
from aiva_desk.inbound.mailboxes import get_mailbox
from aiva_desk.mail.errors import AuthenticationFailed
from tests.helpers.imap_fixtures import add_mailbox, customer_mail
from tests.helpers.imap_server import PASSWORD
from tests.helpers.queue_gui_helpers import numbers, open_window

pytest_plugins = (
    "tests.helpers.queue_gui_fixtures",
    "tests.helpers.mail_fixtures",
    "tests.helpers.imap_fixtures",
)

WAIT_MS = 15_000


@pytest.fixture(autouse=True)
def restore_quit_on_close():
    yield
    QApplication.setQuitOnLastWindowClosed(True)


@pytest.fixture
def mailbox(context, imap_server, memory_keyring):
    """A mailbox on the test's Dovecot, its password in the keyring; the app trusts the
    server's certificate authority."""
    context.mail.tls = imap_server.client_tls()
    return add_mailbox(context, imap_server)


@pytest.fixture
def reading_window(qtbot, context, settings):
    """Opens the main window with its tray, reading the mailboxes; its first read done.
    After the test the window really closes (not to the tray), so reading stops."""
    opened = []

    def open_reading_window():
        window = open_window(qtbot, context, settings)
        alerts = wire_alerts(window, context, tray_available=lambda: True)
        alerts.start()
        opened.append((window, alerts))
        with qtbot.waitSignal(window.mail_reading.checked, timeout=WAIT_MS):
            pass  # the first read, as the watcher starts
        return window, alerts

    yield open_reading_window
    for window, alerts in opened:
        alerts.quitting = True  # as File > Quit closes it
        window.close()


def test_check_mail_now_brings_a_message_into_the_queue(
    qtbot, context, reading_window, mailbox, imap_server, shown_errors
):
    window, alerts = reading_window()
    action = window.action("checkMailAction")
    assert action in child(window, QMenu, "fileMenu").actions()
    assert action.shortcut().toString() == "F9"
    assert window.model.total == 0

    imap_server.append(customer_mail(1, "Export fails"))
    with qtbot.waitSignal(window.mail_reading.mail_arrived, timeout=WAIT_MS) as arrived:
        action.trigger()
    assert arrived.args[0].new_tickets == 1
    qtbot.waitUntil(lambda: window.model.total == 1, timeout=WAIT_MS)
    assert numbers(window.model) == ["#1001"]
    assert window.statusBar().currentMessage() == (
        "Support inbox: read 1 message: 1 new ticket, 0 replies attached."
    )
    [notice] = alerts.tray.shown
    assert notice.text == f"1 new ticket in mail to {imap_server.user}"
    assert notice.ticket_id == context.tickets.id_for_number(1001)
    assert [flags for flags in imap_server.messages().values()] == [(b"\\Flagged", b"\\Seen")]

    # Settings > Mail says when the mailbox was read.
    dialog = window.show_settings()
    mailboxes = dialog.page_titled("Mail").mailboxes
    assert mailboxes.last_check.text().endswith(": read without problems.")
    with qtbot.waitSignal(window.mail_reading.checked, timeout=WAIT_MS):
        action.trigger()
    assert window.statusBar().currentMessage() == "Support inbox: no new mail."
    assert get_mailbox(context.db, mailbox.id).last_error == ""
    dialog.reject()
    assert shown_errors == []


def test_a_customers_urgent_reply_raises_one_tray_alert(
    qtbot, context, reading_window, mailbox, imap_server, shown_errors
):
    imap_server.append(customer_mail(1, "Export fails"))
    window, alerts = reading_window()
    qtbot.waitUntil(lambda: window.model.total == 1, timeout=WAIT_MS)
    ticket_id = context.tickets.id_for_number(1001)

    for number in (2, 3):  # URGENT twice: the priority rises once, the alert comes once
        reply = customer_mail(
            number, "Re: Export fails - URGENT", In_Reply_To="<n1@client.example>"
        )
        imap_server.append(reply)
        with qtbot.waitSignal(window.mail_reading.mail_arrived, timeout=WAIT_MS):
            window.action("checkMailAction").trigger()
    urgent = [n for n in alerts.tray.shown if n.title == "URGENT from a customer"]
    assert [(n.text, n.ticket_id) for n in urgent] == [
        ("Ticket #1001: the customer wrote URGENT (priority raised to P3).", ticket_id)
    ]
    assert shown_errors == []


def test_a_failed_read_names_the_mailbox_in_the_status_bar_and_settings(
    qtbot, context, reading_window, imap_server, memory_keyring, shown_errors
):
    context.mail.tls = imap_server.client_tls()
    add_mailbox(context, imap_server, name="Sales inbox", password="not-it")
    window, _alerts = reading_window()
    message = window.statusBar().currentMessage()
    assert message.startswith("Sales inbox: mail not read: "), message
    dialog = window.show_settings()
    last_check = dialog.page_titled("Mail").mailboxes.last_check.text()
    assert message.removeprefix("Sales inbox: mail not read: ") in last_check
    dialog.reject()
    assert shown_errors == []  # said in the status bar, never a dialog a minute


def test_quitting_stops_reading_at_once(qtbot, reading_window, mailbox, imap_server):
    window, alerts = reading_window()
    assert window.mail_reading.running
    started = time.monotonic()
    alerts.quit()
    assert time.monotonic() - started < 1.0  # the GUI thread never waits on the server
    assert not window.mail_reading.running
    qtbot.waitUntil(lambda: imap_server.session_pids() == [], timeout=WAIT_MS)


def test_a_mailbox_added_in_settings_is_read_at_once(
    qtbot, window, context, imap_server, memory_keyring
):
    context.mail.tls = imap_server.client_tls()
    imap_server.append(customer_mail(1, "Export fails"))
    window.action("checkMailAction").trigger()
    qtbot.waitUntil(
        lambda: (
            window.statusBar().currentMessage() == "No mailbox to read: add one in Settings > Mail."
        ),
        timeout=WAIT_MS,
    )
    assert not window.mail_reading.running

    dialog = window.show_settings()
    page = dialog.page_titled("Mail")
    page.tabs.setCurrentWidget(page.mailboxes)
    section = page.mailboxes
    section.add_mailbox()
    section.name_edit.setText("Support inbox")
    section.host_edit.setText(imap_server.host)
    section.port_spin.setValue(imap_server.imaps_port)
    section.username_edit.setText(imap_server.user)
    section.password_edit.setText(PASSWORD)
    with qtbot.waitSignal(window.mail_reading.mail_arrived, timeout=WAIT_MS):
        assert dialog.apply_changes()
    qtbot.waitUntil(lambda: window.model.total == 1, timeout=WAIT_MS)
    qtbot.waitUntil(
        lambda: section.last_check.text().endswith(": read without problems."), timeout=WAIT_MS
    )
    dialog.reject()
    window.mail_reading.stop()


class _Watcher:
    """A watcher whose reads are told by the test, on a thread of their own."""

    def __init__(self, mailboxes, read, on_result, idler) -> None:
        self.on_result = on_result
        self.stopped = False

    def start(self) -> None:
        pass

    def check_now(self) -> None:
        pass

    def stop(self) -> None:
        self.stopped = True

    def wake(self) -> None:
        pass

    def report(self, mailbox_id: int, outcome: object) -> None:
        thread = threading.Thread(target=self.on_result, args=(mailbox_id, outcome))
        thread.start()
        thread.join()


def test_results_reach_the_gui_thread_and_new_ticket_notices_are_throttled(
    qtbot, context, mailbox, shown_errors
):
    watchers: list[_Watcher] = []

    def factory(*args) -> _Watcher:
        watchers.append(_Watcher(*args))
        return watchers[-1]

    reading = MailReading(context, watcher_factory=factory)
    reading.start()
    qtbot.waitUntil(lambda: reading.running, timeout=WAIT_MS)
    on_gui_thread, notices = [], []
    reading.checked.connect(
        lambda *_: on_gui_thread.append(
            QThread.currentThread() is QCoreApplication.instance().thread()
        )
    )
    reading.notice.connect(lambda notice, critical: notices.append((notice.text, critical)))
    reading._notice_timer.setInterval(200)

    def arrived(*ticket_ids: int) -> None:
        summary = ReadSummary(
            "Support inbox",
            Counter({"new ticket": len(ticket_ids)}),
            intakes=[Intake("new ticket", t, t + 1000) for t in ticket_ids],
        )
        with qtbot.waitSignal(reading.checked, timeout=WAIT_MS):
            watchers[-1].report(mailbox.id, summary)

    arrived(1)
    arrived(2, 3)  # within the minute: held back, then told together
    assert on_gui_thread == [True, True]
    assert notices == [(f"1 new ticket in mail to {mailbox.username}", False)]
    qtbot.waitUntil(lambda: len(notices) == 2, timeout=WAIT_MS)
    assert notices[1] == (f"2 new tickets in mail to {mailbox.username}", False)

    with qtbot.waitSignal(reading.checked, timeout=WAIT_MS) as failed:
        watchers[-1].report(mailbox.id, AuthenticationFailed("The server refused the login."))
    assert isinstance(failed.args[1], AuthenticationFailed)
    reading.stop()
    qtbot.waitUntil(lambda: watchers[-1].stopped, timeout=WAIT_MS)
