"""Fixtures for every GUI test: the errors a test's windows show, caught instead of shown."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from aiva_desk.gui import tasks
from aiva_desk.gui.errors import NO_ERROR_DIALOGS_ENV, ShownError, capture_errors


@pytest.fixture
def shown_errors(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[ShownError]]:
    """Every error shown during the test (no dialog ever waits for a click); when the test
    ends, its background work finishes."""
    monkeypatch.setenv(NO_ERROR_DIALOGS_ENV, "1")
    with capture_errors() as shown:
        yield shown
    assert tasks.wait_for_idle(), "background tasks did not finish"


@pytest.fixture
def no_errors_shown(shown_errors: list[ShownError]) -> Iterator[None]:
    """As :func:`shown_errors`, and the test fails if any error was shown."""
    yield
    assert tasks.wait_for_idle(), "background tasks did not finish"
    assert shown_errors == []
