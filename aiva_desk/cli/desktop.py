"""``aiva-desk install-desktop``: the menu entry, the icon and (optionally) start at login.

Writes, for the current user only (freedesktop.org locations, ``XDG_*`` honoured):

* ``$XDG_DATA_HOME/applications/aiva-desk.desktop`` (default ``~/.local/share``)
* ``$XDG_DATA_HOME/icons/hicolor/scalable/apps/aiva-desk.svg`` (and a 256 px PNG if shipped)
* with ``--autostart``: ``$XDG_CONFIG_HOME/autostart/aiva-desk.desktop`` (default
  ``~/.config``), which starts the app minimized to the tray at login.

The entry runs this very installation: the bundle's executable, the ``aiva-desk``
script beside the Python that runs, or ``python -m aiva_desk``.
``uninstall-desktop`` removes exactly these files.
"""

from __future__ import annotations

import os
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

from aiva_desk.runtime.assets import asset_dir, asset_path

APP_ID = "aiva-desk"
DESKTOP_FILE = f"{APP_ID}.desktop"
MINIMIZED_FLAG = "--minimized"


@dataclass(frozen=True)
class DesktopPaths:
    entry: Path
    svg_icon: Path
    png_icon: Path
    autostart: Path

    def all(self) -> list[Path]:
        return [self.entry, self.svg_icon, self.png_icon, self.autostart]


def _xdg(variable: str, default: str) -> Path:
    value = os.environ.get(variable, "").strip()
    return Path(value) if value and Path(value).is_absolute() else Path.home() / default


def desktop_paths() -> DesktopPaths:
    data = _xdg("XDG_DATA_HOME", ".local/share")
    config = _xdg("XDG_CONFIG_HOME", ".config")
    icons = data / "icons" / "hicolor"
    return DesktopPaths(
        entry=data / "applications" / DESKTOP_FILE,
        svg_icon=icons / "scalable" / "apps" / f"{APP_ID}.svg",
        png_icon=icons / "256x256" / "apps" / f"{APP_ID}.png",
        autostart=config / "autostart" / DESKTOP_FILE,
    )


def _quote(arg: str) -> str:
    """One argument of an ``Exec`` key, quoted as the Desktop Entry spec asks."""
    if arg and not any(c in arg for c in " \t\n\"'\\><~|&;$*?#()`%"):
        return arg
    escaped = arg.replace("\\", "\\\\").replace('"', '\\"').replace("`", "\\`")
    escaped = escaped.replace("$", "\\$").replace("%", "%%")
    return f'"{escaped}"'


def launch_command() -> list[str]:
    """The command that starts this installation of AIVA Desk."""
    if getattr(sys, "frozen", False):
        return [sys.executable]
    script = Path(sys.executable).with_name(APP_ID)
    if script.is_file() and os.access(script, os.X_OK):
        return [str(script)]
    return [sys.executable, "-m", "aiva_desk"]


def entry_text(command: list[str], *, autostart: bool = False, data_dir: str | None = None) -> str:
    """The shipped ``resources/aiva-desk.desktop`` with ``Exec`` pointing at ``command``."""
    args = list(command)
    if data_dir:
        args += ["--data-dir", data_dir]
    if autostart:
        args.append(MINIMIZED_FLAG)
    exec_line = " ".join(_quote(arg) for arg in args)
    lines = []
    for line in asset_path("resources", DESKTOP_FILE).read_text(encoding="utf-8").splitlines():
        if line.startswith("Exec="):
            line = f"Exec={exec_line}"
        elif line.startswith("TryExec="):
            continue
        lines.append(line)
    if autostart:
        lines += ["X-GNOME-Autostart-enabled=true", "X-GNOME-Autostart-Delay=5"]
    return "\n".join(lines) + "\n"


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.tmp")
    partial.write_text(text, encoding="utf-8")
    partial.chmod(0o755)  # some desktops only trust executable entries
    os.replace(partial, path)


def install_desktop(*, autostart: bool = False, data_dir: str | None = None) -> list[Path]:
    """Write the menu entry and icons (and the autostart entry); return what was written.

    Without ``autostart`` an earlier autostart entry is removed, so running the
    command again is how start-at-login is switched off.
    """
    paths = desktop_paths()
    command = launch_command()
    written = [paths.entry, paths.svg_icon]
    _write(paths.entry, entry_text(command, data_dir=data_dir))
    paths.svg_icon.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(asset_path("resources", f"{APP_ID}.svg"), paths.svg_icon)
    png = asset_dir("resources") / f"{APP_ID}.png"
    if png.is_file():
        paths.png_icon.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(png, paths.png_icon)
        written.append(paths.png_icon)
    if autostart:
        _write(paths.autostart, entry_text(command, autostart=True, data_dir=data_dir))
        written.append(paths.autostart)
    else:
        paths.autostart.unlink(missing_ok=True)
    return written


def uninstall_desktop() -> list[Path]:
    """Remove what :func:`install_desktop` wrote; return what was there."""
    removed = []
    for path in desktop_paths().all():
        if path.exists():
            path.unlink()
            removed.append(path)
    return removed
