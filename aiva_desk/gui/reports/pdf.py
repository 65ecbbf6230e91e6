"""HTML reports to paginated PDF (A4) with a footer on every page: the report's name
on the left, "Page n of m" on the right. Fonts are embedded by Qt.

Works without a window (offscreen); the CLI calls :func:`html_to_pdf` for
``--format pdf`` and creates the Qt application it needs with :func:`ensure_app`.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

from PySide6.QtCore import QMarginsF, QRectF, QSizeF, Qt
from PySide6.QtGui import (
    QFont,
    QGuiApplication,
    QPageLayout,
    QPageSize,
    QPainter,
    QPdfWriter,
    QTextDocument,
)

from aiva_desk.errors import AivaError

FOOTER_POINTS = 8


class PdfError(AivaError):
    title = "PDF not written"


def ensure_app() -> QGuiApplication:
    """The running Qt application, or an offscreen one for headless use (CLI, tests)."""
    app = QGuiApplication.instance()
    if app is None:
        if not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"):
            os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        app = QGuiApplication([])
    return app  # type: ignore[return-value]


def html_to_pdf(html: str, path: Path, footer: str) -> int:
    """Write ``html`` as a PDF at ``path``; returns the number of pages."""
    ensure_app()
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.tmp")
    try:
        pages = _write(html, partial, path, footer)
        os.replace(partial, path)
    except BaseException:
        with contextlib.suppress(OSError):
            partial.unlink(missing_ok=True)  # never leave a half-written file behind
        raise
    return pages


def _write(html: str, partial: Path, path: Path, footer: str) -> int:
    """Paint the pages into ``partial`` (``path``: where it goes, for the message)."""
    writer = QPdfWriter(str(partial))
    writer.setTitle(footer)
    writer.setCreator("AIVA Desk")
    writer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
    writer.setPageMargins(QMarginsF(16, 14, 16, 14), QPageLayout.Unit.Millimeter)
    document = QTextDocument()
    document.documentLayout().setPaintDevice(writer)
    document.setDefaultFont(QFont("DejaVu Sans", 10))
    document.setHtml(html)
    page = writer.pageLayout().paintRectPixels(writer.resolution())
    footer_height = writer.resolution() * FOOTER_POINTS * 2.2 / 72
    body = QSizeF(page.width(), page.height() - footer_height)
    document.setPageSize(body)
    pages = document.pageCount()
    painter = QPainter()
    if not painter.begin(writer):
        raise PdfError(f"Cannot write the PDF file {path}.")
    try:
        footer_font = QFont("DejaVu Sans", FOOTER_POINTS)
        for index in range(pages):
            if index:
                writer.newPage()
            painter.save()
            painter.translate(0, -index * body.height())
            document.drawContents(
                painter, QRectF(0, index * body.height(), body.width(), body.height())
            )
            painter.restore()
            painter.setFont(footer_font)
            painter.setPen(Qt.GlobalColor.darkGray)
            area = QRectF(0, body.height(), body.width(), footer_height)
            flags = Qt.AlignmentFlag.AlignBottom
            painter.drawText(area, flags | Qt.AlignmentFlag.AlignLeft, footer)
            painter.drawText(
                area, flags | Qt.AlignmentFlag.AlignRight, f"Page {index + 1} of {pages}"
            )
    finally:
        painter.end()
    return pages
