"""What every page template gets, so a screen can paint before its socket connects."""

from __future__ import annotations

from typing import Any

from jinja2.utils import htmlsafe_json_dumps

from runshow.protocol import AUDIENCES, programme_payload, state_payloads
from runshow.web.extension import current_show


def page_context(role: str, *, private: bool = True) -> dict[str, Any]:
    """`private=False` gives a privileged screen (the MC's without its token) the
    public state."""
    show = current_show()
    audience = AUDIENCES.get(role if private else "programme", AUDIENCES["programme"])
    programme = programme_payload(show.agenda, audience.view)
    service = show.service
    state = state_payloads(show.agenda, service.state, service.clock())[audience.view]
    return {
        "role": role,
        "event": programme["event"],
        "banner_kinds": programme["banner_kinds"],
        "rehearsal": programme["rehearsal"],
        "programme_json": htmlsafe_json_dumps(programme),
        "state_json": htmlsafe_json_dumps(state),
    }
