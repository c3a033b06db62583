"""Shared fixtures: a fake clock, the app with its test clients, and a real server process."""

from __future__ import annotations

import contextlib
import json
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import engineio.packet
import pytest
import requests
import socketio
import socketio.packet

from runshow import bundled
from runshow.web import create_app

# The command line speaks the system's language (LC_ALL, LC_MESSAGES, LANG; issue 23) and
# the tests read its Vietnamese: every process they start gets a language with no catalogue
# (Vietnamese), whatever the machine's. Tests of the English set LANG or --lang themselves.
os.environ["LANG"] = "C.UTF-8"
for _variable in ("LC_ALL", "LC_MESSAGES"):
    os.environ.pop(_variable, None)

BUNDLED_AGENDA = bundled("agenda.json")
CONTROL_KEY = "test-control-key"
# 10:00 in Cần Thơ on an ordinary day: an arbitrary, fixed instant.
T0_MS = 1_785_000_000_000


@dataclass
class FakeClock:
    """Milliseconds that move only when a test says so."""

    now: int = T0_MS

    def __call__(self) -> int:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += round(seconds * 1000)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


def app_config(data_dir: Path, clock: FakeClock, **settings) -> dict:
    """The test app's settings: the bundled agenda, a fake clock, the test key."""
    return {
        "TESTING": True,
        "RUNSHOW_AGENDA": str(BUNDLED_AGENDA),
        "RUNSHOW_DATA_DIR": str(data_dir),
        "RUNSHOW_CONTROL_KEY": CONTROL_KEY,
        "RUNSHOW_CLOCK": clock,
        "RUNSHOW_SCHEDULE_EVERY_S": 0.05,
        **settings,
    }


def runshow_threads() -> list[threading.Thread]:
    """The threads of this process running Runshow's own code (a background loop)."""
    return [thread for thread in threading.enumerate() if _runs_runshow(thread)]


def _runs_runshow(thread: threading.Thread) -> bool:
    target = getattr(thread, "_target", None)  # the function a thread runs, while it runs
    module = getattr(target, "__module__", None) or ""
    return thread.name.startswith("runshow") or module.startswith("runshow")


@contextlib.contextmanager
def running_app(data_dir: Path, clock: FakeClock, **settings) -> Iterator:
    """The app on `data_dir`, torn down as `runshow serve` ends: every loop stopped."""
    app = create_app(app_config(data_dir, clock, **settings))
    try:
        yield app
    finally:
        show = app.extensions["runshow"]
        show.stop()
        show.close()


@pytest.fixture
def app(tmp_path: Path, clock: FakeClock):
    with running_app(tmp_path / "data", clock) as app:
        yield app


@pytest.fixture(scope="session", autouse=True)
def no_background_thread_outlives_the_tests() -> Iterator[None]:
    """The whole suite's check: every app a test made stopped its loops."""
    yield
    left = runshow_threads()
    assert left == [], f"Runshow's background threads still alive after the tests: {left}"


@pytest.fixture(params=["direct", "stock"])
def both_paths(request: pytest.FixtureRequest) -> Iterator[str]:
    """The test apps made during a test take this broadcast path (runshow/web/fastpath.py):
    `pytest.mark.usefixtures("both_paths")` runs a test once on each. (Not through
    `monkeypatch`: a test's own patches must still be undone before its app stops.)"""
    from runshow.web import fastpath

    decided = fastpath._decided
    if request.param == "stock":
        fastpath._decided = fastpath.Fanout(False, "RUNSHOW_FANOUT=stock")
    else:
        assert fastpath.decision().direct, fastpath.decision().reason
    yield request.param
    fastpath._decided = decided


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def technician(app):
    """An HTTP client logged in at /login as the technician."""
    client = app.test_client()
    response = client.post("/login", data={"key": CONTROL_KEY, "next": "/control"})
    assert response.status_code == 302
    return client


@dataclass
class Sockets:
    """Opens Socket.IO test clients on the app, closing them all at the end."""

    app: object
    opened: list = field(default_factory=list)

    def connect(self, namespace: str, role: str = "stage", http_client=None, auth=None):
        socketio = self.app.extensions["runshow"].socketio
        sio = socketio.test_client(
            self.app,
            namespace=namespace,
            query_string=f"role={role}",
            flask_test_client=http_client,
            auth=auth,
        )
        self.opened.append(sio)
        return sio


def mc_auth(app) -> dict[str, str]:
    """What the MC tablet's page sends in its Socket.IO handshake."""
    return {"token": app.extensions["runshow"].access.mc_token}


@pytest.fixture
def sockets(app) -> Iterator[Sockets]:
    opened = Sockets(app)
    yield opened
    for sio in opened.opened:
        if sio.is_connected():
            sio.disconnect()


# --------------------------------------------------------------------------- #
# A real `runshow serve` process on 127.0.0.1, as used on event day.


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class LiveServer:
    url: str
    process: subprocess.Popen
    data_dir: Path
    log_path: Path

    def command(self, command: str, **arguments) -> dict:
        response = requests.post(
            f"{self.url}/api/command",
            json={"command": command, **arguments},
            headers={"Authorization": f"Bearer {CONTROL_KEY}"},
            timeout=10,
        )
        assert response.status_code == 200, response.text
        return response.json()

    def state(self) -> dict:
        return requests.get(f"{self.url}/api/state", timeout=10).json()

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    @property
    def mc_url(self) -> str:
        """The MC tablet's link, with the token the server keeps in its data directory."""
        # A dress rehearsal (`serve --rehearsal`) keeps its files in a folder of its own.
        folder = next(
            path
            for path in (self.data_dir / "rehearsal", self.data_dir)
            if (path / "mc-token").exists()
        )
        token = (folder / "mc-token").read_text(encoding="utf-8").strip()
        return f"{self.url}/mc?token={token}"


def start_server(
    data_dir: Path,
    log_path: Path,
    agenda: Path | None = BUNDLED_AGENDA,
    port: int | None = None,
    extra_args: tuple[str, ...] = (),
    program: tuple[str, ...] = (sys.executable, "-m", "runshow"),
    cwd: Path | None = None,
    ready_path: str = "/api/state",
) -> LiveServer:
    """Start `runshow serve` (`program`, by default this checkout's), without --agenda
    when `agenda` is None (the bundled programme), and wait until it answers on
    `ready_path`."""
    port = port or free_port()
    env = {**os.environ, "RUNSHOW_CONTROL_KEY": CONTROL_KEY, "PYTHONUNBUFFERED": "1"}
    log = log_path.open("w", encoding="utf-8")
    process = subprocess.Popen(
        [
            *program,
            "serve",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--data-dir",
            str(data_dir),
            *(() if agenda is None else ("--agenda", str(agenda))),
            *extra_args,
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
        env=env,
        cwd=cwd,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited early:\n{log_path.read_text()}")
        try:
            if requests.get(f"{url}{ready_path}", timeout=1).ok:
                return LiveServer(url, process, data_dir, log_path)
        except (requests.ConnectionError, requests.Timeout):
            time.sleep(0.1)  # waiting for a port to open, not for a result
    process.kill()
    raise RuntimeError(f"server did not start:\n{log_path.read_text()}")


def stop_server(server: LiveServer) -> None:
    server.process.terminate()
    try:
        server.process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        server.process.kill()
        server.process.wait()


def open_console(url: str, lang: str | None = None) -> socketio.Client:
    """A real Socket.IO client on a real server's /control, logged in as the technician
    (answered in `lang`, as a page sends it in the handshake's query, when given)."""
    login = requests.Session()
    response = login.post(f"{url}/login", data={"key": CONTROL_KEY}, allow_redirects=False)
    assert response.status_code == 302, response.text
    cookie = "; ".join(f"{cookie.name}={cookie.value}" for cookie in login.cookies)
    console = socketio.Client(reconnection=False)
    console.connect(
        f"{url}?lang={lang}" if lang else url,
        namespaces=["/control"],
        headers={"Cookie": cookie},
        transports=["websocket"],
        wait_timeout=10,
    )
    return console


class Verbatim(str):
    """An argument the test client sends as JSON text exactly as written."""


class VerbatimJson:
    """The client's packet codec, able to send what json.dumps cannot write."""

    @staticmethod
    def dumps(value, *args, **kwargs) -> str:
        if isinstance(value, list) and any(isinstance(part, Verbatim) for part in value):
            parts = [part if isinstance(part, Verbatim) else json.dumps(part) for part in value]
            return "[" + ",".join(parts) + "]"
        return json.dumps(value, *args, **kwargs)

    loads = staticmethod(json.loads)


@contextlib.contextmanager
def verbatim_console(url: str, lang: str | None = None) -> Iterator[socketio.Client]:
    """`open_console`, able to send `Verbatim` arguments. The codec of Socket.IO
    packets is one per process: it is put back when the console closes."""
    codecs = socketio.packet.Packet.json, engineio.packet.Packet.json
    console = open_console(url, lang)
    socketio.packet.Packet.json = engineio.packet.Packet.json = VerbatimJson
    try:
        yield console
    finally:
        socketio.packet.Packet.json, engineio.packet.Packet.json = codecs
        console.disconnect()


@pytest.fixture(scope="module")
def module_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """One real server for all the tests of a module; it must never have logged a traceback."""
    folder = tmp_path_factory.mktemp("module-server")
    server = start_server(folder / "data", folder / "server.log")
    yield server
    stop_server(server)
    assert "Traceback" not in server.log()


@pytest.fixture
def live_server(tmp_path: Path) -> Iterator[LiveServer]:
    server = start_server(tmp_path / "live-data", tmp_path / "server.log")
    yield server
    stop_server(server)


@pytest.fixture(params=["direct", "stock"])
def fanout(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """The broadcast path (runshow/web/fastpath.py) the servers a test starts are to
    take: each test that asks for it runs on both (they inherit RUNSHOW_FANOUT)."""
    monkeypatch.setenv("RUNSHOW_FANOUT", request.param)
    return request.param


def assert_fanout(server: LiveServer, expected: str) -> None:
    """The server takes the `expected` path: on the pinned versions the direct path
    must be in use, not quietly replaced by the stock one."""
    health = requests.get(f"{server.url}/api/health", timeout=10).json()
    assert health["fanout"] == expected, health


@pytest.fixture
def fanout_server(tmp_path: Path, fanout: str) -> Iterator[LiveServer]:
    """`live_server`, once on each broadcast path."""
    server = start_server(tmp_path / "live-data", tmp_path / "server.log")
    try:
        assert_fanout(server, fanout)
        yield server
    finally:
        stop_server(server)


# --------------------------------------------------------------------------- #
# Browser tests: Debian's headless Chromium driven by Playwright (tests/browser.py).


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    from tests.browser import launch_chromium

    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        yield browser
        browser.close()


@pytest.fixture
def open_page(browser):
    """Opens pages in fresh browser contexts; fails the test on any page error."""
    from tests.browser import SKEWED_CLOCK

    contexts, errors = [], []

    def open_(url: str, size=(1920, 1080), clock_skew_ms: int = 0):
        context = browser.new_context(viewport={"width": size[0], "height": size[1]})
        if clock_skew_ms:
            context.add_init_script(SKEWED_CLOCK % clock_skew_ms)
        contexts.append(context)
        page = context.new_page()
        page.on("pageerror", lambda error: errors.append(f"{url}: {error}"))
        page.goto(url)
        return page

    yield open_
    for context in contexts:
        context.close()
    assert errors == []


@pytest.fixture
def control(open_page, live_server):
    """The technician's console (1366x768), logged in and connected."""
    from tests.browser import login

    page = open_page(f"{live_server.url}/login", size=(1366, 768))
    login(page, live_server.url)
    return page
