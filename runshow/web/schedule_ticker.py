"""The consoles' schedule figures, which move while nobody acts (an item running over)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Protocol

from flask_socketio import SocketIO

from runshow.payloads import schedule_summary
from runshow.protocol import CONTROL
from runshow.service import ShowService
from runshow.web.lifecycle import Lifecycle
from runshow.web.presence import Presence


class ScheduledRoom(Protocol):
    service: ShowService
    presence: Presence

    def audience(self, name: str) -> str: ...


class ScheduleTicker:
    """Sends each room's consoles its schedule figures every few seconds, from the
    first console on, until the lifecycle stops: one loop for every room, then
    `also` (the producer's overview)."""

    def __init__(
        self,
        socketio: SocketIO,
        rooms: Callable[[], Iterable[ScheduledRoom]],
        lifecycle: Lifecycle,
        every_s: float,
        also: Callable[[], None] | None = None,
    ):
        self.socketio = socketio
        self.rooms = rooms
        self.lifecycle = lifecycle
        self.every_s = every_s
        self.also = also

    def ensure_started(self) -> None:
        self.lifecycle.every("schedule ticker", self.every_s, self.tick)

    def tick(self) -> None:
        for room in self.rooms():
            if room.presence.sids("control"):
                service = room.service
                summary = schedule_summary(service.agenda, service.state, service.clock())
                self.socketio.emit(
                    "schedule", summary, namespace=CONTROL, to=room.audience("control")
                )
        if self.also is not None:
            self.also()
