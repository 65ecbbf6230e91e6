"""Icons shipped as SVG in ``resources/``, drawn sharp at any size and in the palette's ink.

The icon files draw their lines in one "ink" colour (``#3b4a5f``) and their paper
in ``#fffffe``; :func:`icon` swaps these for the palette's window text and base
colours when it renders, so the same files work on light and dark palettes, and
renders the vector at the requested device pixel size (high-DPI screens).
"""

from __future__ import annotations

from functools import cache

from PySide6.QtCore import QByteArray, QRect, QSize, Qt
from PySide6.QtGui import QIcon, QIconEngine, QPainter, QPalette, QPixmap
from PySide6.QtSvg import QSvgRenderer

from aiva_desk.gui.common import theme
from aiva_desk.runtime.assets import asset_path

APP_ICON = "aiva-desk.svg"
INK = "#3b4a5f"
PAPER = "#fffffe"


def app_icon() -> QIcon:
    """The application icon (window icon, about box, desktop entry)."""
    return QIcon(str(asset_path("resources", APP_ICON)))


@cache
def _svg_source(name: str) -> str:
    return asset_path("resources", "icons", f"{name}.svg").read_text(encoding="utf-8")


class _TintedSvgEngine(QIconEngine):
    """Renders one SVG with the ink and paper colours of the current palette."""

    def __init__(self, name: str) -> None:
        super().__init__()
        self._name = name
        self._renderers: dict[tuple[str, str], QSvgRenderer] = {}

    def _renderer(self, mode: QIcon.Mode) -> QSvgRenderer:
        pal = theme.palette()
        ink = theme.icon_color(pal, disabled=mode == QIcon.Mode.Disabled).name()
        paper = pal.color(QPalette.ColorRole.Base).name()
        key = (ink, paper)
        if key not in self._renderers:
            source = _svg_source(self._name).replace(INK, ink).replace(PAPER, paper)
            self._renderers[key] = QSvgRenderer(QByteArray(source.encode("utf-8")))
        return self._renderers[key]

    def paint(self, painter: QPainter, rect: QRect, mode: QIcon.Mode, state: QIcon.State) -> None:
        painter.save()
        if mode == QIcon.Mode.Disabled:
            painter.setOpacity(0.6)
        self._renderer(mode).render(painter, rect)
        painter.restore()

    def pixmap(self, size: QSize, mode: QIcon.Mode, state: QIcon.State) -> QPixmap:
        pixmap = QPixmap(size)
        pixmap.fill(Qt.GlobalColor.transparent)
        painter = QPainter(pixmap)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.paint(painter, QRect(0, 0, size.width(), size.height()), mode, state)
        painter.end()
        return pixmap

    def clone(self) -> QIconEngine:
        return _TintedSvgEngine(self._name)

    def key(self) -> str:
        return "aiva-tinted-svg"

    def iconName(self) -> str:
        return self._name


def icon(name: str) -> QIcon:
    """``resources/icons/<name>.svg`` as a QIcon in the palette's colours."""
    _svg_source(name)  # a missing icon is a packaging bug: fail here, not when painted
    return QIcon(_TintedSvgEngine(name))
