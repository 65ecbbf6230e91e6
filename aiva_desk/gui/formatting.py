"""How values look in the GUI: local times, durations, priority colours."""

from __future__ import annotations

import datetime as dt

from aiva_desk.domain import Priority

NOT_SET = "—"

# Readable on a white or light-grey row background (contrast ≥ 4.5:1).
PRIORITY_COLORS: dict[Priority, str] = {
    Priority.P1: "#b3261e",
    Priority.P2: "#a8470a",
    Priority.P3: "#1f5fae",
    Priority.P4: "#5f6368",
}
OVERDUE_COLOR = "#b3261e"
MUTED_COLOR = "#6b7280"


def local_time(value: dt.datetime | None, *, seconds: bool = False) -> str:
    """An aware UTC time shown in the computer's time zone, e.g. ``2026-11-26 15:04``."""
    if value is None:
        return NOT_SET
    if value.tzinfo is None:  # never stored, but do not guess silently either
        value = value.replace(tzinfo=dt.UTC)
    return value.astimezone().strftime("%Y-%m-%d %H:%M:%S" if seconds else "%Y-%m-%d %H:%M")


def duration(delta: dt.timedelta) -> str:
    """A short human duration: ``45 min``, ``3 h 10 min``, ``2 d 4 h``."""
    minutes = int(abs(delta).total_seconds() // 60)
    days, minutes = divmod(minutes, 24 * 60)
    hours, minutes = divmod(minutes, 60)
    if days:
        return f"{days} d {hours} h" if hours else f"{days} d"
    if hours:
        return f"{hours} h {minutes} min" if minutes else f"{hours} h"
    return f"{minutes} min"


def priority_text(priority: Priority | None, *, long: bool = False) -> str:
    if priority is None:
        return NOT_SET
    return f"{priority.label} – {priority.meaning}" if long else priority.label


def ticket_number(number: int) -> str:
    return f"#{number}"
