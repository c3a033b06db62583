"""The fan-out's last step: the same bytes to every screen of a room.

python-socketio encodes a room emit once, then hands the packet to each client's
Engine.IO socket: a queue per client, a writer task woken for every message, and
the WebSocket frame built again for every client. For a state going to thousands
of screens that per-client machinery is most of the cost.

`DirectManager` builds the frame once per emit and writes it straight to the
kernel socket of every client in its server's `direct_sockets`: the screens
whose WebSocket has nothing queued and no send in progress, kept up to date by
runshow/web/upkeep.py's `ScreenSocket` (installed by runshow/server.py for
eventlet's WebSockets). Any other client (long-polling, upgrading, a send in
progress, something still queued, a full send buffer) gets the packet the
library's way, in order. A screen that stops reading holds up nobody: a write
the kernel takes only in part is finished by a green thread of its own
(tests/test_fanout.py).

Measured with bench/fanout.py (docs/benchmarks.md): at 1000 screens the server's
CPU per screen per command went from 134 to 39 µs and the latency halved; the
table of direct sockets (round 5) took 5 µs more off it (docs/benchmarks.md).

The clients' upkeep (pings, silent clients) is runshow/web/upkeep.py's. All of this
leans on python-socketio's private `_send_eio_packet` and `Manager.rooms` layout:
runshow/web/fastpath.py checks them at start, and without them the server uses
socketio.Manager as it is. A broadcast that raises here sends that emit and every
later one the library's way, and the console is told (`DirectManager.failure`).
"""

from __future__ import annotations

import contextlib
import logging
import socket
from collections.abc import Iterable
from typing import Any

import socketio
from engineio import packet as eio_packet
from socketio import packet

log = logging.getLogger(__name__)


def websocket_frame(text: str) -> bytes:
    """One final, unmasked RFC 6455 text frame (what a server sends)."""
    data = text.encode()
    length = len(data)
    if length < 126:
        head = bytes((0x81, length))
    elif length < 1 << 16:
        head = bytes((0x81, 126)) + length.to_bytes(2, "big")
    else:
        head = bytes((0x81, 127)) + length.to_bytes(8, "big")
    return head + data


class DirectSockets(dict):
    """Engine.IO sid → kernel socket. Once `closed` (a broadcast raised), it stays
    empty: every screen is written to the library's way from then on."""

    closed = False

    def __setitem__(self, eio_sid: str, sock: Any) -> None:
        if not self.closed:
            super().__setitem__(eio_sid, sock)

    def close(self) -> None:
        self.closed = True
        self.clear()


def direct_sockets(eio: Any) -> DirectSockets:
    """Engine.IO sid → kernel socket, for each client of `eio` that a frame can be
    written to directly right now (see `ScreenSocket`). Empty for a server whose
    clients are the library's own."""
    try:
        return eio.runshow_direct_sockets
    except AttributeError:
        eio.runshow_direct_sockets = DirectSockets()
        return eio.runshow_direct_sockets


def write_frame(eio: Any, eio_sids: Iterable[str], frame: bytes) -> list[str]:
    """Write the WebSocket `frame` to every client of `eio_sids` that can take it
    directly; return the others, in order, for the library's queue.

    The fan-out's inner loop: it touches one dict and each screen's kernel socket,
    nothing else, because at thousands of screens every object read per screen is a
    cache miss (5 µs per screen per command less than the checks it replaced)."""
    direct = direct_sockets(eio)
    size = len(frame)
    others = []
    for eio_sid in eio_sids:
        sock = direct.get(eio_sid)
        if sock is not None:
            try:
                sent = sock.send(frame)
            except OSError:  # full (BlockingIOError) or broken: the library's writer takes over
                sent = 0
            if sent == size:
                continue
            if sent:
                _finish(eio, eio_sid, sock, frame[sent:])
                continue
            del direct[eio_sid]  # back once the library's writer has written the queue
        others.append(eio_sid)
    return others


def _finish(eio: Any, eio_sid: str, sock: Any, rest: bytes) -> None:
    """The rest of a frame the kernel took in part goes next; were the client gone,
    its connection ends (a frame cut short would garble what follows)."""
    client = eio.sockets.get(eio_sid)
    if client is not None:
        client.finish_frame(rest)
    else:
        direct_sockets(eio).pop(eio_sid, None)
        with contextlib.suppress(OSError):
            sock.shutdown(socket.SHUT_RDWR)


class DirectManager(socketio.Manager):
    """Socket.IO's in-memory client manager, writing a broadcast's frame directly."""

    #: The fast path is this manager's (runshow/web/fastpath.py `status`).
    direct = True
    #: Why broadcasts went over to the library's way (said to each console in its
    #: language: fastpath.failure_text).
    failure: BaseException | None = None

    def emit(
        self,
        event: str,
        data: Any,
        namespace: str,
        room: Any = None,
        skip_sid: Any = None,
        callback: Any = None,
        to: Any = None,
        **kwargs: Any,
    ) -> None:
        room = to or room
        if self.failure is None and callback is None and skip_sid is None:
            try:
                if self._emit_directly(event, data, namespace, room):
                    return None
            except Exception as error:
                self._give_up(error)
        # Anything else, and after giving up (the emit that raised too): the library's
        # way, to all of the room (a screen may get that one twice; a state says its
        # revision).
        return super().emit(event, data, namespace, room, skip_sid, callback, **kwargs)

    def _give_up(self, error: Exception) -> None:
        """From now on every broadcast goes the library's way: never a frozen screen
        behind a log line."""
        log.exception("the direct fan-out failed: every screen is served the library's way")
        self.failure = error
        direct_sockets(self.server.eio).close()

    def _emit_directly(self, event: str, data: Any, namespace: str, room: Any) -> bool:
        """One frame for every participant of `room`; False (nothing sent) for what
        goes the library's way: a namespace nobody joined, binary attachments."""
        if namespace not in self.rooms:
            return False
        arguments = list(data) if isinstance(data, tuple) else [] if data is None else [data]
        text = self.server.packet_class(
            packet.EVENT, namespace=namespace, data=[event, *arguments]
        ).encode()
        if not isinstance(text, str):
            return False
        eio_pkt = eio_packet.Packet(eio_packet.MESSAGE, text)
        frame = websocket_frame(eio_pkt.encode())
        for eio_sid in write_frame(self.server.eio, self._eio_sids(namespace, room), frame):
            self.server._send_eio_packet(eio_sid, eio_pkt)
        return True

    def reaches_anyone(self, namespace: str, rooms: Iterable[str]) -> bool:
        """Whether an emit to `rooms` would reach a screen. This process has all the
        screens there are, so a view that no screen draws need not be built."""
        present = self.rooms.get(namespace, {})
        return any(present.get(room) for room in rooms)

    def _eio_sids(self, namespace: str, room: Any) -> list[str]:
        """The Engine.IO sid of each participant of `room` (a room, a list of rooms or
        None: everyone), once: `get_participants` without a tuple per participant.
        A list, because a send the library's way can close a client meanwhile."""
        rooms = self.rooms.get(namespace, {})
        names = room if hasattr(room, "__len__") and not isinstance(room, str) else [room]
        present = [rooms[name] for name in names if name in rooms]
        if len(present) == 1:
            return list(present[0].values())
        merged: dict[str, str] = {}  # a screen in two of the rooms gets the frame once
        for members in present:
            merged.update(members.items())
        return list(merged.values())
