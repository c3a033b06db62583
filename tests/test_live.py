"""The live protocol over Socket.IO, with Flask-SocketIO's test client (docs/protocol.md)."""

from __future__ import annotations

import pytest

from runshow.web.presence import Presence
from tests.conftest import mc_auth

#: Every broadcast here on both paths: the direct one and the libraries' own.
pytestmark = pytest.mark.usefixtures("both_paths")


def events_named(sio, namespace: str, name: str) -> list:
    return [e["args"][0] for e in sio.get_received(namespace) if e["name"] == name]


def test_a_screen_gets_the_programme_and_the_state_on_connect(sockets):
    stage = sockets.connect("/live", role="stage")
    received = stage.get_received("/live")
    names = [event["name"] for event in received]
    assert names[:2] == ["programme", "state"]
    programme, state = received[0]["args"][0], received[1]["args"][0]
    assert programme["event"]["banner_lines"][1] == "HỘI NGHỊ"
    assert len(programme["items"]) == 13
    assert "tech_notes" not in programme["items"][0], "technicians' notes stay on the console"
    assert state["revision"] == 0
    assert state["banner"] is True
    assert state["current"] is None


def test_the_control_channel_refuses_a_screen_that_has_not_logged_in(sockets, client):
    anonymous = sockets.connect("/control", http_client=client)
    assert not anonymous.is_connected("/control")


def test_the_control_channel_refuses_a_wrong_key(sockets, app):
    intruder = app.test_client()
    response = intruder.post("/login", data={"key": "guess"})
    assert response.status_code == 401
    assert "không đúng" in response.get_data(as_text=True)
    sio = sockets.connect("/control", http_client=intruder)
    assert not sio.is_connected("/control")


def test_a_logged_in_technician_gets_the_programme_with_notes(sockets, technician):
    console = sockets.connect("/control", http_client=technician)
    assert console.is_connected("/control")
    programme = events_named(console, "/control", "programme")[0]
    assert programme["items"][0]["tech_notes"]


def test_a_command_is_acknowledged_with_the_new_revision(sockets, technician):
    console = sockets.connect("/control", http_client=technician)
    ack = console.emit(
        "command", {"command": "next", "revision": 0}, namespace="/control", callback=True
    )
    assert ack == {"ok": True, "revision": 1}


def test_a_refusal_comes_back_with_a_reason_and_changes_nothing(sockets, technician, app):
    console = sockets.connect("/control", http_client=technician)
    ack = console.emit("command", {"command": "pause"}, namespace="/control", callback=True)
    assert ack["ok"] is False
    assert ack["code"] == "not_possible"
    assert ack["error"]
    assert app.extensions["runshow"].service.state.revision == 0


def test_a_malformed_command_is_refused_with_the_place(sockets, technician):
    console = sockets.connect("/control", http_client=technician)
    ack = console.emit(
        "command", {"command": "adjust", "seconds": "lots"}, namespace="/control", callback=True
    )
    assert ack["code"] == "invalid"
    assert ack["problems"][0]["place"] == "seconds"


def test_a_stale_revision_is_refused(sockets, technician):
    console = sockets.connect("/control", http_client=technician)
    first = console.emit(
        "command", {"command": "next", "revision": 0}, namespace="/control", callback=True
    )
    second = console.emit(
        "command", {"command": "next", "revision": 0}, namespace="/control", callback=True
    )
    assert first["ok"] is True
    assert second["code"] == "stale_revision"


def test_a_screen_on_the_live_channel_cannot_send_commands(sockets, app):
    stage = sockets.connect("/live", role="stage")
    stage.emit("command", {"command": "next"}, namespace="/live")
    assert app.extensions["runshow"].service.state.revision == 0


def test_one_change_reaches_every_role(sockets, technician, clock):
    screens = {
        role: sockets.connect("/live", role=role, auth=mc_auth(sockets.app))
        for role in ("stage", "mc", "programme")
    }
    console = sockets.connect("/control", http_client=technician)
    for sio in (*screens.values(), console):
        sio.get_received("/control" if sio is console else "/live")

    console.emit("command", {"command": "next"}, namespace="/control", callback=True)
    clock.advance(1)
    console.emit("command", {"command": "start"}, namespace="/control", callback=True)

    for role, sio in screens.items():
        states = events_named(sio, "/live", "state")
        assert [s["revision"] for s in states] == [1, 2], role
        timer = states[-1]["timer"]
        assert states[-1]["current"]["id"] == "van-nghe-chao-mung"
        assert timer["running"] is True
        assert timer["deadline_ms"] == clock.now + 10 * 60_000
    assert [s["revision"] for s in events_named(console, "/control", "state")] == [1, 2]


def test_sync_answers_with_the_server_clock(sockets, clock):
    stage = sockets.connect("/live", role="stage")
    answer = stage.emit("sync", {"t0": 123}, namespace="/live", callback=True)
    assert answer == {"t0": 123, "server_ms": clock.now}


def test_the_console_sees_how_many_screens_are_connected(sockets, technician):
    sockets.connect("/live", role="stage")
    sockets.connect("/live", role="mc", auth=mc_auth(sockets.app))
    sockets.connect("/live", role="programme")
    console = sockets.connect("/control", http_client=technician)
    presence = events_named(console, "/control", "presence")[-1]
    assert presence == {
        "stage": 1,
        "mc": 1,
        "programme": 1,
        "control": 1,
        "speaker": 0,
        "clock": 0,
        "prompter": 0,
    }


def test_control_page_needs_login(client, technician):
    assert client.get("/control").status_code == 302
    assert "/login" in client.get("/control").headers["Location"]
    assert technician.get("/control").status_code == 200


def test_session_cookie_is_httponly_and_samesite(app):
    client = app.test_client()
    response = client.post("/login", data={"key": "test-control-key"})
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie
    assert "SameSite=Strict" in cookie


def test_failed_logins_are_throttled(app):
    client = app.test_client()
    statuses = [client.post("/login", data={"key": f"guess-{n}"}).status_code for n in range(6)]
    assert statuses[:4] == [401] * 4
    assert statuses[-1] == 429
    # Even the right key waits out the lockout.
    assert client.post("/login", data={"key": "test-control-key"}).status_code == 429


def test_login_never_redirects_to_another_site(app):
    client = app.test_client()
    response = client.post("/login", data={"key": "test-control-key", "next": "//evil.example/"})
    assert response.headers["Location"] == "/control"


def test_cross_origin_socket_handshakes_are_refused(app):
    """Same origin only: a page on another site cannot open the live channel."""
    client = app.test_client()
    response = client.get(
        "/socket.io/?EIO=4&transport=polling", headers={"Origin": "http://evil.example"}
    )
    assert response.status_code == 400


def wait_for_event(sio, namespace: str, name: str, timeout_s: float = 5.0) -> dict:
    """The next `name` event, polling the test client's queue until a deadline."""
    import time

    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        found = events_named(sio, namespace, name)
        if found:
            return found[-1]
        time.sleep(0.01)
    raise AssertionError(f"no {name!r} event within {timeout_s} s")


def test_the_mcs_messages_reach_the_mc_and_the_console_only(sockets, technician):
    screens = {
        role: sockets.connect("/live", role=role, auth=mc_auth(sockets.app))
        for role in ("stage", "mc", "programme")
    }
    console = sockets.connect("/control", http_client=technician)
    for sio in screens.values():
        sio.get_received("/live")
    console.emit(
        "command",
        {"command": "message", "text": "Mời MC", "target": "mc"},
        namespace="/control",
        callback=True,
    )
    seen = {
        role: events_named(sio, "/live", "state")[-1]["message"] for role, sio in screens.items()
    }
    assert seen["mc"]["mc"] == "Mời MC"
    assert "mc" not in seen["stage"]
    assert "mc" not in seen["programme"]
    assert events_named(console, "/control", "state")[-1]["message"]["mc"] == "Mời MC"


def test_the_console_gets_the_schedule_while_nothing_happens(sockets, technician, clock):
    console = sockets.connect("/control", http_client=technician)
    console.emit("command", {"command": "start"}, namespace="/control", callback=True)
    clock.advance(11 * 60)  # the performance runs a minute over; nobody presses anything
    console.get_received("/control")
    summary = wait_for_event(console, "/control", "schedule")
    assert summary["server_time_ms"] == clock.now
    assert summary["projected_end_ms"] == summary["planned_end_ms"] + summary["offset_ms"]
    assert summary["revision"] == 1


def test_logging_out_ends_every_console_session(sockets, technician, app):
    console = sockets.connect("/control", http_client=technician)
    other_laptop = app.test_client()
    other_laptop.post("/login", data={"key": "test-control-key"})
    assert technician.post("/logout").status_code == 302
    assert not console.is_connected("/control")
    assert other_laptop.get("/control").status_code == 302, "every session ends"
    again = sockets.connect("/control", http_client=other_laptop)
    assert not again.is_connected("/control")


def test_another_site_cannot_log_the_console_out(technician):
    response = technician.post("/logout", headers={"Origin": "http://evil.example"})
    assert response.status_code == 403
    assert technician.get("/control").status_code == 200


def test_the_home_page_only_offers_addresses_the_server_listens_on(app, client):
    app.config["RUNSHOW_HOST"] = "127.0.0.1"
    page = client.get("/", base_url="http://127.0.0.1:5000").get_data(as_text=True)
    assert "http://127.0.0.1:5000/stage" in page
    assert "http://192." not in page and "http://10." not in page


def test_an_edit_reaches_only_the_screens_whose_programme_it_changes(sockets, technician, app):
    """A delegate ticked present changes the MC's and the console's programme, not what
    the stage or the phones draw: 250 phones are not sent the same programme again."""
    phone = sockets.connect("/live")
    stage = sockets.connect("/live", role="stage")
    mc = sockets.connect("/live", role="mc", auth=mc_auth(app))
    console = sockets.connect("/control", http_client=technician)
    for screen, namespace in ((phone, "/live"), (stage, "/live"), (mc, "/live")):
        screen.get_received(namespace)
    console.get_received("/control")

    def command(payload: dict) -> None:
        ack = console.emit("command", payload, namespace="/control", callback=True)
        assert ack["ok"], ack

    def received(screen, namespace: str) -> dict[str, list]:
        by_name: dict[str, list] = {}
        for event in screen.get_received(namespace):
            by_name.setdefault(event["name"], []).append(event["args"][0])
        return by_name

    command({"command": "set_present", "delegate_id": "d3", "present": False})
    for screen in (phone, stage):
        assert list(received(screen, "/live")) == ["state"]  # no programme again
    (for_mc,) = received(mc, "/live")["programme"]
    assert all("Phạm Huy Giang" not in line for p in for_mc["introduction"] for line in p["lines"])
    (for_console,) = received(console, "/control")["programme"]
    assert for_console["delegates"][2]["present"] is False

    command({"command": "edit_item", "item_id": "tham-luan-ha-noi", "changes": {"duration": 7}})
    for screen, namespace in ((phone, "/live"), (stage, "/live"), (mc, "/live")):
        (programme,) = received(screen, namespace)["programme"]
        assert programme["items"][5]["duration_ms"] == 7 * 60_000


def test_presence_follows_screens_coming_going_and_changing_role():
    presence = Presence()
    for n in range(1000):
        presence.join(f"phone{n}", "programme")
    presence.join("led", "stage", "LED chính")
    presence.join("tablet", "mc", "Bàn MC")
    presence.join("tablet", "speaker", "Màn hình diễn giả")  # the same connection, again
    presence.leave("phone7")
    presence.leave("phone7")  # twice: nothing more to forget
    presence.leave("never-joined")

    assert presence.counts() == {
        "control": 0,
        "mc": 0,
        "stage": 1,
        "speaker": 1,
        "programme": 999,
        "clock": 0,
        "prompter": 0,
    }
    assert presence.screens() == [
        {"id": "tablet", "role": "speaker", "name": "Màn hình diễn giả"},
        {"id": "led", "role": "stage", "name": "LED chính"},
    ]
    assert presence.role_of("tablet") == "speaker" and presence.role_of("phone7") is None
    assert presence.name_of("led") == "LED chính" and presence.name_of("phone1") == ""
    assert sorted(presence.sids("stage")) == ["led"] and presence.sids("mc") == []
    presence.screens()[0]["name"] = "changed by a caller"
    assert presence.name_of("led") == "LED chính"


def test_health_says_which_path_broadcasts_take(client, both_paths):
    health = client.get("/api/health").get_json()
    assert health["ok"] is True
    assert health["fanout"] == both_paths
    assert health["version"]
