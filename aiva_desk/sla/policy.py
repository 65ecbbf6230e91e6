"""The SOP's promises as data: one policy per priority, editable, with the SOP's defaults."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from aiva_desk.domain import Priority

MIN = dt.timedelta(minutes=1)
# "Escalate Immediately (P1)" is a task, not a breach at birth: a window of 0 (the SOP's
# "immediately") gives the agent this long from creation to escalate.
IMMEDIATE_ESCALATION = 15 * MIN


@dataclass(frozen=True)
class SlaPolicy:
    """What is promised for tickets of one priority (resolution time comes from the category)."""

    priority: Priority
    acknowledge: dt.timedelta = 30 * MIN  # "ACKNOWLEDGE (< 30 minutes)"
    first_response: dt.timedelta = 30 * MIN
    update_every: dt.timedelta | None = None  # None: no update cadence
    updates_before_deadline: int = 0  # "at least 2 updates before SLA deadline" (P2)
    escalate_within: dt.timedelta | None = None  # "When to Escalate"; None: only at breach
    calendar: str = "24x7"  # a calendar name
    warn_at_fractions: tuple[float, ...] = (0.75, 0.90)
    warn_before: dt.timedelta = 10 * MIN  # "always 10 minutes before"

    @property
    def escalation_window(self) -> dt.timedelta | None:
        """How long from creation to escalate: "immediately" (0) is
        :data:`IMMEDIATE_ESCALATION`, so a new P1 starts as a task, not a breach."""
        if self.escalate_within is None:
            return None
        return (
            self.escalate_within if self.escalate_within > dt.timedelta(0) else IMMEDIATE_ESCALATION
        )


def default_policies() -> dict[Priority, SlaPolicy]:
    """The SOP's numbers: Initial Response Guidelines, Communication Frequency, Escalation."""
    hour = 60 * MIN
    return {
        Priority.P1: SlaPolicy(
            Priority.P1,
            first_response=30 * MIN,
            update_every=30 * MIN,
            escalate_within=dt.timedelta(0),  # "Escalate Immediately": IMMEDIATE_ESCALATION
        ),
        Priority.P2: SlaPolicy(
            Priority.P2,
            first_response=2 * hour,
            update_every=4 * hour,
            updates_before_deadline=2,
            escalate_within=4 * hour,
        ),
        Priority.P3: SlaPolicy(
            Priority.P3,
            first_response=4 * hour,
            update_every=24 * hour,
            escalate_within=24 * hour,
        ),
        Priority.P4: SlaPolicy(Priority.P4, first_response=24 * hour, update_every=24 * hour),
    }
