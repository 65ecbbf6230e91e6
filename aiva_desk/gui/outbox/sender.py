"""Send the outbox in the background: one pass at a time, woken when something is queued.

The core's :meth:`~aiva_desk.mail.service.MailService.deliver_due` does one pass
(claim each due message, send it, record the outcome); it blocks on the network,
so it always runs in a :class:`~aiva_desk.gui.tasks.BackgroundTask`. This object
decides *when*:

* :meth:`wake` — right after something was queued (the composer, a Retry): a pass now,
  or straight after the pass that is running (never two passes at once);
* :meth:`poll` — a cheap read (counts and the next due time, no network): the main
  window calls it whenever its change watcher sees a commit (a message queued in
  another window or process), and a single-shot timer calls it when the next retry
  falls due, at least every :data:`MAX_SLEEP_MS`. A pass runs only if something is due.

Messages the agent must decide about become :class:`MailProblem` notices: a message
that failed for good in a pass, one delivered to only some recipients, and one of
unknown fate (AIVA Desk stopped while sending it; found when the data is opened).
Each is announced once per session.

A pass or a poll that fails is tried again after :data:`RETRY_AFTER_ERROR_MS`. The
user's situation (an :class:`~aiva_desk.errors.AivaError`, such as a locked database)
is only logged; anything else is a bug and is shown once through
:func:`~aiva_desk.gui.errors.show_error`, not on every retry (again only after a
pass or poll has worked in between).

Signals:
    pass_finished(object): the :class:`~aiva_desk.mail.delivery.PassReport` of a pass.
    sent(list): outbox ids delivered in a pass.
    failed(dict): outbox id -> reason, for messages that failed for good in a pass.
    problems_found(list): :class:`MailProblem` notices to show the agent now.
    counts_changed(object): ``{OutboxState: count}`` after every pass or poll.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from PySide6.QtCore import QObject, QTimer, Signal, Slot
from PySide6.QtWidgets import QWidget

from aiva_desk import clock
from aiva_desk.errors import AivaError
from aiva_desk.gui.common.formatting import ticket_number
from aiva_desk.gui.errors import show_error
from aiva_desk.gui.tasks import BackgroundTask
from aiva_desk.mail.delivery import PassReport
from aiva_desk.mail.outbox import OutboxItem
from aiva_desk.mail.service import MailService
from aiva_desk.store.mail_models import OutboxState

log = logging.getLogger(__name__)

MAX_SLEEP_MS = 60_000  # look at the outbox at least this often
MIN_SLEEP_MS = 50
RETRY_AFTER_ERROR_MS = 60_000  # a pass that could not even start (a locked database)
S = OutboxState

Counts = dict[OutboxState, int]


@dataclass(frozen=True)
class MailProblem:
    """A message the agent has to look at: what it was, and what went wrong."""

    outbox_id: int
    ticket_id: int | None
    ticket_number: int | None
    to: str
    subject: str
    state: OutboxState
    reason: str
    partial: bool = False  # delivered, but some recipients were refused

    @property
    def title(self) -> str:
        if self.partial:
            return "E-mail not delivered to everyone"
        if self.state is S.UNKNOWN:
            return "E-mail may not have been sent"
        return "E-mail not sent"

    @property
    def text(self) -> str:
        where = f"ticket {ticket_number(self.ticket_number)}" if self.ticket_number else "a ticket"
        if self.partial:
            what = f"The e-mail on {where} went out, but not to everyone: {self.reason}"
        elif self.state is S.UNKNOWN:
            what = (
                f"The e-mail to {self.to} on {where} may or may not have gone out: "
                "check, then mark it sent or send it again."
            )
        else:
            what = f"The e-mail to {self.to} on {where} was not sent: {self.reason}"
        return what + " Click to open the Outbox."


def _problem(item: OutboxItem, reason: str, *, partial: bool = False) -> MailProblem:
    return MailProblem(
        item.id,
        item.ticket_id,
        item.ticket_number,
        item.to,
        item.subject,
        item.state,
        reason or item.last_error,
        partial,
    )


@dataclass(frozen=True)
class _Look:
    """What a pass or a poll found: the counts, the next due time, messages to announce."""

    counts: Counts
    next_due_at: dt.datetime | None
    problems: list[MailProblem]
    report: PassReport | None = None


class MailSender(QObject):
    """Runs :meth:`MailService.deliver_due` off the GUI thread, when there is mail to send."""

    pass_finished = Signal(object)
    sent = Signal(list)
    failed = Signal(dict)
    problems_found = Signal(list)
    counts_changed = Signal(object)

    def __init__(
        self,
        mail: MailService,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._mail = mail
        self._stopped = True
        self._passing = False
        self._polling = False
        self._again = False
        self._announced: set[int] = set()
        self._bug_shown = False  # an unexpected failure was shown; retries stay quiet
        self.counts: Counts = {}
        self._timer = QTimer(self)
        self._timer.setObjectName("mailSenderTimer")
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.poll)

    # -- starting and stopping -----------------------------------------------------

    def start(self) -> None:
        """Look at the outbox now (a pass if anything is due) and keep watching it."""
        self._stopped = False
        self.poll()

    def stop(self) -> None:
        """No further passes; a pass already on the wire finishes on its own.

        A message interrupted by quitting stays "sending" and is shown as of unknown
        fate next time (never sent twice).
        """
        self._stopped = True
        self._again = False
        self._timer.stop()

    @property
    def running(self) -> bool:
        """Whether the sender is started (not whether a pass is on the wire)."""
        return not self._stopped

    def is_sending(self) -> bool:
        return self._passing

    def next_check_in_ms(self) -> int | None:
        """How far ahead the next look at the outbox was set (None: none is set)."""
        return self._timer.interval() if self._timer.isActive() else None

    # -- passes --------------------------------------------------------------------

    @Slot()
    def wake(self) -> None:
        """Send what is due now (something was just queued or retried)."""
        if self._stopped:
            return
        if self._passing:
            self._again = True  # right after the running pass
            return
        self._passing = True
        self._timer.stop()
        mail = self._mail

        def work() -> _Look:
            report = mail.deliver_due()
            look = self._look()
            problems = list(look.problems)
            if report.failed or report.partial:
                states = (S.FAILED,) + ((S.SENT,) if report.partial else ())
                wanted = [*report.failed, *report.partial]
                items = {i.id: i for i in mail.outbox.items(states, ids=wanted)}
                for outbox_id, reason in report.failed.items():
                    if outbox_id in items:
                        problems.append(_problem(items[outbox_id], reason))
                for outbox_id, reason in report.partial.items():
                    if outbox_id in items:
                        problems.append(_problem(items[outbox_id], reason, partial=True))
            return _Look(look.counts, look.next_due_at, problems, report)

        # Not the writer thread: a pass waits on the network (up to the SMTP timeout per
        # message) and must not hold up ticket saves. Its own writes are short
        # transactions that take the database's write lock like any other.
        BackgroundTask(work, parent=self, writes=False, label="mail-pass").success(
            self._on_pass_succeeded
        ).failure(self._on_pass_failed).run_in_background()

    def _on_pass_succeeded(self, look: _Look) -> None:
        self._passing = False
        report = look.report
        assert report is not None
        if report.sent or report.failed or report.retrying:
            log.info(
                "Mail pass: %d sent, %d failed, %d to retry",
                len(report.sent),
                len(report.failed),
                len(report.retrying),
            )
        self.pass_finished.emit(report)
        if report.sent:
            self.sent.emit(list(report.sent))
        if report.failed:
            self.failed.emit(dict(report.failed))
        self._take(look)

    def _on_pass_failed(self, exc: Exception) -> None:
        self._passing = False
        if self._again:
            self._again = False
            self.wake()
        elif not self._stopped:
            self._timer.start(RETRY_AFTER_ERROR_MS)
        self._report_failure("Mail pass failed", exc)  # the retry is set: a dialog can wait

    # -- polling -------------------------------------------------------------------

    @Slot()
    def poll(self) -> None:
        """Read the counts and the next due time (no network); send if anything is due."""
        if self._stopped or self._passing or self._polling:
            return
        self._polling = True
        BackgroundTask(self._look, parent=self, writes=False, label="mail-poll").success(
            self._on_poll_succeeded
        ).failure(self._on_poll_failed).run_in_background()

    def _on_poll_succeeded(self, look: _Look) -> None:
        self._polling = False
        self._take(look)

    def _on_poll_failed(self, exc: Exception) -> None:
        self._polling = False
        if not self._stopped:
            self._timer.start(RETRY_AFTER_ERROR_MS)
        self._report_failure("Outbox check failed", exc)

    def _report_failure(self, what: str, exc: Exception) -> None:
        """Log a failed pass or poll; show a bug once until a pass or poll works again."""
        if isinstance(exc, AivaError) or self._bug_shown:
            log.warning("%s: %s", what, exc)
            return
        self._bug_shown = True
        parent = self.parent()
        show_error(parent if isinstance(parent, QWidget) else None, exc)

    def _look(self) -> _Look:
        """(Worker thread.) Counts, next due time, and unknown-fate messages to announce."""
        outbox = self._mail.outbox
        counts = outbox.counts()
        problems = []
        if counts.get(S.UNKNOWN):
            problems = [_problem(item, item.last_error) for item in outbox.items((S.UNKNOWN,))]
        return _Look(counts, outbox.next_due_at(), problems)

    def _take(self, look: _Look) -> None:
        """Announce what is new, publish the counts and decide when to look again."""
        self._bug_shown = False
        fresh = [p for p in look.problems if p.outbox_id not in self._announced]
        self._announced.update(p.outbox_id for p in fresh)
        self.counts = look.counts
        self.counts_changed.emit(look.counts)
        if fresh:
            self.problems_found.emit(fresh)
        if self._stopped:
            return
        if self._again:
            self._again = False
            self.wake()
            return
        due = look.next_due_at
        if due is None:
            self._timer.start(MAX_SLEEP_MS)
            return
        wait_ms = (due - clock.now()).total_seconds() * 1000
        if wait_ms <= 0:
            self.wake()
        else:
            self._timer.start(int(min(MAX_SLEEP_MS, max(wait_ms, MIN_SLEEP_MS))))


def outbox_summary(counts: Counts) -> str:
    """``"Outbox: 2 queued, 1 failed"``; empty when nothing waits or needs a decision."""
    parts = []
    for states, word in (
        ((S.QUEUED,), "queued"),
        ((S.SENDING,), "sending"),
        ((S.FAILED,), "failed"),
        ((S.UNKNOWN,), "to check"),
    ):
        if count := sum(counts.get(state, 0) for state in states):
            parts.append(f"{count} {word}")
    return f"Outbox: {', '.join(parts)}" if parts else ""
