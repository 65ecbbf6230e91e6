"""Where the checkout is, for tests that read its files, whatever folder they sit in."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]  # tests/helpers/paths.py → the checkout
SHARED_MAIL = REPO.parent / "shared" / "data" / "mail"  # real-world messages, beside the checkout


def real_world_mail(*parts: str) -> Path:
    """A folder or file of the real-world mail material; the test skips, saying why, where
    the material is absent (it is kept beside the checkout, not in it)."""
    path = SHARED_MAIL.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"the real-world mail material is not at {path}")
    return path
