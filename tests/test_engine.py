"""The show engine, command by command, as the technician at the control desk sees it.

The programme is the small one from core_helpers: Khai mạc (10 min), Báo cáo
(15 min, holds at zero), Tham luận (5 min) and Tham quan (count-up), from 09:00.
Time moves only when a test says `show.wait(...)`.
"""

from __future__ import annotations

import pytest

from runshow.commands import InvalidCommand, parse_command
from runshow.engine import Accepted, Refusal, ShowState, Visit, reconcile
from runshow.payloads import state_view
from runshow.schedule import schedule_view
from tests.core_helpers import MINUTE, SECOND, Show, small_agenda


@pytest.fixture
def show() -> Show:
    return Show()


def started(show: Show) -> Show:
    """The first item on and its timer running, at 09:00."""
    show.do("start")
    return show


def phase(show: Show) -> str:
    return state_view(show.agenda, show.state, show.now)["timer"]["phase"]


def statuses(show: Show) -> dict[str, str]:
    schedule = schedule_view(show.agenda, show.state, show.now)
    return {item["id"]: item["status"] for item in schedule["items"]}


# --------------------------------------------------------------------------- #
# Start.


def test_start_from_the_banner_brings_the_first_item_on_and_starts_it(show):
    state = show.do("start")
    assert state.current_id == "khai-mac"
    assert show.timer.running
    assert show.timer.deadline_ms == show.now + 10 * MINUTE
    assert state.revision == 1


def test_the_clock_counts_down_from_the_deadline(show):
    started(show)
    show.wait(minutes=3, seconds=20)
    assert show.remaining == 6 * MINUTE + 40 * SECOND


def test_start_twice_is_refused_because_the_clock_already_runs(show):
    started(show)
    refusal = show.refused("start")
    assert refusal.code == "not_possible"
    assert "đang chạy" in refusal.reason


def test_start_on_a_paused_timer_is_refused_and_points_to_resume(show):
    started(show)
    show.do("pause")
    assert "resume" in show.refused("start").reason


def test_start_on_an_item_brought_on_but_not_started_starts_it(show):
    show.do("goto", item_id="bao-cao")
    assert not show.timer.running
    show.do("start")
    assert show.state.current_id == "bao-cao"
    assert show.timer.deadline_ms == show.now + 15 * MINUTE


def test_start_after_the_last_item_is_refused(show):
    show.do("goto", item_id="tham-quan")
    show.do("next")  # the programme is over: the stage shows the banner
    assert show.state.current_id is None
    assert "hết mục" in show.refused("start").reason


# --------------------------------------------------------------------------- #
# Pause and resume.


def test_pause_with_nothing_on_is_refused(show):
    assert "Chưa có mục nào" in show.refused("pause").reason


def test_pause_when_the_clock_is_not_running_is_refused(show):
    show.do("next")
    assert "không chạy" in show.refused("pause").reason


def test_pause_keeps_the_remaining_time_however_long_the_pause(show):
    started(show)
    show.wait(minutes=3, seconds=20)
    show.do("pause")
    show.wait(minutes=25)
    assert not show.timer.running
    assert show.timer.paused
    assert show.remaining == 6 * MINUTE + 40 * SECOND


def test_resume_before_the_clock_was_ever_started_is_refused(show):
    show.do("next")
    assert "start" in show.refused("resume").reason


def test_resume_while_running_is_refused(show):
    started(show)
    show.refused("resume")


def test_resume_continues_from_the_kept_remaining_time(show):
    started(show)
    show.wait(minutes=4)
    show.do("pause")
    show.wait(minutes=2, seconds=30)
    show.do("resume")
    assert show.timer.deadline_ms == show.now + 6 * MINUTE
    show.wait(minutes=1)
    assert show.remaining == 5 * MINUTE


# --------------------------------------------------------------------------- #
# Reset.


def test_reset_of_a_running_clock_keeps_it_running_from_the_full_duration(show):
    started(show)
    show.wait(minutes=7)
    show.do("reset")
    assert show.timer.running
    assert show.timer.deadline_ms == show.now + 10 * MINUTE


def test_reset_of_a_paused_clock_goes_back_to_the_full_duration_ready_to_start(show):
    started(show)
    show.wait(minutes=7)
    show.do("pause")
    show.do("reset")
    assert not show.timer.running
    assert not show.timer.started
    assert show.remaining == 10 * MINUTE
    show.do("start")
    assert show.timer.deadline_ms == show.now + 10 * MINUTE


def test_reset_forgets_the_minutes_added(show):
    started(show)
    show.do("adjust", seconds=120)
    show.do("reset")
    assert show.timer.adjust_ms == 0
    assert show.remaining == 10 * MINUTE


def test_reset_with_nothing_on_is_refused(show):
    show.refused("reset")


# --------------------------------------------------------------------------- #
# Adjust.


def test_adding_a_minute_while_running_moves_the_deadline_a_minute_later(show):
    started(show)
    deadline = show.timer.deadline_ms
    show.wait(minutes=2)
    show.do("adjust", seconds=60)
    assert show.timer.deadline_ms == deadline + 60 * SECOND
    assert show.remaining == 9 * MINUTE
    assert show.timer.adjust_ms == 60 * SECOND


def test_taking_ten_seconds_while_running_moves_the_deadline_earlier(show):
    started(show)
    deadline = show.timer.deadline_ms
    show.do("adjust", seconds=-10)
    assert show.timer.deadline_ms == deadline - 10 * SECOND


def test_adjusting_a_paused_clock_changes_the_kept_time_and_leaves_it_paused(show):
    started(show)
    show.wait(minutes=5)
    show.do("pause")
    show.do("adjust", seconds=60)
    assert show.timer.paused
    assert show.remaining == 6 * MINUTE
    show.wait(minutes=10)
    assert show.remaining == 6 * MINUTE


def test_adjusting_before_the_start_changes_the_time_the_clock_starts_from(show):
    show.do("next")
    show.do("adjust", seconds=60)
    assert not show.timer.running
    show.do("start")
    assert show.timer.deadline_ms == show.now + 11 * MINUTE


def test_taking_more_time_than_is_left_stops_at_zero_and_says_so(show):
    started(show)
    show.wait(minutes=9)
    outcome = show.send("adjust", seconds=-90)
    assert isinstance(outcome, Accepted)
    assert "0 giây" in outcome.note
    assert show.remaining == 0
    assert phase(show) == "overtime"


def test_taking_time_in_overtime_is_refused(show):
    started(show)
    show.wait(minutes=11)
    assert "quá giờ" in show.refused("adjust", seconds=-10).reason
    show.do("adjust", seconds=90)
    assert show.remaining == 30 * SECOND


def test_adjusting_by_zero_seconds_is_refused(show):
    started(show)
    assert "khác 0" in show.refused("adjust", seconds=0).reason


def test_adjusting_with_nothing_on_is_refused(show):
    show.refused("adjust", seconds=60)


def test_adjusting_a_count_up_item_is_refused(show):
    show.do("goto", item_id="tham-quan")
    show.do("start")
    show.wait(minutes=5)
    assert "đếm lên" in show.refused("adjust", seconds=60).reason


# --------------------------------------------------------------------------- #
# Next, previous, goto.


def test_next_brings_the_following_item_on_ready_and_freezes_the_one_left(show):
    started(show)
    show.wait(minutes=8)
    show.do("next")
    assert show.state.current_id == "bao-cao"
    assert not show.timer.running
    assert show.remaining == 15 * MINUTE
    left = show.timer_of("khai-mac")
    assert not left.running
    assert left.remaining_at(show.now) == 2 * MINUTE


def test_next_on_the_last_item_ends_the_programme_and_shows_the_banner(show):
    show.do("goto", item_id="tham-quan")
    show.do("start")
    show.wait(minutes=30)
    show.do("next")
    assert show.state.current_id is None
    assert show.state.shows_banner
    assert show.state.visits_of("tham-quan")[-1].ended_ms == show.now
    assert "kết thúc" in show.refused("next").reason


def test_previous_on_the_first_item_is_refused(show):
    started(show)
    assert "mục đầu tiên" in show.refused("previous").reason


def test_previous_before_the_show_is_refused(show):
    assert "chưa bắt đầu" in show.refused("previous").reason


def test_goto_an_unknown_item_is_refused_naming_the_id(show):
    assert '"khong-co"' in show.refused("goto", item_id="khong-co").reason


def test_goto_the_item_already_on_is_refused(show):
    started(show)
    assert "Khai mạc" in show.refused("goto", item_id="khai-mac").reason


def test_goto_jumps_and_next_continues_from_there(show):
    started(show)
    show.do("goto", item_id="tham-luan")
    assert show.state.current_id == "tham-luan"
    show.do("next")
    assert show.state.current_id == "tham-quan"


def test_next_under_the_banner_continues_after_the_item_on_and_lifts_the_banner(show):
    started(show)
    show.do("next")
    show.do("banner")
    assert show.state.current_id == "bao-cao"
    show.do("next")
    assert show.state.current_id == "tham-luan"
    assert not show.state.banner


def test_previous_after_the_end_brings_back_the_last_item(show):
    show.do("goto", item_id="tham-quan")
    show.do("next")
    show.do("previous")
    assert show.state.current_id == "tham-quan"


def test_going_back_to_an_item_restores_its_clock_paused_as_it_was_left(show):
    started(show)
    show.wait(minutes=6)
    show.do("adjust", seconds=30)
    show.do("next")
    show.wait(minutes=3)
    show.do("previous")
    assert show.state.current_id == "khai-mac"
    assert show.timer.paused
    assert show.remaining == 4 * MINUTE + 30 * SECOND
    assert show.timer.adjust_ms == 30 * SECOND
    show.do("resume")
    assert show.timer.deadline_ms == show.now + 4 * MINUTE + 30 * SECOND


def test_going_back_to_an_item_never_started_finds_it_ready(show):
    show.do("goto", item_id="bao-cao")
    show.do("next")
    show.do("previous")
    assert not show.timer.started
    show.do("start")
    assert show.timer.running


# --------------------------------------------------------------------------- #
# Messages, blackout, banner.


@pytest.mark.parametrize(
    ("target", "stage", "mc"),
    [
        ("stage", "Còn 2 phút", None),
        ("mc", None, "Còn 2 phút"),
        ("both", "Còn 2 phút", "Còn 2 phút"),
    ],
)
def test_a_message_goes_to_the_screens_it_is_addressed_to(show, target, stage, mc):
    show.do("message", text="  Còn 2 phút ", target=target)
    assert (show.state.stage_message, show.state.mc_message) == (stage, mc)


def test_a_message_goes_to_the_stage_when_no_screen_is_named(show):
    show.do("message", text="Mời đại biểu về chỗ")
    assert show.state.stage_message == "Mời đại biểu về chỗ"
    assert show.state.mc_message is None


def test_a_new_message_replaces_the_old_one_only_on_its_own_screen(show):
    show.do("message", text="Chuẩn bị", target="both")
    show.do("message", text="Còn 1 phút", target="mc")
    assert show.state.stage_message == "Chuẩn bị"
    assert show.state.mc_message == "Còn 1 phút"


def test_clearing_one_screen_keeps_the_other_screens_message(show):
    show.do("message", text="Chuẩn bị", target="both")
    show.do("clear_message", target="stage")
    assert show.state.stage_message is None
    assert show.state.mc_message == "Chuẩn bị"


def test_clearing_when_there_is_nothing_to_clear_is_refused(show):
    assert "Không có tin nhắn" in show.refused("clear_message").reason


def test_clearing_the_stage_when_only_the_mc_has_a_message_is_refused(show):
    show.do("message", text="Còn 1 phút", target="mc")
    show.refused("clear_message", target="stage")


def test_blackout_turns_the_stage_screen_off_and_on_without_stopping_the_clock(show):
    started(show)
    show.do("blackout", on=True)
    assert show.state.blackout
    assert show.timer.running
    show.do("blackout", on=False)
    assert not show.state.blackout


def test_blackout_twice_in_the_same_direction_is_refused(show):
    assert "đang bật" in show.refused("blackout", on=False).reason
    show.do("blackout", on=True)
    assert "đang tắt" in show.refused("blackout", on=True).reason


def test_the_banner_twice_is_refused(show):
    started(show)
    show.do("banner")
    assert "băng rôn" in show.refused("banner").reason
    show.do("banner", on=False)
    assert "đang tắt" in show.refused("banner", on=False).reason


def test_the_banner_before_the_show_is_refused_the_stage_shows_it_already(show):
    assert show.state.shows_banner
    assert "băng rôn" in show.refused("banner").reason


# --------------------------------------------------------------------------- #
# Revisions: every accepted command is one step, and stale clicks are refused.


def test_every_accepted_command_is_one_revision(show):
    revisions = [show.do(name).revision for name in ("start", "pause", "resume", "next")]
    assert revisions == [1, 2, 3, 4]


def test_a_command_based_on_an_old_revision_is_refused_as_stale(show):
    started(show)
    show.do("pause")
    refusal = show.refused("resume", revision=1)
    assert refusal.code == "stale_revision"
    assert "phiên bản 1" in refusal.reason
    assert "phiên bản 2" in refusal.reason


def test_a_command_based_on_the_current_revision_is_accepted(show):
    started(show)
    assert show.do("pause", revision=1).revision == 2


def test_two_technicians_clicking_next_at_once_advance_the_show_once(show):
    started(show)
    seen = show.state.revision
    first = show.send("next", revision=seen)
    second = show.send("next", revision=seen)
    assert isinstance(first, Accepted)
    assert isinstance(second, Refusal)
    assert second.code == "stale_revision"
    assert show.state.current_id == "bao-cao"
    assert show.state.revision == seen + 1


def test_a_stale_click_is_reported_as_stale_even_if_it_was_impossible_anyway(show):
    # A stale click that would also be impossible is reported as stale: the
    # technician must look again before anything else.
    assert show.send("pause", revision=5).code == "stale_revision"


# --------------------------------------------------------------------------- #
# Colour phases.


def test_the_clock_turns_yellow_then_red_then_overtime_as_time_runs_out(show):
    started(show)
    show.wait(minutes=7, seconds=59)
    assert phase(show) == "normal"
    show.wait(seconds=1)  # exactly 2 minutes left
    assert phase(show) == "warning"
    show.wait(minutes=1)  # exactly 1 minute left
    assert phase(show) == "danger"
    show.wait(seconds=59)
    assert phase(show) == "danger"
    show.wait(seconds=1)
    assert phase(show) == "overtime"
    show.wait(minutes=3)
    assert phase(show) == "overtime"
    assert show.remaining == -3 * MINUTE


def test_an_item_that_stops_at_zero_is_ended_not_in_overtime(show):
    show.do("goto", item_id="bao-cao")
    show.do("start")
    show.wait(minutes=12)
    assert phase(show) == "warning"
    show.wait(minutes=3)
    assert phase(show) == "ended"
    show.wait(minutes=5)
    assert phase(show) == "ended"


def test_a_count_up_item_counts_elapsed_time_and_never_changes_colour(show):
    show.do("goto", item_id="tham-quan")
    show.do("start")
    show.wait(minutes=95)
    timer = state_view(show.agenda, show.state, show.now)["timer"]
    assert timer["mode"] == "countup"
    assert timer["elapsed_ms"] == 95 * MINUTE
    assert timer["phase"] == "normal"


# --------------------------------------------------------------------------- #
# What actually happened: records.


def test_an_item_records_a_visit_from_its_start_to_when_it_was_left(show):
    show.wait(minutes=3)
    started(show)
    began = show.now
    show.wait(minutes=4)
    show.do("pause")
    show.wait(minutes=1)
    show.do("resume")
    show.wait(minutes=6)
    show.do("next")
    assert show.state.visits_of("khai-mac") == [
        Visit(
            "khai-mac",
            started_by="start",
            runs=((began, began + 4 * MINUTE), (began + 5 * MINUTE, began + 11 * MINUTE)),
            ended_ms=began + 11 * MINUTE,
            ended_by="next",
        )
    ]
    assert show.state.visits_of("bao-cao") == []


def test_the_actual_start_is_the_first_start_even_after_a_reset(show):
    started(show)
    began = show.now
    show.wait(minutes=1)
    show.do("pause")
    show.do("reset")
    show.do("start")
    schedule = schedule_view(show.agenda, show.state, show.now)
    assert schedule["items"][0]["actual_start_ms"] == began


def test_an_item_passed_over_without_starting_records_nothing(show):
    show.do("next")
    show.wait(minutes=1)
    show.do("next")
    assert show.state.visits_of("khai-mac") == []


# --------------------------------------------------------------------------- #
# A state saved against an older programme.


def _without_item(item_id: str):
    def mutate(document):
        document["items"] = [item for item in document["items"] if item["id"] != item_id]

    return mutate


def test_a_restored_state_whose_item_vanished_falls_back_to_the_banner_with_a_warning(show):
    started(show)
    show.do("next")
    show.do("start")
    edited = small_agenda(_without_item("bao-cao"))

    fitted, warnings = reconcile(show.state, edited)

    assert fitted.current_id is None
    assert fitted.cursor_id == "khai-mac", "Next goes on after the last item that ran"
    assert fitted.revision == show.state.revision
    assert set(fitted.timers) == {"khai-mac"}
    assert fitted.visited() == {"khai-mac"}
    assert any("bao-cao" in warning and "băng rôn" in warning for warning in warnings)


def test_a_restored_state_that_still_fits_is_kept_as_it_was(show):
    started(show)
    show.do("message", text="Chuẩn bị", target="mc")
    fitted, warnings = reconcile(show.state, small_agenda())
    assert fitted == show.state
    assert warnings == []


def test_the_show_goes_on_after_falling_back_to_the_banner(show):
    started(show)
    show.do("next")
    edited = small_agenda(_without_item("bao-cao"))
    fitted, _ = reconcile(show.state, edited)
    after = Show(agenda=edited, state=fitted, now=show.now)
    after.do("goto", item_id="tham-luan")
    after.do("start")
    assert after.timer.running


# --------------------------------------------------------------------------- #
# Views: what the screens see.


def test_before_the_show_the_stage_shows_the_banner_and_announces_the_first_item(show):
    view = state_view(show.agenda, show.state, show.now)
    assert view["banner"] is True
    assert view["current"] is None
    assert view["timer"] is None
    assert view["next"]["id"] == "khai-mac"
    assert statuses(show) == {
        "khai-mac": "next",
        "bao-cao": "upcoming",
        "tham-luan": "upcoming",
        "tham-quan": "upcoming",
    }


def test_the_view_of_a_running_item_shows_it_and_the_one_after(show):
    started(show)
    show.wait(minutes=1)
    view = state_view(show.agenda, show.state, show.now)
    assert view["banner"] is False
    assert view["current"]["title"] == "Khai mạc"
    assert view["current"]["kind"] == "opening"  # its label is in the programme
    assert view["next"]["id"] == "bao-cao"
    assert view["timer"]["status"] == "running"
    assert view["timer"]["remaining_ms"] == 9 * MINUTE
    assert view["timer"]["elapsed_ms"] == 1 * MINUTE


def test_the_timer_status_reads_ready_then_running_then_paused(show):
    show.do("next")
    assert state_view(show.agenda, show.state, show.now)["timer"]["status"] == "ready"
    show.do("start")
    assert state_view(show.agenda, show.state, show.now)["timer"]["status"] == "running"
    show.do("pause")
    assert state_view(show.agenda, show.state, show.now)["timer"]["status"] == "paused"


def test_the_schedule_marks_items_done_now_next_and_upcoming(show):
    started(show)
    show.wait(minutes=10)
    show.do("next")
    assert statuses(show) == {
        "khai-mac": "done",
        "bao-cao": "now",
        "tham-luan": "next",
        "tham-quan": "upcoming",
    }


def test_items_jumped_over_are_marked_skipped(show):
    started(show)
    show.do("goto", item_id="tham-quan")
    assert statuses(show) == {
        "khai-mac": "done",
        "bao-cao": "skipped",
        "tham-luan": "skipped",
        "tham-quan": "now",
    }


def test_a_speaker_running_over_makes_the_programme_late_by_as_much(show):
    started(show)  # 09:00, planned end 09:30
    show.wait(minutes=12)  # two minutes over
    schedule = schedule_view(show.agenda, show.state, show.now)
    assert schedule["planned_end_ms"] == show.agenda.start_ms + 30 * MINUTE
    assert schedule["projected_end_ms"] == show.agenda.start_ms + 32 * MINUTE
    assert schedule["offset_ms"] == 2 * MINUTE
    assert schedule["items"][0]["over_under_ms"] == 2 * MINUTE


def test_an_item_finished_early_brings_the_end_forward(show):
    started(show)
    show.wait(minutes=7)
    show.do("next")
    schedule = schedule_view(show.agenda, show.state, show.now)
    assert schedule["offset_ms"] == -3 * MINUTE
    assert schedule["items"][0]["actual_duration_ms"] == 7 * MINUTE
    assert schedule["items"][0]["over_under_ms"] == -3 * MINUTE


def test_before_the_start_time_the_projected_end_is_the_planned_end(show):
    show.wait(minutes=-20)
    schedule = schedule_view(show.agenda, show.state, show.now)
    assert schedule["projected_end_ms"] == schedule["planned_end_ms"]
    assert schedule["offset_ms"] == 0


def test_a_late_start_pushes_the_projected_end_back(show):
    show.wait(minutes=5)  # 09:05 and nothing has started
    assert schedule_view(show.agenda, show.state, show.now)["offset_ms"] == 5 * MINUTE


def test_a_programme_started_early_is_projected_from_now_even_on_the_banner(show):
    show.wait(minutes=-10)  # 08:50: the hall is full, the chair opens early
    started(show)
    show.wait(minutes=8)
    show.do("next")
    show.do("next")
    show.do("next")
    show.do("next")  # 08:58: the programme is over
    schedule = schedule_view(show.agenda, show.state, show.now)
    assert schedule["projected_end_ms"] == show.now + 20 * MINUTE
    assert schedule["offset_ms"] == -12 * MINUTE  # the items passed over still take their time


def test_after_the_last_timed_item_the_offset_stops_growing(show):
    """Banner after the closing, then an open-ended visit: the timed programme
    ended when its last item was left, however long the afternoon goes on."""
    started(show)
    show.wait(minutes=10)
    show.do("next")
    show.do("start")
    show.wait(minutes=15)
    show.do("next")
    show.do("start")
    show.wait(minutes=5)
    show.do("next")  # 09:30, exactly on plan: the visit is on but not started
    show.do("banner")
    for _ in range(3):
        show.wait(minutes=45)
        assert schedule_view(show.agenda, show.state, show.now)["offset_ms"] == 0
    show.do("banner", on=False)
    show.do("start")
    show.wait(minutes=90)
    assert schedule_view(show.agenda, show.state, show.now)["offset_ms"] == 0


def test_actual_duration_counts_only_the_time_the_timer_ran(show):
    """Going back to an item for a minute adds a minute, not the time spent elsewhere."""
    started(show)
    show.wait(minutes=8)
    show.do("next")
    show.do("start")
    show.wait(minutes=15)
    show.do("goto", item_id="khai-mac")
    show.do("resume")
    show.wait(minutes=1)
    show.do("next")
    opening = schedule_view(show.agenda, show.state, show.now)["items"][0]
    assert opening["actual_duration_ms"] == 9 * MINUTE
    assert opening["over_under_ms"] == -1 * MINUTE


# --------------------------------------------------------------------------- #
# The command vocabulary.


def test_a_well_formed_command_is_parsed_with_its_arguments():
    adjust = parse_command({"command": "adjust", "seconds": -30, "revision": 7})
    assert adjust.arguments() == {"seconds": -30}
    assert adjust.revision == 7


@pytest.mark.parametrize(
    ("payload", "place", "message"),
    [
        ({"command": "dance"}, "command", 'lệnh không tồn tại: "dance"'),
        ({}, "command", "thiếu tên lệnh"),
        (["next"], "", "lệnh phải là một đối tượng JSON"),
        ({"command": "adjust"}, "seconds", "thiếu trường bắt buộc"),
        ({"command": "goto"}, "item_id", "thiếu trường bắt buộc"),
        ({"command": "adjust", "seconds": "60"}, "seconds", "phải là số nguyên"),
        ({"command": "adjust", "seconds": 1.5}, "seconds", "phải là số nguyên"),
        ({"command": "blackout", "on": "yes"}, "on", "phải là true hoặc false"),
        ({"command": "next", "item_id": "be-mac"}, "item_id", "không được hỗ trợ"),
        ({"command": "message", "text": "   "}, "text", "không được để trống"),
        ({"command": "message", "text": "a", "target": "tv"}, "target", '"both" hoặc "all"'),
        ({"command": "adjust", "seconds": 4 * 3600}, "seconds", "phải là số ≤ 10800"),
        ({"command": "next", "revision": -1}, "revision", "phải là số ≥ 0"),
    ],
    ids=[
        "unknown-command",
        "no-command-name",
        "not-an-object",
        "adjust-without-seconds",
        "goto-without-item",
        "seconds-as-text",
        "fractional-seconds",
        "blackout-yes",
        "extra-field",
        "blank-message",
        "unknown-screen",
        "more-than-three-hours",
        "negative-revision",
    ],
)
def test_a_malformed_command_is_rejected_with_the_place_of_the_mistake(payload, place, message):
    with pytest.raises(InvalidCommand) as raised:
        parse_command(payload)
    assert [problem.place for problem in raised.value.problems] == [place]
    assert message in raised.value.problems[0].message


def test_a_fresh_show_is_at_revision_zero_with_the_banner_up():
    state = ShowState()
    assert (state.revision, state.current_id, state.blackout) == (0, None, False)


def test_resume_under_the_banner_goes_on_with_an_item_met_before(show):
    started(show)
    show.wait(minutes=4)
    show.do("next")
    show.do("start")
    show.wait(minutes=2)
    show.do("previous")
    show.do("next")  # the report is back, paused with 13 minutes to go
    show.do("banner")
    assert "resume" in show.refused("start").reason
    show.do("resume")  # what the console's main button sends now
    assert show.state.current_id == "bao-cao"
    assert show.timer.running
    assert show.remaining == 13 * MINUTE


def test_a_message_to_the_speaker_goes_with_the_speaker(show):
    started(show)
    show.do("message", text="Còn 2 phút", target="both")
    show.do("next")
    assert show.state.stage_message is None, "the next speaker must not see it"
    assert show.state.mc_message == "Còn 2 phút", "the MC's message stays until cleared"


def test_items_jumped_over_still_count_in_the_projected_end(show):
    started(show)
    show.wait(minutes=10)
    show.do("goto", item_id="tham-luan")  # the report's speaker is late: take the next one
    show.do("start")
    schedule = schedule_view(show.agenda, show.state, show.now)
    assert schedule["offset_ms"] == 0, "the report has not happened: it still takes 15 min"
    assert schedule["items"][1]["status"] == "skipped"
