"""The integrations' HTTP side: `GET /api/events`, the public view as Server-Sent
Events (web/event_stream.py), and the automations' Test button."""

from __future__ import annotations

from flask import Blueprint, Response, current_app, jsonify, request, session

from runshow.i18n import _
from runshow.web.access import client_address
from runshow.web.extension import UnknownRoom, show_for_room

bp = Blueprint("integrations", __name__, url_prefix="/api")


@bp.get("/events")
def events() -> Response:
    """Read-only, no key: what a stage screen is sent. `?room=` names the show;
    `Last-Event-ID` (or `?last_event_id=`, for a script) resumes a stream."""
    try:
        show = show_for_room(request.args.get("room"))
    except UnknownRoom as unknown:
        response = jsonify({"ok": False, "code": "unknown_room", "error": str(unknown)})
        response.status_code = 404
        return response
    show.phases.ensure_started()
    last = request.headers.get("Last-Event-ID") or request.args.get("last_event_id")
    # eventlet's server gathers a response's chunks up to 4 KiB before writing them.
    request.environ["eventlet.minimum_write_chunk_size"] = 0
    return Response(
        show.events.stream(last),
        mimetype="text/event-stream",
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
    )


@bp.post("/automations/<int:index>/test")
def test_automation(index: int) -> Response:
    """Send automation `index` now (the console's Test button): the technician's, by
    session or control key. Its result reaches the consoles with the others'."""
    show = show_for_room(request.args.get("room"))
    if not show.access.is_technician(session):
        refused = show.access.bearer_refusal(request.headers.get("Authorization"), client_address())
        if refused is not None:
            response = jsonify({"ok": False, "code": "unauthorized", "error": refused.message})
            response.status_code = refused.status
            return response
    runner = current_app.extensions.get("runshow.automations")
    if runner is None or not runner.test(index):
        response = jsonify({"ok": False, "code": "not_found", "error": _("Không có quy tắc này.")})
        response.status_code = 404
        return response
    return jsonify({"ok": True})
