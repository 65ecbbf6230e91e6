"""One running AIVA Desk per data folder; a second launch hands its request to the first.

The first instance listens on a local socket (a Unix domain socket, a named pipe
on Windows) whose name is derived from the user and the data folder, so two data
folders never collide and two users never see each other's instance. A second
launch connects, sends one request line and waits for the first instance to
answer ``ok``; then it exits. Requests::

    activate        bring the window to the front
    open 1042       bring the window to the front and open ticket #1042

After a crash the socket file stays behind and a connection to it is refused: that
name is stale, it is removed and the new instance takes over.

The socket alone leaves a gap: two launches in the same instant (a double-click
twice over) both find nobody listening and would both start. :class:`InstanceLock`
closes it: a lock file in the data folder that only one process holds; the other
waits for the holder to listen, then hands over.

Signals:
    activate_requested(): another launch asked for the window.
    open_requested(int): another launch asked for the ticket with this number.
"""

from __future__ import annotations

import getpass
import hashlib
import logging
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import (
    QCoreApplication,
    QDeadlineTimer,
    QDir,
    QEventLoop,
    QObject,
    QTimer,
    Signal,
)
from PySide6.QtNetwork import QLocalServer, QLocalSocket

log = logging.getLogger(__name__)

ACTIVATE = "activate"
OPEN = "open"
REPLY_OK = b"ok\n"
HANDOVER_TIMEOUT_MS = 2000
MAX_REQUEST_BYTES = 256
LOCK_FILE_NAME = ".aiva-desk-instance.lock"


@dataclass(frozen=True)
class Request:
    """One launch's wish: ``activate``, or ``open`` with a ticket number."""

    action: str
    number: int | None = None

    def encode(self) -> bytes:
        text = self.action if self.number is None else f"{self.action} {self.number}"
        return text.encode("ascii") + b"\n"


def activate_request() -> Request:
    return Request(ACTIVATE)


def open_request(number: int) -> Request:
    return Request(OPEN, int(number))


def parse_request(data: bytes) -> Request | None:
    """The request in one line of ``data``, or ``None`` when it is not one we know."""
    try:
        words = data.decode("ascii").strip().split()
    except UnicodeDecodeError:
        return None
    if words == [ACTIVATE]:
        return activate_request()
    if len(words) == 2 and words[0] == OPEN and words[1].isdigit():
        return open_request(int(words[1]))
    return None


def _user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return str(os.getuid()) if hasattr(os, "getuid") else "user"


def server_name(data_dir: Path | str) -> str:
    """The local socket's name for ``data_dir`` (resolved) and the current user."""
    key = f"{_user()}\0{Path(data_dir).expanduser().resolve()}"
    return "aiva-desk-" + hashlib.sha256(key.encode("utf-8")).hexdigest()[:20]


def _wait(
    socket: QLocalSocket, signal_name: str, ready: Callable[[], bool], timeout_ms: int
) -> bool:
    """Wait until ``ready()`` or the timeout, running events if an application exists.

    With an application (the app itself, tests) a local event loop lets a server in the
    same thread answer; before the application exists (the command line) Qt's blocking
    waits are used.
    """
    if ready():
        return True
    if QCoreApplication.instance() is None:
        blocking = {
            "connected": socket.waitForConnected,
            "readyRead": socket.waitForReadyRead,
            "bytesWritten": socket.waitForBytesWritten,
        }[signal_name]
        deadline = QDeadlineTimer(timeout_ms)
        while not ready() and not deadline.hasExpired():
            if not blocking(max(1, deadline.remainingTime())) and (
                socket.state() == QLocalSocket.LocalSocketState.UnconnectedState
            ):
                break
        return ready()
    loop = QEventLoop()
    timer = QTimer()
    timer.setSingleShot(True)
    timer.timeout.connect(loop.quit)
    for signal in (getattr(socket, signal_name), socket.errorOccurred, socket.disconnected):
        signal.connect(loop.quit)
    timer.start(timeout_ms)
    while not ready() and timer.isActive() and not _gone(socket):
        loop.exec()
    timer.stop()
    return ready()


def _gone(socket: QLocalSocket) -> bool:
    """The connection failed or was closed: waiting longer cannot help."""
    return (
        socket.state() == QLocalSocket.LocalSocketState.UnconnectedState
        and socket.error() != QLocalSocket.LocalSocketError.UnknownSocketError
    )


def send_request(name: str, request: Request, timeout_ms: int = HANDOVER_TIMEOUT_MS) -> bool:
    """Send ``request`` to the instance listening as ``name``; True once it answered ``ok``."""
    socket = QLocalSocket()
    socket.connectToServer(name)
    connected = _wait(
        socket,
        "connected",
        lambda: socket.state() == QLocalSocket.LocalSocketState.ConnectedState,
        timeout_ms,
    )
    if not connected:
        return False
    socket.write(request.encode())
    socket.flush()
    answered = _wait(socket, "readyRead", lambda: REPLY_OK in bytes(socket.peek(16).data()),
                     timeout_ms)  # fmt: skip
    socket.abort()
    return answered


class InstanceLock:
    """The data folder's lock, held by the one process that is (or becomes) its instance.

    An operating-system lock on an open file (``flock``; ``msvcrt.locking`` on
    Windows): the system frees it when the process ends, however it ends, so no
    leftover file (garbled by a power loss, copied from another machine, naming a
    reused process id) can ever keep AIVA Desk from starting. The file holds the
    holder's process id, for messages only.
    """

    def __init__(self, data_dir: Path | str) -> None:
        self._path = Path(data_dir).expanduser() / LOCK_FILE_NAME
        self._fd: int | None = None

    def acquire(self) -> bool:
        """Take the lock; False while another process holds it.

        Where no lock file can be made (an unwritable folder), this says True: the
        start-up that follows reports the folder's problem in its own words.
        """
        if self._fd is not None:
            return True
        try:
            self._path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(self._path, os.O_RDWR | os.O_CREAT, 0o600)
        except OSError:
            return True
        try:
            _lock(fd)
        except OSError:
            os.close(fd)
            return False
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode("ascii"))
        self._fd = fd
        return True

    def holder(self) -> int | None:
        """The process id the holder wrote, if it can be read."""
        try:
            text = self._path.read_text(encoding="ascii").strip()
        except (OSError, UnicodeDecodeError):
            return None
        return int(text) if text.isdigit() else None

    def release(self) -> None:
        if self._fd is not None:
            os.close(self._fd)  # closing the file frees the lock
            self._fd = None


def _lock(fd: int) -> None:
    """Lock the open file ``fd`` without waiting; OSError if another process holds it."""
    if sys.platform == "win32":
        import msvcrt

        msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
    else:
        import fcntl

        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)


class SingleInstance(QObject):
    """The data folder's instance: :meth:`hand_over` to a running one or :meth:`listen`.

    Signals:
        activate_requested(): a later launch asked for the window.
        open_requested(int): a later launch asked to open the ticket with this number.
    """

    activate_requested = Signal()
    open_requested = Signal(int)

    def __init__(self, data_dir: Path | str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.name = server_name(data_dir)
        self._server: QLocalServer | None = None
        self._held: list[Request] | None = None  # requests kept while the app starts
        self.stale_cleared = False  # a dead instance's name was removed by listen()

    @property
    def listening(self) -> bool:
        return self._server is not None and self._server.isListening()

    def hand_over(
        self, request: Request | None = None, timeout_ms: int = HANDOVER_TIMEOUT_MS
    ) -> bool:
        """Pass ``request`` (default: activate) to a running instance; False if none answered."""
        return send_request(self.name, request or activate_request(), timeout_ms)

    def listen(self) -> bool:
        """Become the instance of this data folder; False if a live one already is.

        A live instance is one that accepts a connection. A name left behind by a
        crashed instance (its socket file exists but nobody accepts) is removed first.
        Two launches in the same instant may both listen; the later one wins the name.
        """
        if self.listening:
            return True
        if self._alive():
            log.info("Another instance is running for this data folder (%s)", self.name)
            return False
        if self._leftover():
            # Qt would listen over it; remove it ourselves to log and report it.
            log.warning("Removing the stale instance name %s left by a crash", self.name)
            QLocalServer.removeServer(self.name)
            self.stale_cleared = True
        server = QLocalServer(self)
        server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        if not server.listen(self.name):
            log.warning("Cannot listen as %s: %s", self.name, server.errorString())
            server.deleteLater()
            return False
        server.newConnection.connect(self._on_server_new_connection)
        self._server = server
        return True

    def close(self) -> None:
        if self._server is not None:
            self._server.close()
            self._server.deleteLater()
            self._server = None

    def _leftover(self) -> bool:
        """A socket file of this name exists (Unix; Windows pipes vanish with their owner)."""
        return sys.platform != "win32" and Path(QDir.tempPath(), self.name).exists()

    def _alive(self) -> bool:
        socket = QLocalSocket()
        socket.connectToServer(self.name)
        alive = socket.waitForConnected(500)
        socket.abort()
        return alive

    def _on_server_new_connection(self) -> None:
        assert self._server is not None
        while (socket := self._server.nextPendingConnection()) is not None:
            socket.setParent(self)
            socket.readyRead.connect(lambda s=socket: self._on_socket_ready_read(s))
            socket.disconnected.connect(socket.deleteLater)
            if socket.bytesAvailable():
                self._on_socket_ready_read(socket)

    def _on_socket_ready_read(self, socket: QLocalSocket) -> None:
        if not socket.canReadLine():
            if socket.bytesAvailable() > MAX_REQUEST_BYTES:
                socket.abort()
            return
        request = parse_request(bytes(socket.readLine(MAX_REQUEST_BYTES).data()))
        if request is None:
            log.warning("Ignoring an unknown request on %s", self.name)
            socket.abort()
            return
        socket.write(REPLY_OK)
        socket.flush()
        socket.disconnectFromServer()
        self.deliver(request)

    def hold(self) -> None:
        """Keep the requests that arrive from now on until :meth:`release_held`: the
        instance listens from the start, before its window exists to act on them."""
        if self._held is None:
            self._held = []

    def release_held(self) -> None:
        """Act on the requests kept by :meth:`hold`, in the order they came."""
        held, self._held = self._held or [], None
        for request in held:
            self.deliver(request)

    def deliver(self, request: Request) -> None:
        """Emit the signal for ``request`` (also used for the first launch's own request)."""
        if self._held is not None:
            self._held.append(request)
            return
        if request.action == OPEN and request.number is not None:
            self.open_requested.emit(request.number)
        else:
            self.activate_requested.emit()
