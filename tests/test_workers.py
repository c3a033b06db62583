"""Beyond one process: `runshow serve --workers 2 --message-queue redis://…` with a
real redis-server, the authority and a display worker (docs/deploy-workers.md)."""

from __future__ import annotations

import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis
import requests
import socketio

from tests.conftest import free_port, start_server, stop_server

REDIS = shutil.which("redis-server")


@pytest.fixture
def redis_url(tmp_path: Path) -> Iterator[str]:
    if REDIS is None:
        pytest.fail("redis-server is missing: scripts/test installs Debian's redis-server")
    port = free_port()
    process = subprocess.Popen(
        [REDIS, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
    )
    client = redis.Redis(port=port)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            if client.ping():
                break
        except redis.ConnectionError:
            time.sleep(0.05)  # waiting for the port to open
    yield f"redis://127.0.0.1:{port}/0"
    process.terminate()
    process.wait(10)


class Screen:
    """A /live client that records every state it is sent."""

    def __init__(self, url: str, role: str = "programme", auth: dict | None = None):
        self.states: list[dict] = []
        self.arrived = threading.Condition()
        self.client = socketio.Client(reconnection=False)
        self.client.on("state", self._on_state, namespace="/live")
        self.client.connect(
            f"{url}?role={role}",
            namespaces=["/live"],
            transports=["websocket"],
            auth=auth,
            wait_timeout=10,
        )

    def _on_state(self, state: dict) -> None:
        with self.arrived:
            self.states.append(state)
            self.arrived.notify_all()

    def wait_for(self, revision: int, timeout_s: float = 15) -> dict:
        with self.arrived:
            assert self.arrived.wait_for(
                lambda: any(s["revision"] == revision for s in self.states), timeout_s
            ), f"revision {revision} never arrived: {[s['revision'] for s in self.states]}"
            return next(s for s in self.states if s["revision"] == revision)


def wait_until_up(url: str) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            requests.get(url, timeout=1)
            return
        except requests.ConnectionError:
            time.sleep(0.1)  # waiting for the worker's port to open
    raise AssertionError(f"{url} never answered")


def two_free_ports() -> int:
    """A free port whose next one is free too (the worker takes the next port)."""
    import socket

    for _ in range(50):
        port = free_port()
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port + 1))
            except OSError:
                continue
        return port
    raise AssertionError("no two consecutive free ports")


def test_one_command_reaches_the_screens_of_both_workers(tmp_path, redis_url):
    server = start_server(
        tmp_path / "data",
        tmp_path / "server.log",
        port=two_free_ports(),
        extra_args=("--workers", "2", "--message-queue", redis_url),
    )
    port = int(server.url.rsplit(":", 1)[1])
    worker_url = f"http://127.0.0.1:{port + 1}"
    screens = []
    try:
        wait_until_up(worker_url)
        screens = [Screen(server.url), Screen(worker_url)]
        for screen in screens:
            assert screen.wait_for(0)["current"] is None

        revision = server.command("next")["revision"]
        seen = [screen.wait_for(revision) for screen in screens]
        assert seen[0] == seen[1], "the same state through the queue"
        assert seen[1]["current"]["id"] == "van-nghe-chao-mung"

        # A screen arriving at the worker later gets the latest state at once.
        latecomer = Screen(worker_url)
        screens.append(latecomer)
        assert latecomer.wait_for(revision)["current"]["id"] == "van-nghe-chao-mung"

        # The MC's tablet may land on the worker: with the MC link's token it gets the
        # MC's view (every message), without it the public one.
        token = (server.data_dir / "mc-token").read_text(encoding="utf-8").strip()
        mc, no_token = Screen(worker_url, "mc", {"token": token}), Screen(worker_url, "mc")
        screens += [mc, no_token]
        revision = server.command("message", text="Mời đại biểu phát biểu", target="mc")["revision"]
        assert mc.wait_for(revision)["message"]["mc"] == "Mời đại biểu phát biểu"
        assert "mc" not in no_token.wait_for(revision)["message"]

        # Commands belong to the authority: the worker says where it is.
        refused = requests.post(f"{worker_url}/api/command", json={"command": "next"}, timeout=10)
        assert refused.status_code == 421
        assert server.url.replace("localhost", "127.0.0.1") in refused.json()["error"]
        assert server.state()["revision"] == revision
    finally:
        for screen in screens:
            screen.client.disconnect()
        stop_server(server)
    assert "Traceback" not in server.log(), server.log()
    # The worker stops with the authority, however the authority ends.
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        try:
            requests.get(worker_url, timeout=1)
            time.sleep(0.2)  # still up: its parent check runs every second
        except requests.ConnectionError:
            break
    else:
        raise AssertionError("the display worker outlived the authority")


def test_workers_need_a_message_queue(tmp_path):
    done = subprocess.run(
        [
            *(sys.executable, "-m", "runshow", "serve", "--workers", "2"),
            *("--data-dir", str(tmp_path / "data")),
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2
    assert "--message-queue" in done.stderr
