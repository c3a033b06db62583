"""The encoded snapshots a connecting screen is sent, shared by every connect."""

from __future__ import annotations

from runshow import protocol
from runshow.engine import ShowState
from runshow.protocol import Encoded, StatePayloads
from runshow.service import ShowService


class Snapshots:
    """The encoded payloads a connecting screen gets, shared by every connect.

    The state of each view is the one last broadcast, rebuilt when the show has
    moved on or it is older than `max_age_ms` (its timer figures and server time
    are then a little stale; screens draw from the deadline and sync their
    clocks anyway). The programme is encoded once per agenda.
    """

    def __init__(self, service: ShowService, max_age_ms: int = 1000):
        self.service = service
        self.max_age_ms = max_age_ms
        self._states: StatePayloads | None = None
        self._built_at_ms = 0
        self._programmes: dict[str, tuple[object, Encoded]] = {}

    def states(self, state: ShowState) -> StatePayloads:
        """Every view of `state` as of now, each built and encoded once, when first used."""
        now = self.service.clock()
        built = protocol.state_payloads(self.service.agenda, state, now)
        self._states, self._built_at_ms = built, now
        return built

    def state(self, view: str) -> Encoded:
        current = self.service.state
        cached = self._states
        fresh = self.service.clock() - self._built_at_ms < self.max_age_ms
        if cached is None or cached.state.revision != current.revision or not fresh:
            cached = self.states(current)
        return cached.encoded(view)

    def programme(self, view: str) -> Encoded:
        """The programme of `view`, tagged with its version."""
        agenda = self.service.agenda
        cached = self._programmes.get(view)
        if cached is None or cached[0] is not agenda:
            cached = (agenda, protocol.encode(protocol.programme_payload(agenda, view)))
            self._programmes[view] = cached
        return cached[1]
