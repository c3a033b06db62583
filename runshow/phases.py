"""When the current item's timer crosses its phases, for the server's `phase` event.

Pure: no clock, no sockets; times are passed in (epoch milliseconds).

A *crossing* is the running timer passing one of its boundaries forwards in time:
``deadline - warning`` (into ``warning``), ``deadline - danger`` (into ``danger``) and
the deadline itself (into ``overtime``, or ``ended`` for an item that stops at zero).
A command can also move an item forwards at once (-1 minute into the red): that is
announced too, at the command's moment. Moving backwards (time added, another item)
is never announced; it only sets where the item stands.

"Once" means: `PhaseWatch` remembers the item and phase it last saw and the moment
it last looked, and announces only what lies after that. A paused timer crosses
nothing; after Resume or an adjustment the boundaries are those of the new deadline,
so a crossing is announced once per time the item actually reaches a phase. A server
that starts (or restarts) takes the phase of the moment as already known: crossings
that fell while it was down are in the state (`timer.phase`), never announced late,
and nothing announced before the restart is announced again.
"""

from __future__ import annotations

from dataclasses import dataclass

from runshow.agenda import Item
from runshow.engine import Phase, Timer, phase_of

#: How far along an item's timer a phase is; announcing goes forwards only.
PHASE_RANK: dict[Phase, int] = {"normal": 0, "warning": 1, "danger": 2, "overtime": 3, "ended": 3}


@dataclass(frozen=True)
class Crossing:
    """`item_id` entered `phase` at `at_ms` (the planned moment, or the command's)."""

    item_id: str
    phase: Phase
    at_ms: int

    def to_json(self) -> dict[str, object]:
        return {"item_id": self.item_id, "phase": self.phase, "at_ms": self.at_ms}


def boundaries(item: Item, timer: Timer) -> list[tuple[int, Phase]]:
    """Every boundary of a running countdown, in time order: (moment, phase entered)."""
    if not item.timed or timer.deadline_ms is None:
        return []
    deadline = timer.deadline_ms
    marks: list[tuple[int, Phase]] = []
    if item.warning_ms:
        marks.append((deadline - item.warning_ms, "warning"))
    if item.danger_ms:
        marks.append((deadline - item.danger_ms, "danger"))
    marks.append((deadline, "ended" if item.stops_at_zero else "overtime"))
    return sorted(marks, key=lambda mark: (mark[0], PHASE_RANK[mark[1]]))


def crossings_between(item: Item, timer: Timer, after_ms: int, until_ms: int) -> list[Crossing]:
    """Crossings with a moment in (after_ms, until_ms], in order."""
    return [
        Crossing(item.id, phase, at)
        for at, phase in boundaries(item, timer)
        if after_ms < at <= until_ms
    ]


def next_boundary(item: Item, timer: Timer, now_ms: int) -> int | None:
    """The moment of the next crossing after `now_ms`, or None (paused, count-up, past zero)."""
    upcoming = [at for at, _ in boundaries(item, timer) if at > now_ms]
    return min(upcoming, default=None)


class PhaseWatch:
    """What has been announced for the current item, and up to when.

    `observe` is called by the ticker when a boundary is due and after every
    accepted command, with the item and timer on now; it returns the crossings to
    announce. Not thread-safe: the caller holds a lock.
    """

    def __init__(self) -> None:
        self._item_id: str | None = None
        self._deadline_ms: int | None = None
        self._phase: Phase = "normal"
        self._seen_ms: int | None = None

    def observe(self, item: Item | None, timer: Timer | None, now_ms: int) -> list[Crossing]:
        if item is None or timer is None:
            self._item_id, self._deadline_ms, self._phase = None, None, "normal"
            self._seen_ms = now_ms
            return []
        phase = phase_of(item, timer.remaining_at(now_ms))
        announced: list[Crossing] = []
        if self._seen_ms is not None and item.id == self._item_id:
            if timer.deadline_ms is not None and timer.deadline_ms == self._deadline_ms:
                # The same run of the same timer: what time has passed since the last look.
                for crossing in crossings_between(item, timer, self._seen_ms, now_ms):
                    if PHASE_RANK[crossing.phase] > PHASE_RANK[self._phase]:
                        announced.append(crossing)
                        self._phase = crossing.phase
            if PHASE_RANK[phase] > PHASE_RANK[self._phase]:
                announced.append(Crossing(item.id, phase, now_ms))  # moved on by a command
        self._item_id, self._deadline_ms, self._phase = item.id, timer.deadline_ms, phase
        self._seen_ms = now_ms
        return announced
