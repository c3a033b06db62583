"""The show engine: the state of a show and the transitions a command makes.

Pure and deterministic: no I/O, no clock of its own. `apply` takes the state,
the programme, a command and `now_ms` (epoch milliseconds) and returns either
the next state (revision + 1) or a refusal that changes nothing.

Three things are kept apart, because mixing them let ordinary mistakes hurt
the live show:

- the **position**: the item on now and its countdown timer;
- what the stage **displays** over it: two overlays, the conference banner and
  blackout, that never stop, end or move the item underneath;
- **what happened**: append-only visits per item (when its clock ran, by which
  command it started and ended), separate from the countdown, so that resetting
  a timer or going back and forth never rewrites the record.

Timers are absolute deadlines. While a timer runs, what is left is
``deadline_ms - now``; paused, the remaining time is kept as a number. Past the
deadline the item is in overtime and the remaining time is negative.

Which commands are possible now is one rule (`available`): `apply` refuses
what it does not list, and the console enables its buttons from the same list.
Every accepted command (but undo/redo) leaves an undo entry: the show as it was
before, kept as the fields the command changed.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields, replace
from types import MappingProxyType
from typing import Any, Literal

from runshow import commands as c
from runshow.agenda import Agenda, Item
from runshow.editing import EditRefused, describe_edit, edited
from runshow.errors import Problem, shown
from runshow.i18n import N_, _
from runshow.phrase import Duration, Phrase, phrase
from runshow.timefmt import duration_text

Phase = Literal["normal", "warning", "danger", "overtime", "ended"]

#: How many commands can be undone (the oldest are forgotten beyond this).
UNDO_DEPTH = 30


@dataclass(frozen=True)
class Timer:
    """One item's countdown. `deadline_ms` is set exactly while it runs."""

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
class Visit:
    """One stay of an item on stage with its clock running, as it happened.

    Opens when the item's clock first runs (start, resume, or a reset of a
    running clock), gains a run per pause/resume, and closes when the item is
    left or its clock is reset. A closed visit never changes again.
    """

    item_id: str
    started_by: str
    runs: tuple[tuple[int, int | None], ...]  # [start, end) while the clock ran; end None: running
    ended_ms: int | None = None
    ended_by: str | None = None

    @property
    def started_ms(self) -> int:
        return self.runs[0][0]

    @property
    def open(self) -> bool:
        return self.ended_ms is None

    @property
    def running(self) -> bool:
        return self.runs[-1][1] is None

    def run_ms(self, now_ms: int) -> int:
        """How long the clock ran during this visit, up to `now_ms`."""
        return sum((now_ms if end is None else end) - start for start, end in self.runs)

    def stopped(self, now_ms: int) -> Visit:
        if not self.running:
            return self
        return replace(self, runs=(*self.runs[:-1], (self.runs[-1][0], now_ms)))


@dataclass(frozen=True)
class UndoEntry:
    """One command that can be undone (or, on the redo stack, redone).

    `changes` is the show as it was before the command, kept as only what the
    command changed (see `changes_between`): generic over ShowState's fields,
    so that whatever the show comes to hold (the programme's version, when it
    is edited live) is undone without a special case, and small enough to be
    saved with every command. `command` is the command as sent, for redo.
    Redo entries keep no changes: redo applies the command again, now.
    """

    words: Phrase
    command: Mapping[str, Any]
    changes: Mapping[str, Any] = field(default_factory=lambda: _frozen_map())

    @property
    def label(self) -> str:
        """What the command did, in words, in the current language."""
        return self.words.said()


def _frozen_map(values: Mapping[str, Any] | None = None) -> Mapping[str, Any]:
    return MappingProxyType(dict(values or {}))


@dataclass(frozen=True)
class ShowState:
    """Everything the show is at one revision.

    Position: `current_id` is the item on (None before the first item and
    after the last: the stage shows the banner then). `cursor_id` is the item
    most recently on, so that the show continues from there. Timers of items
    left behind are kept, frozen, in `timers`.

    Display: `banner` and `blackout` are overlays on the stage only.
    Programme: `programme_version` names the programme the show runs on: 0 is
    the agenda file, a live edit makes the version numbered by its revision
    (so undoing an edit puts the programme back with the rest of the show).
    History: `visits`, append-only. Undo/redo: the two stacks, newest last.
    """

    revision: int = 0
    current_id: str | None = None
    cursor_id: str | None = None
    timers: Mapping[str, Timer] = field(default_factory=_frozen_map)
    visits: tuple[Visit, ...] = ()
    stage_message: str | None = None
    mc_message: str | None = None
    speaker_message: str | None = None
    #: Each message's colour (a preset's), by where it shows: "stage", "mc", "speaker".
    message_colours: Mapping[str, str] = field(default_factory=_frozen_map)
    flash_target: str | None = None  # the last `flash`: its target and deadline
    flash_until_ms: int | None = None
    blackout: bool = False
    banner: bool = False
    programme_version: int = 0
    undo: tuple[UndoEntry, ...] = ()
    redo: tuple[UndoEntry, ...] = ()

    def timer(self) -> Timer | None:
        return None if self.current_id is None else self.timers.get(self.current_id)

    def with_timer(self, item_id: str, timer: Timer) -> ShowState:
        return replace(self, timers=_frozen_map({**self.timers, item_id: timer}))

    def visits_of(self, item_id: str) -> list[Visit]:
        return [visit for visit in self.visits if visit.item_id == item_id]

    def visited(self) -> set[str]:
        """Ids of the items whose clock has run at least once."""
        return {visit.item_id for visit in self.visits}

    @property
    def shows_banner(self) -> bool:
        """What the stage displays: the banner when it is switched on or nothing is on."""
        return self.banner or self.current_id is None


# --------------------------------------------------------------------------- #
# Outcomes.


RefusalCode = Literal["stale_revision", "moved_on", "not_possible", "invalid"]


@dataclass(frozen=True)
class Refusal:
    """A command that changed nothing, and why, in plain words."""

    code: RefusalCode
    reason: str
    problems: tuple[Problem, ...] = ()


@dataclass(frozen=True)
class Accepted:
    """The next state, and `note`: something the sender should know (a clamp)."""

    state: ShowState
    note: str | None = None
    programme: Agenda | None = None  # a new programme version, made by an edit


Outcome = Accepted | Refusal


class _Refused(Exception):
    def __init__(self, reason: str, problems: tuple[Problem, ...] = ()):
        self.reason = reason
        self.problems = problems


@dataclass(frozen=True)
class _Edited:
    """What an edit's handler returns: the show, a note, and the new programme."""

    state: ShowState
    note: str | None
    programme: Agenda


# --------------------------------------------------------------------------- #
# What is possible now: one rule, for `apply` and for the console's buttons.


def _upcoming(state: ShowState, agenda: Agenda) -> Item | None:
    """The item Next (or Start from the banner) would bring on; None at the end."""
    if state.current_id is not None:
        index = agenda.index_of(state.current_id)
        assert index is not None
        upcoming = index + 1
    elif state.cursor_id is not None:
        cursor = agenda.index_of(state.cursor_id)
        upcoming = 0 if cursor is None else cursor + 1
    else:
        upcoming = 0
    return agenda.items[upcoming] if upcoming < len(agenda.items) else None


def _start_target(state: ShowState, agenda: Agenda) -> Item | None:
    """The item Start acts on: the one on, or from the banner the one to come."""
    if state.current_id is not None:
        return agenda.get(state.current_id)
    return _upcoming(state, agenda)


_NOTHING_ON = N_("Chưa có mục nào đang diễn ra: hãy chọn một mục trước.")
_CLOCK_RUNNING = N_("Đồng hồ đang chạy rồi.")
_NO_MESSAGE_SHOWN = N_("Không có tin nhắn nào đang hiển thị để xóa.")


def _why_not_start(state: ShowState, agenda: Agenda) -> str | None:
    item = _start_target(state, agenda)
    if item is None:
        return _("Chương trình đã hết mục: không còn mục nào để bắt đầu.")
    timer = state.timers.get(item.id)
    if timer is None or not timer.started:
        return None
    if timer.running:
        return _(_CLOCK_RUNNING)
    if state.current_id is None:
        # Start would bring it back straight into whatever time it had left (or overtime).
        return _(
            "Mục «%(title)s» đã diễn ra: đưa mục lên (Tiếp theo hoặc Chuyển đến) "
            "rồi dùng Tiếp tục (resume).",
            title=item.title,
        )
    return _("Đồng hồ đang tạm dừng: dùng lệnh Tiếp tục (resume).")


def _why_not_pause(state: ShowState, agenda: Agenda) -> str | None:
    timer = state.timer()
    if timer is None:
        return _(_NOTHING_ON)
    return None if timer.running else _("Đồng hồ không chạy nên không thể tạm dừng.")


def _why_not_resume(state: ShowState, agenda: Agenda) -> str | None:
    timer = state.timer()
    if timer is None:
        return _(_NOTHING_ON)
    if timer.running:
        return _(_CLOCK_RUNNING)
    return None if timer.started else _("Đồng hồ chưa bắt đầu: dùng lệnh Bắt đầu (start).")


def _why_not_reset(state: ShowState, agenda: Agenda) -> str | None:
    timer, item = state.timer(), agenda.get(state.current_id)
    if timer is None or item is None:
        return _(_NOTHING_ON)
    if timer == Timer.fresh(item):
        return _("Đồng hồ đang ở thời lượng ban đầu rồi: không có gì để đặt lại.")
    return None


def _why_not_adjust(state: ShowState, agenda: Agenda) -> str | None:
    item = agenda.get(state.current_id)
    if item is None or state.timer() is None:
        return _(_NOTHING_ON)
    return None if item.timed else _("Mục này đếm lên, không có thời lượng để thêm hoặc bớt.")


def _why_not_next(state: ShowState, agenda: Agenda) -> str | None:
    if state.current_id is None and _upcoming(state, agenda) is None:
        return _("Không còn mục tiếp theo: chương trình đã kết thúc.")
    return None


def _why_not_previous(state: ShowState, agenda: Agenda) -> str | None:
    if state.current_id is None:
        if agenda.get(state.cursor_id) is None:
            return _("Chương trình chưa bắt đầu: không có mục trước.")
        return None
    if not agenda.index_of(state.current_id):
        return _("Không có mục trước: đây là mục đầu tiên của chương trình.")
    return None


def _why_not_goto(state: ShowState, agenda: Agenda) -> str | None:
    others = [item for item in agenda.items if item.id != state.current_id]
    return None if others else _("Chương trình chỉ có mục đang diễn ra.")


def _why_not_clear_message(state: ShowState, agenda: Agenda) -> str | None:
    if state.stage_message is None and state.mc_message is None and state.speaker_message is None:
        return _(_NO_MESSAGE_SHOWN)
    return None


def _why_not_banner(state: ShowState, agenda: Agenda) -> str | None:
    if state.current_id is None and not state.banner:
        return _("Chưa có mục nào trên sân khấu: sân khấu đang hiển thị băng rôn hội nghị rồi.")
    return None


def _why_not_undo(state: ShowState, agenda: Agenda) -> str | None:
    return None if state.undo else _("Không có thao tác nào để hoàn tác.")


def _why_not_redo(state: ShowState, agenda: Agenda) -> str | None:
    return None if state.redo else _("Không có thao tác nào để làm lại.")


def _always(state: ShowState, agenda: Agenda) -> str | None:
    return None


_RULES: dict[str, Callable[[ShowState, Agenda], str | None]] = {
    "start": _why_not_start,
    "pause": _why_not_pause,
    "resume": _why_not_resume,
    "reset": _why_not_reset,
    "adjust": _why_not_adjust,
    "next": _why_not_next,
    "previous": _why_not_previous,
    "goto": _why_not_goto,
    "message": _always,
    "clear_message": _why_not_clear_message,
    "flash": _always,
    "blackout": _always,
    "banner": _why_not_banner,
    "undo": _why_not_undo,
    "redo": _why_not_redo,
    **{name: _always for name in c.EDIT_COMMAND_NAMES},
}
assert set(_RULES) == set(c.COMMAND_NAMES), "every command needs its rule"


def available(state: ShowState, agenda: Agenda) -> list[str]:
    """The commands possible now, by name (arguments may still make one impossible)."""
    return [name for name, why_not in _RULES.items() if why_not(state, agenda) is None]


# --------------------------------------------------------------------------- #
# Guards: a command names what the sender saw; if the show is no longer there,
# nothing happens (a bounce, a double-click or a second console acts once).


def _moved_on(state: ShowState, agenda: Agenda, command: c.Command) -> Refusal | None:
    if isinstance(command, c.PositionCommand):
        if not command.names_position():
            return None
        seen, now_on = command.from_id, state.current_id
    elif isinstance(command, c.ClockCommand):
        if command.item_id is None:
            return None
        target = (
            _start_target(state, agenda)
            if isinstance(command, c.Start)
            else agenda.get(state.current_id)
        )
        seen, now_on = command.item_id, None if target is None else target.id
    else:
        return None
    if seen == now_on:
        return None
    return Refusal(
        "moved_on",
        _(
            "Chương trình đã chuyển sang %(now_on)s (lệnh gửi khi đang ở %(seen)s): lệnh "
            "không được thực hiện. Hãy xem lại rồi thử lại.",
            now_on=_position_words(agenda, now_on),
            seen=_position_words(agenda, seen),
        ),
    )


def _position_words(agenda: Agenda, item_id: str | None) -> str:
    item = agenda.get(item_id)
    if item is None:
        return _("băng rôn hội nghị") if item_id is None else _("mục %(id)s", id=repr(item_id))
    return _("mục %(number)s «%(title)s»", number=item.index + 1, title=item.title)


#: Commands whose effect does not depend on what happened just before: two
#: quick "+10 s" add 20 s, so they never need the revision the sender saw.
_COMMUTATIVE = (c.Adjust, c.Message, c.ClearMessage, c.Flash, c.Blackout, c.Banner)


def _stale(state: ShowState, command: c.Command) -> Refusal | None:
    if command.revision is None or command.revision == state.revision:
        return None
    if isinstance(command, _COMMUTATIVE):
        return None
    if isinstance(command, c.PositionCommand) and command.names_position():
        return None  # `from` says precisely what the sender saw
    if isinstance(command, c.ClockCommand) and command.item_id is not None:
        return None
    return Refusal(
        "stale_revision",
        _(
            "Lệnh dựa trên phiên bản %(sent)s nhưng chương trình đã ở phiên bản %(now)s: "
            "có người vừa thao tác trước. Hãy xem lại rồi thử lại.",
            sent=command.revision,
            now=state.revision,
        ),
    )


# --------------------------------------------------------------------------- #
# Applying a command.


def apply(state: ShowState, agenda: Agenda, command: c.Command, now_ms: int) -> Outcome:
    """Apply one command at `now_ms`. Accepted states carry revision + 1."""
    refusal = _moved_on(state, agenda, command) or _stale(state, command)
    if refusal is not None:
        return refusal
    why_not = _RULES[command.command](state, agenda)
    if why_not is not None:
        return Refusal("not_possible", why_not)
    try:
        if isinstance(command, c.Undo):
            done = _undo(state)
        elif isinstance(command, c.Redo):
            done = _redo(state, agenda, now_ms)
        else:
            done = _perform(state, agenda, command, now_ms)
            done.history["redo"] = ()
    except _Refused as refused:
        code: RefusalCode = "invalid" if refused.problems else "not_possible"
        return Refusal(code, refused.reason, refused.problems)
    new_state = replace(done.state, revision=state.revision + 1, **done.history)
    return Accepted(new_state, done.note, done.programme)


@dataclass
class _Done:
    """A command carried out: the show it made, and its undo/redo stacks as they
    become (one `replace` for the history and the revision: the engine's hot path)."""

    state: ShowState
    history: dict[str, tuple[UndoEntry, ...]]
    note: str | None = None
    programme: Agenda | None = None


def _perform(state: ShowState, agenda: Agenda, command: c.Command, now: int) -> _Done:
    """Run a command's handler and remember the show as it was, for undo."""
    result = _HANDLERS[type(command)](state, agenda, command, now)
    programme = None
    if isinstance(result, _Edited):
        changed, note, programme = result.state, result.note, result.programme
    else:
        changed, note = result if isinstance(result, tuple) else (result, None)
    entry = UndoEntry(
        words=describe(command, state, changed, agenda),
        command=_frozen_map(command.replayable()),
        changes=changes_between(state, changed),
    )
    return _Done(changed, {"undo": (*state.undo, entry)[-UNDO_DEPTH:]}, note, programme)


def _undo(state: ShowState) -> _Done:
    entry = state.undo[-1]
    redo_entry = UndoEntry(entry.words, entry.command)
    history = {"undo": state.undo[:-1], "redo": (*state.redo, redo_entry)}
    return _Done(restore(state, entry.changes), history)


def _redo(state: ShowState, agenda: Agenda, now: int) -> _Done:
    """Apply the undone command again, now (a clock that ran since counts as run)."""
    entry = state.redo[-1]
    command = c.parse_command(dict(entry.command))
    refusal = _moved_on(state, agenda, command)
    why_not = refusal.reason if refusal else _RULES[command.command](state, agenda)
    if why_not is not None:
        raise _Refused(_("Không thể làm lại «%(label)s»: %(why)s", label=entry.label, why=why_not))
    done = _perform(state, agenda, command, now)
    done.history["redo"] = state.redo[:-1]
    return done


# --- undo entries: the fields a command changed, as they were ---------------- #

#: Fields that undo never puts back: they describe the history, not the show.
_NOT_UNDONE = frozenset({"revision", "undo", "redo"})


@dataclass(frozen=True)
class MapChanges:
    """A mapping field as it was: the keys that changed with their old values
    (`absent`: keys that did not exist)."""

    values: Mapping[str, Any]
    absent: tuple[str, ...] = ()


@dataclass(frozen=True)
class TailChanges:
    """A tuple field as it was: the first `keep` elements are the same, then `tail`."""

    keep: int
    tail: tuple[Any, ...]


def changes_between(before: ShowState, after: ShowState) -> Mapping[str, Any]:
    """What must be put back on `after` to get `before` (except history fields)."""
    changes: dict[str, Any] = {}
    for spec in fields(ShowState):
        if spec.name in _NOT_UNDONE:
            continue
        old, new = getattr(before, spec.name), getattr(after, spec.name)
        if old is new or old == new:
            continue
        if isinstance(old, Mapping):
            changed = {k: v for k, v in old.items() if new.get(k, _MISSING) != v}
            absent = tuple(k for k in new if k not in old)
            changes[spec.name] = MapChanges(_frozen_map(changed), absent)
        elif isinstance(old, tuple):
            keep = 0
            while keep < min(len(old), len(new)) and old[keep] == new[keep]:
                keep += 1
            changes[spec.name] = TailChanges(keep, old[keep:])
        else:
            changes[spec.name] = old
    return _frozen_map(changes)


_MISSING = object()


def restore(state: ShowState, changes: Mapping[str, Any]) -> ShowState:
    """`state` with `changes` put back (the inverse of `changes_between`)."""
    values: dict[str, Any] = {}
    for name, change in changes.items():
        current = getattr(state, name)
        if isinstance(change, MapChanges):
            merged = {k: v for k, v in current.items() if k not in change.absent}
            values[name] = _frozen_map(merged | dict(change.values))
        elif isinstance(change, TailChanges):
            values[name] = (*current[: change.keep], *change.tail)
        else:
            values[name] = change
    return replace(state, **values)


# --- labels: what an undo would revert, in words ------------------------------ #


def _item_words(agenda: Agenda, item_id: str | None) -> Phrase | None:
    item = agenda.get(item_id)
    return None if item is None else phrase(N_("mục %(number)s"), number=item.index + 1)


#: Who a message or a flash is for, in the undo button's words.
_MESSAGE_TARGETS = {
    "speaker": N_("diễn giả"),
    "stage": N_("màn hình sân khấu"),
    "mc": N_("MC"),
    "both": N_("sân khấu và MC"),
    "all": N_("mọi màn hình"),
}

#: The undo button's words for the commands that only name the item on.
_VERBS = {
    "start": (N_("Bắt đầu %(item)s"), N_("Bắt đầu")),
    "pause": (N_("Tạm dừng %(item)s"), N_("Tạm dừng")),
    "resume": (N_("Tiếp tục %(item)s"), N_("Tiếp tục")),
    "reset": (N_("Đặt lại đồng hồ %(item)s"), N_("Đặt lại đồng hồ")),
    "clear_message": (N_("Xóa tin nhắn %(item)s"), N_("Xóa tin nhắn")),
}


def describe(command: c.Command, before: ShowState, after: ShowState, agenda: Agenda) -> Phrase:
    """The command as the undo button names it: "Chuyển sang mục 7" (said in each
    console's language: runshow/phrase.py)."""
    on = _item_words(agenda, after.current_id)
    if isinstance(command, c.PositionCommand):
        if on is None:
            return phrase(N_("Kết thúc chương trình (băng rôn)"))
        return phrase(N_("Chuyển sang %(item)s"), item=on)
    if isinstance(command, c.Adjust):
        added = after.timer().adjust_ms - before.timer().adjust_ms  # type: ignore[union-attr]
        message = N_("Thêm %(time)s (%(item)s)") if added > 0 else N_("Bớt %(time)s (%(item)s)")
        return phrase(message, time=Duration(added), item=on or "")
    if isinstance(command, c.Message):
        return phrase(N_("Gửi tin nhắn cho %(target)s"), target=_target(command.target))
    if isinstance(command, c.Flash):
        return phrase(
            N_("Nháy %(target)s %(seconds)s giây"),
            target=_target(command.target),
            seconds=command.seconds,
        )
    if isinstance(command, c.Blackout):
        return phrase(N_("Bật màn hình đen") if command.on else N_("Tắt màn hình đen"))
    if isinstance(command, c.Banner):
        return phrase(N_("Hiện băng rôn") if command.on else N_("Tắt băng rôn"))
    if isinstance(command, c.EditCommand):
        return describe_edit(command, agenda)
    with_item, alone = _VERBS[command.command]
    return phrase(alone) if on is None else phrase(with_item, item=on)


def _target(target: str) -> Phrase:
    return phrase(_MESSAGE_TARGETS[target])


# --- the handlers ------------------------------------------------------------- #

Handled = ShowState | tuple[ShowState, str | None]


def _current(state: ShowState, agenda: Agenda) -> tuple[Item, Timer]:
    item = agenda.get(state.current_id)
    timer = state.timer()
    if item is None or timer is None:
        raise _Refused(_(_NOTHING_ON))
    return item, timer


def _run(state: ShowState, item: Item, timer: Timer, now: int, by: str) -> ShowState:
    """Set `item`'s clock running from its remaining time; its visit gains a run."""
    state = state.with_timer(
        item.id, replace(timer, deadline_ms=now + timer.remaining_ms, started=True)
    )
    visits = list(state.visits)
    open_index = _open_visit_index(state, item.id)
    if open_index is None:
        visits.append(Visit(item.id, started_by=by, runs=((now, None),)))
    else:
        visit = visits[open_index]
        visits[open_index] = replace(visit, runs=(*visit.runs, (now, None)))
    return replace(state, visits=tuple(visits))


def _open_visit_index(state: ShowState, item_id: str) -> int | None:
    for index in range(len(state.visits) - 1, -1, -1):
        visit = state.visits[index]
        if visit.item_id == item_id:
            return index if visit.open else None
    return None


def _stop_visit(state: ShowState, item_id: str, now: int, *, ended_by: str | None) -> ShowState:
    """The item's clock stopped: its run ends; with `ended_by`, its visit too."""
    index = _open_visit_index(state, item_id)
    if index is None:
        return state
    visit = state.visits[index].stopped(now)
    if ended_by is not None:
        visit = replace(visit, ended_ms=now, ended_by=ended_by)
    return replace(state, visits=(*state.visits[:index], visit, *state.visits[index + 1 :]))


def _start(state: ShowState, agenda: Agenda, command: c.Start, now: int) -> ShowState:
    if state.current_id is None:
        upcoming = _upcoming(state, agenda)
        assert upcoming is not None  # `available` said so
        state = _enter(state, agenda, upcoming, now, by=command.command)
    item, timer = _current(state, agenda)
    return replace(_run(state, item, timer, now, by=command.command), banner=False)


def _pause(state: ShowState, agenda: Agenda, command: c.Pause, now: int) -> ShowState:
    item, timer = _current(state, agenda)
    state = state.with_timer(item.id, timer.frozen_at(now))
    return _stop_visit(state, item.id, now, ended_by=None)


def _resume(state: ShowState, agenda: Agenda, command: c.Resume, now: int) -> ShowState:
    item, timer = _current(state, agenda)
    return _run(state, item, timer, now, by=command.command)


def _reset(state: ShowState, agenda: Agenda, command: c.Reset, now: int) -> ShowState:
    """Back to the full planned duration; a running timer keeps running from there.
    The visit so far stays in the record; a running clock starts a new one."""
    item, timer = _current(state, agenda)
    state = _stop_visit(state, item.id, now, ended_by=command.command)
    fresh = Timer.fresh(item)
    if timer.running:
        return _run(state, item, fresh, now, by=command.command)
    return state.with_timer(item.id, fresh)


def _adjust(state: ShowState, agenda: Agenda, command: c.Adjust, now: int) -> Handled:
    """Add or take time. A countdown never goes below 0 s left by adjusting:
    taking more than is left stops at 0 (and says so)."""
    item, timer = _current(state, agenda)
    if command.seconds == 0:
        raise _Refused(_("Số giây cần thêm hoặc bớt phải khác 0."))
    delta = command.seconds * 1000
    left = timer.remaining_at(now)
    note = None
    if left + delta < 0:
        if delta > 0:
            pass  # adding time in overtime: still in overtime, but by less
        elif left <= 0:
            raise _Refused(
                _("Đồng hồ đã về 0 giây (hoặc đang quá giờ): không thể bớt thêm thời gian.")
            )
        else:
            delta = -left
            note = _(
                "Chỉ còn %(left)s: đã bớt đến 0 giây (không bớt quá 0).", left=duration_text(left)
            )
    moved = replace(
        timer, remaining_ms=timer.remaining_ms + delta, adjust_ms=timer.adjust_ms + delta
    )
    if timer.deadline_ms is not None:
        moved = replace(moved, deadline_ms=timer.deadline_ms + delta)
    return state.with_timer(item.id, moved), note


def _next(state: ShowState, agenda: Agenda, command: c.Next, now: int) -> ShowState:
    upcoming = _upcoming(state, agenda)
    if upcoming is None:
        # Next on the last item ends the programme: the stage shows the banner.
        return replace(_leave(state, now, by=command.command), current_id=None, banner=False)
    return _enter(state, agenda, upcoming, now, by=command.command)


def _previous(state: ShowState, agenda: Agenda, command: c.Previous, now: int) -> ShowState:
    if state.current_id is None:
        cursor = agenda.get(state.cursor_id)
        assert cursor is not None  # `available` said so
        return _enter(state, agenda, cursor, now, by=command.command)
    index = agenda.index_of(state.current_id)
    assert index  # `available` said so
    return _enter(state, agenda, agenda.items[index - 1], now, by=command.command)


def _goto(state: ShowState, agenda: Agenda, command: c.Goto, now: int) -> ShowState:
    item = agenda.get(command.item_id)
    if item is None:
        raise _Refused(
            _("Không có mục nào mang mã %(id)s trong chương trình.", id=shown(command.item_id))
        )
    if item.id == state.current_id:
        raise _Refused(_("Mục «%(title)s» đang diễn ra rồi.", title=item.title))
    return _enter(state, agenda, item, now, by=command.command)


#: Where each message target shows.
_REACHES: dict[str, tuple[str, ...]] = {
    "stage": ("stage",),
    "mc": ("mc",),
    "speaker": ("speaker",),
    "both": ("stage", "mc"),
    "all": ("stage", "mc", "speaker"),
}


def _message(state: ShowState, agenda: Agenda, command: c.Message, now: int) -> ShowState:
    reached = _REACHES[command.target]
    stage = command.text if "stage" in reached else state.stage_message
    mc = command.text if "mc" in reached else state.mc_message
    speaker = command.text if "speaker" in reached else state.speaker_message
    colours = _colours_without(state, reached)
    if command.colour is not None:
        colours |= dict.fromkeys(reached, command.colour)
    texts = (state.stage_message, state.mc_message, state.speaker_message)
    if (stage, mc, speaker) == texts and colours == dict(state.message_colours):
        raise _Refused(_("Tin nhắn này đang hiển thị rồi."))
    return replace(
        state,
        stage_message=stage,
        mc_message=mc,
        speaker_message=speaker,
        message_colours=_frozen_map(colours),
    )


def _colours_without(state: ShowState, places: tuple[str, ...]) -> dict[str, str]:
    return {place: colour for place, colour in state.message_colours.items() if place not in places}


def _flash(state: ShowState, agenda: Agenda, command: c.Flash, now: int) -> ShowState:
    return replace(state, flash_target=command.target, flash_until_ms=now + command.seconds * 1000)


def _clear_message(
    state: ShowState, agenda: Agenda, command: c.ClearMessage, now: int
) -> ShowState:
    every = command.target in ("both", "all")
    clears_stage = (every or command.target == "stage") and state.stage_message is not None
    clears_mc = (every or command.target == "mc") and state.mc_message is not None
    clears_speaker = (every or command.target == "speaker") and state.speaker_message is not None
    if not (clears_stage or clears_mc or clears_speaker):
        raise _Refused(_(_NO_MESSAGE_SHOWN))
    clears = {"stage": clears_stage, "mc": clears_mc, "speaker": clears_speaker}
    cleared = tuple(place for place, cleared_here in clears.items() if cleared_here)
    return replace(
        state,
        stage_message=None if clears_stage else state.stage_message,
        mc_message=None if clears_mc else state.mc_message,
        speaker_message=None if clears_speaker else state.speaker_message,
        message_colours=_frozen_map(_colours_without(state, cleared)),
    )


def _blackout(state: ShowState, agenda: Agenda, command: c.Blackout, now: int) -> ShowState:
    if state.blackout == command.on:
        raise _Refused(
            _("Màn hình sân khấu đang tắt rồi.")
            if command.on
            else _("Màn hình sân khấu đang bật rồi.")
        )
    return replace(state, blackout=command.on)


def _banner(state: ShowState, agenda: Agenda, command: c.Banner, now: int) -> ShowState:
    """An overlay on the stage: the item and its clock go on underneath."""
    if state.banner == command.on:
        raise _Refused(
            _("Sân khấu đang hiển thị băng rôn hội nghị rồi.")
            if command.on
            else _("Băng rôn đang tắt rồi: sân khấu đang hiển thị mục.")
        )
    return replace(state, banner=command.on)


def _edit(state: ShowState, agenda: Agenda, command: c.EditCommand, now: int) -> _Edited:
    """A change to the programme. The item on stays on and keeps its deadline, unless
    its length changes: then its deadline moves by the difference (and says so)."""
    if isinstance(command, c.RemoveItem):
        state = _removable(state, agenda, command.item_id)
    try:
        programme = edited(agenda, command)
    except EditRefused as refused:
        raise _Refused(refused.reason, tuple(refused.problems)) from None
    note = None
    timers = dict(state.timers)
    for item_id, timer in state.timers.items():
        old, new = agenda.get(item_id), programme.get(item_id)
        if old is None or new is None or old.duration_ms == new.duration_ms:
            continue
        if not timer.started:
            timers[item_id] = Timer.fresh(new)
        else:
            delta = new.duration_ms - old.duration_ms
            timers[item_id] = replace(
                timer,
                duration_ms=timer.duration_ms + delta,
                remaining_ms=timer.remaining_ms + delta,
                deadline_ms=None if timer.deadline_ms is None else timer.deadline_ms + delta,
            )
            if item_id == state.current_id:
                change = {"change": duration_text(abs(delta))}
                change["length"] = duration_text(new.duration_ms)
                note = (
                    _(
                        "Đồng hồ của mục đang diễn ra được thêm %(change)s theo thời lượng mới "
                        "(%(length)s).",
                        **change,
                    )
                    if delta > 0
                    else _(
                        "Đồng hồ của mục đang diễn ra được bớt %(change)s theo thời lượng mới "
                        "(%(length)s).",
                        **change,
                    )
                )
    state = replace(state, timers=_frozen_map(timers), programme_version=state.revision + 1)
    return _Edited(state, note, programme)


def _removable(state: ShowState, agenda: Agenda, item_id: str) -> ShowState:
    """Refuse removing the item on or one that already ran; the show without its timer."""
    item = agenda.get(item_id)
    if item is None:
        return state  # the edit says there is no such item
    if item_id == state.current_id:
        raise _Refused(
            _(
                "Không xóa được mục đang diễn ra «%(title)s»: hãy chuyển sang mục khác trước.",
                title=item.title,
            )
        )
    if item_id in state.visited():
        raise _Refused(
            _("Mục «%(title)s» đã diễn ra: không xóa được (báo cáo cần mục này).", title=item.title)
        )
    cursor_id = state.cursor_id
    if cursor_id == item_id:  # the show continues after the item before it
        cursor_id = agenda.items[item.index - 1].id if item.index else None
    timers = {key: timer for key, timer in state.timers.items() if key != item_id}
    return replace(state, cursor_id=cursor_id, timers=_frozen_map(timers))


_HANDLERS: dict[type, Callable[..., Handled | _Edited]] = {
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
    c.Flash: _flash,
    c.Blackout: _blackout,
    c.Banner: _banner,
    **{command: _edit for command in c.EDIT_COMMANDS},
}


def _leave(state: ShowState, now: int, *, by: str) -> ShowState:
    """The current item goes off: its timer is frozen and its visit, if open, ends.
    Messages to its speaker (on /speaker and on /stage) go with it; the MC's stays."""
    item_id = state.current_id
    timer = state.timer()
    if item_id is None or timer is None:
        return state
    state = replace(
        state.with_timer(item_id, timer.frozen_at(now)),
        stage_message=None,
        speaker_message=None,
        message_colours=_frozen_map(_colours_without(state, ("stage", "speaker"))),
    )
    return _stop_visit(state, item_id, now, ended_by=by)


def _enter(state: ShowState, agenda: Agenda, item: Item, now: int, *, by: str) -> ShowState:
    """Bring `item` on, in full view (the banner is lifted). An item met before
    gets back its timer as it was left, paused."""
    state = _leave(state, now, by=by)
    if item.id not in state.timers:
        state = state.with_timer(item.id, Timer.fresh(item))
    return replace(state, current_id=item.id, cursor_id=item.id, banner=False)


# --------------------------------------------------------------------------- #
# Restoring a state saved against an older version of the programme.


def reconcile(state: ShowState, agenda: Agenda) -> tuple[ShowState, list[str]]:
    """Fit a restored state to the programme as it is now, matching items by id.

    Timers and visits of items that no longer exist are dropped, and so is the
    undo history (it may name them). If the item that was on has vanished, the
    stage falls back to the banner. Returns the fitted state and warnings for
    the technician. The revision is kept.
    """
    known = {item.id for item in agenda.items}
    vanished = sorted((set(state.timers) | state.visited()) - known)
    if not vanished and (state.current_id is None or state.current_id in known):
        return state, []
    warnings = [
        _("Các mục không còn trong chương trình đã bị bỏ qua: %(ids)s", ids=", ".join(vanished))
    ]
    current_id, cursor_id = state.current_id, state.cursor_id
    if current_id is not None and current_id not in known:
        warnings.append(
            _(
                "Mục đang diễn ra (%(id)s) không còn trong chương trình: "
                "sân khấu quay về băng rôn hội nghị.",
                id=current_id,
            )
        )
        current_id = None
    visits = tuple(visit for visit in state.visits if visit.item_id in known)
    if cursor_id is not None and cursor_id not in known:
        # Continue after the last item that actually ran, not from the top.
        ran = {visit.item_id for visit in visits}
        ran_ids = [item.id for item in agenda.items if item.id in ran]
        cursor_id = ran_ids[-1] if ran_ids else None
    fitted = replace(
        state,
        current_id=current_id,
        cursor_id=cursor_id,
        timers=_frozen_map({k: v for k, v in state.timers.items() if k in known}),
        visits=visits,
        banner=state.banner and current_id is not None,
        undo=(),
        redo=(),
    )
    return fitted, warnings
