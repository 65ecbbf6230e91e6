"""Edit one business calendar: name, IANA time zone, hours per weekday, holidays.

Hours are typed the way people say them, several ranges a day: ``09:00–12:00,
13:00–17:00``; ``all day`` is the whole day, an empty line a closed day, and a range
that ends before it starts runs past midnight (``22:00–06:00``). Holidays are a
country's (and optionally a region's) public holidays from the ``holidays`` package,
plus custom dates.
"""

from __future__ import annotations

import datetime as dt
import re
from functools import cache
from zoneinfo import available_timezones

from PySide6.QtCore import QSignalBlocker, QStringListModel, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QCompleter,
    QDateEdit,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from aiva_desk import clock
from aiva_desk.sla.settings_store import CalendarInput

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
WHOLE_DAY = (dt.time(0), dt.time(0))
ALL_DAY_WORDS = {"all day", "24 h", "24h", "00:00–24:00", "00:00-24:00", "0-24"}
_RANGE = re.compile(r"^\s*(\d{1,2})(?::(\d{2}))?\s*[-–—]\s*(\d{1,2})(?::(\d{2}))?\s*$")


class HoursError(ValueError):
    """A weekday's hours that cannot be read; the message says why, for the user."""


def _clock(hours: str, minutes: str | None, *, end: bool) -> dt.time:
    h, m = int(hours), int(minutes or 0)
    if end and (h, m) == (24, 0):
        return dt.time(0)
    if not (0 <= h <= 23 and 0 <= m <= 59):
        raise HoursError(f"“{hours}:{minutes or '00'}” is not a time of day")
    return dt.time(h, m)


def parse_hours(text: str) -> list[tuple[dt.time, dt.time]]:
    """``09:00–12:00, 13:00–17:00`` → ranges; empty → closed; ``all day`` → whole day."""
    text = text.strip()
    if not text or text.casefold() == "closed":
        return []
    if text.casefold() in ALL_DAY_WORDS:
        return [WHOLE_DAY]
    ranges = []
    for part in re.split(r"[,;]", text):
        if not part.strip():
            continue
        match = _RANGE.match(part)
        if match is None:
            raise HoursError(f"“{part.strip()}” is not a range like 09:00–17:00")
        start = _clock(match[1], match[2], end=False)
        end = _clock(match[3], match[4], end=True)
        if start == end and (start, end) != WHOLE_DAY:
            raise HoursError(f"“{part.strip()}” starts and ends at the same time")
        ranges.append((start, end))
    return sorted(ranges)


def format_hours(ranges: list[tuple[dt.time, dt.time]] | tuple) -> str:
    if list(ranges) == [WHOLE_DAY]:
        return "all day"
    return ", ".join(
        f"{a.strftime('%H:%M')}–{'24:00' if b == dt.time(0) else b.strftime('%H:%M')}"
        for a, b in ranges
    )


@cache
def time_zones() -> list[str]:
    return sorted(available_timezones())


@cache
def holiday_countries() -> list[tuple[str, str, tuple[str, ...]]]:
    """(code, name, subdivisions) of every country the ``holidays`` package knows."""
    import holidays
    from holidays.registry import COUNTRIES

    supported = holidays.list_supported_countries()
    result = []
    for class_name, code, *_rest in COUNTRIES.values():
        name = re.sub(r"(?<=[a-z])(?=[A-Z])", " ", class_name)
        result.append((code, name, tuple(supported.get(code, ()))))
    return sorted(result, key=lambda item: item[1])


def _compact(combo: QComboBox, characters: int) -> None:
    """Size a combo by a few characters, not by its longest entry."""
    combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    combo.setMinimumContentsLength(characters)


class CalendarEditor(QWidget):
    """One calendar's fields; ``calendar_input()`` reads them back or names what is wrong.

    Signals:
        changed: the user edited a field.
        name_edited(str): the calendar's name changed (lists showing it follow).
    """

    changed = Signal()
    name_edited = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.stored_name: str | None = None
        self.name_edit = QLineEdit()
        self.name_edit.setObjectName("calendarNameEdit")
        self.name_edit.setMaxLength(80)
        self.tz_combo = QComboBox()
        self.tz_combo.setObjectName("timeZoneCombo")
        self.tz_combo.setEditable(True)
        self.tz_combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.tz_combo.addItems(time_zones())
        _compact(self.tz_combo, 16)
        completer = QCompleter(QStringListModel(time_zones(), self), self)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        self.tz_combo.setCompleter(completer)
        self.tz_combo.setToolTip("An IANA time zone; type part of it, e.g. “Berlin”")

        identity = QFormLayout()
        identity.addRow("&Name:", self.name_edit)
        identity.addRow("&Time zone:", self.tz_combo)
        identity.itemAt(0, QFormLayout.ItemRole.LabelRole).widget().setBuddy(self.name_edit)

        self.day_edits: list[QLineEdit] = []
        hours_box = QGroupBox("Business hours (local time)")
        grid = QGridLayout(hours_box)
        for day, label in enumerate(WEEKDAYS):
            edit = QLineEdit()
            edit.setObjectName(f"hoursEdit{day}")
            edit.setPlaceholderText("closed")
            edit.setAccessibleName(f"{label} hours")
            edit.textEdited.connect(self._on_field_edited)
            caption = QLabel(f"{label}:")
            caption.setBuddy(edit)
            grid.addWidget(caption, day, 0)
            grid.addWidget(edit, day, 1, 1, 2)
            self.day_edits.append(edit)
        office = QPushButton("Mon–Fri 9–17")
        office.setToolTip("Monday to Friday 09:00–17:00, closed at the weekend")
        office.clicked.connect(self._on_office_clicked)
        always = QPushButton("24 × 7")
        always.setToolTip("Every day, all day")
        always.clicked.connect(self._on_always_clicked)
        grid.addWidget(office, 7, 1)
        grid.addWidget(always, 7, 2)
        hint = QLabel(
            "Several ranges: 09:00–12:00, 13:00–17:00. “all day” is the whole day; "
            "22:00–06:00 runs past midnight."
        )
        hint.setWordWrap(True)
        hint.setEnabled(False)
        grid.addWidget(hint, 8, 0, 1, 3)

        holidays_box = QGroupBox("Holidays (no business time)")
        self.country_combo = QComboBox()
        self.country_combo.setObjectName("holidayCountryCombo")
        self.country_combo.addItem("No public holidays", None)
        for code, name, _subdivisions in holiday_countries():
            self.country_combo.addItem(f"{name} ({code})", code)
        self.country_combo.setEditable(True)
        _compact(self.country_combo, 12)
        self.country_combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.country_combo.completer().setFilterMode(Qt.MatchFlag.MatchContains)
        self.country_combo.completer().setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        self.region_combo = QComboBox()
        self.region_combo.setObjectName("holidayRegionCombo")
        _compact(self.region_combo, 10)
        self.holiday_list = QListWidget()
        self.holiday_list.setObjectName("customHolidayList")
        self.holiday_list.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.holiday_list.setAccessibleName("Custom holidays")
        self.date_edit = QDateEdit(clock.today())
        self.date_edit.setObjectName("holidayDateEdit")
        self.date_edit.setCalendarPopup(True)
        self.date_edit.setDisplayFormat("yyyy-MM-dd")
        add = QPushButton("&Add date")
        add.clicked.connect(self._on_add_clicked)
        self.remove_button = QPushButton("&Remove")
        self.remove_button.clicked.connect(self._on_remove_clicked)
        holidays_form = QFormLayout()
        holidays_form.addRow("Country:", self.country_combo)
        holidays_form.addRow("Region:", self.region_combo)
        adder = QHBoxLayout()
        adder.addWidget(self.date_edit, 1)
        adder.addWidget(add)
        adder.addWidget(self.remove_button)
        holidays_layout = QVBoxLayout(holidays_box)
        holidays_layout.addLayout(holidays_form)
        holidays_layout.addWidget(QLabel("Custom dates:"))
        holidays_layout.addWidget(self.holiday_list, 1)
        holidays_layout.addLayout(adder)

        columns = QHBoxLayout()
        left = QVBoxLayout()
        left.addLayout(identity)
        left.addWidget(hours_box)
        left.addStretch(1)
        columns.addLayout(left, 3)
        columns.addWidget(holidays_box, 2)
        columns.setContentsMargins(0, 0, 0, 0)
        self.setLayout(columns)

        self.name_edit.textEdited.connect(self._on_name_edited)
        self.tz_combo.editTextChanged.connect(self._on_field_edited)
        self.country_combo.currentIndexChanged.connect(self._on_country_changed)
        self.region_combo.currentIndexChanged.connect(self._on_field_edited)

    # -- filling and reading -------------------------------------------------------

    def set_calendar(self, data: CalendarInput) -> None:
        blockers = [QSignalBlocker(w) for w in self._inputs()]
        self.stored_name = data.stored_name
        self.name_edit.setText(data.name)
        self.tz_combo.setEditText(data.tz)
        self.tz_combo.setCurrentIndex(self.tz_combo.findText(data.tz))
        for day, edit in enumerate(self.day_edits):
            edit.setText(format_hours(data.hours.get(day, ())))
        index = self.country_combo.findData(data.country) if data.country else 0
        self.country_combo.setCurrentIndex(max(index, 0))
        self._fill_regions(data.subdivision)
        self.holiday_list.clear()
        for day in sorted(data.holidays):
            self._add_holiday(day)
        del blockers

    def calendar_input(self, problems: dict[str, str]) -> CalendarInput | None:
        """The edited calendar, or None with what is wrong added to ``problems``."""
        name = self.name_edit.text().strip()
        label = f"Calendar “{name}”" if name else "A calendar"
        key = f"calendar:{self.stored_name or id(self)}"
        found: dict[str, str] = {}
        if not name:
            found[f"{key}.name"] = "A calendar needs a name."
        tz = self.tz_combo.currentText().strip()
        if tz not in available_timezones():
            found[f"{key}.tz"] = (
                f"Time zone for {label.lower() if not name else label}: “{tz}” is not an "
                "IANA time zone (e.g. Europe/Berlin)."
            )
        hours: dict[int, list[tuple[dt.time, dt.time]]] = {}
        for day, edit in enumerate(self.day_edits):
            try:
                hours[day] = parse_hours(edit.text())
            except HoursError as exc:
                found[f"{key}.hours.{day}"] = f"{WEEKDAYS[day]} hours for {label}: {exc}."
        if not found and not any(hours.values()):
            found[f"{key}.hours"] = f"{label}: give it business hours on at least one day."
        country = self.country_combo.currentData()
        if (
            self.country_combo.currentText().strip()
            and self.country_combo.findText(self.country_combo.currentText()) < 0
        ):
            found[f"{key}.country"] = (
                f"Public holidays for {label}: no country called "
                f"“{self.country_combo.currentText().strip()}”."
            )
        problems.update(found)
        if found:
            return None
        return CalendarInput(
            name,
            tz,
            {day: ranges for day, ranges in hours.items() if ranges},
            tuple(self.holidays()),
            country,
            self.region_combo.currentData() if country else None,
            stored_name=self.stored_name,
        )

    def holidays(self) -> list[dt.date]:
        return [
            self.holiday_list.item(row).data(Qt.ItemDataRole.UserRole)
            for row in range(self.holiday_list.count())
        ]

    def name(self) -> str:
        return self.name_edit.text().strip()

    # -- slots ---------------------------------------------------------------------

    def _inputs(self) -> list[QWidget]:
        return [
            self.name_edit,
            self.tz_combo,
            self.country_combo,
            self.region_combo,
            *self.day_edits,
        ]

    def _fill_regions(self, current: str | None = None) -> None:
        blocker = QSignalBlocker(self.region_combo)
        self.region_combo.clear()
        self.region_combo.addItem("Whole country", None)
        code = self.country_combo.currentData()
        for country, _name, subdivisions in holiday_countries():
            if country == code:
                for subdivision in subdivisions:
                    self.region_combo.addItem(subdivision, subdivision)
        self.region_combo.setCurrentIndex(max(self.region_combo.findData(current), 0))
        self.region_combo.setEnabled(self.region_combo.count() > 1)
        del blocker

    def _add_holiday(self, day: dt.date) -> None:
        if day in self.holidays():
            return
        item = QListWidgetItem(f"{day.isoformat()}  {day.strftime('%A')}")
        item.setData(Qt.ItemDataRole.UserRole, day)
        rows = [d for d in self.holidays() if d < day]
        self.holiday_list.insertItem(len(rows), item)

    def _on_add_clicked(self) -> None:
        before = self.holiday_list.count()
        self._add_holiday(self.date_edit.date().toPython())
        if self.holiday_list.count() != before:
            self.changed.emit()

    def _on_remove_clicked(self) -> None:
        items = self.holiday_list.selectedItems()
        for item in items:
            self.holiday_list.takeItem(self.holiday_list.row(item))
        if items:
            self.changed.emit()

    def _on_office_clicked(self) -> None:
        for day, edit in enumerate(self.day_edits):
            edit.setText("09:00–17:00" if day < 5 else "")
        self.changed.emit()

    def _on_always_clicked(self) -> None:
        for edit in self.day_edits:
            edit.setText("all day")
        self.changed.emit()

    def _on_country_changed(self, _index: int) -> None:
        self._fill_regions()
        self.changed.emit()

    def _on_name_edited(self, text: str) -> None:
        self.name_edited.emit(text.strip())
        self.changed.emit()

    def _on_field_edited(self, *_args: object) -> None:
        self.changed.emit()
