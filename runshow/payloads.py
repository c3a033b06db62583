"""What each audience is sent: the JSON-ready payloads of the programme and the show.

Pure functions of (agenda, state, now). Their shapes are declared in
``runshow/protocol.py`` (which also says which audience draws which view) and
documented in ``docs/protocol.md``:

- the *programme*: the event and its items, which changes only with the agenda
  file, sent once per connection;
- the *state*: the live show at one revision, small, sent on every change. The
  console's state (`state_view`) also carries the per-item schedule; the MC's
  (`live_view`) does not; the public one (`for_public`) has no MC message either.

The schedule's arithmetic is runshow/schedule.py; here is who sees what of it.
"""

from __future__ import annotations

from typing import Any

from runshow.agenda import (
    Agenda,
    Delegate,
    EventInfo,
    Item,
    ItemSpec,
    localized,
    presenter_line,
)
from runshow.engine import ShowState, Timer, available, phase_of
from runshow.i18n import SOURCE_LANGUAGE, languages
from runshow.introduction import Paragraph, introduction
from runshow.schedule import following, progress, schedule_view
from runshow.textfit import banner_line_kind, fit_warnings

#: What the console (and the HTTP API) is told about commands; screens do not need it.
COMMAND_FIELDS = ("available", "undo", "redo")
#: What the console's state carries beyond the public one (besides the MC's message).
PRIVATE_FIELDS = ("schedule", *COMMAND_FIELDS)


def live_item(item: Item) -> dict[str, Any]:
    """An item as the live state names it: what a screen draws without the programme."""
    spec = item.spec
    return {
        "id": item.id,
        "index": item.index,
        "kind": spec.kind,
        "title": spec.title,
        "presenter_line": presenter_line(spec.presenter),
        "duration_ms": item.duration_ms,
    }


def item_summary(item: Item) -> dict[str, Any]:
    spec = item.spec
    return live_item(item) | {
        "kind_label": item.kind_label,
        "presenter": None if spec.presenter is None else spec.presenter.model_dump(),
    }


def translations_view(record: EventInfo | ItemSpec | Delegate) -> dict[str, dict[str, Any]]:
    """The agenda's translations of a record, per language, the texts it gives only."""
    return {lang: translation.model_dump() for lang, translation in record.translations.items()}


def _other_languages() -> tuple[str, ...]:
    return tuple(lang for lang in languages() if lang != SOURCE_LANGUAGE)


def item_translations(item: Item) -> dict[str, dict[str, Any]]:
    """The item's translations, with its kind's label in every language the server
    speaks when the item has no label of its own: a screen shows
    `localized(item, 'kind_label')` whatever the agenda translates."""
    given = translations_view(item.spec)
    if item.spec.kind_label is not None:
        return given
    for lang in _other_languages():
        given.setdefault(lang, {}).setdefault("kind_label", localized(item, "kind_label", lang))
    return given


def introduction_view(agenda: Agenda) -> list[dict[str, Any]]:
    """The delegates present, as the MC introduces them: per delegation, its lead
    sentence and one line per delegate; `translations` has, per other language the
    server speaks, those of `group`, `lead` and `lines` that read differently there
    (``localized(paragraph, 'lines')`` reads them as an item's)."""
    present = [d for d in agenda.spec.delegates if d.present]
    written = [_paragraph_view(p) for p in introduction(present, SOURCE_LANGUAGE)]
    translated = {
        lang: [_paragraph_view(p) for p in introduction(present, lang)]
        for lang in _other_languages()
    }
    return [
        paragraph
        | {
            "translations": {
                lang: {
                    field: text
                    for field, text in paragraphs[index].items()
                    if text != paragraph[field]
                }
                for lang, paragraphs in translated.items()
            }
        }
        for index, paragraph in enumerate(written)
    ]


def _paragraph_view(paragraph: Paragraph) -> dict[str, Any]:
    return {"group": paragraph.group, "lead": paragraph.lead, "lines": list(paragraph.lines)}


def banner_kinds(agenda: Agenda) -> list[str]:
    """The look the stage gives each of the event's banner lines, in order."""
    return [banner_line_kind(index, line) for index, line in enumerate(agenda.event.banner_lines)]


def programme_view(
    agenda: Agenda, *, for_control: bool = False, for_public: bool = False
) -> dict[str, Any]:
    """The whole programme. Technicians' notes, the agenda's fields (for the edit panel)
    and what will not fit the stage go to the control console only; the stage and the
    phones get neither the MC's script nor the delegates to introduce."""
    event = agenda.event
    starts = agenda.planned_starts_ms()
    warnings = fit_warnings(agenda) if for_control else []
    items = []
    for item, planned_start in zip(agenda.items, starts, strict=True):
        view = item_summary(item) | {
            "duration_estimated": item.spec.duration_estimated,
            "mode": item.spec.timer.mode,
            "warning_ms": item.warning_ms,
            "danger_ms": item.danger_ms,
            "at_zero": item.spec.timer.at_zero,
            "audience_timer": item.audience_timer,
            "planned_start_ms": planned_start,
            "fixed_start_ms": None
            if item.spec.starts_at is None
            else agenda.clock_ms(item.spec.starts_at),
            "mc_script": item.spec.mc_script,
            "translations": item_translations(item),
        }
        if for_control:
            view["tech_notes"] = item.spec.tech_notes
            view["fields"] = item.spec.model_dump(mode="json")
            view["fit_warnings"] = [w.message for w in warnings if w.item_index == item.index]
        if for_public:
            del view["mc_script"]
            for translation in view["translations"].values():
                translation.pop("mc_script", None)
        items.append(view)
    programme = {
        # The console's one-click messages are the console's.
        "event": event.model_dump(exclude=None if for_control else {"presets"})
        | {"translations": translations_view(event)},
        "banner_kinds": banner_kinds(agenda),
        "delegates": [],
        "introduction": [],
        "items": items,
        "start_ms": agenda.start_ms,
        "rehearsal": agenda.rehearsal,
        "planned_end_ms": agenda.planned_end_ms,
        "total_planned_ms": agenda.total_planned_ms,
    }
    if not for_public:
        programme["delegates"] = [
            delegate.model_dump() | {"id": delegate_id, "translations": translations_view(delegate)}
            for delegate, delegate_id in zip(
                agenda.spec.delegates, agenda.delegate_ids(), strict=True
            )
        ]
        programme["introduction"] = introduction_view(agenda)
    if for_control:
        programme["fit_warnings"] = [str(w) for w in warnings if w.item_index is None]
    return programme


def timer_view(item: Item, timer: Timer, now_ms: int) -> dict[str, Any]:
    remaining = timer.remaining_at(now_ms)
    if timer.running:
        status = "running"
    elif timer.started:
        status = "paused"
    else:
        status = "ready"
    return {
        "item_id": item.id,
        "mode": item.spec.timer.mode,
        "status": status,
        "running": timer.running,
        "deadline_ms": timer.deadline_ms,
        "remaining_ms": remaining,
        "elapsed_ms": timer.elapsed_at(now_ms),
        "duration_ms": timer.duration_ms,
        "adjust_ms": timer.adjust_ms,
        "warning_ms": item.warning_ms,
        "danger_ms": item.danger_ms,
        "at_zero": item.spec.timer.at_zero,
        "phase": phase_of(item, remaining),
    }


def live_view(agenda: Agenda, state: ShowState, now_ms: int) -> dict[str, Any]:
    """The slim live show: what the MC's tablet draws (and, without the MC's
    message, the stage and the phones). No per-item schedule."""
    current = agenda.get(state.current_id)
    timer = state.timer()
    after = following(agenda, state)
    return {
        "revision": state.revision,
        "server_time_ms": now_ms,
        "current": None if current is None else live_item(current),
        "next": None if after is None else live_item(after),
        "timer": None if current is None or timer is None else timer_view(current, timer, now_ms),
        "message": {
            "speaker": state.speaker_message,
            "stage": state.stage_message,
            "mc": state.mc_message,
        },
        "flash": flash_view(state, now_ms),
        "blackout": state.blackout,
        "banner": state.shows_banner,
        "display": "blackout" if state.blackout else "banner" if state.shows_banner else "item",
        "progress": progress(agenda, state),
    } | _with_colours(dict(state.message_colours))


def _with_colours(colours: dict[str, str]) -> dict[str, Any]:
    """`message_colours` only when a message has one: a phone's state stays under 1 KB."""
    return {"message_colours": colours} if colours else {}


def flash_view(state: ShowState, now_ms: int) -> dict[str, Any] | None:
    """The flash under way (`flash` command): its target (as a message's) and deadline."""
    if state.flash_until_ms is None or state.flash_until_ms <= now_ms:
        return None
    return {"target": state.flash_target, "until_ms": state.flash_until_ms}


def state_view(agenda: Agenda, state: ShowState, now_ms: int) -> dict[str, Any]:
    """The live show as the control console sees it: the slim state, the schedule,
    the commands possible now (`available`: the console enables its buttons from
    it) and what undo/redo would do next, in words.

    `current` and `timer` are the position whatever the stage displays over it:
    `banner` (the stage shows the conference banner: switched on, or no item on)
    and `blackout` are overlays, `display` is what the audience sees.
    """
    return live_view(agenda, state, now_ms) | console_fields(agenda, state, now_ms)


def console_fields(agenda: Agenda, state: ShowState, now_ms: int) -> dict[str, Any]:
    """What the console's state adds to the live one (`PRIVATE_FIELDS`)."""
    return {
        "available": available(state, agenda),
        "undo": state.undo[-1].label if state.undo else None,
        "redo": state.redo[-1].label if state.redo else None,
        "schedule": schedule_view(agenda, state, now_ms),
    }


def schedule_summary(agenda: Agenda, state: ShowState, now_ms: int) -> dict[str, Any]:
    """The figures the console refreshes between changes (the `schedule` event)."""
    schedule = schedule_view(agenda, state, now_ms)
    return {
        "revision": state.revision,
        "server_time_ms": now_ms,
        "planned_end_ms": schedule["planned_end_ms"],
        "projected_end_ms": schedule["projected_end_ms"],
        "offset_ms": schedule["offset_ms"],
        "fixed_starts": schedule["fixed_starts"],
    }


# --------------------------------------------------------------------------- #
# Who reads what: each audience's state, cut from the console's (runshow/protocol.py
# says which audience draws which).


def for_public(view: dict[str, Any]) -> dict[str, Any]:
    """The state as the stage, delegates' phones and the public API see it: no
    per-item schedule, and the message meant for the MC is not theirs to read."""
    public = {key: value for key, value in view.items() if key not in PRIVATE_FIELDS}
    public["message"] = {"stage": view["message"]["stage"]}
    public.pop("message_colours", None)
    public |= _colours(view, "stage")
    return public


def for_mc(view: dict[str, Any]) -> dict[str, Any]:
    """The MC's state: the public one with every message (the MC's own, and what the
    speaker reads)."""
    return (
        for_public(view) | {"message": view["message"]} | _colours(view, "stage", "speaker", "mc")
    )


def for_speaker(view: dict[str, Any]) -> dict[str, Any]:
    """The speaker's confidence monitor: the public state with the message to the speaker."""
    message = view["message"]
    return (
        for_public(view)
        | {
            "message": {"speaker": message["speaker"], "stage": message["stage"]},
        }
        | _colours(view, "speaker", "stage")
    )


def _colours(view: dict[str, Any], *places: str) -> dict[str, Any]:
    """The colours (a preset's) of the messages shown at `places` only."""
    colours = view.get("message_colours", {})
    return _with_colours({place: colour for place, colour in colours.items() if place in places})
