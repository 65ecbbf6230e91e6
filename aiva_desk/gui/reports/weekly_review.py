"""The weekly review tab of the Reports window: the SOP's five Continuous Improvement
questions for one ISO week, with the team's three notes (documentation, procedures,
training) saved with the week.

The report is read on a worker thread; notes are saved by a background write
(Save button or Ctrl+S). Notes not yet saved are kept per week: switching to
another week and back brings them back, still marked unsaved, and the window asks
before closing (:meth:`WeeklyReviewView.unsaved_weeks`).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QDateEdit,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QMenu,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QSplitter,
    QTextBrowser,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from aiva_desk import clock
from aiva_desk.app_context import AppContext
from aiva_desk.gui.common import theme
from aiva_desk.gui.errors import show_error
from aiva_desk.gui.tasks import BackgroundTask, LatestRead
from aiva_desk.reports import exports
from aiva_desk.reports.periods import iso_week_of
from aiva_desk.reports.weekly import ReviewNotes, WeeklyReport, save_notes, weekly_review

log = logging.getLogger(__name__)

# (field, the SOP's question)
NOTE_FIELDS = (
    ("documentation", "3. What could be documented better?"),
    ("procedures", "4. What new procedures are needed?"),
    ("training", "5. What training is needed?"),
)
EXPORT_FORMATS = (("md", "Markdown…"), ("html", "HTML…"), ("pdf", "PDF…"))
FILE_FILTERS = {"md": "Markdown (*.md)", "html": "HTML (*.html)", "pdf": "PDF (*.pdf)"}
ChoosePath = Callable[[str, str, str], Path | None]  # title, suggested name, filter
Exporter = Callable[[str, str, Path, str], None]  # html or text, fmt, path, footer


class WeeklyReviewView(QWidget):
    """Pick a week, read its review, write and save the team's notes.

    Signals:
        busy_changed(bool): a week is being read or notes are being saved.
        notes_saved(str): the notes of that week were saved.
    """

    busy_changed = Signal(bool)
    notes_saved = Signal(str)

    def __init__(
        self,
        context: AppContext,
        choose_path: ChoosePath,
        export: Exporter,
        parent: QWidget | None = None,
        *,
        today: dt.date | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("weeklyReviewView")
        self._context = context
        self._choose_path = choose_path
        self._export = export
        self._reads = LatestRead(self, "weekly")  # another week may be picked meanwhile
        self._saving = 0
        self.report: WeeklyReport | None = None
        self.week = ""
        self._saved = ReviewNotes()  # what the database holds for ``self.week``
        self._unsaved: dict[str, ReviewNotes] = {}  # other weeks' notes not yet saved
        self._filling = False

        today = today or clock.now().date()
        self.previous_button = QToolButton(self)
        self.previous_button.setObjectName("previousWeekButton")
        self.previous_button.setArrowType(Qt.ArrowType.LeftArrow)
        self.previous_button.setToolTip("The week before")
        self.previous_button.setAccessibleName("Previous week")
        self.date_edit = QDateEdit(self)
        self.date_edit.setObjectName("weekDateEdit")
        self.date_edit.setCalendarPopup(True)
        self.date_edit.setDisplayFormat("yyyy-MM-dd")
        self.date_edit.setToolTip("Any day of the week to review")
        self.date_edit.setAccessibleName("Day of the week to review")
        self.date_edit.setDate(QDate(today.year, today.month, today.day))
        self.next_button = QToolButton(self)
        self.next_button.setObjectName("nextWeekButton")
        self.next_button.setArrowType(Qt.ArrowType.RightArrow)
        self.next_button.setToolTip("The week after")
        self.next_button.setAccessibleName("Next week")
        self.this_week_button = QPushButton("This Week", self)
        self.this_week_button.setObjectName("thisWeekButton")
        self.this_week_button.setAutoDefault(False)
        self._today = today
        self.week_label = QLabel(self)
        self.week_label.setObjectName("weekLabel")
        self.busy_bar = QProgressBar(self)
        self.busy_bar.setObjectName("weeklyBusyBar")
        self.busy_bar.setRange(0, 0)
        self.busy_bar.setFixedWidth(90)
        self.busy_bar.setTextVisible(False)
        self.busy_bar.hide()
        self.export_button = QToolButton(self)
        self.export_button.setObjectName("weeklyExportButton")
        self.export_button.setText("Export Review")
        self.export_button.setToolTip(
            "Save the weekly review as Markdown, HTML or PDF, with the notes as shown"
        )
        self.export_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        menu = QMenu(self.export_button)
        for fmt, text in EXPORT_FORMATS:
            action = menu.addAction(text)
            action.setObjectName(f"weeklyExport_{fmt}")
            action.triggered.connect(lambda _=False, f=fmt: self.export_review(f))
        self.export_button.setMenu(menu)
        self.export_menu = menu

        top = QHBoxLayout()
        top.addWidget(QLabel("Week:", self))
        top.addWidget(self.previous_button)
        top.addWidget(self.date_edit)
        top.addWidget(self.next_button)
        top.addWidget(self.this_week_button)
        top.addSpacing(12)
        top.addWidget(self.week_label, 1)
        top.addWidget(self.busy_bar)
        top.addWidget(self.export_button)

        self.browser = QTextBrowser(self)
        self.browser.setObjectName("weeklyReviewBrowser")
        self.browser.setAccessibleName("Weekly review")
        self.browser.setOpenLinks(False)

        notes_box = QGroupBox("The team's notes", self)
        notes_box.setObjectName("weeklyNotesBox")
        form = QVBoxLayout(notes_box)
        self.note_edits: dict[str, QPlainTextEdit] = {}
        for name, question in NOTE_FIELDS:
            label = QLabel(f"<b>{question}</b>", notes_box)
            edit = QPlainTextEdit(notes_box)
            edit.setObjectName(f"{name}NotesEdit")
            edit.setAccessibleName(question)
            edit.setTabChangesFocus(True)
            edit.setPlaceholderText("Nothing noted yet")
            label.setBuddy(edit)
            edit.textChanged.connect(self._on_note_text_changed)
            form.addWidget(label)
            form.addWidget(edit, 1)
            self.note_edits[name] = edit
        self.save_status = QLabel(notes_box)
        self.save_status.setObjectName("notesSaveStatus")
        self.save_status.setWordWrap(True)
        self.save_button = QPushButton("&Save Notes", notes_box)
        self.save_button.setObjectName("saveNotesButton")
        self.save_button.setToolTip(f"Save this week's notes ({self._save_keys()})")
        buttons = QFormLayout()
        row = QHBoxLayout()
        row.addWidget(self.save_status, 1)
        row.addWidget(self.save_button)
        buttons.addRow(row)
        form.addLayout(buttons)

        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.setObjectName("weeklySplitter")
        self.splitter.addWidget(self.browser)
        self.splitter.addWidget(notes_box)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        self.splitter.setChildrenCollapsible(False)

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.splitter, 1)

        self.save_shortcut = QShortcut(QKeySequence.StandardKey.Save, self)
        self.save_shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.save_shortcut.activated.connect(self.save)
        self.save_button.clicked.connect(self.save)
        self.previous_button.clicked.connect(lambda: self._step(-7))
        self.next_button.clicked.connect(lambda: self._step(7))
        self.this_week_button.clicked.connect(self._on_this_week_clicked)
        self.date_edit.dateChanged.connect(self._on_date_edit_date_changed)
        self._set_notes_enabled(False)
        self._update_save_state()

    @staticmethod
    def _save_keys() -> str:
        return QKeySequence(QKeySequence.StandardKey.Save).toString(
            QKeySequence.SequenceFormat.NativeText
        )

    # -- the week ---------------------------------------------------------------------

    def start(self) -> None:
        """Read the week the date edit shows (called when the tab is first shown)."""
        if not self.week:
            self.load(iso_week_of(self.date_edit.date().toPython()))

    def _step(self, days: int) -> None:
        self.date_edit.setDate(self.date_edit.date().addDays(days))

    def _on_this_week_clicked(self) -> None:
        self.date_edit.setDate(QDate(self._today.year, self._today.month, self._today.day))

    def _on_date_edit_date_changed(self, date: QDate) -> None:
        week = iso_week_of(date.toPython())
        if week != self.week:
            self.load(week)

    def load(self, week: str) -> None:
        """Show ``week`` (``2026-W47``); notes typed for the week shown are kept."""
        if self.week and self.is_dirty():
            self._unsaved[self.week] = self.current_notes()
        elif self.week:
            self._unsaved.pop(self.week, None)
        self.week = week
        self.report = None
        self._set_notes_enabled(False)
        self.week_label.setText(f"<b>{week}</b> · reading…")
        self._set_busy(True)
        db = self._context.db
        self._reads.run(lambda: weekly_review(db, week), self._on_loaded, self._on_load_failed)

    def _on_loaded(self, report: WeeklyReport) -> None:
        self._set_busy(False)
        self.report = report
        self._saved = report.notes
        kept = self._unsaved.pop(report.week, None)
        self._fill(kept or report.notes)
        self._set_notes_enabled(True)
        first = report.period.start.date()
        last = report.period.end.date() - dt.timedelta(days=1)
        self.week_label.setText(
            f"<b>{report.week}</b> · {first:%d %b} – {last:%d %b %Y} · "
            f"{report.total_reported} tickets reported"
        )
        self._render()
        self._update_save_state()

    def _on_load_failed(self, exc: Exception) -> None:
        self._set_busy(False)
        self.week_label.setText(f"<b>{self.week}</b> · could not be read")
        show_error(self, exc)

    def _render(self) -> None:
        report = self.shown_report()
        if report is None:
            return
        bar = self.browser.verticalScrollBar()
        position = bar.value()
        self.browser.setHtml(exports.render_weekly(report, "html"))
        bar.setValue(position)

    # -- notes ------------------------------------------------------------------------

    def current_notes(self) -> ReviewNotes:
        return ReviewNotes(**{name: edit.toPlainText() for name, edit in self.note_edits.items()})

    def is_dirty(self) -> bool:
        return self.report is not None and _differ(self.current_notes(), self._saved)

    def unsaved_weeks(self) -> list[str]:
        """Every week with notes not saved yet (the one shown included)."""
        weeks = set(self._unsaved)
        if self.is_dirty():
            weeks.add(self.week)
        return sorted(weeks)

    def shown_report(self) -> WeeklyReport | None:
        """The week's report with the notes as typed (what an export contains)."""
        if self.report is None:
            return None
        return dataclasses.replace(self.report, notes=self.current_notes())

    def _fill(self, notes: ReviewNotes) -> None:
        self._filling = True
        try:
            for name, edit in self.note_edits.items():
                edit.setPlainText(getattr(notes, name))
        finally:
            self._filling = False

    def _on_note_text_changed(self) -> None:
        if not self._filling:
            self._update_save_state()

    def _set_notes_enabled(self, enabled: bool) -> None:
        for edit in self.note_edits.values():
            edit.setEnabled(enabled)
        self.export_button.setEnabled(enabled)
        self._update_save_state()

    def _update_save_state(self) -> None:
        dirty = self.is_dirty()
        self.save_button.setEnabled(dirty and not self._saving)
        others = sorted(set(self._unsaved) - {self.week})
        parts = []
        if self._saving:
            parts.append("Saving…")
        elif dirty:
            parts.append("Unsaved changes.")
        elif self.report is not None:
            parts.append("All notes saved.")
        if others:
            parts.append(f"Also unsaved: {', '.join(others)}.")
        self.save_status.setText(" ".join(parts))
        color = theme.error_color() if dirty or others else theme.muted_color()
        self.save_status.setStyleSheet(f"color: {color.name()};")

    def save(self) -> None:
        """Save the shown week's notes (a background write)."""
        if self.report is None or not self.is_dirty() or self._saving:
            return
        week, notes = self.week, self.current_notes()
        db, actor = self._context.db, self._context.actor
        self._saving += 1
        self._set_busy(True)
        self._update_save_state()
        BackgroundTask(
            lambda: save_notes(db, week, notes, actor=actor), parent=self, label="save notes"
        ).success(lambda _: self._on_saved(week, notes)).failure(
            self._on_save_failed
        ).run_in_background()

    def save_all(self, done: Callable[[bool], None]) -> None:
        """Save every week's unsaved notes; ``done(True)`` once all are saved."""
        pending = dict(self._unsaved)
        if self.is_dirty():
            pending[self.week] = self.current_notes()
        if not pending:
            done(True)
            return
        db, actor = self._context.db, self._context.actor
        shown = self.week

        def work() -> None:
            for week, notes in pending.items():
                save_notes(db, week, notes, actor=actor)

        def saved(_: object) -> None:
            for week in pending:
                self._unsaved.pop(week, None)
            if shown in pending:
                self._saved = pending[shown]
            self._update_save_state()
            done(True)

        def failed(exc: Exception) -> None:
            show_error(self, exc)
            done(False)

        BackgroundTask(work, parent=self, label="save all notes").success(saved).failure(
            failed
        ).run_in_background()

    def _on_saved(self, week: str, notes: ReviewNotes) -> None:
        self._saving -= 1
        self._set_busy(False)
        self._unsaved.pop(week, None)
        if week == self.week and self.report is not None:
            self._saved = notes
            self.report = dataclasses.replace(self.report, notes=notes)
            self._render()
        self._update_save_state()
        now = clock.local_now().strftime("%H:%M")
        if not self.is_dirty():
            self.save_status.setText(f"Saved at {now}.")
        self.notes_saved.emit(week)

    def _on_save_failed(self, exc: Exception) -> None:
        self._saving -= 1
        self._set_busy(False)
        self._update_save_state()
        show_error(self, exc)

    def _set_busy(self, busy: bool) -> None:
        self.busy_bar.setVisible(busy or self._saving > 0)
        self.busy_changed.emit(busy)

    # -- export -----------------------------------------------------------------------

    def export_review(self, fmt: str) -> None:
        report = self.shown_report()
        if report is None:
            return
        path = self._choose_path(
            "Export Weekly Review", f"weekly-review-{report.week}.{fmt}", FILE_FILTERS[fmt]
        )
        if path is None:
            return
        text = exports.render_weekly(report, "md" if fmt == "md" else "html")
        self._export(text, fmt, path, f"Weekly review {report.week}")


def _differ(a: ReviewNotes, b: ReviewNotes) -> bool:
    """Saved notes are stripped, so surrounding blanks are no change."""
    return any(getattr(a, name).strip() != getattr(b, name).strip() for name, _ in NOTE_FIELDS)
