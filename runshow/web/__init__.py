"""The web adapter: an application factory wiring the show to Flask and Socket.IO.

Flask's own shape (flaskr): `create_app` configures the app, makes the Socket.IO
server, wires Runshow's extension (web/extension.py: the show, its channels and
its background loops) and registers one blueprint per concern: the login
(web/auth.py), the screens (web/screens.py), the HTTP API (web/api.py).

Nothing here knows about eventlet: the async mode is a setting, chosen by the
server entry point (`runshow.server`), and tests run the same app threaded.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import socketio as python_socketio
from flask import Flask
from flask.sessions import SecureCookieSessionInterface
from flask_socketio import SocketIO
from socketio import WSGIApp

from runshow import bundled
from runshow.keys import session_secret
from runshow.protocol import SocketJSON
from runshow.service import wall_clock_ms
from runshow.web import (
    api,
    auth,
    automation_runner,
    fastpath,
    integrations_api,
    language,
    osc_link,
    overview,
    roomurls,
    screens,
)
from runshow.web.extension import Runshow
from runshow.web.fanout import DirectManager
from runshow.web.upkeep import ping_options

DEFAULTS: dict[str, Any] = {
    "RUNSHOW_AGENDA": str(bundled("agenda.json")),
    "RUNSHOW_ROOMS": None,  # several agenda files: one room each (runshow/rooms.py)
    "RUNSHOW_DATA_DIR": "data",
    "RUNSHOW_CONTROL_KEY": None,
    "RUNSHOW_REHEARSAL_START_MS": None,  # a dress rehearsal whose first item is then
    "RUNSHOW_CLOCK": wall_clock_ms,
    "RUNSHOW_ASYNC_MODE": "threading",
    "RUNSHOW_MESSAGE_QUEUE": None,  # e.g. "redis://127.0.0.1:6379/0" with display workers
    "RUNSHOW_SCHEDULE_EVERY_S": 2.0,  # how often consoles get the schedule figures
    "RUNSHOW_EVENTS_HEARTBEAT_S": 15.0,  # /api/events: a comment this often notices gone clients
    "RUNSHOW_PORT": 5000,
    "RUNSHOW_HOST": "0.0.0.0",
    "RUNSHOW_OSC_PORT": None,  # OSC in (docs/osc.md), on RUNSHOW_HOST
    "RUNSHOW_OSC_ALLOW": None,  # networks OSC is taken from; None: this machine's and its LANs'
    "RUNSHOW_OSC_FEEDBACK": (),  # (host, port) pairs the state is sent to as OSC
    "RUNSHOW_AUTOMATIONS": None,  # a rules file (docs/automations.md)
    "RUNSHOW_LANG": "vi",  # the pages' language when their link does not say (web/language.py)
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Strict",
    "SESSION_COOKIE_NAME": "runshow_session",
    "PERMANENT_SESSION_LIFETIME": 7 * 24 * 3600,
    # A command is a few hundred bytes: anything near this is a mistake or an attack.
    # A route that takes files (an upload) raises it for itself: request.max_content_length.
    "MAX_CONTENT_LENGTH": 64 * 1024,
}


class SignedCookieSessions(SecureCookieSessionInterface):
    """Flask's signed-cookie sessions, with the signer made once per secret key.
    Flask makes it again for every request, and Flask-SocketIO opens the session
    for every Socket.IO event: a storm of connecting screens paid for it thousands
    of times."""

    def __init__(self) -> None:
        self._signers: dict[tuple[Any, ...], Any] = {}

    def get_signing_serializer(self, app: Flask) -> Any:
        keys = (app.secret_key, *(app.config["SECRET_KEY_FALLBACKS"] or ()))
        signer = self._signers.get(keys)
        if signer is None:
            signer = self._signers[keys] = super().get_signing_serializer(app)
        return signer

    def open_session(self, app: Flask, request: Any) -> Any:
        """A request without cookies (the API, a phone's first visit) gets an empty
        session without parsing any: what Flask would give it, for less."""
        if "HTTP_COOKIE" not in request.environ and app.secret_key:
            return self.session_class()
        return super().open_session(app, request)


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Build the app. Raises `AgendaError` if the agenda file is unusable."""
    app = Flask(
        __name__,
        template_folder=str(bundled("templates")),
        static_folder=str(bundled("static")),
    )
    app.config.from_mapping(DEFAULTS)
    app.config.from_mapping(config or {})
    data_dir = Path(app.config["RUNSHOW_DATA_DIR"])
    data_dir.mkdir(parents=True, exist_ok=True)

    # Same origin only: leaving cors_allowed_origins unset makes Socket.IO
    # refuse handshakes whose Origin is another site.
    queue = app.config["RUNSHOW_MESSAGE_QUEUE"]
    direct = fastpath.decision().direct  # else the libraries' own path (web/fastpath.py)
    if queue:  # display workers in other processes get every broadcast (web/workers.py)
        from runshow.web.workers import live_manager

        manager = live_manager(queue, direct)
    else:
        manager = DirectManager() if direct else python_socketio.Manager()
    socketio = SocketIO(
        app,
        async_mode=app.config["RUNSHOW_ASYNC_MODE"],
        json=SocketJSON,
        client_manager=manager,
        monitor_clients=False,  # runshow/web/upkeep.py's sweep, started with the server
        **ping_options(),
    )
    if direct:
        _one_environ_per_connection(app, socketio)
    language.init_app(app)
    Runshow(app, socketio)
    osc_link.init_app(app)
    automation_runner.init_app(app)
    app.secret_key = session_secret(data_dir)
    app.session_interface = SignedCookieSessions()
    app.json.ensure_ascii = False  # type: ignore[attr-defined]  # readable Vietnamese in curl

    roomurls.init_app(app)
    app.register_blueprint(auth.bp)
    app.register_blueprint(screens.bp)
    app.register_blueprint(api.bp)
    app.register_blueprint(integrations_api.bp)
    app.register_blueprint(overview.bp)
    if queue:
        from runshow.web.workers import snapshots_blueprint

        app.register_blueprint(snapshots_blueprint())
    return app


def _one_environ_per_connection(app: Flask, socketio: SocketIO) -> None:
    """Flask-SocketIO's middleware copies every request's WSGI environ to put the app
    in it, and a connected screen keeps both for as long as it is connected: the
    server's, on its connection's stack, and the copy, in its Socket.IO session.
    The app goes into the server's environ instead (it is made afresh for each
    request): one dict of some thirty entries less per screen."""
    middleware = socketio.sockio_mw

    def with_the_app(environ: dict[str, Any], start_response: Any) -> Any:
        environ["flask.app"] = app
        return WSGIApp.__call__(middleware, environ, start_response)

    app.wsgi_app = with_the_app  # type: ignore[method-assign]
