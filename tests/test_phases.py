"""Phase crossings, the pure part of the server's `phase` event, on a fake clock."""

from __future__ import annotations

from runshow.phases import PhaseWatch, crossings_between, next_boundary
from tests.core_helpers import MINUTE, Show


def watched(show: Show, watch: PhaseWatch) -> list[tuple[str, int]]:
    """What the watch announces now, as (phase, ms before/after the timer's deadline)."""
    item = show.agenda.get(show.state.current_id)
    crossings = watch.observe(item, show.state.timer(), show.now)
    return [(c.phase, c.at_ms) for c in crossings]


def all_three(deadline: int) -> list[tuple[str, int]]:
    return [
        ("warning", deadline - 2 * MINUTE),
        ("danger", deadline - MINUTE),
        ("overtime", deadline),
    ]


def started(item_id: str = "khai-mac") -> tuple[Show, PhaseWatch]:
    show = Show()
    show.do("goto", item_id=item_id)
    show.do("start")
    watch = PhaseWatch()
    assert watched(show, watch) == []
    return show, watch


def test_boundaries_of_a_running_countdown_in_order():
    show, _ = started()
    item, timer = show.agenda.get("khai-mac"), show.timer
    deadline = timer.deadline_ms
    assert next_boundary(item, timer, show.now) == deadline - 2 * MINUTE
    assert next_boundary(item, timer, deadline - 2 * MINUTE) == deadline - MINUTE
    assert next_boundary(item, timer, deadline - MINUTE) == deadline
    assert next_boundary(item, timer, deadline) is None
    everything = crossings_between(item, timer, show.now, deadline + MINUTE)
    assert [(c.phase, c.at_ms) for c in everything] == all_three(deadline)


def test_a_paused_or_count_up_timer_has_no_boundary():
    show, _ = started()
    show.do("pause")
    assert next_boundary(show.agenda.get("khai-mac"), show.timer, show.now) is None
    show.do("goto", item_id="tham-quan")
    show.do("start")
    assert next_boundary(show.agenda.get("tham-quan"), show.timer, show.now) is None


def test_each_crossing_is_announced_once_at_its_planned_moment():
    show, watch = started()
    deadline = show.timer.deadline_ms
    show.wait(minutes=8)
    assert watched(show, watch) == [("warning", deadline - 2 * MINUTE)]
    assert watched(show, watch) == [], "looked again at the same moment: nothing new"
    show.wait(minutes=1)
    assert watched(show, watch) == [("danger", deadline - MINUTE)]
    show.wait(minutes=1)
    assert watched(show, watch) == [("overtime", deadline)]
    show.wait(minutes=5)
    assert watched(show, watch) == []


def test_a_late_look_announces_every_crossing_missed_in_order():
    show, watch = started()
    deadline = show.timer.deadline_ms
    show.wait(minutes=10, seconds=3)
    assert watched(show, watch) == all_three(deadline)


def test_an_item_that_stops_at_zero_announces_ended():
    show, watch = started("bao-cao")
    show.wait(minutes=15)
    assert [phase for phase, _ in watched(show, watch)] == ["warning", "danger", "ended"]


def test_a_pause_crosses_nothing_and_resume_crosses_each_phase_once():
    show, watch = started()
    show.wait(minutes=8, seconds=30)
    assert [p for p, _ in watched(show, watch)] == ["warning"]
    show.do("pause")
    assert watched(show, watch) == []
    show.wait(minutes=30)
    assert watched(show, watch) == [], "time passes while paused: no crossing"
    show.do("resume")
    assert watched(show, watch) == [], "warning is not announced again"
    show.wait(seconds=30)
    assert watched(show, watch) == [("danger", show.now)]


def test_time_taken_away_announces_the_phase_reached_at_the_commands_moment():
    show, watch = started()
    show.wait(seconds=10)
    show.do("adjust", seconds=-540)  # 50 s left: straight into the red
    assert watched(show, watch) == [("danger", show.now)]


def test_time_given_back_lets_the_item_cross_again_later():
    show, watch = started()
    show.wait(minutes=9, seconds=10)
    assert [p for p, _ in watched(show, watch)] == ["warning", "danger"]
    show.do("adjust", seconds=120)  # back to 2:50: normal, silently
    assert watched(show, watch) == []
    deadline = show.timer.deadline_ms
    show.wait(minutes=2, seconds=50)
    assert watched(show, watch) == all_three(deadline)


def test_another_item_or_coming_back_to_one_is_never_a_crossing():
    show, watch = started()
    show.wait(minutes=9, seconds=30)
    assert [p for p, _ in watched(show, watch)] == ["warning", "danger"]
    show.do("goto", item_id="bao-cao")
    assert watched(show, watch) == []
    show.do("goto", item_id="khai-mac")  # comes back paused, in the red
    assert watched(show, watch) == []
    show.do("resume")
    show.wait(seconds=30)
    assert [p for p, _ in watched(show, watch)] == ["overtime"]


def test_the_banner_over_an_item_lets_its_clock_cross_on():
    show, watch = started()
    show.do("banner", on=True)
    show.wait(minutes=8, seconds=30)
    assert [p for p, _ in watched(show, watch)] == ["warning"]


def test_a_watch_that_starts_mid_item_takes_the_moment_as_known():
    """A restarted server: what was crossed before it started is not announced again."""
    show, _ = started()
    show.wait(minutes=8, seconds=30)
    restarted = PhaseWatch()
    assert watched(show, restarted) == []
    deadline = show.timer.deadline_ms
    show.wait(seconds=40)
    assert watched(show, restarted) == [("danger", deadline - MINUTE)]
