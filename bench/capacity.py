"""How many screens one `runshow serve` holds at once: opens more WebSocket
connections than eventlet's default cap of 1024, each joining `/live` and
receiving its snapshot, then checks one command still reaches all of them.

Usage: python bench/capacity.py [CONNECTIONS]   (default 1500)
"""

from __future__ import annotations

import json
import resource
import sys
import tempfile
import time
from pathlib import Path

import websocket

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.report import write_section  # noqa: E402
from tests.conftest import start_server, stop_server  # noqa: E402


def open_screen(url: str) -> websocket.WebSocket:
    """A bare Engine.IO v4 WebSocket joining /live, as the browser client does."""
    query = "/socket.io/?EIO=4&transport=websocket&role=programme"
    ws_url = url.replace("http://", "ws://") + query
    ws = websocket.create_connection(ws_url, timeout=30)
    assert ws.recv().startswith("0")  # Engine.IO open
    ws.send("40/live,")
    return ws


def read_until_state(ws: websocket.WebSocket, revision: int) -> None:
    while True:
        packet = ws.recv()
        if packet == "2":  # Engine.IO ping
            ws.send("3")
            continue
        if packet.startswith("42/live,"):
            name, payload = json.loads(packet[len("42/live,") :])
            if name == "state" and payload["revision"] >= revision:
                return


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 1500
    _soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    with tempfile.TemporaryDirectory() as tmp:
        server = start_server(Path(tmp) / "data", Path(tmp) / "server.log")
        try:
            started = time.perf_counter()
            screens = [open_screen(server.url) for _ in range(count)]
            for ws in screens:
                read_until_state(ws, 0)
            connect_s = time.perf_counter() - started
            sent = time.perf_counter()
            revision = server.command("next")["revision"]
            for ws in screens:
                read_until_state(ws, revision)
            fanout_ms = (time.perf_counter() - sent) * 1000
            for ws in screens:
                ws.close()
        finally:
            stop_server(server)
    body = "\n".join(
        [
            f"**{count} WebSocket screens** held by one `runshow serve` (eventlet's default "
            "cap is 1024; Runshow raises it to 10,000 and lifts the open-file limit):",
            "",
            f"- all {count} connected and received their snapshot in {connect_s:.1f} s",
            f"- one `next` then reached all {count} in {fanout_ms:.0f} ms "
            "(read back one socket after another by a single client thread)",
        ]
    )
    print(body)
    write_section("Capacity", body)


if __name__ == "__main__":
    main()
