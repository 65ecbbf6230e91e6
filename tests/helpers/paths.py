"""Where the checkout is, for tests that read its files, whatever folder they sit in."""

from __future__ import annotations

from pathlib import Path

REPO = Path(__file__).resolve().parents[2]  # tests/helpers/paths.py → the checkout
