"""Socket.IO: the read-only `/live` channel for screens and the `/control` channel.

Every connect gets the programme and the state; every accepted command is
pushed to everyone once: one serialised state per audience (the public one
without the message meant for the MC). The console also gets the schedule
figures every few seconds, because "behind schedule" moves while nobody acts.
"""

from __future__ import annotations

import threading
from collections import Counter
from typing import Any

from flask import Flask, request, session
from flask_socketio import ConnectionRefusedError, Namespace, SocketIO, emit, join_room

from runshow.engine import ShowState
from runshow.service import ShowService
from runshow.views import (
    for_public,
    programme_view,
    schedule_summary,
    state_for,
    state_view,
)
from runshow.web import runtime
from runshow.web.auth import is_technician

LIVE = "/live"
CONTROL = "/control"
SCREEN_ROLES = ("stage", "mc", "programme")


class Presence:
    """Which connection is which role."""

    def __init__(self) -> None:
        self._roles: dict[str, str] = {}
        self._lock = threading.Lock()

    def join(self, sid: str, role: str) -> None:
        with self._lock:
            self._roles[sid] = role

    def leave(self, sid: str) -> None:
        with self._lock:
            self._roles.pop(sid, None)

    def counts(self) -> dict[str, int]:
        with self._lock:
            counted = Counter(self._roles.values())
        return {role: counted.get(role, 0) for role in (*SCREEN_ROLES, "control")}

    def sids(self, role: str) -> list[str]:
        with self._lock:
            return [sid for sid, held in self._roles.items() if held == role]


class _ShowNamespace(Namespace):
    """What both channels share: a snapshot on connect, clock sync, presence."""

    def __init__(self, namespace: str, socketio: SocketIO, presence: Presence):
        super().__init__(namespace)
        self.presence = presence
        self.socketio_app = socketio

    def role(self) -> str:
        return "control"

    def on_connect(self, auth: Any = None) -> None:
        role = self.role()
        self.presence.join(request.sid, role)
        join_room(role)
        show = runtime()
        # flask_socketio.emit inside a handler answers the connecting client only.
        emit("programme", programme_view(show.agenda, for_control=role == "control"))
        emit("state", state_for(role, show.service.view()))
        self.socketio_app.emit("presence", self.presence.counts(), namespace=CONTROL)

    def on_disconnect(self, reason: Any = None) -> None:
        self.presence.leave(request.sid)
        self.socketio_app.emit("presence", self.presence.counts(), namespace=CONTROL)

    def on_sync(self, data: Any = None) -> dict[str, Any]:
        """One sample of the clock: the client's t0 echoed with the server time."""
        t0 = data.get("t0") if isinstance(data, dict) else None
        return {"t0": t0, "server_ms": runtime().service.clock()}


class LiveNamespace(_ShowNamespace):
    """Stage, MC tablet and programme: read only."""

    def role(self) -> str:
        role = request.args.get("role", "")
        return role if role in SCREEN_ROLES else "programme"


class ControlNamespace(_ShowNamespace):
    """The technician's console. Refused without a login, and every command checked."""

    def __init__(self, namespace: str, socketio: SocketIO, presence: Presence, ticker):
        super().__init__(namespace, socketio, presence)
        self.ticker = ticker

    def on_connect(self, auth: Any = None) -> None:
        if not is_technician(session):
            raise ConnectionRefusedError("unauthorized")
        super().on_connect(auth)
        self.ticker.ensure_started()

    def on_command(self, payload: Any = None) -> dict[str, Any]:
        if not is_technician(session):
            return {
                "ok": False,
                "code": "unauthorized",
                "error": "Phiên đăng nhập không hợp lệ: hãy đăng nhập lại.",
            }
        return runtime().service.dispatch(payload, source="console").to_json()


class ScheduleTicker:
    """Sends the consoles the schedule figures every few seconds. Started with the
    first console, in the server's own async mode (socketio.sleep, never time.sleep)."""

    def __init__(
        self, socketio: SocketIO, service: ShowService, presence: Presence, every_s: float
    ):
        self.every_s = every_s
        self.socketio = socketio
        self.service = service
        self.presence = presence
        self._started = False
        self._lock = threading.Lock()

    def ensure_started(self) -> None:
        with self._lock:
            if self._started:
                return
            self._started = True
        self.socketio.start_background_task(self._run)

    def _run(self) -> None:
        while True:
            self.socketio.sleep(self.every_s)
            if self.presence.sids("control"):
                summary = schedule_summary(
                    self.service.agenda, self.service.state, self.service.clock()
                )
                self.socketio.emit("schedule", summary, namespace=CONTROL)


def disconnect_consoles(socketio: SocketIO) -> None:
    """Close every open console connection (after a logout)."""
    consoles = list(socketio.server.manager.get_participants(CONTROL, "control"))
    for sid, _ in consoles:
        socketio.server.disconnect(sid, namespace=CONTROL)


def init_app(app: Flask, socketio: SocketIO, service: ShowService) -> None:
    presence = Presence()
    ticker = ScheduleTicker(socketio, service, presence, app.config["RUNSHOW_SCHEDULE_EVERY_S"])
    socketio.on_namespace(LiveNamespace(LIVE, socketio, presence))
    socketio.on_namespace(ControlNamespace(CONTROL, socketio, presence, ticker))

    def broadcast(state: ShowState) -> None:
        view = state_view(service.agenda, state, service.clock())
        public = for_public(view)
        socketio.emit("state", view, namespace=CONTROL)
        socketio.emit("state", view, namespace=LIVE, to="mc")
        socketio.emit("state", public, namespace=LIVE, to=["stage", "programme"])

    service.subscribe(broadcast)
