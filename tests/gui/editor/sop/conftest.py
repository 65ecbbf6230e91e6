"""For every test of the SOP panels: the clock stands at ``T0`` and no error is shown."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from aiva_desk.gui.errors import ShownError, capture_errors
from tests.helpers.editor_helpers import T0, idle


@pytest.fixture(autouse=True)
def shown_errors(context, clock) -> Iterator[list[ShownError]]:
    clock.now = T0
    with capture_errors() as shown:
        yield shown
    idle()
    assert shown == []
