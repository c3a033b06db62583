"""`GET /api/events`: the public view as Server-Sent Events (docs/api.md)."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path

import requests
from werkzeug.serving import make_server

from runshow.web import event_stream
from tests.conftest import CONTROL_KEY, running_app, start_server, stop_server
from tests.event_streams import lines_of as _lines
from tests.event_streams import next_event, parse_events

AUTH = {"Authorization": f"Bearer {CONTROL_KEY}"}


def test_a_stream_starts_with_the_picture_then_tells_each_change(client, app):
    response = client.get("/api/events", buffered=False)
    assert response.mimetype == "text/event-stream"
    events = parse_events(_lines(response.response))
    assert next_event(events, "programme")["data"]["items"]
    first = next_event(events, "state")
    assert first["data"]["revision"] == 0
    assert "mc" not in first["data"]["message"]  # the public view

    assert client.post("/api/command", json={"command": "start"}, headers=AUTH).status_code == 200
    started = next_event(events, "state")
    assert started["data"]["revision"] == 1
    assert started["data"]["current"]["id"] == "van-nghe-chao-mung"
    response.close()

    # A client reconnecting with the id it last saw gets what it missed, nothing before.
    client.post("/api/command", json={"command": "pause"}, headers=AUTH)
    resumed = client.get("/api/events", headers={"Last-Event-ID": started["id"]}, buffered=False)
    missed = parse_events(_lines(resumed.response))
    paused = next(missed)
    assert paused["event"] == "state"
    assert paused["data"]["revision"] == 2
    assert paused["data"]["timer"]["status"] == "paused"
    resumed.close()

    # An id from another run of the server: the whole picture again.
    stranger = client.get("/api/events", headers={"Last-Event-ID": "0000.5"}, buffered=False)
    assert next(parse_events(_lines(stranger.response)))["event"] == "programme"
    stranger.close()


def test_an_unknown_room_is_refused(client):
    response = client.get("/api/events?room=hall-b")
    assert response.status_code == 404
    assert "hall-b" in response.get_json()["error"]
    assert client.get("/api/events?room=main", buffered=False).status_code == 200


def test_an_open_stream_ends_when_the_server_stops(tmp_path: Path, clock):
    """However long its heartbeat, a waiting stream returns at once on stop."""
    with running_app(tmp_path / "data", clock, RUNSHOW_EVENTS_HEARTBEAT_S=600) as app:
        response = app.test_client().get("/api/events", buffered=False)
        chunks = iter(response.response)
        next(chunks)  # the stream is open
        reader = threading.Thread(target=lambda: list(chunks), name="test: stream reader")
        reader.start()
        app.extensions["runshow"].stop()
        reader.join(timeout=5)
        assert not reader.is_alive()


def test_a_real_client_reads_a_command_on_the_eventlet_server(tmp_path: Path):
    server = start_server(tmp_path / "data", tmp_path / "server.log")
    try:
        with requests.get(f"{server.url}/api/events", stream=True, timeout=(5, 10)) as stream:
            events = parse_events(stream.iter_lines(chunk_size=None, decode_unicode=True))
            before = next_event(events, "state")
            server.command("start")
            after = next_event(events, "state")
            assert after["data"]["revision"] == before["data"]["revision"] + 1
            assert after["data"]["timer"]["status"] == "running"
            server.command("adjust", seconds=-3600)  # into overtime: a phase event too
            assert next_event(events, "phase")["data"]["phase"] == "overtime"
        server.command("pause")
        headers = {"Last-Event-ID": after["id"]}
        with requests.get(
            f"{server.url}/api/events", headers=headers, stream=True, timeout=(5, 10)
        ) as resumed:
            missed = [
                event["data"]["revision"]
                for event in _take(parse_events(resumed.iter_lines(None, True)), 3)
                if event["event"] == "state"
            ]
            assert missed[-1] == after["data"]["revision"] + 2
            # A stream left open does not hold the server up when it stops.
            stop_server(server)
            assert server.process.returncode == 0
    finally:
        stop_server(server)
    assert "Traceback" not in server.log()


def _take(events: Iterator[dict], count: int) -> list[dict]:
    return [next(events) for _ in range(count)]


def test_a_client_that_goes_away_leaves_no_stream_behind(tmp_path: Path, clock):
    """On a real threaded server: the heartbeat's write fails, the request ends."""
    with running_app(tmp_path / "data", clock, RUNSHOW_EVENTS_HEARTBEAT_S=0.05) as app:
        server = make_server("127.0.0.1", 0, app, threaded=True)
        serving = threading.Thread(target=server.serve_forever, name="test: werkzeug")
        serving.start()
        streams = app.extensions["runshow"].events
        try:
            url = f"http://127.0.0.1:{server.port}/api/events"
            with requests.get(url, stream=True, timeout=(5, 10)) as response:
                events = parse_events(response.iter_lines(chunk_size=None, decode_unicode=True))
                next_event(events, "state")
                assert streams.open_streams == 1
            deadline = time.monotonic() + 10
            while streams.open_streams and time.monotonic() < deadline:
                time.sleep(0.05)  # waiting for the server to notice, not for a time
            assert streams.open_streams == 0
        finally:
            server.shutdown()
            serving.join()


def test_a_reader_left_behind_gets_the_whole_picture_again(tmp_path: Path, clock, monkeypatch):
    monkeypatch.setattr(event_stream, "HISTORY", 4)
    with running_app(tmp_path / "data", clock) as app:
        client = app.test_client()
        response = client.get("/api/events", buffered=False)
        events = parse_events(_lines(response.response))
        next_event(events, "state")
        for on in (True, False) * 5:  # ten changes while the reader does not read
            client.post("/api/command", json={"command": "blackout", "on": on}, headers=AUTH)
        assert next(events)["event"] == "programme"
        latest = next(events)
        assert (latest["event"], latest["data"]["revision"]) == ("state", 10)
        response.close()
