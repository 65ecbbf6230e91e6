"""The main window's remembered layout: geometry, splitters, ticket pane side, last view.

Purely visual state, so it lives in QSettings (what the core needs lives in
:mod:`aiva_desk.runtime.settings`). On the first run the window takes a comfortable size,
never more than 92% of the screen. The ticket pane starts at 64% beside the queue (so
the editor's form and its SOP panels both fit at 1440 px) or 55% below it; a remembered
split is used only while it leaves each side at least a fifth.
"""

from __future__ import annotations

from PySide6.QtCore import QByteArray, QSettings, Qt, QTimer
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMainWindow, QSplitter

GEOMETRY_KEY = "main_window/geometry"
WINDOW_STATE_KEY = "main_window/state"
SPLITTER_KEY = "main_window/splitter"
SIDE_SPLITTER_KEY = "main_window/side_splitter"
PANE_RIGHT_KEY = "main_window/ticket_pane_right"
LAST_VIEW_KEY = "main_window/last_view"
FIRST_RUN_SIZE = (1400, 900)  # at most; never more than 92% of the screen
SIDE_WIDTH = 218  # the list of views on the first run
QUEUE_SHARE = {True: 0.36, False: 0.45}  # the queue's part: pane beside it / below it
MIN_SHARE = 0.2  # a remembered split that leaves either side less is not restored


class WindowLayout:
    """Restores and saves ``window``'s layout.

    ``splitter`` holds the queue and the ticket pane, ``side_splitter`` the views and
    the rest; ``pane_right`` is the checkable action that puts the pane beside the queue.
    """

    def __init__(
        self,
        window: QMainWindow,
        settings: QSettings,
        *,
        splitter: QSplitter,
        side_splitter: QSplitter,
        pane_right: QAction,
    ) -> None:
        self._window = window
        self._settings = settings
        self._splitter = splitter
        self._side_splitter = side_splitter
        self._pane_right = pane_right
        pane_right.toggled.connect(self.set_pane_orientation)

    def restore(self) -> None:
        window, settings = self._window, self._settings
        geometry = settings.value(GEOMETRY_KEY)
        if not (isinstance(geometry, QByteArray) and window.restoreGeometry(geometry)):
            self._first_run_geometry()
        state = settings.value(WINDOW_STATE_KEY)
        if isinstance(state, QByteArray):
            window.restoreState(state)
        pane_right = bool(settings.value(PANE_RIGHT_KEY, False, type=bool))
        self._pane_right.setChecked(pane_right)
        self.set_pane_orientation(pane_right)
        splitter = settings.value(SPLITTER_KEY)
        if isinstance(splitter, QByteArray):
            self._splitter.restoreState(splitter)
        self.set_pane_orientation(pane_right, keep_sizes=True)
        # the restored sizes are known once the window is laid out
        QTimer.singleShot(0, self._splitter, self._check_restored_split)
        side = settings.value(SIDE_SPLITTER_KEY)
        if not (isinstance(side, QByteArray) and self._side_splitter.restoreState(side)):
            self._side_splitter.setSizes([SIDE_WIDTH, max(400, window.width() - SIDE_WIDTH)])
        self._side_splitter.setStretchFactor(1, 1)

    def _first_run_geometry(self) -> None:
        window = self._window
        screen = window.screen().availableGeometry()
        width = min(FIRST_RUN_SIZE[0], int(screen.width() * 0.92))
        height = min(FIRST_RUN_SIZE[1], int(screen.height() * 0.92))
        window.resize(width, height)
        window.move(screen.center() - window.rect().center())

    def save(self, last_view: str | None) -> None:
        settings = self._settings
        settings.setValue(PANE_RIGHT_KEY, self._pane_right.isChecked())
        settings.setValue(GEOMETRY_KEY, self._window.saveGeometry())
        settings.setValue(WINDOW_STATE_KEY, self._window.saveState())
        settings.setValue(SPLITTER_KEY, self._splitter.saveState())
        settings.setValue(SIDE_SPLITTER_KEY, self._side_splitter.saveState())
        if last_view is not None:
            self.remember_view(last_view)

    def remember_view(self, key: str) -> None:
        self._settings.setValue(LAST_VIEW_KEY, key)

    def last_view(self, default: str) -> str:
        return self._settings.value(LAST_VIEW_KEY, default, type=str)

    def set_pane_orientation(self, pane_right: bool, *, keep_sizes: bool = False) -> None:
        """The ticket tabs beside the queue (``pane_right``) or below it (the default)."""
        orientation = Qt.Orientation.Horizontal if pane_right else Qt.Orientation.Vertical
        if keep_sizes and self._splitter.orientation() == orientation:
            return
        self._splitter.setOrientation(orientation)
        self._split_default()

    def _check_restored_split(self) -> None:
        if not is_sane_split(self._splitter.sizes()):
            self._split_default()

    def _split_default(self) -> None:
        """The queue gets 36% beside the ticket pane, 45% above it; the pane the rest."""
        pane_right = self._splitter.orientation() == Qt.Orientation.Horizontal
        total = self._window.width() if pane_right else self._window.height()
        share = QUEUE_SHARE[pane_right]
        self._splitter.setSizes([int(total * share), int(total * (1 - share))])


def is_sane_split(sizes: list[int]) -> bool:
    """Whether a queue/ticket split leaves both sides a usable part (a fifth or more)."""
    total = sum(sizes)
    return len(sizes) == 2 and total > 0 and min(sizes) >= total * MIN_SHARE
