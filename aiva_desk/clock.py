"""The one clock the whole product asks for "now".

Every reading of the current time (the SLA clocks, timestamps, the queue's countdown,
the GUI's timers, file names) goes through :func:`now`, so one switch moves all of
AIVA Desk to another instant: tests pin it (:func:`set_source`) and nothing depends on
the day or hour they run. The local zone is the process's (``TZ`` or the system's).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

Source = Callable[[], dt.datetime]


def system_now() -> dt.datetime:
    """The operating system's wall clock, as an aware UTC datetime."""
    return dt.datetime.now(dt.UTC)


_source: Source = system_now


def now() -> dt.datetime:
    """The current instant, aware, in UTC."""
    return _source()


def local_now() -> dt.datetime:
    """The current instant in the computer's time zone."""
    return _source().astimezone()


def today() -> dt.date:
    """Today's date in the computer's time zone."""
    return local_now().date()


def set_source(source: Source) -> Source:
    """Make ``source`` the product's clock; returns the one it replaces."""
    global _source
    previous, _source = _source, source
    return previous
