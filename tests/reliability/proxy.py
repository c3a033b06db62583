"""A TCP proxy on 127.0.0.1 whose "network" can be cut and restored, for screens
that lose the server: while cut, every connection through it is dropped and
every new one is closed at once (as a connection to a server that is down
fails). A silent cut (`cut(silent=True)`, Wi-Fi gone) closes nothing: every
connection goes quiet, new ones are taken and never answered, and the quiet
ones stay dead after `restore` (as TCP, backing off, resends so late that a
screen waiting on them would be seconds behind). The proxy notes when each
attempt came, so a test can see how often a screen tries again."""

from __future__ import annotations

import contextlib
import itertools
import socket
import threading
import time


class CuttableProxy:
    def __init__(self, target_port: int, host: str = "127.0.0.1"):
        self.host = host
        self.target_port = target_port
        self._lock = threading.Lock()
        self._open: set[socket.socket] = set()
        self._quiet: set[socket.socket] = set()  # silently cut: read and dropped, forever
        self.cut_off = False
        self.silent = False
        self.attempts: list[float] = []  # time.monotonic() of each connection attempt
        self.port = self._listen(0)

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def _listen(self, port: int) -> int:
        listener = socket.socket()
        listener.bind((self.host, port))
        listener.listen(128)
        self._listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()
        return listener.getsockname()[1]

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return  # closed with the proxy
            self.attempts.append(time.monotonic())
            if self.cut_off and self.silent:
                with self._lock:
                    self._quiet.add(client)  # taken, never answered
                continue
            if self.cut_off:
                self._drop(client)
                continue
            try:
                upstream = socket.create_connection((self.host, self.target_port), timeout=5)
            except OSError:
                client.close()  # the server is down: the screen sees a dropped connection
                continue
            upstream.settimeout(None)
            with self._lock:
                self._open.update((client, upstream))
            for source, sink in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(source, sink), daemon=True).start()

    def _pump(self, source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                if source not in self._quiet:
                    sink.sendall(data)
        except OSError:
            pass
        finally:
            # A silently cut connection's end is never heard on the other side either.
            self._drop(*((source,) if source in self._quiet else (source, sink)))

    def _drop(self, *sockets: socket.socket) -> None:
        for sock in sockets:
            with self._lock:
                self._open.discard(sock)
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()

    def cut(self, silent: bool = False) -> None:
        """Drop every connection and every new one until `restore`; with `silent`,
        let every connection go quiet instead, for good."""
        self.silent, self.cut_off = silent, True
        with self._lock:
            live = list(self._open)
            if silent:
                self._quiet.update(live)
        if not silent:
            self._drop(*live)

    def restore(self) -> None:
        self.cut_off = False

    def longest_wait_between_attempts(self, since: float) -> float:
        """The longest a screen went without trying to connect, after `since`
        (attempts closer than 50 ms apart are one attempt: a browser may open
        two sockets for one)."""
        times = [t for t in self.attempts if t >= since]
        gaps = [later - earlier for earlier, later in itertools.pairwise(times)]
        return max((gap for gap in gaps if gap > 0.05), default=0.0)

    def close(self) -> None:
        self.cut()
        with self._lock:
            quiet = list(self._quiet)
        self._drop(*quiet)
        self._listener.close()
