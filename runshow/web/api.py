"""The HTTP API, for Stream Deck / Bitfocus Companion, curl and scripts (docs/api.md)."""

from __future__ import annotations

import contextlib
from typing import Any

from flask import Blueprint, Response, current_app, jsonify, request, session
from werkzeug.exceptions import ClientDisconnected, RequestEntityTooLarge
from werkzeug.wsgi import get_input_stream

from runshow import __version__
from runshow.i18n import _
from runshow.jsontext import JsonError, Unreadable, read_json
from runshow.payloads import COMMAND_FIELDS, for_public
from runshow.protocol import ScheduleFigures, json_with, programme_payload
from runshow.report_xlsx import XLSX_MIMETYPE
from runshow.schedule import schedule_view
from runshow.sheets import programme_file
from runshow.web import fastpath
from runshow.web.access import client_address
from runshow.web.channels import last_prompter_scroll, relay_prompter_scroll
from runshow.web.extension import current_server, current_show
from runshow.web.roomurls import API_ROOM_PREFIX, room_route

bp = Blueprint("api", __name__, url_prefix="/api")

#: HTTP status for each kind of refusal.
REFUSAL_STATUS = {
    "invalid": 400,
    "stale_revision": 409,
    "moved_on": 409,
    "not_possible": 409,
    "storage_error": 503,
    "stopping": 503,
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
    manager = current_server().socketio.server.manager
    return jsonify({"ok": True, "version": __version__} | fastpath.status(manager))


@room_route(bp, "/state", API_ROOM_PREFIX, methods=["GET"])
def state() -> Response:
    """The public state, the schedule's figures (offset, projected end) and, for
    Companion's buttons, what is possible now and what undo/redo would do."""
    view = current_show().service.view()
    figures = {key: view["schedule"][key] for key in SCHEDULE_FIGURES}
    commands = {key: view[key] for key in COMMAND_FIELDS}
    return jsonify(for_public(view) | commands | {"schedule": figures})


@room_route(bp, "/schedule", API_ROOM_PREFIX, methods=["GET"])
def schedule() -> Response:
    """Planned against actual, item by item."""
    service = current_show().service
    return jsonify(schedule_view(service.agenda, service.state, service.clock()))


@room_route(bp, "/programme", API_ROOM_PREFIX, methods=["GET"])
def programme() -> Response:
    """The programme as the asker may see it: the console's with the control key (or
    a technician's session), the MC's with the MC link's `?token=`, else the public
    one: no MC script, no delegates (who came is not for every phone in the hall)."""
    if request.headers.get("Authorization"):
        _who, refused = _controller()
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


def _controller() -> tuple[str | None, Response | None]:
    """Who the request's key speaks for in its room (the producer, or the room's
    operator), or the refusal to answer."""
    access = current_show().access
    who, refused = access.bearer_controller(request.headers.get("Authorization"), client_address())
    if refused is None:
        return who, None
    code = "forbidden" if refused.status == 403 else "unauthorized"
    return None, _error(refused.status, code, refused.message, **refused.headers)


@room_route(bp, "/agenda<any('.json', '.xlsx'):suffix>", API_ROOM_PREFIX, methods=["GET"])
def agenda_file(suffix: str) -> Response:
    """The programme as the show runs it now (every live edit), as `agenda.json` or
    a workbook: the console's downloads, and `runshow export` while the server holds
    the data directory. The technician's: a logged-in console or the control key."""
    show = current_show()
    if request.headers.get("Authorization") or not show.access.is_technician(session):
        _who, refused = _controller()
        if refused is not None:
            return refused
    mimetype = XLSX_MIMETYPE if suffix == ".xlsx" else "application/json"
    return Response(
        programme_file(show.agenda, suffix),
        mimetype=mimetype,
        headers={"Content-Disposition": f'attachment; filename="agenda{suffix}"'},
    )


@room_route(bp, "/command", API_ROOM_PREFIX, methods=["POST"])
def command() -> Response:
    who, refused = _controller()
    if refused is not None or who is None:
        return refused or _error(401, "unauthorized", "")
    service = current_show().service
    result = service.dispatch(_json_body(), source=current_server().source("http", who))
    if not result.accepted:
        response = jsonify(result.to_json())
        response.status_code = REFUSAL_STATUS.get(result.code or "", 409)
        return response
    # The console's state now, already encoded: the one just sent to the consoles,
    # unless another command was applied meanwhile (as `service.view()` would say).
    state = current_show().snapshots.state("console")
    body = json_with(result.to_json(), state=state) + "\n"  # as jsonify ends its answers
    return Response(body, mimetype="application/json")


@room_route(bp, "/prompter", API_ROOM_PREFIX, methods=["POST"])
def prompter() -> Response:
    """Scroll the room's prompters on the item on, as the console's ▲ ▼ do (Companion):
    `{"ratio": 0…1}` (0 the script's top, 1 its end), or `{"step": -1…1}` from where
    they were last sent. Not a command: nothing is stored or logged."""
    _who, refused = _controller()
    if refused is not None:
        return refused
    body = _json_body()
    show = current_show()
    (name, value), *others = body.items() if isinstance(body, dict) and body else [(None, None)]
    if others or name not in ("ratio", "step") or not _a_number(value) or not -1 <= value <= 1:
        return _error(400, "invalid", _('Cần {"ratio": 0…1} hoặc {"step": -1…1}.'))
    item_id = show.service.state.current_id
    if item_id is None:
        return _error(
            409, "not_possible", _("Không có mục nào đang diễn ra: không có lời dẫn để cuộn.")
        )
    prompters = show.audience("prompter")
    ratio = float(value)
    if name == "step":
        last = last_prompter_scroll(show.socketio, prompters)
        start = last["ratio"] if last and last["item_id"] == item_id else 0.0
        ratio = min(1.0, max(0.0, start + ratio))
    answer = relay_prompter_scroll(show.socketio, {"item_id": item_id, "ratio": ratio}, prompters)
    if not answer["ok"]:
        return _error(400, answer["code"], answer["error"])
    return jsonify({"ok": True, "item_id": item_id, "ratio": ratio})


def _a_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _json_body() -> Any:
    """The body as JSON, or `Unreadable` saying why it cannot be (the dispatcher
    refuses it like any other invalid command)."""
    text = request.get_data(as_text=True)
    # A body of unknown length (chunked) stops at the limit: one more byte says it
    # went past it (RequestEntityTooLarge: a 413, like a body declared too long).
    request.stream.read(1)
    try:
        return read_json(text)
    except JsonError as error:
        return Unreadable(error.problems)


#: How much of a body past the limit the server reads (and drops) before it answers
#: 413. Most clients (Python's urllib and requests among them) send the whole body
#: before they read any answer: an answer sent before the body is read, on a
#: connection then closed, reaches them as a broken pipe. Past this, the server
#: answers at once and closes the connection (runshow/server.py) rather than read on.
DISCARD_LIMIT = 16 * 1024 * 1024
_DISCARD_CHUNK = 64 * 1024


@bp.app_errorhandler(RequestEntityTooLarge)
def too_large(exceeded: RequestEntityTooLarge) -> Response | tuple[str, int]:
    _drop_body()
    limit = current_app.config["MAX_CONTENT_LENGTH"] // 1024
    message = _("Nội dung gửi lên quá lớn (tối đa %(limit)s KiB).", limit=limit)
    if request.path.startswith(bp.url_prefix or "/api"):
        return _error(413, "too_large", message)
    return message, 413


def _drop_body() -> None:
    """Read what is left of the body, up to `DISCARD_LIMIT`, so that the client reads
    its 413. Not when it waits for a "100 Continue" before sending it: it never will."""
    length = request.content_length
    if request.headers.get("Expect", "").lower() == "100-continue":
        return
    if length is not None and length > DISCARD_LIMIT:
        return
    stream = get_input_stream(request.environ, max_content_length=None)
    left = DISCARD_LIMIT
    with contextlib.suppress(OSError, ValueError, ClientDisconnected):
        while left > 0 and (chunk := stream.read(min(_DISCARD_CHUNK, left))):
            left -= len(chunk)
