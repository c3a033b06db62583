"""The fan-out's last step: the same bytes to every screen of a room.

python-socketio encodes a room emit once, then hands the packet to each client's
Engine.IO socket: a queue per client, a writer task woken for every message, and
the WebSocket frame built again for every client. For a state going to thousands
of screens that per-client machinery is most of the cost.

`DirectManager` builds the frame once per emit and hands it to each client's
`write_now` (runshow/web/upkeep.py's `ScreenSocket`, which runshow/server.py
installs with a writer for eventlet's WebSockets): written at once when nothing
queued for that client would be overtaken and the kernel takes it. Any other
client (long-polling, upgrading, a send in progress, something still queued, a
full send buffer) gets the packet the library's way, in order. A screen that
stops reading holds up nobody: a write the kernel takes only in part is
finished by a green thread of its own (tests/test_fanout.py).

Measured with bench/fanout.py (docs/benchmarks.md): at 1000 screens the server's
CPU per screen per command went from 134 to 39 µs and the latency halved.

The clients' upkeep (pings, silent clients) is runshow/web/upkeep.py's.
"""

from __future__ import annotations

from typing import Any

import socketio
from engineio import packet as eio_packet
from socketio import packet


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
            write_now = getattr(sockets.get(eio_sid), "write_now", None)
            if write_now is not None:
                if frame is None:
                    frame = websocket_frame(eio_pkt.encode())
                if write_now(frame):
                    continue
            self.server._send_eio_packet(eio_sid, eio_pkt)
