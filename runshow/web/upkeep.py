"""Keeping thousands of idle screens connected for little memory and CPU.

Engine.IO gives every client three green threads: the connection's reader, a
writer waiting on the client's queue, and a sleeper that wakes every
ping_interval to send a ping. The last two cost about 5 KB each per screen
(their saved stacks, timers and green thread objects) and a wake-up, a queue
hand-over and a spawn per ping. Here:

- `ScreenSocket` writes from a green thread that exists only while something
  is queued for that client (a broadcast usually needs none: see
  runshow/web/fanout.py, which writes the frame directly);
- `sweep_clients`, one pass over every client every `SWEEP_EVERY_S`, sends the
  pings that are due (the same bytes for all, written directly where it can),
  closes the clients that stopped answering and forgets the closed ones: the
  work Engine.IO's per-client monitor and ping sleepers did.

The protocol is unchanged: a client still gets a ping every ping_interval (up
to one sweep later: min(SWEEP_EVERY_S, ping_interval / 2)) and is closed
ping_timeout after a ping it did not answer (up to one sweep later). Both
assume a server of green threads (switches only where one waits), which is
what runshow/server.py, the only place that installs them, runs.
"""

from __future__ import annotations

import contextlib
import logging
import os
import time
from collections.abc import Callable
from typing import Any, Protocol

import engineio.socket
from engineio import exceptions as eio_exceptions
from engineio import packet as eio_packet

from runshow.web.fanout import direct_sockets, websocket_frame, write_frame
from runshow.web.lifecycle import Lifecycle

log = logging.getLogger(__name__)

#: Engine.IO's own timing: a ping every 25 s; a client that has not answered one
#: within 20 s is closed (and a client that hears nothing for 45 s reconnects).
PING_INTERVAL_S = 25.0
PING_TIMEOUT_S = 20.0

#: How often every client is looked at (at most): a ping goes out up to this much
#: later than its interval, well within the 45 s a client waits for one.
SWEEP_EVERY_S = 5.0

_PING = eio_packet.Packet(eio_packet.PING)
_PING_FRAME = websocket_frame(_PING.encode())


class WebSockets(Protocol):
    """What direct writes need of the server's WebSockets (runshow/server.py's
    `EventletWebSockets`)."""

    def watch(self, ws: Any, changed: Callable[[], None]) -> None:
        """Call `changed` whenever a send on `ws` starts or ends."""

    def writable(self, ws: Any) -> bool:
        """Nobody is writing to `ws`, and it is not closed."""

    def kernel_socket(self, ws: Any) -> Any:
        """The socket under `ws`, whose `send` never waits."""

    def finish(self, ws: Any, rest: bytes) -> None:
        """Write the rest of a frame the kernel took in part, before anything else."""


class ScreenSocket(engineio.socket.Socket):
    """An Engine.IO socket whose only green thread, while there is nothing to
    write, is its connection's reader, and that can be written to directly.

    It is in its server's `direct_sockets` while its WebSocket is up, with nothing
    queued, no writer and no other send in progress: then a frame written to its
    kernel socket overtakes nothing and cuts into nothing. Every change of those
    (a packet queued, the writer ending, a send lock taken or released, the
    WebSocket ending) looks again (`_refresh_direct`). One moment is left to the
    green threads: eventlet marks a WebSocket closed just after releasing the lock
    of its closing frame, and the reader then ends and takes the screen out before
    any other green thread runs (a frame written meanwhile would only meet a
    socket shut down, and go the library's way).

    For green threads only (nothing switches between a check and the write that
    follows it): runshow/server.py installs it with eventlet."""

    #: The server's WebSockets (`install`).
    websockets: WebSockets | None = None

    def __init__(self, server: Any, sid: str) -> None:
        super().__init__(server, sid)
        self.ping_due: float | None = None  # time.monotonic() of the next ping (sweep)
        self.websocket: Any = None  # while the WebSocket transport is up
        self.writer: Any = None  # the green thread writing the queue, while it runs
        self.reading = False  # the WebSocket's reader is still at work
        self.direct = direct_sockets(server)

    def write_now(self, frame: bytes) -> bool:
        """Write `frame` now if it overtakes nothing and the kernel takes it without
        waiting; else False, and the caller queues the packet."""
        return not write_frame(self.server, (self.sid,), frame)

    def finish_frame(self, rest: bytes) -> None:
        """The kernel took part of a frame written directly: the rest goes next."""
        self.websockets.finish(self.websocket, rest)
        self._refresh_direct()  # out while the rest is written, or for good if it ended

    def _refresh_direct(self) -> None:
        """Into the table of direct writes, or out of it, as the screen is now."""
        ws = self.websocket
        if (
            self.websockets is not None
            and ws is not None
            and self.writer is None
            and self.queue.empty()
            and self.websockets.writable(ws)
        ):
            self.direct[self.sid] = self.websockets.kernel_socket(ws)
        else:
            self.direct.pop(self.sid, None)

    def schedule_ping(self) -> None:
        """On connect and on each pong: the sweep sends the next ping when due."""
        if self.last_ping:
            self.last_ping = None  # the library's clock for the answer: time.time()
            self.ping_due = time.monotonic() + self.server.ping_interval  # a clock set back
            # (NTP, a technician) must not hold the pings up

    def send(self, pkt: Any) -> None:
        super().send(pkt)
        self._start_writer()

    def close(self, wait: bool = True, abort: bool = False, reason: Any = None) -> None:
        closing_now = not self.closed and not self.closing
        super().close(wait=False, abort=abort, reason=reason)
        self._start_writer()  # the writer ends the WebSocket on the queue's None
        if wait and closing_now:  # as the library: only the call that closes waits
            self.queue.join()

    def _start_writer(self) -> None:
        if self.websocket is not None and self.writer is None and not self.queue.empty():
            self.writer = self.server.start_background_task(self._write_queue, self.websocket)
        self._refresh_direct()

    def _write_queue(self, ws: Any) -> None:
        """Write what is queued, in order, then end; on the queue's None (closing),
        a failed write or anything else, the WebSocket ends too."""
        queue_empty = self.server.get_queue_empty_exception()
        ended = True
        try:
            while True:
                try:
                    pkt = self.queue.get(block=False)
                except queue_empty:
                    ended = False
                    return
                self.queue.task_done()
                if pkt is None:
                    return
                ws.send(pkt.encode())
        except Exception:  # the connection broke: its reader ends too
            pass
        finally:
            self.writer = None
            if ended:
                if self.websocket is ws:
                    self.websocket = None
                if self.reading:  # else the transport is already closing it, once
                    with contextlib.suppress(Exception):
                        ws.close()
            self._refresh_direct()

    def _websocket_up(self, ws: Any) -> None:
        """The WebSocket transport is up: what was queued during an upgrade is
        written first, then frames can be written directly."""
        self.websocket = ws
        if self.websockets is not None:
            self.websockets.watch(ws, self._refresh_direct)
        self.reading = True
        self._start_writer()

    def _websocket_handler(self, ws: Any) -> list:
        """Engine.IO's WebSocket transport (the library's handshake and reading),
        with the writer started on demand instead of for the connection's life."""

        def websocket_wait() -> Any:
            data = ws.wait()
            if data and len(data) > self.server.max_http_buffer_size:
                raise ValueError("packet is too large")
            return data

        for attr in ("_sock", "socket"):  # a read that waits longer than a ping ends
            if hasattr(ws, attr) and hasattr(getattr(ws, attr), "settimeout"):
                getattr(ws, attr).settimeout(self.server.ping_interval + self.server.ping_timeout)

        if self.connected:  # an upgrade from long-polling: the probe, then UPGRADE
            self.upgrading = True
            probe = eio_packet.Packet(encoded_packet=websocket_wait())
            if probe.packet_type != eio_packet.PING or probe.data != "probe":
                self.upgrading = False
                return []
            ws.send(eio_packet.Packet(eio_packet.PONG, data="probe").encode())
            self.queue.put(eio_packet.Packet(eio_packet.NOOP))  # ends the pending poll
            upgrade = eio_packet.Packet(encoded_packet=websocket_wait())
            if upgrade.packet_type != eio_packet.UPGRADE:
                self.upgraded = self.upgrading = False
                return []
            self.upgraded, self.upgrading = True, False
        else:
            self.connected = self.upgraded = True

        self._websocket_up(ws)
        try:
            while True:
                try:
                    data = websocket_wait()
                except Exception:
                    break
                if data is None:  # closed by the client
                    break
                try:
                    self.receive(eio_packet.Packet(encoded_packet=data))
                except eio_exceptions.UnknownPacketError:
                    pass
                except eio_exceptions.SocketIsClosedError:
                    break
                except Exception:
                    self.server.logger.exception("Unknown receive error")
                    break
        finally:
            self.reading = False
            self.queue.put(None)
            self._start_writer()
            writer = self.writer
            try:
                if writer is not None:
                    writer.join()
            finally:
                self.websocket = None
                self._refresh_direct()
                self.close(wait=False, abort=True, reason=self.server.reason.TRANSPORT_CLOSE)
        return []


def ping_options(environ: Any = os.environ) -> dict[str, float]:
    """Engine.IO's ping timing. RUNSHOW_PING_INTERVAL_S (1 to 25 whole seconds) pings more
    often: for a network that drops connections quiet for less than 25 s, and for
    tests that watch pings come and go."""
    raw = environ.get("RUNSHOW_PING_INTERVAL_S")
    interval = PING_INTERVAL_S
    if raw:
        try:
            interval = int(raw)  # whole seconds: Engine.IO announces int(interval) * 1000 ms
        except ValueError:
            interval = 0
        if not 1 <= interval <= PING_INTERVAL_S:
            log.warning(
                "RUNSHOW_PING_INTERVAL_S=%r is not a whole number of seconds from 1 to 25: "
                "pings every %g s",
                raw,
                PING_INTERVAL_S,
            )
            interval = PING_INTERVAL_S
    return {
        "ping_interval": float(interval),
        "ping_timeout": min(PING_TIMEOUT_S, 2.0 * interval),
    }


def install(websockets: WebSockets) -> None:
    """Make Engine.IO servers of this process create `ScreenSocket`s, writing frames
    directly on `websockets`. Only on the fast path: runshow/web/fastpath.py has
    checked that `_websocket_handler`, copied above, is still the library's as tested."""
    ScreenSocket.websockets = websockets
    engineio.socket.Socket = ScreenSocket


def sweep_clients(eio: Any, now: float | None = None) -> None:
    """Send the pings that are due (`now`: time.monotonic()), close the clients that
    stopped answering, forget the closed ones."""
    now = time.monotonic() if now is None else now
    for sid, client in list(eio.sockets.items()):
        if client.closed:
            eio.sockets.pop(sid, None)
        elif client.closing:
            continue
        elif client.last_ping is None and getattr(client, "ping_due", None) is not None:
            if client.ping_due <= now:
                client.last_ping = time.time()
                if not client.write_now(_PING_FRAME):
                    client.send(_PING)
        else:
            client.check_ping_timeout()
    direct = direct_sockets(eio)
    for sid in direct.keys() - eio.sockets.keys():  # closed and forgotten
        del direct[sid]


def start_client_sweep(lifecycle: Lifecycle) -> None:
    """In place of Engine.IO's monitor (the server is made with monitor_clients=False),
    one loop of the server's `lifecycle`."""
    eio = lifecycle.socketio.server.eio
    every_s = min(SWEEP_EVERY_S, eio.ping_interval / 2)
    lifecycle.every("client sweep", every_s, lambda: sweep_clients(eio))
