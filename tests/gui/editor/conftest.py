"""Fixtures for the ticket editor's tests: the tabs a ticket opens in, and the errors
shown meanwhile (test files that want them for every test name them in ``pytestmark``)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from aiva_desk.gui.editor.tabs import TicketTabs
from aiva_desk.gui.errors import ShownError, capture_errors
from tests.helpers.editor_helpers import idle, new_tabs


@pytest.fixture
def shown_errors() -> Iterator[list[ShownError]]:
    """Every error shown during the test, instead of a dialog; then background work ends."""
    with capture_errors() as shown:
        yield shown
    idle()


@pytest.fixture
def tabs(qtbot, context) -> TicketTabs:
    return new_tabs(qtbot, context)
