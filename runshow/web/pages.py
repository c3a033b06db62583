"""What every page template gets, so a screen can paint before its socket connects."""

from __future__ import annotations

from typing import Any

from jinja2.utils import htmlsafe_json_dumps

from runshow.protocol import AUDIENCES, state_payloads
from runshow.views import programme_view
from runshow.web import runtime


def page_context(role: str, *, private: bool = True) -> dict[str, Any]:
    """`private=False` gives a privileged screen (the MC's without its token) the
    public state."""
    show = runtime()
    audience = AUDIENCES.get(role if private else "programme", AUDIENCES["programme"])
    programme = programme_view(show.agenda, for_control=audience.sees_tech_notes)
    service = show.service
    state = state_payloads(show.agenda, service.state, service.clock())[audience.view]
    return {
        "role": role,
        "event": programme["event"],
        "rehearsal": programme["rehearsal"],
        "programme_json": htmlsafe_json_dumps(programme),
        "state_json": htmlsafe_json_dumps(state),
    }
