"""The fan-out's last step (runshow/web/fanout.py), with a real server and real sockets."""

from __future__ import annotations

import json
import sys
import threading
import time
from pathlib import Path
from types import SimpleNamespace

import pytest
import requests
import socketio

from tests.conftest import BUNDLED_AGENDA, assert_fanout, start_server, stop_server
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
    tmp_path: Path, fanout: str
):
    server = start_server(
        tmp_path / "data", tmp_path / "server.log", agenda=agenda_with_long_titles(tmp_path)
    )
    assert_fanout(server, fanout)
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


def test_screens_on_every_transport_get_every_state_in_order(fanout_server):
    """A WebSocket from the start, long-polling that upgrades to a WebSocket (the
    Socket.IO client's default), and long-polling only (a proxy refusing WebSockets):
    on the direct path the first is written to directly, the others through the
    library's queue."""
    live_server = fanout_server
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
        self.closed = False

    def send(self, data: bytes) -> int:
        self.written += data[:3]
        return min(3, len(data))

    def sendall(self, data: bytes) -> None:
        self.written += data

    def shutdown(self, _how: int) -> None:
        self.closed = True


def fake_websocket(fd: TakesThreeBytes, lock=None) -> SimpleNamespace:
    """What is used of eventlet's WebSocket and of its GreenSocket, over `fd`."""
    from eventlet.semaphore import Semaphore

    green = SimpleNamespace(fd=fd, sendall=fd.sendall, shutdown=fd.shutdown)
    return SimpleNamespace(websocket_closed=False, _sendlock=lock or Semaphore(), socket=green)


def screen_socket(monkeypatch, ws):
    """A ScreenSocket of a real Engine.IO server whose WebSocket `ws` is up, its
    writer's green thread recorded instead of started."""
    import engineio

    from runshow.server import EventletWebSockets
    from runshow.web.upkeep import ScreenSocket

    monkeypatch.setattr(ScreenSocket, "websockets", EventletWebSockets)
    eio = engineio.Server(async_mode="threading", monitor_clients=False)
    eio.started: list[tuple] = []

    def start_background_task(*call):  # the writer's green thread, run by the test
        eio.started.append(call)
        return call

    monkeypatch.setattr(eio, "start_background_task", start_background_task)
    client = ScreenSocket(eio, "s")
    client.connected = True
    eio.sockets["s"] = client
    client._websocket_up(ws)
    return eio, client


@QUIET_EVENTLET
def test_a_frame_taken_in_part_is_finished_before_anything_else_is_written(monkeypatch):
    import eventlet

    from runshow import server
    from runshow.web.fanout import direct_sockets, write_frame

    fd = TakesThreeBytes()
    ws = fake_websocket(fd)
    handed: list[tuple] = []
    monkeypatch.setattr(eventlet, "spawn_n", lambda *call: handed.append(call))
    eio, _client = screen_socket(monkeypatch, ws)
    assert direct_sockets(eio) == {"s": fd}

    assert write_frame(eio, ["s"], b"frame one") == []
    assert handed == [(server._send_rest, ws, ws._sendlock, b"me one")]
    assert ws._sendlock.locked(), "the rest is written under the send lock"
    assert direct_sockets(eio) == {}
    assert write_frame(eio, ["s"], b"frame two") == ["s"], "the library queues what follows"
    assert fd.written == b"fra", "nothing got into the middle of the frame"

    function, *arguments = handed[0]
    function(*arguments)
    assert fd.written == b"frame one" and not ws._sendlock.locked()
    assert direct_sockets(eio) == {"s": fd}, "written directly again once the rest is out"


@QUIET_EVENTLET
def test_a_frame_whose_rest_cannot_be_written_ends_the_connection(monkeypatch):
    from eventlet.semaphore import Semaphore

    from runshow import server

    class Broken(TakesThreeBytes):
        def sendall(self, data: bytes) -> None:
            raise BrokenPipeError

    fd = Broken()
    lock = Semaphore()
    ws = fake_websocket(fd, lock)
    lock.acquire()
    server._send_rest(ws, lock, b"rest")
    assert ws.websocket_closed and fd.closed, "a frame cut short must not be followed by another"
    assert not lock.locked()


@QUIET_EVENTLET
def test_a_screen_is_written_to_directly_only_while_nothing_else_writes_to_it(monkeypatch):
    """Over a real eventlet WebSocket: whatever else writes to the screen (its queue's
    writer, a reply to a WebSocket ping, a frame's rest) takes it out of the table
    of direct writes until it is done, so a direct frame never overtakes a queued
    packet nor cuts into another frame."""
    from engineio import packet as eio_packet
    from eventlet.green import socket as green_socket
    from eventlet.websocket import RFC6455WebSocket

    from runshow.web.fanout import direct_sockets, websocket_frame, write_frame
    from runshow.web.upkeep import sweep_clients

    ours, theirs = green_socket.socketpair()
    ws = RFC6455WebSocket(ours, {}, 13)
    eio, client = screen_socket(monkeypatch, ws)
    direct = direct_sockets(eio)
    frame = websocket_frame('42/live,["state",{}]')

    assert direct == {"s": ours.fd}
    assert write_frame(eio, ["s"], frame) == []
    assert theirs.fd.recv(100) == frame

    with ws._sendlock:  # eventlet's own send (a pong, the closing frame) in progress
        assert direct == {}
        assert write_frame(eio, ["s"], frame) == ["s"]
    assert direct == {"s": ours.fd}

    client.send(eio_packet.Packet(eio_packet.MESSAGE, "queued"))  # the library's way
    assert [call[0] for call in eio.started] == [client._write_queue]
    assert client.writer is not None and direct == {}, "a frame would overtake the queued one"
    seen_while_writing = []
    ws._sendlock._changed = lambda: (
        client._refresh_direct(),
        seen_while_writing.append(dict(direct)),
    )
    client._write_queue(ws)  # the writer's green thread: the queue, then it ends
    assert seen_while_writing == [{}, {}], "out while the writer takes and gives back the lock"
    assert theirs.fd.recv(100) == websocket_frame("4queued")
    assert client.writer is None and direct == {"s": ours.fd}, "in again once the writer ends"

    ws.close()  # eventlet's closing frame; then the reader ends and takes the screen out
    assert theirs.fd.recv(100)[:1] == b"\x88"
    client.websocket = None
    client._refresh_direct()
    assert direct == {}
    client.closed = True
    direct["s"] = ours.fd  # a leftover: the sweep forgets it with its socket
    sweep_clients(eio)
    assert direct == {} and "s" not in eio.sockets
    ours.close()
    theirs.close()


def test_a_broadcast_reaches_each_participant_once_as_the_library_counts_them():
    from runshow.web.fanout import DirectManager

    manager = DirectManager()
    socketio.Server(client_manager=manager, async_mode="threading")
    stage, phone, both = (manager.connect(eio_sid, "/live") for eio_sid in ("e1", "e2", "e3"))
    manager.enter_room(stage, "/live", "stage")
    manager.enter_room(phone, "/live", "programme")
    manager.enter_room(both, "/live", "stage")
    manager.enter_room(both, "/live", "programme")

    def library(room) -> list[str]:
        return [eio_sid for _sid, eio_sid in manager.get_participants("/live", room)]

    for room in ("stage", ["stage", "programme"], ("programme", "absent"), None, ["absent"]):
        assert manager._eio_sids("/live", room) == library(room), room
    assert sorted(manager._eio_sids("/live", ["stage", "programme"])) == ["e1", "e2", "e3"]


class Full(TakesThreeBytes):
    def send(self, data: bytes) -> int:
        raise BlockingIOError


@QUIET_EVENTLET
def test_a_screen_whose_buffer_is_full_is_queued_the_library_s_way(monkeypatch):

    from runshow.web.fanout import direct_sockets, write_frame

    fd = Full()
    ws = fake_websocket(fd)
    eio, _client = screen_socket(monkeypatch, ws)
    assert write_frame(eio, ["s"], b"frame") == ["s"]
    assert direct_sockets(eio) == {}, "nothing more directly until the queue is written"


@QUIET_EVENTLET
def test_a_frame_cut_short_ends_the_connection_if_its_rest_cannot_follow(monkeypatch):
    """Neither can happen with eventlet today; if one ever did, nothing may follow
    the cut frame on that connection."""
    from eventlet.semaphore import Semaphore

    from runshow.server import EventletWebSockets
    from runshow.web.fanout import direct_sockets, write_frame

    lock = Semaphore()
    lock.acquire()  # taken meanwhile by someone else
    fd = TakesThreeBytes()
    ws = fake_websocket(fd, lock)
    EventletWebSockets.finish(ws, b"rest")
    assert ws.websocket_closed and fd.closed

    import engineio

    eio = engineio.Server(async_mode="threading", monitor_clients=False)
    gone = TakesThreeBytes()
    direct_sockets(eio)["left"] = gone  # a client the server has forgotten
    assert write_frame(eio, ["left"], b"frame") == []
    assert gone.closed and direct_sockets(eio) == {}


# --------------------------------------------------------------------------- #
# The seam (runshow/web/fastpath.py): the fast path only where it was tested.


class StageScreen:
    """A stage on /live over a WebSocket, recording the revision of every state."""

    def __init__(self, url: str):
        self.revisions: list[int] = []
        self.arrived = threading.Condition()
        self.client = socketio.Client(reconnection=False)
        self.client.on("state", self._on_state, namespace="/live")
        self.client.connect(
            f"{url}?role=stage", namespaces=["/live"], transports=["websocket"], wait_timeout=30
        )

    def _on_state(self, state: dict) -> None:
        with self.arrived:
            self.revisions.append(state["revision"])
            self.arrived.notify_all()

    def wait_for(self, revision: int) -> None:
        with self.arrived:
            assert self.arrived.wait_for(lambda: revision in self.revisions, 15), self.revisions


def patched_server(tmp_path: Path, patch: str):
    """`runshow serve` in a Python that runs `patch` first (after eventlet's monkey
    patching, as the server does): a library as a future release might have it."""
    code = (
        "import eventlet\neventlet.monkey_patch()\n"
        f"{patch}\n"
        "from runshow.cli import main\nraise SystemExit(main())\n"
    )
    return start_server(
        tmp_path / "data", tmp_path / "server.log", program=(sys.executable, "-c", code)
    )


#: python-socketio's raw send, as a new release might write it: same behaviour, new source.
CHANGED_SEND = (
    "import socketio.server as s\n"
    "send = s.Server._send_eio_packet\n"
    "s.Server._send_eio_packet = lambda self, sid, pkt: send(self, sid, pkt)"
)


def test_a_library_that_differs_from_the_tested_one_gets_the_stock_path_and_says_so(tmp_path):
    server = patched_server(tmp_path, CHANGED_SEND)
    try:
        health = requests.get(f"{server.url}/api/health", timeout=10).json()
        assert health["fanout"] == "stock"
        assert "Server._send_eio_packet" in health["fanout_reason"]
        stage = StageScreen(server.url)
        for command in ("next", "start", "next"):
            stage.wait_for(server.command(command)["revision"])
        stage.client.disconnect()
    finally:
        stop_server(server)
    (line,) = [line for line in server.log().splitlines() if "đường chuẩn" in line]
    assert "Server._send_eio_packet" in line
    assert "Traceback" not in server.log()


@pytest.mark.parametrize(
    ("owner", "name", "named"),
    [
        ("socketio.server:Server", "_send_eio_packet", "_send_eio_packet"),
        ("engineio.socket:Socket", "_websocket_handler", "_websocket_handler"),
        ("engineio.socket:Socket", "schedule_ping", "schedule_ping"),
        ("flask_socketio:", "_SocketIOMiddleware", "_SocketIOMiddleware"),
        ("socketio.pubsub_manager:PubSubManager", "_handle_emit", "_handle_emit"),
    ],
)
def test_the_probe_names_a_private_name_that_is_gone(monkeypatch, owner, name, named):
    import importlib

    from runshow.web.fastpath import probe

    assert probe({}).direct  # the pinned versions, as they are
    module_name, _, class_name = owner.partition(":")
    target = importlib.import_module(module_name)
    if class_name:
        target = getattr(target, class_name)
    monkeypatch.delattr(target, name)
    fanout = probe({})
    assert not fanout.direct
    assert named in fanout.reason
    assert "đường chuẩn" in fanout.line()


@pytest.mark.parametrize(
    ("owner", "name"),
    [
        # where the server makes each client's socket: through `engineio.socket.Socket`,
        # which runshow/web/upkeep.py replaces, and with the pings ScreenSocket schedules
        ("engineio.server:Server", "_handle_connect"),
        # where a connection asks for its WebSocket (ScreenSocket's handler)
        ("engineio.socket:Socket", "handle_get_request"),
    ],
)
def test_the_probe_sees_a_change_where_the_screen_sockets_are_made(monkeypatch, owner, name):
    """A release that made its sockets otherwise (`from .socket import Socket`) would leave
    the fast path installed but unused, or its pings unsent: the probe must see it."""
    import importlib

    from runshow.web.fastpath import probe

    module_name, _, class_name = owner.partition(":")
    target = getattr(importlib.import_module(module_name), class_name)
    tested = getattr(target, name)

    def as_a_new_release_might_write_it(self, *args, **kwargs):
        return tested(self, *args, **kwargs)

    monkeypatch.setattr(target, name, as_a_new_release_might_write_it)
    fanout = probe({})
    assert not fanout.direct
    assert name in fanout.reason


def test_the_probe_sees_a_new_layout_of_the_rooms(monkeypatch):
    import socketio as python_socketio

    from runshow.web.fastpath import probe

    enter_room = python_socketio.Manager.enter_room

    def by_room_name(self, sid, namespace, room, eio_sid=None):  # {room: {sid: True}}
        enter_room(self, sid, namespace, room, eio_sid)
        self.rooms[namespace][room][sid] = True

    monkeypatch.setattr(python_socketio.Manager, "enter_room", by_room_name)
    assert "Manager.rooms" in probe({}).reason


def test_runshow_fanout_stock_takes_the_libraries_path_whatever_the_probe_finds():
    from runshow.web.fastpath import probe

    assert probe({"RUNSHOW_FANOUT": "stock"}).reason == "RUNSHOW_FANOUT=stock"
    assert probe({"RUNSHOW_FANOUT": "direct"}).direct


def test_a_mistyped_runshow_fanout_takes_the_safe_path_and_names_the_mistake():
    from runshow.web.fastpath import probe

    chosen = probe({"RUNSHOW_FANOUT": "stok"})
    assert not chosen.direct, "a setting nobody can read is not taken for 'use the fast path'"
    assert chosen.reason == "RUNSHOW_FANOUT=stok không rõ nghĩa (chỉ nhận stock hoặc direct)"


#: The direct write breaking on the first state (a bug, or a library changed under it).
BROKEN_WRITE = (
    "from runshow.web import fanout\n"
    "write = fanout.write_frame\n"
    "def broken(eio, sids, frame):\n"
    "    if b'/live,[\"state\"' in frame:  # a state to the screens\n"
    "        raise RuntimeError('direct write broke')\n"
    "    return write(eio, sids, frame)\n"
    "fanout.write_frame = broken"
)


def test_a_broadcast_that_raises_hands_every_screen_to_the_stock_path_and_warns(tmp_path):
    server = patched_server(tmp_path, BROKEN_WRITE)
    try:
        assert requests.get(f"{server.url}/api/health", timeout=10).json()["fanout"] == "direct"
        stage = StageScreen(server.url)
        # The broadcast that raised still reaches the screen, and every one after it.
        for command in ("next", "start", "adjust", "next"):
            arguments = {"seconds": 30} if command == "adjust" else {}
            stage.wait_for(server.command(command, **arguments)["revision"])
        stage.client.disconnect()
        health = requests.get(f"{server.url}/api/health", timeout=10).json()
        assert health["fanout"] == "stock"
        assert "direct write broke" in health["fanout_warning"]
    finally:
        stop_server(server)
    assert server.log().count("direct write broke") == 1  # logged once, with its traceback


@pytest.mark.browser
def test_the_console_shows_the_path_and_warns_when_the_direct_path_broke(tmp_path, open_page):
    from tests.browser import login

    server = patched_server(tmp_path, BROKEN_WRITE)
    try:
        page = open_page(f"{server.url}/login", size=(1366, 768))
        login(page, server.url)
        status = page.locator("#fanout-status")
        page.wait_for_function("() => document.querySelector('#fanout-status').textContent")
        assert "đường nhanh" in status.text_content()
        server.command("next")  # the direct write raises: the stock path takes over
        page.click("#presence")  # a screen joining, or the half-minute, asks again
        stage = StageScreen(server.url)
        page.wait_for_selector("#presence[data-fanout-warning='true']")
        assert "đường chuẩn" in status.text_content()
        page.screenshot(path=str(tmp_path / "console-fanout-warning.png"))
        stage.client.disconnect()
    finally:
        stop_server(server)


@QUIET_EVENTLET
def test_the_probe_sees_eventlet_s_websockets_changed(monkeypatch):
    import eventlet.websocket

    from runshow.server import EventletWebSockets
    from runshow.web.fastpath import probe

    assert probe({}, EventletWebSockets).direct
    send = eventlet.websocket.RFC6455WebSocket._send
    monkeypatch.setattr(
        eventlet.websocket.RFC6455WebSocket, "_send", lambda self, frame: send(self, frame)
    )
    assert "RFC6455WebSocket._send" in probe({}, EventletWebSockets).reason
    monkeypatch.undo()
    monkeypatch.delattr(eventlet.websocket.WebSocketWSGI, "_negotiate_permessage_deflate")
    assert "_negotiate_permessage_deflate" in probe({}, EventletWebSockets).reason


def test_the_probe_sees_a_new_way_of_writing_packets(monkeypatch):
    from engineio import packet as eio_packet

    from runshow.web.fastpath import probe

    monkeypatch.setattr(eio_packet.Packet, "encode", lambda self, b64=False: "4 " + self.data)
    assert "engineio Packet.encode" in probe({}).reason
