"""Render resources/aiva-desk.svg into the per-platform application icons, with Qt.

    .venv/bin/python scripts/make-icons.py

Writes resources/aiva-desk.png (256 px: Linux desktop entry and window icon),
resources/aiva-desk.ico (256 px: the Windows executable) and resources/aiva-desk.icns
(512 px: the macOS app bundle). Run it again after changing the SVG and commit the
results; build.spec uses them as they are. Needs no Pillow: Qt's image plugins write
all three formats.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication, QImage, QImageWriter, QPainter
from PySide6.QtSvg import QSvgRenderer

RESOURCES = Path(__file__).resolve().parents[1] / "resources"
SOURCE = RESOURCES / "aiva-desk.svg"
TARGETS = {"png": 256, "ico": 256, "icns": 512}


def render(size: int) -> QImage:
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    QSvgRenderer(str(SOURCE)).render(painter)
    painter.end()
    return image


def main() -> int:
    _app = QGuiApplication(sys.argv[:1])
    supported = {bytes(f).decode() for f in QImageWriter.supportedImageFormats()}
    for fmt, size in TARGETS.items():
        target = RESOURCES / f"aiva-desk.{fmt}"
        if fmt not in supported:
            print(f"make-icons: Qt cannot write {fmt} here; {target.name} left as it is")
            continue
        writer = QImageWriter(str(target), fmt.encode())
        if not writer.write(render(size)):
            print(f"make-icons: {target.name}: {writer.errorString()}", file=sys.stderr)
            return 1
        print(f"make-icons: wrote {target.name} ({size} px, {target.stat().st_size} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
