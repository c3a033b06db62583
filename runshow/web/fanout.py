"""The fan-out's last step: the same bytes to every screen of a room.

python-socketio encodes a room emit once, then hands the packet to each client's
Engine.IO socket: a queue per client, a writer task woken for every message, and
the WebSocket frame built again for every client. For a state going to thousands
of screens that per-client machinery is most of the cost.

`DirectManager` builds the frame once per emit and writes it at once to every
WebSocket that can take it now: one whose transport offers `direct_send`
(runshow/server.py gives eventlet's WebSockets one) and that has nothing
waiting in its queue, so nothing it was sent before is overtaken. Any other
client (long-polling, upgrading, a send in progress, something still queued, a
full send buffer) gets the packet the library's way, in order. A screen that
stops reading holds up nobody: a write the kernel takes only in part is
finished by a green thread of its own (tests/test_fanout.py).

Measured with bench/fanout.py (docs/benchmarks.md): at 1000 screens the server's
CPU per screen per command went from 134 to 39 µs and the latency halved.

The clients' upkeep too: Engine.IO's monitor of silent clients wakes once per
client (every 20 ms at 1000 screens, with a timed wait each time); one pass over
all of them every few seconds does the same work (`start_client_sweep`). With
1000 idle screens, the server's idle CPU went from 2.8-3.2 % to 1.0-1.1 %.
"""

from __future__ import annotations

import logging
from typing import Any

import socketio
from engineio import packet as eio_packet
from socketio import packet

#: What a transport's `direct_send(frame)` does: write the whole frame now (True), or
#: nothing at all (False: the caller queues the packet instead).
DIRECT_SEND = "direct_send"

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


class DirectManager(socketio.Manager):
    """Socket.IO's in-memory client manager, writing a broadcast's frame directly."""

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
        if callback is not None or skip_sid is not None or namespace not in self.rooms:
            return super().emit(event, data, namespace, room, skip_sid, callback, **kwargs)
        arguments = list(data) if isinstance(data, tuple) else [] if data is None else [data]
        text = self.server.packet_class(
            packet.EVENT, namespace=namespace, data=[event, *arguments]
        ).encode()
        if not isinstance(text, str):  # binary attachments: the library's way
            return super().emit(event, data, namespace, room, skip_sid, callback, **kwargs)
        eio_pkt = eio_packet.Packet(eio_packet.MESSAGE, text)
        sockets = self.server.eio.sockets
        frame = None
        for _sid, eio_sid in self.get_participants(namespace, room):
            client = sockets.get(eio_sid)
            direct = getattr(client, DIRECT_SEND, None)
            if direct is not None and _idle(client):
                if frame is None:
                    frame = websocket_frame(eio_pkt.encode())
                if direct(frame):
                    continue
            self.server._send_eio_packet(eio_sid, eio_pkt)


def _idle(client: Any) -> bool:
    """An upgraded WebSocket with nothing of its own waiting to be written."""
    return client.upgraded and not client.upgrading and not client.closed and client.queue.empty()


#: How often every client's last answer to a ping is looked at. Engine.IO's own
#: monitor visits one client every ping_timeout / N seconds (20 s / 1000 screens:
#: fifty wake-ups a second, each with its own timed wait, while the show is idle).
SWEEP_EVERY_S = 5.0


def sweep_clients(eio: Any) -> None:
    """Close the clients that stopped answering pings, forget the closed ones: what
    Engine.IO's monitor does, in one pass."""
    for sid, client in list(eio.sockets.items()):
        if client.closed:
            eio.sockets.pop(sid, None)
        elif not client.closing:
            client.check_ping_timeout()


def start_client_sweep(socketio: Any, every_s: float = SWEEP_EVERY_S) -> None:
    """In place of Engine.IO's monitor (the server is made with monitor_clients=False)."""
    eio = socketio.server.eio

    def run() -> None:
        while True:
            socketio.sleep(every_s)
            try:
                sweep_clients(eio)
            except Exception:  # one bad pass must not end the upkeep of the day
                log.exception("client sweep failed; the next one follows")

    socketio.start_background_task(run)
