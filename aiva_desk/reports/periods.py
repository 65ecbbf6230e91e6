"""Date ranges and ISO weeks as reports take them: half-open, in UTC."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from aiva_desk.errors import ValidationError

_WEEK = re.compile(r"^(\d{4})-W(\d{2})$")


@dataclass(frozen=True)
class Period:
    """``start <= t < end`` (aware UTC datetimes); ``label`` says it the way people do."""

    start: dt.datetime
    end: dt.datetime
    label: str

    @classmethod
    def days(cls, first: dt.date, last: dt.date) -> Period:
        """From the start of ``first`` to the end of ``last`` (both included)."""
        if last < first:
            raise ValidationError({"to": f"The end date {last} is before the start date {first}."})
        if last >= dt.date.max:
            raise ValidationError(
                {"to": f"The end date {last} is past the last date reports cover."}
            )
        start = dt.datetime.combine(first, dt.time(), dt.UTC)
        end = dt.datetime.combine(last + dt.timedelta(days=1), dt.time(), dt.UTC)
        return cls(start, end, f"{first.isoformat()} – {last.isoformat()}")

    @classmethod
    def iso_week(cls, text: str) -> Period:
        """``2026-W47`` → Monday 00:00 to the next Monday 00:00."""
        match = _WEEK.match(text.strip())
        if not match:
            raise ValidationError({"week": f"“{text}” is not a week like 2026-W47."})
        year, week = int(match.group(1)), int(match.group(2))
        try:
            monday = dt.date.fromisocalendar(year, week, 1)
        except ValueError:
            raise ValidationError({"week": f"{year} has no week {week}."}) from None
        if monday > dt.date.max - dt.timedelta(days=7):
            raise ValidationError({"week": f"{text.strip()} is past the last week reports cover."})
        period = cls.days(monday, monday + dt.timedelta(days=6))
        return cls(period.start, period.end, f"{text.strip()} ({period.label})")


def parse_date(text: str, field: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise ValidationError({field: f"“{text}” is not a date like 2026-11-23."}) from None


def iso_week_of(day: dt.date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"
