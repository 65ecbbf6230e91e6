"""Business calendars: hand-checked vectors and properties.

Berlin office hours Mon–Fri 08:00–18:00 unless a case says otherwise. 2026-11-27 is a
Friday; Berlin leaves summer time on 2026-10-25 (03:00 → 02:00) and enters it on
2026-03-29 (02:00 → 03:00).
"""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aiva_desk.sla import BusinessCalendar, CalendarError

pytestmark = pytest.mark.time_sensitive  # run again at other instants and zones

BERLIN = ZoneInfo("Europe/Berlin")
H = dt.timedelta(hours=1)
M = dt.timedelta(minutes=1)
OFFICE = {day: [(dt.time(8), dt.time(18))] for day in range(5)}


def b(*args):
    return dt.datetime(*args, tzinfo=BERLIN)


@pytest.fixture
def office():
    return BusinessCalendar("Europe/Berlin", hours=OFFICE, holidays=[dt.date(2026, 12, 25)])


@pytest.mark.parametrize(
    ("start", "duration", "due"),
    [
        (b(2026, 11, 26, 9), 4 * H, b(2026, 11, 26, 13)),  # within a day
        (b(2026, 11, 26, 16), 4 * H, b(2026, 11, 27, 10)),  # overnight
        (b(2026, 11, 27, 16), 4 * H, b(2026, 11, 30, 10)),  # over the weekend
        (b(2026, 11, 28, 12), 1 * H, b(2026, 11, 30, 9)),  # starts on a Saturday
        (b(2026, 11, 26, 6), 2 * H, b(2026, 11, 26, 10)),  # before opening
        (b(2026, 11, 26, 20), 30 * M, b(2026, 11, 27, 8, 30)),  # after closing
        (b(2026, 11, 26, 14), 4 * H, b(2026, 11, 26, 18)),  # exactly on closing time
        (b(2026, 11, 26, 18), 10 * H, b(2026, 11, 27, 18)),  # from closing: a full day
        (b(2026, 12, 24, 17), 2 * H, b(2026, 12, 28, 9)),  # Christmas holiday + weekend
        (b(2026, 11, 26, 9), 24 * H, b(2026, 11, 30, 13)),  # a "24 h" SLA in office hours
        (b(2026, 11, 26, 10, 0, 0, 1), H, b(2026, 11, 26, 11, 0, 0, 1)),  # exact to the µs
        (b(2026, 11, 28, 12), dt.timedelta(0), b(2026, 11, 28, 12)),  # zero is due at once
    ],
)
def test_office_hours_deadlines(office, start, duration, due):
    assert office.add(start, duration) == due
    assert office.between(start, due) == duration


def test_between_counts_only_business_time(office):
    assert office.between(b(2026, 11, 27, 17), b(2026, 11, 30, 9)) == 2 * H
    assert office.between(b(2026, 11, 28, 0), b(2026, 11, 29, 23)) == dt.timedelta(0)
    assert office.between(b(2026, 11, 26, 12), b(2026, 11, 26, 12)) == dt.timedelta(0)
    assert office.between(b(2026, 11, 26, 12), b(2026, 11, 26, 11)) == dt.timedelta(0)


def test_a_24x7_day_has_23_and_25_hours_on_dst_changes():
    cal = BusinessCalendar.always("Europe/Berlin")
    assert cal.between(b(2026, 3, 29, 0), b(2026, 3, 30, 0)) == 23 * H
    assert cal.between(b(2026, 10, 25, 0), b(2026, 10, 26, 0)) == 25 * H
    assert cal.add(b(2026, 3, 29, 1), 2 * H) == b(2026, 3, 29, 4)  # 02:00 never happened
    assert cal.is_always


def test_dst_in_business_hours_uses_wall_clock_ranges():
    night = BusinessCalendar("Europe/Berlin", {6: [(dt.time(0), dt.time(6))]})  # Sundays
    assert night.between(b(2026, 3, 29, 0), b(2026, 3, 29, 12)) == 5 * H
    assert night.between(b(2026, 10, 25, 0), b(2026, 10, 25, 12)) == 7 * H
    # 4 business hours from Sunday midnight on the spring-forward day end at 05:00 local.
    assert night.add(b(2026, 3, 29, 0), 4 * H) == b(2026, 3, 29, 5)
    # On the fall-back day, 4 hours end at 03:00 local in winter time (02:xx happened twice).
    due = night.add(b(2026, 10, 25, 0), 4 * H)
    assert due == dt.datetime(2026, 10, 25, 2, 0, tzinfo=dt.UTC).astimezone(BERLIN)
    assert due.astimezone(BERLIN).hour == 3 and due.astimezone(BERLIN).utcoffset() == H


def test_office_hours_across_dst_weekend(office):
    # Friday before the October change to Monday after: still 2 business hours.
    assert office.add(b(2026, 10, 23, 17), 2 * H) == b(2026, 10, 26, 9)
    assert office.between(b(2026, 10, 23, 17), b(2026, 10, 26, 9)) == 2 * H


def test_night_shift_ranges_run_past_midnight():
    night = BusinessCalendar("UTC", {d: [(dt.time(22), dt.time(6))] for d in range(7)})
    start = dt.datetime(2026, 11, 26, 23, tzinfo=dt.UTC)
    assert night.add(start, 3 * H) == dt.datetime(2026, 11, 27, 2, tzinfo=dt.UTC)
    assert night.add(start, 8 * H) == dt.datetime(2026, 11, 27, 23, tzinfo=dt.UTC)
    early = dt.datetime(2026, 11, 27, 1, tzinfo=dt.UTC)  # inside the shift that began yesterday
    assert night.between(early, early + 2 * H) == 2 * H


def test_several_ranges_per_day(office):
    split = BusinessCalendar("UTC", {0: [(dt.time(13), dt.time(17)), (dt.time(8), dt.time(12))]})
    monday = dt.datetime(2026, 11, 30, 11, tzinfo=dt.UTC)
    assert split.add(monday, 2 * H) == dt.datetime(2026, 11, 30, 14, tzinfo=dt.UTC)
    assert split.between(monday, monday + 24 * H) == 5 * H


def test_pauses_remove_only_business_time_inside_them(office):
    start = b(2026, 11, 26, 9)
    # Waiting on the customer 10:00–12:00 adds two hours to a 4-hour deadline.
    assert office.add(start, 4 * H, pauses=[(b(2026, 11, 26, 10), b(2026, 11, 26, 12))]) == b(
        2026, 11, 26, 15
    )
    # A pause from Thursday 17:00 to Friday 09:00 holds only two business hours.
    pause = (b(2026, 11, 26, 17), b(2026, 11, 27, 9))
    assert office.between(start, b(2026, 11, 27, 12), pauses=[pause]) == 11 * H
    assert office.add(start, 10 * H, pauses=[pause]) == b(2026, 11, 27, 11)
    # A pause over the weekend changes nothing.
    weekend = (b(2026, 11, 28, 0), b(2026, 11, 30, 0))
    assert office.add(b(2026, 11, 27, 16), 4 * H, pauses=[weekend]) == b(2026, 11, 30, 10)
    # Overlapping pauses count once.
    twice = [(b(2026, 11, 26, 10), b(2026, 11, 26, 12)), (b(2026, 11, 26, 11), b(2026, 11, 26, 13))]
    assert office.add(start, 4 * H, pauses=twice) == b(2026, 11, 26, 16)


def test_country_holidays_and_bad_input():
    german = BusinessCalendar("Europe/Berlin", OFFICE, country="DE")
    assert german.is_holiday(dt.date(2026, 10, 3))  # German Unity Day (a Saturday in 2026)
    assert german.add(b(2026, 12, 24, 17), 2 * H) == b(2026, 12, 28, 9)  # 25th and 26th
    assert german.between(b(2026, 12, 31, 17), b(2027, 1, 4, 9)) == 2 * H  # New Year
    with pytest.raises(CalendarError, match="time zone"):
        BusinessCalendar("Mars/Olympus", OFFICE)
    with pytest.raises(CalendarError, match="Weekday 7"):
        BusinessCalendar("UTC", {7: [(dt.time(8), dt.time(9))]})
    with pytest.raises(CalendarError, match="country"):
        BusinessCalendar("UTC", OFFICE, country="XX")
    with pytest.raises(ValueError, match="aware"):
        german.add(dt.datetime(2026, 1, 1), H)
    with pytest.raises(CalendarError, match="no business time"):
        BusinessCalendar("UTC", {}).add(dt.datetime(2026, 1, 1, tzinfo=dt.UTC), H)


# -- properties -------------------------------------------------------------------------

CALENDARS = [
    BusinessCalendar.always("UTC"),
    BusinessCalendar("Europe/Berlin", OFFICE, holidays=[dt.date(2026, 12, 25)]),
    BusinessCalendar(
        "America/New_York",
        {d: [(dt.time(9), dt.time(12)), (dt.time(13), dt.time(17))] for d in range(5)},
    ),
    BusinessCalendar("Asia/Kolkata", {d: [(dt.time(22), dt.time(6))] for d in range(6)}),
]
starts = st.datetimes(
    min_value=dt.datetime(2025, 1, 1),
    max_value=dt.datetime(2027, 12, 31),
    timezones=st.just(dt.UTC),
)
durations = st.timedeltas(min_value=dt.timedelta(0), max_value=dt.timedelta(days=5))
calendars = st.sampled_from(CALENDARS)


@settings(max_examples=150, deadline=None)
@given(calendars, starts, durations)
def test_between_undoes_add(cal, start, duration):
    assert cal.between(start, cal.add(start, duration)) == duration


@settings(max_examples=150, deadline=None)
@given(calendars, starts, durations, durations)
def test_deadlines_are_monotonic(cal, start, d1, d2):
    shorter, longer = sorted((d1, d2))
    assert cal.add(start, shorter) <= cal.add(start, longer)
    later = start + shorter
    assert cal.add(start, d1) <= cal.add(later, d1)
    assert cal.between(start, later) <= cal.between(start, later + d2)


@settings(max_examples=150, deadline=None)
@given(
    calendars,
    starts,
    durations,
    st.timedeltas(min_value=dt.timedelta(0), max_value=dt.timedelta(days=3)),
    durations,
)
def test_pauses_never_shorten_a_deadline(cal, start, duration, offset, length):
    pause = (start + offset, start + offset + length)
    paused = cal.add(start, duration, pauses=[pause])
    assert paused >= cal.add(start, duration)
    assert cal.between(start, paused, pauses=[pause]) == duration


@settings(max_examples=100, deadline=None)
@given(calendars, starts, durations, durations)
def test_between_is_additive(cal, start, d1, d2):
    middle, end = start + d1, start + d1 + d2
    assert cal.between(start, end) == cal.between(start, middle) + cal.between(middle, end)
