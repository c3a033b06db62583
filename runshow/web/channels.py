"""The Socket.IO channels: the read-only `/live` for screens and the technician's
`/control`, one class each, one method per event.

Every screen joins the room of its audience (runshow/protocol.py); every connect
gets the programme and the state, from the snapshots every connect shares.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol
from weakref import WeakKeyDictionary

from flask import request, session
from flask_socketio import ConnectionRefusedError, Namespace, SocketIO, join_room
from pydantic import ValidationError

from runshow import i18n
from runshow.errors import Problem
from runshow.i18n import N_, _
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
from runshow.textfit import draft_warnings
from runshow.web.access import Access
from runshow.web.broadcast import spoken_room
from runshow.web.phase_ticker import PhaseTicker
from runshow.web.presence import Presence, announce_presence, screen_name
from runshow.web.schedule_ticker import ScheduleTicker
from runshow.web.snapshots import SPOKEN_VIEWS

log = logging.getLogger(__name__)


class ScreenRoom(Protocol):
    """What the channels need of a room: who is connected, what a connecting screen
    is sent, its phase ticker (the authority's), its audiences' names."""

    presence: Presence
    snapshots: Any  # Snapshots, or a display worker's (state(view), programme(view))
    phases: PhaseTicker | None

    def audience(self, name: str) -> str: ...

    def is_mc_token(self, candidate: object) -> bool: ...


@dataclass
class OneRoom:
    """A room of a display worker: its screens, its snapshots, its MC token's check,
    its audiences' prefix (`<room>/` with several rooms, none with one)."""

    presence: Presence
    snapshots: Any
    is_mc_token: Callable[[object], bool]
    phases: PhaseTicker | None = None
    prefix: str = ""

    def audience(self, name: str) -> str:
        return self.prefix + name


#: What a channel is told of the room a client asked for (`room=` in its query, or
#: None): that room, or None for one that does not exist.
FindRoom = Callable[[str | None], Any]


class _ShowNamespace(Namespace):
    """What both channels share: a snapshot on connect, clock sync, presence, each
    client in the room its query names (`room=<id>`; a server of one room needs none)."""

    def __init__(
        self,
        namespace: str,
        socketio: SocketIO,
        find_room: FindRoom,
        clock: Callable[[], int],
        announce: bool = True,
    ):
        super().__init__(namespace)
        self.socketio_app = socketio
        self.find_room = find_room
        self.clock = clock
        self.announce = announce  # tell the consoles who is connected (the authority only)
        self._rooms: dict[str, Any] = {}  # sid → its room

    def room(self) -> Any:
        """The room of the client of this event."""
        return self._rooms.get(request.sid)

    def role(self, room: Any, auth: Any = None) -> str:
        return "control"

    def admit(self, room: Any) -> None:
        """Raise ConnectionRefusedError if this client may not join `room`."""

    def on_connect(self, auth: Any = None) -> None:
        room = self.find_room(request.args.get("room"))
        if room is None:
            raise ConnectionRefusedError("unknown_room")
        self.admit(room)
        self.join(room, AUDIENCES[self.role(room, auth)], auth)

    def join(self, room: Any, audience: Any, auth: Any) -> None:
        self._rooms[request.sid] = room
        room.presence.join(request.sid, audience.name, screen_name(request.args.get("name")))
        join_room(room.audience(audience.name))  # before the state: Broadcaster.send_per_view
        lang = i18n.current_language()  # ?lang, Accept-Language, or the server's
        if audience.view in SPOKEN_VIEWS and lang != i18n.SOURCE_LANGUAGE:  # its own words
            join_room(spoken_room(room.audience(audience.name), lang))
        programme = room.snapshots.programme(audience.view)
        known = auth.get("programme") if isinstance(auth, dict) else None
        if known != programme.tag:  # a reconnecting screen usually has it already
            self._answer("programme", programme)
        self._answer("state", room.snapshots.state(audience.view))
        self.announce_presence(room)
        if room.phases is not None:
            room.phases.ensure_started()

    def _answer(self, event: str, payload: Encoded) -> None:
        """To the connecting client only, never through the message queue."""
        self.socketio_app.emit(
            event, payload, namespace=self.namespace, to=request.sid, ignore_queue=True
        )

    def on_disconnect(self, reason: Any = None) -> None:
        room = self._rooms.pop(request.sid, None)
        if room is not None:
            room.presence.leave(request.sid)
            self.announce_presence(room)

    def announce_presence(self, room: Any) -> None:
        if self.announce:
            announce_presence(self.socketio_app, room.presence, room.audience("control"))

    def on_sync(self, data: Any = None, *_extra: Any) -> dict[str, Any]:
        """One sample of the clock: the client's t0 echoed with the server time.
        (Flask-SocketIO calls a handler with every argument the client sent: a
        handler that takes fewer raises TypeError and the client is never answered.)"""
        t0 = data.get("t0") if isinstance(data, dict) else None
        return {"t0": t0, "server_ms": self.clock()}


class LiveNamespace(_ShowNamespace):
    """Stage, MC tablet and programme: read only. The MC role (and the MC's
    messages) only with the room's MC link token, sent as ``auth: {token}``; without
    it a tablet on /mc is one more public screen."""

    def role(self, room: Any, auth: Any = None) -> str:
        role = request.args.get("role", "")
        if role in SCREEN_ROLES and AUDIENCES[role].view == "mc":  # the MC's tablet, the prompter
            token = auth.get("token") if isinstance(auth, dict) else None
            return role if room.is_mc_token(token) else DEFAULT_SCREEN_ROLE
        return role if role in SCREEN_ROLES else DEFAULT_SCREEN_ROLE

    def on_prompter_scroll(self, payload: Any = None, *_extra: Any) -> dict[str, Any]:
        """The MC tablet scrolled its script: its room's prompters follow."""
        room = self.room()
        if room is None or room.presence.role_of(request.sid) != "mc":
            return {
                "ok": False,
                "code": "unauthorized",
                "error": _("Chỉ máy MC điều khiển prompter."),
            }
        return relay_prompter_scroll(self.socketio_app, payload, room.audience("prompter"))


#: The Socket.IO room of the producer's overview pages (web/overview.py).
OVERVIEW = "overview"
#: A console whose login is no longer valid (its session was logged out).
SESSION_ENDED = N_("Phiên đăng nhập không hợp lệ: hãy đăng nhập lại.")
LOG_IN_AGAIN = N_("Hãy đăng nhập lại.")


def unauthorized(message: str = SESSION_ENDED) -> dict[str, Any]:
    """The refusal of a console not (or no longer) logged in, in its language."""
    return {"ok": False, "code": "unauthorized", "error": _(message)}


class ControlNamespace(_ShowNamespace):
    """The technician's console: the producer in any room, a room's operator in that
    room only. Refused without a login, and every command checked. The producer's
    overview (`overview=1` in the query) joins no room: it hears every room's tiles
    and sends commands to rooms by id (`rooms_command`)."""

    def __init__(
        self,
        *args: Any,
        ticker: ScheduleTicker,
        access: Access,
        source: Callable[[str, str], str],
        overview: Callable[[], Any] | None = None,
        **kwargs: Any,
    ):
        super().__init__(*args, **kwargs)
        self.ticker = ticker
        self.access = access
        self.source = source  # (entry point, controller) → the log's source
        self.overview = overview  # the overview's first tiles, for a connecting overview

    def controller(self, room: Any) -> str | None:
        return room.access.controller(session)

    def admit(self, room: Any) -> None:
        if self.controller(room) is None:
            raise ConnectionRefusedError("unauthorized")

    def on_connect(self, auth: Any = None) -> None:
        if request.args.get(OVERVIEW):
            if not self.access.is_technician(session):
                raise ConnectionRefusedError("unauthorized")
            join_room(OVERVIEW)
            if self.overview is not None:
                self._answer(OVERVIEW, self.overview())
        else:
            super().on_connect(auth)
        self.ticker.ensure_started()

    def on_command(self, payload: Any = None, *extra: Any) -> dict[str, Any]:
        room = self.room()
        who = None if room is None else self.controller(room)
        if who is None:
            return unauthorized()
        if extra:  # a command is one object: what else came along is a sender's mistake
            reason = _(
                "lệnh chỉ gồm một đối tượng JSON {...}, không kèm %(count)s đối số khác",
                count=len(extra),
            )
            payload = Unreadable([Problem("", reason)])
        return room.service.dispatch(payload, source=self.source("console", who)).to_json()

    def on_rooms_command(self, payload: Any = None, *_extra: Any) -> dict[str, Any]:
        """The producer's overview: one command to several rooms (``{"rooms": [ids] or
        "all", "command": {...}}``); each room's answer by its id."""
        if not self.access.is_technician(session):
            return unauthorized()
        wanted = payload.get("rooms") if isinstance(payload, dict) else None
        command = payload.get("command") if isinstance(payload, dict) else None
        rooms = [
            self.find_room(room_id) if isinstance(room_id, str) and room_id != ALL_ROOMS else None
            for room_id in (wanted if isinstance(wanted, list) else [])
        ]
        if wanted == "all":
            rooms = list(self.find_room(ALL_ROOMS))
        if not rooms or None in rooms:
            return {"ok": False, "code": "invalid", "error": _("Không có phòng nào như vậy.")}
        source = self.source("overview", "producer")
        answers = {
            room.id: room.service.dispatch(command, source=source).to_json() for room in rooms
        }
        return {"ok": all(answer["ok"] for answer in answers.values()), "rooms": answers}

    def _listed_screen(self, payload: Any) -> tuple[str | None, dict[str, Any] | None]:
        """The screen of this console's room a request names (`{"id": ...}`), or the
        refusal to answer."""
        room = self.room()
        if room is None or self.controller(room) is None:
            return None, unauthorized(LOG_IN_AGAIN)
        sid = payload.get("id") if isinstance(payload, dict) else None
        if not isinstance(sid, str) or room.presence.role_of(sid) in (None, "control"):
            return None, {
                "ok": False,
                "code": "not_possible",
                "error": _("Màn hình này không còn kết nối."),
            }
        return sid, None

    def on_identify(self, payload: Any = None, *_extra: Any) -> dict[str, Any]:
        """Make one screen flash its name for a few seconds, to tell which is which."""
        sid, refusal = self._listed_screen(payload)
        if sid is None:
            return refusal or {}
        presence = self.room().presence
        identity = {"role": presence.role_of(sid), "name": presence.name_of(sid)}
        self.socketio_app.emit("identify", identity, to=sid, namespace=LIVE)
        return {"ok": True}

    def on_screen_options(self, payload: Any = None, *_extra: Any) -> dict[str, Any]:
        """Set one screen's options (docs/screens.md); the screen applies and keeps them."""
        sid, refusal = self._listed_screen(payload)
        if sid is None:
            return refusal or {}
        options, problems = parse_screen_options(payload.get("options"))
        if options is None:
            error = _(
                "Tùy chọn màn hình không hợp lệ: %(problems)s",
                problems="; ".join(map(str, problems)),
            )
            return {"ok": False, "code": "invalid", "error": error}
        self.socketio_app.emit("screen_options", options, to=sid, namespace=LIVE)
        return {"ok": True, "options": options}

    def on_prompter_scroll(self, payload: Any = None, *_extra: Any) -> dict[str, Any]:
        """The technician scrolls the room's prompters from the console."""
        room = self.room()
        if room is None or self.controller(room) is None:
            return unauthorized(LOG_IN_AGAIN)
        return relay_prompter_scroll(self.socketio_app, payload, room.audience("prompter"))

    def on_fit(self, draft: Any = None, *_extra: Any) -> dict[str, Any]:
        """Will a text being typed in the edit panel fit the stage? (Changes nothing.)"""
        room = self.room()
        if room is None or self.controller(room) is None:
            return {"warnings": []}
        return {"warnings": draft_warnings(draft)}


def relay_prompter_scroll(socketio: SocketIO, payload: Any, to: str) -> dict[str, Any]:
    """Send a checked scroll position to the prompters `to` (a room's; docs/protocol.md,
    PrompterScroll)."""
    try:
        position = validate(PrompterScroll, payload)
    except ValidationError:
        return {"ok": False, "code": "invalid", "error": _("Vị trí cuộn không hợp lệ.")}
    if not 0 <= position["ratio"] <= 1:
        return {"ok": False, "code": "invalid", "error": _("Vị trí cuộn phải từ 0 đến 1.")}
    socketio.emit("prompter_scroll", position, to=to, namespace=LIVE)
    _last_scroll.setdefault(socketio, {})[to] = position
    return {"ok": True}


#: socketio → prompter audience → where its prompters were last sent (for a relative scroll).
_last_scroll: WeakKeyDictionary[SocketIO, dict[str, Any]] = WeakKeyDictionary()


def last_prompter_scroll(socketio: SocketIO, to: str) -> dict[str, Any] | None:
    """Where the prompters `to` were last sent ({item_id, ratio}), if anywhere."""
    return _last_scroll.get(socketio, {}).get(to)


#: What `find_room` is asked for to get every room at once (the overview's "all").
ALL_ROOMS = "*"


def disconnect_consoles(socketio: SocketIO) -> None:
    """Close every open console connection, in every room, and every overview (after
    the producer's logout)."""
    manager = socketio.server.manager
    consoles = {
        sid
        for name in list(manager.rooms.get(CONTROL, {}))
        if isinstance(name, str) and (name in (OVERVIEW, "control") or name.endswith("/control"))
        for sid, _eio_sid in manager.get_participants(CONTROL, name)
    }
    for sid in consoles:
        socketio.server.disconnect(sid, namespace=CONTROL)


def answer_anyway(error: Exception) -> dict[str, Any]:
    """A handler that failed still answers its event: the console shows the
    refusal instead of waiting for an answer that never comes."""
    log.error("Socket.IO handler failed", exc_info=error)
    return {
        "ok": False,
        "code": "server_error",
        "error": _("Máy chủ gặp lỗi khi xử lý yêu cầu này; hãy thử lại."),
    }
