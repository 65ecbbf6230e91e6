"""Fixtures for the ticket editor's tests: the tabs a ticket opens in."""

from __future__ import annotations

import pytest

from aiva_desk.gui.editor.tabs import TicketTabs
from tests.helpers.editor_helpers import new_tabs


@pytest.fixture
def tabs(qtbot, context) -> TicketTabs:
    return new_tabs(qtbot, context)
