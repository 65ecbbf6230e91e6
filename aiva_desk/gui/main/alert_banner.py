"""The window's notice list, for desktops without a system tray.

Every pending notice stays until dismissed (SLA alerts, new tickets from the mailboxes,
a customer's URGENT), so a new-ticket notice never hides an SLA alert: missed deadlines
are listed first, then warnings, then information. Each line is
coloured by severity from the theme (breached red, warning amber, info in the normal
text colour, readable on a light and a dark palette), opens its ticket when clicked,
and has its own dismiss button; "Dismiss all" clears the list. Beyond
:data:`VISIBLE_LINES` the rest collapse into one "N more" button.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QPushButton,
    QToolBar,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from aiva_desk.gui.common import theme
from aiva_desk.gui.common.theme import SlaState

SEVERITIES = ("breached", "warning", "info")
VISIBLE_LINES = 3
_MARKS = {"breached": "✖", "warning": "⚠", "info": "ℹ"}  # in the common UI fonts


@dataclass(frozen=True)
class PendingNotice:
    text: str
    severity: str  # one of SEVERITIES
    ticket_id: int | None


def severity_color(severity: str, pal: QPalette | None = None) -> QColor:
    """Breached red and warning amber as the SLA countdown draws them; info is plain text."""
    if severity == "breached":
        return theme.sla_color(SlaState.BREACHED, pal)
    if severity == "warning":
        return theme.sla_color(SlaState.DUE_SOON, pal)
    pal = pal or theme.palette()
    return pal.color(QPalette.ColorRole.WindowText)


class _NoticeLine(QWidget):
    """One notice: its text as a flat button that opens the ticket, and a dismiss button."""

    def __init__(
        self,
        notice: PendingNotice,
        on_open: Callable[[_NoticeLine], None],
        on_dismiss: Callable[[_NoticeLine], None],
        parent: QWidget,
    ) -> None:
        super().__init__(parent)
        self.notice = notice
        self.setObjectName("alertNoticeLine")
        self.setProperty("severity", notice.severity)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        self.text_button = QPushButton(f"{_MARKS[notice.severity]} {notice.text}", self)
        self.text_button.setObjectName("alertNoticeText")
        self.text_button.setFlat(True)
        self.text_button.setAutoDefault(False)
        self.text_button.setAccessibleName(notice.text)
        if notice.ticket_id is not None:
            self.text_button.setToolTip("Open this ticket")
            self.text_button.setCursor(Qt.CursorShape.PointingHandCursor)
        self.text_button.clicked.connect(lambda _checked=False: on_open(self))
        self.dismiss_button = QToolButton(self)
        self.dismiss_button.setObjectName("alertNoticeDismiss")
        self.dismiss_button.setText("✕")
        self.dismiss_button.setToolTip("Dismiss this notice")
        self.dismiss_button.setAccessibleName(f"Dismiss: {notice.text}")
        self.dismiss_button.clicked.connect(lambda _checked=False: on_dismiss(self))
        layout.addWidget(self.text_button, 1)
        layout.addWidget(self.dismiss_button)
        self.recolor()

    def recolor(self) -> None:
        color = severity_color(self.notice.severity).name()
        weight = "normal" if self.notice.severity == "info" else "bold"
        self.text_button.setStyleSheet(
            f"QPushButton {{ color: {color}; font-weight: {weight}; text-align: left;"
            f" border: none; border-left: 3px solid {color}; padding: 1px 6px; }}"
        )


class AlertBanner(QToolBar):
    """A strip at the top of the window listing every pending notice (no tray here).

    ``add_notice(text, severity, ticket_id)`` is the one way in, for any feature.
    """

    def __init__(self, on_open: Callable[[int], None], parent: QMainWindow) -> None:
        super().__init__("Notices", parent)
        self.setObjectName("alertBanner")
        self.setMovable(False)
        self._on_open = on_open
        self._expanded = False
        self._lines: list[_NoticeLine] = []
        box = QWidget(self)
        box.setObjectName("alertBannerBox")
        outer = QHBoxLayout(box)
        outer.setContentsMargins(4, 2, 4, 2)
        self._list = QVBoxLayout()
        self._list.setSpacing(0)
        outer.addLayout(self._list, 1)
        side = QVBoxLayout()
        self.count_label = QLabel(box)
        self.count_label.setObjectName("alertBannerCount")
        self.dismiss_all_button = QPushButton("Dismiss all", box)
        self.dismiss_all_button.setObjectName("alertDismissAllButton")
        self.dismiss_all_button.setAutoDefault(False)
        self.dismiss_all_button.clicked.connect(lambda _checked=False: self.dismiss_all())
        side.addWidget(self.count_label)
        side.addWidget(self.dismiss_all_button)
        side.addStretch(1)
        outer.addLayout(side)
        self.more_button = QPushButton(box)
        self.more_button.setObjectName("alertMoreButton")
        self.more_button.setFlat(True)
        self.more_button.setStyleSheet("QPushButton { text-align: left; padding: 1px 9px; }")
        self.more_button.setAutoDefault(False)
        self.more_button.clicked.connect(
            lambda _checked=False: self.set_expanded(not self._expanded)
        )
        self._list.addWidget(self.more_button)
        self.addWidget(box)
        self.hide()

    # -- the public API --------------------------------------------------------------

    def add_notice(self, text: str, severity: str = "info", ticket_id: int | None = None) -> None:
        """Add a notice at the top of its severity (the same text and ticket again: moved up).

        ``severity`` is "breached" (red), "warning" (amber) or "info" (neutral);
        ``ticket_id``, when given, makes the line open that ticket when clicked. A
        ticket's warning ("due in 9 min") is replaced by its next warning or breach, so
        no countdown goes stale; breaches of different clocks and information all stay.
        """
        if severity not in SEVERITIES:
            raise ValueError(f"unknown notice severity {severity!r}")
        notice = PendingNotice(text, severity, ticket_id)
        rank = SEVERITIES.index(severity)
        for line in list(self._lines):
            old = line.notice
            same = old.text == text and old.ticket_id == ticket_id
            staler = (
                ticket_id is not None
                and old.ticket_id == ticket_id
                and old.severity == "warning"
                and severity != "info"
            )
            if same or staler:
                self._remove(line)
        line = _NoticeLine(notice, self._open_line, self._dismiss_line, self)
        # Missed deadlines first, then warnings, then information; newest first in each.
        at = next(
            (
                i
                for i, old in enumerate(self._lines)
                if SEVERITIES.index(old.notice.severity) >= rank
            ),
            len(self._lines),
        )
        self._lines.insert(at, line)
        self._list.insertWidget(at, line)
        self._layout_lines()

    def show_notice(self, text: str, ticket_id: int | None, severity: str = "info") -> None:
        """The tray's fallback signal (text, ticket id, severity) as a notice."""
        self.add_notice(text, severity or "info", ticket_id)

    def notices(self) -> list[PendingNotice]:
        """Every pending notice as listed: by severity, newest first."""
        return [line.notice for line in self._lines]

    def dismiss(self, index: int) -> None:
        self._remove(self._lines[index])
        self._layout_lines()

    def dismiss_all(self) -> None:
        for line in list(self._lines):
            self._remove(line)
        self._layout_lines()

    def line(self, index: int) -> _NoticeLine:
        """The widget of notice ``index`` (as listed), for keyboard and test access."""
        return self._lines[index]

    def set_expanded(self, expanded: bool) -> None:
        self._expanded = expanded
        self._layout_lines()

    # -- inside ----------------------------------------------------------------------

    def _open_line(self, line: _NoticeLine) -> None:
        ticket_id = line.notice.ticket_id
        self._remove(line)
        self._layout_lines()
        if ticket_id is not None:
            self._on_open(ticket_id)

    def _dismiss_line(self, line: _NoticeLine) -> None:
        self._remove(line)
        self._layout_lines()

    def _remove(self, line: _NoticeLine) -> None:
        if line in self._lines:
            self._lines.remove(line)
            self._list.removeWidget(line)
            line.hide()
            line.deleteLater()

    def _layout_lines(self) -> None:
        count = len(self._lines)
        hidden = max(0, count - VISIBLE_LINES)
        if not hidden:
            self._expanded = False
        for index, line in enumerate(self._lines):
            line.setVisible(self._expanded or index < VISIBLE_LINES)
        self.more_button.setVisible(hidden > 0)
        self.more_button.setText("Show fewer" if self._expanded else f"{hidden} more…")
        self.count_label.setText("1 notice" if count == 1 else f"{count} notices")
        self.dismiss_all_button.setVisible(count > 1)
        self.setVisible(count > 0)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.PaletteChange:  # light/dark switched: recolour
            for line in self._lines:
                line.recolor()
        super().changeEvent(event)
