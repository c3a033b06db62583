"""What screens and the API see: JSON-ready views of the programme and the show.

Pure functions of (agenda, state, now). The payloads, whose shapes are
declared in ``runshow/protocol.py`` and documented in ``docs/protocol.md``:

- the *programme*: the event and its items, which changes only with the agenda
  file, sent once per connection;
- the *state*: the live show at one revision, small, sent on every change. The
  console's state (`state_view`) also carries the per-item schedule; the MC's
  (`live_view`) does not; the public one (`for_public`) has no MC message either.
"""

from __future__ import annotations

from collections.abc import Container
from typing import Any

from runshow.agenda import Agenda, Item, Presenter
from runshow.engine import ShowState, Timer, Visit, available, phase_of
from runshow.introduction import introduction
from runshow.textfit import fit_warnings


def presenter_line(presenter: Presenter | None) -> str:
    """Đồng chí X — Lãnh đạo Ủy ban nhân dân thành phố Hải Phòng: as it is read aloud."""
    if presenter is None:
        return ""
    role = " ".join(part for part in (presenter.role, presenter.organisation) if part)
    return f"{presenter.name} — {role}" if presenter.name else role


def live_item(item: Item) -> dict[str, Any]:
    """An item as the live state names it: what a screen draws without the programme."""
    spec = item.spec
    return {
        "id": item.id,
        "index": item.index,
        "kind": spec.kind,
        "title": spec.title,
        "presenter_line": presenter_line(spec.presenter),
        "duration_ms": item.duration_ms,
    }


def item_summary(item: Item) -> dict[str, Any]:
    spec = item.spec
    return live_item(item) | {
        "kind_label": item.kind_label,
        "presenter": None if spec.presenter is None else spec.presenter.model_dump(),
    }


def introduction_view(agenda: Agenda) -> list[dict[str, Any]]:
    """The delegates present, as the MC introduces them: per delegation, its lead
    sentence and one line per delegate."""
    present = (d for d in agenda.spec.delegates if d.present)
    return [
        {"group": p.group, "lead": p.lead, "lines": list(p.lines)} for p in introduction(present)
    ]


def programme_view(
    agenda: Agenda, *, for_control: bool = False, for_public: bool = False
) -> dict[str, Any]:
    """The whole programme. Technicians' notes, the agenda's fields (for the edit panel)
    and what will not fit the stage go to the control console only; the stage and the
    phones get neither the MC's script nor the delegates to introduce."""
    event = agenda.event
    starts = agenda.planned_starts_ms()
    warnings = fit_warnings(agenda) if for_control else []
    items = []
    for item, planned_start in zip(agenda.items, starts, strict=True):
        view = item_summary(item) | {
            "duration_estimated": item.spec.duration_estimated,
            "mode": item.spec.timer.mode,
            "warning_ms": item.warning_ms,
            "danger_ms": item.danger_ms,
            "at_zero": item.spec.timer.at_zero,
            "audience_timer": item.audience_timer,
            "planned_start_ms": planned_start,
            "mc_script": item.spec.mc_script,
        }
        if for_control:
            view["tech_notes"] = item.spec.tech_notes
            view["fields"] = item.spec.model_dump(mode="json")
            view["fit_warnings"] = [w.message for w in warnings if w.item_index == item.index]
        if for_public:
            del view["mc_script"]
        items.append(view)
    programme = {
        "event": event.model_dump(),
        "delegates": [],
        "introduction": [],
        "items": items,
        "start_ms": agenda.start_ms,
        "rehearsal": agenda.rehearsal,
        "planned_end_ms": agenda.planned_end_ms,
        "total_planned_ms": agenda.total_planned_ms,
    }
    if not for_public:
        programme["delegates"] = [
            delegate.model_dump() | {"id": delegate_id}
            for delegate, delegate_id in zip(
                agenda.spec.delegates, agenda.delegate_ids(), strict=True
            )
        ]
        programme["introduction"] = introduction_view(agenda)
    if for_control:
        programme["fit_warnings"] = [str(w) for w in warnings if w.item_index is None]
    return programme


def timer_view(item: Item, timer: Timer, now_ms: int) -> dict[str, Any]:
    remaining = timer.remaining_at(now_ms)
    if timer.running:
        status = "running"
    elif timer.started:
        status = "paused"
    else:
        status = "ready"
    return {
        "item_id": item.id,
        "mode": item.spec.timer.mode,
        "status": status,
        "running": timer.running,
        "deadline_ms": timer.deadline_ms,
        "remaining_ms": remaining,
        "elapsed_ms": timer.elapsed_at(now_ms),
        "duration_ms": timer.duration_ms,
        "adjust_ms": timer.adjust_ms,
        "warning_ms": item.warning_ms,
        "danger_ms": item.danger_ms,
        "at_zero": item.spec.timer.at_zero,
        "phase": phase_of(item, remaining),
    }


def live_view(agenda: Agenda, state: ShowState, now_ms: int) -> dict[str, Any]:
    """The slim live show: what the MC's tablet draws (and, without the MC's
    message, the stage and the phones). No per-item schedule."""
    current = agenda.get(state.current_id)
    timer = state.timer()
    following = _following(agenda, state)
    position = _position(agenda, state)
    return {
        "revision": state.revision,
        "server_time_ms": now_ms,
        "current": None if current is None else live_item(current),
        "next": None if following is None else live_item(following),
        "timer": None if current is None or timer is None else timer_view(current, timer, now_ms),
        "message": {
            "speaker": state.speaker_message,
            "stage": state.stage_message,
            "mc": state.mc_message,
        },
        "blackout": state.blackout,
        "banner": state.shows_banner,
        "display": "blackout" if state.blackout else "banner" if state.shows_banner else "item",
        "progress": progress_view(agenda, state, position),
    }


def state_view(agenda: Agenda, state: ShowState, now_ms: int) -> dict[str, Any]:
    """The live show as the control console sees it: the slim state, the schedule,
    the commands possible now (`available`: the console enables its buttons from
    it) and what undo/redo would do next, in words.

    `current` and `timer` are the position whatever the stage displays over it:
    `banner` (the stage shows the conference banner: switched on, or no item on)
    and `blackout` are overlays, `display` is what the audience sees.
    """
    return live_view(agenda, state, now_ms) | console_fields(agenda, state, now_ms)


def console_fields(agenda: Agenda, state: ShowState, now_ms: int) -> dict[str, Any]:
    """What the console's state adds to the live one (`PRIVATE_FIELDS`)."""
    return {
        "available": available(state, agenda),
        "undo": state.undo[-1].label if state.undo else None,
        "redo": state.redo[-1].label if state.redo else None,
        "schedule": schedule_view(agenda, state, now_ms),
    }


def for_public(view: dict[str, Any]) -> dict[str, Any]:
    """The state as the stage, delegates' phones and the public API see it: no
    per-item schedule, and the message meant for the MC is not theirs to read."""
    public = {key: value for key, value in view.items() if key not in PRIVATE_FIELDS}
    public["message"] = {"stage": view["message"]["stage"]}
    return public


#: What the console (and the HTTP API) is told about commands; screens do not need it.
COMMAND_FIELDS = ("available", "undo", "redo")
#: What the console's state carries beyond the public one (besides the MC's message).
PRIVATE_FIELDS = ("schedule", *COMMAND_FIELDS)


def for_mc(view: dict[str, Any]) -> dict[str, Any]:
    """The MC's state: the public one with every message (the MC's own, and what the
    speaker reads)."""
    return for_public(view) | {"message": view["message"]}


def for_speaker(view: dict[str, Any]) -> dict[str, Any]:
    """The speaker's confidence monitor: the public state with the message to the speaker."""
    message = view["message"]
    return for_public(view) | {
        "message": {"speaker": message["speaker"], "stage": message["stage"]}
    }


def progress_view(agenda: Agenda, state: ShowState, position: int | None) -> dict[str, Any]:
    """Which items are behind us, by index: every other item is `now` (the current
    one), `next` (the state's `next`) or still to come. Indices keep it small."""
    done: list[int] = []
    skipped: list[int] = []
    visited = state.visited()
    for item in agenda.items:
        status = _status(item, state, position, visited)
        if status == "done":
            done.append(item.index)
        elif status == "skipped":
            skipped.append(item.index)
    return {"done": done, "skipped": skipped}


def schedule_summary(agenda: Agenda, state: ShowState, now_ms: int) -> dict[str, Any]:
    """The figures the console refreshes between changes (the `schedule` event)."""
    schedule = schedule_view(agenda, state, now_ms)
    return {
        "revision": state.revision,
        "server_time_ms": now_ms,
        "planned_end_ms": schedule["planned_end_ms"],
        "projected_end_ms": schedule["projected_end_ms"],
        "offset_ms": schedule["offset_ms"],
        "fixed_starts": schedule["fixed_starts"],
    }


def _position(agenda: Agenda, state: ShowState) -> int | None:
    """Index of the item on now, or most recently on when the banner shows."""
    return agenda.index_of(state.current_id or state.cursor_id or "")


def _following(agenda: Agenda, state: ShowState) -> Item | None:
    position = _position(agenda, state)
    upcoming = 0 if position is None else position + 1
    return agenda.items[upcoming] if upcoming < len(agenda.items) else None


def visit_view(visit: Visit, now_ms: int) -> dict[str, Any]:
    return {
        "started_ms": visit.started_ms,
        "started_by": visit.started_by,
        "ended_ms": visit.ended_ms,
        "ended_by": visit.ended_by,
        "run_ms": visit.run_ms(now_ms),
        "running": visit.running,
    }


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
    position = _position(agenda, state)
    timer = state.timer()
    projected_end = _projected_end(agenda, state, now_ms, position)
    planned_end = agenda.planned_end_ms
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
            "status": _status(item, state, position, visits),
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


#: A fixed start missed by more than this is worth a warning.
FIXED_START_TOLERANCE_MS = 60_000


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
    position = _position(agenda, state)
    if current is not None and timer is not None:
        cursor = now_ms + max(timer.remaining_at(now_ms), 0)
        first, cut_from = current.index + 1, [current.id]
    else:
        cursor = now_ms if state.visits else max(now_ms, agenda.start_ms)
        first, cut_from = (0 if position is None else position + 1), []
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


def _projected_end(agenda: Agenda, state: ShowState, now_ms: int, position: int | None) -> int:
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
        later = agenda.items[0 if position is None else position + 1 :]
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
    passed_over = agenda.items[: 0 if position is None else position]
    visited = state.visited()
    return end + sum(
        item.duration_ms
        for item in passed_over
        if item.id not in visited and item.spec.starts_at is None
    )


def _status(item: Item, state: ShowState, position: int | None, visited: Container[str]) -> str:
    if item.id == state.current_id:
        return "now"
    if item.id in visited:
        return "done"
    if position is not None and item.index <= position:
        return "skipped"
    following = 0 if position is None else position + 1
    return "next" if item.index == following else "upcoming"
