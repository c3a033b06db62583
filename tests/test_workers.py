"""Beyond one process: `runshow serve --workers 2 --message-queue redis://…` with a
real redis-server, the authority and a display worker (docs/deploy-workers.md)."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlencode

import pytest
import redis
import requests
import socketio

from runshow import protocol
from tests.conftest import assert_fanout, free_port, open_console, start_server, stop_server
from tests.reliability.fuzzing import english_words, plain_words

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
    """A /live client that records every state it is sent, and what it is asked to
    show of itself."""

    def __init__(
        self,
        url: str,
        role: str = "programme",
        auth: dict | None = None,
        name: str = "",
        lang: str = "vi",
    ):
        self.states: list[dict] = []
        self.identified: list[dict] = []
        self.arrived = threading.Condition()
        self.told_stopping = threading.Event()
        self.client = socketio.Client(reconnection=False)
        self.client.on("state", self._on_state, namespace="/live")
        self.client.on("identify", self.identified.append, namespace="/live")
        self.client.on("stopping", lambda *_: self.told_stopping.set(), namespace="/live")
        self.client.connect(
            f"{url}?{urlencode({'role': role, 'name': name, 'lang': lang})}",
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


def start_with_a_worker(
    tmp_path: Path, redis_url: str, fanout: str = "direct", extra_args: tuple[str, ...] = ()
):
    """`runshow serve --workers 2`: the authority, and the display worker's address."""
    server = start_server(
        tmp_path / "data",
        tmp_path / "server.log",
        port=two_free_ports(),
        extra_args=("--workers", "2", "--message-queue", redis_url, *extra_args),
    )
    assert_fanout(server, fanout)
    port = int(server.url.rsplit(":", 1)[1])
    return server, f"http://127.0.0.1:{port + 1}"


def test_one_command_reaches_the_screens_of_both_workers(tmp_path, redis_url, fanout):
    server, worker_url = start_with_a_worker(tmp_path, redis_url, fanout)
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
    assert _gone(worker_url), "the display worker stops with the authority"


def test_a_worker_whose_authority_was_killed_tells_its_screens_and_exits(tmp_path, redis_url):
    server, worker_url = start_with_a_worker(tmp_path, redis_url)
    try:
        wait_until_up(worker_url)
        screen = Screen(worker_url, "stage")
        server.process.kill()  # no orderly stop: the worker sees its parent gone
        assert screen.told_stopping.wait(15), "the worker's screen was not told"
    finally:
        stop_server(server)
    worker_log = server.log()
    assert "Traceback" not in worker_log, worker_log
    assert _gone(worker_url), "the display worker outlived the authority"


def _gone(url: str, within_s: float = 15) -> bool:
    deadline = time.monotonic() + within_s
    while time.monotonic() < deadline:
        try:
            requests.get(url, timeout=1)
            time.sleep(0.2)  # still up: it is finishing its last words
        except requests.ConnectionError:
            return True
    return False


class Console:
    """The technician's console: what it is told of the connected screens."""

    def __init__(self, url: str):
        from runshow.web.workers import WORKER_REPORT

        self.counts: dict = {}
        self.screens: list[dict] = []
        self.reports: list = []  # the workers' reports are for the authority, never here
        self.told = threading.Condition()
        self.client = open_console(url)
        self.client.on("presence", self._on_presence, namespace="/control")
        self.client.on("screens", self._on_screens, namespace="/control")
        self.client.on(WORKER_REPORT, self.reports.append, namespace="/control")

    def _on_presence(self, counts: dict) -> None:
        with self.told:
            self.counts = counts
            self.told.notify_all()

    def _on_screens(self, screens: list[dict]) -> None:
        with self.told:
            self.screens = screens
            self.told.notify_all()

    def wait_until(self, check, what: str, timeout_s: float = 15) -> None:
        with self.told:
            assert self.told.wait_for(check, timeout_s), (
                f"{what}: the console shows {self.counts} {self.screens}"
            )


def children_of(pid: int) -> list[int]:
    return [int(child) for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]


def test_the_console_counts_and_identifies_the_screens_of_a_display_worker(
    tmp_path, redis_url, monkeypatch, fanout
):
    """With the front of docs/deploy-workers.md the stage may be on a display worker:
    the console counts it (no false "no stage"), lists it by name and can make it show
    its name; a worker killed stops being counted once it has been silent a while."""
    monkeypatch.setenv("RUNSHOW_WORKER_SILENCE_S", "3")
    server, worker_url = start_with_a_worker(tmp_path, redis_url, fanout)
    screens: list[Screen] = []
    console = None
    try:
        wait_until_up(worker_url)
        console = Console(server.url)
        stage = Screen(worker_url, "stage", name="LED chính")
        phones = [Screen(worker_url) for _ in range(3)]
        desk = Screen(worker_url, "mc", name="Bàn MC")  # without the token: a public screen
        here = Screen(server.url, "speaker", name="Màn hình diễn giả")
        screens += [stage, *phones, desk, here]
        console.wait_until(
            lambda: (
                (console.counts.get("stage"), console.counts.get("programme")) == (1, 4)
                and console.counts.get("speaker") == 1
            ),
            "the worker's stage and phones, and the authority's speaker screen",
        )
        console.wait_until(lambda: len(console.screens) == 2, "two named screens")
        listed = {screen["name"]: screen for screen in console.screens}
        for screen in console.screens:
            protocol.validate(protocol.ScreenInfo, screen)
        assert listed["LED chính"]["role"] == "stage"
        assert listed["LED chính"]["worker"] == f"cổng {worker_url.rsplit(':', 1)[1]}"
        assert "worker" not in listed["Màn hình diễn giả"]

        answer = console.client.call(
            "identify", {"id": listed["LED chính"]["id"]}, namespace="/control", timeout=10
        )
        assert answer == {"ok": True}
        deadline = time.monotonic() + 10
        while not stage.identified and time.monotonic() < deadline:
            time.sleep(0.05)  # through the queue to the worker, then to the stage
        assert stage.identified == [{"role": "stage", "name": "LED chính"}]

        stage.client.disconnect()
        console.wait_until(lambda: console.counts.get("stage") == 0, "the stage gone")
        assert console.counts["programme"] == 4

        # The worker killed: its phones cannot say goodbye; its silence says it.
        (worker,) = children_of(server.process.pid)
        os.kill(worker, signal.SIGKILL)
        console.wait_until(
            lambda: console.counts.get("programme") == 0 and console.counts.get("speaker") == 1,
            "the killed worker's phones no longer counted",
        )
        assert [screen["name"] for screen in console.screens] == ["Màn hình diễn giả"]
        assert console.reports == []
    finally:
        for screen in screens:
            screen.client.disconnect()
        if console is not None:
            console.client.disconnect()
        stop_server(server)
    assert "Traceback" not in server.log(), server.log()


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


def test_a_workers_report_adds_its_screens_until_it_falls_silent():
    from runshow.web.presence import Presence

    presence = Presence()
    presence.join("own-stage", "stage", "Sân khấu 1")
    report = Presence()
    report.join("w-stage", "stage", "LED phụ")
    report.join("w-phone", "programme")
    assert presence.take_report(report.report("cổng 5002"), now_s=100.0)
    assert presence.counts()["stage"] == 2 and presence.counts()["programme"] == 1
    # The same report again (a heartbeat) keeps the worker but tells the consoles nothing.
    assert not presence.take_report(report.report("cổng 5002"), now_s=102.0)
    by_name = {screen["name"]: screen.get("worker") for screen in presence.screens()}
    assert by_name == {"Sân khấu 1": None, "LED phụ": "cổng 5002"}
    assert (presence.role_of("w-stage"), presence.name_of("w-stage")) == ("stage", "LED phụ")
    assert presence.role_of("w-phone") is None  # a phone is counted, never listed
    # A newer report replaces the worker's last one; silence drops it.
    report.leave("w-phone")
    assert presence.take_report(report.report("cổng 5002"), now_s=104.0)
    assert presence.counts()["programme"] == 0
    assert not presence.expire(now_s=106.0, silence_s=3)
    assert presence.expire(now_s=107.5, silence_s=3)
    assert presence.counts()["stage"] == 1 and presence.role_of("w-stage") is None


@pytest.mark.parametrize(
    "report",
    [
        None,
        "cổng 5002",
        {"worker": "cổng 5002"},
        {"worker": "cổng 5002", "counts": [1, 2], "screens": []},
        {"worker": "cổng 5002", "counts": {"stage": "nhiều"}, "screens": []},
        {"worker": "cổng 5002", "counts": {}, "screens": [{"id": "x"}]},
    ],
)
def test_a_report_that_is_not_one_changes_nothing(report, caplog):
    from runshow.web.presence import Presence

    presence, worker = Presence(), Presence()
    worker.join("w-stage", "stage", "LED phụ")
    assert presence.take_report(worker.report("cổng 5002"), now_s=1.0)
    before = presence.counts(), presence.screens()
    assert not presence.take_report(report, now_s=2.0)
    assert (presence.counts(), presence.screens()) == before
    assert "not understood" in caplog.text


@pytest.mark.parametrize(
    ("raw", "seconds"), [(None, 15), ("5", 5), ("2", 15), ("61", 15), ("ba", 15), ("4.5", 15)]
)
def test_the_silence_allowed_a_worker(raw, seconds):
    from runshow.web.workers import worker_silence_s

    environ = {} if raw is None else {"RUNSHOW_WORKER_SILENCE_S": raw}
    assert worker_silence_s(environ) == seconds


class RecordingChannel:
    """The reporter's Redis channel: `publish` records each report."""

    def __init__(self, during_emit=None):
        self.reports: list[dict] = []
        self.during_emit = during_emit

    def publish(self, report):
        self.reports.append(report)
        if self.during_emit is not None:
            self.during_emit()  # a screen connecting while the report is published
            self.during_emit = None


def test_a_worker_reports_each_change_and_nothing_twice(monkeypatch):
    from runshow.web.presence import Presence
    from runshow.web.workers import ScreenReporter

    monkeypatch.setenv("RUNSHOW_WORKER_SILENCE_S", "60")  # no heartbeat within the test
    presence = Presence()
    channel = RecordingChannel(during_emit=lambda: presence.join("stage", "stage", "LED chính"))
    reporter = ScreenReporter(channel.publish, presence, "cổng 5002")
    for between_rounds in (
        lambda: None,
        lambda: None,
        lambda: presence.join("phone", "programme"),
        lambda: None,
        lambda: None,
    ):
        reporter.report_if_due()
        between_rounds()
    counts = [(r["counts"]["stage"], r["counts"]["programme"]) for r in channel.reports]
    # The first report, the stage that joined while it was sent, the phone: once each.
    assert counts == [(0, 0), (1, 0), (1, 1)]


def test_a_workers_report_goes_on_its_own_redis_channel_not_through_the_queue(tmp_path, redis_url):
    """The reports use a public channel of their own (redis-py), not an override of
    python-socketio's private queue handler."""
    from runshow.web.workers import CHANNEL, WORKER_REPORT

    listener = redis.Redis.from_url(redis_url).pubsub(ignore_subscribe_messages=True)
    listener.subscribe(WORKER_REPORT, CHANNEL)
    server, worker_url = start_with_a_worker(tmp_path, redis_url)
    screen = None
    try:
        wait_until_up(worker_url)
        screen = Screen(worker_url, "stage", name="LED chính")
        reports, queued = [], []
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline and not any(r["counts"]["stage"] for r in reports):
            message = listener.get_message(timeout=1)
            if message is None:
                continue
            if message["channel"].decode() == WORKER_REPORT:
                reports.append(json.loads(message["data"]))
            else:
                queued.append(message["data"])
        assert any(report["counts"]["stage"] == 1 for report in reports), reports
        assert not any(WORKER_REPORT.encode() in data for data in queued)
    finally:
        if screen is not None:
            screen.client.disconnect()
        listener.close()
        stop_server(server)


def test_a_display_worker_answers_in_the_askers_language(tmp_path, redis_url, fanout):
    """A worker's refusals (the API asked of it, a screen that is not the MC's
    scrolling the prompter) in English for an English asker, Vietnamese else."""
    server, worker_url = start_with_a_worker(tmp_path, redis_url, fanout)
    try:
        wait_until_up(worker_url)
        english = requests.get(
            f"{worker_url}/api/state", headers={"Accept-Language": "en"}, timeout=10
        )
        vietnamese = requests.get(f"{worker_url}/api/state", timeout=10)
        assert english.status_code == vietnamese.status_code == 421
        assert english.json()["code"] == vietnamese.json()["code"] == "elsewhere"
        assert english_words(english.json()["error"]), english.json()
        assert plain_words(vietnamese.json()["error"]), vietnamese.json()
        answers = {}
        for lang in ("en", "vi"):
            screen = Screen(worker_url, role="stage", lang=lang).client
            try:
                answers[lang] = screen.call(
                    "prompter_scroll", {"ratio": 0.5}, namespace="/live", timeout=10
                )
            finally:
                screen.disconnect()
        assert answers["en"]["code"] == answers["vi"]["code"] == "unauthorized"
        assert english_words(answers["en"]["error"]), answers
        assert plain_words(answers["vi"]["error"]), answers
    finally:
        stop_server(server)
