"""Items with a fixed start (`starts_at`): the projection warns when one will be missed."""

from __future__ import annotations

from runshow.schedule import fixed_starts
from tests.core_helpers import MINUTE, Show, small_agenda


def fixed_at_0930(document) -> None:
    """Khai mạc 09:00-09:10, báo cáo 09:10-09:25, then the discussion fixed at 09:30."""
    document["items"][2]["starts_at"] = "09:30"


def show_with_a_fixed_item() -> Show:
    return Show(agenda=small_agenda(fixed_at_0930))


def warnings(show: Show) -> list[dict]:
    return fixed_starts(show.agenda, show.state, show.now)


def test_a_programme_on_plan_warns_of_nothing():
    show = show_with_a_fixed_item()
    assert warnings(show) == []
    show.do("goto", item_id="khai-mac")
    show.do("start")
    show.wait(minutes=9)
    assert warnings(show) == []


def test_an_overrun_before_a_fixed_item_says_how_much_to_cut_and_where():
    show = show_with_a_fixed_item()
    show.do("goto", item_id="khai-mac")
    show.do("start")
    show.wait(minutes=22)  # 12 minutes over: the report would end at 09:37
    [warning] = warnings(show)
    fixed = show.agenda.clock_ms("09:30")
    assert warning == {
        "item_id": "tham-luan",
        "fixed_start_ms": fixed,
        "projected_start_ms": fixed + 7 * MINUTE,
        "late_ms": 7 * MINUTE,
        "early_ms": 0,
        "cut_from": ["khai-mac", "bao-cao"],
    }


def test_a_fixed_item_reached_early_says_how_much_time_there_is_to_fill():
    show = show_with_a_fixed_item()
    show.do("goto", item_id="bao-cao")  # the opening left out: ten minutes ahead
    show.do("start")
    [warning] = warnings(show)
    assert warning["early_ms"] == 10 * MINUTE and warning["late_ms"] == 0
    assert warning["projected_start_ms"] == show.agenda.clock_ms("09:30")


def test_a_minute_either_way_is_on_time_and_a_started_fixed_item_is_history():
    show = show_with_a_fixed_item()
    show.do("goto", item_id="khai-mac")
    show.do("start")
    show.wait(minutes=15, seconds=59)  # reaches 09:30:59 at the latest
    assert warnings(show) == []
    show.do("goto", item_id="tham-luan")
    show.do("start")
    show.do("previous")
    assert warnings(show) == []
