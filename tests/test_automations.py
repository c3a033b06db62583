"""Automations (docs/automations.md): the rules file checked like the agenda, and
rules that call real HTTP and OSC listeners on 127.0.0.1 when the show moves."""

from __future__ import annotations

import json
import queue
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from pythonosc.osc_message import OscMessage

from runshow.automations import (
    AutomationsError,
    RulesFile,
    events_between,
    fill,
    fires,
    load_rules,
)
from tests.conftest import CONTROL_KEY, running_app, start_server, stop_server
from tests.core_helpers import Show

AUTH = {"Authorization": f"Bearer {CONTROL_KEY}"}


class Listener:
    """A real HTTP server on 127.0.0.1: every request it gets, in `heard`; while
    `hold` is set, each request waits for it to be cleared (a slow device)."""

    def __init__(self) -> None:
        self.heard: queue.Queue = queue.Queue()
        self.release = threading.Event()
        self.release.set()
        heard, release = self.heard, self.release

        class Handler(BaseHTTPRequestHandler):
            def _answer(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length).decode() if length else ""
                heard.put((self.command, self.path, self.headers.get("Content-Type"), body))
                release.wait(timeout=10)
                self.send_response(204)
                self.end_headers()

            do_GET = do_POST = _answer

            def log_message(self, *_args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, name="test: listener")
        self.thread.start()

    def close(self) -> None:
        self.release.set()
        self.server.shutdown()
        self.server.server_close()
        self.thread.join()


@pytest.fixture
def listener() -> Iterator[Listener]:
    heard = Listener()
    yield heard
    heard.close()


def write_rules(path: Path, rules: list[dict]) -> Path:
    path.write_text(json.dumps({"automations": rules}, ensure_ascii=False), encoding="utf-8")
    return path


def test_a_rules_file_is_checked_with_places_and_plain_words(tmp_path: Path):
    bad = write_rules(
        tmp_path / "bad.json",
        [
            {"on": "item_start", "send": {"http": "http://10.0.0.9/"}},
            {"on": "applause", "send": {"http": "http://10.0.0.9/"}},
            {"on": "warning", "send": {"http": "http://x/", "osc": "10.0.0.9:53000"}},
            {"on": "banner", "send": {"osc": "10.0.0.9:53000"}},
        ],
    )
    with pytest.raises(AutomationsError) as raised:
        load_rules(bad)
    places = [problem.place for problem in raised.value.problems]
    assert places[0].startswith("automations[1].on")
    assert any(place.startswith("automations[2].send") for place in places)
    assert any(place.startswith("automations[3].send") for place in places)
    assert "automations[0]" not in " ".join(places)

    run = [sys.executable, "-m", "runshow", "check", "--automations"]
    checked = subprocess.run([*run, str(bad)], capture_output=True, text=True)
    assert checked.returncode == 1
    assert "automations[1].on" in checked.stderr
    assert "Traceback" not in checked.stderr
    broken = tmp_path / "broken.json"
    broken.write_text('{"automations": [}', encoding="utf-8")
    checked = subprocess.run([*run, str(broken)], capture_output=True, text=True)
    assert checked.returncode == 1 and "dòng 1" in checked.stderr
    good = write_rules(tmp_path / "good.json", [{"on": "show_end", "send": {"http": "http://a/"}}])
    checked = subprocess.run([*run, str(good)], capture_output=True, text=True)
    assert checked.returncode == 0, checked.stderr
    assert "1 quy tắc" in checked.stdout


def test_a_server_does_not_start_with_a_broken_rules_file(tmp_path: Path):
    bad = write_rules(tmp_path / "bad.json", [{"on": "item_start", "send": {}}])
    with pytest.raises(RuntimeError, match=r"automations\[0\]\.send"):
        start_server(tmp_path / "data", tmp_path / "log", extra_args=("--automations", str(bad)))


def test_automations_call_their_urls_and_osc_within_a_second(tmp_path: Path, listener: Listener):
    osc_in = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    osc_in.bind(("127.0.0.1", 0))
    osc_in.settimeout(1.0)  # the promise: within a second of the trigger
    rules = write_rules(
        tmp_path / "rules.json",
        [
            {"on": "item_start", "when": {"kind": "performance"}, "send": {"http": listener.url}},
            {"on": "item_start", "when": {"kind": "speech"}, "send": {"http": listener.url}},
            {
                "on": "blackout",
                "send": {
                    "http": listener.url + "/api/?Function=Cut&Title={{item.title}}",
                    "method": "GET",
                },
            },
            {
                "on": "overtime",
                "send": {
                    "osc": f"127.0.0.1:{osc_in.getsockname()[1]}",
                    "address": "/cue/{{item.index}}/go",
                    "args": ["{{timer.remaining_hms}}", 1],
                },
            },
        ],
    )
    server = start_server(
        tmp_path / "data", tmp_path / "server.log", extra_args=("--automations", str(rules))
    )
    try:
        server.command("start")  # the first item is a performance
        method, path, kind, body = listener.heard.get(timeout=1.0)
        assert (method, path, kind) == ("POST", "/", "application/json")
        posted = json.loads(body)
        assert posted["trigger"] == "item_start"
        assert posted["item"]["id"] == "van-nghe-chao-mung"
        assert posted["timer"]["status"] == "running"

        server.command("blackout", on=True)
        method, path, _, _ = listener.heard.get(timeout=1.0)
        assert method == "GET"
        assert path == "/api/?Function=Cut&Title=V%C4%83n%20ngh%E1%BB%87%20ch%C3%A0o%20m%E1%BB%ABng"

        server.command("adjust", seconds=-600)  # to zero: overtime, from the phase ticker
        with osc_in:
            message = OscMessage(osc_in.recvfrom(65_535)[0])
        assert message.address == "/cue/1/go"
        assert message.params[0].startswith(("00:00", "+00:0"))
        assert message.params[1] == 1
        assert listener.heard.empty()  # the speech rule did not fire for a performance
    finally:
        stop_server(server)


def test_a_slow_or_failing_device_never_holds_the_show(tmp_path: Path, clock, listener: Listener):
    rules = write_rules(
        tmp_path / "rules.json",
        [
            {"name": "chậm", "on": "message", "send": {"http": listener.url}},
            {"name": "hỏng", "on": "blackout", "send": {"http": "http://127.0.0.1:9/"}},
        ],
    )
    with running_app(tmp_path / "data", clock, RUNSHOW_AUTOMATIONS=str(rules)) as app:
        client = app.test_client()
        runner = app.extensions["runshow.automations"]
        listener.release.clear()  # the device takes its time
        say = {"command": "message", "text": "Còn 1 phút"}
        answer = client.post("/api/command", json=say, headers=AUTH)
        assert answer.status_code == 200  # answered while the device still holds the request
        assert listener.heard.get(timeout=5)[0] == "POST"
        listener.release.set()

        for on in (True, False, True, False, True):  # a dead device: 3 tries, then a rest
            client.post("/api/command", json={"command": "blackout", "on": on}, headers=AUTH)
        failing = runner.statuses[1]
        _until(lambda: failing.runs == 3 and failing.skipped == 2)
        assert failing.last_ok is False
        assert failing.resting_until_ms is not None
        assert "không kết nối được" in failing.last_result

        # The Test button sends a resting rule anyway, and says who may press it.
        assert client.post("/api/automations/1/test").status_code == 401
        assert client.post("/api/automations/0/test", headers=AUTH).get_json() == {"ok": True}
        _until(lambda: runner.statuses[0].runs == 2)
        assert runner.statuses[0].last_ok is True
        assert client.post("/api/automations/7/test", headers=AUTH).status_code == 404


def _until(condition, within_s: float = 10.0) -> None:
    """Until the runner's background loop has done what `condition` looks for."""
    deadline = time.monotonic() + within_s
    while not condition():
        assert time.monotonic() < deadline, "the automations did not run"
        time.sleep(0.02)


def test_each_state_trigger_fires_once_and_says_its_item():
    show = Show()
    first, last = show.agenda.items[0].id, show.agenda.items[-1].id

    def fired(name: str, **arguments) -> list[tuple[str, str | None]]:
        before = show.state
        show.do(name, **arguments)
        return [
            (happened["trigger"], happened["item"] and happened["item"]["id"])
            for happened in events_between(show.agenda, before, show.state, show.now)
        ]

    assert fired("start") == [("item_start", first)]
    assert fired("pause") == [("pause", first)]
    assert fired("resume") == [("resume", first)]
    assert fired("adjust", seconds=30) == []
    assert fired("message", text="Còn 1 phút") == [("message", first)]
    assert fired("blackout", on=True) == [("blackout", first)]
    assert fired("banner", on=True) == [("banner", first)]
    assert fired("banner", on=False) == [("banner", first)]  # off is news too
    assert fired("next") == [("item_end", first), ("item_start", show.agenda.items[1].id)]
    assert fired("goto", item_id=last) == [
        ("item_end", show.agenda.items[1].id),
        ("item_start", last),
    ]
    assert fired("next") == [("item_end", last), ("show_end", last)]


def test_filters_and_templates():
    rule = load_rules_from(
        {
            "on": "item_start",
            "when": {"kind": ["speech", "report"]},
            "send": {"http": "http://a/{{item.title}}"},
        }
    )
    speech = {
        "trigger": "item_start",
        "item": {"id": "a", "kind": "speech", "title": "Khai mạc & chào"},
    }
    assert fires(rule, speech)
    assert not fires(rule, speech | {"item": {"id": "a", "kind": "performance"}})
    assert not fires(rule, speech | {"trigger": "item_end"})
    assert (
        fill(rule.send.http, speech, for_url=True)
        == "http://a/Khai%20m%E1%BA%A1c%20%26%20ch%C3%A0o"
    )
    assert (
        fill("{{item.title}} · {{timer.phase}} · {{nothing.here}}", speech)
        == "Khai mạc & chào ·  · "
    )


def load_rules_from(rule: dict):
    return RulesFile.model_validate({"automations": [rule]}).automations[0]
