"""Wake up for SLA alerts: one timer armed at the next alert over all tickets.

The scheduler in the core says which alerts are due and when the next one falls;
this object arms a single-shot timer for that moment (never a per-second scan),
re-evaluates at once after a clock jump or sleep/resume (the wall clock moved
more than the monotonic clock), and holds alerts back while snoozed, raising
them when the snooze ends. A ticket saved or changed (:meth:`reschedule`) re-arms
the timer at once, so a deadline created or moved alerts on time instead of up to
a minute late; the minute's poll only catches changes made by other agents.

Signals:
    alerts_raised(list): SlaAlertEvent objects to notify about now.
    summary_changed(object): a fresh TrayUrgency for the tray and the banner.
"""

from __future__ import annotations

import datetime as dt
import logging
import time

import shiboken6
from PySide6.QtCore import QObject, Qt, QTimer, Signal

from aiva_desk import clock
from aiva_desk.gui.tasks import BackgroundTask
from aiva_desk.sla.scheduler import SlaAlertEvent, due_alerts, next_wake
from aiva_desk.sla.tray_urgency import TrayUrgency, tray_urgency
from aiva_desk.store.database import Database

log = logging.getLogger(__name__)

MAX_SLEEP_MS = 60_000  # re-check at least every minute (deadlines edited elsewhere)
HEARTBEAT_MS = 15_000
CLOCK_JUMP = dt.timedelta(seconds=30)


class SlaAlertCenter(QObject):
    alerts_raised = Signal(list)
    summary_changed = Signal(object)

    def __init__(self, db: Database, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._db = db
        self._snoozed_until: dt.datetime | None = None
        self._held: list[SlaAlertEvent] = []
        self._busy = False
        self._again = False  # a reschedule came while evaluating: evaluate once more
        self._stopped = False
        self.wake_at: dt.datetime | None = None  # the next alert the timer is armed for
        self.summary: TrayUrgency | None = None
        self.wake_timer = QTimer(self)
        self.wake_timer.setSingleShot(True)
        self.wake_timer.setTimerType(Qt.TimerType.PreciseTimer)  # a coarse one may be 5 % late
        self.wake_timer.timeout.connect(self.evaluate)
        self._snooze_end = QTimer(self)
        self._snooze_end.setSingleShot(True)
        self._snooze_end.timeout.connect(self._on_snooze_ended)
        self._heartbeat = QTimer(self)
        self._heartbeat.setInterval(HEARTBEAT_MS)
        self._heartbeat.timeout.connect(self._on_heartbeat)
        self._last_wall = clock.now()
        self._last_mono = time.monotonic()

    def start(self) -> None:
        self._stopped = False
        self._heartbeat.start()
        self.evaluate()

    def stop(self) -> None:
        self._stopped = True  # a late reschedule (a save while quitting) starts nothing
        for timer in (self.wake_timer, self._snooze_end, self._heartbeat):
            timer.stop()

    # -- snooze --------------------------------------------------------------------

    @property
    def snoozed_until(self) -> dt.datetime | None:
        return self._snoozed_until

    def snooze(self, minutes: int) -> None:
        """Hold notifications for ``minutes``; they are raised when the snooze ends."""
        self._snoozed_until = clock.now() + dt.timedelta(minutes=minutes)
        self._snooze_end.start(minutes * 60_000)

    def _on_snooze_ended(self) -> None:
        self._snoozed_until = None
        held, self._held = self._held, []
        if held:
            self.alerts_raised.emit(held)

    # -- evaluation ----------------------------------------------------------------

    def _on_heartbeat(self) -> None:
        """Notice sleep/resume or a clock change: wall time moved unlike monotonic time."""
        wall, mono = clock.now(), time.monotonic()
        drift = (wall - self._last_wall) - dt.timedelta(seconds=mono - self._last_mono)
        self._last_wall, self._last_mono = wall, mono
        if abs(drift) > CLOCK_JUMP:
            log.info("Clock jumped by %s; re-evaluating SLA alerts", drift)
            self.evaluate()

    def reschedule(self) -> None:
        """A ticket's deadlines may have moved: evaluate now (or right after the running
        evaluation, which may have read the database before the change)."""
        if self._stopped:
            return
        if self._busy:
            self._again = True
        else:
            self.evaluate()

    def evaluate(self) -> None:
        """Raise what is due now and re-arm the timer (the work runs off the GUI thread)."""
        if self._busy:
            return
        self._busy = True
        now = clock.now()

        def work() -> tuple[list[SlaAlertEvent], dt.datetime | None, TrayUrgency]:
            with self._db.engine.execution_options(sqlite_begin="IMMEDIATE").begin() as conn:
                events = due_alerts(conn, now)
                return events, next_wake(conn), tray_urgency(conn, now)

        BackgroundTask(work, parent=None, label="sla-alerts").success(self._on_evaluated).failure(
            self._on_failed
        ).run_in_background()

    def _on_failed(self, exc: Exception) -> None:
        self._busy = False
        log.warning("SLA evaluation failed: %s", exc)
        self.wake_at = None
        self.wake_timer.start(MAX_SLEEP_MS)
        self._evaluate_again()

    def _evaluate_again(self) -> None:
        if self._again:
            self._again = False
            self.evaluate()

    def _on_evaluated(
        self, result: tuple[list[SlaAlertEvent], dt.datetime | None, TrayUrgency]
    ) -> None:
        if not shiboken6.isValid(self):
            return  # the window closed while the evaluation ran: nobody left to tell
        self._busy = False
        events, wake_at, summary = result
        self.summary = summary
        self.summary_changed.emit(summary)
        if events:
            if self._snoozed_until is not None and clock.now() < self._snoozed_until:
                self._held.extend(events)
            else:
                self.alerts_raised.emit(events)
        delay = MAX_SLEEP_MS
        self.wake_at = wake_at
        if wake_at is not None:
            delay = int(max(0.0, (wake_at - clock.now()).total_seconds()) * 1000)
        self.wake_timer.start(min(MAX_SLEEP_MS, max(delay, 50)))
        self._evaluate_again()
