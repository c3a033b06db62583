"""The show engine: the state of a show and the transitions a command makes.

Pure and deterministic: no I/O, no clock of its own. `apply` takes the state,
the programme, a command and `now_ms` (epoch milliseconds) and returns either
the next state (revision + 1) or a refusal that changes nothing.

Timers are absolute deadlines. While a timer runs, what is left is
``deadline_ms - now``; paused, the remaining time is kept as a number. Past the
deadline the item is in overtime and the remaining time is negative.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from types import MappingProxyType
from typing import Any, Literal

from runshow import commands as c
from runshow.agenda import Agenda, Item

Phase = Literal["normal", "warning", "danger", "overtime", "ended"]


@dataclass(frozen=True)
class Timer:
    """One item's timer. `deadline_ms` is set exactly while it runs."""

    duration_ms: int
    remaining_ms: int
    deadline_ms: int | None = None
    adjust_ms: int = 0
    started: bool = False

    @classmethod
    def fresh(cls, item: Item) -> Timer:
        return cls(duration_ms=item.duration_ms, remaining_ms=item.duration_ms)

    @property
    def running(self) -> bool:
        return self.deadline_ms is not None

    @property
    def paused(self) -> bool:
        return self.started and not self.running

    def remaining_at(self, now_ms: int) -> int:
        """Milliseconds left at `now_ms`; negative in overtime."""
        return self.deadline_ms - now_ms if self.deadline_ms is not None else self.remaining_ms

    def elapsed_at(self, now_ms: int) -> int:
        return self.duration_ms + self.adjust_ms - self.remaining_at(now_ms)

    def frozen_at(self, now_ms: int) -> Timer:
        """The same timer paused at `now_ms` (unchanged if not running)."""
        if self.deadline_ms is None:
            return self
        return replace(self, remaining_ms=self.deadline_ms - now_ms, deadline_ms=None)


def phase_of(item: Item, remaining_ms: int) -> Phase:
    """Colour phase of an item's timer with `remaining_ms` left."""
    if not item.timed:
        return "normal"
    if remaining_ms <= 0:
        return "ended" if item.stops_at_zero else "overtime"
    if remaining_ms <= item.danger_ms:
        return "danger"
    if remaining_ms <= item.warning_ms:
        return "warning"
    return "normal"


@dataclass(frozen=True)
class ItemRecord:
    """What actually happened to one item: when its timer first started, when it was left."""

    actual_start_ms: int | None = None
    actual_end_ms: int | None = None


def _frozen_map(values: Mapping[str, Any] | None = None) -> Mapping[str, Any]:
    return MappingProxyType(dict(values or {}))


@dataclass(frozen=True)
class ShowState:
    """Everything the show is at one revision.

    `current_id` is None while the stage shows the banner (before the show, or
    between items when the technician chooses). `cursor_id` is the item most
    recently on, so that Next from the banner continues where the show was.
    Timers of items left behind are kept, frozen, in `timers`.
    """

    revision: int = 0
    current_id: str | None = None
    cursor_id: str | None = None
    timers: Mapping[str, Timer] = field(default_factory=_frozen_map)
    records: Mapping[str, ItemRecord] = field(default_factory=_frozen_map)
    stage_message: str | None = None
    mc_message: str | None = None
    blackout: bool = False

    def timer(self) -> Timer | None:
        return None if self.current_id is None else self.timers.get(self.current_id)

    def record(self, item_id: str) -> ItemRecord:
        return self.records.get(item_id, ItemRecord())

    def with_timer(self, item_id: str, timer: Timer) -> ShowState:
        return replace(self, timers=_frozen_map({**self.timers, item_id: timer}))

    def with_record(self, item_id: str, record: ItemRecord) -> ShowState:
        return replace(self, records=_frozen_map({**self.records, item_id: record}))


# --------------------------------------------------------------------------- #
# Outcomes.


RefusalCode = Literal["stale_revision", "not_possible", "invalid"]


@dataclass(frozen=True)
class Refusal:
    """A command that changed nothing, and why, in plain words."""

    code: RefusalCode
    reason: str


@dataclass(frozen=True)
class Accepted:
    state: ShowState


Outcome = Accepted | Refusal


class _Refused(Exception):
    def __init__(self, reason: str):
        self.reason = reason


# --------------------------------------------------------------------------- #
# Transitions.


def apply(state: ShowState, agenda: Agenda, command: c.Command, now_ms: int) -> Outcome:
    """Apply one command at `now_ms`. Accepted states carry revision + 1."""
    if command.revision is not None and command.revision != state.revision:
        return Refusal(
            "stale_revision",
            f"Lệnh dựa trên phiên bản {command.revision} nhưng chương trình đã ở phiên bản "
            f"{state.revision}: có người vừa thao tác trước. Hãy xem lại rồi thử lại.",
        )
    handler = _HANDLERS[type(command)]
    try:
        new_state = handler(state, agenda, command, now_ms)
    except _Refused as refused:
        return Refusal("not_possible", refused.reason)
    return Accepted(replace(new_state, revision=state.revision + 1))


def _current(state: ShowState, agenda: Agenda) -> tuple[Item, Timer]:
    item = agenda.get(state.current_id)
    timer = state.timer()
    if item is None or timer is None:
        raise _Refused("Chưa có mục nào đang diễn ra: hãy chọn một mục trước.")
    return item, timer


def _start(state: ShowState, agenda: Agenda, _: c.Start, now: int) -> ShowState:
    from_banner = state.current_id is None
    if from_banner:
        upcoming = _following_index(state, agenda)
        if upcoming is None:
            raise _Refused("Chương trình đã hết mục: không còn mục nào để bắt đầu.")
        state = _enter(state, agenda, agenda.items[upcoming], now)
    item, timer = _current(state, agenda)
    if from_banner and timer.paused:
        # An item met before comes back paused: Start from the banner goes on with it.
        return state.with_timer(item.id, replace(timer, deadline_ms=now + timer.remaining_ms))
    if timer.running:
        raise _Refused("Đồng hồ đang chạy rồi.")
    if timer.paused:
        raise _Refused("Đồng hồ đang tạm dừng: dùng lệnh Tiếp tục (resume).")
    state = state.with_timer(
        item.id, replace(timer, deadline_ms=now + timer.remaining_ms, started=True)
    )
    record = state.record(item.id)
    if record.actual_start_ms is None:
        state = state.with_record(item.id, replace(record, actual_start_ms=now))
    return state


def _pause(state: ShowState, agenda: Agenda, _: c.Pause, now: int) -> ShowState:
    item, timer = _current(state, agenda)
    if not timer.running:
        raise _Refused("Đồng hồ không chạy nên không thể tạm dừng.")
    return state.with_timer(item.id, timer.frozen_at(now))


def _resume(state: ShowState, agenda: Agenda, _: c.Resume, now: int) -> ShowState:
    item, timer = _current(state, agenda)
    if timer.running:
        raise _Refused("Đồng hồ đang chạy rồi.")
    if not timer.started:
        raise _Refused("Đồng hồ chưa bắt đầu: dùng lệnh Bắt đầu (start).")
    return state.with_timer(item.id, replace(timer, deadline_ms=now + timer.remaining_ms))


def _reset(state: ShowState, agenda: Agenda, _: c.Reset, now: int) -> ShowState:
    """Back to the full planned duration; a running timer keeps running from there."""
    item, timer = _current(state, agenda)
    fresh = Timer.fresh(item)
    if timer.running:
        fresh = replace(fresh, deadline_ms=now + fresh.remaining_ms, started=True)
    return state.with_timer(item.id, fresh)


def _adjust(state: ShowState, agenda: Agenda, command: c.Adjust, now: int) -> ShowState:
    item, timer = _current(state, agenda)
    if not item.timed:
        raise _Refused("Mục này đếm lên, không có thời lượng để thêm hoặc bớt.")
    if command.seconds == 0:
        raise _Refused("Số giây cần thêm hoặc bớt phải khác 0.")
    delta = command.seconds * 1000
    moved = replace(
        timer, remaining_ms=timer.remaining_ms + delta, adjust_ms=timer.adjust_ms + delta
    )
    if timer.deadline_ms is not None:
        moved = replace(moved, deadline_ms=timer.deadline_ms + delta)
    return state.with_timer(item.id, moved)


def _next(state: ShowState, agenda: Agenda, _: c.Next, now: int) -> ShowState:
    upcoming = _following_index(state, agenda)
    if upcoming is None:
        raise _Refused("Không còn mục tiếp theo: đây là mục cuối của chương trình.")
    return _enter(state, agenda, agenda.items[upcoming], now)


def _previous(state: ShowState, agenda: Agenda, _: c.Previous, now: int) -> ShowState:
    if state.current_id is None:
        cursor = agenda.get(state.cursor_id)
        if cursor is None:
            raise _Refused("Chương trình chưa bắt đầu: không có mục trước.")
        return _enter(state, agenda, cursor, now)
    index = agenda.index_of(state.current_id)
    if not index:
        raise _Refused("Không có mục trước: đây là mục đầu tiên của chương trình.")
    return _enter(state, agenda, agenda.items[index - 1], now)


def _goto(state: ShowState, agenda: Agenda, command: c.Goto, now: int) -> ShowState:
    item = agenda.get(command.item_id)
    if item is None:
        raise _Refused(f"Không có mục nào mang mã {command.item_id!r} trong chương trình.")
    if item.id == state.current_id:
        raise _Refused(f"Mục «{item.title}» đang diễn ra rồi.")
    return _enter(state, agenda, item, now)


def _message(state: ShowState, agenda: Agenda, command: c.Message, now: int) -> ShowState:
    stage = command.text if command.target in ("stage", "both") else state.stage_message
    mc = command.text if command.target in ("mc", "both") else state.mc_message
    return replace(state, stage_message=stage, mc_message=mc)


def _clear_message(
    state: ShowState, agenda: Agenda, command: c.ClearMessage, now: int
) -> ShowState:
    clears_stage = command.target in ("stage", "both") and state.stage_message is not None
    clears_mc = command.target in ("mc", "both") and state.mc_message is not None
    if not (clears_stage or clears_mc):
        raise _Refused("Không có tin nhắn nào đang hiển thị để xóa.")
    return replace(
        state,
        stage_message=None if clears_stage else state.stage_message,
        mc_message=None if clears_mc else state.mc_message,
    )


def _blackout(state: ShowState, agenda: Agenda, command: c.Blackout, now: int) -> ShowState:
    if state.blackout == command.on:
        raise _Refused(
            "Màn hình sân khấu đang tắt rồi." if command.on else "Màn hình sân khấu đang bật rồi."
        )
    return replace(state, blackout=command.on)


def _banner(state: ShowState, agenda: Agenda, _: c.Banner, now: int) -> ShowState:
    if state.current_id is None:
        raise _Refused("Sân khấu đang hiển thị băng rôn hội nghị rồi.")
    return replace(_leave(state, agenda, now), current_id=None)


_HANDLERS: dict[type, Callable[..., ShowState]] = {
    c.Start: _start,
    c.Pause: _pause,
    c.Resume: _resume,
    c.Reset: _reset,
    c.Adjust: _adjust,
    c.Next: _next,
    c.Previous: _previous,
    c.Goto: _goto,
    c.Message: _message,
    c.ClearMessage: _clear_message,
    c.Blackout: _blackout,
    c.Banner: _banner,
}


def _following_index(state: ShowState, agenda: Agenda) -> int | None:
    """Index of the item Next would bring on, or None at the end of the programme."""
    if state.current_id is not None:
        index = agenda.index_of(state.current_id)
        assert index is not None
        upcoming = index + 1
    elif state.cursor_id is not None:
        cursor = agenda.index_of(state.cursor_id)
        upcoming = 0 if cursor is None else cursor + 1
    else:
        upcoming = 0
    return upcoming if upcoming < len(agenda.items) else None


def _leave(state: ShowState, agenda: Agenda, now: int) -> ShowState:
    """The current item goes off: its timer is frozen and, if it ran, its end recorded.
    A message to its speaker goes with it (the MC's message stays)."""
    item_id = state.current_id
    timer = state.timer()
    if item_id is None or timer is None:
        return state
    state = replace(state.with_timer(item_id, timer.frozen_at(now)), stage_message=None)
    record = state.record(item_id)
    if record.actual_start_ms is not None:
        state = state.with_record(item_id, replace(record, actual_end_ms=now))
    return state


def _enter(state: ShowState, agenda: Agenda, item: Item, now: int) -> ShowState:
    """Bring `item` on. An item met before gets back its timer as it was left, paused."""
    state = _leave(state, agenda, now)
    if item.id not in state.timers:
        state = state.with_timer(item.id, Timer.fresh(item))
    return replace(state, current_id=item.id, cursor_id=item.id)


# --------------------------------------------------------------------------- #
# Restoring a state saved against an older version of the programme.


def reconcile(state: ShowState, agenda: Agenda) -> tuple[ShowState, list[str]]:
    """Fit a restored state to the programme as it is now, matching items by id.

    Timers and records of items that no longer exist are dropped. If the item
    that was on has vanished, the stage falls back to the banner. Returns the
    fitted state and warnings for the technician. The revision is kept.
    """
    known = {item.id for item in agenda.items}
    warnings: list[str] = []
    vanished = sorted((set(state.timers) | set(state.records)) - known)
    if vanished:
        warnings.append("Các mục không còn trong chương trình đã bị bỏ qua: " + ", ".join(vanished))
    current_id, cursor_id = state.current_id, state.cursor_id
    if current_id is not None and current_id not in known:
        warnings.append(
            f"Mục đang diễn ra ({current_id}) không còn trong chương trình: "
            "sân khấu quay về băng rôn hội nghị."
        )
        current_id = None
    if cursor_id is not None and cursor_id not in known:
        # Continue after the last item that actually ran, not from the top.
        ran = [item.id for item in agenda.items if item.id in state.records]
        cursor_id = ran[-1] if ran else None
    fitted = replace(
        state,
        current_id=current_id,
        cursor_id=cursor_id,
        timers=_frozen_map({k: v for k, v in state.timers.items() if k in known}),
        records=_frozen_map({k: v for k, v in state.records.items() if k in known}),
    )
    return fitted, warnings
