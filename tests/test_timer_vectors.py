"""One table of timer cases (tests/vectors/timer.json) pins the Python formulas (engine,
report, timefmt) and static/js/timer.js together: one rounding rule everywhere."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from runshow.agenda import Item, ItemSpec, TimerRules
from runshow.engine import Timer, phase_of
from runshow.timefmt import signed_short, timer_text

VECTORS = json.loads((Path(__file__).parent / "vectors" / "timer.json").read_text("utf-8"))
CASES = VECTORS["cases"]


def item_for(timer: dict[str, Any]) -> Item:
    """An item whose rules are the timer's (thresholds in minutes, as in agenda.json)."""
    spec = ItemSpec(
        id="vector",
        kind="other",
        title="Trường hợp",
        duration=timer["duration_ms"] / 60_000 or None,
        timer=TimerRules(
            mode=timer["mode"],
            warning=timer["warning_ms"] / 60_000,
            danger=timer["danger_ms"] / 60_000,
            at_zero=timer["at_zero"],
        ),
    )
    return Item(0, spec)


def python_side(case: dict[str, Any]) -> dict[str, Any]:
    raw, now = case["timer"], case["now_ms"]
    item = item_for(raw)
    timer = Timer(
        duration_ms=raw["duration_ms"],
        remaining_ms=raw["remaining_ms"],
        deadline_ms=raw["deadline_ms"],
        adjust_ms=raw["adjust_ms"],
        started=True,
    )
    remaining = timer.remaining_at(now)
    elapsed = timer.elapsed_at(now)
    return {
        "remaining_ms": remaining,
        "phase": phase_of(item, remaining),
        "text": timer_text(raw["mode"], raw["at_zero"], remaining, elapsed),
        "over_under": signed_short(elapsed - timer.duration_ms) if timer.duration_ms else None,
    }


@pytest.mark.parametrize("case", CASES, ids=[case["name"] for case in CASES])
def test_python_follows_the_table(case):
    assert python_side(case) == case["expect"]


#: The same computation in the browser, with the screens' own module.
JS_SIDE = """async (cases) => {
  const t = await import('/static/js/timer.js');
  return cases.map(({timer, now_ms}) => {
    const remaining = t.remainingMs(timer, now_ms);
    const elapsed = t.elapsedMs(timer, remaining);
    return {
      remaining_ms: remaining,
      phase: t.phase(timer, remaining),
      text: t.timerText(timer, remaining),
      over_under: timer.duration_ms ? t.signedShort(elapsed - timer.duration_ms) : null,
    };
  });
}"""


@pytest.mark.browser
def test_the_screens_timer_module_follows_the_table(live_server, open_page):
    results = open_page(f"{live_server.url}/programme").evaluate(JS_SIDE, CASES)
    mismatches = [
        (case["name"], result, case["expect"])
        for case, result in zip(CASES, results, strict=True)
        if result != case["expect"]
    ]
    assert mismatches == []
