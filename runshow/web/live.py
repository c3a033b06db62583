"""Socket.IO: the read-only `/live` channel for screens and the `/control` channel.

Every screen joins the room of its audience (runshow/protocol.py). Every
connect gets the programme and the state; every accepted command is pushed to
everyone once: one serialised state per view (public, MC, console), the same
text to every client of a room. A storm of reconnects shares the same encoded
snapshot too. The console also gets the schedule figures every few seconds,
because "behind schedule" moves while nobody acts.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import Flask, request, session
from flask_socketio import ConnectionRefusedError, Namespace, SocketIO, join_room

from runshow import protocol
from runshow.engine import ShowState
from runshow.errors import Problem
from runshow.jsontext import Unreadable
from runshow.keys import same_secret
from runshow.payloads import schedule_summary
from runshow.protocol import (
    AUDIENCES,
    CONTROL,
    DEFAULT_SCREEN_ROLE,
    LIVE,
    SCREEN_ROLES,
    Encoded,
    StatePayloads,
)
from runshow.service import ShowService
from runshow.textfit import draft_warnings
from runshow.web import runtime
from runshow.web.auth import is_technician
from runshow.web.ticker import PhaseTicker

log = logging.getLogger(__name__)

#: A screen's name, from its link (`/stage?name=LED+chính`): short, one line.
MAX_SCREEN_NAME = 40


def screen_name(raw: Any) -> str:
    return " ".join(str(raw or "").split())[:MAX_SCREEN_NAME]


@dataclass(frozen=True)
class _Report:
    """What a display worker last said of its screens, and when it was heard."""

    heard_s: float
    counts: dict[str, int]
    screens: list[dict[str, str]]


class Presence:
    """Which connection is which role, and the name its link gave it.

    Every connect and disconnect tells the consoles the counts and the list of
    named screens: both are kept up to date as screens come and go, so a storm
    of thousands of phones reconnecting does not recount everyone at each one.
    On the authority, the display workers' screens are added from their reports
    (web/workers.py): the console counts every screen of the show, wherever the
    front sent it.
    """

    #: Counted, not listed by name on the console (there may be hundreds).
    UNLISTED = ("programme", "control")

    def __init__(self) -> None:
        self._roles: dict[str, str] = {}
        self._by_role: dict[str, set[str]] = {}
        self._listed: dict[str, dict[str, str]] = {}  # sid → the console's line for it
        self._reports: dict[str, _Report] = {}  # display worker → its screens
        self._lock = threading.Lock()
        self.changes = 0  # one more at every join and leave: what a worker reports on

    def join(self, sid: str, role: str, name: str = "") -> None:
        with self._lock:
            self._forget(sid)
            self._roles[sid] = role
            self._by_role.setdefault(role, set()).add(sid)
            if role not in self.UNLISTED:
                self._listed[sid] = {"id": sid, "role": role, "name": name}
            self.changes += 1

    def leave(self, sid: str) -> None:
        with self._lock:
            self._forget(sid)
            self.changes += 1

    def _forget(self, sid: str) -> None:
        role = self._roles.pop(sid, None)
        if role is not None:
            self._by_role[role].discard(sid)
            self._listed.pop(sid, None)

    def screens(self) -> list[dict[str, str]]:
        """Every connected screen but the phones and consoles, by role then name;
        a display worker's with its name (`worker`)."""
        with self._lock:
            listed = [dict(screen) for screen in self._listed.values()]
            listed += [dict(s) for report in self._reports.values() for s in report.screens]
        return sorted(listed, key=lambda screen: (screen["role"], screen["name"], screen["id"]))

    def _listing(self, sid: str) -> dict[str, str] | None:
        with self._lock:
            if sid in self._listed:
                return self._listed[sid]
            for report in self._reports.values():
                for screen in report.screens:
                    if screen["id"] == sid:
                        return screen
        return None

    def role_of(self, sid: str) -> str | None:
        with self._lock:
            role = self._roles.get(sid)
        if role is None and (screen := self._listing(sid)) is not None:
            role = screen["role"]
        return role

    def name_of(self, sid: str) -> str:
        """The name its link gave a listed screen; "" for a phone or a console."""
        screen = self._listing(sid)
        return screen["name"] if screen is not None else ""

    def counts(self) -> dict[str, int]:
        with self._lock:
            return {
                role: len(self._by_role.get(role, ()))
                + sum(report.counts[role] for report in self._reports.values())
                for role in AUDIENCES
            }

    def sids(self, role: str) -> list[str]:
        with self._lock:
            return list(self._by_role.get(role, ()))

    def report(self, worker: str) -> dict[str, Any]:
        """This display worker's screens, for the authority's consoles."""
        return {"worker": worker, "counts": self.counts(), "screens": self.screens()}

    def take_report(self, report: Any, now_s: float) -> bool:
        """A display worker's `report` heard at `now_s` (monotonic); whether it changes
        what the consoles show (a heartbeat repeating the last report does not). A
        report that is not one (another version of Runshow on the queue?) is logged
        and left."""
        try:
            worker = str(report["worker"])
            counts = {role: max(0, int(report["counts"].get(role, 0))) for role in AUDIENCES}
            screens = [
                {
                    "id": str(screen["id"]),
                    "role": str(screen["role"]),
                    "name": screen_name(screen["name"]),
                    "worker": worker,
                }
                for screen in report["screens"]
                if screen["role"] in AUDIENCES and screen["role"] not in self.UNLISTED
            ]
        except (TypeError, KeyError, AttributeError, ValueError):
            log.warning("a display worker's report was not understood: %.200r", report)
            return False
        with self._lock:
            last = self._reports.get(worker)
            self._reports[worker] = _Report(now_s, counts, screens)
        return last is None or (last.counts, last.screens) != (counts, screens)

    def expire(self, now_s: float, silence_s: float) -> bool:
        """Drop the reports of the workers not heard from for `silence_s`; whether any was."""
        with self._lock:
            gone = [
                worker
                for worker, report in self._reports.items()
                if now_s - report.heard_s > silence_s
            ]
            for worker in gone:
                log.warning("display worker %s silent: its screens are no longer counted", worker)
                del self._reports[worker]
        return bool(gone)


class Snapshots:
    """The encoded payloads a connecting screen gets, shared by every connect.

    The state of each view is the one last broadcast, rebuilt when the show has
    moved on or it is older than `max_age_ms` (its timer figures and server time
    are then a little stale; screens draw from the deadline and sync their
    clocks anyway). The programme is encoded once per agenda.
    """

    def __init__(self, service: ShowService, max_age_ms: int = 1000):
        self.service = service
        self.max_age_ms = max_age_ms
        self._states: StatePayloads | None = None
        self._built_at_ms = 0
        self._programmes: dict[str, tuple[object, Encoded]] = {}

    def states(self, state: ShowState) -> StatePayloads:
        """Every view of `state` as of now, each built and encoded once, when first used."""
        now = self.service.clock()
        built = protocol.state_payloads(self.service.agenda, state, now)
        self._states, self._built_at_ms = built, now
        return built

    def state(self, view: str) -> Encoded:
        current = self.service.state
        cached = self._states
        fresh = self.service.clock() - self._built_at_ms < self.max_age_ms
        if cached is None or cached.state.revision != current.revision or not fresh:
            cached = self.states(current)
        return cached.encoded(view)

    def programme(self, view: str) -> Encoded:
        """The programme of `view`, tagged with its version."""
        agenda = self.service.agenda
        cached = self._programmes.get(view)
        if cached is None or cached[0] is not agenda:
            cached = (agenda, protocol.encode(protocol.programme_payload(agenda, view)))
            self._programmes[view] = cached
        return cached[1]


def announce_presence(socketio: SocketIO, presence: Presence) -> None:
    """Tell the consoles how many screens of each role, and which ones by name."""
    socketio.emit("presence", presence.counts(), namespace=CONTROL)
    socketio.emit("screens", presence.screens(), namespace=CONTROL)


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
        join_room(audience.name)  # before reading the state: see init_app's send_per_view
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

    def __init__(self, *args: Any, mc_token: str | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.mc_token = mc_token  # a display worker's copy of the authority's

    def role(self, auth: Any = None) -> str:
        role = request.args.get("role", "")
        if role == "mc":
            token = auth.get("token") if isinstance(auth, dict) else None
            secret = runtime().mc_token if self.mc_token is None else self.mc_token
            return "mc" if same_secret(token, secret) else DEFAULT_SCREEN_ROLE
        return role if role in SCREEN_ROLES else DEFAULT_SCREEN_ROLE


class ControlNamespace(_ShowNamespace):
    """The technician's console. Refused without a login, and every command checked."""

    def __init__(
        self,
        namespace: str,
        socketio: SocketIO,
        presence: Presence,
        snapshots: Snapshots,
        phases: PhaseTicker,
        ticker: ScheduleTicker,
        clock: Callable[[], int],
    ):
        super().__init__(namespace, socketio, presence, snapshots, clock, phases)
        self.ticker = ticker

    def on_connect(self, auth: Any = None) -> None:
        if not is_technician(session):
            raise ConnectionRefusedError("unauthorized")
        super().on_connect(auth)
        self.ticker.ensure_started()

    def on_command(self, payload: Any = None, *extra: Any) -> dict[str, Any]:
        if not is_technician(session):
            return {
                "ok": False,
                "code": "unauthorized",
                "error": "Phiên đăng nhập không hợp lệ: hãy đăng nhập lại.",
            }
        if extra:  # a command is one object: what else came along is a sender's mistake
            reason = f"lệnh chỉ gồm một đối tượng JSON {{...}}, không kèm {len(extra)} đối số khác"
            payload = Unreadable([Problem("", reason)])
        return runtime().service.dispatch(payload, source="console").to_json()

    def on_identify(self, payload: Any = None, *_extra: Any) -> dict[str, Any]:
        """Make one screen flash its name for a few seconds, to tell which is which."""
        if not is_technician(session):
            return {"ok": False, "code": "unauthorized", "error": "Hãy đăng nhập lại."}
        sid = payload.get("id") if isinstance(payload, dict) else None
        if not isinstance(sid, str) or self.presence.role_of(sid) in (None, "control"):
            return {"ok": False, "code": "not_possible", "error": "Màn hình này không còn kết nối."}
        identity = {"role": self.presence.role_of(sid), "name": self.presence.name_of(sid)}
        self.socketio_app.emit("identify", identity, to=sid, namespace=LIVE)
        return {"ok": True}

    def on_fit(self, draft: Any = None, *_extra: Any) -> dict[str, Any]:
        """Will a text being typed in the edit panel fit the stage? (Changes nothing.)"""
        if not is_technician(session):
            return {"warnings": []}
        return {"warnings": draft_warnings(draft)}


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
            try:
                self.tick()
            except Exception:  # one bad tick must not end the figures for the rest of the day
                log.exception("schedule tick failed; the next one follows")

    def tick(self) -> None:
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
    @socketio.on_error_default
    def answer_anyway(error: Exception) -> dict[str, Any]:
        """A handler that failed still answers its event: the console shows the
        refusal instead of waiting for an answer that never comes."""
        log.error("Socket.IO handler failed", exc_info=error)
        return {
            "ok": False,
            "code": "server_error",
            "error": "Máy chủ gặp lỗi khi xử lý yêu cầu này; hãy thử lại.",
        }

    presence = Presence()
    snapshots = Snapshots(service)
    app.extensions["runshow_snapshots"] = snapshots
    ticker = ScheduleTicker(socketio, service, presence, app.config["RUNSHOW_SCHEDULE_EVERY_S"])
    phases = PhaseTicker(socketio, service, (LIVE, CONTROL))
    app.extensions["runshow_phases"] = phases
    clock = service.clock
    hear_reports = getattr(socketio.server.manager, "hear_reports", None)
    if hear_reports is not None:  # display workers report their screens through the queue
        hear_reports(presence, lambda: announce_presence(socketio, presence))
    socketio.on_namespace(LiveNamespace(LIVE, socketio, presence, snapshots, clock, phases))
    socketio.on_namespace(
        ControlNamespace(CONTROL, socketio, presence, snapshots, phases, ticker, clock)
    )
    # (view, namespace, its rooms drawing that view), in the views' sending order.
    routes = [
        (view, namespace, rooms)
        for view in protocol.VIEWS
        for namespace in (LIVE, CONTROL)
        if (rooms := protocol.rooms_by_view(namespace).get(view))
    ]

    sent_programme = [service.agenda]
    # The programme version each view's screens have: an edit that does not change
    # what a view draws (a delegate ticked present, for the phones) is not resent to it.
    programme_versions = {view: snapshots.programme(view).tag for view in protocol.VIEWS}

    def send_per_view(event: str, payload_of_view, views_to_send=protocol.VIEWS) -> None:
        """`event` to every room, each view's payload encoded once for all its screens
        (and not at all for a view no screen draws: a screen connecting meanwhile
        joins its room, then reads the state, which the service set before telling
        anyone; tests/test_protocol.py). A manager that cannot tell sends them all."""
        reaches_anyone = getattr(socketio.server.manager, "reaches_anyone", None)
        for view, namespace, rooms in routes:
            if view not in views_to_send:
                continue
            if reaches_anyone is None or reaches_anyone(namespace, rooms):
                socketio.emit(event, payload_of_view(view), namespace=namespace, to=rooms)

    def broadcast(state: ShowState) -> None:
        if service.agenda is not sent_programme[0]:
            # A live edit (or its undo): the screens get the programme before the state.
            sent_programme[0] = service.agenda
            changed = {
                view
                for view in protocol.VIEWS
                if snapshots.programme(view).tag != programme_versions[view]
            }
            programme_versions.update({view: snapshots.programme(view).tag for view in changed})
            send_per_view("programme", snapshots.programme, changed)
        send_per_view("state", snapshots.states(state).encoded)

    service.subscribe(broadcast)
    service.subscribe(phases.after_command)
