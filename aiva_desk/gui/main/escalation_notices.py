"""Tell a colleague that a ticket was escalated to them, the way SLA alerts are told.

Whenever the SLA alert center re-evaluates (its regular cadence, at least once a minute)
and whenever "I am" changes, the escalations named to "me" that I have not opened yet
are read off the GUI thread; each one becomes one tray notice (or, without a tray, the
window's alert banner) whose click opens the ticket. Each escalation is told once;
opening the ticket marks it seen (:func:`aiva_desk.tickets.escalation_people.mark_seen`).
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QObject

from aiva_desk.app_context import AppContext
from aiva_desk.gui.main.alert_wiring import AlertWiring
from aiva_desk.gui.main.tray import Notice
from aiva_desk.gui.tasks import BackgroundTask
from aiva_desk.tickets.escalation_people import EscalationNotice, escalations_for

log = logging.getLogger(__name__)


def notice_for(escalation: EscalationNotice) -> Notice:
    return Notice(
        "Escalated to you",
        f"Ticket #{escalation.ticket_number} “{escalation.subject}” was escalated to you "
        f"({escalation.level.label}) by {escalation.by_name}. Click to open it.",
        escalation.ticket_id,
        "warning",  # a colleague waits on it: more than information, not yet a breach
    )


class EscalationNotifier(QObject):
    """Checks for unseen escalations to "me" on the alert center's cadence."""

    def __init__(self, alerts: AlertWiring, context: AppContext) -> None:
        super().__init__(alerts)
        self._alerts = alerts
        self._context = context
        self._told: set[int] = set()  # escalation ids already notified in this session
        self._busy = False
        self._again = False
        self.shown: list[Notice] = []  # as told (for the log and tests)
        alerts.center.summary_changed.connect(lambda _summary: self.check())

    def check(self) -> None:
        """Read the unseen escalations to "me" in the background; notify the new ones."""
        if self._busy:
            self._again = True
            return
        staff_id = self._context.settings.me_staff_id
        if staff_id is None:
            return
        self._busy = True
        db = self._context.db
        BackgroundTask(
            lambda: escalations_for(db, staff_id, unseen=True), parent=self, label="escalations"
        ).success(self._on_checked).failure(self._on_failed).run_in_background()

    def _on_failed(self, exc: Exception) -> None:
        self._busy = False
        log.warning("Could not check escalations: %s", exc)

    def _on_checked(self, escalations: list[EscalationNotice]) -> None:
        self._busy = False
        for escalation in escalations:
            if escalation.escalation_id in self._told:
                continue
            self._told.add(escalation.escalation_id)
            notice = notice_for(escalation)
            self.shown.append(notice)
            self._alerts.tray.notify_notice(notice, critical=False)
        if self._again:
            self._again = False
            self.check()
