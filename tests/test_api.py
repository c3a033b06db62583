"""The HTTP API for Companion, Stream Deck, curl and scripts (docs/api.md)."""

from __future__ import annotations

import pytest

from tests.conftest import CONTROL_KEY

AUTH = {"Authorization": f"Bearer {CONTROL_KEY}"}


def command(client, body, headers=AUTH):
    return client.post("/api/command", json=body, headers=headers)


def test_state_is_public_and_has_the_documented_fields(client, clock):
    state = client.get("/api/state").get_json()
    assert isinstance(state["revision"], int)
    assert state["server_time_ms"] == clock.now
    assert state["current"] is None
    assert state["timer"] is None
    assert state["message"] == {"stage": None}
    assert state["blackout"] is False
    assert set(state["schedule"]) == {"planned_end_ms", "projected_end_ms", "offset_ms"}


def test_a_running_timer_is_reported_with_its_deadline(client, clock):
    command(client, {"command": "start"})
    clock.advance(90)
    state = client.get("/api/state").get_json()
    assert state["current"]["id"] == "van-nghe-chao-mung"
    assert state["current"]["title"] == "Văn nghệ chào mừng"
    timer = state["timer"]
    assert timer["phase"] == "normal"
    assert timer["remaining_ms"] == 10 * 60_000 - 90_000
    assert timer["deadline_ms"] == clock.now - 90_000 + 10 * 60_000


def test_commands_need_the_control_key(client):
    assert command(client, {"command": "next"}, headers={}).status_code == 401
    wrong = command(client, {"command": "next"}, headers={"Authorization": "Bearer nope"})
    assert wrong.status_code == 401
    assert wrong.get_json()["code"] == "unauthorized"
    assert client.get("/api/state").get_json()["revision"] == 0


def test_malformed_json_is_a_400_with_the_place(client):
    response = client.post(
        "/api/command",
        data='{"command": "next",',
        headers=AUTH | {"Content-Type": "application/json"},
    )
    assert response.status_code == 400
    assert "dòng 1" in response.get_json()["error"]


@pytest.mark.parametrize(
    ("body", "place"),
    [
        ({"command": "dance"}, "command"),
        ({}, "command"),
        ({"command": "adjust"}, "seconds"),
        ({"command": "adjust", "seconds": 1.5}, "seconds"),
        ({"command": "message", "text": ""}, "text"),
        ({"command": "message", "text": "Hi", "target": "everyone"}, "target"),
        ({"command": "blackout", "on": "yes"}, "on"),
        ({"command": "next", "force": True}, "force"),
        ({"command": "next", "revision": -1}, "revision"),
    ],
)
def test_bad_arguments_are_a_400_naming_the_place(client, body, place):
    response = command(client, body)
    assert response.status_code == 400
    payload = response.get_json()
    assert payload["code"] == "invalid"
    assert place in {problem["place"] for problem in payload["problems"]}
    assert client.get("/api/state").get_json()["revision"] == 0


def test_a_body_that_is_not_an_object_is_a_400(client):
    assert command(client, ["next"]).status_code == 400


def test_a_stale_revision_is_a_409(client):
    assert command(client, {"command": "next", "revision": 0}).status_code == 200
    stale = command(client, {"command": "next", "revision": 0})
    assert stale.status_code == 409
    assert stale.get_json()["code"] == "stale_revision"


def test_a_command_impossible_now_is_a_409_with_the_reason(client):
    response = command(client, {"command": "pause"})
    assert response.status_code == 409
    assert "Chưa có mục nào" in response.get_json()["error"]


def test_one_command_of_each_kind(client, clock):
    """Every command the engine knows, through the API, in a plausible order."""
    steps = [
        ({"command": "next"}, lambda s: s["current"]["id"] == "van-nghe-chao-mung"),
        ({"command": "start"}, lambda s: s["timer"]["running"]),
        ({"command": "adjust", "seconds": 60}, lambda s: s["timer"]["adjust_ms"] == 60_000),
        ({"command": "pause"}, lambda s: s["timer"]["status"] == "paused"),
        ({"command": "resume"}, lambda s: s["timer"]["status"] == "running"),
        ({"command": "reset"}, lambda s: s["timer"]["remaining_ms"] == 600_000),
        (
            {"command": "goto", "item_id": "tham-luan-ha-noi"},
            lambda s: s["current"]["id"] == "tham-luan-ha-noi",
        ),
        ({"command": "previous"}, lambda s: s["current"]["id"] == "thong-qua-quy-che"),
        (
            {"command": "message", "text": "Còn 2 phút", "target": "both"},
            lambda s: s["message"] == {"speaker": None, "stage": "Còn 2 phút", "mc": "Còn 2 phút"},
        ),
        (
            {"command": "clear_message", "target": "stage"},
            lambda s: s["message"] == {"speaker": None, "stage": None, "mc": "Còn 2 phút"},
        ),
        ({"command": "blackout", "on": True}, lambda s: s["blackout"] is True),
        ({"command": "blackout", "on": False}, lambda s: s["blackout"] is False),
        ({"command": "banner"}, lambda s: s["banner"] is True and s["current"] is not None),
        ({"command": "banner", "on": False}, lambda s: s["display"] == "item"),
        ({"command": "undo"}, lambda s: s["banner"] is True and s["redo"] == "Tắt băng rôn"),
        ({"command": "redo"}, lambda s: s["banner"] is False),
    ]
    for revision, (body, check) in enumerate(steps, start=1):
        clock.advance(5)
        response = command(client, body)
        assert response.status_code == 200, (body, response.get_json())
        payload = response.get_json()
        assert payload["revision"] == revision
        assert check(payload["state"]), body
        public = client.get("/api/state").get_json()
        # The answer carries the console's state: the public one, both messages, the schedule.
        answer = payload["state"]
        assert answer == public | {"message": answer["message"], "schedule": answer["schedule"]}
        assert {key: answer["schedule"][key] for key in public["schedule"]} == public["schedule"]
        assert "mc" not in public["message"], "the MC's messages are not public"


def test_api_commands_reach_the_screens(client, sockets):
    stage = sockets.connect("/live", role="stage")
    stage.get_received("/live")
    command(client, {"command": "message", "text": "Xin mời kết thúc phần trình bày"})
    states = [e["args"][0] for e in stage.get_received("/live") if e["name"] == "state"]
    assert states[-1]["message"]["stage"] == "Xin mời kết thúc phần trình bày"


def test_programme_is_public(client):
    programme = client.get("/api/programme").get_json()
    assert [item["id"] for item in programme["items"]][5:10] == [
        "tham-luan-ha-noi",
        "tham-luan-ho-chi-minh",
        "tham-luan-da-nang",
        "tham-luan-hai-phong",
        "tham-luan-can-tho",
    ]
    assert "tech_notes" not in programme["items"][0]


def test_the_public_programme_tells_neither_the_mcs_words_nor_who_came(client, app):
    """Who of the officials came is not for every phone on the venue's Wi-Fi."""
    from runshow.web.extension import current_show

    with app.app_context():
        token = current_show().access.mc_token
    public = client.get("/api/programme").get_json()
    assert public["delegates"] == [] and public["introduction"] == []
    assert all("mc_script" not in item for item in public["items"])
    mc = client.get(f"/api/programme?token={token}").get_json()
    assert len(mc["delegates"]) == 19 and mc["introduction"]
    assert mc["items"][1]["mc_script"].startswith("Kính thưa")
    assert "tech_notes" not in mc["items"][1]
    console = client.get("/api/programme", headers=AUTH).get_json()
    assert console["items"][1]["tech_notes"] and console["items"][1]["fields"]["id"]
    wrong = client.get("/api/programme", headers={"Authorization": "Bearer nope"})
    assert wrong.status_code == 401
