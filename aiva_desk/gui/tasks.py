"""Background work as small objects whose results come back on the GUI thread.

Modelled on anki's collection operations::

    BackgroundTask(lambda: service.create(new), parent=self)
        .success(self._on_create_succeeded)
        .failure(self._on_create_failed)
        .run_in_background()

The function runs on a worker thread and must not touch widgets. Its result (or
the exception it raised) is delivered by a queued signal to the GUI thread, where
``success`` or ``failure`` is called. Without a ``failure`` callback the error goes
to :func:`aiva_desk.gui.errors.show_error`. If ``parent`` has been deleted by the
time the result arrives, the callbacks are skipped (any QObject can be the parent,
e.g. a table model).

Writes (the default) run one at a time on a single writer thread, so the
database is never written from two threads at once; reads (``writes=False``)
share Qt's global pool.
"""

from __future__ import annotations

import itertools
import logging
import time
from collections.abc import Callable
from typing import Any, Generic, TypeVar

import shiboken6
from PySide6.QtCore import QCoreApplication, QObject, Qt, QThreadPool, Signal
from PySide6.QtWidgets import QWidget

from aiva_desk.gui.errors import show_error

log = logging.getLogger(__name__)

T = TypeVar("T")

_running: dict[int, BackgroundTask[Any]] = {}
_task_ids = itertools.count(1)
_writer: QThreadPool | None = None
_relay: _Relay | None = None


def writer_pool() -> QThreadPool:
    """The single-thread pool every database write goes through."""
    global _writer
    if _writer is None:
        _writer = QThreadPool(QCoreApplication.instance())
        _writer.setObjectName("aivaDeskWriter")
        _writer.setMaxThreadCount(1)
    return _writer


def reader_pool() -> QThreadPool:
    return QThreadPool.globalInstance()


def running_tasks() -> int:
    """How many tasks have been started and have not yet delivered their result."""
    return len(_running)


def wait_for_idle(timeout_ms: int = 5000) -> bool:
    """Let every running task finish and deliver its result; False on timeout."""
    deadline = time.monotonic() + timeout_ms / 1000
    while _running and time.monotonic() < deadline:
        writer_pool().waitForDone(10)
        reader_pool().waitForDone(10)
        QCoreApplication.processEvents()
    return not _running


class _Relay(QObject):
    """One object on the GUI thread through which every worker reports back.

    It lives as long as the application, so a worker can never outlive the object it
    emits through, and results always arrive on the GUI thread (queued connection).
    """

    delivered = Signal(int, object)  # task id, [(succeeded, result or exception)]

    def __init__(self) -> None:
        super().__init__(QCoreApplication.instance())
        self.delivered.connect(self._on_delivered, Qt.ConnectionType.QueuedConnection)

    def _on_delivered(self, task_id: int, parcel: list[tuple[bool, Any]]) -> None:
        succeeded, payload = parcel.pop()
        task = _running.pop(task_id, None)
        if task is not None:
            task._deliver(succeeded, payload)


def _get_relay() -> _Relay:
    global _relay
    if _relay is None or not shiboken6.isValid(_relay):
        _relay = _Relay()
    return _relay


class BackgroundTask(QObject, Generic[T]):
    """One piece of work off the GUI thread, with callbacks on the GUI thread.

    Signals:
        finished(): the result was delivered (after the callbacks ran or were skipped).
    """

    finished = Signal()

    def __init__(
        self,
        fn: Callable[[], T],
        *,
        parent: QObject | None = None,
        writes: bool = True,
        label: str = "",
    ) -> None:
        super().__init__()
        self._fn = fn
        self._parent = parent
        self._writes = writes
        self.label = label or getattr(fn, "__name__", "task")
        self._on_success: Callable[[T], object] | None = None
        self._on_failure: Callable[[Exception], object] | None = None
        self._started = False

    def success(self, callback: Callable[[T], object]) -> BackgroundTask[T]:
        self._on_success = callback
        return self

    def failure(self, callback: Callable[[Exception], object]) -> BackgroundTask[T]:
        self._on_failure = callback
        return self

    def run_in_background(self) -> BackgroundTask[T]:
        """Start the work; must be called on the GUI thread."""
        if self._started:
            raise RuntimeError(f"task {self.label!r} was already started")
        self._started = True
        task_id, relay, held = next(_task_ids), _get_relay(), [self._fn]

        def work() -> None:
            # The worker lets go of everything before it reports: what the work and its
            # outcome refer to (a window, a model) is then freed on the GUI thread, where
            # the task keeps the function and the parcel hands the outcome over.
            fn = held.pop()
            try:
                outcome = (True, fn())
            except Exception as exc:
                outcome = (False, exc)
            del fn
            parcel = [outcome]
            del outcome
            relay.delivered.emit(task_id, parcel)

        _running[task_id] = self
        log.debug("Starting %s task %s", "write" if self._writes else "read", self.label)
        (writer_pool() if self._writes else reader_pool()).start(work)
        return self

    def _parent_alive(self) -> bool:
        return self._parent is None or shiboken6.isValid(self._parent)

    def _deliver(self, succeeded: bool, payload: Any) -> None:
        try:
            if not self._parent_alive():
                if not succeeded:
                    log.warning("Task %s failed after its window closed: %s", self.label, payload)
            elif succeeded:
                if self._on_success is not None:
                    self._on_success(payload)
            elif self._on_failure is not None:
                self._on_failure(payload)
            else:
                show_error(self._parent if isinstance(self._parent, QWidget) else None, payload)
        finally:
            self.finished.emit()


class LatestRead:
    """Background reads where only the newest request's answer counts: a later search,
    period or ticket makes an earlier answer stale, so it is dropped when it arrives.

    Each :meth:`run` supersedes the reads before it; :meth:`supersede` drops the pending
    ones without starting another. A failure of the newest read goes to ``on_failure``
    (or is shown like any other error).
    """

    def __init__(self, parent: QObject, label: str) -> None:
        self._parent = parent
        self._label = label
        self._generation = 0

    def supersede(self) -> None:
        self._generation += 1

    def run(
        self,
        fn: Callable[[], T],
        on_success: Callable[[T], object],
        on_failure: Callable[[Exception], object] | None = None,
    ) -> None:
        self._generation += 1
        generation = self._generation
        parent = self._parent

        def failed(exc: Exception) -> None:
            if on_failure is not None:
                on_failure(exc)
            else:
                show_error(parent if isinstance(parent, QWidget) else None, exc)

        BackgroundTask(fn, parent=parent, writes=False, label=self._label).success(
            lambda result: on_success(result) if generation == self._generation else None
        ).failure(
            lambda exc: failed(exc) if generation == self._generation else None
        ).run_in_background()
