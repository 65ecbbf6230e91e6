"""Qt objects die on the GUI thread: garbage is collected there, never on a worker."""

from __future__ import annotations

import gc
import threading

from PySide6.QtCore import QObject, Qt

from aiva_desk.gui import tasks
from aiva_desk.gui.gui_thread_gc import collect_on_gui_thread
from aiva_desk.gui.tasks import BackgroundTask


def _churn() -> None:
    """Make cyclic garbage far past the youngest generation's threshold."""
    for _ in range(20 * gc.get_threshold()[0]):
        cycle: list[object] = []
        cycle.append(cycle)


def test_a_worker_making_garbage_never_collects_it(qtbot, qapp) -> None:
    collector = collect_on_gui_thread(qapp)
    assert collect_on_gui_thread(qapp) is collector  # installed once
    assert not gc.isenabled()
    on_main: list[bool] = []

    def record(phase: str, _info: dict) -> None:
        if phase == "start":
            on_main.append(threading.current_thread() is threading.main_thread())

    gc.callbacks.append(record)
    try:
        worker = threading.Thread(target=_churn)
        worker.start()
        worker.join()
        assert on_main == []  # the worker allocated plenty and collected nothing
        assert gc.get_count()[0] > gc.get_threshold()[0]
        qtbot.waitUntil(lambda: gc.get_count()[0] <= gc.get_threshold()[0], timeout=10_000)
        assert on_main and all(on_main)  # the GUI thread's timer collected it
    finally:
        gc.callbacks.remove(record)


def test_what_a_task_refers_to_is_freed_on_the_gui_thread(qtbot, qapp) -> None:
    died_on: list[str] = []
    holder = QObject()  # only the task's function refers to it
    holder.destroyed.connect(
        lambda: died_on.append(threading.current_thread().name), Qt.ConnectionType.DirectConnection
    )
    done: list[object] = []

    def work(held: QObject = holder) -> str:
        return held.objectName() or "ran"

    task = BackgroundTask(work).success(done.append)
    del holder, work
    task.run_in_background()
    assert tasks.wait_for_idle()
    tasks.writer_pool().waitForDone(10_000)  # the worker has let go of everything
    assert done == ["ran"] and died_on == []  # the task still holds its function
    del task
    qtbot.waitUntil(lambda: died_on != [], timeout=10_000)
    assert died_on == [threading.main_thread().name]
