"""SLA alerts in the GUI: the alert center with an injected clock, the tray's notices,
snooze, dedupe, click-to-open, and the banner fallback where no tray exists."""

import datetime as dt

import pytest

from aiva_desk.gui import tasks
from aiva_desk.gui.main.sla_alerts import SlaAlertCenter
from aiva_desk.gui.main.tray import TrayIcon, notices_for
from aiva_desk.tickets.service import NewTicket

pytestmark = pytest.mark.time_sensitive  # run again at other instants and zones

T0 = dt.datetime(2026, 11, 26, 9, tzinfo=dt.UTC)
MIN = dt.timedelta(minutes=1)


@pytest.fixture
def clock(clock):
    clock.now = T0
    return clock


def _outage(context, subject="Platform down"):
    service = context.tickets
    outage = next(c for c in service.categories() if c.name == "System Outage")
    ref = service.create(NewTicket(subject, "Ann", "ann@example.com", outage.id, "down"))
    service.escalate(ref.id, 1, "Outage")  # so only the acknowledge clock speaks first
    return ref


def _evaluate(qtbot, center):
    with qtbot.waitSignal(center.summary_changed, timeout=10_000):
        center.evaluate()
    tasks.wait_for_idle()


def test_alerts_are_raised_once_and_snooze_holds_them(qtbot, context, clock):
    ref = _outage(context)
    center = SlaAlertCenter(context.db)
    raised = []
    center.alerts_raised.connect(raised.append)
    _evaluate(qtbot, center)
    assert raised == []  # nothing due at the moment the ticket arrived

    clock.now = T0 + 21 * MIN  # past 75 % of the 30-minute acknowledge window
    _evaluate(qtbot, center)
    # A P1 must be acknowledged and answered within 30 minutes: both clocks warn.
    assert {(e.ticket_id, e.kind.value, e.level) for e in raised[0]} == {
        (ref.id, "acknowledge", "warning-1"),
        (ref.id, "first_response", "warning-1"),
    }
    _evaluate(qtbot, center)
    assert len(raised) == 1  # not repeated

    center.snooze(15)
    clock.now = T0 + 31 * MIN
    _evaluate(qtbot, center)
    assert len(raised) == 1 and center.snoozed_until == T0 + 36 * MIN
    center._on_snooze_ended()  # the snooze timer firing
    assert {e.level for e in raised[1]} == {"breach"}
    assert center.summary.breached == 1


def test_tray_menu_notices_and_click_to_open(qtbot, context, clock):
    ref = _outage(context)
    tray = TrayIcon(available=lambda: True)
    center = SlaAlertCenter(context.db)
    center.summary_changed.connect(tray.update_summary)
    center.alerts_raised.connect(tray.notify)
    clock.now = T0 + 40 * MIN
    _evaluate(qtbot, center)
    assert "1 breached" in tray.icon.toolTip()
    tray.rebuild_menu()
    labels = [a.text() for a in tray.menu.actions() if a.text()]
    assert labels[0] == "Open AIVA Desk" and labels[-1] == "Quit"
    assert any(text.startswith("#1001 (P1) Acknowledge overdue by 10 min") for text in labels)
    assert tray.shown and tray.shown[-1].ticket_id == ref.id
    with qtbot.waitSignal(tray.ticket_requested) as opened:
        tray.icon.messageClicked.emit()
    assert opened.args == [ref.id]
    urgent = next(a for a in tray.menu.actions() if a.text().startswith("#1001"))
    with qtbot.waitSignal(tray.ticket_requested) as opened:
        urgent.trigger()
    assert opened.args == [ref.id]
    snooze_menu = next(a for a in tray.menu.actions() if a.text() == "Snooze alerts").menu()
    with qtbot.waitSignal(tray.snooze_requested) as snoozed:
        snooze_menu.actions()[1].trigger()
    assert snoozed.args == [30]


def test_without_a_tray_notices_become_banners(qtbot, context, clock):
    _outage(context)
    tray = TrayIcon(available=lambda: False)
    center = SlaAlertCenter(context.db)
    center.alerts_raised.connect(tray.notify)
    banners = []
    tray.fallback_notice.connect(lambda text, tid, severity: banners.append((text, tid, severity)))
    clock.now = T0 + 40 * MIN
    _evaluate(qtbot, center)
    assert banners and "Acknowledge deadline missed" in banners[0][0]
    assert banners[0][2] == "breached"


def test_many_alerts_at_once_make_one_summary_notice(context, clock):
    from aiva_desk.sla.deadlines import DeadlineKind
    from aiva_desk.sla.scheduler import SlaAlertEvent

    events = [
        SlaAlertEvent(i, 1000 + i, f"T{i}", None, DeadlineKind.RESOLUTION, "breach", T0)
        for i in range(5)
    ] + [SlaAlertEvent(0, 1000, "T0", None, DeadlineKind.NEXT_UPDATE, "warning-1", T0)]
    [notice] = notices_for(events, T0 + MIN)
    assert notice.text.startswith("6 SLA alerts on 5 tickets, 5 with a deadline missed")
    assert notice.ticket_id == 0
