"""A TCP proxy on 127.0.0.1 that can drop a connection at a chosen moment: when the
server's data contains a marker, both sides are closed before that data is passed on
(a connection lost in the middle of a fetch)."""

from __future__ import annotations

import contextlib
import socket
import threading

from tests.helpers.ports import free_port


class DroppingProxy:
    def __init__(self, target: tuple[str, int], drop_on: bytes | None = None) -> None:
        self.target = target
        self.drop_on = drop_on  # None: pass everything
        self.dropped = threading.Event()
        self.port = free_port()
        self._listener = socket.create_server(("127.0.0.1", self.port))
        self._sockets: list[socket.socket] = []
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            server = socket.create_connection(self.target)
            self._sockets += [client, server]
            threading.Thread(target=self._pipe, args=(client, server, False), daemon=True).start()
            threading.Thread(target=self._pipe, args=(server, client, True), daemon=True).start()

    def _pipe(self, source: socket.socket, sink: socket.socket, from_server: bool) -> None:
        seen = b""
        try:
            while data := source.recv(65536):
                seen = (seen + data)[-4096:]
                if from_server and self.drop_on is not None and self.drop_on in seen:
                    self.dropped.set()
                    break
                sink.sendall(data)
        except OSError:
            pass
        for sock in (source, sink):
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()

    def close(self) -> None:
        self._listener.close()
        for sock in self._sockets:
            with contextlib.suppress(OSError):
                sock.close()
