"""The HTTP API, for Stream Deck / Bitfocus Companion, curl and scripts (docs/api.md)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, current_app, jsonify, request, session
from werkzeug.exceptions import RequestEntityTooLarge

from runshow import __version__
from runshow.jsontext import JsonError, Unreadable, read_json
from runshow.payloads import COMMAND_FIELDS, for_public
from runshow.protocol import ScheduleFigures, json_with, programme_payload
from runshow.schedule import schedule_view
from runshow.web import fastpath
from runshow.web.access import client_address
from runshow.web.extension import current_show

bp = Blueprint("api", __name__, url_prefix="/api")

#: HTTP status for each kind of refusal.
REFUSAL_STATUS = {
    "invalid": 400,
    "stale_revision": 409,
    "moved_on": 409,
    "not_possible": 409,
    "storage_error": 503,
}
SCHEDULE_FIGURES = tuple(ScheduleFigures.__annotations__)


def _error(status: int, code: str, message: str, **headers: str) -> Response:
    response = jsonify({"ok": False, "code": code, "error": message})
    response.status_code = status
    response.headers.update(headers)
    return response


@bp.get("/health")
def health() -> Response:
    """Up, which version, and which path broadcasts take ("direct", or "stock" with the
    reason or the warning): public, for a monitor and for the console."""
    manager = current_show().socketio.server.manager
    return jsonify({"ok": True, "version": __version__} | fastpath.status(manager))


@bp.get("/state")
def state() -> Response:
    """The public state, the schedule's figures (offset, projected end) and, for
    Companion's buttons, what is possible now and what undo/redo would do."""
    view = current_show().service.view()
    figures = {key: view["schedule"][key] for key in SCHEDULE_FIGURES}
    commands = {key: view[key] for key in COMMAND_FIELDS}
    return jsonify(for_public(view) | commands | {"schedule": figures})


@bp.get("/schedule")
def schedule() -> Response:
    """Planned against actual, item by item."""
    service = current_show().service
    return jsonify(schedule_view(service.agenda, service.state, service.clock()))


@bp.get("/programme")
def programme() -> Response:
    """The programme as the asker may see it: the console's with the control key (or
    a technician's session), the MC's with the MC link's `?token=`, else the public
    one: no MC script, no delegates (who came is not for every phone in the hall)."""
    if request.headers.get("Authorization"):
        refused = _key_refusal()
        if refused is not None:
            return refused
        view = "console"
    elif current_show().access.is_technician(session):
        view = "console"
    elif current_show().access.is_mc_token(request.args.get("token")):
        view = "mc"
    else:
        view = "public"
    return jsonify(programme_payload(current_show().agenda, view))


def _key_refusal() -> Response | None:
    """None when the request carries the control key; else the refusal to answer."""
    access = current_show().access
    refused = access.bearer_refusal(request.headers.get("Authorization"), client_address())
    if refused is None:
        return None
    return _error(refused.status, "unauthorized", refused.message, **refused.headers)


@bp.post("/command")
def command() -> Response:
    refused = _key_refusal()
    if refused is not None:
        return refused
    service = current_show().service
    result = service.dispatch(_json_body(), source="http")
    if not result.accepted:
        response = jsonify(result.to_json())
        response.status_code = REFUSAL_STATUS.get(result.code or "", 409)
        return response
    # The console's state now, already encoded: the one just sent to the consoles,
    # unless another command was applied meanwhile (as `service.view()` would say).
    state = current_show().snapshots.state("console")
    body = json_with(result.to_json(), state=state) + "\n"  # as jsonify ends its answers
    return Response(body, mimetype="application/json")


def _json_body() -> Any:
    """The body as JSON, or `Unreadable` saying why it cannot be (the dispatcher
    refuses it like any other invalid command)."""
    try:
        return read_json(request.get_data(as_text=True))
    except JsonError as error:
        return Unreadable(error.problems)


@bp.app_errorhandler(RequestEntityTooLarge)
def too_large(exceeded: RequestEntityTooLarge) -> Response | tuple[str, int]:
    limit = current_app.config["MAX_CONTENT_LENGTH"] // 1024
    message = f"Nội dung gửi lên quá lớn (tối đa {limit} KiB)."
    if request.path.startswith(bp.url_prefix or "/api"):
        return _error(413, "too_large", message)
    return message, 413
