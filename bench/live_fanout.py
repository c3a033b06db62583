"""A real `runshow serve` (eventlet) with a hall full of screens on loopback:
how long a command takes to reach every one of them, and how well each
screen's NTP-style clock estimate agrees with the server.

Usage: python bench/live_fanout.py [SCREENS] [ROUNDS]   (default 250 screens, 20 rounds)
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

import requests
import socketio

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.report import percentiles, write_section  # noqa: E402
from tests.conftest import CONTROL_KEY, start_server, stop_server  # noqa: E402


class Screen:
    """One read-only screen on /live that records when each revision arrived."""

    def __init__(self, url: str, role: str):
        self.arrivals: dict[int, float] = {}
        self.client = socketio.Client(reconnection=False)
        self.client.on("state", self._on_state, namespace="/live")
        self.client.connect(f"{url}?role={role}", namespaces=["/live"], transports=["websocket"])

    def _on_state(self, state: dict) -> None:
        self.arrivals.setdefault(state["revision"], time.perf_counter())

    def clock_offset_ms(self, samples: int = 5) -> tuple[float, float]:
        """(offset, round trip) of the sample with the lowest round trip, as the browsers do."""
        best: tuple[float, float] | None = None
        for _ in range(samples):
            t0 = time.time() * 1000
            answer = self.client.call("sync", {"t0": t0}, namespace="/live", timeout=10)
            t3 = time.time() * 1000
            rtt = t3 - t0
            offset = answer["server_ms"] - (t0 + t3) / 2
            if best is None or rtt < best[1]:
                best = (offset, rtt)
        assert best is not None
        return best


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 250
    rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 20
    with tempfile.TemporaryDirectory() as tmp:
        server = start_server(Path(tmp) / "data", Path(tmp) / "server.log")
        try:
            roles = ["stage", "mc"] + ["programme"] * (count - 2)
            screens = [Screen(server.url, role) for role in roles]
            time.sleep(1)  # let the connect snapshots settle before measuring
            offsets, rtts = zip(*(screen.clock_offset_ms() for screen in screens), strict=True)
            session = requests.Session()
            session.headers["Authorization"] = f"Bearer {CONTROL_KEY}"
            latencies_ms: list[float] = []
            acks_ms: list[float] = []
            commands = [{"command": "next"}, {"command": "start"}] + [
                {"command": "adjust", "seconds": 10 if n % 2 else -10} for n in range(rounds - 2)
            ]
            for body in commands:
                sent = time.perf_counter()
                revision = session.post(f"{server.url}/api/command", json=body).json()["revision"]
                acks_ms.append((time.perf_counter() - sent) * 1000)
                deadline = time.monotonic() + 10
                while time.monotonic() < deadline and not all(
                    revision in screen.arrivals for screen in screens
                ):
                    time.sleep(0.002)
                missing = sum(revision not in screen.arrivals for screen in screens)
                assert missing == 0, f"{missing} screens never got revision {revision}"
                latencies_ms.extend((screen.arrivals[revision] - sent) * 1000 for screen in screens)
            for screen in screens:
                screen.client.disconnect()
        finally:
            stop_server(server)
    fan = percentiles(latencies_ms)
    ack = percentiles(acks_ms)
    off = percentiles([abs(value) for value in offsets])
    rtt = percentiles(list(rtts))

    def row(figures: dict[str, float]) -> str:
        return ", ".join(f"{key} {value:.1f}" for key, value in figures.items())

    body = "\n".join(
        [
            f"A real `runshow serve` (eventlet) on 127.0.0.1 with **{count} screens** connected "
            f"over WebSocket; {rounds} commands sent with `POST /api/command`.",
            "",
            f"- command sent → `state` received, every screen (ms): {row(fan)}",
            f"- HTTP command round trip (ms): {row(ack)}",
            f"- clock offset estimate error |offset| (true offset 0 on one machine, ms): "
            f"{row(off)}",
            f"- lowest sync round trip per screen (ms): {row(rtt)}",
            "",
            "Client and server share the machine's two cores, so these figures include "
            f"the {count} client threads' own scheduling.",
        ]
    )
    print(body)
    write_section("Live fan-out and clock sync", body)


if __name__ == "__main__":
    main()
