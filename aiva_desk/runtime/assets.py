"""Find the files shipped beside the code: ``ui/``, ``resources/``, ``templates/``.

They live at the top of a source checkout, under ``aiva_desk/_assets/`` in an
installed wheel, and under the bundle's root in a PyInstaller build. This is
the only place that knows the difference.
"""

from __future__ import annotations

import sys
from pathlib import Path

ASSET_KINDS = ("ui", "resources", "templates")

_PACKAGE_DIR = Path(__file__).resolve().parents[1]  # aiva_desk/


def _asset_roots() -> list[Path]:
    roots: list[Path] = []
    bundle = getattr(sys, "_MEIPASS", None)
    if getattr(sys, "frozen", False) and bundle:
        roots.append(Path(bundle))
    roots.append(_PACKAGE_DIR / "_assets")  # installed wheel
    roots.append(_PACKAGE_DIR.parent)  # source checkout
    return roots


def asset_dir(kind: str) -> Path:
    """The directory holding assets of ``kind`` (one of :data:`ASSET_KINDS`)."""
    if kind not in ASSET_KINDS:
        raise ValueError(f"unknown asset kind {kind!r}")
    for root in _asset_roots():
        candidate = root / kind
        if candidate.is_dir():
            return candidate
    searched = ", ".join(str(root / kind) for root in _asset_roots())
    raise FileNotFoundError(f"AIVA Desk is incomplete: no {kind}/ folder in {searched}")


def asset_path(kind: str, *parts: str) -> Path:
    """The path of one shipped file, e.g. ``asset_path("ui", "new_ticket_dialog.ui")``."""
    path = asset_dir(kind).joinpath(*parts)
    if not path.exists():
        raise FileNotFoundError(f"AIVA Desk is incomplete: {path} is missing")
    return path
