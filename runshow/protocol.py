"""The live protocol in one place: namespaces, audiences, events and the shape
of every payload (docs/protocol.md is checked against this module by a test).

Each payload shape is a TypedDict, so the server's views can be validated
against it, and its JSON schema and the pages' names generated from it
(`python -m runshow.generate`).

Audiences are the rooms of the fan-out. Audiences that draw the same thing
share one *view* (the stage and the phones both get the public state), and a
change is turned into JSON once per view, not once per screen: `encode` wraps
the text in an `Encoded`, which `SocketJSON` splices into the Socket.IO packet
as it is. UTF-8 throughout, never ``\\u`` escapes.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import Any, Literal

from pydantic import ConfigDict, TypeAdapter, with_config
from typing_extensions import NotRequired, TypedDict

from runshow.agenda import Agenda, ItemKind
from runshow.commands import CommandName, MessageColour, MessageTarget
from runshow.engine import Phase, ShowState
from runshow.jsontext import read_packet_data
from runshow.payloads import (
    console_fields,
    for_mc,
    for_public,
    for_speaker,
    live_view,
    programme_view,
)
from runshow.textfit import BannerLineKind

LIVE = "/live"
CONTROL = "/control"

# --------------------------------------------------------------------------- #
# Payload shapes. `extra="forbid"`: a field the server sends must be declared here.

STRICT = ConfigDict(extra="forbid")


@with_config(STRICT)
class LiveItem(TypedDict):
    id: str
    index: int
    kind: ItemKind
    title: str
    presenter_line: str
    duration_ms: int


@with_config(STRICT)
class TimerShape(TypedDict):
    item_id: str
    mode: Literal["countdown", "countup"]
    status: Literal["ready", "running", "paused"]
    running: bool
    deadline_ms: int | None
    remaining_ms: int
    elapsed_ms: int
    duration_ms: int
    adjust_ms: int
    warning_ms: int
    danger_ms: int
    at_zero: Literal["overtime", "stop"]
    phase: Phase


@with_config(STRICT)
class PublicMessages(TypedDict):
    stage: str | None


@with_config(STRICT)
class SpeakerMessages(TypedDict):
    speaker: str | None
    stage: str | None


@with_config(STRICT)
class Messages(TypedDict):
    speaker: str | None
    stage: str | None
    mc: str | None


@with_config(STRICT)
class Progress(TypedDict):
    done: list[int]
    skipped: list[int]


@with_config(STRICT)
class PrompterScroll(TypedDict):
    """Where the MC's script is read (the MC tablet's scroll, or the console's)."""

    item_id: str
    ratio: float  # 0: its top, 1: its end


@with_config(STRICT)
class FlashShape(TypedDict):
    target: MessageTarget
    until_ms: int


@with_config(STRICT)
class _LiveFields(TypedDict):
    revision: int
    server_time_ms: int
    current: LiveItem | None
    next: LiveItem | None
    timer: TimerShape | None
    message_colours: NotRequired[dict[str, MessageColour]]
    flash: FlashShape | None
    blackout: bool
    banner: bool
    display: Literal["item", "banner", "blackout"]
    progress: Progress


@with_config(STRICT)
class PublicState(_LiveFields):
    message: PublicMessages


@with_config(STRICT)
class SpeakerState(_LiveFields):
    message: SpeakerMessages


@with_config(STRICT)
class MCState(_LiveFields):
    message: Messages


@with_config(STRICT)
class ScheduleItem(TypedDict):
    id: str
    status: Literal["done", "now", "next", "skipped", "upcoming"]
    planned_start_ms: int
    actual_start_ms: int | None
    actual_end_ms: int | None
    actual_duration_ms: int | None
    over_under_ms: int | None


@with_config(STRICT)
class ScheduleFigures(TypedDict):
    planned_end_ms: int
    projected_end_ms: int
    offset_ms: int


@with_config(STRICT)
class FixedStart(TypedDict):
    item_id: str
    fixed_start_ms: int
    projected_start_ms: int
    late_ms: int
    early_ms: int
    cut_from: list[str]


@with_config(STRICT)
class Schedule(ScheduleFigures):
    items: list[ScheduleItem]
    fixed_starts: list[FixedStart]


@with_config(STRICT)
class _CommandFields(TypedDict):
    available: list[CommandName]
    undo: str | None
    redo: str | None


@with_config(STRICT)
class ConsoleState(MCState, _CommandFields):
    schedule: Schedule


@with_config(STRICT)
class ApiState(PublicState, _CommandFields):
    schedule: ScheduleFigures


@with_config(STRICT)
class ScheduleSummary(ScheduleFigures):
    revision: int
    server_time_ms: int
    fixed_starts: list[FixedStart]


@with_config(STRICT)
class ProgrammeItem(TypedDict, total=False):
    id: str
    index: int
    kind: ItemKind
    kind_label: str
    title: str
    presenter: dict[str, str | None] | None
    presenter_line: str
    duration_ms: int
    duration_estimated: bool
    mode: Literal["countdown", "countup"]
    warning_ms: int
    danger_ms: int
    at_zero: Literal["overtime", "stop"]
    audience_timer: bool
    planned_start_ms: int
    fixed_start_ms: int | None  # the agenda's `starts_at`, when it names one
    mc_script: str | None  # not in the public programme
    tech_notes: str | None  # the console's programme only
    #: The item's texts in other languages: the agenda's translations, and its kind's
    #: label in every language the server speaks ({"en": {"title": …, "kind_label": …}}).
    translations: dict[str, dict[str, str]]
    #: The console's programme only: the item as in agenda.json (for the edit panel)
    #: and the texts that will not fit the stage (runshow/textfit.py).
    fields: dict[str, Any]
    fit_warnings: list[str]


@with_config(STRICT)
class Programme(TypedDict):
    event: dict[str, Any]
    #: The look of each of the event's banner lines (runshow/textfit.py decides it once).
    banner_kinds: list[BannerLineKind]
    delegates: list[dict[str, Any]]
    #: The MC's introduction of the delegates present: per delegation, the
    #: opening words and one line per delegate (runshow/introduction.py).
    introduction: list[dict[str, Any]]
    items: list[ProgrammeItem]
    rehearsal: bool
    start_ms: int
    planned_end_ms: int
    total_planned_ms: int
    version: str


@with_config(STRICT)
class PhaseEvent(TypedDict):
    item_id: str
    phase: Phase
    at_ms: int


@with_config(STRICT)
class ScreenInfo(TypedDict):
    id: str
    role: str
    name: str
    worker: NotRequired[str]


@with_config(STRICT)
class SyncRequest(TypedDict):
    t0: float


@with_config(STRICT)
class SyncAnswer(TypedDict):
    t0: float | None
    server_ms: int


#: Every documented shape, by the name docs/protocol.md gives it.
SHAPES: dict[str, type] = {
    shape.__name__: shape
    for shape in (
        LiveItem,
        TimerShape,
        PublicMessages,
        SpeakerMessages,
        Messages,
        Progress,
        FlashShape,
        PrompterScroll,
        PublicState,
        SpeakerState,
        MCState,
        ConsoleState,
        ApiState,
        Schedule,
        ScheduleItem,
        FixedStart,
        ScheduleSummary,
        Programme,
        ProgrammeItem,
        PhaseEvent,
        ScreenInfo,
        SyncRequest,
        SyncAnswer,
    )
}

_ADAPTERS: dict[type, TypeAdapter] = {}


def adapter(shape: type) -> TypeAdapter:
    if shape not in _ADAPTERS:
        _ADAPTERS[shape] = TypeAdapter(shape)
    return _ADAPTERS[shape]


def validate(shape: type, payload: Any) -> Any:
    """Raise `pydantic.ValidationError` if `payload` is not a `shape`."""
    return adapter(shape).validate_python(payload, strict=True)


def json_schema() -> dict[str, Any]:
    """The JSON schema of every payload, for page authors and other clients."""
    return {name: adapter(shape).json_schema() for name, shape in SHAPES.items()}


# --------------------------------------------------------------------------- #
# Audiences: who is in which room, and which view of the state each one draws.

StateView = Callable[["StatePayloads"], dict[str, Any]]


@dataclass(frozen=True)
class View:
    """One way of drawing the show; each change is computed and encoded once per view."""

    name: str
    shape: type
    make: StateView  # from a `StatePayloads`: its slim `live` state, or its `console`
    programme: Callable[[Agenda], dict[str, Any]]


def public_programme(agenda: Agenda) -> dict[str, Any]:
    """What the stage, the speaker and the phones draw: no MC script, no delegates."""
    return programme_view(agenda, for_public=True)


#: In the order a change is sent: the stage and the phones (most screens) first, the
#: console last, as its schedule takes the longest to build.
VIEWS: dict[str, View] = {
    view.name: view
    for view in (
        View("public", PublicState, lambda made: for_public(made.live), public_programme),
        View("speaker", SpeakerState, lambda made: for_speaker(made.live), public_programme),
        View("mc", MCState, lambda made: for_mc(made.live), programme_view),
        View(
            "console",
            ConsoleState,
            lambda made: made.console,
            lambda agenda: programme_view(agenda, for_control=True),
        ),
    )
}


@dataclass(frozen=True)
class Audience:
    """A kind of screen: its room (its name), its namespace and its view."""

    name: str
    namespace: str
    view: str


AUDIENCES: dict[str, Audience] = {
    audience.name: audience
    for audience in (
        Audience("control", CONTROL, "console"),
        Audience("mc", LIVE, "mc"),
        Audience("stage", LIVE, "public"),
        Audience("speaker", LIVE, "speaker"),
        Audience("programme", LIVE, "public"),
        Audience("clock", LIVE, "public"),
        Audience("prompter", LIVE, "mc"),
    )
}

#: The roles a `/live` screen may name in its query string; anything else is a phone.
SCREEN_ROLES = tuple(name for name, a in AUDIENCES.items() if a.namespace == LIVE)
DEFAULT_SCREEN_ROLE = "programme"


def rooms_by_view(namespace: str) -> dict[str, list[str]]:
    """view name → the rooms of `namespace` that draw it."""
    rooms: dict[str, list[str]] = {}
    for audience in AUDIENCES.values():
        if audience.namespace == namespace:
            rooms.setdefault(audience.view, []).append(audience.name)
    return rooms


class StatePayloads(Mapping[str, dict[str, Any]]):
    """view name → one state as that view draws it, each built the first time it is
    asked for: the slim live state once for every view, the console's schedule only
    when the console's turn comes (after the screens have theirs)."""

    def __init__(self, agenda: Agenda, state: ShowState, now_ms: int):
        self.agenda = agenda
        self.state = state
        self.now_ms = now_ms
        self._made: dict[str, dict[str, Any]] = {}
        self._texts: dict[str, Encoded] = {}

    @cached_property
    def live(self) -> dict[str, Any]:
        return live_view(self.agenda, self.state, self.now_ms)

    @cached_property
    def console(self) -> dict[str, Any]:
        return self.live | console_fields(self.agenda, self.state, self.now_ms)

    def __getitem__(self, view: str) -> dict[str, Any]:
        made = self._made.get(view)
        if made is None:
            made = self._made[view] = VIEWS[view].make(self)
        return made

    def encoded(self, view: str) -> Encoded:
        """The view as JSON text, made once: the same for every screen that draws it."""
        text = self._texts.get(view)
        if text is None:
            text = self._texts[view] = encode(self[view])
        return text

    def __iter__(self) -> Iterator[str]:
        return iter(VIEWS)

    def __len__(self) -> int:
        return len(VIEWS)


def state_payloads(agenda: Agenda, state: ShowState, now_ms: int) -> StatePayloads:
    """Every view of `state` at `now_ms`, each built when first read."""
    return StatePayloads(agenda, state, now_ms)


def programme_payload(agenda: Agenda, view: str) -> dict[str, Any]:
    """The programme as `view` draws it, with a `version` (a digest of its content): a
    screen that reconnects with the version it has is not sent it again."""
    payload = VIEWS[view].programme(agenda)
    digest = hashlib.blake2b(json_text(payload).encode(), digest_size=8).hexdigest()
    return payload | {"version": digest}


# --------------------------------------------------------------------------- #
# Events (server → client), as docs/protocol.md's table lists them.


@dataclass(frozen=True)
class Event:
    name: str
    namespaces: tuple[str, ...]
    payload: str  # a SHAPES name, or a plain description


EVENTS: dict[str, Event] = {
    event.name: event
    for event in (
        Event("programme", (LIVE, CONTROL), "Programme"),
        Event("state", (LIVE, CONTROL), "PublicState / SpeakerState / MCState / ConsoleState"),
        Event("presence", (CONTROL,), "counts per audience"),
        Event("schedule", (CONTROL,), "ScheduleSummary"),
        Event("phase", (LIVE, CONTROL), "PhaseEvent"),
        Event("screens", (CONTROL,), "ScreenInfo list"),
        Event("identify", (LIVE,), "ScreenInfo without id"),
        Event("screen_options", (LIVE,), "ScreenOptions (docs/screens.md)"),
        Event("prompter_scroll", (LIVE,), "PrompterScroll"),
        Event("stopping", (LIVE, CONTROL), "none"),
        Event("osc", (CONTROL,), "OSC counts"),
        Event("automations", (CONTROL,), "AutomationStatus list"),
        Event("overview", (CONTROL,), "RoomTile list (the producer's overview, several rooms)"),
    )
}


@dataclass(frozen=True)
class Request:
    """An event a page sends, answered through its acknowledgement."""

    name: str
    namespaces: tuple[str, ...]
    payload: str
    answer: str


#: Client → server events, as docs/protocol.md's "Client → server events" describes them.
REQUESTS: dict[str, Request] = {
    request.name: request
    for request in (
        Request("sync", (LIVE, CONTROL), "SyncRequest", "SyncAnswer"),
        Request("command", (CONTROL,), "a command", "the command's result"),
        Request("identify", (CONTROL,), '{"id": a screen\'s id}', '{"ok": …}'),
        Request("screen_options", (CONTROL,), '{"id", "options": ScreenOptions}', '{"ok": …}'),
        Request("prompter_scroll", (LIVE, CONTROL), "PrompterScroll", '{"ok": …}'),
        Request("fit", (CONTROL,), "a draft of an item or the banner", '{"warnings": […]}'),
        Request(
            "rooms_command",
            (CONTROL,),
            '{"rooms": [ids] or "all", "command": a command} (the producer\'s overview)',
            '{"ok": …, "rooms": {id: the command\'s result}}',
        ),
    )
}


# --------------------------------------------------------------------------- #
# Encoding once per view.


def json_text(payload: Any) -> str:
    """Compact UTF-8 JSON: Vietnamese stays readable and a third smaller than ``\\u`` escapes."""
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":"))


class Encoded:
    """A payload already turned into JSON text, sent as it is to every client of a room.
    `tag` tells which one it is: a state's revision, a programme's version."""

    __slots__ = ("tag", "text")

    def __init__(self, text: str, tag: int | str | None = None):
        self.text = text
        self.tag = tag

    def __len__(self) -> int:
        return len(self.text.encode())


def encode(payload: dict[str, Any]) -> Encoded:
    return Encoded(json_text(payload), payload.get("revision", payload.get("version")))


class SocketJSON:
    """The JSON module given to Socket.IO: splices `Encoded` payloads in as they
    are, so a room emit costs one string join, and writes UTF-8, not ``\\u``."""

    @staticmethod
    def dumps(data: Any, **_options: Any) -> str:
        if isinstance(data, list) and any(isinstance(part, Encoded) for part in data):
            return "[" + ",".join(_part_text(part) for part in data) + "]"
        return json_text(data)

    @staticmethod
    def loads(text: str | bytes, **_options: Any) -> Any:
        if isinstance(text, bytes):
            text = text.decode("utf-8")
        return read_packet_data(text)


def json_with(payload: dict[str, Any], **parts: Encoded) -> str:
    """`payload` as JSON text with already-encoded `parts` spliced in as its fields
    (an HTTP answer carrying the state just sent to the consoles, not encoded again)."""
    fields = [json_text(payload)[1:-1]] if payload else []
    fields += [f"{json_text(name)}:{part.text}" for name, part in parts.items()]
    return "{" + ",".join(fields) + "}"


def _part_text(part: Any) -> str:
    return part.text if isinstance(part, Encoded) else json_text(part)
