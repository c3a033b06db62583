"""Display workers with several rooms (issue 21): a screen on a worker joins its room's
audience there too, hears only its room, and is counted in its room on the authority."""

from __future__ import annotations

import json
import re
from pathlib import Path

import requests

from tests.conftest import CONTROL_KEY, start_server, stop_server
from tests.test_rooms import ROOM_A, ROOM_B, command, screen, wait_for
from tests.test_workers import redis_url, two_free_ports, wait_until_up

__all__ = ["redis_url"]  # the fixture, used by name


def stage_counts(url: str) -> dict[str, int]:
    """Each room's stage screens, as the producer's overview counts them."""
    producer = requests.Session()
    producer.post(f"{url}/login", data={"key": CONTROL_KEY}, timeout=10)
    page = producer.get(f"{url}/overview", timeout=10).text
    tiles = json.loads(re.search(r'id="tiles-data">(.*?)</script>', page, re.S).group(1))
    return {tile["id"]: tile["screens"]["stage"] for tile in tiles}


def test_a_display_worker_serves_each_room_its_own_screens(tmp_path: Path, redis_url: str):
    port = two_free_ports()
    server = start_server(
        tmp_path / "data",
        tmp_path / "server.log",
        ROOM_A,
        port=port,
        extra_args=("--agenda", str(ROOM_B), "--workers", "2", "--message-queue", redis_url),
        ready_path="/api/rooms",
    )
    worker_url = f"http://127.0.0.1:{port + 1}"
    clients = []
    try:
        wait_until_up(worker_url)
        stage_a, states_a = screen(worker_url, "hoi-truong-a")
        stage_b, states_b = screen(worker_url, "phong-b")
        clients = [stage_a, stage_b]
        assert states_a[-1]["revision"] == states_b[-1]["revision"] == 0
        command(server.url, "phong-b", {"command": "start"})
        assert wait_for(lambda: states_b[-1]["revision"] == 1)
        assert [state["revision"] for state in states_a] == [0]
        assert wait_for(lambda: stage_counts(server.url) == {"hoi-truong-a": 1, "phong-b": 1})
    finally:
        for client in clients:
            client.disconnect()
        stop_server(server)
    assert "Traceback" not in server.log()
