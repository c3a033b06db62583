"""The fan-out's last step (runshow/web/fanout.py), with a real server and real sockets."""

from __future__ import annotations

import base64
import json
import os
import socket
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

import engineio
import engineio.socket
import socketio

from runshow.web.fanout import sweep_clients
from tests.conftest import BUNDLED_AGENDA, start_server, stop_server

#: Big enough that a few states fill the kernel's buffers of a screen that stops reading.
LONG_TITLE = "Báo cáo tổng kết công tác nhiệm kỳ " * 6_000


def agenda_with_long_titles(folder: Path) -> Path:
    agenda = json.loads(BUNDLED_AGENDA.read_text(encoding="utf-8"))
    for item in agenda["items"][:2]:
        item["title"] = LONG_TITLE
    path = folder / "agenda.json"
    path.write_text(json.dumps(agenda, ensure_ascii=False), encoding="utf-8")
    return path


def masked_text_frame(text: str) -> bytes:
    data = text.encode()
    assert len(data) < 126
    mask = os.urandom(4)
    return (
        bytes([0x81, 0x80 | len(data)]) + mask + bytes(b ^ mask[n % 4] for n, b in enumerate(data))
    )


def open_stalled_screen(url: str) -> socket.socket:
    """A phone on /live whose reading stops after the handshake: its receive buffer is
    tiny and nobody empties it (a phone whose Wi-Fi froze)."""
    address = urlsplit(url)
    conn = socket.socket()
    conn.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    conn.settimeout(20)
    conn.connect((address.hostname, address.port))
    key = base64.b64encode(os.urandom(16)).decode()
    conn.sendall(
        (
            "GET /socket.io/?EIO=4&transport=websocket&role=programme HTTP/1.1\r\n"
            f"Host: {address.netloc}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n"
        ).encode()
    )
    head = b""
    while b"\r\n\r\n" not in head:
        head += conn.recv(1)  # only the HTTP head: the frames are read later
    assert b" 101 " in head.split(b"\r\n", 1)[0]
    conn.sendall(masked_text_frame("40/live,"))
    return conn


def read_frames(conn: socket.socket, until_revision: int) -> list[int]:
    """Every state's revision, in the order the frames arrive, up to `until_revision`;
    each frame must be whole and well-formed."""
    buffer = b""
    revisions: list[int] = []

    def take(count: int) -> bytes:
        nonlocal buffer
        while len(buffer) < count:
            chunk = conn.recv(1 << 20)
            assert chunk, "the server closed the stalled screen's connection"
            buffer += chunk
        taken, buffer = buffer[:count], buffer[count:]
        return taken

    while not revisions or revisions[-1] < until_revision:
        head = take(2)
        assert head[0] == 0x81, f"not a whole text frame: {head!r}"
        length = head[1] & 0x7F
        if length == 126:
            length = int.from_bytes(take(2), "big")
        elif length == 127:
            length = int.from_bytes(take(8), "big")
        message = take(length).decode()
        if message.startswith('42/live,["state"'):
            revisions.append(json.loads(message[len("42/live,") :])[1]["revision"])
    return revisions


def test_a_screen_that_stops_reading_holds_up_nobody_and_then_gets_every_state_in_order(
    tmp_path: Path,
):
    server = start_server(
        tmp_path / "data", tmp_path / "server.log", agenda=agenda_with_long_titles(tmp_path)
    )
    reader = socketio.Client(reconnection=False)
    seen: list[int] = []
    done = threading.Event()
    try:
        stalled = open_stalled_screen(server.url)
        reader.on("state", lambda state: seen.append(state["revision"]), namespace="/live")
        reader.connect(
            f"{server.url}?role=stage",
            namespaces=["/live"],
            transports=["websocket"],
            wait_timeout=30,
        )
        revisions = [server.command("next")["revision"], server.command("start")["revision"]]
        for n in range(30):
            revisions.append(server.command("adjust", seconds=10 - 20 * (n % 2))["revision"])

        def all_seen() -> None:
            while revisions[-1] not in seen:
                time.sleep(0.05)
            done.set()

        threading.Thread(target=all_seen, daemon=True).start()
        # The stalled screen has read nothing yet: the other screen got every state anyway.
        assert done.wait(60), f"the reading screen got {seen[-3:]}, not {revisions[-1]}"
        assert [r for r in seen if r in revisions] == revisions

        # Its buffers long full, the stalled screen reads again: every state, whole, in order.
        got = read_frames(stalled, revisions[-1])
        assert got == sorted(got)
        assert set(revisions) <= set(got)
        stalled.close()
    finally:
        reader.disconnect()
        stop_server(server)
    assert "Traceback" not in server.log()


def test_screens_on_every_transport_get_every_state_in_order(live_server):
    """A WebSocket from the start, long-polling that upgrades to a WebSocket (the
    Socket.IO client's default), and long-polling only (a proxy refusing WebSockets):
    the first is written to directly, the others through the library's queue."""
    screens = {
        "websocket": ["websocket"],
        "upgraded": ["polling", "websocket"],
        "polling": ["polling"],
    }
    seen: dict[str, list[int]] = {name: [] for name in screens}
    clients = []
    try:
        for name, transports in screens.items():
            client = socketio.Client(reconnection=False)
            client.on(
                "state",
                lambda state, name=name: seen[name].append(state["revision"]),
                namespace="/live",
            )
            client.connect(
                f"{live_server.url}?role=stage",
                namespaces=["/live"],
                transports=transports,
                wait_timeout=30,
            )
            clients.append(client)
        revisions = [
            live_server.command("next")["revision"],
            live_server.command("start")["revision"],
        ]
        for n in range(20):
            revisions.append(live_server.command("adjust", seconds=10 - 20 * (n % 2))["revision"])
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and any(revisions[-1] not in s for s in seen.values()):
            time.sleep(0.05)
        for name, got in seen.items():
            assert [r for r in got if r in revisions] == revisions, name
            assert got == sorted(got), name
    finally:
        for client in clients:
            client.disconnect()


def test_the_sweep_closes_a_client_that_stopped_answering_pings_and_forgets_closed_ones():
    """In place of Engine.IO's monitor, which wakes once per client: one pass does
    what the monitor does, on the library's own sockets."""
    server = engineio.Server(async_mode="threading", monitor_clients=False)
    disconnected = []
    server.on("disconnect", lambda sid, reason: disconnected.append((sid, reason)))
    silent, answering, closed = (engineio.socket.Socket(server, sid) for sid in "abc")
    for client in (silent, answering, closed):
        client.connected = True
        server.sockets[client.sid] = client
    silent.last_ping = time.time() - server.ping_timeout - 1  # pinged, never answered
    answering.last_ping = None  # answered its last ping
    closed.closed = True

    sweep_clients(server)

    assert silent.closed
    assert disconnected == [("a", server.reason.PING_TIMEOUT)]
    assert not answering.closing and not answering.closed
    assert set(server.sockets) == {"a", "b"}  # the silent one goes on the next pass
    sweep_clients(server)
    assert set(server.sockets) == {"b"}
