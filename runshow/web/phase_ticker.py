"""The phase ticker: one background task that announces the current item's phase
crossings in every room.

It sleeps until the next boundary of the running timer (or until a command changes
the show), then asks the pure `PhaseWatch` what was crossed and emits a `phase`
event on both channels: every screen, console and external device hears it,
whether or not a browser tab is in front. Runs in the server's async mode
(an event from the Socket.IO server, never time.sleep), from the first screen
until the lifecycle stops (web/lifecycle.py).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from flask_socketio import SocketIO

from runshow.engine import ShowState
from runshow.phases import Crossing, PhaseWatch, next_boundary
from runshow.service import ShowService
from runshow.web.lifecycle import Lifecycle

log = logging.getLogger(__name__)

#: Longest sleep with nothing due: the ticker also looks again after every command.
IDLE_S = 30.0
#: After an error, look again this soon.
RETRY_S = 1.0


class PhaseLoop:
    """The one background task for every room's phase ticker: it sleeps until the
    nearest boundary of any room (or a command somewhere), so twenty idle rooms cost
    what one does."""

    def __init__(self, socketio: SocketIO, lifecycle: Lifecycle):
        self.lifecycle = lifecycle
        self.tickers: list[PhaseTicker] = []
        self._wake = socketio.server.eio.create_event()

    def start(self) -> None:
        self.lifecycle.start("phase ticker", self._run, wake=self._wake.set)

    def wake(self) -> None:
        self._wake.set()

    def tick(self) -> float:
        """Every room's announcements due now; the seconds until the nearest next one."""
        delays = [IDLE_S]
        for ticker in self.tickers:
            try:
                delays.append(ticker.tick())
            except Exception:  # one room's bad moment must not silence the others
                log.exception("phase ticker of a room failed; trying again")
                delays.append(RETRY_S)
        return min(delays)

    def _run(self) -> None:
        while self.lifecycle.running:
            self._wake.wait(timeout=self.tick())
            self._wake.clear()


class PhaseTicker:
    """One room's phase crossings, announced to its own screens (`targets`: namespace
    → its audiences of the room), driven by the shared `PhaseLoop`."""

    def __init__(
        self,
        socketio: SocketIO,
        service: ShowService,
        loop: PhaseLoop,
        targets: dict[str, list[str]],
    ):
        self.socketio = socketio
        self.service = service
        self.loop = loop
        self.targets = targets
        self.watch = PhaseWatch()
        self._lock = threading.Lock()
        self._started = False
        #: Told of every crossing too, after the screens (the event stream, OSC feedback).
        self.listeners: list[Callable[[Crossing], None]] = []
        loop.tickers.append(self)

    def ensure_started(self) -> None:
        """Start watching (with the first screen of the room that connects).
        What it sees first is taken as known: nobody was listening before."""
        with self._lock:
            if self._started:
                return
            self._started = True
            self._look(self.service.state)
        self.loop.start()

    def tick(self) -> float:
        """Announce what is due now; returns the seconds until the next boundary."""
        state = self.service.state
        self._announce(state)
        item, timer = self.service.agenda.get(state.current_id), state.timer()
        if item is None or timer is None:
            return IDLE_S
        now = self.service.clock()
        due = next_boundary(item, timer, now)
        return IDLE_S if due is None else min(IDLE_S, max(0.0, (due - now) / 1000))

    def _look(self, state: ShowState) -> list[Crossing]:
        item, timer = self.service.agenda.get(state.current_id), state.timer()
        return self.watch.observe(item, timer, self.service.clock())

    def _announce(self, state: ShowState) -> None:
        with self._lock:
            if not self._started:
                return
            crossings = self._look(state)
        for crossing in crossings:
            log.info("phase %s: %s", crossing.item_id, crossing.phase)
            for namespace, audiences in self.targets.items():
                self.socketio.emit("phase", crossing.to_json(), namespace=namespace, to=audiences)
            for listener in self.listeners:
                listener(crossing)

    def after_command(self, state: ShowState) -> None:
        """Subscribed to the service after the state broadcast: screens get the
        state first, then the phase it crossed."""
        self._announce(state)  # a command may move the item on at once (-1 minute into red)
        self.loop.wake()  # and the next boundary may have moved
