"""A command's own time, with one screen: from the last byte of the technician's
`POST /api/command` to the new state on a stage screen, and to the HTTP answer.

This is what every screen waits for before the fan-out even starts, so it sets
the floor of the fan-out's p50. Targets, taking turns (each command after the
same pause, the first of a round rotating: on an idle machine the first command
after a pause is slower, ~1.5 ms here, whichever server gets it):

- `runshow`: this tree, its data on the same disk as the benchmark's temp dir;
- `runshow-tmpfs`: the same with its data on /dev/shm, where the commit's flush
  to disk (`fdatasync`, which Runshow does before any screen is told) costs
  next to nothing: the difference is the price of "nothing is lost";
- `node`: the minimal Node socket.io relay of `bench/fanout.py` (no validation,
  no storage: the floor of the protocol itself);
- `before`: another tree (`--baseline-root`), e.g. the previous main.

The screen is a bare WebSocket (tests/raw_websocket.py) read in this process,
the POST a raw socket: no client library's time is counted.

Usage: python bench/command_path.py [--commands 300] [--baseline-root DIR] [--write]
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import socket
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.fanout import CONTROL_KEY, Server, start_node, start_runshow, versions  # noqa: E402
from bench.report import percentiles, write_section  # noqa: E402
from tests.conftest import stop_server  # noqa: E402
from tests.raw_websocket import FrameReader, open_screen  # noqa: E402

STATE = '42/live,["state",'
REVISION = re.compile(r'"revision":(\d+)')
TMPFS = Path("/dev/shm")


def post_bytes(port: int, body: dict) -> bytes:
    data = json.dumps(body).encode()
    head = (
        f"POST /api/command HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
        f"Content-Type: application/json\r\nAuthorization: Bearer {CONTROL_KEY}\r\n"
        f"Content-Length: {len(data)}\r\nConnection: close\r\n\r\n"
    )
    return head.encode() + data


def next_revision(screen: FrameReader, after: int) -> int:
    """Read the screen until a state newer than `after` arrives; its revision."""
    while True:
        message = screen.next_message()
        if message is None:
            raise RuntimeError("the server closed the screen")
        if message.startswith(STATE):
            found = REVISION.search(message)
            if found and int(found.group(1)) > after:
                return int(found.group(1))


def one_command(server: Server, screen: FrameReader, body: dict, seen: int) -> tuple:
    """(ms to the screen, ms to the answer, the revision the screen got)."""
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as conn:
        sent = time.perf_counter()
        conn.sendall(post_bytes(server.port, body))
        revision = next_revision(screen, seen)
        on_screen = time.perf_counter()
        answer = b""
        while chunk := conn.recv(65536):  # `Connection: close`: the answer ends at EOF
            answer += chunk
        answered = time.perf_counter()
    if b" 200 " not in answer.split(b"\r\n", 1)[0]:
        raise RuntimeError(f"command refused: {answer[:300]!r}")
    return (on_screen - sent) * 1000, (answered - sent) * 1000, revision


def start(target: str, tmp: Path, shm: Path, baseline_root: Path | None) -> Server:
    if target == "node":
        return start_node(tmp)
    if target == "before":
        assert baseline_root is not None
        return start_runshow("before", baseline_root, tmp, [], False)
    return start_runshow(target, ROOT, shm if target == "runshow-tmpfs" else tmp, [], False)


def measure(targets: list[str], commands: int, warmup: int, baseline_root: Path | None):
    """target → (ms to screen, ms to answer) samples, the targets taking turns."""
    samples: dict[str, tuple[list[float], list[float]]] = {t: ([], []) for t in targets}
    with (
        tempfile.TemporaryDirectory() as tmp_name,
        tempfile.TemporaryDirectory(dir=TMPFS if TMPFS.is_dir() else None) as shm_name,
    ):
        tmp, shm = Path(tmp_name), Path(shm_name)
        servers: dict[str, Server] = {}
        try:
            for target in targets:
                servers[target] = start(target, tmp, shm, baseline_root)
            screens, seen = {}, {}
            for target, server in servers.items():
                screens[target] = open_screen(f"http://127.0.0.1:{server.port}", role="stage")
                seen[target] = next_revision(screens[target], -1)  # the state on connect
            for n in range(warmup + commands):
                # Each command after the same pause (an idle machine wakes up slower),
                # the targets in turn first: no target is always the one that wakes it.
                for turn in range(len(targets)):
                    target = targets[(n + turn) % len(targets)]
                    server = servers[target]
                    time.sleep(0.01)
                    body = server.command_body[n % len(server.command_body)]
                    to_screen, to_answer, seen[target] = one_command(
                        server, screens[target], body, seen[target]
                    )
                    if n >= warmup:
                        samples[target][0].append(to_screen)
                        samples[target][1].append(to_answer)
        finally:
            for server in servers.values():
                stop_server(server)
    return samples


def report(
    samples: dict[str, tuple[list[float], list[float]]], commands: int, baseline: Path | None
) -> str:
    rows = [
        "| server | to the screen: p50 ms | p95 ms | to the HTTP answer: p50 ms |",
        "|---|---|---|---|",
    ]
    for target, (to_screen, to_answer) in samples.items():
        screen, answer = percentiles(to_screen), percentiles(to_answer)
        figures = (screen["median"], screen["p95"], answer["median"])
        rows.append(f"| {target} | " + " | ".join(f"{ms:.2f}" for ms in figures) + " |")
    return (
        f"One stage screen, {commands} commands per server (`adjust` ±10 s during a "
        "speech), the servers taking turns; from the POST's last byte to the state on "
        f"the screen and to the HTTP answer. Machine and versions: {versions(baseline)}.\n\n"
        + "\n".join(rows)
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--commands", type=int, default=300)
    parser.add_argument("--warmup", type=int, default=30)
    parser.add_argument(
        "--targets", default="runshow,runshow-tmpfs,node", help="also: before (with the root)"
    )
    parser.add_argument("--baseline-root", type=Path, help="adds the target `before`")
    parser.add_argument("--write", action="store_true", help="write docs/benchmarks.md")
    args = parser.parse_args()
    targets = list(dict.fromkeys(args.targets.split(",")))
    if args.baseline_root and "before" not in targets:
        targets.append("before")
    if "node" in targets and not shutil.which("node"):
        targets.remove("node")
    if "runshow-tmpfs" in targets and not TMPFS.is_dir():
        sys.exit(f"{TMPFS} is not here: the runshow-tmpfs target needs that tmpfs")
    samples = measure(targets, args.commands, args.warmup, args.baseline_root)
    body = report(samples, args.commands, args.baseline_root)
    print(body)
    if args.write:
        write_section("A command's own time", body)


if __name__ == "__main__":
    main()
