"""The consoles' schedule figures, which move while nobody acts (an item running over)."""

from __future__ import annotations

from flask_socketio import SocketIO

from runshow.payloads import schedule_summary
from runshow.protocol import CONTROL
from runshow.service import ShowService
from runshow.web.lifecycle import Lifecycle
from runshow.web.presence import Presence


class ScheduleTicker:
    """Sends the consoles the schedule figures every few seconds, from the first
    console on, until the lifecycle stops."""

    def __init__(
        self,
        socketio: SocketIO,
        service: ShowService,
        presence: Presence,
        lifecycle: Lifecycle,
        every_s: float,
    ):
        self.socketio = socketio
        self.service = service
        self.presence = presence
        self.lifecycle = lifecycle
        self.every_s = every_s

    def ensure_started(self) -> None:
        self.lifecycle.every("schedule ticker", self.every_s, self.tick)

    def tick(self) -> None:
        if self.presence.sids("control"):
            summary = schedule_summary(
                self.service.agenda, self.service.state, self.service.clock()
            )
            self.socketio.emit("schedule", summary, namespace=CONTROL)
