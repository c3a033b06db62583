"""Automations: rules that tell other gear what the show does (docs/automations.md).

Pure: the rules file (read and checked like the agenda: each problem with its place,
in plain words), what happened between two states (`events_between`), which rules an
event fires, and the templates filled in. Sending is runshow/web/automation_runner.py's.

    {"automations": [{"on": "item_start", "when": {"kind": "speech"},
                      "send": {"http": "http://10.0.0.9/api/?Function=Cut&Input={{item.id}}",
                               "method": "GET"}}]}
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal
from urllib.parse import quote

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from runshow.errors import Problem, describe_pydantic_error
from runshow.i18n import _, ngettext
from runshow.jsontext import JsonError, read_json
from runshow.timefmt import timer_text

if TYPE_CHECKING:
    from runshow.agenda import Agenda
    from runshow.engine import ShowState

Trigger = Literal[
    "item_start",
    "item_end",
    "warning",
    "danger",
    "overtime",
    "pause",
    "resume",
    "message",
    "blackout",
    "banner",
    "show_end",
]
#: The triggers a phase crossing gives (the phase ticker's), the others come from states.
PHASE_TRIGGERS = ("warning", "danger", "overtime")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Filter(_Strict):
    """Which items a rule is for (all when empty): their ids, their kinds."""

    id: str | list[str] | None = None
    kind: str | list[str] | None = None

    def matches(self, item: dict[str, Any] | None) -> bool:
        for key in ("id", "kind"):
            wanted = getattr(self, key)
            if wanted is None:
                continue
            if item is None or item.get(key) not in (
                [wanted] if isinstance(wanted, str) else wanted
            ):
                return False
        return True


class Send(_Strict):
    """HTTP: POST of the event as JSON (default), or GET/POST to a templated URL with an
    optional templated body. OSC: `osc` is HOST:PORT, `address` and `args` templated."""

    http: str | None = Field(default=None, pattern=r"^https?://")
    method: Literal["GET", "POST"] = "POST"
    body: str | None = None
    osc: str | None = Field(default=None, pattern=r"^[^:\s]+:\d{1,5}$")
    address: str | None = Field(default=None, pattern=r"^/")
    args: list[str | int | float | bool] = Field(default_factory=list)

    @model_validator(mode="after")
    def _one_output(self) -> Send:
        if (self.http is None) == (self.osc is None):
            raise ValueError(
                _("cần đúng một trong hai: 'http' (địa chỉ URL) hoặc 'osc' (HOST:CỔNG)")
            )
        if self.osc is not None and self.address is None:
            raise ValueError(_("'osc' cần 'address' (ví dụ /cue/go)"))
        return self


class Rule(_Strict):
    name: str | None = Field(default=None, max_length=80)
    on: Trigger
    when: Filter = Field(default_factory=Filter)
    send: Send

    @property
    def label(self) -> str:
        return self.name or f"{self.on} → {self.send.http or self.send.osc}"


class RulesFile(_Strict):
    automations: list[Rule] = Field(max_length=200)


class AutomationsError(ValueError):
    def __init__(self, source: str, problems: list[Problem]):
        super().__init__(f"{source}: " + "; ".join(map(str, problems)))
        self.source = source
        self.problems = problems


def problems_text(error: AutomationsError) -> str:
    """What `runshow check --automations` and `serve` print: every problem, with its place."""
    count = len(error.problems)
    lines = [ngettext("tệp tự động hóa có %(num)s lỗi:", "tệp tự động hóa có %(num)s lỗi:", count)]
    return "\n".join(lines + [f"  {error.source}: {problem}" for problem in error.problems])


def load_rules(path: str | Path) -> list[Rule]:
    """The rules in `path`. Raises `AutomationsError` with every problem and its place."""
    from runshow.agenda import AgendaError, read_text

    source = str(path)
    try:
        text = read_text(Path(path))  # the agenda's words for a missing or unreadable file
    except AgendaError as error:
        raise AutomationsError(source, error.problems) from None
    try:
        raw = read_json(text)
    except JsonError as error:
        raise AutomationsError(source, error.problems) from None
    try:
        return list(RulesFile.model_validate(raw).automations)
    except ValidationError as error:
        problems = [describe_pydantic_error(e, RulesFile) for e in error.errors()]
        raise AutomationsError(source, problems) from None


# --------------------------------------------------------------------------- #
# Events: what happened, as the JSON an HTTP output posts and templates read.


def item_fields(agenda: Agenda, item_id: str | None) -> dict[str, Any] | None:
    from runshow.agenda import presenter_line

    item = agenda.get(item_id) if item_id else None
    if item is None:
        return None
    return {
        "id": item.id,
        "index": agenda.items.index(item) + 1,
        "title": item.title,
        "kind": item.spec.kind,
        "presenter": presenter_line(item.spec.presenter),
    }


def timer_fields(agenda: Agenda, state: ShowState, now_ms: int) -> dict[str, Any]:
    """The current timer as numbers and the stage's text."""
    from runshow.payloads import timer_view

    item, timer = agenda.get(state.current_id), state.timer()
    if item is None or timer is None:
        return {"remaining_seconds": 0, "remaining_hms": "", "phase": "", "status": ""}
    view = timer_view(item, timer, now_ms)
    return {
        "remaining_seconds": -(-view["remaining_ms"] // 1000),
        "remaining_hms": timer_text(
            view["mode"], view["at_zero"], view["remaining_ms"], view["elapsed_ms"]
        ),
        "phase": view["phase"],
        "status": view["status"],
    }


def event(
    trigger: str, agenda: Agenda, state: ShowState, now_ms: int, item_id: str | None = None
) -> dict[str, Any]:
    """One event: its trigger, when, the item it is about (the current one unless
    said), the timer, the message on stage, blackout and banner."""
    return {
        "trigger": trigger,
        "at_ms": now_ms,
        "revision": state.revision,
        "item": item_fields(agenda, item_id or state.current_id),
        "timer": timer_fields(agenda, state, now_ms),
        "message": state.stage_message or "",
        "blackout": state.blackout,
        "banner": state.banner,
    }


def events_between(
    agenda: Agenda, before: ShowState, after: ShowState, now_ms: int
) -> list[dict[str, Any]]:
    """The state triggers one accepted command fired, in the order they happened."""
    found: list[dict[str, Any]] = []

    def add(trigger: str, item_id: str | None = None) -> None:
        found.append(event(trigger, agenda, after, now_ms, item_id))

    if before.current_id != after.current_id:
        if before.current_id is not None:
            add("item_end", before.current_id)
            if after.current_id is None and agenda.items[-1].id == before.current_id:
                add("show_end", before.current_id)
        if after.current_id is not None:
            add("item_start")
    else:
        was, now = before.timer(), after.timer()
        if was is not None and now is not None:
            if was.running and not now.running and now.paused:
                add("pause")
            elif was.paused and now.running:
                add("resume")
    if after.stage_message and after.stage_message != before.stage_message:
        add("message")
    if after.blackout != before.blackout:
        add("blackout")
    if after.banner != before.banner:
        add("banner")
    return found


def fires(rule: Rule, happened: dict[str, Any]) -> bool:
    return rule.on == happened["trigger"] and rule.when.matches(happened["item"])


_PLACEHOLDER = re.compile(r"\{\{\s*([a-z_]+(?:\.[a-z_]+)*)\s*\}\}")


def fill(template: str, happened: dict[str, Any], for_url: bool = False) -> str:
    """`{{item.title}}`, `{{timer.remaining_hms}}`... from the event; unknown names are
    empty. In a URL each value is percent-encoded."""

    def value(match: re.Match[str]) -> str:
        found: Any = happened
        for key in match.group(1).split("."):
            found = found.get(key) if isinstance(found, dict) else None
        text = "" if found is None else str(int(found) if isinstance(found, bool) else found)
        return quote(text, safe="") if for_url else text

    return _PLACEHOLDER.sub(value, template)
