"""SLA signals in the window, driven like an agent: the tray menu lists what needs action
now, the no-tray banner lists every notice by severity (each opens its ticket), the queue
and the editor header name the same next deadline, and saving a ticket arms its alert at
once instead of at the next minute's poll."""

import datetime as dt

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from aiva_desk.domain import Direction, Priority
from aiva_desk.gui import tasks
from aiva_desk.gui.common import theme
from aiva_desk.gui.common.theme import SlaState
from aiva_desk.gui.main.alert_banner import VISIBLE_LINES
from aiva_desk.gui.main.alert_wiring import AlertWiring
from aiva_desk.gui.main.sla_alerts import SlaAlertCenter
from aiva_desk.gui.main.tray import Notice, TrayIcon, notices_for
from aiva_desk.gui.queue.model import SLA
from aiva_desk.sla.deadlines import DeadlineKind
from aiva_desk.sla.scheduler import SlaAlertEvent
from aiva_desk.tickets.service import NewTicket
from aiva_desk.tickets.workflow import Action
from tests.helpers.editor_helpers import choose
from tests.helpers.queue_gui_helpers import open_window, settle
from tests.helpers.sla_story import make_urgency_story

pytestmark = pytest.mark.time_sensitive  # run again at other instants and zones

pytest_plugins = ["tests.helpers.queue_gui_fixtures"]

MIN = dt.timedelta(minutes=1)
CLICK = Qt.MouseButton.LeftButton


@pytest.fixture(autouse=True)
def restore_quit_on_close():
    yield
    QApplication.setQuitOnLastWindowClosed(True)


def _outage(context, subject="Platform down", **fields):
    service = context.tickets
    outage = next(c for c in service.categories() if c.name == "System Outage")
    return service.create(
        NewTicket(subject, "Ann", "ann@example.com", outage.id, "All down", **fields)
    )


def _evaluate(qtbot, center):
    with qtbot.waitSignal(center.summary_changed, timeout=10_000):
        center.evaluate()
    tasks.wait_for_idle()


def _no_tray(window, context):
    wiring = AlertWiring(
        window, context, tray_available=lambda: False, ask_quit=lambda _window: True
    )
    wiring.start()
    tasks.wait_for_idle()
    return wiring


def test_tray_menu_lists_live_tickets_first_and_summarises_long_overdue(qtbot, context, clock):
    now = clock.now = clock.now
    refs = make_urgency_story(context, now)
    tray = TrayIcon(available=lambda: True)
    center = SlaAlertCenter(context.db)
    center.summary_changed.connect(tray.update_summary)
    _evaluate(qtbot, center)
    tray.menu.aboutToShow.emit()  # the menu is filled as it opens
    labels = [action.text() for action in tray.menu.actions() if action.text()]
    listed = [text for text in labels if text.startswith("#")]
    # The live P1s first (escalation in 12 min, then one missed 2 h ago), then the P2s;
    # the ticket 40 days overdue is only counted.
    expected = [f"#{refs[i].number} (P{p})" for i, p in ((1, 1), (4, 1), (2, 2), (3, 2))]
    assert [" ".join(text.split()[:2]) for text in listed] == expected
    assert "Escalation due in 12 min" in listed[0]
    assert "and 1 long overdue" in labels
    assert "3 breached" in tray.icon.toolTip()
    first = next(action for action in tray.menu.actions() if action.text() == listed[0])
    with qtbot.waitSignal(tray.ticket_requested) as opened:
        first.trigger()
    assert opened.args == [refs[1].id]


def test_banner_lists_every_notice_by_severity_and_each_opens_its_ticket(
    qtbot, context, settings, clock, shown_errors
):
    t0 = clock.now = clock.now
    outage = _outage(context)
    other = _outage(context, "Login page blank")
    window = open_window(qtbot, context, settings)
    wiring = _no_tray(window, context)
    banner = wiring.banner
    assert not banner.isVisible()

    clock.now = t0 + 16 * MIN  # neither P1 escalated within a quarter of an hour
    _evaluate(qtbot, wiring.center)
    # As the mailboxes tell them: a new ticket (info), then a customer's URGENT (warning).
    wiring.tray.notify_notice(Notice("New tickets", "1 new ticket", other.id), critical=False)
    wiring.tray.notify_notice(Notice("URGENT", "URGENT from Ann", outage.id), critical=True)
    notices = banner.notices()  # missed deadlines first, then warnings, then information
    assert [n.severity for n in notices] == ["breached", "breached", "warning", "info"]
    assert {n.ticket_id for n in notices[:2]} == {outage.id, other.id}
    assert all("Escalation deadline missed" in n.text for n in notices[:2])  # not replaced
    red = theme.sla_color(SlaState.BREACHED).name()
    amber = theme.sla_color(SlaState.DUE_SOON).name()
    assert red in banner.line(0).text_button.styleSheet()
    assert amber in banner.line(2).text_button.styleSheet()
    assert red not in banner.line(3).text_button.styleSheet()
    assert banner.more_button.text() == "1 more…" and not banner.line(3).isVisible()
    qtbot.mouseClick(banner.more_button, CLICK)
    assert banner.line(3).isVisible()

    # The new-ticket notice opens its ticket and is done; the others stay.
    qtbot.mouseClick(banner.line(3).text_button, CLICK)
    qtbot.waitUntil(lambda: window.ticket_tabs.current_ticket_id() == other.id, timeout=10_000)
    assert [n.severity for n in banner.notices()] == ["breached", "breached", "warning"]
    # Dismissing the URGENT line opens nothing.
    qtbot.mouseClick(banner.line(2).dismiss_button, CLICK)
    assert len(banner.notices()) == 2 and window.ticket_tabs.current_ticket_id() == other.id

    # Beyond a few lines the rest fold into "N more".
    for n in range(4):
        banner.add_notice(f"Notice {n}", "info", None)
    assert len(banner.notices()) == 6
    visible = [banner.line(i).isVisible() for i in range(6)]
    assert visible == [True] * VISIBLE_LINES + [False] * (6 - VISIBLE_LINES)
    assert banner.more_button.isVisible() and banner.more_button.text() == "3 more…"
    qtbot.mouseClick(banner.more_button, CLICK)
    assert all(banner.line(i).isVisible() for i in range(6))
    qtbot.mouseClick(banner.dismiss_all_button, CLICK)
    assert banner.notices() == [] and not banner.isVisible()


def test_queue_and_header_name_the_same_next_deadline(
    qtbot, context, settings, clock, shown_errors
):
    t0 = clock.now = clock.now
    service = context.tickets
    ref = _outage(context, reported_at=t0)
    service.escalate(ref.id, 1, "Outage")
    service.perform(ref.id, Action.ACKNOWLEDGE)
    service.add_communication(
        ref.id, direction=Direction.OUTBOUND, subject="On it", body="x", at=t0 + 5 * MIN
    )
    clock.now = t0 + 10 * MIN  # the next update is due 30 min after the reply
    window = open_window(qtbot, context, settings)
    window.show_ticket(ref.id)
    settle(qtbot, window)
    editor = window.ticket_tabs.current_editor()
    qtbot.waitUntil(lambda: editor.ticket is not None, timeout=10_000)
    row = window.model.row_of(ref.id)
    assert window.model.index(row, SLA).data() == "Update 25 min"
    assert "Update due in 25 min" in editor.header.summary.text()

    clock.now = t0 + 50 * MIN  # both count down, to the same overdue update
    window.model.tick()
    editor.header.tick_timer.timeout.emit()
    assert window.model.index(row, SLA).data() == "Update −15 min"
    assert "Update overdue by 15 min" in editor.header.summary.text()


def test_saving_a_ticket_arms_its_alert_at_once(qtbot, context, settings, clock, shown_errors):
    t0 = clock.now = clock.now
    # Reported almost five minutes ago as a P3: no alert for a while yet.
    ref = context.tickets.create(
        NewTicket(
            "Reports are slow",
            "Ann",
            "ann@example.com",
            next(c for c in context.tickets.categories() if c.default_priority == 3).id,
            "Slow",
            reported_at=t0 - 5 * MIN + dt.timedelta(seconds=5),
        )
    )
    window = open_window(qtbot, context, settings)
    wiring = _no_tray(window, context)
    center = wiring.center
    qtbot.waitUntil(lambda: center.summary is not None, timeout=10_000)
    assert center.wake_at is None or center.wake_at > t0 + 10 * MIN

    # Triaged as a P1: escalate within 15 min of the report, warned 10 min before.
    window.show_ticket(ref.id)
    settle(qtbot, window)
    editor = window.ticket_tabs.current_editor()
    qtbot.waitUntil(lambda: editor.ticket is not None, timeout=10_000)
    choose(qtbot, editor.fields["priority"].widget, "P1")
    with qtbot.waitSignal(window.ticket_tabs.ticket_saved, timeout=10_000):
        qtbot.mouseClick(editor.header.save_button, CLICK)
    due = t0 + dt.timedelta(seconds=5)
    qtbot.waitUntil(lambda: center.wake_at == due, timeout=10_000)
    assert 0 <= center.wake_timer.remainingTime() <= 5_000  # not the minute's poll

    clock.now = due
    with qtbot.waitSignal(center.alerts_raised, timeout=10_000) as raised:
        center.wake_timer.timeout.emit()  # the armed timer going off at that moment
    [event] = raised.args[0]
    assert (event.ticket_id, event.kind.value, event.level) == (ref.id, "escalation", "warning-1")
    qtbot.waitUntil(lambda: bool(wiring.banner.notices()), timeout=10_000)
    assert wiring.banner.notices()[0].severity == "warning"


def test_a_tickets_newer_notice_replaces_its_stale_ones(qtbot, context, settings, clock):
    outage = _outage(context)
    window = open_window(qtbot, context, settings)
    banner = _no_tray(window, context).banner
    banner.add_notice("#1 (P1): Escalation due in 9 min", "warning", outage.id)
    banner.add_notice("New reply on #1", "info", outage.id)  # less severe: both stay
    banner.add_notice("#1 (P1): Escalation due in 3 min", "warning", outage.id)
    assert [n.text for n in banner.notices()] == [
        "#1 (P1): Escalation due in 3 min",
        "New reply on #1",
    ]
    banner.add_notice("#1 (P1): Escalation deadline missed", "breached", outage.id)
    banner.add_notice("#1 (P1): Resolution deadline missed", "breached", outage.id)
    banner.add_notice("Unrelated", "warning", None)
    assert [n.text for n in banner.notices()] == [  # two clocks missed: both stay
        "#1 (P1): Resolution deadline missed",
        "#1 (P1): Escalation deadline missed",
        "Unrelated",
        "New reply on #1",
    ]


def test_a_summary_of_many_alerts_names_the_one_that_needs_action_now():
    now = dt.datetime(2026, 12, 7, 23, 0, tzinfo=dt.UTC)

    def event(number, priority, due, level="breach"):
        kind = DeadlineKind.ESCALATION
        return SlaAlertEvent(number, number, "s", priority, kind, level, now + due)

    events = [
        event(1011, Priority.P1, -dt.timedelta(days=52)),  # long dead
        event(1020, Priority.P3, -dt.timedelta(minutes=5)),
        event(1030, Priority.P1, -dt.timedelta(minutes=1)),  # the live P1, just missed
        event(1040, Priority.P1, dt.timedelta(minutes=9), "warning-1"),
    ]
    [summary] = notices_for(events, now)
    assert summary.ticket_id == 1030 and "Most urgent: #1030 (P1)" in summary.text
