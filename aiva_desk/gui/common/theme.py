"""Light and dark: follow the system palette, or force one with ``AIVA_DESK_THEME``.

Colours the app draws itself (priority chips, SLA countdowns, muted text, icons)
are derived from the palette in use at paint time, so they stay readable when the
system switches between light and dark while the app runs.

``AIVA_DESK_THEME=dark`` (or ``light``) forces a palette with the Fusion style, for
screenshots and for desktops whose Qt platform theme does not report dark mode;
the default, ``system``, leaves the platform's palette alone.
"""

from __future__ import annotations

import enum
import os

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication

from aiva_desk.domain import Priority

THEME_ENV = "AIVA_DESK_THEME"

# Chip fills with white text: contrast ≥ 4.5:1 against the white text, and distinct
# from both a white and a near-black row, so the same fills serve light and dark.
_CHIP_FILLS: dict[Priority, str] = {
    Priority.P1: "#c62828",
    Priority.P2: "#b4440b",
    Priority.P3: "#1e5fb4",
    Priority.P4: "#5f6673",
}


class SlaState(enum.Enum):
    """How an open ticket stands against its due date."""

    ON_TRACK = "on track"
    DUE_SOON = "due soon"
    BREACHED = "breached"


# (on a light background, on a dark background)
_SLA_COLORS: dict[SlaState, tuple[str, str]] = {
    SlaState.ON_TRACK: ("#1b7a3a", "#6fd38f"),
    SlaState.DUE_SOON: ("#8a5a00", "#f2b53c"),
    SlaState.BREACHED: ("#b3261e", "#ff7b72"),
}


def palette() -> QPalette:
    return QGuiApplication.palette()


def is_dark(pal: QPalette | None = None) -> bool:
    """True when text is drawn light on dark (judged from the palette, not a setting)."""
    pal = pal or palette()
    return (
        pal.color(QPalette.ColorRole.Base).lightness()
        < pal.color(QPalette.ColorRole.Text).lightness()
    )


def chip_fill(priority: Priority) -> QColor:
    return QColor(_CHIP_FILLS[priority])


def sla_color(state: SlaState, pal: QPalette | None = None) -> QColor:
    light, dark = _SLA_COLORS[state]
    return QColor(dark if is_dark(pal) else light)


def muted_color(pal: QPalette | None = None) -> QColor:
    """Secondary text: between the text and the background, readable on both."""
    pal = pal or palette()
    text = pal.color(QPalette.ColorRole.Text)
    base = pal.color(QPalette.ColorRole.Base)
    mix = 0.38
    return QColor(
        round(text.red() * (1 - mix) + base.red() * mix),
        round(text.green() * (1 - mix) + base.green() * mix),
        round(text.blue() * (1 - mix) + base.blue() * mix),
    )


def icon_color(pal: QPalette | None = None, *, disabled: bool = False) -> QColor:
    pal = pal or palette()
    group = QPalette.ColorGroup.Disabled if disabled else QPalette.ColorGroup.Active
    return pal.color(group, QPalette.ColorRole.WindowText)


def dark_palette() -> QPalette:
    """A calm dark palette for the Fusion style."""
    pal = QPalette()
    role = QPalette.ColorRole
    colors = {
        role.Window: "#202328",
        role.WindowText: "#e6e8eb",
        role.Base: "#17191d",
        role.AlternateBase: "#1e2126",
        role.ToolTipBase: "#2b2f36",
        role.ToolTipText: "#e6e8eb",
        role.PlaceholderText: "#8b929c",
        role.Text: "#e6e8eb",
        role.Button: "#2a2e34",
        role.ButtonText: "#e6e8eb",
        role.BrightText: "#ff7b72",
        role.Light: "#3a3f47",
        role.Midlight: "#30343b",
        role.Mid: "#25282e",
        role.Dark: "#121417",
        role.Shadow: "#000000",
        role.Highlight: "#3d6fb6",
        role.HighlightedText: "#ffffff",
        role.Link: "#7fb0ff",
        role.LinkVisited: "#b69cff",
    }
    for which, value in colors.items():
        pal.setColor(which, QColor(value))
    disabled = QPalette.ColorGroup.Disabled
    for which in (role.WindowText, role.Text, role.ButtonText):
        pal.setColor(disabled, which, QColor("#6b717a"))
    pal.setColor(disabled, role.Highlight, QColor("#3a3f47"))
    return pal


def requested_theme() -> str:
    value = os.environ.get(THEME_ENV, "system").strip().lower()
    return value if value in {"system", "light", "dark"} else "system"


def apply_theme(app: QApplication, theme: str | None = None) -> str:
    """Apply ``theme`` (default: ``$AIVA_DESK_THEME``); return the one applied."""
    theme = theme or requested_theme()
    if theme == "system":
        return theme
    hints = QGuiApplication.styleHints()
    if hasattr(hints, "setColorScheme"):  # Qt ≥ 6.8: tell styles and dialogs too
        hints.setColorScheme(Qt.ColorScheme.Dark if theme == "dark" else Qt.ColorScheme.Light)
    app.setStyle("Fusion")
    app.setPalette(dark_palette() if theme == "dark" else app.style().standardPalette())
    return theme


def error_color(pal: QPalette | None = None) -> QColor:
    """Text of a problem shown under a field."""
    return sla_color(SlaState.BREACHED, pal)
