"""install-desktop / uninstall-desktop write into the XDG folders (temporary ones here)."""

from __future__ import annotations

import configparser
import os
from pathlib import Path

from aiva_desk.cli import main
from aiva_desk.cli.desktop import desktop_paths, entry_text


def _entry(path: Path) -> configparser.SectionProxy:
    parser = configparser.ConfigParser(interpolation=None)
    parser.optionxform = str  # keys are case-sensitive
    parser.read_string(path.read_text(encoding="utf-8"))
    return parser["Desktop Entry"]


def test_install_writes_the_entry_and_icon_into_xdg_dirs(capsys) -> None:
    paths = desktop_paths()
    data_home = Path(os.environ["XDG_DATA_HOME"])
    assert paths.entry.is_relative_to(data_home)
    assert main(["install-desktop"]) == 0
    entry = _entry(paths.entry)
    assert entry["Name"] == "AIVA Desk"
    assert entry["Icon"] == "aiva-desk"
    assert entry["Exec"] and "--minimized" not in entry["Exec"]
    assert paths.svg_icon.read_bytes().startswith(b"<") and paths.svg_icon.stat().st_size > 100
    assert not paths.autostart.exists()
    assert str(paths.entry) in capsys.readouterr().out


def test_autostart_starts_minimized_and_can_be_switched_off(capsys) -> None:
    paths = desktop_paths()
    assert paths.autostart.is_relative_to(Path(os.environ["XDG_CONFIG_HOME"]))
    assert main(["install-desktop", "--autostart"]) == 0
    autostart = _entry(paths.autostart)
    assert autostart["Exec"].endswith(" --minimized")
    assert autostart["X-GNOME-Autostart-enabled"] == "true"
    assert main(["install-desktop"]) == 0  # again without: no more start at login
    assert not paths.autostart.exists()


def test_uninstall_removes_exactly_what_was_written(capsys) -> None:
    assert main(["install-desktop", "--autostart"]) == 0
    written = [p for p in desktop_paths().all() if p.exists()]
    assert main(["uninstall-desktop"]) == 0
    assert not any(p.exists() for p in written)
    assert main(["uninstall-desktop"]) == 0
    assert "was not in the application menu" in capsys.readouterr().out


def test_exec_arguments_are_quoted_for_the_desktop_spec(tmp_path) -> None:
    text = entry_text(["/opt/AIVA Desk/aiva-desk"], data_dir="/data/50% team")
    exec_line = next(line for line in text.splitlines() if line.startswith("Exec="))
    assert exec_line == 'Exec="/opt/AIVA Desk/aiva-desk" --data-dir "/data/50%% team"'
