"""Several rooms in one Runshow (issue 21): each room's state, commands, screens,
storage and keys are its own."""

from __future__ import annotations

import contextlib
import os
import signal
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
import socketio

from runshow import bundled
from runshow.rooms import RoomsError, plan_rooms
from tests.conftest import CONTROL_KEY, FakeClock, running_app, start_server, stop_server

EXAMPLES = bundled("agenda.json").parent / "docs" / "rooms-example"
ROOM_A = EXAMPLES / "hoi-truong-a.json"
ROOM_B = EXAMPLES / "phong-b.json"
ROOMS = ("hoi-truong-a", "phong-b")


# --------------------------------------------------------------------------- #
# Which file is which room.


def test_two_files_that_would_be_the_same_room_are_refused_naming_both(tmp_path: Path):
    (tmp_path / "x").mkdir()
    with pytest.raises(RoomsError) as refused:
        plan_rooms([ROOM_A, tmp_path / "x" / "hoi-truong-a.json"])
    assert str(ROOM_A) in str(refused.value)
    assert str(tmp_path / "x" / "hoi-truong-a.json") in str(refused.value)


def test_a_room_id_that_is_not_a_url_slug_is_refused():
    with pytest.raises(RoomsError, match="Phòng B"):
        plan_rooms([ROOM_A, Path("Phòng B.json")])
    assert [room.id for room in plan_rooms([ROOM_A, ROOM_B])] == list(ROOMS)


# --------------------------------------------------------------------------- #
# Two rooms in one app (threaded, the fake clock).


@pytest.fixture
def rooms_app(tmp_path: Path, clock: FakeClock):
    with running_app(tmp_path / "data", clock, RUNSHOW_ROOMS=[str(ROOM_A), str(ROOM_B)]) as app:
        yield app


def bearer(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


def operator_key(app, room: str) -> str:
    return app.extensions["runshow"].show_access.operator_keys[room].value


def test_each_room_has_its_own_state_store_and_keys(rooms_app, tmp_path: Path):
    client = rooms_app.test_client()
    listed = client.get("/api/rooms").get_json()["rooms"]
    assert [room["id"] for room in listed] == list(ROOMS)
    assert listed[1]["title"].startswith("Phòng B")
    answer = client.post(
        "/api/rooms/hoi-truong-a/command", json={"command": "start"}, headers=bearer(CONTROL_KEY)
    )
    assert answer.status_code == 200, answer.get_json()
    assert client.get("/api/rooms/hoi-truong-a/state").get_json()["revision"] == 1
    assert client.get("/api/rooms/phong-b/state").get_json()["revision"] == 0
    data = tmp_path / "data"
    for room in ROOMS:
        assert (data / "rooms" / room / "runshow.sqlite3").is_file()
        assert (data / "rooms" / room / "operator-key").is_file()
        assert (data / "rooms" / room / "mc-token").is_file()
    assert not (data / "runshow.sqlite3").exists()  # nothing stands for "the show"
    shows = {room.id: room for room in rooms_app.extensions["runshow"].rooms.values()}
    assert [e.command for e in shows["hoi-truong-a"].service.store.events()] == ["start"]
    assert shows["hoi-truong-a"].service.store.events()[0].source == "http:producer"
    assert shows["phong-b"].service.store.events() == []


def test_without_a_room_commands_are_refused_listing_the_rooms_and_pages_offer_them(rooms_app):
    client = rooms_app.test_client()
    refused = client.post("/api/command", json={"command": "start"}, headers=bearer(CONTROL_KEY))
    assert refused.status_code == 409
    body = refused.get_json()
    assert body["code"] == "room_needed" and "hoi-truong-a" in body["error"]
    assert [room["id"] for room in body["rooms"]] == list(ROOMS)
    chooser = client.get("/stage").get_data(as_text=True)
    assert 'href="/r/hoi-truong-a/stage"' in chooser and 'href="/r/phong-b/stage"' in chooser
    home = client.get("/").get_data(as_text=True)
    assert "/r/phong-b/speaker" in home and "<svg" in home  # links and QR codes
    assert 'data-room="phong-b"' in client.get("/r/phong-b/stage").get_data(as_text=True)


def test_an_unknown_room_is_a_404_in_words(rooms_app):
    client = rooms_app.test_client()
    missing = client.get("/api/rooms/phong-z/state")
    assert missing.status_code == 404
    assert (
        "Không có phòng 'phong-z' trên máy chủ này. Các phòng: hoi-truong-a, phong-b."
        in missing.get_json()["error"]
    )
    assert client.get("/r/phong-z/stage").status_code == 404


def test_a_command_reaches_only_its_own_rooms_screens(rooms_app):
    socketio_ = rooms_app.extensions["socketio"]
    screens = {
        room: socketio_.test_client(
            rooms_app, namespace="/live", query_string=f"role=stage&room={room}"
        )
        for room in ROOMS
    }
    try:
        for screen in screens.values():
            screen.get_received("/live")
        client = rooms_app.test_client()
        client.post(
            "/api/rooms/phong-b/command", json={"command": "start"}, headers=bearer(CONTROL_KEY)
        )
        heard = {room: [e["name"] for e in s.get_received("/live")] for room, s in screens.items()}
        assert "state" in heard["phong-b"]
        assert heard["hoi-truong-a"] == []
    finally:
        for screen in screens.values():
            screen.disconnect(namespace="/live")


def test_a_screen_asking_for_an_unknown_room_is_refused(rooms_app):
    screen = rooms_app.extensions["socketio"].test_client(
        rooms_app, namespace="/live", query_string="role=stage&room=phong-z"
    )
    assert not screen.is_connected("/live")


def test_a_storage_fault_in_one_room_refuses_that_rooms_commands_only(rooms_app):
    from tests.reliability.damage import fill_the_database

    rooms = rooms_app.extensions["runshow"].rooms
    client = rooms_app.test_client()

    def adjust(room: str):
        return client.post(
            f"/api/rooms/{room}/command",
            json={"command": "adjust", "seconds": 1},
            headers=bearer(CONTROL_KEY),
        )

    for room in ROOMS:
        client.post(
            f"/api/rooms/{room}/command", json={"command": "start"}, headers=bearer(CONTROL_KEY)
        )
    fill_the_database(rooms["hoi-truong-a"].service.store)
    answers = [adjust("hoi-truong-a") for _ in range(500)]
    refused = next(answer for answer in answers if answer.status_code != 200)
    assert refused.status_code == 503 and refused.get_json()["code"] == "storage_error"
    assert adjust("phong-b").status_code == 200


def test_every_room_shares_one_phase_ticker_and_one_schedule_ticker(rooms_app):
    from tests.conftest import runshow_threads

    socketio_ = rooms_app.extensions["socketio"]
    producer = rooms_app.test_client()
    producer.post("/login", data={"key": CONTROL_KEY})
    clients = [
        (
            socketio_.test_client(
                rooms_app,
                namespace=namespace,
                query_string=f"room={room}",
                flask_test_client=producer,
            ),
            namespace,
        )
        for room in ROOMS
        for namespace in ("/live", "/control")
    ]
    names = sorted(thread.name for thread in runshow_threads())
    assert names == ["runshow: phase ticker", "runshow: schedule ticker"]
    for client, namespace in clients:
        assert client.is_connected(namespace)
        client.disconnect(namespace=namespace)


def test_each_room_has_its_own_mc_token(rooms_app):
    rooms = rooms_app.extensions["runshow"].rooms
    token_b = rooms["phong-b"].access.mc_token
    assert token_b != rooms["hoi-truong-a"].access.mc_token
    client = rooms_app.test_client()
    own = client.get(f"/r/phong-b/mc?token={token_b}").get_data(as_text=True)
    other = client.get(f"/r/hoi-truong-a/mc?token={token_b}").get_data(as_text=True)
    assert 'id="mc-public-note"' not in own
    assert 'id="mc-public-note"' in other  # room B's token is no MC link in room A
    socketio_ = rooms_app.extensions["socketio"]
    tablet = socketio_.test_client(
        rooms_app,
        namespace="/live",
        query_string="role=mc&room=hoi-truong-a",
        auth={"token": token_b},
    )
    rooms["hoi-truong-a"].service.dispatch(
        {"command": "message", "text": "Riêng MC", "target": "mc"}, "test"
    )
    states = [e["args"][0] for e in tablet.get_received("/live") if e["name"] == "state"]
    assert "Riêng MC" not in str(states[-1])
    tablet.disconnect(namespace="/live")


# --------------------------------------------------------------------------- #
# Who may control what.


def test_a_room_operator_key_controls_its_room_only_over_http(rooms_app):
    client = rooms_app.test_client()
    key_b = operator_key(rooms_app, "phong-b")
    elsewhere = client.post(
        "/api/rooms/hoi-truong-a/command", json={"command": "start"}, headers=bearer(key_b)
    )
    assert elsewhere.status_code == 403
    assert "phòng khác" in elsewhere.get_json()["error"]
    own = client.post(
        "/api/rooms/phong-b/command", json={"command": "start"}, headers=bearer(key_b)
    )
    assert own.status_code == 200
    room_b = rooms_app.extensions["runshow"].rooms["phong-b"]
    assert room_b.service.store.events()[-1].source == "http:operator"
    assert client.get("/api/rooms/hoi-truong-a/state").get_json()["revision"] == 0


def test_a_room_operator_logging_in_lands_on_its_rooms_console(rooms_app):
    operator = rooms_app.test_client()
    landed = operator.post("/login", data={"key": operator_key(rooms_app, "phong-b")})
    assert landed.headers["Location"] == "/r/phong-b/control"


def test_a_room_operator_session_controls_its_room_only_on_the_socket(rooms_app):
    operator = rooms_app.test_client()
    login = operator.post(
        "/login", data={"key": operator_key(rooms_app, "phong-b"), "next": "/r/phong-b/control"}
    )
    assert login.status_code == 302
    page = operator.get("/r/phong-b/control")
    token_b = rooms_app.extensions["runshow"].rooms["phong-b"].access.mc_token
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and f"/r/phong-b/mc?token={token_b}" in html
    assert 'href="/api/rooms/phong-b/agenda.json"' in html
    edited = operator.get("/api/rooms/phong-b/agenda.json").get_json()
    assert edited["event"]["title"].startswith("Phòng B")
    assert operator.get("/r/hoi-truong-a/control").status_code == 403
    assert operator.get("/overview").status_code == 403
    socketio_ = rooms_app.extensions["socketio"]

    def console(room: str, query: str = ""):
        return socketio_.test_client(
            rooms_app,
            namespace="/control",
            query_string=f"room={room}{query}",
            flask_test_client=operator,
        )

    assert not console("hoi-truong-a").is_connected("/control")
    assert not console("phong-b", "&overview=1").is_connected("/control")
    own = console("phong-b")
    assert own.is_connected("/control")
    answer = own.emit("command", {"command": "start"}, namespace="/control", callback=True)
    assert answer["ok"], answer
    assert not own.emit(
        "rooms_command",
        {"rooms": "all", "command": {"command": "blackout", "on": True}},
        namespace="/control",
        callback=True,
    )["ok"]
    own.disconnect(namespace="/control")
    rooms = rooms_app.extensions["runshow"].rooms
    assert rooms["phong-b"].service.store.events()[-1].source == "console:operator"
    assert rooms["hoi-truong-a"].service.state.revision == 0


def test_the_producer_opens_every_room_and_sends_to_every_room_at_once(rooms_app):
    producer = rooms_app.test_client()
    producer.post("/login", data={"key": CONTROL_KEY, "next": "/overview"})
    for room in ROOMS:
        assert producer.get(f"/r/{room}/control").status_code == 200
    report_b = producer.get("/r/phong-b/report").get_data(as_text=True)
    assert (
        "Phòng B — Hội thảo chuyên đề" in report_b and 'href="/r/phong-b/report.xlsx"' in report_b
    )
    assert "Văn nghệ chào mừng" not in producer.get("/r/phong-b/print").get_data(as_text=True)
    assert "Văn nghệ chào mừng" in producer.get("/r/hoi-truong-a/print").get_data(as_text=True)
    overview = rooms_app.extensions["socketio"].test_client(
        rooms_app, namespace="/control", query_string="overview=1", flask_test_client=producer
    )
    tiles = [e for e in overview.get_received("/control") if e["name"] == "overview"]
    assert [tile["id"] for tile in tiles[0]["args"][0]] == list(ROOMS)
    message = {
        "command": "message",
        "text": "Phiên toàn thể tiếp tục sau 5 phút",
        "target": "stage",
    }
    answer = overview.emit(
        "rooms_command", {"rooms": "all", "command": message}, namespace="/control", callback=True
    )
    assert answer["ok"] and set(answer["rooms"]) == set(ROOMS)
    for wrong in (["phong-z"], [{"id": 1}], ["*"], [], "phong-b", None):
        refused = overview.emit(
            "rooms_command",
            {"rooms": wrong, "command": message},
            namespace="/control",
            callback=True,
        )
        assert refused == {"ok": False, "code": "invalid", "error": "Không có phòng nào như vậy."}
    for room in rooms_app.extensions["runshow"].rooms.values():
        assert room.service.state.stage_message == message["text"]
        assert room.service.store.events()[-1].source == "overview:producer"
    overview.disconnect(namespace="/control")


# --------------------------------------------------------------------------- #
# One real `runshow serve` process with two agendas.


@contextlib.contextmanager
def two_rooms_server(data: Path, log: Path) -> Iterator:
    server = start_server(
        data, log, ROOM_A, extra_args=("--agenda", str(ROOM_B)), ready_path="/api/rooms"
    )
    try:
        yield server
    finally:
        if server.process.poll() is None:
            stop_server(server)


def command(url: str, room: str, body: dict) -> dict:
    response = requests.post(
        f"{url}/api/rooms/{room}/command", json=body, headers=bearer(CONTROL_KEY), timeout=10
    )
    assert response.status_code == 200, response.text
    return response.json()


def revision(url: str, room: str) -> int:
    return requests.get(f"{url}/api/rooms/{room}/state", timeout=10).json()["revision"]


def screen(url: str, room: str) -> tuple[socketio.Client, list[dict]]:
    """A real stage screen of `room`, and the states it hears."""
    states: list[dict] = []
    heard = threading.Event()
    client = socketio.Client(reconnection=False)

    @client.on("state", namespace="/live")
    def on_state(payload):
        states.append(payload)
        heard.set()

    client.connect(
        f"{url}?role=stage&room={room}",
        namespaces=["/live"],
        transports=["websocket"],
        wait_timeout=10,
    )
    assert heard.wait(10)
    return client, states


def test_two_rooms_in_one_process_keep_to_themselves_and_come_back_after_kill_9(tmp_path: Path):
    data = tmp_path / "data"
    with two_rooms_server(data, tmp_path / "server.log") as server:
        banner = server.log()
        assert "Phòng hoi-truong-a" in banner and "Phòng phong-b" in banner
        stage_a, states_a = screen(server.url, "hoi-truong-a")
        stage_b, states_b = screen(server.url, "phong-b")
        try:
            for body in ({"command": "start"}, {"command": "next"}, {"command": "start"}):
                command(server.url, "hoi-truong-a", body)
            command(server.url, "phong-b", {"command": "blackout", "on": True})
            deadline_b = command(server.url, "phong-b", {"command": "start"})["revision"]
            # The last state each screen hears is its own room's last command's.
            assert wait_for(lambda: states_a and states_a[-1]["revision"] == 3)
            assert wait_for(lambda: states_b and states_b[-1]["revision"] == deadline_b == 2)
            assert all(state["revision"] <= 2 for state in states_b)
            assert {state["blackout"] for state in states_a} == {False}
        finally:
            stage_a.disconnect()
            stage_b.disconnect()
        os.kill(server.process.pid, signal.SIGKILL)
        server.process.wait()
    assert (data / "rooms" / "hoi-truong-a" / "runshow.sqlite3").is_file()
    with two_rooms_server(data, tmp_path / "again.log") as again:
        assert revision(again.url, "hoi-truong-a") == 3
        assert revision(again.url, "phong-b") == 2
        state_b = requests.get(f"{again.url}/api/rooms/phong-b/state", timeout=10).json()
        assert state_b["blackout"] is True
        assert "Traceback" not in again.log()


def wait_for(condition, within_s: float = 10.0) -> bool:
    """Until `condition()` holds (a state on its way over the network), or `within_s`."""
    done = threading.Event()
    for _ in range(int(within_s * 20)):
        if condition():
            return True
        done.wait(0.05)
    return bool(condition())


# --------------------------------------------------------------------------- #
# Delegates across rooms, and the combined report.


def test_the_programme_shows_what_is_on_in_every_room_and_each_rooms_own(rooms_app):
    client = rooms_app.test_client()
    client.post(
        "/api/rooms/phong-b/command", json={"command": "start"}, headers=bearer(CONTROL_KEY)
    )
    every = client.get("/programme").get_data(as_text=True)
    assert "Đang diễn ra:</strong> Tuyên bố lý do, giới thiệu đại biểu dự hội thảo" in every
    assert "<strong>Chưa bắt đầu</strong> · bắt đầu 08:00, ngày 28/07/2023" in every  # the hall
    assert 'href="/r/hoi-truong-a/programme"' in every and "Văn nghệ chào mừng" in every
    own = client.get("/r/phong-b/programme").get_data(as_text=True)
    assert 'data-room="phong-b"' in own and "Văn nghệ chào mừng" not in own


def test_the_combined_report_has_a_summary_and_a_sheet_per_room(rooms_app):
    from io import BytesIO

    from openpyxl import load_workbook

    producer = rooms_app.test_client()
    producer.post("/login", data={"key": CONTROL_KEY})
    workbook = load_workbook(BytesIO(producer.get("/report.xlsx").data))
    assert workbook.sheetnames == ["Tổng hợp", *ROOMS]
    summary = [row for row in workbook["Tổng hợp"].iter_rows(values_only=True)]
    assert [row[0] for row in summary[1:]] == list(ROOMS)
    assert workbook["phong-b"]["A2"].value.startswith("Phòng B")
    operator = rooms_app.test_client()
    operator.post("/login", data={"key": operator_key(rooms_app, "phong-b")})
    assert operator.get("/report.xlsx").status_code == 403
    assert operator.get("/r/phong-b/report.xlsx").status_code == 200


def test_a_rehearsal_moves_every_room_by_the_same_amount(tmp_path: Path, clock: FakeClock):
    """The first room opens at the rehearsal's start; the afternoon workshop stays 5 h 30
    after the plenary, as planned."""
    rooms = [str(ROOM_A), str(ROOM_B)]
    settings = {"RUNSHOW_ROOMS": rooms, "RUNSHOW_REHEARSAL_START_MS": clock.now}
    with running_app(tmp_path / "data", clock, **settings) as app:
        shows = app.extensions["runshow"].rooms
        assert shows["hoi-truong-a"].agenda.start_ms == clock.now
        assert shows["phong-b"].agenda.start_ms == clock.now + 5 * 3_600_000 + 30 * 60_000
        assert all(room.agenda.rehearsal for room in shows.values())


def test_with_one_agenda_the_data_layout_and_addresses_stay_as_they_were(app, technician, tmp_path):
    data = tmp_path / "data"
    assert (data / "runshow.sqlite3").is_file() and (data / "mc-token").is_file()
    assert not (data / "rooms").exists() and not (data / "operator-key").exists()
    assert app.test_client().get("/api/state").get_json()["revision"] == 0
    assert [room["id"] for room in app.test_client().get("/api/rooms").get_json()["rooms"]] == [
        "main"
    ]
    assert 'data-room="' not in app.test_client().get("/stage").get_data(as_text=True)
    overview = technician.get("/overview")
    assert overview.status_code == 200 and 'id="tiles-data"' in overview.get_data(as_text=True)


def test_serve_refuses_two_files_of_one_room_naming_both(tmp_path: Path):
    import subprocess
    import sys

    twin = tmp_path / "khac" / "phong-b.json"
    twin.parent.mkdir()
    twin.write_bytes(ROOM_B.read_bytes())
    arguments = ["--agenda", str(ROOM_B), "--agenda", str(twin), "--data-dir", str(tmp_path / "d")]
    refused = subprocess.run(
        [sys.executable, "-m", "runshow", "serve", "--port", "0", *arguments],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert refused.returncode == 1
    assert f"hai tệp cùng thành phòng «phong-b»: {ROOM_B} và {twin}" in refused.stderr


def test_the_prompters_follow_their_own_rooms_scrolling_only(rooms_app):
    socketio_ = rooms_app.extensions["socketio"]
    rooms = rooms_app.extensions["runshow"].rooms

    def tablet(room: str, role: str):
        token = rooms[room].access.mc_token
        return socketio_.test_client(
            rooms_app,
            namespace="/live",
            query_string=f"role={role}&room={room}",
            auth={"token": token},
        )

    prompters = {room: tablet(room, "prompter") for room in ROOMS}
    mc_b = tablet("phong-b", "mc")
    for prompter in prompters.values():
        prompter.get_received("/live")
    position = {"item_id": "tuyen-bo-ly-do", "ratio": 0.5}
    assert mc_b.emit("prompter_scroll", position, namespace="/live", callback=True)["ok"]
    heard = {
        room: [e["name"] for e in prompter.get_received("/live")]
        for room, prompter in prompters.items()
    }
    assert heard == {"hoi-truong-a": [], "phong-b": ["prompter_scroll"]}
    for client in (*prompters.values(), mc_b):
        client.disconnect(namespace="/live")
