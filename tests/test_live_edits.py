"""Event-day changes as commands: edit, add, remove, move items, the event and the
delegates; validated like the agenda file, saved, undoable, kept across a restart."""

from __future__ import annotations

import json
import subprocess
import sys

from runshow.agenda import parse_agenda
from runshow.web import create_app
from runshow.web.extension import current_show
from tests.conftest import BUNDLED_AGENDA, CONTROL_KEY, app_config

AUTH = {"Authorization": f"Bearer {CONTROL_KEY}"}
HA_NOI, HCM, DA_NANG = "tham-luan-ha-noi", "tham-luan-ho-chi-minh", "tham-luan-da-nang"


def send(client, **body):
    return client.post("/api/command", json=body, headers=AUTH)


def ok(client, **body) -> dict:
    response = send(client, **body)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def programme(client) -> dict:
    return client.get("/api/programme", headers=AUTH).get_json()


def item(client, item_id: str) -> dict:
    return next(i for i in programme(client)["items"] if i["id"] == item_id)


def ids(client) -> list[str]:
    return [i["id"] for i in programme(client)["items"]]


def run_to_ha_noi(client, clock):
    ok(client, command="goto", item_id=HA_NOI)
    ok(client, command="start")
    clock.advance(60)


def test_renaming_the_presenter_of_the_speech_on_now_keeps_its_clock(client, clock):
    run_to_ha_noi(client, clock)
    deadline = client.get("/api/state").get_json()["timer"]["deadline_ms"]
    answer = ok(
        client,
        command="edit_item",
        item_id=HA_NOI,
        changes={"presenter": {"name": "Nguyễn Văn Phong", "role": "Phó Chủ tịch UBND"}},
    )
    assert "note" not in answer
    edited = item(client, HA_NOI)
    assert edited["presenter"]["name"] == "Nguyễn Văn Phong"
    assert edited["presenter"]["organisation"] == "thành phố Hà Nội"  # merged, not replaced
    state = client.get("/api/state").get_json()
    assert state["current"]["presenter_line"].startswith("Nguyễn Văn Phong — Phó Chủ tịch")
    assert state["timer"]["deadline_ms"] == deadline


def test_cutting_the_speech_on_now_moves_its_deadline_and_says_so(client, clock):
    run_to_ha_noi(client, clock)
    deadline = client.get("/api/state").get_json()["timer"]["deadline_ms"]
    answer = ok(client, command="edit_item", item_id=HA_NOI, changes={"duration": 7})
    assert answer["note"] == (
        "Đồng hồ của mục đang diễn ra được bớt 3 phút theo thời lượng mới (7 phút)."
    )
    timer = client.get("/api/state").get_json()["timer"]
    assert timer["deadline_ms"] == deadline - 3 * 60_000
    assert timer["remaining_ms"] == 6 * 60_000


def test_cutting_the_next_speech_shows_in_the_schedule_at_once(client, clock):
    run_to_ha_noi(client, clock)
    before = client.get("/api/schedule").get_json()
    ok(client, command="edit_item", item_id=HCM, changes={"duration": 7})
    after = client.get("/api/schedule").get_json()
    assert after["projected_end_ms"] == before["projected_end_ms"] - 3 * 60_000
    assert item(client, HCM)["duration_ms"] == 7 * 60_000
    ok(client, command="next")
    assert client.get("/api/state").get_json()["timer"]["remaining_ms"] == 7 * 60_000


def test_an_award_item_is_added_after_a_speech_with_an_id_and_thresholds(client):
    ok(
        client,
        command="add_item",
        after=HCM,
        item={"kind": "award", "title": "Trao Cờ thi đua", "duration": 5},
    )
    order = ids(client)
    assert order[order.index(HCM) + 1] == "trao-co-thi-dua"
    award = item(client, "trao-co-thi-dua")
    assert award["kind_label"] == "Trao thưởng"
    assert (award["warning_ms"], award["danger_ms"]) == (2 * 60_000, 60_000)


def test_an_item_added_from_the_console_form_gets_the_suggested_thresholds(client, clock):
    """The console's form sends its empty threshold fields as null: the new item must
    still turn yellow and red like one added with no timer at all."""
    console_form = {
        "title": "Trao Cờ thi đua",
        "kind": "award",
        "kind_label": None,
        "presenter": None,
        "duration": 5,
        "timer": {"mode": "countdown", "warning": None, "danger": None, "audience": None},
        "mc_script": "",
        "tech_notes": "",
    }
    ok(client, command="add_item", after=HCM, item=console_form)
    award = item(client, "trao-co-thi-dua")
    assert (award["warning_ms"], award["danger_ms"]) == (2 * 60_000, 60_000)
    ok(client, command="goto", item_id="trao-co-thi-dua")
    ok(client, command="start")
    clock.advance(5 * 60 - 30)
    assert client.get("/api/state").get_json()["timer"]["phase"] == "danger"
    # Thresholds the form does give are kept.
    console_form |= {"title": "Trao Bằng khen", "timer": {"mode": "countdown", "warning": 3}}
    ok(client, command="add_item", after=HCM, item=console_form)
    assert item(client, "trao-bang-khen")["warning_ms"] == 3 * 60_000


def test_a_live_edit_in_a_dress_rehearsal_keeps_the_rehearsals_plan(tmp_path, clock):
    """The rehearsal is when the plan gets edited: an edit must not send it back to
    the event's own day (every offset, the projected end and the report's mark)."""
    config = app_config(tmp_path / "data", clock, RUNSHOW_REHEARSAL_START_MS=clock.now)
    rehearsal = create_app(config).test_client()
    before = programme(rehearsal)
    assert before["rehearsal"] is True and before["start_ms"] == clock.now
    ok(rehearsal, command="next")
    ok(rehearsal, command="start")
    clock.advance(60)
    offset = rehearsal.get("/api/schedule").get_json()["offset_ms"]
    ok(rehearsal, command="edit_item", item_id=HCM, changes={"presenter": {"name": "A B"}})
    after = programme(rehearsal)
    assert (after["rehearsal"], after["start_ms"], after["event"]["date"]) == (
        True,
        before["start_ms"],
        before["event"]["date"],
    )
    assert [i["planned_start_ms"] for i in after["items"]] == [
        i["planned_start_ms"] for i in before["items"]
    ]
    assert rehearsal.get("/api/schedule").get_json()["offset_ms"] == offset
    with rehearsal.application.app_context():
        current_show().service.store.close()
    again = create_app(config).test_client()
    assert programme(again)["start_ms"] == before["start_ms"]
    assert programme(again)["rehearsal"] is True


def test_two_speeches_swap_places(client):
    ok(client, command="move_item", item_id=DA_NANG, after="tham-luan-ha-noi")
    order = ids(client)
    assert order[order.index(HA_NOI) : order.index(HA_NOI) + 3] == [HA_NOI, DA_NANG, HCM]


def test_an_invalid_edit_is_refused_at_its_field_in_vietnamese_and_changes_nothing(client):
    before = programme(client)
    response = send(
        client, command="edit_item", item_id=HCM, changes={"duration": 0, "timer": {"mode": "x"}}
    )
    assert response.status_code == 400
    answer = response.get_json()
    assert answer["code"] == "invalid"
    places = {p["place"]: p["message"] for p in answer["problems"]}
    assert places["changes.duration"] == "phải là số > 0 (nhận được 0)"
    assert places["changes.timer.mode"].startswith('giá trị "x" không hợp lệ')
    assert programme(client) == before
    assert client.get("/api/state").get_json()["revision"] == 0


def test_the_item_on_cannot_be_removed_nor_one_that_ran(client, clock):
    run_to_ha_noi(client, clock)
    response = send(client, command="remove_item", item_id=HA_NOI)
    assert response.status_code == 409
    assert "Không xóa được mục đang diễn ra" in response.get_json()["error"]
    ok(client, command="next")
    response = send(client, command="remove_item", item_id=HA_NOI)
    assert "đã diễn ra" in response.get_json()["error"]
    ok(client, command="remove_item", item_id=DA_NANG)
    assert DA_NANG not in ids(client)


def test_an_unknown_item_or_an_id_change_is_refused(client):
    response = send(client, command="edit_item", item_id="khong-co", changes={"title": "X"})
    assert response.get_json()["problems"] == [
        {"place": "item_id", "message": "không có mục 'khong-co'"}
    ]
    response = send(client, command="edit_item", item_id=HCM, changes={"id": "moi"})
    assert response.get_json()["problems"] == [{"place": "changes.id", "message": "không đổi được"}]


def test_undo_reverts_each_edit_in_turn(client, clock):
    run_to_ha_noi(client, clock)
    original = programme(client)
    ok(client, command="edit_item", item_id=HA_NOI, changes={"presenter": {"name": "A B"}})
    ok(client, command="edit_item", item_id=HCM, changes={"duration": 7})
    ok(client, command="add_item", after=HCM, item={"kind": "award", "title": "Trao thưởng"})
    ok(client, command="move_item", item_id=DA_NANG, after=HA_NOI)
    for _ in range(4):
        ok(client, command="undo")
    assert programme(client) == original
    ok(client, command="redo")
    assert item(client, HA_NOI)["presenter"]["name"] == "A B"


def test_edits_survive_a_restart_and_undo_still_works_after_it(app, client, clock, tmp_path):
    ok(client, command="edit_item", item_id=HA_NOI, changes={"presenter": {"name": "A B"}})
    ok(client, command="add_item", after=HCM, item={"kind": "award", "title": "Trao thưởng"})
    with app.app_context():
        current_show().service.store.close()
    again = create_app(app_config(tmp_path / "data", clock)).test_client()
    assert item(again, HA_NOI)["presenter"]["name"] == "A B"
    assert "trao-thuong" in ids(again)
    ok(again, command="undo")
    assert "trao-thuong" not in ids(again)


def test_an_agenda_file_changed_after_live_edits_is_said_at_restart(tmp_path, clock):
    """After one tick the edited programme is the one in use: a file edited meanwhile
    must not be ignored silently."""
    agenda = tmp_path / "agenda.json"
    agenda.write_text(BUNDLED_AGENDA.read_text(encoding="utf-8"), encoding="utf-8")
    config = app_config(tmp_path / "data", clock, RUNSHOW_AGENDA=str(agenda))

    def restarted() -> list[str]:
        app = create_app(config)
        with app.app_context():
            warnings = list(current_show().service.warnings)
            current_show().service.store.close()
        return warnings

    first = create_app(config)
    ok(first.test_client(), command="set_present", delegate_id="d3", present=False)
    with first.app_context():
        current_show().service.store.close()
    assert restarted() == []  # the same file: nothing to say
    document = json.loads(agenda.read_text(encoding="utf-8"))
    document["items"][6]["title"] = "Tham luận của Thành phố Hồ Chí Minh"
    agenda.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    (warning,) = restarted()
    assert warning.startswith(f"Tệp chương trình {agenda} đã đổi sau các lần sửa trực tiếp")
    assert "runshow serve --fresh" in warning


def test_programme_versions_are_append_only_in_the_store(app, client):
    ok(client, command="edit_event", changes={"banner_lines": ["HỘI NGHỊ", "CỤM THI ĐUA"]})
    ok(client, command="undo")
    ok(client, command="edit_event", changes={"title": "Hội nghị"})
    with app.app_context():
        versions = current_show().service.store.programmes()
    assert sorted(versions) == [1, 3]
    assert parse_agenda(versions[1]).event.banner_lines == ("HỘI NGHỊ", "CỤM THI ĐUA")
    assert programme(client)["event"]["title"] == "Hội nghị"
    assert programme(client)["event"]["banner_lines"][0].startswith("CỤM THI ĐUA 5")


def test_delegates_are_named_added_and_ticked_and_the_introduction_follows(client):
    intro = programme(client)["introduction"]
    assert intro[0]["lead"] == "Về phía Trung ương, xin trân trọng giới thiệu:"
    assert intro[0]["lines"][1] == "Đại diện Lãnh đạo Bộ Nội vụ;"
    ok(
        client,
        command="edit_delegate",
        delegate_id="d2",
        changes={"honorific": "Đồng chí", "name": "Vũ Chiến Thắng"},
    )
    ok(client, command="set_present", delegate_id="d3", present=False)
    ok(
        client,
        command="add_delegate",
        after="d1",
        delegate={
            "honorific": "Đồng chí",
            "name": "Trần Văn B",
            "title": "Phó Trưởng ban",
            "group": "Đại biểu Trung ương",
        },
    )
    delegates = programme(client)["delegates"]
    assert [d["id"] for d in delegates[:4]] == ["d1", "d20", "d2", "d3"]
    assert delegates[3]["present"] is False
    lines = programme(client)["introduction"][0]["lines"]
    assert lines[1] == "Đồng chí Trần Văn B, Phó Trưởng ban;"
    assert lines[2] == "Đồng chí Vũ Chiến Thắng, Đại diện Lãnh đạo Bộ Nội vụ;"
    assert not any("Phạm Huy Giang" in line for line in lines)


def test_runshow_export_writes_the_edited_programme_as_a_valid_agenda(app, client, tmp_path):
    ok(client, command="edit_item", item_id=HCM, changes={"duration": 7})
    with app.app_context():
        current_show().service.store.close()
    out = tmp_path / "edited.json"
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "runshow",
            "export",
            "-o",
            str(out),
            "--data-dir",
            str(tmp_path / "data"),
        ],
        capture_output=True,
        encoding="utf-8",
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    exported = parse_agenda(out.read_text(encoding="utf-8"))
    assert exported.get(HCM).spec.duration == 7
    assert json.loads(out.read_text(encoding="utf-8"))["schema_version"] == 1


def test_the_edit_log_names_each_edit(app, client):
    ok(client, command="edit_item", item_id=HCM, changes={"duration": 7})
    with app.app_context():
        events = current_show().service.store.events()
    assert events[-1].command == "edit_item"
    assert events[-1].arguments == {"item_id": HCM, "changes": {"duration": 7}}
