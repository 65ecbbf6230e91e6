"""Business calendars: how much working time lies between two instants, and when a
given amount of working time will have elapsed.

Conventions (the SOP's promises depend on them being exact):

* all datetimes are time-zone aware; arithmetic happens in UTC, exact to the microsecond;
* business hours are local wall-clock ranges per weekday (0 = Monday ... 6 = Sunday) in an
  IANA time zone, so DST changes lengthen or shorten a day exactly as the clock does;
* a range whose end is not after its start runs past midnight into the next day
  (``(time(22), time(6))`` is a night shift, ``(time(0), time(0))`` a whole day);
* a deadline is the EARLIEST instant at which the required business time has elapsed,
  so it may fall exactly on closing time; zero required time is due at the start;
* a pause removes only the business time that falls inside it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Mapping, Sequence
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from aiva_desk import clock
from aiva_desk.errors import AivaError

Interval = tuple[dt.datetime, dt.datetime]
HoursSpec = Mapping[int, Sequence[tuple[dt.time, dt.time]]]

ZERO = dt.timedelta(0)
_ONE_DAY = dt.timedelta(days=1)
_SEARCH_LIMIT_DAYS = 3 * 366  # a calendar with no business time at all must not loop forever
_DAYS_KEPT = 4096  # local days whose intervals a calendar remembers


class CalendarError(AivaError):
    title = "Calendar problem"


def _require_aware(value: dt.datetime, name: str) -> None:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} must be time-zone aware, got {value!r}")


def _merge(intervals: Iterable[Interval]) -> list[Interval]:
    merged: list[Interval] = []
    for start, end in sorted(intervals):
        if merged and start <= merged[-1][1]:
            if end > merged[-1][1]:
                merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return merged


def _subtract(intervals: Iterable[Interval], holes: Sequence[Interval]) -> Iterator[Interval]:
    """``intervals`` minus the (merged, sorted) ``holes``."""
    for start, end in intervals:
        cursor = start
        for hole_start, hole_end in holes:
            if hole_end <= cursor or hole_start >= end:
                continue
            if hole_start > cursor:
                yield cursor, hole_start
            cursor = max(cursor, hole_end)
            if cursor >= end:
                break
        if cursor < end:
            yield cursor, end


class BusinessCalendar:
    """Working time in one time zone: weekly hours, minus holidays."""

    def __init__(
        self,
        tz: str,
        hours: HoursSpec,
        holidays: Iterable[dt.date] = (),
        *,
        country: str | None = None,
        subdivision: str | None = None,
    ) -> None:
        try:
            self.zone = ZoneInfo(tz)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise CalendarError(f"“{tz}” is not a known time zone (e.g. Europe/Berlin).") from exc
        self.tz_name = tz
        self.hours: dict[int, tuple[tuple[dt.time, dt.time], ...]] = {}
        for weekday, ranges in hours.items():
            if weekday not in range(7):
                raise CalendarError(f"Weekday {weekday} is not 0 (Monday) to 6 (Sunday).")
            self.hours[weekday] = tuple(sorted(ranges))
        self.custom_holidays = frozenset(holidays)
        self.country = country
        self.subdivision = subdivision
        self._always = self.is_always
        self._days: dict[dt.date, tuple[tuple[Interval, ...], dt.datetime]] = {}
        if country is not None:
            self._country_holidays(clock.today().year)  # fail now on an unknown country

    @classmethod
    def always(cls, tz: str = "UTC") -> BusinessCalendar:
        """A 24×7 calendar: every instant is business time."""
        whole_day = ((dt.time(0), dt.time(0)),)
        return cls(tz, {weekday: whole_day for weekday in range(7)})

    @property
    def is_always(self) -> bool:
        whole_day = ((dt.time(0), dt.time(0)),)
        return (
            not self.custom_holidays
            and self.country is None
            and all(self.hours.get(day) == whole_day for day in range(7))
        )

    # -- holidays ------------------------------------------------------------------

    def _country_holidays(self, year: int) -> frozenset[dt.date]:
        return (
            _country_holidays(self.country, self.subdivision, year) if self.country else frozenset()
        )

    def is_holiday(self, day: dt.date) -> bool:
        return day in self.custom_holidays or day in self._country_holidays(day.year)

    # -- intervals -----------------------------------------------------------------

    def _local(self, day: dt.date, at: dt.time) -> dt.datetime:
        return dt.datetime.combine(day, at, tzinfo=self.zone).astimezone(dt.UTC)

    def _day_intervals(self, day: dt.date) -> list[Interval]:
        """Business intervals that START on local ``day`` (in UTC)."""
        if self.is_holiday(day):
            return []
        result = []
        for start, end in self.hours.get(day.weekday(), ()):
            end_day = day if end > start else day + _ONE_DAY
            begin, finish = self._local(day, start), self._local(end_day, end)
            if finish > begin:
                result.append((begin, finish))
        return result

    def _day(self, day: dt.date) -> tuple[tuple[Interval, ...], dt.datetime]:
        """:meth:`_day_intervals` of ``day`` and its local midnight in UTC, worked out once
        per day: the deadlines of many tickets (a batch of mail, a reindex) cross the
        same days, and the time zone arithmetic is the costly part."""
        known = self._days.get(day)
        if known is None:
            if len(self._days) >= _DAYS_KEPT:
                self._days.clear()
            known = (tuple(self._day_intervals(day)), self._local(day, dt.time(0)))
            self._days[day] = known
        return known

    def _intervals_from(self, start: dt.datetime) -> Iterator[Interval]:
        """Merged business intervals that end after ``start``, in order, clipped to it."""
        if self._always:
            yield start, start + dt.timedelta(days=_SEARCH_LIMIT_DAYS)
            return
        day = start.astimezone(self.zone).date() - _ONE_DAY  # a night shift may reach in
        pending: list[Interval] = []
        for _ in range(_SEARCH_LIMIT_DAYS):
            pending = _merge([*pending, *self._day(day)[0]])
            day += _ONE_DAY
            horizon = self._day(day)[1]  # nothing not yet seen starts before this
            while pending and pending[0][1] < horizon:
                begin, finish = pending.pop(0)
                if finish > start:
                    yield max(begin, start), finish
        for begin, finish in pending:
            if finish > start:
                yield max(begin, start), finish

    def intervals(self, start: dt.datetime, end: dt.datetime) -> list[Interval]:
        """The business intervals within ``[start, end)``."""
        _require_aware(start, "start")
        _require_aware(end, "end")
        start, end = start.astimezone(dt.UTC), end.astimezone(dt.UTC)
        result = []
        if end <= start:
            return result
        for begin, finish in self._intervals_from(start):
            if begin >= end:
                break
            result.append((begin, min(finish, end)))
        return result

    # -- the two operations --------------------------------------------------------

    def between(
        self, a: dt.datetime, b: dt.datetime, pauses: Iterable[Interval] = ()
    ) -> dt.timedelta:
        """Business time elapsed from ``a`` to ``b`` (zero if ``b`` is not after ``a``)."""
        holes = _normalize_pauses(pauses)
        return sum(
            (finish - begin for begin, finish in _subtract(self.intervals(a, b), holes)), ZERO
        )

    def add(
        self, start: dt.datetime, duration: dt.timedelta, pauses: Iterable[Interval] = ()
    ) -> dt.datetime:
        """The earliest instant at which ``duration`` of business time has elapsed since
        ``start``, not counting business time inside ``pauses``."""
        _require_aware(start, "start")
        if duration < ZERO:
            raise ValueError("duration must not be negative")
        if duration == ZERO:
            return start
        holes = _normalize_pauses(pauses)
        remaining = duration
        origin = start.astimezone(dt.UTC)
        for begin, finish in _subtract(self._intervals_from(origin), holes):
            available = finish - begin
            if remaining <= available:
                return (begin + remaining).astimezone(start.tzinfo)
            remaining -= available
        raise CalendarError(
            f"The calendar has no business time within {_SEARCH_LIMIT_DAYS} days of "
            f"{start.isoformat()}; check its hours and holidays."
        )


def _normalize_pauses(pauses: Iterable[Interval]) -> list[Interval]:
    normalized = []
    for begin, end in pauses:
        _require_aware(begin, "pause start")
        _require_aware(end, "pause end")
        if end > begin:
            normalized.append((begin.astimezone(dt.UTC), end.astimezone(dt.UTC)))
    return _merge(normalized)


@lru_cache(maxsize=64)
def _country_holidays(country: str, subdivision: str | None, year: int) -> frozenset[dt.date]:
    import holidays as holidays_lib

    try:
        found = holidays_lib.country_holidays(country, subdiv=subdivision, years=year)
    except NotImplementedError as exc:
        raise CalendarError(f"No public holidays are known for country “{country}”.") from exc
    return frozenset(found.keys())
