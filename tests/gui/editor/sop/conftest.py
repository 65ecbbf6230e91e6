"""For every test of the SOP panels: the clock stands at ``T0`` and no error is shown."""

from __future__ import annotations

import pytest

from tests.helpers.editor_helpers import T0


@pytest.fixture(autouse=True)
def pinned_and_quiet(context, clock, no_errors_shown) -> None:
    clock.now = T0
