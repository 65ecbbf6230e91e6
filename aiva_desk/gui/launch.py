"""How this launch started: hand over to a running instance, or start minimized / open a ticket.

The command line (:mod:`aiva_desk.cli`) calls :func:`hand_over_to_running` before
it builds any window, and :func:`set_launch_options` when it starts the app itself;
:func:`aiva_desk.gui.app.run` then calls :func:`start_instance` and
:func:`show_at_start` once the main window and its tray exist.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QSystemTrayIcon, QWidget

from aiva_desk.errors import AivaError
from aiva_desk.gui.errors import show_error
from aiva_desk.gui.single_instance import (
    InstanceLock,
    Request,
    SingleInstance,
    activate_request,
)
from aiva_desk.runtime.paths import resolve_data_dir

if TYPE_CHECKING:
    from aiva_desk.app_context import AppContext

log = logging.getLogger(__name__)


class WindowShower(Protocol):
    """What :class:`~aiva_desk.gui.main.alert_wiring.AlertWiring` offers: the window, to front."""

    def show_window(self) -> None: ...

    def open_ticket(self, ticket_id: int) -> None: ...


@dataclass(frozen=True)
class LaunchOptions:
    request: Request | None = None  # ``aiva-desk open 1042`` when nothing was running
    minimized: bool = False  # ``--minimized`` (the autostart entry): only the tray icon


_options = LaunchOptions()
_lock: InstanceLock | None = None  # this process's claim on its data folder
_early: SingleInstance | None = None  # listening since the application was made
STARTING_WAIT_S = 15.0  # how long a launch waits for another one that is still starting
RETRY_S = 0.25


class InstanceNotAnswering(AivaError):
    """Another process holds the data folder but never answered: it is busy or hung."""

    title = "AIVA Desk is not answering"


def set_launch_options(options: LaunchOptions) -> None:
    global _options
    _options = options


def launch_options() -> LaunchOptions:
    return _options


def hand_over_to_running(
    data_dir: str | None, request: Request | None = None, *, wait_s: float | None = None
) -> bool:
    """True when an instance already runs on this data folder and took ``request``.

    False means this process is to be the instance: it now holds the folder's lock
    (and :func:`listen_early` should follow as soon as the application exists). A
    launch that finds the lock held waits (up to ``wait_s``, by default
    :data:`STARTING_WAIT_S`) for the holder to answer; a request it has sent is never
    sent again. Raises :class:`InstanceNotAnswering` when the holder never answers.
    """
    global _lock
    paths = resolve_data_dir(data_dir)
    request = request or activate_request()
    instance = SingleInstance(paths.root)
    lock = InstanceLock(paths.root)
    deadline = time.monotonic() + (STARTING_WAIT_S if wait_s is None else wait_s)
    while True:
        # Refused at once when nobody listens; once connected, waits for the answer.
        remaining_ms = max(1, round((deadline - time.monotonic()) * 1000))
        if instance.hand_over(request, timeout_ms=remaining_ms):
            return True
        if lock.acquire():
            _lock = lock
            return False
        if time.monotonic() >= deadline:
            break
        time.sleep(RETRY_S)
    holder = lock.holder()
    process = f" (process {holder})" if holder else ""
    raise InstanceNotAnswering(
        f"AIVA Desk is already running on {paths.root}{process} but does not answer: it is "
        "busy or frozen. Wait a moment and try again; if its window stays frozen, end that "
        "process (for example in your system monitor) and start AIVA Desk again."
    )


def listen_early(data_dir: str | None) -> SingleInstance:
    """Listen for later launches from the start: while the database opens or the first-run
    welcome is up, their requests are kept and acted on once the window exists."""
    global _early
    instance = SingleInstance(resolve_data_dir(data_dir).root)
    instance.hold()
    if not instance.listen():
        log.warning("Another AIVA Desk runs on %s; this one will not be found", instance.name)
    _early = instance
    return instance


def release_instance_lock() -> None:
    """Give up this process's claim on its data folder (when the app ends)."""
    global _lock, _early
    if _early is not None:
        _early.close()
        _early = None
    if _lock is not None:
        _lock.release()
        _lock = None


def open_ticket_number(context: AppContext, shower: WindowShower, number: int) -> None:
    """Bring the window up and open ticket ``number``; an unknown number is said plainly."""
    shower.show_window()
    try:
        ticket_id = context.tickets.id_for_number(number)
    except AivaError as exc:
        parent = getattr(shower, "window", None)
        show_error(parent if isinstance(parent, QWidget) else None, exc)
        return
    shower.open_ticket(ticket_id)


def start_instance(context: AppContext, shower: WindowShower) -> SingleInstance:
    """Act on later launches' requests (and this launch's own) now that the window exists.

    Uses the instance :func:`listen_early` started, so a switch to the demo folder at
    first run keeps answering launches on the folder the app was started for.
    """
    instance = _early
    if instance is None:
        instance = listen_early(str(context.paths.root))
    instance.activate_requested.connect(shower.show_window)
    instance.open_requested.connect(lambda number: open_ticket_number(context, shower, number))
    if (request := launch_options().request) is not None:
        QTimer.singleShot(0, instance, lambda: instance.deliver(request))
    QTimer.singleShot(0, instance, instance.release_held)
    return instance


def show_at_start(window: QWidget) -> None:
    """Show the main window, unless started ``--minimized`` and a tray icon can hold it."""
    if launch_options().minimized and QSystemTrayIcon.isSystemTrayAvailable():
        log.info("Started minimized to the tray")
        return
    window.show()
