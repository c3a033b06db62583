"""What every page template gets, so a screen can paint before its socket connects."""

from __future__ import annotations

from typing import Any

from flask import current_app, g, request
from jinja2.utils import htmlsafe_json_dumps

from runshow.i18n import N_, _
from runshow.network import base_urls
from runshow.protocol import AUDIENCES, programme_payload, state_payloads
from runshow.web.extension import RoomNeeded, current_server, current_show

#: What the pages of a server of several rooms that belong to no room call it.
ROOMS_TITLE = N_("Các phòng")
#: The pages that belong to no room.
ROOMLESS_PAGES = ("login", "home", "overview")


def page_context(role: str, *, private: bool = True) -> dict[str, Any]:
    """`private=False` gives a privileged screen (the MC's without its token) the
    public state. A page of no room (the login, the home page) on a server of
    several rooms gets `server_context`."""
    try:
        show = current_show()
    except RoomNeeded:
        if role not in ROOMLESS_PAGES:
            raise  # a room's screen: the room chooser answers (web/overview.py)
        return server_context(role)
    audience = AUDIENCES.get(role if private else "programme", AUDIENCES["programme"])
    programme = programme_payload(show.agenda, audience.view)
    service = show.service
    state = state_payloads(show.agenda, service.state, service.clock())[audience.view]
    return {
        "role": role,
        "room_id": g.get("room_id"),  # the screen's Socket.IO query names it (live.js)
        "event": programme["event"],
        "banner_kinds": programme["banner_kinds"],
        "rehearsal": programme["rehearsal"],
        "programme_json": htmlsafe_json_dumps(programme),
        "state_json": htmlsafe_json_dumps(state),
    }


def server_context(role: str) -> dict[str, Any]:
    """A page of the whole server (several rooms): no room's programme or state."""
    rooms = current_server().rooms.values()
    return {
        "role": role,
        "room_id": None,
        "event": {"title": _(ROOMS_TITLE)},
        "rehearsal": any(room.agenda.rehearsal for room in rooms),
        "programme_json": "null",
        "state_json": "null",
    }


def lan_addresses() -> list[str]:
    """Where screens reach this server: only addresses it listens on (`--host`),
    LAN ones rather than loopback, else the address this request came to."""
    port = request.host.rsplit(":", 1)[1] if ":" in request.host else "80"
    host = current_app.config["RUNSHOW_HOST"]
    addresses = base_urls(host, int(port)) if port.isdigit() else []
    return [url for url in addresses if "://127." not in url] or [request.host_url.rstrip("/")]
