"""Background work has a beginning and an end (runshow/web/lifecycle.py): every loop
stops with the app in the tests, and `runshow serve` stops in order on SIGTERM or
Ctrl+C, telling every screen first."""

from __future__ import annotations

import signal
import threading
from pathlib import Path

import pytest
import socketio

from tests.conftest import (
    CONTROL_KEY,
    FakeClock,
    open_console,
    running_app,
    runshow_threads,
    start_server,
    stop_server,
)


def test_an_app_torn_down_leaves_no_thread_behind(tmp_path: Path, clock: FakeClock):
    before = set(threading.enumerate())
    with running_app(tmp_path / "data", clock) as app:
        technician = app.test_client()
        technician.post("/login", data={"key": CONTROL_KEY})
        socketio_ = app.extensions["socketio"]
        stage = socketio_.test_client(app, namespace="/live", query_string="role=stage")
        console = socketio_.test_client(app, namespace="/control", flask_test_client=technician)
        assert console.emit("command", {"command": "next"}, namespace="/control", callback=True)
        assert runshow_threads(), "the screens started the tickers"
        stage.disconnect(namespace="/live")
        console.disconnect(namespace="/control")
    assert set(threading.enumerate()) - before == set()


class Screen:
    """A real Socket.IO client on a real server's /live, noting every event it gets."""

    def __init__(self, url: str):
        self.events: list[str] = []
        self.stopping = threading.Event()
        self.client = socketio.Client(reconnection=False)
        self.client.on("*", lambda event, *_: self.events.append(event), namespace="/live")
        self.client.on("stopping", self._stopping, namespace="/live")
        self.client.connect(
            f"{url}?role=stage", namespaces=["/live"], transports=["websocket"], wait_timeout=10
        )

    def _stopping(self, *_payload) -> None:
        self.events.append("stopping")
        self.stopping.set()


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_the_server_tells_every_screen_it_is_stopping_then_exits_cleanly(
    tmp_path: Path, signum: int
):
    server = start_server(tmp_path / "data", tmp_path / "server.log")
    try:
        revision = server.command("next")["state"]["revision"]
        screen = Screen(server.url)
        console = open_console(server.url)  # every loop runs: the console's ticker too
        server.process.send_signal(signum)
        assert screen.stopping.wait(10), f"no 'stopping' event, only {screen.events}"
        assert server.process.wait(timeout=5) == 0
    finally:
        if server.process.poll() is None:
            stop_server(server)
    screen.client.disconnect()
    console.disconnect()
    log = server.log()
    assert "Traceback" not in log, log
    assert "did not stop" not in log, log
    assert "Đã dừng máy chủ" in log
    again = start_server(tmp_path / "data", tmp_path / "again.log")
    try:
        assert again.state()["revision"] == revision
    finally:
        stop_server(again)


def test_the_stage_says_it_is_reconnecting_when_the_server_stops(live_server, open_page):
    from playwright.sync_api import expect

    stage = open_page(f"{live_server.url}/stage")
    stage.wait_for_selector("body[data-connected='true']")
    live_server.process.send_signal(signal.SIGTERM)
    mark = stage.locator("#conn-mark")
    expect(mark).to_be_visible()
    expect(mark).to_contain_text("Đang kết nối lại")
    expect(stage.locator("body")).to_have_attribute("data-connected", "false")
    assert live_server.process.wait(timeout=5) == 0


def test_the_show_is_a_flask_extension_that_create_app_wires(tmp_path: Path, clock: FakeClock):
    from runshow.web.extension import Runshow, current_show

    with running_app(tmp_path / "data", clock) as app:
        show = app.extensions["runshow"]
        assert isinstance(show, Runshow)
        assert show.socketio is app.extensions["socketio"]
        with app.app_context():
            assert current_show() is show


def test_once_the_server_is_stopping_a_command_is_refused_and_changes_nothing(
    tmp_path: Path, clock: FakeClock
):
    """The screens were told the server is stopping, and the answer to a command applied
    now may be lost with the process (its sender, a Companion button, would then press
    again and apply it twice): it is refused in words, over HTTP and on the console."""
    with running_app(tmp_path / "data", clock) as app:
        technician = app.test_client()
        technician.post("/login", data={"key": CONTROL_KEY})
        console = app.extensions["socketio"].test_client(
            app, namespace="/control", flask_test_client=technician
        )
        bearer = {"Authorization": f"Bearer {CONTROL_KEY}"}
        assert technician.post("/api/command", json={"command": "next"}, headers=bearer).json["ok"]
        show = app.extensions["runshow"]
        revision = show.service.state.revision
        show.stop()
        answer = technician.post("/api/command", json={"command": "next"}, headers=bearer)
        assert answer.status_code == 503, answer.json
        assert answer.json["code"] == "stopping"
        assert "đang dừng" in answer.json["error"]
        ack = console.emit("command", {"command": "next"}, namespace="/control", callback=True)
        assert (ack["ok"], ack["code"]) == (False, "stopping")
        assert show.service.state.revision == revision
        assert len(show.service.store.events()) == revision
        console.disconnect(namespace="/control")


#: `runshow serve` that gets SIGTERM while it starts (a service manager restarting it
#: twice in a row): after it listens, before it serves.
SIGTERM_WHILE_STARTING = (
    "import os, signal\n"
    "from runshow import server\n"
    "collect = server._quiet_collector\n"
    "def collect_and_get_sigterm():\n"
    "    os.kill(os.getpid(), signal.SIGTERM)\n"
    "    collect()\n"
    "server._quiet_collector = collect_and_get_sigterm\n"
    "from runshow.cli import main\nraise SystemExit(main())\n"
)


def test_a_sigterm_while_the_server_starts_stops_it_in_order(tmp_path: Path):
    import subprocess
    import sys

    from tests.conftest import BUNDLED_AGENDA, free_port

    log = tmp_path / "server.log"
    with log.open("w", encoding="utf-8") as out:
        process = subprocess.run(
            [
                *(sys.executable, "-c", SIGTERM_WHILE_STARTING, "serve", "--host", "127.0.0.1"),
                *("--port", str(free_port()), "--data-dir", str(tmp_path / "data")),
                *("--agenda", str(BUNDLED_AGENDA), "--control-key", CONTROL_KEY),
            ],
            stdout=out,
            stderr=subprocess.STDOUT,
            timeout=60,
        )
    text = log.read_text(encoding="utf-8")
    assert process.returncode == 0, text
    assert "Đã dừng máy chủ" in text
    assert "Traceback" not in text
