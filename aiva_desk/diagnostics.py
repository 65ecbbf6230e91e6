"""What support needs to know about this installation, and nothing secret.

:func:`diagnostics_text` is Help > Copy diagnostics; :func:`environment_lines` heads
every crash report; :func:`bundled_licences` fills the About dialog. The Qt and
PySide6 versions are passed in by the GUI, so this module stays free of Qt.

Never included: settings values, passwords, mail account details, environment
variables, the database password (masked) or the contents of any ticket.
"""

from __future__ import annotations

import importlib.metadata
import platform
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from aiva_desk import APP_NAME, __version__

if TYPE_CHECKING:
    from aiva_desk.app_context import AppContext

MASK = "***"
_SECRET_WORDS = ("pass", "secret", "token", "key", "auth", "pwd")

# The libraries the app ships with (PyPI names), for the About dialog.
BUNDLED_LIBRARIES = (
    "PySide6-Essentials",
    "PySide6-Addons",
    "shiboken6",
    "SQLAlchemy",
    "alembic",
    "Mako",
    "Jinja2",
    "MarkupSafe",
    "keyring",
    "jaraco.classes",
    "jaraco.functools",
    "jaraco.context",
    "SecretStorage",
    "jeepney",
    "cryptography",
    "holidays",
    "python-dateutil",
    "email-validator",
    "dnspython",
    "idna",
    "platformdirs",
    "tzdata",
    "typing_extensions",
    "XlsxWriter",
    "psycopg",  # a team's shared PostgreSQL database (the postgresql extra)
    "psycopg-binary",
)


@dataclass(frozen=True)
class LibraryLicence:
    name: str
    version: str
    licence: str


def _licence_of(meta: importlib.metadata.PackageMetadata) -> str:
    if expression := (meta.get("License-Expression") or "").strip():
        return expression
    classifiers = [
        c.split(" :: ")[-1] for c in meta.get_all("Classifier") or [] if c.startswith("License :: ")
    ]
    if classifiers:
        return " / ".join(classifiers)
    text = (meta.get("License") or "").strip()
    first = text.splitlines()[0].strip() if text else ""
    return first if first and len(first) <= 80 else "see the package's licence file"


def bundled_licences(names: tuple[str, ...] = BUNDLED_LIBRARIES) -> list[LibraryLicence]:
    """Name, version and licence of each installed library in ``names`` (missing ones skipped)."""
    found = []
    for name in names:
        try:
            meta = importlib.metadata.metadata(name)
        except importlib.metadata.PackageNotFoundError:
            continue
        found.append(LibraryLicence(name, meta.get("Version") or "?",
                                    _licence_of(meta)))  # fmt: skip
    return found


def mask_url(url: str) -> str:
    """``url`` with its password and any secret-looking query value replaced by ``***``."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        parsed = make_url(url)
    except ArgumentError:
        return MASK  # not a URL we understand: say nothing about it
    if parsed.query:
        query = {
            key: (MASK if any(word in key.lower() for word in _SECRET_WORDS) else value)
            for key, value in parsed.query.items()
        }
        parsed = parsed.set(query=query)
    return parsed.render_as_string(hide_password=True).replace("%2A%2A%2A", MASK)


def _size(nbytes: int) -> str:
    size = float(nbytes)
    for unit in ("bytes", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size:.0f} {unit}" if unit == "bytes" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{nbytes} bytes"


def database_size(url: str) -> int | None:
    """Bytes of an SQLite database with its WAL and shared-memory files; None otherwise."""
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or not parsed.database:
        return None
    path = Path(parsed.database)
    if not path.exists():
        return None
    return sum(
        candidate.stat().st_size
        for candidate in (
            path,
            path.with_name(path.name + "-wal"),
            path.with_name(path.name + "-shm"),
        )
        if candidate.exists()
    )


def environment_lines(
    qt_version: str | None = None, pyside_version: str | None = None
) -> list[str]:
    """Version, platform, Python and Qt: the head of diagnostics and crash reports."""
    kind = "bundle" if getattr(sys, "frozen", False) else "Python package"
    return [
        f"{APP_NAME} {__version__} ({kind})",
        f"Platform: {platform.platform()} ({platform.machine() or 'unknown machine'})",
        f"Python: {platform.python_version()} ({platform.python_implementation()})",
        f"Qt: {qt_version or 'not loaded'}; PySide6: {pyside_version or 'not loaded'}",
    ]


def diagnostics_text(
    context: AppContext, *, qt_version: str | None = None, pyside_version: str | None = None
) -> str:
    """The text of Help > Copy diagnostics."""
    from aiva_desk.runtime.logs import LOG_FILENAME

    url = str(context.db.engine.url.render_as_string(hide_password=False))
    size = database_size(url)
    lines = [
        *environment_lines(qt_version, pyside_version),
        f"Data folder: {context.paths.root}",
        f"Database: {mask_url(url)}",
        f"Database size: {_size(size) if size is not None else 'not a local file'}",
        f"Log file: {context.paths.logs / LOG_FILENAME}",
    ]
    try:
        from aiva_desk.store.database import head_revision

        lines.append(f"Schema revision: {head_revision()}")
    except Exception as exc:  # diagnostics must never fail on their way to the clipboard
        lines.append(f"Schema revision: unknown ({type(exc).__name__})")
    try:
        credentials = context.mail.credentials
        problem = credentials.backend_problem()
        lines.append(
            f"Password store: {credentials.describe_backend()}"
            + (f" (not usable: {problem})" if problem else "")
        )
    except Exception as exc:
        lines.append(f"Password store: unknown ({type(exc).__name__})")
    return "\n".join(lines) + "\n"
