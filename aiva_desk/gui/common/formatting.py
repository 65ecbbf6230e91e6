"""How values look in the GUI: local times, durations, priority colours."""

from __future__ import annotations

import datetime as dt

from aiva_desk.domain import Priority
from aiva_desk.durations import duration  # noqa: F401  (re-exported for the GUI)

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


def priority_text(priority: Priority | None, *, long: bool = False) -> str:
    if priority is None:
        return NOT_SET
    return f"{priority.label} – {priority.meaning}" if long else priority.label


def ticket_number(number: int) -> str:
    return f"#{number}"


def human_size(size: int) -> str:
    if size < 1024:
        return f"{size} bytes"
    if size < 1024 * 1024:
        return f"{size / 1024:.0f} KB"
    return f"{size / 1048576:.1f} MB"
