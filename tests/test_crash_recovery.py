"""Pull the plug while a speaker's clock runs: nothing acknowledged is lost.

A real process (tests/crash_worker.py) runs the show on the bundled programme
with the wall clock and the real SQLite store. The test gives it commands,
reads each acknowledgement, and kills it with SIGKILL right after the last one,
while a timer is running. A fresh service on the same data folder must then
have exactly what was acknowledged: the same item on, the same deadline to the
millisecond, the same revision and the whole event log.
"""

from __future__ import annotations

import json
import os
import queue
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from runshow.agenda import load_agenda
from runshow.service import ShowService
from runshow.store import Store, state_to_dict
from tests.core_helpers import BUNDLED_AGENDA, FakeClock

WORKER = Path(__file__).with_name("crash_worker.py")
ANSWER_TIMEOUT_S = 30

pytestmark = pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")


class Worker:
    """One crash_worker.py process, spoken to line by line."""

    def __init__(self, data_dir: Path, log: Path):
        self._log = log.open("a", encoding="utf-8")
        self.process = subprocess.Popen(
            [sys.executable, str(WORKER), str(data_dir)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self._log,
            cwd=data_dir.parent,
            env={**os.environ, "PYTHONUTF8": "1"},
            text=True,
            encoding="utf-8",
        )
        self._lines: queue.Queue[str] = queue.Queue()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()
        self.ready = self._answer()
        assert self.ready["ready"] is True

    def _read(self) -> None:
        for line in self.process.stdout:
            self._lines.put(line)
        self._lines.put("")  # end of output: the process is gone

    def _answer(self) -> dict:
        try:
            line = self._lines.get(timeout=ANSWER_TIMEOUT_S)
        except queue.Empty:
            raise AssertionError("the worker did not answer") from None
        assert line, f"the worker died (exit {self.process.poll()})"
        return json.loads(line)

    def send(self, payload: dict) -> dict:
        self.process.stdin.write(json.dumps(payload, ensure_ascii=False) + "\n")
        self.process.stdin.flush()
        answer = self._answer()
        assert answer["accepted"], answer
        return answer

    def kill(self) -> None:
        """SIGKILL: no handler, no cleanup, no flush, like a power cut for the process."""
        self.process.send_signal(signal.SIGKILL)
        assert self.process.wait(timeout=ANSWER_TIMEOUT_S) == -signal.SIGKILL
        self._reader.join(timeout=ANSWER_TIMEOUT_S)  # it ends at the end of the output
        self.process.stdin.close()
        self.process.stdout.close()
        self._log.close()

    def stop(self) -> None:
        if self.process.poll() is None:
            self.kill()


@pytest.fixture
def workers(tmp_path):
    started: list[Worker] = []

    def start() -> Worker:
        started.append(Worker(tmp_path / "data", tmp_path / "worker.log"))
        return started[-1]

    yield start
    for worker in started:
        worker.stop()


def run_then_kill(start, commands: list[dict]) -> tuple[list[dict], list[dict], int]:
    """Start a worker, send the commands, kill it right after the last acknowledgement
    while its timer runs. Returns the commands, their acknowledgements and the kill time."""
    worker = start()
    acks = [worker.send(payload) for payload in commands]
    worker.kill()
    killed_at_ms = time.time_ns() // 1_000_000
    last = acks[-1]
    assert last["deadline_ms"] is not None, "the timer should be running at the kill"
    assert last["deadline_ms"] > killed_at_ms, "the kill should come before the deadline"
    return commands, acks, killed_at_ms


def assert_restored_exactly(data_dir: Path, sent: list[dict], acks: list[dict], now_ms: int):
    store = Store(data_dir)
    try:
        service = ShowService(load_agenda(BUNDLED_AGENDA), store, clock=FakeClock(now_ms))
        state, last = service.state, acks[-1]

        assert service.warnings == []
        assert state.current_id == last["current_id"]
        assert state.timer().deadline_ms == last["deadline_ms"]
        assert state.timer().running
        assert service.view()["timer"]["status"] == "running"
        assert state.revision == last["revision"]
        assert state_to_dict(state)["timers"] == last["timers"]

        events = store.events()
        assert [(event.command, event.revision) for event in events] == [
            (payload["command"], ack["revision"]) for payload, ack in zip(sent, acks, strict=True)
        ]
        assert [event.revision for event in events] == list(range(1, len(sent) + 1))
        assert {event.source for event in events} == {"crash-worker"}
    finally:
        store.close()


def test_a_killed_show_comes_back_exactly_as_acknowledged_twice_over(tmp_path, workers):
    data_dir = tmp_path / "data"

    # First evening: the first item on, started, half a minute added; then the kill.
    first, first_acks, killed_at = run_then_kill(
        workers,
        [
            {"command": "next"},
            {"command": "start"},
            {"command": "adjust", "seconds": 30},
        ],
    )
    assert first_acks[-1]["current_id"] == "van-nghe-chao-mung"
    assert_restored_exactly(data_dir, first, first_acks, killed_at)

    # Back up on the same folder, carry on, and kill again mid-item.
    second, second_acks, killed_again_at = run_then_kill(
        workers,
        [
            {"command": "pause", "revision": first_acks[-1]["revision"]},
            {"command": "adjust", "seconds": -10},
            {"command": "resume"},
            {"command": "message", "text": "Còn 2 phút", "target": "mc"},
            {"command": "next"},
            {"command": "start"},
            {"command": "adjust", "seconds": 60},
        ],
    )
    assert second_acks[0]["revision"] == first_acks[-1]["revision"] + 1
    assert second_acks[-1]["current_id"] == "tuyen-bo-ly-do"
    assert_restored_exactly(data_dir, first + second, first_acks + second_acks, killed_again_at)


def test_a_worker_restarted_after_a_kill_starts_from_the_acknowledged_revision(tmp_path, workers):
    _, acks, _ = run_then_kill(workers, [{"command": "start"}, {"command": "adjust", "seconds": 5}])
    again = workers()
    assert again.ready["revision"] == acks[-1]["revision"]
    assert again.ready["current_id"] == acks[-1]["current_id"]
    assert again.ready["deadline_ms"] == acks[-1]["deadline_ms"]


def test_a_server_started_fresh_begins_from_the_top_and_keeps_the_old_show(tmp_path):
    """After a rehearsal, `runshow serve --fresh` archives the saved show."""
    from tests.conftest import start_server, stop_server

    data = tmp_path / "data"
    rehearsal = start_server(data, tmp_path / "rehearsal.log")
    rehearsal.command("next")
    rehearsal.command("start")
    stop_server(rehearsal)

    resumed = start_server(data, tmp_path / "resumed.log")
    assert resumed.state()["revision"] == 2
    stop_server(resumed)
    assert "Tiếp tục chương trình đã lưu (phiên bản 2)" in resumed.log()

    show_day = start_server(data, tmp_path / "show-day.log", extra_args=("--fresh",))
    try:
        assert show_day.state()["revision"] == 0
        assert show_day.state()["banner"] is True
        assert "Đã cất trạng thái cũ" in show_day.log()
    finally:
        stop_server(show_day)
    archived = list((data / "archive").glob("runshow-*.sqlite3"))
    assert len(archived) == 1
    with sqlite3.connect(archived[0]) as old_show:
        logged = old_show.execute("SELECT command FROM events ORDER BY seq").fetchall()
    assert logged == [("next",), ("start",)], "the rehearsal's log is kept, not lost"
