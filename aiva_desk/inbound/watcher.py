"""Watch the mailboxes in the background: read each one when its interval has passed,
at once when asked (:meth:`MailWatcher.check_now`), and, where the server offers IMAP
IDLE, as soon as new mail arrives.

Plain threads, no Qt: the GUI bridges :attr:`on_result` to a signal. One thread does all
the reading, one mailbox after another (never two reads of a mailbox at once); each IDLE
connection has a thread of its own that only asks that thread for a read. Waiting is
always on an event, so :meth:`MailWatcher.stop` ends everything promptly: the reading
thread wakes, and the IDLE connections are shut down under their blocked reads.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Protocol

from aiva_desk.errors import AivaError
from aiva_desk.inbound.imap_reader import ReadSummary
from aiva_desk.inbound.mailboxes import MailboxAccount
from aiva_desk.mail.errors import MailboxProblem, MailError

log = logging.getLogger(__name__)

IDLE_RETRY_SECONDS = 60.0  # after an IDLE connection failed, try again this much later
ERROR_PAUSE_SECONDS = 30.0  # after the list of mailboxes could not be read


class Idler(Protocol):
    """An IDLE connection (:class:`~aiva_desk.inbound.imap_connection.FolderIdler`)."""

    def wait(self, seconds: float = ...) -> bool: ...

    def interrupt(self) -> None: ...

    def close(self) -> None: ...


Result = ReadSummary | MailError  # what a read gave, or the error that stopped it


def _idle_key(mailbox: MailboxAccount) -> tuple:
    """What an IDLE connection depends on: a change means a new connection."""
    m = mailbox
    return (m.host, m.port, m.security, m.username, m.auth, m.token_command, m.folder)


class MailWatcher:
    """Reads mailboxes on a background thread and hands each outcome to ``on_result``.

    ``mailboxes`` returns the active mailboxes (asked again on every round, so added,
    changed and removed ones are noticed); ``read`` reads one (raising MailError);
    ``idler`` opens an IDLE connection for one, or returns None when its server has no
    IDLE (omit it to poll only). ``now`` is the monotonic clock the intervals use.
    """

    def __init__(
        self,
        mailboxes: Callable[[], list[MailboxAccount]],
        read: Callable[[MailboxAccount], ReadSummary],
        on_result: Callable[[int, Result], None],
        *,
        idler: Callable[[MailboxAccount], Idler | None] | None = None,
        now: Callable[[], float] = time.monotonic,
        idle_retry_seconds: float = IDLE_RETRY_SECONDS,
    ) -> None:
        self._mailboxes = mailboxes
        self._read = read
        self._on_result = on_result
        self._open_idler = idler
        self._now = now
        self._idle_retry = idle_retry_seconds
        self._wake = threading.Event()
        self._stopping = threading.Event()
        self._lock = threading.Lock()
        self._asap: set[int] = set()
        self._all_asap = False
        self._due: dict[int, float] = {}
        self._idle: dict[int, _IdleLoop] = {}
        self._thread = threading.Thread(target=self._run, name="mail-watcher", daemon=True)

    # -- control (any thread) --------------------------------------------------------------

    def start(self) -> None:
        self._thread.start()

    def check_now(self, mailbox_id: int | None = None) -> None:
        """Read one mailbox (or all of them) now, whatever their intervals say."""
        with self._lock:
            if mailbox_id is None:
                self._all_asap = True
            else:
                self._asap.add(mailbox_id)
        self._wake.set()

    def wake(self) -> None:
        """Look again at the mailboxes and their intervals (after the settings changed)."""
        self._wake.set()

    def stop(self, timeout: float = 10.0) -> None:
        """End the watcher and its IDLE connections; returns once they have ended."""
        self._stopping.set()
        self._wake.set()
        with self._lock:
            loops = list(self._idle.values())
        for loop in loops:
            loop.stop()
        if self._thread.is_alive():
            self._thread.join(timeout)
        for loop in loops:
            loop.join(timeout)

    def is_idling(self, mailbox_id: int) -> bool:
        """Whether new mail in this mailbox is noticed at once (an IDLE connection is up)."""
        with self._lock:
            loop = self._idle.get(mailbox_id)
        return loop is not None and loop.idling.is_set()

    def wait_until_idling(self, mailbox_id: int, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self._lock:
                loop = self._idle.get(mailbox_id)
            if loop is not None and loop.idling.wait(0.05):
                return True
            if loop is None:
                self._stopping.wait(0.05)
        return False

    # -- the reading thread ----------------------------------------------------------------

    def _run(self) -> None:
        try:
            while not self._stopping.is_set():
                self._wake.clear()
                try:
                    boxes = self._mailboxes()
                except AivaError as exc:  # e.g. the database is locked: try again later
                    log.warning("Mailboxes not read: %s", exc.message)
                    self._wake.wait(ERROR_PAUSE_SECONDS)
                    continue
                self._sync_idle(boxes)
                self._read_due(boxes)
                self._wait_for_next(boxes)
        except Exception:
            log.exception("The mail watcher stopped after an unexpected error")
        finally:
            self._stop_idle(set())

    def _read_due(self, boxes: list[MailboxAccount]) -> None:
        with self._lock:
            asap, self._asap = self._asap, set()
            everything, self._all_asap = self._all_asap, False
        for box in boxes:
            if self._stopping.is_set():
                return
            due = self._due.get(box.id)
            if everything or box.id in asap or due is None or self._now() >= due:
                self._read_one(box)
                self._due[box.id] = self._now() + box.poll_seconds

    def _read_one(self, box: MailboxAccount) -> None:
        try:
            result: Result = self._read(box)
        except MailError as exc:
            result = exc
        except Exception as exc:  # a bug: reported, and the other mailboxes still read
            log.exception("Unexpected error reading mailbox %s", box.name)
            result = MailboxProblem(f"Unexpected error reading mail ({type(exc).__name__}).")
        try:
            self._on_result(box.id, result)
        except Exception:
            log.exception("The mail watcher's result handler failed")

    def _wait_for_next(self, boxes: list[MailboxAccount]) -> None:
        ids = {box.id for box in boxes}
        for gone in set(self._due) - ids:
            del self._due[gone]
        if not self._due:
            self._wake.wait()
            return
        self._wake.wait(max(0.0, min(self._due.values()) - self._now()))

    # -- IDLE connections ------------------------------------------------------------------

    def _request(self, mailbox_id: int) -> None:
        with self._lock:
            self._asap.add(mailbox_id)
        self._wake.set()

    def _sync_idle(self, boxes: list[MailboxAccount]) -> None:
        if self._open_idler is None:
            return
        wanted = {box.id: box for box in boxes}
        keep = {
            i for i, b in wanted.items() if i in self._idle and self._idle[i].key == _idle_key(b)
        }
        self._stop_idle(keep)
        for box_id, box in wanted.items():
            if box_id not in self._idle and not self._stopping.is_set():
                loop = _IdleLoop(box, self._open_idler, self._request, self._idle_retry)
                with self._lock:
                    self._idle[box_id] = loop
                loop.start()

    def _stop_idle(self, keep: set[int]) -> None:
        with self._lock:
            ending = {i: loop for i, loop in self._idle.items() if i not in keep}
            for box_id in ending:
                del self._idle[box_id]
        for loop in ending.values():
            loop.stop()
        for loop in ending.values():
            loop.join(10.0)


class _IdleLoop:
    """One mailbox's IDLE connection on a thread of its own: asks for a read when mail
    arrives, reconnects after a failure, ends at once when stopped."""

    def __init__(
        self,
        box: MailboxAccount,
        open_idler: Callable[[MailboxAccount], Idler | None],
        request: Callable[[int], None],
        retry_seconds: float,
    ) -> None:
        self.box = box
        self.key = _idle_key(box)
        self._open = open_idler
        self._request = request
        self._retry = retry_seconds
        self._stopped = threading.Event()
        self.idling = threading.Event()
        self._idler: Idler | None = None
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._run, name=f"imap-idle-{box.id}", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        with self._lock:
            self._stopped.set()
            idler = self._idler
        if idler is not None:
            idler.interrupt()

    def join(self, timeout: float) -> None:
        if self._thread.is_alive():
            self._thread.join(timeout)

    def _run(self) -> None:
        while not self._stopped.is_set():
            try:
                idler = self._open(self.box)
            except MailError as exc:
                log.info("No IDLE for %s: %s", self.box.name, exc.message)
                self._stopped.wait(self._retry)
                continue
            except Exception:
                log.exception("No IDLE for %s", self.box.name)
                self._stopped.wait(self._retry)
                continue
            if idler is None:  # the server has no IDLE: the interval alone then
                return
            self._watch(idler)

    def _watch(self, idler: Idler) -> None:
        with self._lock:
            if self._stopped.is_set():
                idler.close()
                return
            self._idler = idler
        try:
            self.idling.set()
            while not self._stopped.is_set():
                if idler.wait():
                    self._request(self.box.id)
        except MailError as exc:
            log.info("IDLE on %s ended: %s", self.box.name, exc.message)
            self._stopped.wait(self._retry)
        finally:
            self.idling.clear()
            with self._lock:
                self._idler = None
            idler.close()
