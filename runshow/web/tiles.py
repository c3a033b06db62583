"""What the producer reads of each room: its line in `GET /api/rooms` and its tile
on the overview (pure: a room's show in, plain data out)."""

from __future__ import annotations

from typing import Any

from runshow.agenda import localized, localized_presenter_line
from runshow.i18n import SOURCE_LANGUAGE, languages
from runshow.payloads import live_view, schedule_summary
from runshow.schedule import following
from runshow.timefmt import clock_text, offset_words, timer_text


def room_summary(room: Any) -> dict[str, Any]:
    """A room as `GET /api/rooms` lists it."""
    event = room.agenda.event
    return {
        "id": room.id,
        "title": event.title,
        "date": event.date,
        "start": event.start,
        "venue": event.venue.name,
        "rehearsal": room.agenda.rehearsal,
    }


def room_tile(room: Any) -> dict[str, Any]:
    """What the producer's overview shows of `room` now."""
    agenda, state, now = room.agenda, room.service.state, room.service.clock()
    live = live_view(agenda, state, now)
    figures = schedule_summary(agenda, state, now)
    timer, current = live["timer"], live["current"]
    tile = room_summary(room) | {
        "revision": state.revision,
        "server_time_ms": now,
        "current": None if current is None else current["title"],
        "presenter": None if current is None else current.get("presenter_line"),
        "next": None if live["next"] is None else live["next"]["title"],
        "timer": None,
        "offset": offset_words(figures["offset_ms"]),  # the workbook's; the page words it
        "offset_ms": figures["offset_ms"],
        "projected_end": clock_text(figures["projected_end_ms"], agenda.tz),
        "screens": room.presence.counts(),
        "message": {target: text for target, text in live["message"].items() if text},
        "blackout": live["blackout"],
        "banner": live["banner"],
        "translations": tile_translations(room),
    }
    if timer is not None:  # the page counts it down from its deadline (static/js/timer.js)
        text = timer_text(
            timer["mode"], timer["at_zero"], timer["remaining_ms"], timer["elapsed_ms"]
        )
        tile["timer"] = timer | {"text": text}
    return tile


def tile_translations(room: Any) -> dict[str, dict[str, str | None]]:
    """The tile's texts from the agenda in each other language, as the agenda translates
    them (else as written): its pages show `localized(tile, 'current')`."""
    agenda, state = room.agenda, room.service.state
    current, after = agenda.get(state.current_id), following(agenda, state)
    return {
        lang: {
            "title": localized(agenda.event, "title", lang),
            "current": None if current is None else localized(current, "title", lang),
            "presenter": None if current is None else localized_presenter_line(current, lang),
            "next": None if after is None else localized(after, "title", lang),
        }
        for lang in languages()
        if lang != SOURCE_LANGUAGE
    }
