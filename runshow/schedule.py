"""The schedule's arithmetic: where the show stands against its plan.

Pure functions of (agenda, state, now): which item is on, what is done or passed
over, each item's planned and actual times, when the programme will end and
which fixed starts it will miss. Nothing here knows who is looking: the console,
the report and the API each take from it what they show (runshow/payloads.py
builds the wire payloads, runshow/report.py the report).
"""

from __future__ import annotations

from collections.abc import Container
from typing import Any, Literal

from runshow.agenda import Agenda, Item
from runshow.engine import ShowState, Visit

ItemStatus = Literal["done", "now", "next", "skipped", "upcoming"]

#: A fixed start missed by more than this is worth a warning.
FIXED_START_TOLERANCE_MS = 60_000


def position(agenda: Agenda, state: ShowState) -> int | None:
    """Index of the item on now, or most recently on when the banner shows."""
    return agenda.index_of(state.current_id or state.cursor_id or "")


def following(agenda: Agenda, state: ShowState) -> Item | None:
    """The item after the one on (or last on); the first before the show."""
    at = position(agenda, state)
    upcoming = 0 if at is None else at + 1
    return agenda.items[upcoming] if upcoming < len(agenda.items) else None


def item_status(
    item: Item, state: ShowState, at: int | None, visited: Container[str]
) -> ItemStatus:
    """`now`, `done` (it was on), `skipped` (passed over, not yet on), `next` or `upcoming`;
    `at` is the `position` of the show."""
    if item.id == state.current_id:
        return "now"
    if item.id in visited:
        return "done"
    if at is not None and item.index <= at:
        return "skipped"
    return "next" if item.index == (0 if at is None else at + 1) else "upcoming"


def progress(agenda: Agenda, state: ShowState) -> dict[str, list[int]]:
    """Which items are behind us, by index: every other item is `now` (the current
    one), `next` (the state's `next`) or still to come. Indices keep it small."""
    at, visited = position(agenda, state), state.visited()
    statuses = [(item.index, item_status(item, state, at, visited)) for item in agenda.items]
    return {
        "done": [index for index, status in statuses if status == "done"],
        "skipped": [index for index, status in statuses if status == "skipped"],
    }


def visit_view(visit: Visit, now_ms: int) -> dict[str, Any]:
    return {
        "started_ms": visit.started_ms,
        "started_by": visit.started_by,
        "ended_ms": visit.ended_ms,
        "ended_by": visit.ended_by,
        "run_ms": visit.run_ms(now_ms),
        "running": visit.running,
    }


def to_minute(epoch_ms: int) -> int:
    """A schedule is kept to the minute: its clock times are rounded to the nearest
    one (half a minute up), so the offset between two of them is whole minutes and
    «Chậm 1 phút» never sits beside two equal clock times."""
    return (epoch_ms + 30_000) // 60_000 * 60_000


def schedule_view(
    agenda: Agenda, state: ShowState, now_ms: int, *, with_visits: bool = False
) -> dict[str, Any]:
    """Planned against actual, per item and for the whole programme.

    ``offset_ms`` is how late the programme will end if every item still to
    come takes its planned time: positive means behind schedule. What actually
    happened comes from the item's visits (append-only): it started with the
    first, ended with the last, and its actual duration is the time its clock
    ran over all of them. The visits themselves are listed `with_visits` (the
    report); the live state leaves them out, it goes to every screen.
    """
    planned_starts = agenda.planned_starts_ms()
    at = position(agenda, state)
    timer = state.timer()
    projected_end = to_minute(_projected_end(agenda, state, now_ms, at))
    planned_end = to_minute(agenda.planned_end_ms)
    visits = _visits_by_item(state)

    items = []
    for item, planned_start in zip(agenda.items, planned_starts, strict=True):
        own = visits.get(item.id, [])
        actual_duration = sum(visit.run_ms(now_ms) for visit in own) if own else None
        if item.id == state.current_id and timer is not None:
            remaining = timer.remaining_at(now_ms)
            over_under = -remaining if item.timed and remaining < 0 else None
        elif actual_duration is not None and item.duration_ms:
            over_under = actual_duration - item.duration_ms
        else:
            over_under = None
        entry = {
            "id": item.id,
            "status": item_status(item, state, at, visits),
            "planned_start_ms": planned_start,
            "actual_start_ms": own[0].started_ms if own else None,
            "actual_end_ms": own[-1].ended_ms if own else None,
            "actual_duration_ms": actual_duration,
            "over_under_ms": over_under,
        }
        if with_visits:
            entry["visits"] = [visit_view(visit, now_ms) for visit in own]
        items.append(entry)
    return {
        "planned_end_ms": planned_end,
        "projected_end_ms": projected_end,
        "offset_ms": projected_end - planned_end,
        "items": items,
        "fixed_starts": fixed_starts(agenda, state, now_ms),
    }


def _visits_by_item(state: ShowState) -> dict[str, list[Visit]]:
    grouped: dict[str, list[Visit]] = {}
    for visit in state.visits:
        grouped.setdefault(visit.item_id, []).append(visit)
    return grouped


def fixed_starts(agenda: Agenda, state: ShowState, now_ms: int) -> list[dict[str, Any]]:
    """Items still to come with a fixed start (`starts_at`) that the projection says
    will start late, or be reached early, by more than a minute.

    `late_ms`: the programme before it will run past its fixed time by that much, to be
    cut from the items in `cut_from` (the one on now and those before the fixed item).
    `early_ms`: it will be reached that much earlier than planned: time to fill or wait.
    """
    planned = agenda.planned_starts_ms()
    current = agenda.get(state.current_id)
    timer = state.timer()
    at = position(agenda, state)
    if current is not None and timer is not None:
        cursor = now_ms + max(timer.remaining_at(now_ms), 0)
        first, cut_from = current.index + 1, [current.id]
    else:
        cursor = now_ms if state.visits else max(now_ms, agenda.start_ms)
        first, cut_from = (0 if at is None else at + 1), []
    visited = state.visited()
    warnings = []
    for item in agenda.items[first:]:
        if item.spec.starts_at is not None and item.id not in visited:
            fixed = agenda.clock_ms(item.spec.starts_at)
            before = agenda.items[item.index - 1] if item.index else None
            planned_arrival = (
                agenda.start_ms if before is None else planned[before.index] + before.duration_ms
            )
            late = cursor - fixed
            early = (planned_arrival - cursor) if late <= 0 else 0
            if late > FIXED_START_TOLERANCE_MS or early > FIXED_START_TOLERANCE_MS:
                warnings.append(
                    {
                        "item_id": item.id,
                        "fixed_start_ms": fixed,
                        "projected_start_ms": max(cursor, fixed),
                        "late_ms": max(late, 0),
                        "early_ms": max(early, 0),
                        "cut_from": list(cut_from),
                    }
                )
            cursor = max(cursor, fixed)
            cut_from = []
        cursor += item.duration_ms
        if item.duration_ms:
            cut_from.append(item.id)
    return warnings


def _projected_end(agenda: Agenda, state: ShowState, now_ms: int, at: int | None) -> int:
    """When the programme's last timed item will end if what is left runs to plan."""
    current = agenda.get(state.current_id)
    timer = state.timer()
    end: int | None = None
    if current is not None and timer is not None:
        cursor = now_ms + max(timer.remaining_at(now_ms), 0)
        later = agenda.items[current.index + 1 :]
        if current.duration_ms:
            end = cursor
    else:
        cursor = now_ms if state.visits else max(now_ms, agenda.start_ms)
        later = agenda.items[0 if at is None else at + 1 :]
    for item in later:
        if item.spec.starts_at is not None:
            cursor = max(cursor, agenda.clock_ms(item.spec.starts_at))
        cursor += item.duration_ms
        if item.duration_ms:
            end = cursor
    if end is None:
        # Nothing timed is on or ahead (the banner after the closing, an open-ended
        # visit): the timed programme ended when its last timed item was left.
        timed = {item.id for item in agenda.items if item.duration_ms}
        ends = [
            visit.ended_ms
            for visit in state.visits
            if visit.item_id in timed and visit.ended_ms is not None
        ]
        end = max(ends, default=cursor)
    # Items jumped over have not happened yet: they still take their time.
    passed_over = agenda.items[: 0 if at is None else at]
    visited = state.visited()
    return end + sum(
        item.duration_ms
        for item in passed_over
        if item.id not in visited and item.spec.starts_at is None
    )
