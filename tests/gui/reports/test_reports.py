"""The Reports window on the hand-made week of helpers/report_week.py: the table shows what
compute_metrics says, grouping and range changes recompute (stale results dropped),
a bar click lists its tickets, weekly notes save and come back, exports write files
that parse back, and the ticket export reports progress from its worker thread."""

from __future__ import annotations

import csv
import datetime as dt
import shutil
import subprocess
import threading
import zipfile

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QMessageBox, QPushButton

from aiva_desk.gui import tasks
from aiva_desk.gui.reports.exports import ReportExporter
from aiva_desk.gui.reports.window import (
    COLUMNS,
    LAST_WEEK,
    THIS_QUARTER,
    THIS_WEEK,
    ReportsWindow,
    preset_range,
)
from aiva_desk.reports import exports, series
from aiva_desk.reports.metrics import compute_metrics
from aiva_desk.reports.periods import Period
from aiva_desk.reports.weekly import weekly_review
from tests.helpers.report_week import WEEK

pytestmark = pytest.mark.time_sensitive  # run again at other instants and zones

pytest_plugins = ("tests.helpers.report_week",)  # the hand-made week

WAIT_MS = 10_000
FIRST, LAST = dt.date(2026, 11, 16), dt.date(2026, 11, 22)
RANGE = Period.days(FIRST, LAST)  # WEEK, as days


@pytest.fixture
def window(qtbot, context, tmp_path):
    settings = QSettings(str(tmp_path / "reports.ini"), QSettings.Format.IniFormat)
    win = ReportsWindow(context, settings=settings, today=dt.date(2026, 11, 25))
    win.ask_unsaved = lambda weeks: QMessageBox.StandardButton.Discard
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    settle(qtbot, win)
    yield win
    assert tasks.wait_for_idle(WAIT_MS)


def settle(qtbot, win):
    qtbot.waitUntil(lambda: not win.busy, timeout=WAIT_MS)
    assert tasks.wait_for_idle(WAIT_MS)


def show_week(qtbot, win, group_by=None):
    win.set_grouping(group_by)
    win.set_range(FIRST, LAST)
    settle(qtbot, win)
    assert win.data is not None and win.data.period == RANGE


def cell(win, row, header, band=""):
    column = next(i for i, c in enumerate(COLUMNS) if c.header == header and c.band == band)
    return win.model.index(row, column).data()


def test_presets_name_the_usual_ranges():
    wednesday = dt.date(2026, 11, 25)
    assert preset_range(THIS_WEEK, wednesday) == (dt.date(2026, 11, 23), wednesday)
    assert preset_range(LAST_WEEK, wednesday) == (FIRST, LAST)
    assert preset_range(THIS_QUARTER, wednesday) == (dt.date(2026, 10, 1), wednesday)


def test_the_table_shows_compute_metrics_and_grouping_recomputes(
    qtbot,
    qtmodeltester,
    context,
    week,
    window,
):
    window.preset_combo.setCurrentText(LAST_WEEK)  # 16-22 November, like WEEK
    settle(qtbot, window)
    assert window.data.period == RANGE and window.preset_combo.currentText() == LAST_WEEK
    qtmodeltester.check(window.model)
    report = compute_metrics(context.db, WEEK)
    assert window.model.rowCount() == 1  # no grouping: the total only
    total = report.total
    assert cell(window, 0, "Group") == "All tickets"
    assert cell(window, 0, "average", "First response") == exports.human(
        total.first_response.average
    )
    assert cell(window, 0, "median", "Resolution") == exports.human(total.resolution.median)
    assert cell(window, 0, "p90", "Resolution") == exports.human(total.resolution.p90)
    assert cell(window, 0, "n", "First response") == "3"
    assert cell(window, 0, "not avg.", "First response") == "2"  # 1 awaiting, 1 impossible
    assert cell(window, 0, "SLA\ncompliance") == "66.7% of 3"
    assert cell(window, 0, "Satisfaction\n(1–5)") == "3.67 (n 3)"
    assert cell(window, 0, "Self-service\nrate") == "25.0% of 4"
    header_tip = window.model.headerData(
        [c.header for c in COLUMNS].index("Escalation\nrate"),
        Qt.Orientation.Horizontal,
        Qt.ItemDataRole.ToolTipRole,
    )
    assert "escalated at least once" in header_tip
    assert "1 tickets awaiting a first response" in window.not_averaged_label.text()
    assert "1 impossible timestamps" in window.not_averaged_label.text()
    assert window.anomaly_list.count() == 1 and window.anomaly_list.isVisibleTo(window)

    with qtbot.waitSignal(window.dashboard_updated, timeout=WAIT_MS):
        window.group_combo.setCurrentIndex(window.group_combo.findData("category"))
    grouped = compute_metrics(context.db, WEEK, "category")
    assert window.model.group_names() == [g.group for g in grouped.groups] + ["All tickets"]
    billing = window.model.group_names().index("Billing")
    assert cell(window, billing, "SLA\ncompliance") == "100.0% of 2"
    qtmodeltester.check(window.model)


def test_a_result_for_a_range_changed_meanwhile_is_dropped(
    qtbot,
    window,
    week,
):
    window.set_range(dt.date(2026, 1, 1), dt.date(2026, 11, 30))
    window.set_range(FIRST, LAST)  # before the first result arrives
    settle(qtbot, window)
    assert window.data.period == RANGE
    assert window.model.report.period == RANGE
    window.from_edit.setDate(window.to_edit.date().addDays(1))  # end before start
    qtbot.waitUntil(lambda: "before the start" in window.state_label.text(), timeout=WAIT_MS)
    assert window.data.period == RANGE  # the last good result stays


def test_clicking_a_bar_lists_its_tickets_and_double_click_opens_one(
    qtbot,
    context,
    window,
    week,
):
    show_week(qtbot, window)
    view = window.charts[series.VOLUME]
    index = [p.key for p in view.series.points].index("2026-11-17")
    with qtbot.waitSignal(window.tickets_listed, timeout=WAIT_MS):
        qtbot.mouseClick(
            view.viewport(), Qt.MouseButton.LeftButton, pos=view.position_of(index).toPoint()
        )
    expected = context.tickets.id_for_number(week[2])
    assert window.listed_ticket_ids() == [expected]
    assert "Reported on 2026-11-17" in window.ticket_list_title.text()

    window.chart_tabs.setCurrentWidget(window.charts[series.CATEGORY])
    categories = window.charts[series.CATEGORY]
    billing = [p.label for p in categories.series.points].index("Billing")
    with qtbot.waitSignal(window.tickets_listed, timeout=WAIT_MS):
        qtbot.mouseClick(
            categories.viewport(),
            Qt.MouseButton.LeftButton,
            pos=categories.position_of(billing).toPoint(),
        )
    billing_ids = [context.tickets.id_for_number(week[k]) for k in (1, 4)]
    assert window.listed_ticket_ids() == billing_ids

    item = window.ticket_list.topLevelItem(1)
    rect = window.ticket_list.visualItemRect(item)
    viewport = window.ticket_list.viewport()
    qtbot.mouseClick(viewport, Qt.MouseButton.LeftButton, pos=rect.center())
    with qtbot.waitSignal(window.ticket_requested, timeout=WAIT_MS) as opened:
        qtbot.mouseDClick(
            window.ticket_list.viewport(), Qt.MouseButton.LeftButton, pos=rect.center()
        )
    assert opened.args == [billing_ids[1]]


def test_weekly_notes_save_with_ctrl_s_and_survive_switching_weeks(
    qtbot,
    context,
    window,
    week,
):
    review = window.weekly
    window.tabs.setCurrentWidget(review)
    review.date_edit.setDate(FIRST)  # W47
    qtbot.waitUntil(lambda: review.report is not None and review.week == "2026-W47")
    assert "Weekly review — 2026-W47" in review.browser.toPlainText()
    assert "1. What were the most common issues?" in review.browser.toPlainText()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=WAIT_MS)
    edit = review.note_edits["documentation"]
    edit.setFocus()
    qtbot.keyClicks(edit, "KB article on webhooks")
    assert review.is_dirty() and review.save_button.isEnabled()
    with qtbot.waitSignal(review.notes_saved, timeout=WAIT_MS):
        qtbot.keySequence(edit, QKeySequence.StandardKey.Save)
    assert weekly_review(context.db, "2026-W47").notes.documentation == "KB article on webhooks"
    assert not review.is_dirty() and "Team notes: KB article on webhooks" in (
        review.browser.toPlainText()
    )

    qtbot.keyClicks(review.note_edits["training"], "SLA pauses")
    qtbot.mouseClick(review.previous_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: review.report is not None and review.week == "2026-W46")
    assert review.note_edits["training"].toPlainText() == ""
    assert review.unsaved_weeks() == ["2026-W47"]
    assert "Also unsaved: 2026-W47" in review.save_status.text()
    qtbot.mouseClick(review.next_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: review.report is not None and review.week == "2026-W47")
    assert review.note_edits["training"].toPlainText() == "SLA pauses"
    assert review.is_dirty()

    asked = []
    window.ask_unsaved = lambda weeks: asked.append(weeks) or QMessageBox.StandardButton.Save
    assert window.close()  # saved, then closed: a quit that closes this window goes on
    assert not window.isVisible()
    assert asked == [["2026-W47"]]
    notes = weekly_review(context.db, "2026-W47").notes
    assert (notes.documentation, notes.training) == ("KB article on webhooks", "SLA pauses")


def test_exports_write_files_that_parse_back(
    qtbot,
    window,
    week,
    tmp_path,
):
    show_week(qtbot, window, "category")
    target = {}
    window.choose_path = lambda title, name, filters: target["path"]

    target["path"] = tmp_path / "metrics.csv"
    with qtbot.waitSignal(window.export_finished, timeout=WAIT_MS):
        window.export_button.menu().actions()[1].trigger()  # CSV for Excel
    raw = target["path"].read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(raw.decode("utf-8-sig").splitlines()))
    assert [r["group"] for r in rows] == window.model.group_names()
    assert rows[-1]["sla_hits"] == "2" and rows[-1]["sla_total"] == "3"

    target["path"] = tmp_path / "metrics.xlsx"
    with qtbot.waitSignal(window.export_finished, timeout=WAIT_MS):
        window.export_button.menu().actions()[2].trigger()  # Excel Workbook (XLSX)
    with zipfile.ZipFile(target["path"]) as workbook:  # a real workbook, one sheet
        assert "xl/worksheets/sheet1.xml" in workbook.namelist()
        assert b"Agent Issues" in workbook.read("xl/worksheets/sheet1.xml")

    target["path"] = tmp_path / "metrics.pdf"
    with qtbot.waitSignal(window.export_finished, timeout=WAIT_MS):
        window.export_metrics("pdf")
    assert target["path"].read_bytes().startswith(b"%PDF")
    if shutil.which("pdftotext"):
        text = subprocess.run(
            ["pdftotext", str(target["path"]), "-"], capture_output=True, text=True, check=True
        ).stdout
        assert "Quality metrics 2026-11-16 – 2026-11-22" in text
        assert "Page 1 of" in text
        assert "Tickets reported per day" in text  # the charts' headings

    target["path"] = tmp_path / "metrics.html"
    with qtbot.waitSignal(window.export_finished, timeout=WAIT_MS):
        window.export_metrics("html")
    html = target["path"].read_text(encoding="utf-8")
    assert html.count('src="data:image/png;base64,') == len(series.SERIES)

    review = window.weekly
    window.tabs.setCurrentWidget(review)
    review.date_edit.setDate(FIRST)
    qtbot.waitUntil(lambda: review.report is not None and review.week == "2026-W47")
    review.note_edits["procedures"].setPlainText("Check webhooks weekly")
    target["path"] = tmp_path / "weekly.md"
    with qtbot.waitSignal(window.export_finished, timeout=WAIT_MS):
        review.export_review("md")
    markdown = target["path"].read_text(encoding="utf-8")
    assert "2026-W47" in markdown and "Check webhooks weekly" in markdown  # notes as shown
    target["path"] = tmp_path / "weekly.pdf"
    with qtbot.waitSignal(window.export_finished, timeout=WAIT_MS):
        review.export_review("pdf")
    assert target["path"].read_bytes().startswith(b"%PDF")
    review.note_edits["procedures"].setPlainText("")


def test_the_ticket_export_reports_progress_from_its_worker(
    qtbot,
    window,
    week,
    tmp_path,
    monkeypatch,
):
    monkeypatch.setattr(exports, "BATCH", 2)
    threads, progress = [], []
    original_export = exports.export_tickets
    original_progressed = ReportExporter._on_ticket_export_progressed

    def export_tickets(*args, **kwargs):
        threads.append(threading.current_thread())
        return original_export(*args, **kwargs)

    def progressed(self, done, total):
        progress.append((done, total, threading.current_thread() is threading.main_thread()))
        original_progressed(self, done, total)

    monkeypatch.setattr(exports, "export_tickets", export_tickets)
    monkeypatch.setattr(ReportExporter, "_on_ticket_export_progressed", progressed)
    path = tmp_path / "tickets.csv"
    window.choose_path = lambda title, name, filters: path
    with qtbot.waitSignal(window.export_finished, timeout=WAIT_MS):
        window.export_all_tickets("csv")
        assert window.ticket_export is not None and window.ticket_export.isVisible()
        assert not window.tickets_export_button.isEnabled()
    assert threads and threads[0] is not threading.main_thread()
    assert progress == [(2, 6, True), (4, 6, True), (6, 6, True)]
    rows = list(csv.DictReader(path.read_text(encoding="utf-8").splitlines()))
    assert sorted(int(r["number"]) for r in rows) == sorted(week.values())
    assert window.ticket_export is None and window.tickets_export_button.isEnabled()
    assert "Exported 6 tickets" in window.statusBar().currentMessage()


def test_a_cancelled_ticket_export_writes_nothing(
    qtbot,
    window,
    week,
    tmp_path,
    monkeypatch,
):
    monkeypatch.setattr(exports, "BATCH", 1)
    go = threading.Event()
    original_export = exports.export_tickets

    def export_tickets(*args, **kwargs):
        assert go.wait(WAIT_MS / 1000)  # starts only once Cancel was pressed
        return original_export(*args, **kwargs)

    monkeypatch.setattr(exports, "export_tickets", export_tickets)
    path = tmp_path / "tickets.json"
    window.choose_path = lambda title, name, filters: path
    window.export_all_tickets("json")
    cancel = window.ticket_export.findChild(QPushButton)
    qtbot.mouseClick(cancel, Qt.MouseButton.LeftButton)
    go.set()
    qtbot.waitUntil(lambda: window.ticket_export is None, timeout=WAIT_MS)
    assert not path.exists()
    assert "cancelled" in window.statusBar().currentMessage()
