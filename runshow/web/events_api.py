"""`GET /api/events`: the public view as Server-Sent Events (web/event_stream.py)."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify, request

from runshow.web.extension import UnknownRoom, show_for_room

bp = Blueprint("events", __name__, url_prefix="/api")


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
