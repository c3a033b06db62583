"""The Socket.IO channels: the read-only `/live` for screens and the technician's
`/control`, one class each, one method per event.

Every screen joins the room of its audience (runshow/protocol.py); every connect
gets the programme and the state, from the snapshots every connect shares.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from flask import request, session
from flask_socketio import ConnectionRefusedError, Namespace, SocketIO, join_room
from pydantic import ValidationError

from runshow.errors import Problem
from runshow.jsontext import Unreadable
from runshow.protocol import (
    AUDIENCES,
    CONTROL,
    DEFAULT_SCREEN_ROLE,
    LIVE,
    SCREEN_ROLES,
    Encoded,
    PrompterScroll,
    validate,
)
from runshow.screen_options import parse_screen_options
from runshow.service import ShowService
from runshow.textfit import draft_warnings
from runshow.web.access import Access
from runshow.web.phase_ticker import PhaseTicker
from runshow.web.presence import Presence, announce_presence, screen_name
from runshow.web.schedule_ticker import ScheduleTicker
from runshow.web.snapshots import Snapshots

log = logging.getLogger(__name__)


class _ShowNamespace(Namespace):
    """What both channels share: a snapshot on connect, clock sync, presence."""

    def __init__(
        self,
        namespace: str,
        socketio: SocketIO,
        presence: Presence,
        snapshots: Snapshots,
        clock: Callable[[], int],
        phases: PhaseTicker | None = None,
        announce: bool = True,
    ):
        super().__init__(namespace)
        self.presence = presence
        self.socketio_app = socketio
        self.snapshots = snapshots
        self.clock = clock
        self.phases = phases  # the authority's; a display worker hears its events via the queue
        self.announce = announce  # tell the consoles who is connected (the authority only)

    def role(self, auth: Any = None) -> str:
        return "control"

    def on_connect(self, auth: Any = None) -> None:
        audience = AUDIENCES[self.role(auth)]
        self.presence.join(request.sid, audience.name, screen_name(request.args.get("name")))
        join_room(audience.name)  # before reading the state: see Broadcaster.send_per_view
        programme = self.snapshots.programme(audience.view)
        known = auth.get("programme") if isinstance(auth, dict) else None
        if known != programme.tag:  # a reconnecting screen usually has it already
            self._answer("programme", programme)
        self._answer("state", self.snapshots.state(audience.view))
        self.announce_presence()
        if self.phases is not None:
            self.phases.ensure_started()

    def _answer(self, event: str, payload: Encoded) -> None:
        """To the connecting client only, never through the message queue."""
        self.socketio_app.emit(
            event, payload, namespace=self.namespace, to=request.sid, ignore_queue=True
        )

    def on_disconnect(self, reason: Any = None) -> None:
        self.presence.leave(request.sid)
        self.announce_presence()

    def announce_presence(self) -> None:
        if self.announce:
            announce_presence(self.socketio_app, self.presence)

    def on_sync(self, data: Any = None, *_extra: Any) -> dict[str, Any]:
        """One sample of the clock: the client's t0 echoed with the server time.
        (Flask-SocketIO calls a handler with every argument the client sent: a
        handler that takes fewer raises TypeError and the client is never answered.)"""
        t0 = data.get("t0") if isinstance(data, dict) else None
        return {"t0": t0, "server_ms": self.clock()}


class LiveNamespace(_ShowNamespace):
    """Stage, MC tablet and programme: read only. The MC role (and the MC's
    messages) only with the MC link's token, sent as ``auth: {token}``; without
    it a tablet on /mc is one more public screen."""

    def __init__(self, *args: Any, is_mc_token: Callable[[object], bool], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.is_mc_token = is_mc_token  # the authority's `Access`, or a display worker's copy

    def role(self, auth: Any = None) -> str:
        role = request.args.get("role", "")
        if role in SCREEN_ROLES and AUDIENCES[role].view == "mc":  # the MC's tablet, the prompter
            token = auth.get("token") if isinstance(auth, dict) else None
            return role if self.is_mc_token(token) else DEFAULT_SCREEN_ROLE
        return role if role in SCREEN_ROLES else DEFAULT_SCREEN_ROLE

    def on_prompter_scroll(self, payload: Any = None, *_extra: Any) -> dict[str, Any]:
        """The MC tablet scrolled its script: the prompters follow."""
        if self.presence.role_of(request.sid) != "mc":
            return {"ok": False, "code": "unauthorized", "error": "Chỉ máy MC điều khiển prompter."}
        return relay_prompter_scroll(self.socketio_app, payload)


class ControlNamespace(_ShowNamespace):
    """The technician's console. Refused without a login, and every command checked."""

    def __init__(
        self,
        *args: Any,
        ticker: ScheduleTicker,
        service: ShowService,
        access: Access,
        **kwargs: Any,
    ):
        super().__init__(*args, **kwargs)
        self.ticker = ticker
        self.service = service
        self.access = access

    def is_technician(self) -> bool:
        return self.access.is_technician(session)

    def on_connect(self, auth: Any = None) -> None:
        if not self.is_technician():
            raise ConnectionRefusedError("unauthorized")
        super().on_connect(auth)
        self.ticker.ensure_started()

    def on_command(self, payload: Any = None, *extra: Any) -> dict[str, Any]:
        if not self.is_technician():
            return {
                "ok": False,
                "code": "unauthorized",
                "error": "Phiên đăng nhập không hợp lệ: hãy đăng nhập lại.",
            }
        if extra:  # a command is one object: what else came along is a sender's mistake
            reason = f"lệnh chỉ gồm một đối tượng JSON {{...}}, không kèm {len(extra)} đối số khác"
            payload = Unreadable([Problem("", reason)])
        return self.service.dispatch(payload, source="console").to_json()

    def _listed_screen(self, payload: Any) -> tuple[str | None, dict[str, Any] | None]:
        """The screen a console request names (`{"id": ...}`), or the refusal to answer."""
        if not self.is_technician():
            return None, {"ok": False, "code": "unauthorized", "error": "Hãy đăng nhập lại."}
        sid = payload.get("id") if isinstance(payload, dict) else None
        if not isinstance(sid, str) or self.presence.role_of(sid) in (None, "control"):
            return None, {
                "ok": False,
                "code": "not_possible",
                "error": "Màn hình này không còn kết nối.",
            }
        return sid, None

    def on_identify(self, payload: Any = None, *_extra: Any) -> dict[str, Any]:
        """Make one screen flash its name for a few seconds, to tell which is which."""
        sid, refusal = self._listed_screen(payload)
        if sid is None:
            return refusal or {}
        identity = {"role": self.presence.role_of(sid), "name": self.presence.name_of(sid)}
        self.socketio_app.emit("identify", identity, to=sid, namespace=LIVE)
        return {"ok": True}

    def on_screen_options(self, payload: Any = None, *_extra: Any) -> dict[str, Any]:
        """Set one screen's options (docs/screens.md); the screen applies and keeps them."""
        sid, refusal = self._listed_screen(payload)
        if sid is None:
            return refusal or {}
        options, problems = parse_screen_options(payload.get("options"))
        if options is None:
            error = "Tùy chọn màn hình không hợp lệ: " + "; ".join(map(str, problems))
            return {"ok": False, "code": "invalid", "error": error}
        self.socketio_app.emit("screen_options", options, to=sid, namespace=LIVE)
        return {"ok": True, "options": options}

    def on_prompter_scroll(self, payload: Any = None, *_extra: Any) -> dict[str, Any]:
        """The technician scrolls the prompters from the console."""
        if not self.is_technician():
            return {"ok": False, "code": "unauthorized", "error": "Hãy đăng nhập lại."}
        return relay_prompter_scroll(self.socketio_app, payload)

    def on_fit(self, draft: Any = None, *_extra: Any) -> dict[str, Any]:
        """Will a text being typed in the edit panel fit the stage? (Changes nothing.)"""
        if not self.is_technician():
            return {"warnings": []}
        return {"warnings": draft_warnings(draft)}


def relay_prompter_scroll(socketio: SocketIO, payload: Any) -> dict[str, Any]:
    """Send a checked scroll position to every prompter (docs/protocol.md, PrompterScroll)."""
    try:
        position = validate(PrompterScroll, payload)
    except ValidationError:
        return {"ok": False, "code": "invalid", "error": "Vị trí cuộn không hợp lệ."}
    if not 0 <= position["ratio"] <= 1:
        return {"ok": False, "code": "invalid", "error": "Vị trí cuộn phải từ 0 đến 1."}
    socketio.emit("prompter_scroll", position, to="prompter", namespace=LIVE)
    return {"ok": True}


def disconnect_consoles(socketio: SocketIO) -> None:
    """Close every open console connection (after a logout)."""
    consoles = list(socketio.server.manager.get_participants(CONTROL, "control"))
    for sid, _ in consoles:
        socketio.server.disconnect(sid, namespace=CONTROL)


def answer_anyway(error: Exception) -> dict[str, Any]:
    """A handler that failed still answers its event: the console shows the
    refusal instead of waiting for an answer that never comes."""
    log.error("Socket.IO handler failed", exc_info=error)
    return {
        "ok": False,
        "code": "server_error",
        "error": "Máy chủ gặp lỗi khi xử lý yêu cầu này; hãy thử lại.",
    }
