"""Durations the way agents say them: ``45 min``, ``3 h 10 min``, ``2 d 4 h``."""

from __future__ import annotations

import datetime as dt


def duration(delta: dt.timedelta) -> str:
    """A short human duration of ``delta``'s magnitude."""
    minutes = int(abs(delta).total_seconds() // 60)
    days, minutes = divmod(minutes, 24 * 60)
    hours, minutes = divmod(minutes, 60)
    if days:
        return f"{days} d {hours} h" if hours else f"{days} d"
    if hours:
        return f"{hours} h {minutes} min" if minutes else f"{hours} h"
    return f"{minutes} min"


def relative(due: dt.datetime, now: dt.datetime) -> str:
    """``in 3 h 10 min`` or ``overdue by 2 d 4 h``."""
    left = due - now
    return f"overdue by {duration(left)}" if left < dt.timedelta(0) else f"in {duration(left)}"
