"""A ticket's SLA deadlines as a pure function of (ticket facts, policy, calendar, now).

Five clocks, as the SOP states them: acknowledge, first response, next update to the
customer, resolution, escalation. Time spent waiting on the customer (paused segments)
does not count toward resolution or updates. Each deadline carries the moments at
which to warn before it.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Sequence
from dataclasses import dataclass

from aiva_desk.durations import duration
from aiva_desk.sla.calendar import BusinessCalendar, Interval
from aiva_desk.sla.policy import SlaPolicy


class DeadlineKind(enum.StrEnum):
    ACKNOWLEDGE = "acknowledge"
    FIRST_RESPONSE = "first_response"
    NEXT_UPDATE = "next_update"
    RESOLUTION = "resolution"
    ESCALATION = "escalation"

    @property
    def label(self) -> str:
        return {
            "acknowledge": "Acknowledge",
            "first_response": "First response",
            "next_update": "Update",
            "resolution": "Resolution",
            "escalation": "Escalation",
        }[self.value]


@dataclass(frozen=True)
class TicketClockFacts:
    """What the clocks need to know about a ticket (read from the store)."""

    reported_at: dt.datetime
    resolution_time: dt.timedelta  # from the category table
    acknowledged_at: dt.datetime | None
    first_response_at: dt.datetime | None
    outbound_updates: Sequence[dt.datetime]  # messages sent to the customer, oldest first
    resolved_at: dt.datetime | None
    escalated_at: dt.datetime | None
    pauses: Sequence[Interval]  # closed pauses; an open one ends at ``paused_since``
    paused_since: dt.datetime | None = None  # waiting on the customer right now


@dataclass(frozen=True)
class Deadline:
    kind: DeadlineKind
    window_start: dt.datetime
    due_at: dt.datetime | None  # None while paused
    met_at: dt.datetime | None
    warnings: tuple[dt.datetime, ...]  # ascending, all before due_at

    @property
    def is_open(self) -> bool:
        return self.met_at is None

    def breached(self, now: dt.datetime) -> bool:
        if self.due_at is None:
            return False
        return (self.met_at or now) > self.due_at


def _warnings(
    cal: BusinessCalendar,
    start: dt.datetime,
    window: dt.timedelta,
    due: dt.datetime,
    policy: SlaPolicy,
    pauses: Sequence[Interval],
) -> tuple[dt.datetime, ...]:
    moments = {cal.add(start, window * fraction, pauses) for fraction in policy.warn_at_fractions}
    moments.add(due - policy.warn_before)
    return tuple(sorted(m for m in moments if start <= m < due))


def compute_deadlines(
    facts: TicketClockFacts,
    policy: SlaPolicy,
    cal: BusinessCalendar,
    now: dt.datetime,
) -> list[Deadline]:
    """Every deadline of the ticket, met or not, in the order the SOP lists them."""
    pauses = list(facts.pauses)
    if facts.paused_since is not None:
        pauses.append((facts.paused_since, max(now, facts.paused_since)))
    paused_now = facts.paused_since is not None
    start = facts.reported_at
    result: list[Deadline] = []

    def deadline(
        kind: DeadlineKind,
        window_start: dt.datetime,
        window: dt.timedelta,
        met: dt.datetime | None,
        pausable: bool,
    ) -> Deadline:
        used_pauses = pauses if pausable else []
        if pausable and paused_now and met is None:
            return Deadline(kind, window_start, None, None, ())
        due = cal.add(window_start, window, used_pauses)
        warnings = _warnings(cal, window_start, window, due, policy, used_pauses)
        return Deadline(kind, window_start, due, met, warnings)

    result.append(
        deadline(DeadlineKind.ACKNOWLEDGE, start, policy.acknowledge, facts.acknowledged_at, False)
    )
    result.append(
        deadline(
            DeadlineKind.FIRST_RESPONSE,
            start,
            policy.first_response,
            facts.first_response_at,
            False,
        )
    )
    resolution = deadline(
        DeadlineKind.RESOLUTION, start, facts.resolution_time, facts.resolved_at, True
    )
    result.append(resolution)
    if policy.update_every is not None and facts.first_response_at and not facts.resolved_at:
        result.append(_next_update(facts, policy, cal, now, pauses, paused_now, resolution))
    if policy.escalate_within is not None or resolution.due_at is not None:
        result.append(_escalation(facts, policy, cal, pauses, resolution))
    return result


def _next_update(
    facts: TicketClockFacts,
    policy: SlaPolicy,
    cal: BusinessCalendar,
    now: dt.datetime,
    pauses: list[Interval],
    paused_now: bool,
    resolution: Deadline,
) -> Deadline:
    """The next customer update: ``update_every`` after the last one sent, sooner when the
    policy wants several updates before the resolution deadline and too few were sent."""
    assert policy.update_every is not None and facts.first_response_at is not None
    last = max([facts.first_response_at, *facts.outbound_updates])
    if paused_now:
        return Deadline(DeadlineKind.NEXT_UPDATE, last, None, None, ())
    window = policy.update_every
    sent = sum(1 for at in facts.outbound_updates if at > facts.first_response_at)
    missing = policy.updates_before_deadline - sent
    if missing > 0 and resolution.due_at is not None and resolution.due_at > last:
        # Space the missing updates evenly over what is left before the deadline.
        left = cal.between(last, resolution.due_at, pauses)
        window = min(window, left / (missing + 1))
    due = cal.add(last, window, pauses)
    return Deadline(
        DeadlineKind.NEXT_UPDATE, last, due, None, _warnings(cal, last, window, due, policy, pauses)
    )


def _escalation(
    facts: TicketClockFacts,
    policy: SlaPolicy,
    cal: BusinessCalendar,
    pauses: list[Interval],
    resolution: Deadline,
) -> Deadline:
    """ "When to Escalate": within the priority's window, and at the latest at the breach."""
    start = facts.reported_at
    candidates = []
    if policy.escalation_window is not None:
        candidates.append(cal.add(start, policy.escalation_window, pauses))
    if resolution.due_at is not None and not facts.resolved_at:
        candidates.append(resolution.due_at)
    due = min(candidates) if candidates else None
    met = facts.escalated_at or facts.resolved_at
    if due is None:
        return Deadline(DeadlineKind.ESCALATION, start, None, met, ())
    window = cal.between(start, due, pauses)
    return Deadline(
        DeadlineKind.ESCALATION, start, due, met, _warnings(cal, start, window, due, policy, pauses)
    )


def next_open_deadline(deadlines: Sequence[Deadline]) -> Deadline | None:
    """The unmet deadline due first (what the queue's countdown shows)."""
    pending = [d for d in deadlines if d.is_open and d.due_at is not None]
    return min(pending, key=lambda d: d.due_at) if pending else None  # type: ignore[arg-type, return-value]


def shown_deadline(
    next_at: dt.datetime | None, next_kind: str | None, resolution_due: dt.datetime | None
) -> tuple[dt.datetime | None, DeadlineKind]:
    """The one deadline a ticket shows (queue countdown, editor header, tray): the indexed
    earliest running clock, else the resolution due date (a ticket never indexed)."""
    if next_at is not None and next_kind:
        return next_at, DeadlineKind(next_kind)
    return resolution_due, DeadlineKind.RESOLUTION


def deadline_phrase(kind: DeadlineKind, due: dt.datetime, now: dt.datetime) -> str:
    """A deadline named by its clock: "Update due in 1 h 56 min", "Escalation overdue by
    3 min" -- worded once here so every place that shows it says the same."""
    left = due - now
    if left < dt.timedelta(0):
        return f"{kind.label} overdue by {duration(left)}"
    return f"{kind.label} due in {duration(left)}"


def countdown_text(kind: DeadlineKind, due: dt.datetime, now: dt.datetime) -> str:
    """The same deadline, compact for a table cell: "Update 1 h 56 min", "Escalation −3 min"."""
    left = due - now
    sign = "−" if left < dt.timedelta(0) else ""
    return f"{kind.label} {sign}{duration(left)}"


def alert_moments(deadline: Deadline) -> list[tuple[str, dt.datetime]]:
    """The (level, moment) pairs to alert at for an unmet deadline: warnings, then the breach."""
    if not deadline.is_open or deadline.due_at is None:
        return []
    moments = [(f"warning-{index}", at) for index, at in enumerate(deadline.warnings, 1)]
    return [*moments, ("breach", deadline.due_at)]


AlertKey = tuple[str, dt.datetime, str]  # deadline kind, its due time, level


def next_alert_at(deadlines: Sequence[Deadline], fired: set[AlertKey]) -> dt.datetime | None:
    """The first warning or breach moment, among unmet deadlines, not yet alerted."""
    moments = [
        at
        for d in deadlines
        for level, at in alert_moments(d)
        if (d.kind.value, d.due_at, level) not in fired
    ]
    return min(moments) if moments else None
