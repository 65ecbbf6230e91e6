"""The mail watcher: each mailbox read when its interval has passed or when asked, new
mail read the moment IMAP IDLE announces it, errors handed on, and a prompt stop."""

from __future__ import annotations

import dataclasses
import queue
import threading
import time

import pytest

from aiva_desk.inbound.imap_reader import ReadSummary
from aiva_desk.inbound.mailboxes import MailboxAccount
from aiva_desk.inbound.watcher import MailWatcher
from aiva_desk.mail.errors import ServerUnreachable
from aiva_desk.store.inbound_models import AfterReading
from aiva_desk.store.mail_models import AuthMethod, Security
from tests.helpers.imap_fixtures import add_mailbox, customer_mail

pytest_plugins = ("tests.helpers.mail_fixtures", "tests.helpers.imap_fixtures")

WAIT = 10.0  # the longest any condition below may take to come true


def _box(box_id: int, poll_seconds: int = 60) -> MailboxAccount:
    return MailboxAccount(
        box_id, f"Box {box_id}", "imap.example.com", 993, Security.SSL, "me", AuthMethod.PASSWORD,
        "", "INBOX", AfterReading.FLAG, "", poll_seconds, None, "",
    )  # fmt: skip


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class Results:
    """What the watcher handed on, to wait for (never a fixed sleep)."""

    def __init__(self) -> None:
        self.queue: queue.Queue = queue.Queue()

    def __call__(self, mailbox_id: int, result) -> None:
        self.queue.put((mailbox_id, result))

    def next(self):
        return self.queue.get(timeout=WAIT)

    def none_within(self, seconds: float) -> bool:
        try:
            self.queue.get(timeout=seconds)
        except queue.Empty:
            return True
        return False


@pytest.fixture
def watchers():
    started: list[MailWatcher] = []
    yield started
    for watcher in started:
        watcher.stop()


def _start(watchers, *args, **kwargs) -> MailWatcher:
    watcher = MailWatcher(*args, **kwargs)
    watchers.append(watcher)
    watcher.start()
    return watcher


def test_each_mailbox_is_read_at_start_and_again_once_its_interval_passed(watchers) -> None:
    clock, results = FakeClock(), Results()
    boxes = [_box(1, poll_seconds=60), _box(2, poll_seconds=300)]
    watcher = _start(watchers, lambda: boxes, lambda b: ReadSummary(b.name), results, now=clock)
    assert {results.next()[0], results.next()[0]} == {1, 2}
    watcher.wake()
    assert results.none_within(0.2)  # nothing due yet
    clock.now += 61
    watcher.wake()
    assert results.next()[0] == 1
    assert results.none_within(0.2)
    clock.now += 300
    watcher.wake()
    assert {results.next()[0], results.next()[0]} == {1, 2}


def test_check_now_reads_at_once_and_errors_are_handed_on(watchers) -> None:
    results, fail = Results(), threading.Event()

    def read(box):
        if fail.is_set():
            raise ServerUnreachable("Could not reach imap.example.com:993 (Connection refused).")
        return ReadSummary(box.name)

    watcher = _start(watchers, lambda: [_box(1, poll_seconds=3600)], read, results)
    assert isinstance(results.next()[1], ReadSummary)
    fail.set()
    watcher.check_now(1)
    box_id, error = results.next()
    assert box_id == 1 and isinstance(error, ServerUnreachable)
    watcher.check_now()
    assert isinstance(results.next()[1], ServerUnreachable)  # and it keeps watching


def test_an_unexpected_error_is_reported_not_fatal(watchers) -> None:
    results, calls = Results(), []

    def read(box):
        calls.append(box.id)
        if len(calls) == 1:
            raise RuntimeError("a bug")
        return ReadSummary(box.name)

    watcher = _start(watchers, lambda: [_box(1)], read, results)
    assert "Unexpected error" in results.next()[1].message
    watcher.check_now()
    assert isinstance(results.next()[1], ReadSummary)


def test_stop_is_prompt_while_waiting_a_long_interval(watchers) -> None:
    results = Results()
    watcher = _start(watchers, lambda: [_box(1, 86400)], lambda b: ReadSummary(b.name), results)
    results.next()
    started = time.monotonic()
    watcher.stop()
    assert time.monotonic() - started < 2.0
    assert not watcher._thread.is_alive()


def test_idle_reads_new_mail_as_soon_as_it_arrives(context, imap_server, reader, watchers):
    mailbox = add_mailbox(context, imap_server)
    results = Results()
    mailbox = dataclasses.replace(mailbox, poll_seconds=3600)  # only IDLE can bring it in time
    watcher = _start(watchers, lambda: [mailbox], reader.read, results, idler=reader.idler)
    assert results.next()[1].taken == 0
    assert watcher.wait_until_idling(mailbox.id, WAIT)
    imap_server.append(customer_mail(1))
    box_id, summary = results.next()
    assert (box_id, summary.new_tickets) == (mailbox.id, 1)
    started = time.monotonic()
    watcher.stop()
    assert time.monotonic() - started < 2.0
    assert not watcher.is_idling(mailbox.id)


def test_a_server_without_idle_is_polled_only(watchers) -> None:
    results, opened = Results(), threading.Event()

    def no_idle(box):
        opened.set()
        return None

    watcher = _start(
        watchers, lambda: [_box(1)], lambda b: ReadSummary(b.name), results, idler=no_idle
    )
    results.next()
    assert opened.wait(WAIT)
    assert not watcher.is_idling(1)


def test_idle_comes_back_after_the_server_dropped_it(context, imap_server, reader, watchers):
    mailbox = dataclasses.replace(add_mailbox(context, imap_server), poll_seconds=3600)
    results = Results()
    watcher = _start(
        watchers,
        lambda: [mailbox],
        reader.read,
        results,
        idler=reader.idler,
        idle_retry_seconds=0.05,
    )
    results.next()
    assert watcher.wait_until_idling(mailbox.id, WAIT)
    assert imap_server.kill_sessions() == 1  # the IDLE connection's server process dies
    deadline = time.monotonic() + WAIT
    while imap_server.session_pids() == [] or not watcher.is_idling(mailbox.id):
        assert time.monotonic() < deadline, "IDLE did not come back"
        watcher.wait_until_idling(mailbox.id, 0.05)
    imap_server.append(customer_mail(1))
    assert results.next()[1].new_tickets == 1
