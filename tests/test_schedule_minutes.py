"""The schedule is kept to the minute: the offset («Chậm 1 phút») and the clock times
beside it (projected and planned end) follow one rounding rule, so they always agree."""

from __future__ import annotations

import pytest

from runshow.schedule import schedule_view
from tests.core_helpers import MINUTE, Show


@pytest.mark.parametrize(
    ("over_s", "late_min"),
    [(50, 1), (29, 0), (30, 1), (89, 1), (-20, 0), (-40, -1)],
)
def test_the_offset_is_the_distance_between_the_clock_times_shown(over_s, late_min):
    show = Show()
    show.do("start")  # the first item, 10 min, at 09:00
    show.wait(10 * 60 + over_s)  # over its time, or...
    if over_s < 0:
        show.do("next")  # ...finished early
    schedule = schedule_view(show.agenda, show.state, show.now)
    projected, planned = schedule["projected_end_ms"], schedule["planned_end_ms"]
    assert projected % MINUTE == 0 and planned % MINUTE == 0, (projected, planned)
    assert schedule["offset_ms"] == projected - planned == late_min * MINUTE
