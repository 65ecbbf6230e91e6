"""Per-user settings with typed defaults, kept as JSON in the data dir.

Window geometry and other purely visual state live in QSettings (GUI side);
what the core needs to know (who "me" is) lives here.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from aiva_desk.runtime.private_files import private_dir

log = logging.getLogger(__name__)

SETTINGS_FILENAME = "settings.json"
_TYPES: dict[str, tuple[type, ...]] = {
    "me_staff_id": (int, type(None)),
    "breaching_soon_minutes": (int,),
    "close_to_tray": (bool,),
    "tray_hint_shown": (bool,),
    "auto_acknowledge": (bool,),
    "reopen_days": (int,),
    "backup_keep_daily": (int,),
    "backup_keep_weekly": (int,),
}


@dataclass
class UserSettings:
    me_staff_id: int | None = None  # the staff member this person works as ("My open")
    breaching_soon_minutes: int = 60  # "Breaching soon": due within this many minutes
    close_to_tray: bool = True  # closing the window keeps AIVA Desk running in the tray
    tray_hint_shown: bool = False  # the one-time "still running in the tray" hint
    auto_acknowledge: bool = False  # queue the SOP's acknowledgment for each new ticket
    reopen_days: int = 14  # a reply to a ticket closed longer ago opens a follow-up ticket
    backup_keep_daily: int = 7  # automatic backups: the newest of each of this many days
    backup_keep_weekly: int = 4  # ... and of each of this many weeks

    @classmethod
    def load(cls, data_dir: Path) -> UserSettings:
        """The saved settings; defaults for anything missing, unknown or unreadable."""
        path = data_dir / SETTINGS_FILENAME
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return cls()
        except (OSError, ValueError) as exc:
            log.warning("Settings file %s unreadable (%s); using defaults", path, exc)
            return cls()
        if not isinstance(data, dict):
            return cls()
        defaults = dataclasses.asdict(cls())
        values = {
            name: data[name] if name in data and isinstance(data[name], _TYPES[name]) else default
            for name, default in defaults.items()
        }
        return cls(**values)

    def save(self, data_dir: Path) -> None:
        private_dir(data_dir)
        target = data_dir / SETTINGS_FILENAME
        with tempfile.NamedTemporaryFile(
            "w", dir=data_dir, suffix=".tmp", delete=False, encoding="utf-8"
        ) as handle:
            json.dump(dataclasses.asdict(self), handle, indent=2)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(handle.name, target)
