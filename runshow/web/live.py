"""Socket.IO: the read-only `/live` channel for screens and the `/control` channel.

Every connect gets the programme and the state; every accepted command is
pushed to everyone once, as one serialised state per namespace.
"""

from __future__ import annotations

import threading
from collections import Counter
from typing import Any

from flask import Flask, request, session
from flask_socketio import ConnectionRefusedError, Namespace, SocketIO, emit

from runshow.engine import ShowState
from runshow.service import ShowService
from runshow.views import programme_view, state_view
from runshow.web import runtime
from runshow.web.auth import is_technician

LIVE = "/live"
CONTROL = "/control"
SCREEN_ROLES = ("stage", "mc", "programme")


class Presence:
    """How many screens of each role are connected."""

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


class _ShowNamespace(Namespace):
    """What both channels share: a snapshot on connect, clock sync, presence."""

    def __init__(self, namespace: str, socketio: SocketIO, presence: Presence):
        super().__init__(namespace)
        self.presence = presence
        self.socketio_app = socketio

    def role(self) -> str:
        return "control"

    def send_snapshot(self) -> None:
        show = runtime()
        # flask_socketio.emit inside a handler answers the connecting client only.
        emit("programme", programme_view(show.agenda, for_control=self.namespace == CONTROL))
        emit("state", show.service.view())

    def on_connect(self, auth: Any = None) -> None:
        self.presence.join(request.sid, self.role())
        self.send_snapshot()
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

    def on_connect(self, auth: Any = None) -> None:
        if not is_technician(session):
            raise ConnectionRefusedError("unauthorized")
        super().on_connect(auth)

    def on_command(self, payload: Any = None) -> dict[str, Any]:
        if not is_technician(session):
            return {
                "ok": False,
                "code": "unauthorized",
                "error": "Phiên đăng nhập không hợp lệ: hãy đăng nhập lại.",
            }
        return runtime().service.dispatch(payload, source="console").to_json()


def init_app(app: Flask, socketio: SocketIO, service: ShowService) -> None:
    presence = Presence()
    socketio.on_namespace(LiveNamespace(LIVE, socketio, presence))
    socketio.on_namespace(ControlNamespace(CONTROL, socketio, presence))

    def broadcast(state: ShowState) -> None:
        view = state_view(service.agenda, state, service.clock())
        for namespace in (LIVE, CONTROL):
            socketio.emit("state", view, namespace=namespace)

    service.subscribe(broadcast)
