"""A screen on /live as bare bytes on a socket: what a browser's Socket.IO client
sends and reads, with nothing in between to hide what the server does."""

from __future__ import annotations

import base64
import os
import socket
from urllib.parse import urlsplit


def masked_text_frame(text: str) -> bytes:
    """One client-to-server text frame (clients mask theirs)."""
    data = text.encode()
    assert len(data) < 126
    mask = os.urandom(4)
    return (
        bytes([0x81, 0x80 | len(data)]) + mask + bytes(b ^ mask[n % 4] for n, b in enumerate(data))
    )


def open_screen(url: str, role: str = "programme", receive_buffer: int | None = None):
    """A WebSocket on /live, joined to the namespace; its HTTP head read, no frame yet."""
    address = urlsplit(url)
    conn = socket.socket()
    if receive_buffer is not None:
        conn.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, receive_buffer)
    conn.settimeout(20)
    conn.connect((address.hostname, address.port))
    key = base64.b64encode(os.urandom(16)).decode()
    conn.sendall(
        (
            f"GET /socket.io/?EIO=4&transport=websocket&role={role} HTTP/1.1\r\n"
            f"Host: {address.netloc}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n"
        ).encode()
    )
    head = b""
    while b"\r\n\r\n" not in head:
        head += conn.recv(1)  # only the HTTP head: the frames are read later
    assert b" 101 " in head.split(b"\r\n", 1)[0]
    conn.sendall(masked_text_frame("40/live,"))
    return FrameReader(conn)


class FrameReader:
    """Reads whole server frames (unmasked text) off the socket, one at a time."""

    def __init__(self, conn: socket.socket) -> None:
        self.conn = conn
        self.buffer = b""

    def _take(self, count: int) -> bytes | None:
        while len(self.buffer) < count:
            chunk = self.conn.recv(1 << 20)
            if not chunk:
                return None
            self.buffer += chunk
        taken, self.buffer = self.buffer[:count], self.buffer[count:]
        return taken

    def next_message(self) -> str | None:
        """The next text message, or None when the server closed the connection
        (or sent a WebSocket close frame)."""
        head = self._take(2)
        if head is None or head[0] == 0x88:
            return None
        assert head[0] == 0x81, f"not a whole text frame: {head!r}"
        length = head[1] & 0x7F
        if length == 126:
            length = int.from_bytes(self._take(2) or b"", "big")
        elif length == 127:
            length = int.from_bytes(self._take(8) or b"", "big")
        data = self._take(length)
        assert data is not None, "the connection closed inside a frame"
        return data.decode()

    def send(self, text: str) -> None:
        self.conn.sendall(masked_text_frame(text))

    def close(self) -> None:
        self.conn.close()
