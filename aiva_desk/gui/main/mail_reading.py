"""Customers' mail read from the IMAP mailboxes while the app runs, and what the agent
is told about it.

One :class:`~aiva_desk.inbound.watcher.MailWatcher` reads every mailbox on threads of its
own (each mailbox every few minutes, and at once on IMAP IDLE). It is started with the
main window when a mailbox exists (or once Settings > Mail adds one), told when the
mailboxes change, and stopped on quit; its
``stop()`` runs off the GUI thread, so quitting never waits on a server. File > Check
Mail Now (F9) asks it to read every mailbox at once.

A read runs on the watcher's thread (new mail in a folder is noticed at once where the
server offers IMAP IDLE): the password comes from the keyring there (or the
OAuth2 token from its command), and the mail is taken in with a
:class:`~aiva_desk.inbound.intake.MailIntake` as File > Import Mail… takes it. Its
outcome (a :class:`~aiva_desk.inbound.imap_reader.ReadSummary` or the
:class:`~aiva_desk.mail.errors.MailError` that stopped it) comes to the GUI thread through
a queued signal: the queue refreshes, the status bar says it in one line naming the
mailbox, and the tray tells of new tickets (one notice a minute at most, counting those
in between) and of a customer's URGENT reply (once per ticket).

Signals:
    checked(int, object): a mailbox was read: its id, and the ReadSummary or MailError.
    mail_arrived(object): a ReadSummary that took mail in (the queue refreshes on it).
    status(str): one line for the status bar.
    notice(object, bool): a :class:`~aiva_desk.gui.main.tray.Notice` for the tray, and
        whether it is critical (a customer's URGENT).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Protocol

from PySide6.QtCore import QCoreApplication, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence

from aiva_desk.app_context import AppContext
from aiva_desk.gui.common.formatting import ticket_number
from aiva_desk.gui.main.tray import Notice
from aiva_desk.gui.tasks import BackgroundTask
from aiva_desk.inbound.imap_reader import MailboxReader, ReadSummary
from aiva_desk.inbound.intake import Intake
from aiva_desk.inbound.mailboxes import MailboxAccount, list_mailboxes
from aiva_desk.inbound.watcher import Idler, MailWatcher, Result
from aiva_desk.mail.errors import MailError

log = logging.getLogger(__name__)

CHECK_MAIL_SHORTCUT = "F9"
NOTICE_INTERVAL_MS = 60_000  # at most one "new tickets" notice this often


class Watcher(Protocol):
    def start(self) -> None: ...

    def check_now(self) -> None: ...

    def stop(self) -> None: ...

    def wake(self) -> None: ...


Mailboxes = Callable[[], list[MailboxAccount]]
Read = Callable[[MailboxAccount], ReadSummary]
OnResult = Callable[[int, Result], None]
Idle = Callable[[MailboxAccount], Idler | None]
WatcherFactory = Callable[[Mailboxes, Read, OnResult, Idle], Watcher]


def default_watcher(mailboxes: Mailboxes, read: Read, on_result: OnResult, idler: Idle) -> Watcher:
    return MailWatcher(mailboxes, read, on_result, idler=idler)


class _Bridge(QObject):
    """Carries a read's outcome from the watcher's thread to the GUI thread."""

    result = Signal(int, object)  # mailbox id, ReadSummary | MailError


def new_tickets_text(count: int, address: str) -> str:
    """``3 new tickets in mail to support@example.com``: the mailbox's address is where the
    mail went, not who wrote it."""
    noun = "new ticket" if count == 1 else "new tickets"
    return f"{count} {noun} in mail to {address}"


def urgent_text(intake: Intake) -> str:
    """``Ticket #1042: the customer wrote URGENT (priority raised to P2).``"""
    number = ticket_number(intake.number or 0)
    return f"Ticket {number}: the customer wrote URGENT ({intake.urgent})."


class _Work:
    """What the watcher's threads call: plain Python, holding no widget or window, so
    nothing of the GUI is ever freed on those threads."""

    def __init__(self, context: AppContext, bridge: _Bridge) -> None:
        self.context = context
        self.bridge = bridge
        self.names: dict[int, str] = {}
        self.addresses: dict[int, str] = {}

    def remember(self, mailboxes: list[MailboxAccount]) -> None:
        for mailbox in mailboxes:
            self.names[mailbox.id] = mailbox.name
            self.addresses[mailbox.id] = mailbox.username or mailbox.name

    def mailboxes(self) -> list[MailboxAccount]:
        mailboxes = list_mailboxes(self.context.db)
        self.remember(mailboxes)
        return mailboxes

    def _reader(self) -> MailboxReader:
        mail = self.context.mail
        intake = self.context.mail_intake(live=True)
        return MailboxReader(intake, mail.credentials, ssl_context=mail.tls)

    def read(self, mailbox: MailboxAccount) -> ReadSummary:
        """Read new mail (the secret from the keyring or token command, here, off the
        GUI thread)."""
        return self._reader().read(mailbox)

    def idler(self, mailbox: MailboxAccount) -> Idler | None:
        return self._reader().idler(mailbox)

    def on_result(self, mailbox_id: int, outcome: Result) -> None:
        self.bridge.result.emit(mailbox_id, outcome)


class MailReading(QObject):
    """Owns the app's one mail watcher and turns what it reads into what the agent sees."""

    checked = Signal(int, object)
    mail_arrived = Signal(object)
    status = Signal(str)
    notice = Signal(object, bool)

    def __init__(
        self,
        context: AppContext,
        parent: QObject | None = None,
        *,
        watcher_factory: WatcherFactory = default_watcher,
    ) -> None:
        super().__init__(parent)
        self._context = context
        self._factory = watcher_factory
        self._watcher: Watcher | None = None
        self._stopped = True
        self._starting = False
        self._asked = False  # Check Mail Now was chosen and the watcher was not running
        self._asked_ids: set[int] = set()  # mailboxes whose "no new mail" is said too
        self._urgent_told: set[int] = set()
        self._held: dict[str, list[int]] = {}  # address -> new tickets not told yet
        # Parented to the application: a watcher thread may still report while the
        # window that owned this object is gone.
        bridge = _Bridge(QCoreApplication.instance())
        bridge.result.connect(self._on_result, Qt.ConnectionType.QueuedConnection)
        self._work = _Work(context, bridge)
        self._notice_timer = QTimer(self)
        self._notice_timer.setSingleShot(True)
        self._notice_timer.setInterval(NOTICE_INTERVAL_MS)
        self._notice_timer.timeout.connect(self._tell_held)
        self.action = QAction("Check &Mail Now", parent)
        self.action.setObjectName("checkMailAction")
        self.action.setShortcut(QKeySequence(CHECK_MAIL_SHORTCUT))
        self.action.setStatusTip(
            f"Read every mailbox of Settings > Mail now ({CHECK_MAIL_SHORTCUT})"
        )
        self.action.triggered.connect(self.check_now)

    # -- starting and stopping -------------------------------------------------------

    @property
    def running(self) -> bool:
        return self._watcher is not None

    def start(self) -> None:
        """Start reading if any mailbox is set up (found off the GUI thread)."""
        self._stopped = False
        if self._watcher is not None or self._starting:
            return
        self._starting = True
        db = self._context.db
        task = BackgroundTask(lambda: list_mailboxes(db), parent=self, writes=False)
        task.success(self._on_mailboxes_found).failure(self._on_mailboxes_failed)
        task.run_in_background()

    def _on_mailboxes_found(self, mailboxes: list[MailboxAccount]) -> None:
        self._starting = False
        self._work.remember(mailboxes)
        if self._stopped or self._watcher is not None or not mailboxes:
            if self._asked and not mailboxes:
                self._asked = False
                self.status.emit("No mailbox to read: add one in Settings > Mail.")
            return
        work = self._work
        self._watcher = self._factory(work.mailboxes, work.read, work.on_result, work.idler)
        self._watcher.start()
        log.info("Reading mail from %d mailbox(es)", len(mailboxes))
        if self._asked:
            self._asked = False
            self._asked_ids = {m.id for m in mailboxes}
            self._watcher.check_now()

    def _on_mailboxes_failed(self, exc: Exception) -> None:
        self._starting = False
        log.warning("The mailboxes could not be read: %s", exc)
        self.status.emit(f"Mail not read: {getattr(exc, 'message', exc)}")

    def reload(self) -> None:
        """The mailboxes changed (Settings > Mail): read them as they are now."""
        if self._stopped:
            return
        if self._watcher is not None:
            self._watcher.wake()  # it asks for the mailboxes again
        else:
            self.start()

    def stop(self) -> None:
        """Stop reading: no read starts after this; one under way ends on its thread."""
        self._stopped = True
        self._notice_timer.stop()
        self._stop_watcher()

    def _stop_watcher(self) -> None:
        watcher, self._watcher = self._watcher, None
        if watcher is not None:
            # Stopping waits for the watcher's threads to leave the network: not here.
            threading.Thread(target=watcher.stop, name="mail-watcher-stop", daemon=True).start()

    def check_now(self) -> None:
        """Read every mailbox now (File > Check Mail Now)."""
        if self._watcher is not None:
            self._asked_ids = set(self._work.names)
            self.status.emit("Checking mail…")
            self._watcher.check_now()
        else:
            self._asked = True
            self._stopped = False
            self.start()

    # -- on the GUI thread -------------------------------------------------------------

    def _on_result(self, mailbox_id: int, outcome: object) -> None:
        asked = mailbox_id in self._asked_ids
        self._asked_ids.discard(mailbox_id)
        name = self._work.names.get(mailbox_id, "A mailbox")
        if isinstance(outcome, MailError):
            self.status.emit(f"{name}: mail not read: {outcome.message}")
        elif isinstance(outcome, ReadSummary):
            if outcome.taken or outcome.problems or asked:
                self.status.emit(outcome.line())
            if outcome.taken:
                self.mail_arrived.emit(outcome)
        self.checked.emit(mailbox_id, outcome)
        if isinstance(outcome, ReadSummary):
            self._tell(mailbox_id, outcome.intakes)

    def _tell(self, mailbox_id: int, taken: list[Intake]) -> None:
        """Tray notices: new tickets (at most one notice a minute), a customer's URGENT."""
        for intake in taken:
            if intake.urgent and intake.ticket_id not in self._urgent_told:
                if intake.ticket_id is None or intake.number is None:
                    continue
                self._urgent_told.add(intake.ticket_id)
                self.notice.emit(
                    Notice("URGENT from a customer", urgent_text(intake), intake.ticket_id), True
                )
        new = [i.ticket_id for i in taken if i.kind == "new ticket" and i.ticket_id is not None]
        if new:
            address = self._work.addresses.get(
                mailbox_id, self._work.names.get(mailbox_id, "a mailbox")
            )
            self._held.setdefault(address, []).extend(new)
            if not self._notice_timer.isActive():
                self._tell_held()

    def _tell_held(self) -> None:
        held, self._held = self._held, {}
        for address, tickets in held.items():
            only = tickets[0] if len(tickets) == 1 else None
            self.notice.emit(
                Notice("New tickets", new_tickets_text(len(tickets), address), only), False
            )
        if held:
            self._notice_timer.start()
