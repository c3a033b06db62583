"""Room-scoped URLs: every screen and API route also answers under its room's prefix
(`/r/<room>/stage`, `/api/rooms/<room>/state`), the same view behind both.

The room is taken out of the URL's values before the view runs (`g.room_id`, read by
`current_show()`), and put back into every `url_for` of a page served under a room,
so a console at `/r/phong-b/control` links to `/r/phong-b/report` without knowing.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint, Flask, g

#: The pages' prefix; the API's is `API_ROOM_PREFIX` (under /api).
PAGE_ROOM_PREFIX = "/r/<room>"
API_ROOM_PREFIX = "/rooms/<room>"


def room_route(
    bp: Blueprint, rule: str, prefix: str = PAGE_ROOM_PREFIX, **options: Any
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """`bp.route(rule)`, and the same view at `prefix + rule`."""

    def register(view: Callable[..., Any]) -> Callable[..., Any]:
        bp.add_url_rule(rule, view_func=view, **options)
        bp.add_url_rule(prefix + rule, view_func=view, **options)
        return view

    return register


def init_app(app: Flask) -> None:
    @app.url_value_preprocessor
    def take_the_room(_endpoint: str | None, values: dict[str, Any] | None) -> None:
        if values and "room" in values:
            g.room_id = values.pop("room")

    @app.url_defaults
    def keep_the_room(endpoint: str, values: dict[str, Any]) -> None:
        room = g.get("room_id")
        if room and "room" not in values and app.url_map.is_endpoint_expecting(endpoint, "room"):
            values["room"] = room
