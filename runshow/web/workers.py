"""Beyond one process: screens spread over several server processes that share
Flask-SocketIO's message queue on Redis (docs/deploy-workers.md).

One process is the *authority*: it holds the show (store, dispatcher, console,
pages, API) and broadcasts each change through the queue. The others are
*display workers*: they hold `/live` screens only. Every `state` and
`programme` that passes through the queue is kept by the worker's manager, so a
screen connecting to a worker gets the latest snapshot of its view without
asking anyone; a worker that has seen nothing yet asks the authority once
(`GET /api/snapshots`, with the control key). A console, a command or a page
asked of a worker is refused with the authority's address.

Keeping those snapshots hooks python-socketio's private `_handle_emit`: only on
the fast path (runshow/web/fastpath.py checks it). On the libraries' own path a
worker asks the authority for each screen's snapshot. The workers' reports of
their screens go on a Redis channel of their own (`WORKER_REPORT`), with redis-py.
"""

from __future__ import annotations

import json
import logging
import os
import threading
import time
import urllib.request
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import redis
import socketio
from flask import Blueprint, Flask, Response, jsonify, request
from flask_socketio import ConnectionRefusedError, Namespace, SocketIO

from runshow import i18n, protocol
from runshow.i18n import _
from runshow.keys import same_secret
from runshow.protocol import CONTROL, LIVE, Encoded, SocketJSON
from runshow.service import wall_clock_ms
from runshow.web import language
from runshow.web.access import client_address
from runshow.web.broadcast import tell_stopping
from runshow.web.channels import LiveNamespace, OneRoom
from runshow.web.extension import current_show
from runshow.web.fanout import DirectManager
from runshow.web.fastpath import decision
from runshow.web.lifecycle import Lifecycle
from runshow.web.presence import Presence
from runshow.web.roomurls import API_ROOM_PREFIX, room_route
from runshow.web.upkeep import ping_options

log = logging.getLogger(__name__)

CHANNEL = "runshow"
#: The Redis channel of the display workers' screens, to the authority (never to a
#: client): `Presence.report` as JSON. Sent within `REPORT_EVERY_S` of a change, and
#: again every third of `worker_silence_s()`, after which the authority takes a silent
#: worker for gone.
WORKER_REPORT = "runshow:worker-screens"
REPORT_EVERY_S = 1.0
WORKER_SILENCE_S = 15

#: A room's screens on the authority and how its consoles are told of them.
Listeners = tuple[Presence, Callable[[], None]]


def worker_silence_s(environ: Any = os.environ) -> float:
    """How long a display worker may stay silent before the console stops counting its
    screens: RUNSHOW_WORKER_SILENCE_S, 3 to 60 whole seconds (the same for the authority
    and the workers it starts, which inherit its environment)."""
    raw = environ.get("RUNSHOW_WORKER_SILENCE_S")
    if not raw:
        return float(WORKER_SILENCE_S)
    try:
        seconds = int(raw)
    except ValueError:
        seconds = 0
    if not 3 <= seconds <= 60:
        log.warning(
            "RUNSHOW_WORKER_SILENCE_S=%r is not a whole number of seconds from 3 to 60: %d s",
            raw,
            WORKER_SILENCE_S,
        )
        seconds = WORKER_SILENCE_S
    return float(seconds)


class QueueJSON:
    """What goes through Redis: JSON, with an already encoded payload carried as
    text (decoded back into an `Encoded` on the other side, never re-serialised)."""

    @staticmethod
    def dumps(data: Any, **_options: Any) -> str:
        return json.dumps(data, ensure_ascii=False, default=_encoded_to_json)

    @staticmethod
    def loads(text: str | bytes, **_options: Any) -> Any:
        return json.loads(text, object_hook=_encoded_from_json)


def _encoded_to_json(value: Any) -> dict[str, Any]:
    if isinstance(value, Encoded):
        return {"__encoded__": value.text, "tag": value.tag}
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def _encoded_from_json(value: dict[str, Any]) -> Any:
    if "__encoded__" in value:
        return Encoded(value["__encoded__"], value.get("tag"))
    return value


class LiveManager(socketio.RedisManager):
    """The Redis client manager as the library has it, on the authority hearing the
    display workers' reports on their channel."""

    #: Whether `latest` knows the snapshots (the fast path's `DirectLiveManager`).
    remembers = False

    def __init__(self, url: str):
        super().__init__(url, channel=CHANNEL, json=QueueJSON)
        self.url = url
        self._reports: dict[str | None, Listeners] = {}

    def hear_reports(self, rooms: dict[str | None, Listeners], lifecycle: Lifecycle) -> None:
        """On the authority: a display worker's report of a room's screens (`"room"`
        in it; none for a server of one room, key None) goes into that room's presence
        and its consoles are told (`rooms`: room → (presence, announce)); a worker gone
        silent is dropped. Both loops are `lifecycle`'s."""
        self._reports = rooms
        lifecycle.start("hearing display workers", lambda: self._hear(lifecycle))
        silence_s = worker_silence_s()

        def drop_silent_workers() -> None:
            for presence, announce in rooms.values():
                if presence.expire(time.monotonic(), silence_s):
                    announce()

        lifecycle.every("dropping silent display workers", REPORT_EVERY_S, drop_silent_workers)

    def _hear(self, lifecycle: Lifecycle) -> None:
        """The reports' channel, until the server stops (it looks every second)."""
        listener = None
        while lifecycle.running:
            try:
                if listener is None:
                    listener = redis.Redis.from_url(self.url).pubsub(ignore_subscribe_messages=True)
                    listener.subscribe(WORKER_REPORT)
                message = listener.get_message(timeout=REPORT_EVERY_S)
                if message is not None:
                    self._take_report(message["data"])
            except redis.RedisError as error:  # a worker's next heartbeat reports again
                log.warning("display workers' reports: %s; listening again in 1 s", error)
                listener = None
                lifecycle.wait(REPORT_EVERY_S)
            except Exception:  # the consoles' counts must keep being kept
                log.exception("a display worker's report could not be taken; the next follows")
        if listener is not None:
            listener.close()

    def _take_report(self, data: bytes) -> None:
        try:
            report = json.loads(data)
        except ValueError:
            log.warning("a display worker's report is not JSON: %.200r", data)
            return
        room = report.get("room") if isinstance(report, dict) else None
        if room not in self._reports:
            log.warning("a display worker's report of an unknown room: %.200r", room)
            return
        presence, announce = self._reports[room]
        if presence.take_report(report, time.monotonic()):  # a change
            announce()

    def set_server(self, server: socketio.Server) -> None:
        super().set_server(server)
        self.json = QueueJSON  # set_server would put the packets' JSON module in its place

    def reaches_anyone(self, namespace: str, rooms: Iterable[str]) -> bool:
        """Always: the screens of the other processes are not known here."""
        return True

    def latest(self, namespace: str, room: str, event: str) -> Encoded | None:
        """Nothing kept: the worker asks the authority."""
        return None


class DirectLiveManager(LiveManager, DirectManager):
    """The fast path's: remembers the last `state` and `programme` sent to each room
    (what a screen connecting to this process is to be given), and writes what
    reaches this process to its own screens as `DirectManager` does (python-socketio's
    `_handle_emit` ends in `emit`, the next in this order being `DirectManager`'s)."""

    remembers = True

    def __init__(self, url: str):
        super().__init__(url)
        self._latest: dict[tuple[str, str, str], Encoded] = {}
        self._lock = threading.Lock()

    def _handle_emit(self, message: dict[str, Any]) -> None:
        data = message.get("data")
        if message.get("event") in ("state", "programme") and data and message.get("room"):
            payload = data[0]
            rooms = message["room"] if isinstance(message["room"], list) else [message["room"]]
            if isinstance(payload, Encoded):
                with self._lock:
                    for room in rooms:
                        key = (message["namespace"], room, message["event"])
                        self._latest[key] = payload
        super()._handle_emit(message)

    def latest(self, namespace: str, room: str, event: str) -> Encoded | None:
        with self._lock:
            return self._latest.get((namespace, room, event))


def live_manager(url: str, direct: bool) -> LiveManager:
    """The message queue's manager for this process's path (runshow/web/fastpath.py)."""
    return DirectLiveManager(url) if direct else LiveManager(url)


def snapshots_blueprint() -> Blueprint:
    """`GET /api/snapshots` on the authority: every view's state and programme, for a
    display worker that has not seen a broadcast yet. Needs the control key (the MC's
    view carries the MC's messages)."""
    bp = Blueprint("snapshots", __name__, url_prefix="/api")

    @room_route(bp, "/snapshots", API_ROOM_PREFIX, methods=["GET"])
    def snapshots() -> Response:
        show = current_show()
        refused = show.access.bearer_refusal(request.headers.get("Authorization"), client_address())
        if refused is not None:
            return Response(refused.message, status=refused.status, headers=refused.headers)
        service = show.service
        states = dict(protocol.state_payloads(service.agenda, service.state, service.clock()))
        programmes = {view: protocol.programme_payload(service.agenda, view) for view in states}
        return jsonify({"states": states, "programmes": programmes})

    return bp


class WorkerSnapshots:
    """A display worker's snapshots: the latest seen through the queue, else the
    authority's (asked once)."""

    def __init__(
        self, manager: LiveManager, authority_url: str, control_key: str, room: str | None = None
    ):
        self.manager = manager
        self.authority_url = authority_url.rstrip("/")
        self.control_key = control_key
        self.path = "/api/snapshots" if room is None else f"/api/rooms/{room}/snapshots"
        self.prefix = "" if room is None else f"{room}/"  # the room's audiences (extension.py)
        self._asked: dict[str, dict[str, Encoded]] | None = None
        self._lock = threading.Lock()

    def _from_authority(self, kind: str, view: str) -> Encoded:
        """Asked once where the manager remembers what passes; else every time (the
        libraries' own path), and then without waiting for another screen's answer."""
        if not self.manager.remembers:
            return self._ask_authority()[kind][view]
        with self._lock:
            if self._asked is None:
                self._asked = self._ask_authority()
            return self._asked[kind][view]

    def _ask_authority(self) -> dict[str, dict[str, Encoded]]:
        request = urllib.request.Request(
            f"{self.authority_url}{self.path}",
            headers={"Authorization": f"Bearer {self.control_key}"},
        )
        with urllib.request.urlopen(request, timeout=10) as answer:  # raises on 4xx/5xx
            body = json.load(answer)
        return {
            "state": {v: protocol.encode(p) for v, p in body["states"].items()},
            "programme": {v: protocol.encode(p) for v, p in body["programmes"].items()},
        }

    def _latest(self, event: str, view: str) -> Encoded:
        rooms = protocol.rooms_by_view(LIVE).get(view, [])
        seen = [self.manager.latest(LIVE, self.prefix + room, event) for room in rooms]
        seen = [encoded for encoded in seen if encoded is not None]
        if not seen:
            return self._from_authority(event, view)
        if event == "state":
            return max(seen, key=lambda encoded: encoded.tag or 0)
        return seen[0]

    def state(self, view: str) -> Encoded:
        return self._latest("state", view)

    def programme(self, view: str) -> Encoded:
        return self._latest("programme", view)


class ReportChannel:
    """Where a display worker publishes its reports (`WORKER_REPORT`)."""

    def __init__(self, url: str):
        self.redis = redis.Redis.from_url(url)

    def publish(self, report: dict[str, Any]) -> None:
        self.redis.publish(WORKER_REPORT, json.dumps(report, ensure_ascii=False))


class ScreenReporter:
    """A display worker's screens, told to the authority on their Redis channel (the
    console counts them, and can make one of them show its name): within
    `REPORT_EVERY_S` of a change, and every third of the silence allowed."""

    def __init__(
        self,
        publish: Callable[[dict[str, Any]], object],
        presence: Presence,
        worker: str,
        room: str | None = None,
    ) -> None:
        self.publish = publish
        self.presence = presence
        self.worker = worker
        self.room = room  # which room's screens (several rooms), in every report
        self.heartbeat_s = worker_silence_s() / 3
        self._reported: int | None = None
        self._at_s = -self.heartbeat_s

    def report_if_due(self) -> None:
        """One round of the worker's loop: a report if something changed or a
        heartbeat is due."""
        now_s = time.monotonic()
        changes = self.presence.changes  # before the report: a screen joining meanwhile is next
        if changes != self._reported or now_s - self._at_s >= self.heartbeat_s:
            # (A report that cannot be published is logged by the lifecycle, and sent
            # again with the next heartbeat, well before the authority takes the
            # silence for gone.)
            report = self.presence.report(self.worker)
            self.publish(report if self.room is None else report | {"room": self.room})
            self._reported, self._at_s = changes, now_s


def refusal_text(authority_url: str) -> str:
    return _(
        "Máy chủ phụ chỉ phục vụ màn hình hiển thị. Bàn điều khiển, lệnh và các trang "
        "nằm ở máy chủ chính: %(url)s",
        url=authority_url,
    )


class RefusedControl(Namespace):
    """`/control` on a display worker: refused, with where to go."""

    def __init__(self, authority_url: str):
        super().__init__(CONTROL)
        self.authority_url = authority_url

    def on_connect(self, auth: Any = None) -> None:
        raise ConnectionRefusedError(refusal_text(self.authority_url))


def create_worker_app(
    message_queue: str,
    authority_url: str,
    control_key: str,
    mc_token: str,
    async_mode: str = "threading",
    name: str = "",
    room_tokens: dict[str, str] | None = None,
) -> Flask:
    """A display worker: `/live` screens fed through the queue, nothing else. The MC
    link's token (`mc_token`, the authority's) gives an MC tablet the MC's view here too.
    For an authority of several rooms, `room_tokens` (room → its MC token) names them:
    a screen then joins its room's audience as on the authority (`room=` in its query)."""

    app = Flask(__name__)
    app.config["RUNSHOW_LANG"] = i18n.default_language()  # the authority's (serve --lang)
    language.init_app(app)  # its refusals in the asker's language, as the authority's
    manager = live_manager(message_queue, decision().direct)
    socketio = SocketIO(
        app,
        async_mode=async_mode,
        json=SocketJSON,
        client_manager=manager,
        monitor_clients=False,
        **ping_options(),
    )
    worker = DisplayWorker(socketio, Lifecycle(socketio))
    publish = ReportChannel(message_queue).publish

    reporters: list[ScreenReporter] = []

    def open_room(room: str | None, token: str) -> OneRoom:
        presence = Presence()
        reporters.append(ScreenReporter(publish, presence, name or authority_url, room))
        return OneRoom(
            presence,
            WorkerSnapshots(manager, authority_url, control_key, room),
            lambda candidate: same_secret(candidate, token),
            prefix="" if room is None else f"{room}/",
        )

    if room_tokens is None:
        only = open_room(None, mc_token)
        find_room: Callable[[str | None], OneRoom | None] = lambda _wanted: only  # noqa: E731
    else:
        rooms = {room: open_room(room, token) for room, token in room_tokens.items()}
        find_room = rooms.get

    def report_every_room() -> None:  # one loop for every room: idle cost does not multiply
        for reporter in reporters:
            reporter.report_if_due()

    worker.lifecycle.every("reporting screens", REPORT_EVERY_S, report_every_room)
    socketio.on_namespace(
        LiveNamespace(LIVE, socketio, find_room, clock=wall_clock_ms, announce=False)
    )
    socketio.on_namespace(RefusedControl(authority_url))

    @app.route("/", defaults={"path": ""})
    @app.route("/<path:path>", methods=["GET", "POST"])
    def elsewhere(path: str) -> Response:
        response = jsonify({"ok": False, "code": "elsewhere", "error": refusal_text(authority_url)})
        response.status_code = 421  # Misdirected Request
        return response

    app.extensions["runshow_worker"] = worker
    return app


@dataclass
class DisplayWorker:
    """What `runshow serve --worker-of` runs: its Socket.IO server, and the lifecycle
    its loops (reporting, the sweep, leaving with the authority) run in."""

    socketio: SocketIO
    lifecycle: Lifecycle

    def stop(self) -> None:
        """Its screens are told the server is stopping, then every loop ends."""
        tell_stopping(self.socketio, (LIVE,))
        self.lifecycle.stop()
