"""The SLA settings page: shows the SOP's numbers, saves edits, refuses bad input."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import Qt

from aiva_desk.domain import Priority
from aiva_desk.durations import parse_minutes
from aiva_desk.errors import ValidationError
from aiva_desk.gui.settings.calendar_editor import format_hours, parse_hours
from aiva_desk.gui.settings.sla_page import (
    CALENDAR_COLUMN,
    POLICY_FIELDS,
    SlaSettingsPage,
    parse_percentages,
)
from aiva_desk.sla.settings_store import category_resolutions, list_calendars, load_policy_set

COLUMN = {f.key: index for index, f in enumerate(POLICY_FIELDS)}
ROW = {priority: index for index, priority in enumerate(Priority)}


@pytest.fixture
def page(qtbot, context):
    widget = SlaSettingsPage(context)
    qtbot.addWidget(widget)
    widget.resize(900, 600)
    widget.load()
    return widget


def _cell(page, priority, key):
    return page.policy_table.item(ROW[priority], COLUMN[key]).text()


def _edit(qtbot, page, priority, key, text):
    with qtbot.waitSignal(page.changed):
        page.policy_table.item(ROW[priority], COLUMN[key]).setText(text)


def _resolution_row(page, name):
    table = page.resolution_table
    return next(row for row in range(table.rowCount()) if table.item(row, 0).text() == name)


def _policy_set(context):
    with context.db.engine.connect() as conn:
        return load_policy_set(conn)


def test_durations_are_read_as_people_write_them():
    assert parse_minutes("30 min") == 30
    assert parse_minutes("4 h") == 240
    assert parse_minutes("1 d 2 h") == 1560
    assert parse_minutes("1.5h") == 90
    assert parse_minutes("45") == 45
    for bad in ("", "soon", "4 weeks", "h"):
        with pytest.raises(ValueError):
            parse_minutes(bad)
    assert parse_percentages("75%, 90%") == (0.75, 0.9)
    assert parse_hours("09:00–12:00, 13:00-17:00") == [
        (dt.time(9), dt.time(12)),
        (dt.time(13), dt.time(17)),
    ]
    assert parse_hours("all day") == [(dt.time(0), dt.time(0))]
    assert parse_hours("22-6") == [(dt.time(22), dt.time(6))]
    assert parse_hours("") == []
    assert format_hours([(dt.time(8), dt.time(0))]) == "08:00–24:00"


def test_load_shows_the_sop_numbers(page):
    assert not page.is_dirty()
    assert _cell(page, Priority.P1, "acknowledge_minutes") == "30 min"
    assert _cell(page, Priority.P1, "update_every_minutes") == "30 min"
    assert _cell(page, Priority.P1, "escalate_within_minutes") == "0 min"
    assert _cell(page, Priority.P2, "first_response_minutes") == "2 h"
    assert _cell(page, Priority.P2, "update_every_minutes") == "4 h"
    assert _cell(page, Priority.P2, "updates_before_deadline") == "2"
    assert _cell(page, Priority.P3, "escalate_within_minutes") == "1 d"
    assert _cell(page, Priority.P4, "escalate_within_minutes") == ""
    assert _cell(page, Priority.P1, "warn_fractions") == "75%, 90%"
    assert _cell(page, Priority.P1, "warn_before_minutes") == "10 min"
    combos = [page.policy_table.cellWidget(ROW[p], CALENDAR_COLUMN) for p in Priority]
    assert [c.currentText() for c in combos] == ["24x7"] + ["Business hours"] * 3
    row = _resolution_row(page, "System Outage")
    assert page.resolution_table.item(row, 2).text() == "1 h"
    assert page.resolution_table.item(_resolution_row(page, "Feature Request"), 2).text() == "3 d"
    assert [page.calendar_list.item(i).text() for i in range(page.calendar_list.count())] == [
        "24x7",
        "Business hours",
    ]


def test_edits_are_saved_and_read_back(qtbot, page, context):
    _edit(qtbot, page, Priority.P2, "acknowledge_minutes", "15 min")
    _edit(qtbot, page, Priority.P2, "update_every_minutes", "3 h")
    _edit(qtbot, page, Priority.P4, "escalate_within_minutes", "2 d")
    _edit(qtbot, page, Priority.P3, "warn_fractions", "50%, 80%")
    with qtbot.waitSignal(page.changed):
        page.resolution_table.item(_resolution_row(page, "Billing"), 2).setText("6 h")
    with qtbot.waitSignal(page.changed):
        page.policy_table.cellWidget(ROW[Priority.P3], CALENDAR_COLUMN).setCurrentIndex(0)
    assert page.is_dirty()
    page.apply()
    assert not page.is_dirty()
    policies = _policy_set(context).policies
    assert policies[Priority.P2].acknowledge == dt.timedelta(minutes=15)
    assert policies[Priority.P2].update_every == dt.timedelta(hours=3)
    assert policies[Priority.P4].escalate_within == dt.timedelta(days=2)
    assert policies[Priority.P3].warn_at_fractions == (0.5, 0.8)
    assert policies[Priority.P3].calendar == "24x7"
    with context.db.engine.connect() as conn:
        billing = next(r for r in category_resolutions(conn) if r.name == "Billing")
    assert billing.minutes == 360
    assert _cell(page, Priority.P2, "update_every_minutes") == "3 h"  # reloaded


def test_bad_values_are_named_and_nothing_is_saved(qtbot, page, context):
    before = _policy_set(context).policies
    _edit(qtbot, page, Priority.P1, "acknowledge_minutes", "5 min")  # fine on its own
    _edit(qtbot, page, Priority.P3, "first_response_minutes", "soon")
    page.resolution_table.item(_resolution_row(page, "Billing"), 2).setText("0 min")
    _edit(qtbot, page, Priority.P2, "warn_fractions", "150%")
    with pytest.raises(ValidationError) as caught:
        page.apply()
    problems = caught.value.problems
    assert problems["P3.first_response_minutes"].startswith("First response for P3: “soon”")
    # The page's own checks passed for these; the store's names them the same way.
    _edit(qtbot, page, Priority.P3, "first_response_minutes", "4 h")
    with pytest.raises(ValidationError) as caught:
        page.apply()
    messages = set(caught.value.problems.values())
    assert "Resolution for Billing P2: must be more than 0." in messages
    assert any(m.startswith("Warn at for P2:") for m in messages)
    assert "Resolution for Billing P2" in str(caught.value)
    assert _policy_set(context).policies == before
    with context.db.engine.connect() as conn:
        billing = next(r for r in category_resolutions(conn) if r.name == "Billing")
    assert billing.minutes == 240
    assert page.is_dirty()


def test_calendar_hours_and_holidays_round_trip(qtbot, page, context):
    with qtbot.waitSignal(page.changed):
        qtbot.mouseClick(page.add_calendar_button, Qt.MouseButton.LeftButton)
    editor = page.calendar_stack.currentWidget()
    editor.name_edit.clear()
    qtbot.keyClicks(editor.name_edit, "Berlin desk")
    assert page.calendar_list.currentItem().text() == "Berlin desk"
    editor.tz_combo.setEditText("Europe/Berlin")
    editor.day_edits[0].setText("08:00–12:00, 13:00–17:30")
    editor.day_edits[5].setText("22:00–06:00")
    editor.day_edits[6].setText("")
    editor.country_combo.setCurrentIndex(editor.country_combo.findData("DE"))
    editor.region_combo.setCurrentIndex(editor.region_combo.findData("BY"))
    for day in (dt.date(2026, 12, 24), dt.date(2026, 12, 31)):
        editor.date_edit.setDate(day)
        editor._on_add_clicked()
    combo = page.policy_table.cellWidget(ROW[Priority.P2], CALENDAR_COLUMN)
    combo.setCurrentIndex(combo.findText("Berlin desk"))
    page.apply()
    with context.db.engine.connect() as conn:
        saved = {c.name: c for c in list_calendars(conn)}
    berlin = saved["Berlin desk"]
    assert berlin.tz == "Europe/Berlin"
    assert berlin.hours == {
        0: [(dt.time(8), dt.time(12)), (dt.time(13), dt.time(17, 30))],
        1: [(dt.time(9), dt.time(17))],
        2: [(dt.time(9), dt.time(17))],
        3: [(dt.time(9), dt.time(17))],
        4: [(dt.time(9), dt.time(17))],
        5: [(dt.time(22), dt.time(6))],
    }
    assert berlin.holidays == (dt.date(2026, 12, 24), dt.date(2026, 12, 31))
    assert (berlin.country, berlin.subdivision) == ("DE", "BY")
    assert _policy_set(context).policies[Priority.P2].calendar == "Berlin desk"
    # Reloaded, the page shows it as saved.
    row = next(
        i
        for i in range(page.calendar_list.count())
        if page.calendar_list.item(i).text() == "Berlin desk"
    )
    page.calendar_list.setCurrentRow(row)
    shown = page.calendar_stack.currentWidget()
    assert shown.day_edits[0].text() == "08:00–12:00, 13:00–17:30"
    assert shown.day_edits[5].text() == "22:00–06:00"
    assert shown.holidays() == [dt.date(2026, 12, 24), dt.date(2026, 12, 31)]
    assert shown.region_combo.currentData() == "BY"


def test_bad_calendar_input_is_named(qtbot, page, context):
    page.calendar_list.setCurrentRow(1)
    editor = page.calendar_stack.currentWidget()
    editor.tz_combo.setEditText("Mars/Olympus")
    editor.day_edits[2].setText("9 to 5")
    with pytest.raises(ValidationError) as caught:
        page.apply()
    messages = list(caught.value.problems.values())
    assert any("Mars/Olympus" in m and "Business hours" in m for m in messages)
    assert "Wednesday hours for Calendar “Business hours”: “9 to 5” is not a range" in " ".join(
        messages
    )
    with context.db.engine.connect() as conn:
        assert {c.tz for c in list_calendars(conn)} != {"Mars/Olympus"}


def test_a_calendar_in_use_cannot_be_deleted(qtbot, page, context):
    page.calendar_list.setCurrentRow(1)  # Business hours: P2, P3, P4
    assert not page.delete_calendar_button.isEnabled()
    assert "P2, P3, P4" in page.delete_calendar_button.toolTip()
    qtbot.mouseClick(page.add_calendar_button, Qt.MouseButton.LeftButton)
    assert page.delete_calendar_button.isEnabled()
    qtbot.mouseClick(page.delete_calendar_button, Qt.MouseButton.LeftButton)
    for row in (ROW[Priority.P2], ROW[Priority.P3], ROW[Priority.P4]):
        combo = page.policy_table.cellWidget(row, CALENDAR_COLUMN)
        combo.setCurrentIndex(combo.findText("24x7"))
    page.calendar_list.setCurrentRow(1)
    assert page.delete_calendar_button.isEnabled()
    qtbot.mouseClick(page.delete_calendar_button, Qt.MouseButton.LeftButton)
    page.apply()
    with context.db.engine.connect() as conn:
        assert [c.name for c in list_calendars(conn)] == ["24x7"]


def test_open_tickets_clocks_follow_a_saved_policy_off_the_gui_thread(qtbot, page, context):
    from aiva_desk.gui import tasks
    from aiva_desk.tickets.service import NewTicket

    billing = next(c.id for c in context.tickets.categories() if c.name == "Billing")  # P2
    ref = context.tickets.create(NewTicket("Invoice wrong", "Ann", "ann@example.com", billing, "x"))
    before = context.tickets.get(ref.id)
    assert before.next_deadline_kind == "acknowledge"
    _edit(qtbot, page, Priority.P2, "acknowledge_minutes", "10 min")
    page.apply()  # returns at once; the clocks are recomputed in the background
    assert tasks.wait_for_idle(30_000)
    after = context.tickets.get(ref.id)
    assert after.next_deadline_at - before.next_deadline_at == dt.timedelta(minutes=-20)
