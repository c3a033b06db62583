"""The fan-out's last step (runshow/web/fanout.py), with a real server and real sockets."""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path
from types import SimpleNamespace

import pytest
import socketio

from tests.conftest import BUNDLED_AGENDA, start_server, stop_server
from tests.raw_websocket import FrameReader, open_screen

#: Big enough that a few states fill the kernel's buffers of a screen that stops reading.
LONG_TITLE = "Báo cáo tổng kết công tác nhiệm kỳ " * 6_000


def agenda_with_long_titles(folder: Path) -> Path:
    agenda = json.loads(BUNDLED_AGENDA.read_text(encoding="utf-8"))
    for item in agenda["items"][:2]:
        item["title"] = LONG_TITLE
    path = folder / "agenda.json"
    path.write_text(json.dumps(agenda, ensure_ascii=False), encoding="utf-8")
    return path


def read_states(screen: FrameReader, until_revision: int) -> list[int]:
    """Every state's revision, in the order the frames arrive, up to `until_revision`;
    each frame must be whole and well-formed."""
    revisions: list[int] = []
    while not revisions or revisions[-1] < until_revision:
        message = screen.next_message()
        assert message is not None, "the server closed the stalled screen's connection"
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
        # A phone whose reading stops after the handshake: a tiny receive buffer
        # that nobody empties (a phone whose Wi-Fi froze).
        stalled = open_screen(server.url, receive_buffer=4096)
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
        got = read_states(stalled, revisions[-1])
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


#: These tests import eventlet themselves: its deprecation notice is the server's to hide.
QUIET_EVENTLET = pytest.mark.filterwarnings(r"ignore:\s*Eventlet is deprecated")


class TakesThreeBytes:
    """A socket whose kernel buffer takes only a few bytes of a frame."""

    def __init__(self) -> None:
        self.written = b""

    def send(self, data: bytes) -> int:
        self.written += data[:3]
        return min(3, len(data))

    def shutdown(self, _how: int) -> None:
        self.closed = True


def websocket_on(fd: TakesThreeBytes, lock) -> SimpleNamespace:
    """What `_send_now` uses of eventlet's WebSocket."""
    wrapper = SimpleNamespace(fd=fd, shutdown=fd.shutdown)  # eventlet's GreenSocket
    return SimpleNamespace(websocket_closed=False, _sendlock=lock, socket=wrapper)


@QUIET_EVENTLET
def test_a_frame_taken_in_part_keeps_the_send_lock_until_its_rest_is_written(monkeypatch):
    import eventlet
    from eventlet.semaphore import Semaphore

    from runshow import server

    fd = TakesThreeBytes()
    ws = websocket_on(fd, Semaphore())
    handed: list[tuple] = []
    monkeypatch.setattr(eventlet, "spawn_n", lambda *call: handed.append(call))

    assert server._send_now(ws, b"frame one")
    assert handed == [(server._send_rest, ws, ws._sendlock, b"me one")]
    assert ws._sendlock.locked(), "the rest is written under the lock"
    assert not server._send_now(ws, b"frame two"), "nothing gets into the middle of a frame"
    assert fd.written == b"fra"


@QUIET_EVENTLET
def test_a_partial_frame_whose_rest_cannot_be_handed_over_ends_the_connection(monkeypatch):
    import eventlet

    from runshow import server

    class TakenMeanwhile:  # cannot happen with eventlet: nothing runs between check and send
        def locked(self) -> bool:
            return False

        def acquire(self, blocking: bool = True) -> bool:
            return False

    fd = TakesThreeBytes()
    ws = websocket_on(fd, TakenMeanwhile())
    monkeypatch.setattr(eventlet, "spawn_n", lambda *call: pytest.fail(f"handed over: {call}"))
    assert server._send_now(ws, b"frame one")
    assert ws.websocket_closed and fd.closed, "a frame cut short must not be followed by another"
