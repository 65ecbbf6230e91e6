"""The Qt half of ``aiva-desk --self-test``: forms, icons, platform plugins, PDF output.

Loaded by :mod:`aiva_desk.selftest` only when the GUI checks run. Without a running
application it starts one on the offscreen platform, so the check works on a
machine without a display (CI, a server, a terminal over SSH).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from aiva_desk.runtime.assets import asset_dir
from aiva_desk.selftest import Check, Status

if TYPE_CHECKING:
    from PySide6.QtWidgets import QApplication


def _application() -> QApplication:
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance()
    if app is None:
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
        app = QApplication([sys.argv[0] if sys.argv else "aiva-desk"])
    assert isinstance(app, QApplication)
    return app


def _error(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def check_qt() -> Check:
    import PySide6
    from PySide6.QtCore import QLibraryInfo, qVersion

    plugins = Path(QLibraryInfo.path(QLibraryInfo.LibraryPath.PluginsPath)) / "platforms"
    found = sorted(
        path.name.removeprefix("libq").split(".")[0].removeprefix("q")
        for path in plugins.glob("*")
        if path.is_file()
    )
    detail = f"Qt {qVersion()}, PySide6 {PySide6.__version__}; platforms: {', '.join(found)}"
    if sys.platform.startswith("linux") and "xcb" not in found:
        return Check("Qt", Status.WARNING, detail + "\nno xcb platform plugin: no X11 window")
    return Check("Qt", Status.OK, detail)


def check_forms() -> Check:
    from aiva_desk.gui.common.forms import form_names, load_form

    names = form_names()
    broken: list[str] = []
    for name in names:
        try:
            widget = load_form(name)
            widget.deleteLater()
        except Exception as exc:
            broken.append(f"{name}: {_error(exc)}")
    if broken:
        return Check("Forms", Status.FAILED, "\n".join(broken))
    if not names:
        return Check("Forms", Status.FAILED, "no .ui forms found")
    return Check("Forms", Status.OK, f"{len(names)} forms load")


def check_icons() -> Check:
    from PySide6.QtCore import QSize
    from PySide6.QtSvg import QSvgRenderer

    from aiva_desk.gui.common.icons import app_icon, icon

    broken: list[str] = []
    icons_dir = asset_dir("resources") / "icons"
    names = sorted(path.stem for path in icons_dir.glob("*.svg"))
    for name in names:
        try:
            if not QSvgRenderer(str(icons_dir / f"{name}.svg")).isValid():
                broken.append(f"{name}.svg: not a valid SVG")
            elif icon(name).pixmap(QSize(32, 32)).isNull():
                broken.append(f"{name}.svg: renders empty")
        except Exception as exc:
            broken.append(f"{name}.svg: {_error(exc)}")
    try:
        if app_icon().pixmap(QSize(64, 64)).isNull():
            broken.append("application icon: renders empty")
    except Exception as exc:
        broken.append(f"application icon: {_error(exc)}")
    if broken:
        return Check("Icons", Status.FAILED, "\n".join(broken))
    return Check("Icons", Status.OK, f"{len(names)} icons and the application icon render")


def check_pdf(workdir: Path, html: str | None) -> Check:
    from aiva_desk.gui.reports.pdf import html_to_pdf

    target = workdir / "self-test.pdf"
    try:
        pages = html_to_pdf(html or "<h1>Self-test</h1><p>PDF output.</p>", target, "Self-test")
    except Exception as exc:
        return Check("PDF output", Status.FAILED, _error(exc))
    return Check("PDF output", Status.OK, f"{pages} page(s), {target.stat().st_size} bytes")


def gui_checks(workdir: Path, ticket_html: str | None = None) -> list[Check]:
    """Every Qt check, each as one :class:`~aiva_desk.selftest.Check`."""
    try:
        _application()
    except Exception as exc:
        return [Check("Qt", Status.FAILED, f"no Qt application: {_error(exc)}")]
    checks: list[Check] = []
    for run in (check_qt, check_forms, check_icons):
        try:
            checks.append(run())
        except Exception as exc:
            checks.append(Check(run.__name__.removeprefix("check_").title(), Status.FAILED,
                                _error(exc)))  # fmt: skip
    checks.append(check_pdf(workdir, ticket_html))
    return checks
