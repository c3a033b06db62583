"""Runshow's Flask extension: the show and what its adapters share.

`create_app` (web/__init__.py) makes it with `init_app`, as flaskr wires its
database and Flask-SocketIO wires itself. The pages, the API and the login read
it with `current_show()`; the Socket.IO channels are handed what they need when
they are made. Its background loops start and stop through `lifecycle`.
"""

from __future__ import annotations

from functools import partial
from pathlib import Path

from flask import Flask, current_app
from flask_socketio import SocketIO

from runshow.agenda import Agenda, load_agenda
from runshow.keys import LoginEpoch, mc_token, resolve_control_key
from runshow.protocol import CONTROL, LIVE
from runshow.service import ShowService
from runshow.store import Store
from runshow.web.access import Access
from runshow.web.broadcast import Broadcaster, tell_stopping
from runshow.web.channels import ControlNamespace, LiveNamespace, answer_anyway
from runshow.web.event_stream import EventStream
from runshow.web.lifecycle import Lifecycle
from runshow.web.phase_ticker import PhaseTicker
from runshow.web.presence import Presence, announce_presence
from runshow.web.schedule_ticker import ScheduleTicker
from runshow.web.snapshots import Snapshots

EXTENSION = "runshow"
#: The id of the one show a process runs (`/runshow/main/next` means `/runshow/next`).
SINGLE_ROOM = "main"


class Runshow:
    """One running show: the dispatcher (`service`), who may do what (`access`),
    who is connected (`presence`), what a connecting screen is sent (`snapshots`),
    what every screen is sent after a command (`broadcaster`), the two tickers,
    and the `lifecycle` their loops run in."""

    service: ShowService
    access: Access
    socketio: SocketIO
    lifecycle: Lifecycle
    presence: Presence
    snapshots: Snapshots
    broadcaster: Broadcaster
    phases: PhaseTicker
    schedule: ScheduleTicker
    events: EventStream
    #: The room this show answers to (issue 21 gives each show of a process its own).
    room = SINGLE_ROOM

    def __init__(self, app: Flask | None = None, socketio: SocketIO | None = None) -> None:
        if app is not None and socketio is not None:
            self.init_app(app, socketio)

    def init_app(self, app: Flask, socketio: SocketIO) -> None:
        """The show of `app.config` (RUNSHOW_AGENDA, RUNSHOW_DATA_DIR...), served on
        `socketio`. Raises `AgendaError` if the agenda file is unusable."""
        config = app.config
        data_dir = Path(config["RUNSHOW_DATA_DIR"])
        agenda = load_agenda(config["RUNSHOW_AGENDA"])
        if config["RUNSHOW_REHEARSAL_START_MS"] is not None:
            agenda = agenda.rehearsal_at(config["RUNSHOW_REHEARSAL_START_MS"])
        self.service = service = ShowService(agenda, Store(data_dir), clock=config["RUNSHOW_CLOCK"])
        self.access = Access(
            control_key=resolve_control_key(data_dir, config["RUNSHOW_CONTROL_KEY"]),
            login_epoch=LoginEpoch(data_dir),
            mc_token=mc_token(data_dir),
        )
        self.socketio = socketio
        self.lifecycle = Lifecycle(socketio)
        self.presence = Presence()
        self.snapshots = Snapshots(service)
        self.broadcaster = Broadcaster(socketio, service, self.snapshots)
        self.phases = PhaseTicker(socketio, service, self.lifecycle, (LIVE, CONTROL))
        self.schedule = ScheduleTicker(
            socketio, service, self.presence, self.lifecycle, config["RUNSHOW_SCHEDULE_EVERY_S"]
        )
        self.events = EventStream(
            self.snapshots, self.lifecycle, config["RUNSHOW_EVENTS_HEARTBEAT_S"]
        )
        self._channels(socketio)
        service.subscribe(self.broadcaster)
        service.subscribe(self.phases.after_command)  # after the state: screens get it first
        service.subscribe(self.events.after_command)
        self.phases.listeners.append(self.events.phase)
        app.extensions[EXTENSION] = self

    def _channels(self, socketio: SocketIO) -> None:
        socketio.on_error_default(answer_anyway)
        common = (socketio, self.presence, self.snapshots, self.service.clock, self.phases)
        socketio.on_namespace(LiveNamespace(LIVE, *common, is_mc_token=self.access.is_mc_token))
        socketio.on_namespace(
            ControlNamespace(
                CONTROL, *common, ticker=self.schedule, service=self.service, access=self.access
            )
        )
        hear_reports = getattr(socketio.server.manager, "hear_reports", None)
        if hear_reports is not None:  # display workers report their screens through the queue
            announce = partial(announce_presence, socketio, self.presence)
            hear_reports(self.presence, announce, self.lifecycle)

    @property
    def agenda(self) -> Agenda:
        """The programme as it is now, with any live edits."""
        return self.service.agenda

    def stop(self) -> None:
        """The server is stopping: no command is taken any more (its answer could be
        lost with the process), every screen is told (they show that they are
        reconnecting), then every background loop ends."""
        self.service.stop_taking_commands()
        tell_stopping(self.socketio, (LIVE, CONTROL))
        self.lifecycle.stop()


def current_show() -> Runshow:
    """The show of the app handling this request."""
    return current_app.extensions[EXTENSION]


class UnknownRoom(LookupError):
    """No show of this process answers to the room id given."""

    def __init__(self, room: str) -> None:
        super().__init__(f"Không có phòng {room!r} trên máy chủ này.")
        self.room = room


def show_for_room(room: str | None, app: Flask | None = None) -> Runshow:
    """The show `room` names (None: the process's show), of `app` or of the app
    handling this request: the one lookup every entry point that takes a room id
    (`/api/events?room=`, `/runshow/<room>/...` over OSC) goes through. Raises
    `UnknownRoom` for a room no show answers to."""
    show: Runshow = (app or current_app).extensions[EXTENSION]
    if room is None or room == show.room:
        return show
    raise UnknownRoom(room)
