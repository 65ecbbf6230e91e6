"""The tray, the alert center and the main window together: notifications open their
ticket, closing hides to the tray (hint once), and without a tray alerts show as a banner
and closing asks first."""

import datetime as dt

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from aiva_desk.gui import tasks
from aiva_desk.gui.main.alert_wiring import AlertWiring
from aiva_desk.tickets.service import NewTicket
from tests.helpers.queue_gui_helpers import open_window

pytestmark = pytest.mark.time_sensitive  # run again at other instants and zones

pytest_plugins = ["tests.helpers.queue_gui_fixtures"]

T0 = dt.datetime(2026, 11, 26, 9, tzinfo=dt.UTC)


def _outage(context):
    service = context.tickets
    outage = next(c for c in service.categories() if c.name == "System Outage")
    ref = service.create(NewTicket("Platform down", "Ann", "ann@example.com", outage.id, "x"))
    service.escalate(ref.id, 1, "Outage")
    return ref


def _evaluate(qtbot, wiring):
    with qtbot.waitSignal(wiring.center.summary_changed, timeout=10_000):
        wiring.center.evaluate()
    tasks.wait_for_idle()


@pytest.fixture(autouse=True)
def restore_quit_on_close():
    yield
    QApplication.setQuitOnLastWindowClosed(True)


@pytest.fixture
def clock(clock):
    clock.now = T0
    return clock


def test_with_a_tray_alerts_notify_open_and_closing_hides(
    qtbot, context, settings, clock, shown_errors
):
    ref = _outage(context)
    window = open_window(qtbot, context, settings)
    wiring = AlertWiring(window, context, tray_available=lambda: True)
    wiring.start()
    tasks.wait_for_idle()
    clock.now = T0 + dt.timedelta(minutes=40)
    _evaluate(qtbot, wiring)
    assert wiring.tray.shown and wiring.tray.shown[-1].ticket_id == ref.id
    assert not wiring.banner.isVisible()
    wiring.tray.icon.messageClicked.emit()
    qtbot.waitUntil(lambda: window.ticket_tabs.current_ticket_id() == ref.id, timeout=10_000)

    window.close()
    assert not window.isVisible() and context.settings.tray_hint_shown
    wiring.open_ticket(ref.id)
    assert window.isVisible()


def test_without_a_tray_alerts_are_a_banner_and_closing_asks(
    qtbot, context, settings, clock, shown_errors
):
    ref = _outage(context)
    window = open_window(qtbot, context, settings)
    asked = []
    wiring = AlertWiring(
        window,
        context,
        tray_available=lambda: False,
        ask_quit=lambda _w: asked.append(True) or False,
    )
    wiring.start()
    tasks.wait_for_idle()
    clock.now = T0 + dt.timedelta(minutes=40)
    _evaluate(qtbot, wiring)
    notices = wiring.banner.notices()  # acknowledge and first response, both listed
    assert wiring.banner.isVisible() and len(notices) == 2
    assert all("deadline missed" in n.text and n.severity == "breached" for n in notices)
    qtbot.mouseClick(wiring.banner.line(0).text_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.ticket_tabs.current_ticket_id() == ref.id, timeout=10_000)
    assert len(wiring.banner.notices()) == 1  # the one opened is done; the other stays
    assert not window.close() and asked == [True] and window.isVisible()
