"""Durations the way agents say and type them: ``45 min``, ``3 h 10 min``, ``2 d 4 h``."""

from __future__ import annotations

import datetime as dt
import re


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


_UNITS = {
    "d": 1440, "day": 1440, "days": 1440,
    "h": 60, "hr": 60, "hrs": 60, "hour": 60, "hours": 60,
    "m": 1, "min": 1, "mins": 1, "minute": 1, "minutes": 1,
}  # fmt: skip
_PART = re.compile(r"(\d+(?:[.,]\d+)?)\s*([a-z]*)")


def parse_minutes(text: str) -> int:
    """``30 min``, ``4 h``, ``1 d 2 h``, ``1.5 h`` or a bare number of minutes → minutes."""
    cleaned = text.strip().casefold()
    if not cleaned:
        raise ValueError("give a duration like 30 min, 4 h or 1 d")
    total = 0.0
    position = 0
    for match in _PART.finditer(cleaned):
        if cleaned[position : match.start()].strip():
            break
        unit = match[2] or "min"
        if unit not in _UNITS:
            raise ValueError(f"“{text.strip()}” is not a duration (use min, h or d)")
        total += float(match[1].replace(",", ".")) * _UNITS[unit]
        position = match.end()
    if cleaned[position:].strip() or position == 0:
        raise ValueError(f"“{text.strip()}” is not a duration like 30 min, 4 h or 1 d")
    return round(total)
