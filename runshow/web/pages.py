"""What every page template gets, so a screen can paint before its socket connects."""

from __future__ import annotations

from typing import Any

from jinja2.utils import htmlsafe_json_dumps

from runshow.views import programme_view, state_for
from runshow.web import runtime


def page_context(role: str) -> dict[str, Any]:
    show = runtime()
    programme = programme_view(show.agenda, for_control=role == "control")
    return {
        "role": role,
        "event": programme["event"],
        "programme_json": htmlsafe_json_dumps(programme),
        "state_json": htmlsafe_json_dumps(state_for(role, show.service.view())),
    }
