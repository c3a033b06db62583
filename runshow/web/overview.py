"""Several rooms: the producer's overview (`/overview`), the room list (`/api/rooms`),
the home page's room chooser, and the answers to a request that names no room or an
unknown one.

A tile says what a producer reads of each room at a glance; the overview page draws
the tiles the schedule ticker sends (`overview` on /control, every few seconds and
after every command) and counts the timers down between them.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import Blueprint, Response, jsonify, render_template, request

from runshow.i18n import _
from runshow.web.auth import producer_required
from runshow.web.extension import RoomNeeded, UnknownRoom, current_server
from runshow.web.pages import lan_addresses, server_context
from runshow.web.qr import qr_svg
from runshow.web.tiles import room_summary
from runshow.words import role_name

bp = Blueprint("rooms", __name__)

#: The screens of a room the home page links to, in its order.
ROOM_SCREENS = ("stage", "speaker", "mc", "programme", "control")


@bp.get("/api/rooms")
def rooms() -> Response:
    """Every room: its id (its URLs' part), its title, date and start."""
    return jsonify({"rooms": [room_summary(room) for room in current_server().rooms.values()]})


@bp.get("/overview")
@producer_required
def overview() -> str:
    server = current_server()
    tiles = server.overview_tiles()
    keys = {room: key.value for room, key in server.show_access.operator_keys.items()}
    return render_template(
        "overview.html", tiles=tiles, operator_keys=keys, **server_context("overview")
    )


def room_chooser(status: int = 200, notice: str | None = None) -> tuple[str, int]:
    """Every room with its screens' links and QR codes (the home page of a server of
    several rooms, and the answer to a page that names no room)."""
    base = lan_addresses()[0]
    wanted = request.path if request.path not in ("/", "") else None
    listing = []
    for room in current_server().rooms.values():
        links = [
            {
                "role": role,
                "label": role_name(role),
                "path": f"/r/{room.id}/{role}",
                "qr": qr_svg(f"{base}/r/{room.id}/{role}") if role != "control" else None,
            }
            for role in ROOM_SCREENS
        ]
        target = f"/r/{room.id}{wanted}" if wanted else None
        day = dt.date.fromisoformat(room.agenda.event.date)
        listing.append(
            {
                "summary": room_summary(room),
                "event": room.agenda.event,
                "day": day,
                "links": links,
                "target": target,
            }
        )
    html = render_template(
        "rooms.html", rooms=listing, base=base, notice=notice, **server_context("home")
    )
    return html, status


@bp.app_errorhandler(RoomNeeded)
def room_needed(refused: RoomNeeded) -> Any:
    """Several rooms and a request for none: the API refuses listing the rooms; a
    page shows the chooser."""
    if request.path.startswith("/api/"):
        response = jsonify(
            {
                "ok": False,
                "code": "room_needed",
                "error": str(refused),
                "rooms": [room_summary(room) for room in current_server().rooms.values()],
            }
        )
        response.status_code = 409
        return response
    return room_chooser(notice=_("Chọn phòng:"))


@bp.app_errorhandler(UnknownRoom)
def unknown_room(missing: UnknownRoom) -> Any:
    if request.path.startswith("/api/"):
        response = jsonify({"ok": False, "code": "unknown_room", "error": missing.description})
        response.status_code = 404
        return response
    return room_chooser(404, missing.description)
