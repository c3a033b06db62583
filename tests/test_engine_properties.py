"""Properties of the engine over random evenings at the control desk.

Hypothesis plays random sequences of commands, some based on a stale revision
or naming where the show was, undo and redo among them, with random pauses
between them, against the small programme. The test keeps its own account of
how long each item's clock has run, from the commands that were accepted (an
undone command, as if it had never been sent), and checks the engine's timers
and recorded visits against it at every step.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, fields

from hypothesis import given, note, settings
from hypothesis import strategies as st

from runshow.agenda import Agenda
from runshow.commands import parse_command
from runshow.engine import Accepted, Refusal, ShowState, apply
from runshow.schedule import schedule_view
from runshow.store import state_from_dict, state_to_dict
from tests.core_helpers import MINUTE, SECOND, SMALL_IDS, small_agenda

AGENDA = small_agenda()


def _payloads() -> list[dict]:
    """Every command the desk can send here, the clock ones several times over so
    that clocks often run, stop, are left and are met again."""
    timer = [{"command": "start"}] * 5 + [{"command": "pause"}] * 3 + [{"command": "resume"}] * 3
    timer += [{"command": "reset"}]
    timer += [{"command": "adjust", "seconds": s} for s in (-600, -60, -10, -1, 0, 1, 30, 300)]
    moves = [{"command": "next"}] * 3 + [{"command": "previous"}] * 3
    moves += [{"command": "goto", "item_id": item_id} for item_id in (*SMALL_IDS, "khong-co")]
    moves += [{"command": "banner"}, {"command": "banner", "on": False}]
    moves += [{"command": "undo"}] * 4 + [{"command": "redo"}] * 2
    others = [
        {"command": "message", "text": "Còn 2 phút", "target": target}
        for target in ("stage", "mc", "both")
    ]
    others += [{"command": "clear_message"}, {"command": "clear_message", "target": "mc"}]
    others += [{"command": "blackout", "on": True}, {"command": "blackout", "on": False}]
    return timer + moves + others


PAYLOADS = st.sampled_from(_payloads())

# How the sender says what it saw: not at all, the current revision, an old one,
# or (position and clock commands) the item on, as the console does.
REVISIONS = st.sampled_from(["none", "none", "current", "stale", "where"])

# Time before each command: often none at all, sometimes long past a deadline.
STEPS_MS = st.one_of(
    st.just(0),
    st.integers(min_value=1, max_value=2 * SECOND),
    st.integers(min_value=0, max_value=20 * MINUTE),
)

EVENINGS = st.lists(st.tuples(PAYLOADS, REVISIONS, STEPS_MS), max_size=40)

SETTINGS = settings(deadline=None, max_examples=200)


# --------------------------------------------------------------------------- #
# The test's own account of each clock.


@dataclass
class Clock:
    """How long one item's clock has run, counted from the commands alone."""

    planned_ms: int
    added_ms: int = 0
    run_before_ms: int = 0
    running_since: int | None = None
    run_before_resets_ms: int = 0

    def run_ms(self, now: int) -> int:
        """Since the clock was last reset: what its countdown shows."""
        since = 0 if self.running_since is None else now - self.running_since
        return self.run_before_ms + since

    def total_run_ms(self, now: int) -> int:
        """Over the whole show: what the report must say."""
        return self.run_before_resets_ms + self.run_ms(now)

    def stop(self, now: int) -> None:
        self.run_before_ms = self.run_ms(now)
        self.running_since = None


class Account:
    """Replays accepted commands on a model of running intervals."""

    def __init__(self, agenda: Agenda):
        self.agenda = agenda
        self.clocks: dict[str, Clock] = {}
        self.undo: list[tuple[dict[str, Clock], dict]] = []
        self.redo: list[dict] = []

    def clock(self, item_id: str) -> Clock:
        if item_id not in self.clocks:
            item = self.agenda.get(item_id)
            assert item is not None
            self.clocks[item_id] = Clock(planned_ms=item.duration_ms)
        return self.clocks[item_id]

    def accepted(self, name: str, payload: dict, before: ShowState, after: ShowState, now: int):
        if name == "undo":
            self.clocks, undone = self.undo.pop()  # as if it had never been sent
            self.redo.append(undone)
            return
        if name == "redo":
            payload = self.redo.pop()
            name = payload["command"]
        else:
            self.redo.clear()
        self.undo.append((copy.deepcopy(self.clocks), payload))
        self.account(name, payload, before, after, now)

    def account(self, name: str, payload: dict, before: ShowState, after: ShowState, now: int):
        if before.current_id is not None and after.current_id != before.current_id:
            self.clock(before.current_id).stop(now)  # an item taken off stops running
        if after.current_id is None:
            return
        clock = self.clock(after.current_id)
        if name in ("start", "resume"):
            clock.running_since = now
        elif name == "pause":
            clock.stop(now)
        elif name == "reset":
            was_running = clock.running_since is not None
            clock.run_before_resets_ms = clock.total_run_ms(now)
            clock.run_before_ms, clock.added_ms = 0, 0
            clock.running_since = now if was_running else None
        elif name == "adjust":
            # Taking time stops at 0 s left: the engine's adjust_ms says what was taken.
            clock.added_ms = after.timer().adjust_ms

    def check(self, state: ShowState, now: int) -> None:
        assert set(state.timers) == set(self.clocks)
        actual = {
            entry["id"]: entry["actual_duration_ms"]
            for entry in schedule_view(AGENDA, state, now)["items"]
        }
        for item_id, timer in state.timers.items():
            clock = self.clocks[item_id]
            assert timer.running == (clock.running_since is not None), item_id
            assert timer.remaining_at(now) + clock.run_ms(now) == (
                clock.planned_ms + clock.added_ms
            ), item_id
            ran = clock.total_run_ms(now)
            assert actual[item_id] == (ran if state.visits_of(item_id) else None), item_id
            assert ran == 0 or state.visits_of(item_id), item_id


POSITION = ("next", "previous", "goto")
CLOCK = ("start", "pause", "resume", "reset", "adjust")
COMMUTATIVE = ("adjust", "message", "clear_message", "blackout", "banner")


def where(payload: dict, state: ShowState) -> dict:
    """The guard the console adds: the item it saw on (for Start from the banner,
    the item to come)."""
    if payload["command"] in POSITION:
        return {**payload, "from": state.current_id}
    if payload["command"] in CLOCK:
        item_id = state.current_id
        if item_id is None and payload["command"] == "start":
            upcoming = schedule_view(AGENDA, state, 0)["items"]
            item_id = next((e["id"] for e in upcoming if e["status"] == "next"), None)
        return {**payload, "item_id": item_id} if item_id else payload
    return payload


def with_revision(payload: dict, revision: str, state: ShowState) -> dict:
    if revision == "where":
        return where(payload, state)
    if revision == "current":
        return {**payload, "revision": state.revision}
    if revision == "stale":
        old = state.revision - 1 if state.revision else state.revision + 1
        return {**payload, "revision": old}
    return payload


# --------------------------------------------------------------------------- #
# Properties.


@SETTINGS
@given(EVENINGS)
def test_every_command_is_either_one_revision_forward_or_no_change_at_all(evening):
    state, now = ShowState(), AGENDA.start_ms
    for payload, revision, step in evening:
        now += step
        sent = with_revision(payload, revision, state)
        copy_before = state_from_dict(state_to_dict(state))
        outcome = apply(state, AGENDA, parse_command(sent), now)
        note(f"{sent} at +{now - AGENDA.start_ms} ms -> {type(outcome).__name__}")
        if isinstance(outcome, Accepted):
            assert outcome.state.revision == state.revision + 1
            state = outcome.state
        else:
            assert isinstance(outcome, Refusal)
            assert state == copy_before
            if revision == "stale" and payload["command"] not in COMMUTATIVE:
                assert outcome.code == "stale_revision"
            else:
                assert outcome.code == "not_possible"


@SETTINGS
@given(EVENINGS)
def test_time_left_plus_time_run_is_the_planned_time_plus_what_was_added(evening):
    state, now = ShowState(), AGENDA.start_ms
    account = Account(AGENDA)
    for payload, revision, step in evening:
        now += step
        account.check(state, now)  # time passing alone keeps the books straight
        sent = with_revision(payload, revision, state)
        outcome = apply(state, AGENDA, parse_command(sent), now)
        note(f"{sent} at +{now - AGENDA.start_ms} ms -> {type(outcome).__name__}")
        if isinstance(outcome, Accepted):
            account.accepted(payload["command"], sent, state, outcome.state, now)
            state = outcome.state
        account.check(state, now)


# Whatever the evening left on stage, these bring some item's clock running
# (commands that do not apply are simply refused).
GET_A_CLOCK_RUNNING = [
    ({"command": name, **arguments}, "none", 0)
    for name, arguments in [
        ("start", {}),
        ("resume", {}),
        ("goto", {"item_id": "khai-mac"}),
        ("start", {}),
        ("resume", {}),
    ]
]


@SETTINGS
@given(
    EVENINGS,
    st.integers(min_value=0, max_value=30 * MINUTE),
    st.integers(min_value=0, max_value=3 * 3600 * SECOND),
)
def test_pause_then_resume_keeps_the_time_left_to_the_millisecond(evening, before, paused_for):
    state, now = ShowState(), AGENDA.start_ms
    for payload, _, step in [*evening, *GET_A_CLOCK_RUNNING]:
        now += step
        outcome = apply(state, AGENDA, parse_command(payload), now)
        if isinstance(outcome, Accepted):
            state = outcome.state
    timer = state.timer()
    assert timer is not None
    assert timer.running

    now += before
    left = timer.remaining_at(now)
    paused = apply(state, AGENDA, parse_command({"command": "pause"}), now)
    assert isinstance(paused, Accepted)
    now += paused_for
    assert paused.state.timer().remaining_at(now) == left
    resumed = apply(paused.state, AGENDA, parse_command({"command": "resume"}), now)
    assert isinstance(resumed, Accepted)
    assert resumed.state.timer().remaining_at(now) == left
    assert resumed.state.timer().deadline_ms == now + left


def _show_part(state: ShowState) -> dict:
    """Everything undo puts back: the state but its revision and history stacks."""
    return {
        spec.name: getattr(state, spec.name)
        for spec in fields(ShowState)
        if spec.name not in ("revision", "undo", "redo")
    }


def play(evening) -> tuple[ShowState, int]:
    state, now = ShowState(), AGENDA.start_ms
    for payload, revision, step in evening:
        now += step
        outcome = apply(state, AGENDA, parse_command(with_revision(payload, revision, state)), now)
        if isinstance(outcome, Accepted):
            state = outcome.state
    return state, now


@SETTINGS
@given(EVENINGS, PAYLOADS, STEPS_MS, STEPS_MS)
def test_undo_after_any_command_gives_back_the_show_as_it_was(evening, last, wait, later):
    state, now = play(evening)
    now += wait
    outcome = apply(state, AGENDA, parse_command(where(last, state)), now)
    if not isinstance(outcome, Accepted) or last["command"] in ("undo", "redo"):
        return
    now += later  # however long after: a running clock keeps its deadline
    undone = apply(outcome.state, AGENDA, parse_command({"command": "undo"}), now)
    assert isinstance(undone, Accepted)
    assert _show_part(undone.state) == _show_part(state)
    assert undone.state.undo == state.undo
    assert undone.state.revision == outcome.state.revision + 1
    # and redo applies the command again
    redone = apply(undone.state, AGENDA, parse_command({"command": "redo"}), now)
    if isinstance(redone, Accepted):
        assert redone.state.current_id == outcome.state.current_id
        assert redone.state.redo == state.redo[: len(redone.state.redo)]


@SETTINGS
@given(EVENINGS, st.sampled_from([p for p in _payloads() if p["command"] in POSITION]), STEPS_MS)
def test_a_position_command_sent_twice_from_the_same_place_acts_once(evening, move, gap):
    state, now = play(evening)
    sent = parse_command(where(move, state))
    first = apply(state, AGENDA, sent, now)
    after_first = first.state if isinstance(first, Accepted) else state
    second = apply(after_first, AGENDA, sent, now + gap)
    assert isinstance(second, Refusal)
    if isinstance(first, Accepted):
        assert second.code == "moved_on"
    # a stale copy of the console's revision changes nothing either
    stale = parse_command({**where(move, state), "revision": state.revision})
    assert isinstance(apply(after_first, AGENDA, stale, now + gap), Refusal)


@SETTINGS
@given(EVENINGS, STEPS_MS)
def test_a_saved_state_comes_back_equal_and_undoes_the_same(evening, later):
    state, now = play(evening)
    loaded = state_from_dict(state_to_dict(state))
    assert loaded == state
    undo = parse_command({"command": "undo"})
    first, second = (
        apply(state, AGENDA, undo, now + later),
        apply(loaded, AGENDA, undo, now + later),
    )
    assert first == second
