"""Icons shipped as SVG in ``resources/``."""

from __future__ import annotations

from PySide6.QtGui import QIcon

from aiva_desk.assets import asset_path

APP_ICON = "aiva-desk.svg"


def app_icon() -> QIcon:
    """The application icon (window icon, about box, desktop entry)."""
    return QIcon(str(asset_path("resources", APP_ICON)))


def icon(name: str) -> QIcon:
    """``resources/icons/<name>.svg`` as a QIcon."""
    return QIcon(str(asset_path("resources", "icons", f"{name}.svg")))
