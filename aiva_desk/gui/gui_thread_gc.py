"""Python's cyclic garbage collector runs only on the GUI thread while the app runs.

Left automatic, a collection runs in whichever thread happens to allocate, often a
background task reading the database. When the garbage it finds holds Qt objects (a
closed dialog, a window with its timers, a local socket), Qt deletes them on that
worker thread: their timers and socket notifiers are dropped from the wrong thread,
and the GUI thread later crashes delivering an event to an object that is gone. So
automatic collection is switched off and a timer on the GUI thread collects whenever
Python's own thresholds say a generation is due, the way the automatic collector
would. (Objects freed by reference counting die where their last reference goes;
:mod:`aiva_desk.gui.tasks` makes sure that is the GUI thread for a task's work.)
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QCoreApplication, QObject, QTimer

CHECK_MS = 250
_OBJECT_NAME = "aivaDeskGuiThreadCollector"


class GuiThreadCollector(QObject):
    """Collects garbage on the GUI thread, generation by generation, when one is due."""

    def __init__(self, parent: QObject) -> None:
        super().__init__(parent)
        self.setObjectName(_OBJECT_NAME)
        self._thresholds = gc.get_threshold()
        gc.disable()
        self._timer = QTimer(self)
        self._timer.timeout.connect(self.collect_due)
        self._timer.start(CHECK_MS)

    def collect_due(self) -> int:
        """Collect the oldest generation whose threshold is passed; returns what it freed."""
        counts, limits = gc.get_count(), self._thresholds
        if counts[0] <= limits[0]:
            return 0
        generation = 0
        if counts[1] > limits[1]:
            generation = 2 if counts[2] > limits[2] else 1
        return gc.collect(generation)


def collect_on_gui_thread(app: QCoreApplication) -> GuiThreadCollector:
    """Install the collector on ``app`` once (later calls return the same one)."""
    found = app.findChild(GuiThreadCollector, _OBJECT_NAME)
    return found if found is not None else GuiThreadCollector(app)
