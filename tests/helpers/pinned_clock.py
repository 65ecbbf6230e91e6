"""The product's clock and time zone, pinned for the test run.

No test depends on when or where it runs: the run's time zone is ``AIVA_TEST_TZ``
(default UTC) and every test starts at the instant ``AIVA_TEST_NOW`` (ISO 8601 with an
offset; default a Monday inside business hours, when the acknowledge clock is due
first). The clock then ticks with real elapsed time, so "later" still means later;
a test that needs a fixed instant sets ``clock.now``. ``scripts/run-tests.sh`` runs
the time-sensitive tests again at other instants and zones (weekday evening,
Saturday, DST changes, New Year's Eve, far-off zones).
"""

from __future__ import annotations

import datetime as dt
import os
import time
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from sqlalchemy import select

from aiva_desk.store.sla_models import Calendar

if TYPE_CHECKING:
    from aiva_desk.app_context import AppContext

DEFAULT_NOW = "2026-12-07T11:10:00+00:00"  # a Monday, in business hours


def pinned_start() -> dt.datetime:
    """The instant each test starts at."""
    text = os.environ.get("AIVA_TEST_NOW") or DEFAULT_NOW
    start = dt.datetime.fromisoformat(text)
    if start.tzinfo is None:
        raise ValueError(f"AIVA_TEST_NOW needs an offset (e.g. +00:00): {text!r}")
    return start.astimezone(dt.UTC)


class TestClock:
    """A clock that starts at a pinned instant and ticks with real elapsed time.

    Assigning ``now`` stops it at that instant (tests that step through time);
    ``tick()`` lets it run on from wherever it stands.
    """

    __test__ = False  # not a test class

    def __init__(self, start: dt.datetime) -> None:
        self._base = start
        self._since = time.monotonic()
        self._running = True

    def __call__(self) -> dt.datetime:
        return self.now

    @property
    def now(self) -> dt.datetime:
        if not self._running:
            return self._base
        return self._base + dt.timedelta(seconds=time.monotonic() - self._since)

    @now.setter
    def now(self, instant: dt.datetime) -> None:
        if instant.tzinfo is None:
            raise ValueError("the test clock takes aware datetimes")
        self._base, self._running = instant.astimezone(dt.UTC), False

    def advance(self, delta: dt.timedelta) -> None:
        """Move the clock forward (or back) by ``delta``, keeping it stopped or running."""
        if self._running:
            self._base, self._since = self.now + delta, time.monotonic()
        else:
            self._base += delta

    def tick(self) -> None:
        """Let the clock run on from where it stands."""
        self._base, self._since, self._running = self.now, time.monotonic(), True


def office_zone(context: AppContext) -> ZoneInfo:
    """The zone of the "Business hours" calendar (the computer's zone when it was made)."""
    with context.db.read_session() as session:
        tz = session.scalar(select(Calendar.tz).where(Calendar.name == "Business hours"))
    return ZoneInfo(tz)
