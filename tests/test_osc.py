"""OSC in and OSC feedback over real UDP on 127.0.0.1 (docs/osc.md)."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from pythonosc.osc_bundle import OscBundle
from pythonosc.udp_client import SimpleUDPClient

from runshow.agenda import load_agenda
from runshow.osc import FEEDBACK, OscRefused, parse_address, to_command
from runshow.store import Store
from tests.conftest import (
    BUNDLED_AGENDA,
    LiveServer,
    open_console,
    running_app,
    runshow_threads,
    start_server,
    stop_server,
)
from tests.event_streams import live_events, next_event


def free_udp_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def osc_server(tmp_path: Path, request) -> Iterator[tuple[LiveServer, SimpleUDPClient]]:
    port = free_udp_port()
    extra = ("--osc-port", str(port), *getattr(request, "param", ()))
    server = start_server(tmp_path / "data", tmp_path / "server.log", extra_args=extra)
    try:
        yield server, SimpleUDPClient("127.0.0.1", port)
    finally:
        stop_server(server)


def test_addresses_become_the_consoles_commands():
    agenda = load_agenda(BUNDLED_AGENDA)

    def command(address, *args):
        return to_command(parse_address(address, args), agenda)

    assert command("/runshow/next") == {"command": "next"}
    assert command("/runshow/next", "khai-mac") == {"command": "next", "from": "khai-mac"}
    assert command("/runshow/goto", 3) == {"command": "goto", "item_id": agenda.items[2].id}
    assert command("/runshow/goto", "khai-mac")["item_id"] == "khai-mac"
    assert command("/runshow/adjust", -60.4) == {"command": "adjust", "seconds": -60}
    assert command("/runshow/blackout", 1) == {"command": "blackout", "on": True}
    assert command("/runshow/banner", False) == {"command": "banner", "on": False}
    assert command("/runshow/message", "Còn 2 phút", "speaker")["target"] == "speaker"
    assert command("/runshow/flash") == {"command": "flash"}
    flash = {"command": "flash", "seconds": 5, "target": "all"}
    assert command("/runshow/flash", 5, "all") == flash
    assert parse_address("/runshow/hall-b/undo", ()).room == "hall-b"
    for bad in (("/ontime/next",), ("/runshow/dance",), ("/runshow/a/b/next",)):
        with pytest.raises(OscRefused):
            parse_address(bad[0], ())
    with pytest.raises(OscRefused):
        command("/runshow/goto", 99)
    with pytest.raises(OscRefused):
        command("/runshow/adjust")


def test_osc_moves_the_show_through_the_dispatcher(osc_server):
    server, osc = osc_server
    with live_events(server.url) as events:
        assert next_event(events, "state")["data"]["revision"] == 0
        osc.send_message("/runshow/start", [])
        started = next_event(events, "state")["data"]
        assert started["timer"]["status"] == "running"
        osc.send_message("/runshow/main/goto", 3)  # the one show answers to its room id too
        assert next_event(events, "state")["data"]["current"]["index"] == 2
        osc.send_message("/runshow/blackout", 1)
        assert next_event(events, "state")["data"]["blackout"] is True
        osc.send_message("/runshow/flash", [4, "speaker"])  # the speaker's eye, from a deck
        flashed = next_event(events, "state")["data"]
        assert flashed["revision"] == 4
        assert flashed["flash"]["target"] == "speaker"
    stop_server(server)
    logged = Store(server.data_dir).events()
    assert [(e.command, e.source) for e in logged] == [
        ("start", "osc:/runshow/start"),
        ("goto", "osc:/runshow/main/goto"),
        ("blackout", "osc:/runshow/blackout"),
        ("flash", "osc:/runshow/flash"),
    ]


def test_the_double_press_guard_and_validation_apply(osc_server):
    server, osc = osc_server
    first = server.state()["revision"]
    with live_events(server.url) as events:
        next_event(events, "state")
        osc.send_message("/runshow/next", "")  # sent from the banner: nothing was on
        on = next_event(events, "state")["data"]["current"]["id"]
        osc.send_message("/runshow/next", "")  # pressed twice: the second is refused
        osc.send_message("/runshow/adjust", "nhiều")  # not a number: refused
        osc.send_message("/runshow/message", "x" * 400)  # too long for the validator
        osc.send_message("/runshow/hall-b/next", on)  # a room this server does not run
        osc.send_message("/runshow/next", on)  # the one that means it
        moved = next_event(events, "state")["data"]
    assert moved["revision"] == first + 2
    assert moved["current"]["index"] == 1
    assert "bị từ chối" in server.log()
    assert "Không có phòng 'hall-b'" in server.log()


def test_hostile_packets_never_stop_the_listener(osc_server):
    server, osc = osc_server
    raw = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    with raw, live_events(server.url) as events:
        next_event(events, "state")
        for hostile in (
            b"\xff" * 64,  # not OSC at all
            b"/runshow/next\x00\x00\x00,i\x00\x00",  # a message cut short
            b"#bundle\x00" + b"\x00" * 8 + b"\x7f\xff\xff\xff",  # a bundle lying on its size
            b"",
            b"/runshow/start\x00\x00,s\x00\x00" + b"A" * 60_000,  # a string with no end
        ):
            raw.sendto(hostile, ("127.0.0.1", osc._port))
        osc.send_message("/runshow/../../etc/next", [])
        osc.send_message("/runshow/start", [])
        assert next_event(events, "state")["data"]["timer"]["status"] == "running"
    assert "Traceback" not in server.log()


@pytest.mark.parametrize("osc_server", [("--osc-allow", "10.9.9.0/24")], indirect=True)
def test_osc_from_outside_osc_allow_changes_nothing_and_is_counted(osc_server):
    server, osc = osc_server
    console = open_console(server.url)
    counted: list[dict] = []
    both_dropped = threading.Event()

    def heard(counts: dict) -> None:
        counted.append(counts)
        if counts["dropped"] == 2:
            both_dropped.set()

    console.on("osc", heard, namespace="/control")
    try:
        osc.send_message("/runshow/start", [])
        osc.send_message("/runshow/blackout", 1)
        assert both_dropped.wait(timeout=10)  # the console hears the counts once a second
    finally:
        console.disconnect()
    assert counted[-1]["dropped"] == 2
    assert counted[-1]["last_dropped_from"] == "127.0.0.1"
    assert counted[-1]["received"] == 0
    state = server.state()
    assert state["revision"] == 0
    assert state["blackout"] is False
    assert server.log().count("không có trong --osc-allow") == 1


def test_feedback_bundle_arrives_after_a_change(tmp_path: Path):
    receiver = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    receiver.bind(("127.0.0.1", 0))
    receiver.settimeout(1.0)  # the promise: within a second of the change
    target = f"127.0.0.1:{receiver.getsockname()[1]}"
    server = start_server(
        tmp_path / "data", tmp_path / "server.log", extra_args=("--osc-feedback", target)
    )
    try:
        with receiver:
            first = _bundle(receiver)
            assert first["/runshow/running"] == 0
            assert set(first) == {"/runshow" + address for address in FEEDBACK}
            server.command("start")
            while (fields := _bundle(receiver))["/runshow/running"] == 0:
                pass  # a bundle sent just before the command may still be on its way
            assert fields["/runshow/item/id"] == "van-nghe-chao-mung"
            assert fields["/runshow/item/title"] == "Văn nghệ chào mừng"
            assert fields["/runshow/remaining/text"] in ("10:00", "09:59")
            assert fields["/runshow/phase"] == "normal"
            assert fields["/runshow/next/title"] == "Tuyên bố lý do, giới thiệu đại biểu"
            server.command("adjust", seconds=-599)
            while (fields := _bundle(receiver))["/runshow/remaining/seconds"] > 1:
                pass
            server.command("message", text="Còn 1 phút")
            while not (fields := _bundle(receiver))["/runshow/message"]:
                pass
            assert fields["/runshow/message"] == "Còn 1 phút"
    finally:
        stop_server(server)


def _bundle(receiver: socket.socket) -> dict:
    data, _ = receiver.recvfrom(65_535)
    bundle = OscBundle(data)
    return {message.address: message.params[0] for message in bundle}


def test_the_listener_stops_with_the_threaded_app(tmp_path: Path, clock):
    port = free_udp_port()
    settings = {"RUNSHOW_HOST": "127.0.0.1", "RUNSHOW_OSC_PORT": port}
    with running_app(tmp_path / "data", clock, **settings) as app:
        service = app.extensions["runshow"].service
        moved = threading.Event()
        service.subscribe(lambda _state: moved.set())
        SimpleUDPClient("127.0.0.1", port).send_message("/runshow/start", [])
        assert moved.wait(timeout=10)
        assert service.state.timer().running
    assert runshow_threads() == []


def test_osc_scrolls_the_prompters_where_the_console_would(tmp_path: Path, clock):
    """/runshow/prompter <0…1> moves the room's prompters on the item on, as the
    console's ▲ ▼ do; with nothing on, it is refused and no prompter moves."""
    port = free_udp_port()
    settings = {"RUNSHOW_HOST": "127.0.0.1", "RUNSHOW_OSC_PORT": port}
    with running_app(tmp_path / "data", clock, **settings) as app:
        show = app.extensions["runshow"]
        prompter = app.extensions["socketio"].test_client(
            app,
            namespace="/live",
            query_string="role=prompter",
            auth={"token": show.access.mc_token},
        )
        prompter.get_received("/live")
        osc = SimpleUDPClient("127.0.0.1", port)
        listener = app.extensions["runshow.osc"]
        osc.send_message("/runshow/prompter", 0.5)  # before the first item: nothing to read
        deadline = time.monotonic() + 10
        while listener.counts.refused < 1 and time.monotonic() < deadline:
            time.sleep(0.02)
        assert "prompter: không có mục nào đang diễn ra" in listener.counts.last_refusal
        show.service.dispatch({"command": "goto", "item_id": "khai-mac"}, source="test")
        prompter.get_received("/live")
        osc.send_message("/runshow/prompter", 0.25)
        heard: list[dict] = []
        while not heard and time.monotonic() < deadline:
            heard = [e for e in prompter.get_received("/live") if e["name"] == "prompter_scroll"]
            time.sleep(0.02)
        assert heard[0]["args"][0] == {"item_id": "khai-mac", "ratio": 0.25}
        prompter.disconnect(namespace="/live")


def test_a_taken_osc_port_is_said_in_words(tmp_path: Path):
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as taken:
        taken.bind(("127.0.0.1", 0))
        port = str(taken.getsockname()[1])
        with pytest.raises(RuntimeError, match="không mở được cổng OSC " + port):
            start_server(tmp_path / "data", tmp_path / "log", extra_args=("--osc-port", port))
