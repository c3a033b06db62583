"""Runshow's Flask extension: the rooms and what their adapters share.

`create_app` (web/__init__.py) makes it with `init_app`, as flaskr wires its
database and Flask-SocketIO wires itself. The pages, the API and the login read
the room of the request with `current_show()`; the Socket.IO channels are handed a
way to find a client's room when they are made. Its background loops (one phase
ticker and one schedule ticker for every room) start and stop through `lifecycle`.

With one agenda the server is its own only room: today's URLs, keys and data
layout. With several (`RUNSHOW_ROOMS`), each room is a `Room` with its own show,
store under `<data-dir>/rooms/<id>/`, MC token, operator key and audiences.
"""

from __future__ import annotations

from functools import partial
from pathlib import Path
from typing import Any

from flask import Flask, current_app, g
from flask_socketio import SocketIO
from werkzeug.exceptions import NotFound

from runshow.agenda import Agenda, load_agenda
from runshow.i18n import _
from runshow.keys import LoginEpoch, mc_token, operator_key, resolve_control_key
from runshow.protocol import CONTROL, LIVE, rooms_by_view
from runshow.rooms import RoomFile, plan_rooms, room_data_dir
from runshow.service import ShowService
from runshow.store import Store
from runshow.web.access import Access, RoomAccess
from runshow.web.broadcast import Broadcaster, tell_stopping
from runshow.web.channels import ALL_ROOMS, OVERVIEW, ControlNamespace, LiveNamespace, answer_anyway
from runshow.web.event_stream import EventStream
from runshow.web.lifecycle import Lifecycle
from runshow.web.phase_ticker import PhaseLoop, PhaseTicker
from runshow.web.presence import Presence, announce_presence
from runshow.web.schedule_ticker import ScheduleTicker
from runshow.web.snapshots import Snapshots
from runshow.web.tiles import room_tile

EXTENSION = "runshow"
#: The id of the one show a process runs (`/runshow/main/next` means `/runshow/next`).
SINGLE_ROOM = "main"


class UnknownRoom(NotFound):
    """A room id in a URL or a query that no room has (a 404, in words)."""

    def __init__(self, room: str, rooms: list[str] | None = None):
        missing = _("Không có phòng %(room)s trên máy chủ này.", room=repr(room))
        listed = _(" Các phòng: %(rooms)s.", rooms=", ".join(rooms)) if rooms else ""
        super().__init__(missing + listed)
        self.room, self.rooms = room, rooms or []

    def __str__(self) -> str:
        return str(self.description)


class RoomNeeded(Exception):
    """A request without a room on a server of several: it does not guess."""

    def __init__(self, rooms: list[str]):
        super().__init__(
            _(
                "Máy chủ này chạy nhiều phòng: hãy chọn phòng (/r/<phòng>/… hoặc "
                "/api/rooms/<phòng>/…). Các phòng: %(rooms)s.",
                rooms=", ".join(rooms),
            )
        )
        self.rooms = rooms


class Room:
    """One room's show: the dispatcher (`service`), who may control it (`access`),
    who is connected (`presence`), what a connecting screen is sent (`snapshots`),
    what its screens are sent after a command (`broadcaster`), its phase ticker.
    Its screens' audiences are named `audience(name)`: its own, apart from every
    other room's."""

    id: str
    prefix: str
    service: ShowService
    access: RoomAccess
    presence: Presence
    snapshots: Snapshots
    broadcaster: Broadcaster
    phases: PhaseTicker

    def _open_room(
        self,
        room: str,
        prefix: str,
        service: ShowService,
        access: RoomAccess,
        server: Runshow,
    ) -> None:
        """Open the room on `server`'s Socket.IO server, lifecycle and phase loop."""
        self.id, self.prefix, self.service, self.access = room, prefix, service, access
        self.socketio, self.lifecycle = socketio, lifecycle = server.socketio, server.lifecycle
        self.presence = Presence()
        self.snapshots = Snapshots(service)
        self.broadcaster = Broadcaster(socketio, service, self.snapshots, self.audience)
        targets = {
            namespace: [
                self.audience(name) for names in rooms_by_view(namespace).values() for name in names
            ]
            for namespace in (LIVE, CONTROL)
        }
        self.phases = PhaseTicker(socketio, service, server.phase_loop, targets)
        self.events = EventStream(self.snapshots, lifecycle, server.events_heartbeat_s)
        service.subscribe(self.broadcaster)
        service.subscribe(self.phases.after_command)  # after the state: screens get it first
        service.subscribe(self.events.after_command)
        self.phases.listeners.append(self.events.phase)

    @property
    def room(self) -> str:
        """Its id, as the integrations name it (`/api/events?room=`, OSC's address)."""
        return self.id

    def audience(self, name: str) -> str:
        """The Socket.IO room of this room's screens of role `name`."""
        return self.prefix + name

    def is_mc_token(self, candidate: object) -> bool:
        return self.access.is_mc_token(candidate)

    @property
    def agenda(self) -> Agenda:
        """The programme as it is now, with any live edits."""
        return self.service.agenda

    @property
    def title(self) -> str:
        return self.agenda.event.title


class Runshow(Room):
    """The server's rooms (`rooms`, by id), the show-wide `show_access` (the producer's
    control key, and each room's operator key), the channels, the two tickers and
    the `lifecycle` their loops run in. With one agenda it is itself that room."""

    socketio: SocketIO
    lifecycle: Lifecycle
    schedule: ScheduleTicker
    rooms: dict[str, Room]
    several: bool
    show_access: Access

    def __init__(self, app: Flask | None = None, socketio: SocketIO | None = None) -> None:
        if app is not None and socketio is not None:
            self.init_app(app, socketio)

    def init_app(self, app: Flask, socketio: SocketIO) -> None:
        """The show of `app.config` (RUNSHOW_AGENDA or RUNSHOW_ROOMS, RUNSHOW_DATA_DIR...),
        served on `socketio`. Raises `AgendaError` if an agenda file is unusable,
        `RoomsError` if the rooms' files cannot be told apart."""
        config = app.config
        data_dir = Path(config["RUNSHOW_DATA_DIR"])
        files = config.get("RUNSHOW_ROOMS")
        self.several = files is not None
        plan = (
            plan_rooms(files)
            if self.several
            else [RoomFile(SINGLE_ROOM, Path(config["RUNSHOW_AGENDA"]))]
        )
        agendas = {room.id: load_agenda(room.path) for room in plan}  # all read first
        start_ms = config["RUNSHOW_REHEARSAL_START_MS"]
        if start_ms is not None:  # every room moves by the same amount: the first opens then
            shift_ms = start_ms - min(agenda.start_ms for agenda in agendas.values())
            agendas = {
                room: agenda.rehearsal_at(agenda.start_ms + shift_ms)
                for room, agenda in agendas.items()
            }
        self.show_access = access = Access(
            control_key=resolve_control_key(data_dir, config["RUNSHOW_CONTROL_KEY"]),
            login_epoch=LoginEpoch(data_dir),
            mc_token="" if self.several else mc_token(data_dir),
        )
        self.socketio = socketio
        self.lifecycle = Lifecycle(socketio)
        self.phase_loop = PhaseLoop(socketio, self.lifecycle)
        self.events_heartbeat_s = config["RUNSHOW_EVENTS_HEARTBEAT_S"]
        clock = config["RUNSHOW_CLOCK"]
        self.rooms = {}
        for room_file in plan:
            if not self.several:
                service = ShowService(agendas[room_file.id], Store(data_dir), clock=clock)
                room_access = RoomAccess(room_file.id, access, access.mc_token)
                self._open_room(room_file.id, "", service, room_access, self)
                self.rooms[room_file.id] = self
                continue
            folder = room_data_dir(data_dir, room_file.id)
            room = Room()
            service = ShowService(agendas[room_file.id], Store(folder), clock=clock)
            access.operator_keys[room_file.id] = operator_key(folder)
            room_access = RoomAccess(room_file.id, access, mc_token(folder))
            room._open_room(room_file.id, f"{room_file.id}/", service, room_access, self)
            self.rooms[room_file.id] = room
        for room in self.rooms.values():  # the overview hears every command at once
            room.service.subscribe(lambda _state: self.send_overview())
        self.schedule = ScheduleTicker(
            socketio,
            self.rooms.values,
            self.lifecycle,
            config["RUNSHOW_SCHEDULE_EVERY_S"],
            also=self.send_overview,
        )
        self._channels(socketio, clock)
        app.extensions[EXTENSION] = self

    def _channels(self, socketio: SocketIO, clock: Any) -> None:
        socketio.on_error_default(answer_anyway)
        socketio.on_namespace(LiveNamespace(LIVE, socketio, self.find_room, clock))
        socketio.on_namespace(
            ControlNamespace(
                CONTROL,
                socketio,
                self.find_room,
                clock,
                ticker=self.schedule,
                access=self.show_access,
                source=self.source,
                overview=self.overview_tiles,
            )
        )
        hear_reports = getattr(socketio.server.manager, "hear_reports", None)
        if hear_reports is not None:  # display workers report their screens, room by room
            rooms = {
                (room.id if self.several else None): (
                    room.presence,
                    partial(announce_presence, socketio, room.presence, room.audience("control")),
                )
                for room in self.rooms.values()
            }
            hear_reports(rooms, self.lifecycle)

    def find_room(self, wanted: str | None) -> Any:
        """The room a client asked for (None: the only one); `ALL_ROOMS`: every room."""
        if wanted == ALL_ROOMS:
            return self.rooms.values()
        if wanted is None:
            return None if self.several else self
        return self.rooms.get(wanted)

    def room_named(self, wanted: str | None) -> Room:
        """The room `wanted` names (None: the only one). Raises `UnknownRoom` or, on a
        server of several rooms asked for none, `RoomNeeded`."""
        if wanted is None:
            if self.several:
                raise RoomNeeded(list(self.rooms))
            return self
        room = self.rooms.get(wanted)
        if room is None:
            raise UnknownRoom(wanted, list(self.rooms))
        return room

    def room_for_request(self) -> Room:
        """The room of this request: its URL's (`/r/<room>/…`), else the only one."""
        return self.room_named(g.get("room_id"))

    def source(self, entry: str, controller: str) -> str:
        """What a command's log entry says of who sent it and through what: on a server
        of several rooms, the producer or the room's operator too."""
        return f"{entry}:{controller}" if self.several else entry

    def overview_tiles(self) -> list[dict[str, Any]]:
        return [room_tile(room) for room in self.rooms.values()]

    def send_overview(self) -> None:
        """Every room's tile to the producers' overviews, if any is open."""
        if self.socketio.server.manager.rooms.get(CONTROL, {}).get(OVERVIEW):
            self.socketio.emit(OVERVIEW, self.overview_tiles(), namespace=CONTROL, to=OVERVIEW)

    def close(self) -> None:
        """Close every room's store."""
        for room in self.rooms.values():
            room.service.store.close()

    def stop(self) -> None:
        """The server is stopping: no command is taken any more (its answer could be
        lost with the process), every screen is told (they show that they are
        reconnecting), then every background loop ends."""
        for room in self.rooms.values():
            room.service.stop_taking_commands()
        tell_stopping(self.socketio, (LIVE, CONTROL))
        self.lifecycle.stop()


def current_show() -> Room:
    """The room of the request being handled (with one agenda: the show itself)."""
    return current_app.extensions[EXTENSION].room_for_request()


def show_for_room(room: str | None, app: Flask | None = None) -> Room:
    """The room `room` names (None: the only one) of `app` or of the app handling this
    request: the one lookup every entry point that takes a room id goes through."""
    return (app or current_app).extensions[EXTENSION].room_named(room)


def current_server() -> Runshow:
    """Every room of the app handling this request."""
    return current_app.extensions[EXTENSION]
