"""The seam between the fast path and the libraries' own broadcast path.

The fast path (runshow/web/fanout.py, runshow/web/upkeep.py, the worker's cache
in runshow/web/workers.py, the middleware skipped in runshow/web/__init__.py and
eventlet's WebSockets in runshow/server.py) leans on private names and data
layouts of python-engineio, python-socketio, Flask-SocketIO and eventlet. At
start-up `probe` checks every one of them, and the versions the fast path was
written and tested for (pyproject.toml pins the same minor versions; a test
keeps the two in agreement). If anything differs, or RUNSHOW_FANOUT=stock is
set, the server uses the libraries' public path (`socketio.emit(..., to=room)`
with the stock manager, Engine.IO's own sockets, Flask-SocketIO's middleware)
and says so in one line.

A broadcast that raises on the fast path later on is not only logged: the
manager goes over to the library's path for good (`DirectManager.emit`), and
`/api/health` and the console say so (`status`).
"""

from __future__ import annotations

import hashlib
import inspect
import os
import textwrap
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from importlib import metadata
from typing import Any, Protocol

from runshow.i18n import N_, _

#: The minor versions the fast path was written and tested for (pyproject.toml pins
#: these; constraints.txt has the exact releases). Renovating them is a deliberate
#: change: the fan-out tests and bench/fanout.py again, then new digests below.
TESTED_VERSIONS = {
    "python-engineio": "4.15",
    "python-socketio": "5.18",
    "Flask-SocketIO": "5.7",
    "eventlet": "0.41",
}

#: The library code the fast path copies (Engine.IO's WebSocket handler, in
#: upkeep.ScreenSocket), overrides or leans on (the socket's send, close and pings, the
#: upgrade that calls the handler, and the connect that makes each client's socket
#: through `engineio.socket.Socket`, which upkeep.install replaces, and schedules its
#: pings), skips (Flask-SocketIO's middleware) or builds on (python-socketio's queue
#: handler and raw send): a digest of each as tested.
#: A new release that changes any of them turns the fast path off. (eventlet's are in
#: runshow/server.py, the only module that imports it.)
SOURCE_DIGESTS = {
    "engineio.socket:Socket._websocket_handler": "128ddff6d9b5",
    "engineio.socket:Socket._upgrade_websocket": "7da93efe8f53",
    "engineio.socket:Socket.handle_get_request": "d4d5fca2c4e7",
    "engineio.server:Server._handle_connect": "e1542abec3a1",
    "engineio.socket:Socket.send": "da8c8dd8c7cb",
    "engineio.socket:Socket.close": "0545fa24f1fc",
    "engineio.socket:Socket.schedule_ping": "ce99733916e9",
    "engineio.socket:Socket.receive": "0d340a38a442",
    "flask_socketio:_SocketIOMiddleware.__call__": "d7e4c905fea8",
    "socketio.pubsub_manager:PubSubManager._handle_emit": "0ba07f01c7f9",
    "socketio.server:Server._send_eio_packet": "c12968b6a8d7",
}

#: RUNSHOW_FANOUT=stock: the libraries' own path whatever the probe finds.
STOCK = "stock"
DIRECT = "direct"


class WebSockets(Protocol):
    """The server's WebSockets, as far as the probe is concerned (runshow/server.py)."""

    @staticmethod
    def problems() -> list[str]:
        """What the fast path needs of them and does not find."""


@dataclass(frozen=True)
class Fanout:
    """Which path broadcasts take in this process, and why not the fast one."""

    direct: bool
    reason: str = ""

    def line(self) -> str:
        """What the server prints at start when it takes the libraries' path."""
        return _(
            "Gửi tới màn hình theo đường chuẩn của thư viện (đúng, nhưng tốn CPU hơn khi có "
            "hàng nghìn màn hình): %(reason)s.",
            reason=self.reason,
        )


def failure_text(error: BaseException) -> str:
    """The console's warning after a broadcast raised on the fast path."""
    return _(
        "Đường gửi nhanh tới màn hình bị lỗi; máy chủ đã chuyển sang đường chuẩn của thư viện, "
        "các màn hình vẫn nhận đủ. Báo cho người phát triển (%(kind)s: %(error)s).",
        kind=type(error).__name__,
        error=error,
    )


def source_digest(qualified: str) -> str:
    """The first 12 hex digits of the SHA-256 of a function's source, e.g.
    ``"engineio.socket:Socket._websocket_handler"``."""
    module_name, _colon, path = qualified.partition(":")
    target: Any = __import__(module_name, fromlist=["_"])
    for part in path.split("."):
        target = getattr(target, part)
    source = textwrap.dedent(inspect.getsource(target))
    return hashlib.sha256(source.encode()).hexdigest()[:12]


#: What the probe says of a name the fast path uses that a library no longer has,
#: or writes otherwise.
_GONE = N_("%(owner)s không còn %(name)s")
_REWRITTEN = N_("%(name)s đã đổi cách viết")


def _minor(version: str) -> str:
    return ".".join(version.split(".")[:2])


def _versions() -> list[str]:
    problems = []
    for distribution, tested in TESTED_VERSIONS.items():
        try:
            installed = metadata.version(distribution)
        except metadata.PackageNotFoundError:
            problems.append(_("thiếu %(name)s", name=distribution))
            continue
        if _minor(installed) != tested:
            problems.append(
                _(
                    "%(name)s %(installed)s chưa được thử (đã thử %(tested)s.x)",
                    name=distribution,
                    installed=installed,
                    tested=tested,
                )
            )
    return problems


def changed_sources(digests: Mapping[str, str]) -> list[str]:
    """Each function of `digests` whose source is not the one tested, in words."""
    problems = []
    for qualified, tested in digests.items():
        try:
            digest = source_digest(qualified)
        except Exception:  # gone, renamed, or no source to read
            digest = None
        if digest != tested:
            problems.append(_("%(name)s đã khác bản đã thử", name=qualified.replace(":", ".")))
    return problems


def _sources() -> list[str]:
    return changed_sources(SOURCE_DIGESTS)


def _wire() -> list[str]:
    """The packets' text as the fast path writes it into its own frames."""
    from engineio import packet as eio_packet
    from socketio import packet

    event = packet.Packet(packet.EVENT, namespace="/live", data=["state", {"a": 1}])
    if event.encode() != '2/live,["state",{"a":1}]':
        return [_(_REWRITTEN, name="socketio Packet.encode")]
    if eio_packet.Packet(eio_packet.MESSAGE, "x").encode() != "4x":
        return [_(_REWRITTEN, name="engineio Packet.encode")]
    return []


def _missing(owner: Any, label: str, names: tuple[str, ...]) -> list[str]:
    return [_(_GONE, owner=label, name=name) for name in names if not hasattr(owner, name)]


def _engineio() -> list[str]:
    """Engine.IO's socket and server, as ScreenSocket and the sweep use them."""
    import engineio
    import engineio.socket

    if not isinstance(getattr(engineio.socket, "Socket", None), type):
        return [_(_GONE, owner="engineio.socket", name="Socket")]
    server = engineio.Server(async_mode="threading", monitor_clients=False)
    client = engineio.socket.Socket(server, "probe")
    problems = _missing(
        client,
        "engineio Socket",
        (
            *("queue", "last_ping", "connected", "upgrading", "upgraded", "closing", "closed"),
            *("send", "close", "receive", "schedule_ping", "check_ping_timeout"),
        ),
    )
    problems += _missing(
        server,
        "engineio Server",
        (
            *("ping_interval", "ping_timeout", "max_http_buffer_size", "reason", "logger"),
            *("start_background_task", "get_queue_empty_exception", "send_packet"),
        ),
    )
    if not isinstance(getattr(server, "sockets", None), dict):
        problems.append(_("%(name)s không còn là dict", name="engineio Server.sockets"))
    if not hasattr(getattr(server, "reason", None), "TRANSPORT_CLOSE"):
        problems.append(_(_GONE, owner="engineio Server.reason", name="TRANSPORT_CLOSE"))
    return problems


def _socketio() -> list[str]:
    """python-socketio's manager: rooms as {namespace: {room: {sid: eio_sid}}}."""
    import socketio

    server = socketio.Server(async_mode="threading")
    names = ("eio", "packet_class", "_send_eio_packet")
    problems = _missing(server, "socketio Server", names)
    manager = socketio.Manager()
    manager.set_server(server)
    try:
        sid = manager.connect("eio-probe", "/probe")
        manager.enter_room(sid, "/probe", "room", eio_sid="eio-probe")
        layout = {None: {sid: "eio-probe"}, sid: {sid: "eio-probe"}, "room": {sid: "eio-probe"}}
        if getattr(manager, "rooms", None) != {"/probe": layout}:
            problems.append(_("%(name)s đã đổi cách sắp xếp", name="socketio Manager.rooms"))
    except Exception as error:
        problems.append(_("socketio Manager không nhận phòng như đã thử (%(error)s)", error=error))
    return problems


def _flask_socketio() -> list[str]:
    """The middleware that `_one_environ_per_connection` (runshow/web/__init__.py) skips."""
    import flask
    import flask_socketio
    import socketio

    middleware = getattr(flask_socketio, "_SocketIOMiddleware", None)
    if not (isinstance(middleware, type) and issubclass(middleware, socketio.WSGIApp)):
        return [
            _(
                "%(owner)s không còn %(name)s dựa trên socketio.WSGIApp",
                owner="Flask-SocketIO",
                name="_SocketIOMiddleware",
            )
        ]
    app = flask.Flask(__name__)
    server = flask_socketio.SocketIO(app, async_mode="threading")
    if getattr(server, "sockio_mw", None) is not app.wsgi_app:
        return [_(_GONE, owner="Flask-SocketIO", name="sockio_mw")]
    return []


#: Every check of the probe, in the order they are made.
CHECKS: tuple[Callable[[], list[str]], ...] = (
    _versions,
    _sources,
    _wire,
    _engineio,
    _socketio,
    _flask_socketio,
)


def probe(environ: Mapping[str, str] = os.environ, websockets: WebSockets | None = None) -> Fanout:
    """Which path this process should take: the fast one only if every private name,
    method and layout it uses is as tested (and `websockets`, the server's, agrees)."""
    asked = environ.get("RUNSHOW_FANOUT", "").strip()
    if asked.lower() == STOCK:
        return Fanout(False, "RUNSHOW_FANOUT=stock")
    if asked.lower() not in ("", DIRECT):  # a typo: the path that is always right
        return Fanout(
            False,
            _(
                "RUNSHOW_FANOUT=%(asked)s không rõ nghĩa (chỉ nhận stock hoặc direct)",
                asked=asked,
            ),
        )
    problems: list[str] = []
    checks = (*CHECKS, websockets.problems) if websockets is not None else CHECKS
    for check in checks:
        try:
            problems += check()
        except Exception as error:  # a library changed beyond what a check foresaw
            problems.append(
                _(
                    "kiểm tra %(check)s lỗi (%(error)s)",
                    check=check.__name__.strip("_"),
                    error=error,
                )
            )
    if problems:
        return Fanout(False, "; ".join(problems))
    return Fanout(True)


_decided: Fanout | None = None


def decision(websockets: WebSockets | None = None) -> Fanout:
    """The process's path, probed once (runshow/server.py probes first, with its
    WebSockets, before anything is installed)."""
    global _decided
    if _decided is None:
        _decided = probe(os.environ, websockets)
    return _decided


def status(manager: Any) -> dict[str, Any]:
    """The broadcast path as `/api/health` and the console show it."""
    failure = getattr(manager, "failure", None)
    direct = bool(getattr(manager, "direct", False)) and failure is None
    answer: dict[str, Any] = {"fanout": DIRECT if direct else STOCK}
    if failure is not None:
        answer["fanout_warning"] = answer["fanout_text"] = failure_text(failure)
    elif not direct:
        answer["fanout_reason"] = decision().reason
        answer["fanout_text"] = _(
            "Gửi tới màn hình: đường chuẩn của thư viện (%(reason)s).", reason=decision().reason
        )
    else:
        answer["fanout_text"] = _("Gửi tới màn hình: đường nhanh (đã kiểm tra khi khởi động).")
    return answer
