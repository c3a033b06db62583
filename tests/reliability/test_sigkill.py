"""SIGKILL a real server at random moments while commands flow: nothing
acknowledged is lost and the running deadline is identical after the restart.

Commands go over HTTP one after another, as a Companion button or the console
sends them; the server is killed at a random instant (often while a command is
in flight). The restarted server must have every acknowledged command in its
log, in order, and at most the one that was in flight besides; its running
deadline is the acknowledged one (moved by exactly the in-flight adjustment
if that one was saved)."""

from __future__ import annotations

import contextlib
import itertools
import random
import signal
import threading
import time

import pytest
import requests

from runshow.store import Store
from tests.conftest import CONTROL_KEY, start_server, stop_server
from tests.reliability.conftest import sized

KILLS = sized(3, 20)
SEED = random.randrange(1_000_000)

pytestmark = pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")

# Commands that keep the timer running and move its deadline by a known amount.
FLOW = (
    ({"command": "adjust", "seconds": 5}, 5_000),
    ({"command": "message", "text": "", "target": "stage"}, 0),
    ({"command": "adjust", "seconds": -3}, -3_000),
    ({"command": "clear_message", "target": "both"}, 0),
)


MESSAGE_NUMBERS = itertools.count(1)


class Sender(threading.Thread):
    """Sends the flow until the server dies; keeps what was acknowledged and what
    was in flight at the end."""

    def __init__(self, url: str):
        super().__init__(daemon=True)
        self.url = url
        self.acks: list[tuple[dict, dict]] = []
        self.in_flight: tuple[dict, int] | None = None
        self.refused: str | None = None

    def run(self) -> None:
        for template, moves_ms in itertools.cycle(FLOW):
            payload = dict(template)
            if "text" in payload:  # the message on screen again would be refused
                payload["text"] = f"Lời nhắn số {next(MESSAGE_NUMBERS)}"
            self.in_flight = (payload, moves_ms)
            try:
                response = requests.post(
                    f"{self.url}/api/command",
                    json=payload,
                    headers={"Authorization": f"Bearer {CONTROL_KEY}"},
                    timeout=10,
                )
            except requests.RequestException:
                return  # killed: this one may or may not have been saved
            if response.status_code != 200:
                self.refused = response.text
                return
            self.acks.append((payload, response.json()))
            self.in_flight = None


def test_sigkill_at_random_moments_loses_nothing_acknowledged(tmp_path):
    rng = random.Random(SEED)
    data = tmp_path / "data"
    server = start_server(data, tmp_path / "server-0.log")
    server.command("next")
    server.command("start")
    acknowledged = [("next", 1), ("start", 2)]
    deadline = server.state()["timer"]["deadline_ms"]
    try:
        for kill in range(1, KILLS + 1):
            sender = Sender(server.url)
            sender.start()
            time.sleep(rng.uniform(0.05, 1.5))  # a random moment in the flow
            server.process.send_signal(signal.SIGKILL)
            server.process.wait(timeout=10)
            sender.join(timeout=15)
            assert not sender.is_alive()
            assert sender.refused is None, sender.refused

            for payload, ack in sender.acks:
                acknowledged.append((payload["command"], ack["revision"]))
                assert ack["state"]["revision"] == ack["revision"]
                deadline = ack["state"]["timer"]["deadline_ms"]

            server = start_server(data, tmp_path / f"server-{kill}.log")
            state = server.state()
            last = acknowledged[-1][1]
            context = f"kill {kill} (seed {SEED})"
            assert state["revision"] in (last, last + 1), context
            assert state["timer"]["running"], context
            if state["revision"] == last + 1:  # the command in flight had been saved
                payload, moves_ms = sender.in_flight
                acknowledged.append((payload["command"], last + 1))
                deadline += moves_ms
            assert state["timer"]["deadline_ms"] == deadline, context
    finally:
        with contextlib.suppress(Exception):
            stop_server(server)

    store = Store(data)
    try:
        logged = [(event.command, event.revision) for event in store.events()]
    finally:
        store.close()
    assert logged == acknowledged, f"seed {SEED}"
