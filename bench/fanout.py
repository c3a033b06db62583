"""Fan-out, side by side: a real `runshow serve` and a minimal Node socket.io
server relaying the same payload, each with N screens held by separate client
processes on 127.0.0.1, in the same run.

For each server and size it measures:
- the connect storm: every screen connects at once (as after a restart or a
  Wi-Fi drop), how many are served, time to the first state (p50/p99/max),
  refused attempts, and whether commands sent meanwhile reach the screens
  already connected;
- a command every second: command sent → state received on every screen
  (p50/p99/max), missing deliveries;
- server CPU per screen per command (the median command's, read to the
  nanosecond around each; and the whole window's, idle subtracted), RSS per
  connected screen, idle CPU.

Usage:
  python bench/fanout.py [--sizes 250,1000,2000] [--repeats 3] [--rounds 20]
                         [--targets runshow,runshow-stock,node] [--baseline-root DIR]
                         [--workers 2 --redis-port P] [--write]

`--gc-stats` times every collection in the Runshow servers (bench/gcstats/); with
RUNSHOW_GC_DEFAULTS=1 in the environment they also keep Python's own collector
settings, to see what Runshow's tuning buys.
`runshow-stock` is the same server on the libraries' own broadcast path
(RUNSHOW_FANOUT=stock, runshow/web/fastpath.py); each Runshow server's
/api/health must say the path its target names, or the run stops.
`--baseline-root` adds a target "before": the same bench against another
checkout (with its own .venv), e.g. `git worktree add /work/wt/baseline a34081a`.
Screens are bare Engine.IO v4 WebSocket clients on `/live` (what a browser's
socket.io client does, without the browser), 4 client processes.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import contextlib
import json
import multiprocessing
import os
import platform
import random
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import zlib
from dataclasses import dataclass, field
from pathlib import Path

import psutil
import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.report import write_section  # noqa: E402
from tests.conftest import free_port, stop_server  # noqa: E402

NODE_DIR = ROOT / "bench" / "node-baseline"
CONTROL_KEY = "bench-control-key"
CLIENT_PROCESSES = 4
STORM_DEADLINE_S = 60.0
SPEECH_ITEM = "tham-luan-ha-noi"


# --------------------------------------------------------------------------- #
# A screen: a bare WebSocket speaking Engine.IO v4 / Socket.IO v5 on /live.


async def ws_open(host: str, port: int, path: str):
    """A WebSocket handshake offering compression, as every browser does."""
    reader, writer = await asyncio.open_connection(host, port, limit=1 << 20)
    key = base64.b64encode(os.urandom(16)).decode()
    writer.write(
        (
            f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\nUpgrade: websocket\r\n"
            f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\n"
            "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n"
            "Sec-WebSocket-Version: 13\r\n\r\n"
        ).encode()
    )
    head = await reader.readuntil(b"\r\n\r\n")
    if b" 101 " not in head.split(b"\r\n", 1)[0]:
        writer.close()
        raise ConnectionError(head.split(b"\r\n", 1)[0].decode(errors="replace"))
    inflate = zlib.decompressobj(-15) if b"permessage-deflate" in head.lower() else None
    return reader, writer, inflate


async def ws_read(reader, writer, inflate) -> str | None:
    """The next text message (None when the server closes); answers WebSocket pings."""
    while True:
        head = await reader.readexactly(2)
        opcode, length = head[0] & 0x0F, head[1] & 0x7F
        if length == 126:
            length = int.from_bytes(await reader.readexactly(2), "big")
        elif length == 127:
            length = int.from_bytes(await reader.readexactly(8), "big")
        payload = await reader.readexactly(length)
        if head[0] & 0x40 and inflate is not None:  # compressed by the server
            payload = inflate.decompress(payload + b"\x00\x00\xff\xff")
        if opcode == 8:
            return None
        if opcode == 9:
            ws_send(writer, payload.decode(), opcode=0xA)
            continue
        return payload.decode()


def ws_send(writer, text: str, opcode: int = 0x1) -> None:
    data = text.encode()
    mask = os.urandom(4)
    masked = bytes(byte ^ mask[n % 4] for n, byte in enumerate(data))
    writer.write(bytes([0x80 | opcode, 0x80 | len(data)]) + mask + masked)  # short frames only


@dataclass
class ScreenLog:
    first_state_s: float | None = None  # since the storm began
    attempts: int = 0
    arrivals: dict[int, float] = field(default_factory=dict)  # revision → monotonic
    received: list[float] = field(default_factory=list)  # every state's arrival, monotonic


def hello(programme_version: str | None) -> str:
    """The Socket.IO connect packet a page sends: with the version of the programme
    the page embedded (static/js/live.js), which the server then does not send again."""
    if programme_version is None:
        return "40/live,"
    return "40/live," + json.dumps({"programme": programme_version})


def page_programme_version(port: int, page: str = "/programme") -> str | None:
    """The version of the programme the phones' page embeds (None: a server without one)."""
    answer = requests.get(f"http://127.0.0.1:{port}{page}", timeout=30)
    found = re.search(r'"version":\s*"([^"]+)"', answer.text) if answer.ok else None
    return found.group(1) if found else None


def screen_query(role: str, room: str | None = None) -> str:
    """The query string a page of `role` connects with (`room=<id>` on a server of rooms)."""
    return f"role={role}" if room is None else f"role={role}&room={room}"


async def screen(
    host: str, port: int, query: str, start: float, log: ScreenLog, stop, version: str | None
) -> None:
    path = f"/socket.io/?EIO=4&transport=websocket&{query}"
    delay = 0.5
    while not stop.is_set() and time.monotonic() - start < STORM_DEADLINE_S:
        log.attempts += 1
        writer = None
        try:
            reader, writer, inflate = await asyncio.wait_for(ws_open(host, port, path), 30)
            opening = await asyncio.wait_for(ws_read(reader, writer, inflate), 30)
            if not opening or not opening.startswith("0"):
                raise ConnectionError("no Engine.IO open packet")
            ws_send(writer, hello(version))
            while True:
                message = await ws_read(reader, writer, inflate)
                arrived = time.monotonic()
                if message is None:
                    raise ConnectionError("closed by the server")
                if message == "2":
                    ws_send(writer, "3")
                elif message.startswith('42/live,["state"'):
                    revision = json.loads(message[8:])[1]["revision"]
                    log.arrivals.setdefault(revision, arrived)
                    log.received.append(arrived)
                    if log.first_state_s is None:
                        log.first_state_s = arrived - start
        except (OSError, asyncio.IncompleteReadError, asyncio.TimeoutError, ConnectionError):
            if writer is not None:
                writer.close()
            if log.first_state_s is not None:
                return  # a screen lost after it was served: counted by its missing states
            # jittered, growing like the browsers' reconnection delay
            await asyncio.sleep(delay * random.uniform(0.5, 1.5))
            delay = min(delay * 2, 5.0)


def client_process(
    host: str, port: int, queries: list[str], version, starting, ready, served, stop, conn
):
    """Holds a screen per query string (`screen_query`) until `stop` is set: says it is
    `ready`, waits for the storm's start time (`starting`, the same for every client
    process), sets `served` once every screen has had its first state, and sends back
    what each one saw."""
    _soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))

    async def main() -> list[ScreenLog]:
        stopping = asyncio.Event()
        logs = [ScreenLog() for _ in queries]
        ready.set()
        while not starting.value:
            await asyncio.sleep(0.01)
        start = starting.value
        await asyncio.sleep(max(0.0, start - time.monotonic()))
        tasks = [
            asyncio.create_task(screen(host, port, query, start, log, stopping, version))
            for query, log in zip(queries, logs, strict=True)
        ]
        while not stop.is_set():
            if not served.is_set() and all(log.first_state_s is not None for log in logs):
                served.set()
            await asyncio.sleep(0.1)
        stopping.set()
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        return logs

    logs = asyncio.run(main())
    conn.send([(log.first_state_s, log.attempts, log.arrivals, log.received) for log in logs])


# --------------------------------------------------------------------------- #
# Servers.


@dataclass
class Server:
    name: str
    port: int
    process: subprocess.Popen
    command_body: list[dict]
    gc_stats: Path | None = None
    ports: list[int] = field(default_factory=list)  # where screens connect (workers)
    helpers: list[subprocess.Popen] = field(default_factory=list)  # e.g. redis-server
    rooms: list[str] = field(default_factory=list)  # a server of several rooms: their ids

    def processes(self) -> list[psutil.Process]:
        main = psutil.Process(self.process.pid)
        return [main, *main.children(recursive=True)] + [
            psutil.Process(helper.pid) for helper in self.helpers
        ]

    def cpu_s(self) -> float:
        """CPU time of the server's processes, in seconds: to the nanosecond from the
        scheduler's accounting (/proc/PID/task/TID/schedstat) where the kernel keeps
        it, else from the 10 ms ticks `psutil` reads."""
        total = 0.0
        for proc in self.processes():
            try:
                total += _scheduled_s(proc.pid)
            except OSError:
                try:
                    times = proc.cpu_times()
                except psutil.NoSuchProcess:
                    continue
                total += times.user + times.system
        return total

    def rss(self) -> int:
        return sum(proc.memory_info().rss for proc in self.processes())

    def command(self, n: int, room: str | None = None) -> int:
        """Send the `n`th of the bench's commands (to `room`'s API on a server of rooms)."""
        path = "/api/command" if room is None else f"/api/rooms/{room}/command"
        return post_command(self.port, self.command_body[n % len(self.command_body)], path)


def _scheduled_s(pid: int) -> float:
    """The time every thread of process `pid` has run on a CPU (user and system)."""
    tasks = Path(f"/proc/{pid}/task")
    total = 0
    for task in tasks.iterdir():
        with contextlib.suppress(FileNotFoundError, ProcessLookupError):  # a thread ended
            total += int((task / "schedstat").read_text().split()[0])
    return total / 1e9


#: A command POST refused at the door (connection reset or refused while thousands of
#: screens knock at once) is tried again this many times: the run goes on and the
#: storm's figures say how long the screens waited.
COMMAND_TRIES = 10


def post_command(port: int, body: dict, path: str = "/api/command") -> int:
    """Send one command as the console's API does; the revision it made."""
    tries = 0
    while True:
        tries += 1
        try:
            answer = requests.post(
                f"http://127.0.0.1:{port}{path}",
                json=body,
                headers={"Authorization": f"Bearer {CONTROL_KEY}"},
                timeout=30,
            )
        except requests.ConnectionError:
            if tries == COMMAND_TRIES:
                raise
            time.sleep(0.2 * tries)
            continue
        answer.raise_for_status()
        return answer.json()["revision"]


def wait_ready(port: int, process: subprocess.Popen, log: Path, path: str = "/api/state"):
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited:\n{log.read_text()}")
        try:
            answer = requests.get(f"http://127.0.0.1:{port}{path}", timeout=1)
            if answer.ok or path == "/":  # a display worker answers 421 to everything
                return
        except requests.ConnectionError:
            time.sleep(0.1)  # waiting for the port to open
    raise RuntimeError(f"server did not start:\n{log.read_text()}")


ADJUSTS = [{"command": "adjust", "seconds": 10}, {"command": "adjust", "seconds": -10}]


def start_redis(tmp: Path) -> tuple[subprocess.Popen, str]:
    port = free_port()
    options = ("--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no")
    process = subprocess.Popen(
        ["redis-server", *options],
        cwd=tmp,
        stdout=subprocess.DEVNULL,
    )
    time.sleep(0.5)  # redis-server opens its port at once; the first client retries anyway
    return process, f"redis://127.0.0.1:{port}/0"


def start_runshow(
    name: str,
    root: Path,
    tmp: Path,
    extra: list[str],
    gc_stats: bool,
    workers: int = 1,
    fanout: str | None = None,
    agendas: list[Path] | None = None,
) -> Server:
    """A Runshow server of the bundled agenda, or of a room per file of `agendas`
    (the room's id is the file's name), each at the bench's speech, running."""
    python = root / ".venv" / "bin" / "python"
    files = agendas or [root / "agenda.json"]
    port = free_port()
    helpers = []
    if workers > 1:
        redis, url = start_redis(tmp)
        helpers.append(redis)
        extra = [*extra, "--workers", str(workers), "--message-queue", url]
    log = tmp / f"{name}.log"
    env = {**os.environ, "RUNSHOW_CONTROL_KEY": CONTROL_KEY, "PYTHONUNBUFFERED": "1"}
    if fanout is not None:
        env["RUNSHOW_FANOUT"] = fanout
    stats = tmp / f"{name}-{port}-gc.txt" if gc_stats else None
    if stats:
        env |= {"PYTHONPATH": str(ROOT / "bench" / "gcstats"), "RUNSHOW_GC_STATS": str(stats)}
    process = subprocess.Popen(
        [
            *(str(python), "-m", "runshow", "serve", "--host", "127.0.0.1", "--port", str(port)),
            *("--data-dir", str(tmp / f"{name}-{port}-data")),
            *(arg for agenda in files for arg in ("--agenda", str(agenda))),
            *extra,
        ],
        cwd=root,
        env=env,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
    )
    wait_ready(port, process, log, path="/api/rooms" if len(files) > 1 else "/api/state")
    if fanout is not None:
        path = requests.get(f"http://127.0.0.1:{port}/api/health", timeout=10).json()["fanout"]
        if path != fanout:
            process.terminate()
            sys.exit(f"{name}: the server took the {path} path, not the {fanout} one")
    ports = [port + index for index in range(workers)]
    for worker in ports[1:]:
        wait_ready(worker, process, log, path="/")
    rooms = [agenda.stem for agenda in agendas] if agendas and len(agendas) > 1 else []
    server = Server(name, port, process, ADJUSTS, stats, ports, helpers, rooms)
    for room in rooms or [None]:
        path = "/api/command" if room is None else f"/api/rooms/{room}/command"
        for body in ({"command": "goto", "item_id": SPEECH_ITEM}, {"command": "start"}):
            post_command(port, body, path)
    return server


def speech_payload() -> dict:
    """What Runshow sends a phone during a speech of the bundled agenda."""
    from runshow import protocol
    from runshow.agenda import load_agenda
    from runshow.commands import parse_command
    from runshow.engine import ShowState, apply

    agenda = load_agenda(ROOT / "agenda.json")
    now = agenda.start_ms
    state = ShowState()
    for body in ({"command": "goto", "item_id": SPEECH_ITEM}, {"command": "start"}):
        state = apply(state, agenda, parse_command(body), now).state
    return protocol.state_payloads(agenda, state, now)["public"]


def start_node(tmp: Path) -> Server:
    if not (NODE_DIR / "node_modules").exists():
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund"], cwd=NODE_DIR, check=True)
    sample = tmp / "payload.json"
    sample.write_text(json.dumps(speech_payload(), ensure_ascii=False), encoding="utf-8")
    port = free_port()
    log = tmp / "node.log"
    process = subprocess.Popen(
        ["node", "server.js", str(port), str(sample)],
        cwd=NODE_DIR,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
    )
    wait_ready(port, process, log)
    return Server("node", port, process, [{}])


# --------------------------------------------------------------------------- #
# One measurement.


def pct(samples: list[float], fraction: float) -> float:
    if not samples:
        return float("nan")
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


@dataclass
class Figures:
    target: str
    screens: int
    served: int = 0
    refused_attempts: int = 0
    first_p50_s: float = 0.0
    first_p99_s: float = 0.0
    first_max_s: float = 0.0
    storm_cmd_p99_ms: float = 0.0
    storm_cmd_missing: int = 0
    p50_ms: float = 0.0
    p99_ms: float = 0.0
    max_ms: float = 0.0
    missing: int = 0
    cpu_us_per_screen_cmd: float = 0.0  # the median command (see `measure`)
    cpu_window_us: float = 0.0  # the whole window's CPU, idle subtracted, per command
    rss_kb_per_screen: float = 0.0
    idle_cpu_pct: float = 0.0
    gc_full: int = 0  # collections of the oldest generation during the run
    gc_max_ms: float = 0.0  # longest collection pause


#: How long after a command its CPU is counted: every screen has its state well
#: before (p99 under 0.3 s at 5000 screens).
COMMAND_WINDOW_S = 0.6


@dataclass
class Clients:
    """The client processes holding the screens of one measurement."""

    start: float  # when the storm begins (monotonic, the same in every process)
    pipes: list
    procs: list[multiprocessing.Process]
    served: list  # one event per process: all of its screens have had a first state
    stop: object  # set to end the screens

    def all_served(self) -> bool:
        return all(event.is_set() for event in self.served)

    def finish(self) -> list[ScreenLog]:
        """Close every screen; what each one saw, in the order of the queries."""
        self.stop.set()
        shares = [parent.recv() for parent in self.pipes]
        for proc in self.procs:
            proc.join(30)
        logs: list[ScreenLog | None] = [None] * sum(len(share) for share in shares)
        for n, share in enumerate(shares):  # process n held queries n, n + P, n + 2P, …
            for index, (first, attempts, arrivals, received) in enumerate(share):
                logs[n + index * len(shares)] = ScreenLog(first, attempts, arrivals, received)
        return logs  # type: ignore[return-value]


def launch_clients(server: Server, queries: list[str], version: str | None) -> Clients:
    """Start the client processes, one screen per query string, all connecting together
    half a second after every process is ready (the storm)."""
    starting = multiprocessing.Value("d", 0.0)
    stop_clients = multiprocessing.Event()
    pipes, procs, readies, served = [], [], [], []
    for n in range(CLIENT_PROCESSES):
        parent, child = multiprocessing.Pipe()
        ready, done = multiprocessing.Event(), multiprocessing.Event()
        share = queries[n::CLIENT_PROCESSES]
        ports = server.ports or [server.port]
        address = ("127.0.0.1", ports[n % len(ports)])
        proc = multiprocessing.Process(
            target=client_process,
            args=(*address, share, version, starting, ready, done, stop_clients, child),
        )
        proc.start()
        pipes.append(parent)
        procs.append(proc)
        readies.append(ready)
        served.append(done)
    for ready in readies:  # a loaded machine takes a while to start a process
        ready.wait(120)
    start = time.monotonic() + 0.5
    starting.value = start
    return Clients(start, pipes, procs, served, stop_clients)


def screen_roles(count: int) -> list[str]:
    """A stage, an MC tablet and phones: what a room's `count` screens are."""
    return ["stage", "mc"] + ["programme"] * (count - 2)


def delivery(sends: dict[int, float], logs: list[ScreenLog]) -> tuple[list[float], int]:
    """Each (command, screen)'s latency in ms, from its send to its state's arrival,
    and how many never arrived."""
    latencies, missing = [], 0
    for revision, sent in sends.items():
        for log in logs:
            if revision in log.arrivals:
                latencies.append((log.arrivals[revision] - sent) * 1000)
            else:
                missing += 1
    return latencies, missing


def idle_window(server: Server, idle_s: float) -> tuple[float, list[float]]:
    """The server's CPU (seconds per second) over `idle_s` seconds of nothing but the
    protocol's own pings, which come in bursts (a storm's screens connected together);
    and the window cut into slices as long as a command's, whose median is the
    background a command is measured on."""
    cpu0 = cpu_then = server.cpu_s()
    started = time.monotonic()
    slices = []
    while time.monotonic() < started + idle_s - COMMAND_WINDOW_S:
        time.sleep(COMMAND_WINDOW_S)
        cpu_now = server.cpu_s()
        slices.append(cpu_now - cpu_then)
        cpu_then = cpu_now
    time.sleep(max(0.0, started + idle_s - time.monotonic()))
    return (server.cpu_s() - cpu0) / (time.monotonic() - started), slices


def measure(server: Server, count: int, rounds: int, idle_s: float) -> Figures:
    rss_before = server.rss()
    version = page_programme_version(server.port)
    clients = launch_clients(server, [screen_query(role) for role in screen_roles(count)], version)
    start = clients.start

    # The storm: a command every second while the screens connect, until all are served.
    time.sleep(max(0.0, start - time.monotonic()))
    storm_sends: dict[int, float] = {}
    n = 0
    while time.monotonic() < start + STORM_DEADLINE_S and not clients.all_served():
        time.sleep(1.0)
        sent = time.monotonic()
        storm_sends[server.command(n)] = sent
        n += 1
    time.sleep(2.0)
    rss_after = server.rss()

    idle_rate, idle_slices = idle_window(server, idle_s)

    # A command every second. Each command's CPU is read over COMMAND_WINDOW_S from
    # just before it is sent: the median of those, less the median idle slice, is
    # what a command costs; a ping burst that falls in one window does not count, as
    # it does in the whole window's figure (kept for comparison).
    sends: dict[int, float] = {}
    per_command: list[float] = []
    cpu0, t0 = server.cpu_s(), time.monotonic()
    for _ in range(rounds):
        before, sent = server.cpu_s(), time.monotonic()
        sends[server.command(n)] = sent
        n += 1
        time.sleep(max(0.0, sent + COMMAND_WINDOW_S - time.monotonic()))
        per_command.append(server.cpu_s() - before)
        time.sleep(max(0.0, sent + 1.0 - time.monotonic()))
    time.sleep(1.0)
    busy = server.cpu_s() - cpu0 - idle_rate * (time.monotonic() - t0)
    one_command = statistics.median(per_command) - statistics.median(idle_slices or [0.0])

    logs = clients.finish()

    firsts = [log.first_state_s for log in logs if log.first_state_s is not None]
    figures = Figures(server.name, count)
    figures.served = len(firsts)
    figures.refused_attempts = sum(log.attempts - 1 for log in logs)
    figures.first_p50_s = pct(firsts, 0.5)
    figures.first_p99_s = pct(firsts, 0.99)
    figures.first_max_s = max(firsts, default=float("nan"))

    storm_lat, storm_missing = [], 0
    for revision, sent in storm_sends.items():
        for log in logs:
            if log.first_state_s is not None and start + log.first_state_s < sent:
                if revision in log.arrivals:
                    storm_lat.append((log.arrivals[revision] - sent) * 1000)
                else:
                    storm_missing += 1
    figures.storm_cmd_p99_ms = pct(storm_lat, 0.99)
    figures.storm_cmd_missing = storm_missing

    latencies, missing = delivery(sends, logs)
    figures.p50_ms = pct(latencies, 0.5)
    figures.p99_ms = pct(latencies, 0.99)
    figures.max_ms = max(latencies, default=float("nan"))
    figures.missing = missing
    figures.cpu_us_per_screen_cmd = one_command / count * 1e6
    figures.cpu_window_us = busy / (count * rounds) * 1e6
    figures.rss_kb_per_screen = (rss_after - rss_before) / count / 1024
    figures.idle_cpu_pct = idle_rate * 100
    return figures


# --------------------------------------------------------------------------- #
# The run and its report.

COLUMNS = (
    ("p50_ms", "p50 ms", "{:.1f}"),
    ("p99_ms", "p99 ms", "{:.1f}"),
    ("max_ms", "max ms", "{:.0f}"),
    ("missing", "missing", "{:.0f}"),
    ("cpu_us_per_screen_cmd", "CPU µs/screen/cmd", "{:.1f}"),
    ("cpu_window_us", "CPU µs, whole window", "{:.1f}"),
    ("rss_kb_per_screen", "RSS KB/screen", "{:.1f}"),
    ("idle_cpu_pct", "idle CPU %", "{:.2f}"),
    ("served", "storm: served", "{:.0f}"),
    ("refused_attempts", "storm: refused attempts", "{:.0f}"),
    ("first_p99_s", "storm: first state p99 s", "{:.2f}"),
    ("first_max_s", "storm: first state max s", "{:.2f}"),
    ("storm_cmd_p99_ms", "storm: cmd p99 ms", "{:.0f}"),
    ("storm_cmd_missing", "storm: cmd missing", "{:.0f}"),
    ("gc_full", "gen-2 GCs", "{:.0f}"),
    ("gc_max_ms", "longest GC ms", "{:.1f}"),
)


def read_gc_stats(server: Server, figures: Figures, since: float) -> None:
    """The collections from the storm on (start-up's own are not the fan-out's)."""
    if server.gc_stats is None or not server.gc_stats.exists():
        return
    pauses = [line.split() for line in server.gc_stats.read_text().splitlines()]
    pauses = [(gen, float(ms)) for gen, ms, when in pauses if float(when) >= since]
    figures.gc_full = sum(1 for generation, _ in pauses if generation == "2")
    figures.gc_max_ms = max((ms for _, ms in pauses), default=0.0)


def median_figures(runs: list[Figures]) -> tuple[Figures, dict[str, tuple[float, float]]]:
    """The median of each figure over repeated runs, and each figure's (min, max)."""
    result = Figures(runs[0].target, runs[0].screens)
    spread = {}
    for key, _, _ in COLUMNS:
        values = [getattr(run, key) for run in runs]
        setattr(result, key, statistics.median(values))
        spread[key] = (min(values), max(values))
    return result, spread


def table(results: list[tuple[Figures, dict]]) -> str:
    lines = [
        "| server | screens | " + " | ".join(title for _, title, _ in COLUMNS) + " |",
        "|---|---:|" + "---:|" * len(COLUMNS),
    ]
    for figures, _ in results:
        cells = [fmt.format(getattr(figures, key)) for key, _, fmt in COLUMNS]
        lines.append(f"| {figures.target} | {figures.screens} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def ratios(results: list[tuple[Figures, dict]], base: str = "node", title: str = "Node") -> str:
    by = {(f.target, f.screens): f for f, _ in results}
    lines = [
        f"| server | screens | p50 ÷ {title} | p99 ÷ {title} | CPU ÷ {title} | RSS ÷ {title} |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for (target, screens), figures in by.items():
        node = by.get((base, screens))
        if target == base or node is None:
            continue

        def ratio(key: str, figures=figures, node=node) -> str:
            base = getattr(node, key)
            return f"{getattr(figures, key) / base:.2f}" if base else "n/a"

        lines.append(
            f"| {target} | {screens} | {ratio('p50_ms')} | {ratio('p99_ms')} | "
            f"{ratio('cpu_us_per_screen_cmd')} | {ratio('rss_kb_per_screen')} |"
        )
    return "\n".join(lines)


def noise(results: list[tuple[Figures, dict]]) -> str:
    lines = []
    for figures, spread in results:
        parts = [
            f"{key.replace('_ms', '')} {low:.1f} to {high:.1f} ms"
            for key, (low, high) in spread.items()
            if key in ("p50_ms", "p99_ms")
        ]
        lines.append(f"- {figures.target}, {figures.screens} screens: " + ", ".join(parts))
    return "\n".join(lines)


def versions(baseline_root: Path | None) -> str:
    from importlib.metadata import version

    node = "not installed"
    if shutil.which("node"):
        node = subprocess.run(["node", "--version"], capture_output=True, text=True).stdout
    lock = json.loads((NODE_DIR / "package-lock.json").read_text())
    node_sio = lock["packages"]["node_modules/socket.io"]["version"]
    node_eio = lock["packages"]["node_modules/engine.io"]["version"]
    cpu = platform.processor() or platform.machine()
    try:
        model = next(
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        )
        cpu = model
    except (OSError, StopIteration):
        pass
    return (
        f"{cpu}, {os.cpu_count()} cores, {psutil.virtual_memory().total / 2**30:.0f} GiB, "
        f"{platform.system()} {platform.release()}; Python {platform.python_version()}, "
        f"eventlet {version('eventlet')}, python-socketio {version('python-socketio')}, "
        f"python-engineio {version('python-engineio')}, "
        f"Flask-SocketIO {version('Flask-SocketIO')}; "
        f"Node {node.strip()}, socket.io {node_sio}, engine.io {node_eio}"
        + (f"; before = {baseline_root}" if baseline_root else "")
    )


def runs_from_logs(paths: list[Path]) -> dict[tuple[int, str], list[Figures]]:
    """The per-run lines this script printed (``target size #n: title value, …``), read
    back: several sessions of the bench make one report."""
    titles = {title: key for key, title, _ in COLUMNS}
    runs: dict[tuple[int, str], list[Figures]] = {}
    for path in paths:
        for line in path.read_text(encoding="utf-8").splitlines():
            found = re.match(r"^(\S+) (\d+) #\d+: (.*)$", line.strip())
            if not found:
                continue
            figures = Figures(found.group(1), int(found.group(2)))
            for title, key in titles.items():  # a title may hold a comma itself
                value = re.search(rf"(?:^|, ){re.escape(title)} (\S+?)(?:,|$)", found.group(3))
                if value:
                    setattr(figures, key, float(value.group(1)))
            runs.setdefault((figures.screens, figures.target), []).append(figures)
    return runs


def run_once(target: str, size: int, tmp: Path, args: argparse.Namespace) -> Figures:
    if target == "node":
        server = start_node(tmp)
    elif target == "before":
        server = start_runshow("before", args.baseline_root, tmp, [], args.gc_stats)
    else:  # runshow, runshow-2w, runshow-stock, runshow-2w-stock
        options = target.split("-")[1:]
        workers = next((int(part[:-1]) for part in options if part.endswith("w")), 1)
        fanout = "stock" if "stock" in options else "direct"
        server = start_runshow(
            target, ROOT, tmp, args.runshow_args.split(), args.gc_stats, workers, fanout
        )
    began = time.monotonic()
    try:
        figures = measure(server, size, args.rounds, args.idle)
    finally:
        stop_server(server)
        for helper in server.helpers:
            helper.terminate()
            helper.wait(10)
    read_gc_stats(server, figures, began)
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="250,1000,2000")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--idle", type=float, default=10.0, help="idle window, seconds")
    parser.add_argument(
        "--targets",
        default="runshow,node",
        help="runshow, runshow-stock (the libraries' path), node, runshow-2w (2 workers + Redis)",
    )
    parser.add_argument("--baseline-root", type=Path)
    parser.add_argument("--runshow-args", default="", help="extra `runshow serve` arguments")
    parser.add_argument("--gc-stats", action="store_true", help="time the servers' GCs")
    parser.add_argument("--write", action="store_true", help="write docs/benchmarks.md")
    parser.add_argument("--section", default="Fan-out against Node")
    parser.add_argument(
        "--from-log", type=Path, nargs="+", help="report the runs printed in these logs instead"
    )
    args = parser.parse_args()
    if args.from_log:
        order = {"runshow": 0, "runshow-stock": 1, "runshow-2w": 2, "node": 3, "before": 4}
        runs = runs_from_logs(args.from_log)
        keys = sorted(runs, key=lambda key: (key[0], order.get(key[1], 9), key[1]))
        report([median_figures(runs[key]) for key in keys], args, runs)
        return

    sizes = [int(size) for size in args.sizes.split(",")]
    targets = args.targets.split(",")
    if args.baseline_root:
        targets.append("before")
    if "node" in targets and not shutil.which("node"):
        sys.exit("node is not installed")
    results = []
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        for size in sizes:
            # Repeats interleaved (a, b, c, a, b, c, …): the machine's load drifts, and
            # each server should see the same drift.
            runs: dict[str, list[Figures]] = {target: [] for target in targets}
            for repeat in range(args.repeats):
                for target in targets:
                    figures = run_once(target, size, tmp, args)
                    print(
                        f"{target} {size} #{repeat + 1}: "
                        + ", ".join(
                            f"{title} {fmt.format(getattr(figures, key))}"
                            for key, title, fmt in COLUMNS
                        ),
                        flush=True,
                    )
                    runs[target].append(figures)
            results.extend(median_figures(runs[target]) for target in targets)
    report(results, args)


def report(results, args: argparse.Namespace, runs: dict | None = None) -> None:
    def has(target: str) -> bool:
        return any(figures.target == target for figures, _ in results)

    counts = sorted({len(group) for group in runs.values()}) if runs else [args.repeats]
    repeats = " or ".join(str(count) for count in counts)
    body = "\n\n".join(
        [
            f"Machine and versions: {versions(args.baseline_root)}.",
            f"Medians of {repeats} runs each; {args.rounds} commands per run, one a "
            f"second, during a speech of the bundled agenda; screens in {CLIENT_PROCESSES} "
            "client processes on the same machine.",
            table(results),
            *(["Against Node (same run):", ratios(results)] if has("node") else []),
            *(
                [
                    "The libraries' own path against the direct one (same run):",
                    ratios(results, base="runshow", title="direct"),
                ]
                if has("runshow-stock")
                else []
            ),
            "Spread over the repeats (the machine is shared):",
            noise(results),
        ]
    )
    print(body)
    if args.write:
        write_section(args.section, body)


if __name__ == "__main__":
    main()
