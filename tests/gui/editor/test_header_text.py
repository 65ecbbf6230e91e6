"""The editor header's words: a paused clock is told once it adds up to a minute."""

from __future__ import annotations

import datetime as dt

from aiva_desk.gui.editor.header import paused_text


def test_a_pause_under_a_minute_is_not_told_as_zero_minutes():
    assert paused_text(dt.timedelta(0)) == ""
    assert paused_text(dt.timedelta(seconds=40)) == ""  # was "clock paused 0 min in all"
    assert paused_text(dt.timedelta(minutes=1)) == "clock paused 1 min in all"
    assert paused_text(dt.timedelta(hours=2, minutes=5)).startswith("clock paused 2 h")
