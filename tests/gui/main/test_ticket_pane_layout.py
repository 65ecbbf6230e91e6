"""The ticket pane beside the queue leaves the editor's form room to work in."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QSplitter, QWidget

from aiva_desk.gui.editor.sop.panels import MIN_FORM_WIDTH, MIN_SIDE_WIDTH
from aiva_desk.gui.main.window_state import PANE_RIGHT_KEY, SPLITTER_KEY
from tests.helpers.queue_gui_helpers import click_row, make_tickets, open_window

pytestmark = pytest.mark.usefixtures("shown_errors")
pytest_plugins = ("tests.helpers.queue_gui_fixtures",)


def open_ticket_beside_the_queue(qtbot, context, settings):
    window = open_window(qtbot, context, settings, size=(1440, 900))
    window.action("ticketPaneRightAction").trigger()
    assert window.action("ticketPaneRightAction").isChecked()
    click_row(qtbot, window.queue_view, 0)
    qtbot.waitUntil(lambda: window.ticket_tabs.currentWidget() is not None)
    editor = window.ticket_tabs.currentWidget()
    qtbot.waitUntil(lambda: editor.state.ticket is not None)
    return window, editor


def test_at_1440_wide_the_form_and_the_sop_panels_both_fit(
    qtbot, context, settings, tmp_path: Path
) -> None:
    make_tickets(context, 3)
    window, editor = open_ticket_beside_the_queue(qtbot, context, settings)
    qtbot.waitUntil(lambda: editor.scroll.width() >= MIN_FORM_WIDTH)
    assert editor.support.width() >= MIN_SIDE_WIDTH
    queue, pane = window.splitter.sizes()
    assert queue >= 0.35 * (queue + pane) and pane >= 0.55 * (queue + pane)
    body = editor.findChild(QWidget, "editorBody")
    qtbot.waitUntil(lambda: body.width() <= editor.scroll.viewport().width())  # nothing cut
    assert editor.folding.folded  # the two-pair rows became one pair per row
    qtbot.waitUntil(lambda: not editor.scroll.horizontalScrollBar().isVisible())
    shot = tmp_path / "pane_right_1440.png"
    assert window.grab().save(str(shot)) and shot.stat().st_size > 0  # looked at by hand
    window.action("ticketPaneRightAction").trigger()  # below the queue: room again
    qtbot.waitUntil(lambda: not editor.folding.folded)
    assert body.width() <= editor.scroll.viewport().width()


def test_a_remembered_split_that_hides_a_side_is_not_restored(qtbot, context, settings) -> None:
    make_tickets(context, 2)
    shut = QSplitter(Qt.Orientation.Vertical)  # the pane dragged almost shut, saved…
    qtbot.addWidget(shut)
    shut.addWidget(QWidget())
    shut.addWidget(QWidget())
    shut.setSizes([700, 10])
    settings.setValue(SPLITTER_KEY, shut.saveState())
    settings.setValue(PANE_RIGHT_KEY, False)

    again = open_window(qtbot, context, settings, size=None)  # …comes back usable
    queue, pane = again.splitter.sizes()
    assert pane >= 0.5 * (queue + pane), (queue, pane)
    total = sum(again.splitter.sizes())
    again.splitter.setSizes([int(total * 0.3), int(total * 0.7)])  # a sane split is kept
    again.close()
    third = open_window(qtbot, context, settings, size=None)
    queue, pane = third.splitter.sizes()
    assert 0.2 <= queue / (queue + pane) <= 0.36  # not the default 45%
