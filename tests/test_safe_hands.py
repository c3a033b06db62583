"""Nothing the technician does by accident can hurt the live show (issue 7).

Each section reproduces one way ordinary console use damaged the show before:
a double press, the banner over a speech, history rewritten, small traps, and
no way back. Engine first (fake clock), then through the dispatcher, the store
and the HTTP API.
"""

from __future__ import annotations

import csv
import io
from dataclasses import replace

import pytest

from runshow.engine import Accepted, Refusal, available
from runshow.payloads import state_view
from runshow.report import report_csv, report_rows
from runshow.schedule import schedule_view
from runshow.service import ShowService
from runshow.store import Store
from tests.conftest import CONTROL_KEY
from tests.core_helpers import MINUTE, SECOND, FakeClock, Show, small_agenda

AUTH = {"Authorization": f"Bearer {CONTROL_KEY}"}


@pytest.fixture
def show() -> Show:
    return Show()


def speech(show: Show, minutes_in: float = 4) -> Show:
    """The report (15 min) running for a few minutes."""
    show.do("goto", item_id="bao-cao")
    show.do("start")
    show.wait(minutes=minutes_in)
    return show


def schedule_entry(show: Show, item_id: str) -> dict:
    entries = schedule_view(show.agenda, show.state, show.now, with_visits=True)["items"]
    return next(entry for entry in entries if entry["id"] == item_id)


# --------------------------------------------------------------------------- #
# A double press skips a speaker.


def test_next_pressed_twice_from_the_same_item_advances_once(show):
    speech(show)
    first = show.send("next", **{"from": "bao-cao"})
    second = show.send("next", **{"from": "bao-cao"})  # the bounce, sent before or after the answer
    assert isinstance(first, Accepted)
    assert isinstance(second, Refusal)
    assert second.code == "moved_on"
    assert "mục 3 «Tham luận»" in second.reason
    assert show.state.current_id == "tham-luan"


def test_a_move_sent_with_an_up_to_date_revision_is_still_refused_if_the_show_moved(show):
    """The revision guard could not protect position: the second press is fresh."""
    speech(show)
    show.do("next", **{"from": "bao-cao"})
    refusal = show.refused("next", **{"from": "bao-cao"}, revision=show.state.revision)
    assert refusal.code == "moved_on"


def test_from_the_banner_before_the_show_names_no_item(show):
    show.do("next", **{"from": None})
    assert show.refused("next", **{"from": None}).code == "moved_on"
    assert show.state.current_id == "khai-mac"


def test_start_names_the_item_it_starts(show):
    show.do("start", item_id="khai-mac")  # from the banner: the item to come
    assert show.refused("start", item_id="khai-mac").code == "not_possible"  # running already
    show.do("next")
    assert show.refused("pause", item_id="khai-mac").code == "moved_on"


def test_a_move_without_from_works_as_before_for_scripts(show):
    speech(show)
    show.do("next")
    show.do("next")
    assert show.state.current_id == "tham-quan"


# --------------------------------------------------------------------------- #
# The banner kills the speech.


def test_the_banner_over_a_speech_keeps_its_clock_running_and_the_item_on(show):
    speech(show)
    deadline = show.timer.deadline_ms
    show.do("banner")
    assert show.state.current_id == "bao-cao"
    assert show.timer.deadline_ms == deadline
    view = state_view(show.agenda, show.state, show.now)
    assert view["banner"] is True and view["display"] == "banner"
    assert view["current"]["id"] == "bao-cao"
    assert view["timer"]["status"] == "running"
    assert schedule_entry(show, "bao-cao")["status"] == "now", "not marked done"
    show.wait(seconds=20)
    show.do("banner", on=False)
    assert show.remaining == 11 * MINUTE - 20 * SECOND
    assert state_view(show.agenda, show.state, show.now)["display"] == "item"


def test_space_after_the_banner_does_not_start_the_next_item(show):
    speech(show)
    show.do("banner")
    assert "start" not in available(show.state, show.agenda)
    assert "pause" in available(show.state, show.agenda)  # what Space sends now
    assert "đang chạy" in show.refused("start").reason
    assert show.state.current_id == "bao-cao"


def test_blackout_and_banner_are_independent_layers(show):
    speech(show)
    show.do("banner")
    show.do("blackout", on=True)
    assert state_view(show.agenda, show.state, show.now)["display"] == "blackout"
    show.do("blackout", on=False)
    assert state_view(show.agenda, show.state, show.now)["display"] == "banner"


# --------------------------------------------------------------------------- #
# History is erased.


def test_reset_keeps_the_first_visit_in_the_report(show):
    speech(show, minutes_in=3)
    show.do("reset")
    show.wait(minutes=15)
    show.do("next")
    entry = schedule_entry(show, "bao-cao")
    assert [visit["run_ms"] for visit in entry["visits"]] == [3 * MINUTE, 15 * MINUTE]
    assert [visit["ended_by"] for visit in entry["visits"]] == ["reset", "next"]
    assert entry["actual_duration_ms"] == 18 * MINUTE
    rows = report_rows(show.agenda, show.state, show.now)
    assert [visit.actual_minutes for visit in rows[1].visits] == ["3:00", "15:00"]
    assert rows[1].actual_minutes == "18:00"


def test_previous_then_next_never_moves_an_earlier_recorded_end(show):
    speech(show, minutes_in=15)
    show.do("next")
    ended = schedule_entry(show, "bao-cao")["actual_end_ms"]
    show.wait(minutes=2)
    show.do("previous")
    show.wait(minutes=1)
    show.do("next")
    entry = schedule_entry(show, "bao-cao")
    assert entry["visits"][0]["ended_ms"] == ended
    assert entry["actual_duration_ms"] == 15 * MINUTE, "brought back but never resumed"


def test_the_csv_lists_each_visit_under_the_item_total(show):
    speech(show, minutes_in=3)
    show.do("reset")
    show.wait(minutes=12)
    show.do("next")
    rows = list(csv.reader(io.StringIO(report_csv(report_rows(show.agenda, show.state, show.now)))))
    report = rows[2]
    assert report[1] == "Báo cáo"
    assert report[8:] == ["15:00", "0:00"]
    assert rows[3][:2] == ["2.1", "Lượt 1"] and rows[3][3] == "Bắt đầu → Đặt lại"
    assert rows[4][:2] == ["2.2", "Lượt 2"] and rows[4][8] == "12:00"


# --------------------------------------------------------------------------- #
# Small traps.


def test_start_under_the_banner_starts_the_item_brought_on_not_the_one_after(show):
    show.do("goto", item_id="bao-cao")  # brought on, not started
    show.do("banner")
    show.do("start")
    assert show.state.current_id == "bao-cao"
    assert show.timer.running
    assert not show.state.banner, "starting the item shows it"


def test_start_never_resumes_a_finished_item_straight_into_overtime(show):
    speech(show, minutes_in=20)  # at_zero stop: ended
    show.do("goto", item_id="tham-luan")
    show.do("start")
    show.wait(minutes=7)  # two minutes over
    show.do("previous")
    show.do("next")  # the speech comes back, paused in overtime
    show.do("banner")
    assert "start" not in available(show.state, show.agenda)
    assert "resume" in show.refused("start").reason
    assert show.timer.paused


def test_previous_is_not_offered_on_the_first_item(show):
    show.do("start")
    assert "previous" not in available(show.state, show.agenda)
    assert "mục đầu tiên" in show.refused("previous").reason


def test_start_is_not_offered_on_a_paused_or_running_item_and_reset_with_nothing_on(show):
    assert "reset" not in available(show.state, show.agenda)
    show.do("start")
    assert "start" not in available(show.state, show.agenda)
    show.do("pause")
    assert "start" not in available(show.state, show.agenda)
    assert {"resume", "reset", "next"} <= set(available(show.state, show.agenda))


def test_taking_a_minute_again_and_again_stops_at_zero(show):
    speech(show, minutes_in=13)  # two minutes left
    show.do("adjust", seconds=-60)
    outcome = show.send("adjust", seconds=-90)
    assert isinstance(outcome, Accepted) and "0 giây" in outcome.note
    assert show.remaining == 0
    assert "không thể bớt" in show.refused("adjust", seconds=-60).reason


def test_two_quick_plus_ten_seconds_add_twenty(show):
    speech(show)
    seen = show.state.revision
    show.do("adjust", seconds=10, revision=seen)
    show.do("adjust", seconds=10, revision=seen)  # the console had not seen the first yet
    assert show.timer.adjust_ms == 20 * SECOND


# --------------------------------------------------------------------------- #
# No way back.


def test_undo_after_a_wrong_jump_gives_back_the_speech_with_the_same_deadline(show):
    speech(show)
    before = show.state
    show.do("goto", item_id="tham-quan")
    assert state_view(show.agenda, show.state, show.now)["undo"] == "Chuyển sang mục 4"
    show.wait(seconds=30)
    show.do("undo")
    assert show.state.current_id == "bao-cao"
    assert show.timer == before.timer()
    assert show.remaining == 11 * MINUTE - 30 * SECOND
    assert show.state.visits == before.visits
    assert state_view(show.agenda, show.state, show.now)["redo"] == "Chuyển sang mục 4"


def test_undo_of_a_cleared_message_brings_it_back(show):
    show.do("message", text="Còn 2 phút", target="both")
    show.do("clear_message")
    show.do("undo")
    assert (show.state.stage_message, show.state.mc_message) == ("Còn 2 phút", "Còn 2 phút")


def test_an_undone_start_does_not_count_in_the_report(show):
    show.do("start")
    show.wait(minutes=1)
    show.do("undo")
    assert schedule_entry(show, "khai-mac")["actual_duration_ms"] is None
    assert show.state.visits == ()


def test_undo_and_redo_go_back_at_least_twenty_commands(show):
    show.do("start")
    for _ in range(25):
        show.do("adjust", seconds=10)
    for _ in range(20):
        show.do("undo")
    assert show.timer.adjust_ms == 5 * 10 * SECOND
    show.do("redo")
    assert show.timer.adjust_ms == 6 * 10 * SECOND
    show.do("adjust", seconds=1)
    assert show.state.redo == (), "a new command forgets what was undone"


def test_undo_twice_from_the_same_revision_goes_back_once(show):
    show.do("start")
    show.do("adjust", seconds=60)
    seen = show.state.revision
    show.do("undo", revision=seen)
    assert show.refused("undo", revision=seen).code == "stale_revision"
    assert show.timer.adjust_ms == 0
    assert show.state.current_id == "khai-mac"


def test_undo_with_nothing_done_is_refused(show):
    assert "hoàn tác" in show.refused("undo").reason


# --------------------------------------------------------------------------- #
# Through the dispatcher, the store and the HTTP API.


def test_undo_is_logged_and_survives_a_restart(tmp_path):
    clock = FakeClock(small_agenda().start_ms)
    first = ShowService(small_agenda(), Store(tmp_path), clock=clock)
    first.dispatch({"command": "start"}, "test")
    clock.advance(minutes=2)
    first.dispatch({"command": "next", "from": "khai-mac"}, "test")
    first.dispatch({"command": "undo"}, "test")
    first.store.close()

    again = ShowService(small_agenda(), Store(tmp_path), clock=clock)
    assert again.view()["redo"] == "Chuyển sang mục 2"
    assert again.dispatch({"command": "redo"}, "test").accepted
    assert again.state.current_id == "bao-cao"
    again.dispatch({"command": "undo"}, "test")
    assert again.state.current_id == "khai-mac"
    assert again.state.timer().running
    logged = [(event.command, event.arguments) for event in again.store.events()]
    assert [name for name, _ in logged] == ["start", "next", "undo", "redo", "undo"]
    assert logged[1][1] == {"from": "khai-mac"}
    assert logged[2][1] == {"reverted": "Chuyển sang mục 2"}
    again.store.close()


def test_the_api_refuses_a_moved_on_command_with_409(client):
    def post(body):
        return client.post("/api/command", json=body, headers=AUTH)

    assert post({"command": "next", "from": None}).status_code == 200
    answer = post({"command": "next", "from": None})
    assert answer.status_code == 409
    assert answer.get_json()["code"] == "moved_on"
    state = post({"command": "undo"}).get_json()["state"]
    assert state["current"] is None and state["redo"]
    assert "next" in state["available"] and "undo" not in state["available"]


def test_the_api_says_when_time_taken_stopped_at_zero(client):
    def post(body):
        return client.post("/api/command", json=body, headers=AUTH)

    post({"command": "next"})
    post({"command": "start"})
    answer = post({"command": "adjust", "seconds": -3 * 3600}).get_json()
    assert answer["ok"] and "0 giây" in answer["note"]
    assert answer["state"]["timer"]["remaining_ms"] <= 0


def test_an_undo_entry_is_small(show):
    """Undo keeps what a command changed, not the whole show: the snapshot stays small."""
    from runshow.store import state_to_json

    speech(show)
    base = len(state_to_json(replace(show.state, undo=(), redo=())))
    for _ in range(30):
        show.do("adjust", seconds=10)
    per_entry = (len(state_to_json(show.state)) - base) / 30
    assert per_entry < 400, per_entry
