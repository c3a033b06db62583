"""The floor under any fan-out on this machine: the CPU one `send()` of a state's
WebSocket frame costs the sending process, with nothing else around it.

N loopback TCP connections, the receiving ends drained by another process (as the
screens are); the sender writes the same frame to each of them, once a round, in a
plain loop (no event loop, no Socket.IO), and its CPU time (user + system) is read
before and after. What it prints is the least CPU per screen per command that a
server sending one frame per screen (Runshow, Node's socket.io) can use here: on a
loopback connection the kernel also does the receiving side's TCP work inside the
sender's `send()`.

Usage: python bench/send_floor.py [--screens 1000] [--rounds 50] [--bytes 1000] [--write]
"""

from __future__ import annotations

import argparse
import contextlib
import multiprocessing
import os
import resource
import selectors
import socket
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.report import write_section  # noqa: E402


def drain(port: int, count: int, ready, stop) -> None:
    """The screens: connect `count` times and read whatever arrives until `stop`."""
    selector = selectors.DefaultSelector()
    for _ in range(count):
        conn = socket.create_connection(("127.0.0.1", port))
        conn.setblocking(False)
        selector.register(conn, selectors.EVENT_READ)
    ready.set()
    while not stop.is_set():
        for key, _ in selector.select(0.1):
            with contextlib.suppress(BlockingIOError):
                key.fileobj.recv(1 << 16)


def cpu_s() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def measure(screens: int, rounds: int, size: int) -> dict[str, float]:
    listener = socket.create_server(("127.0.0.1", 0), backlog=4096)
    port = listener.getsockname()[1]
    ready, stop = multiprocessing.Event(), multiprocessing.Event()
    reader = multiprocessing.Process(target=drain, args=(port, screens, ready, stop))
    reader.start()
    conns = [listener.accept()[0] for _ in range(screens)]
    ready.wait(60)
    for conn in conns:
        conn.setblocking(False)
    frame = bytes((0x81, 126)) + size.to_bytes(2, "big") + b"x" * size
    sends = 0
    cpu0, wall0 = cpu_s(), time.monotonic()
    for _ in range(rounds):
        round_start = time.monotonic()
        for conn in conns:
            try:
                conn.send(frame)  # a part taken counts: the drain is behind, not the sender
            except BlockingIOError:
                continue  # full: not a send
            sends += 1
        time.sleep(max(0.0, round_start + 0.05 - time.monotonic()))  # let the reader drain
    busy = cpu_s() - cpu0
    wall = time.monotonic() - wall0
    stop.set()
    reader.join(30)
    for conn in conns:
        conn.close()
    listener.close()
    return {"cpu_us_per_send": busy / sends * 1e6, "sends": sends, "wall_s": wall}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--screens", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=50)
    parser.add_argument("--bytes", type=int, default=1000, help="payload size (a phone's ~1 KB)")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--write", action="store_true", help="write docs/benchmarks.md")
    args = parser.parse_args()
    _soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    runs = [measure(args.screens, args.rounds, args.bytes) for _ in range(args.repeats)]
    figures = sorted(run["cpu_us_per_send"] for run in runs)
    body = (
        f"One `send()` of a {args.bytes}-byte frame to each of {args.screens} loopback "
        f"connections, {args.rounds} rounds, {args.repeats} runs, on {os.cpu_count()} cores: "
        f"**{figures[len(figures) // 2]:.1f} µs** of the sender's CPU per send (median; "
        f"runs: {', '.join(f'{figure:.1f}' for figure in figures)})."
    )
    print(body)
    if args.write:
        write_section("The floor: one send per screen", body)


if __name__ == "__main__":
    main()
