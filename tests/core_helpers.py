"""Helpers for the tests of the core: a small programme, a show driven by a fake
clock, and a catalogue of broken agenda files.

Plain module rather than conftest fixtures so that every test file can say where
its helpers come from.
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from runshow import bundled
from runshow.agenda import Agenda, parse_agenda
from runshow.commands import parse_command
from runshow.engine import Accepted, Outcome, Refusal, ShowState, Timer, apply

BUNDLED_AGENDA = bundled("agenda.json")
#: The repository checkout the tests run from (docs, scripts, pyproject.toml).
REPO = Path(__file__).resolve().parent.parent

#: What pydantic's own (English) messages are made of: never shown to people.
PYDANTIC_ENGLISH = re.compile(
    r"Input should|should be|Field required|Extra inputs|valid (integer|string|number)|"
    r"Value error|greater than|less than|at least|at most|characters"
)

SECOND = 1000
MINUTE = 60 * SECOND

# --------------------------------------------------------------------------- #
# A small programme: 09:00 on 5 March 2024 in Hà Nội time.

SMALL_AGENDA: dict[str, Any] = {
    "schema_version": 1,
    "event": {
        "title": "Hội nghị thử",
        "banner_lines": ["HỘI NGHỊ THỬ", "NĂM 2024"],
        "venue": {"name": "Hội trường A", "address": "1 Phố Huế, Hà Nội"},
        "date": "2024-03-05",
        "start": "09:00",
        "timezone": "Asia/Ho_Chi_Minh",
    },
    "items": [
        {
            "id": "khai-mac",
            "kind": "opening",
            "title": "Khai mạc",
            "duration": 10,
            "timer": {"warning": 2, "danger": 1},
        },
        {
            "id": "bao-cao",
            "kind": "report",
            "title": "Báo cáo",
            "duration": 15,
            "timer": {"warning": 3, "danger": 1, "at_zero": "stop"},
        },
        {
            "id": "tham-luan",
            "kind": "discussion_speech",
            "title": "Tham luận",
            "duration": 5,
            "timer": {"warning": 2, "danger": 1},
        },
        {
            "id": "tham-quan",
            "kind": "visit",
            "title": "Tham quan",
            "timer": {"mode": "countup"},
        },
    ],
}
SMALL_IDS = ("khai-mac", "bao-cao", "tham-luan", "tham-quan")


def small_agenda(mutate: Callable[[dict[str, Any]], None] | None = None) -> Agenda:
    """The small programme, parsed from JSON text as a user's file would be."""
    document = copy.deepcopy(SMALL_AGENDA)
    if mutate is not None:
        mutate(document)
    return parse_agenda(json.dumps(document, ensure_ascii=False), source="small.json")


@dataclass
class FakeClock:
    """Epoch milliseconds that move only when a test says so; pass it as `clock=`."""

    now: int

    def __call__(self) -> int:
        return self.now

    def advance(self, seconds: float = 0, *, minutes: float = 0) -> None:
        self.now += round(seconds * SECOND + minutes * MINUTE)


def command(name: str, **arguments: Any):
    return parse_command({"command": name, **arguments})


@dataclass
class Show:
    """A show driven through `engine.apply` with a clock that moves only when told."""

    agenda: Agenda = field(default_factory=small_agenda)
    state: ShowState = field(default_factory=ShowState)
    now: int = 0

    def __post_init__(self) -> None:
        if not self.now:
            self.now = self.agenda.start_ms

    def wait(self, seconds: float = 0, *, minutes: float = 0) -> None:
        self.now += round(seconds * SECOND + minutes * MINUTE)

    def send(self, name: str, **arguments: Any) -> Outcome:
        outcome = apply(self.state, self.agenda, command(name, **arguments), self.now)
        if isinstance(outcome, Accepted):
            self.state = outcome.state
        return outcome

    def do(self, name: str, **arguments: Any) -> ShowState:
        """Send a command that must be accepted."""
        outcome = self.send(name, **arguments)
        assert isinstance(outcome, Accepted), f"{name} {arguments} refused: {outcome}"
        return outcome.state

    def refused(self, name: str, **arguments: Any) -> Refusal:
        """Send a command that must be refused, and check it changed nothing."""
        before = self.state
        outcome = self.send(name, **arguments)
        assert isinstance(outcome, Refusal), f"{name} {arguments} was accepted"
        assert self.state is before
        return outcome

    @property
    def timer(self) -> Timer:
        timer = self.state.timer()
        assert timer is not None, "no item is on"
        return timer

    def timer_of(self, item_id: str) -> Timer:
        return self.state.timers[item_id]

    @property
    def remaining(self) -> int:
        return self.timer.remaining_at(self.now)


# --------------------------------------------------------------------------- #
# Broken agenda files: each starts from the bundled agenda.json and breaks one thing.


def bundled_document() -> dict[str, Any]:
    return json.loads(BUNDLED_AGENDA.read_text(encoding="utf-8"))


def _set(path: tuple[str | int, ...], value: Any) -> Callable[[dict[str, Any]], None]:
    def mutate(document: dict[str, Any]) -> None:
        target: Any = document
        for part in path[:-1]:
            target = target[part]
        target[path[-1]] = value

    return mutate


def _delete(path: tuple[str | int, ...]) -> Callable[[dict[str, Any]], None]:
    def mutate(document: dict[str, Any]) -> None:
        target: Any = document
        for part in path[:-1]:
            target = target[part]
        del target[path[-1]]

    return mutate


def _missing_comma() -> str:
    # Line 2 of agenda.json is `  "schema_version": 1,`; without its comma the
    # parser stops where line 3 starts its field name.
    text = BUNDLED_AGENDA.read_text(encoding="utf-8")
    lines = text.split("\n")
    assert lines[1] == '  "schema_version": 1,'
    lines[1] = '  "schema_version": 1'
    return "\n".join(lines)


@dataclass(frozen=True)
class Broken:
    """One way to break an agenda, the place it must be reported at and part of the why."""

    name: str
    place: str
    message: str
    mutate: Callable[[dict[str, Any]], None] | None = None
    text: Callable[[], str] | None = None

    def write(self, folder: Path) -> Path:
        path = folder / f"{self.name}.json"
        if self.text is not None:
            path.write_text(self.text(), encoding="utf-8")
        else:
            document = bundled_document()
            assert self.mutate is not None
            self.mutate(document)
            path.write_text(json.dumps(document, ensure_ascii=False, indent=2), encoding="utf-8")
        return path


BROKEN_AGENDAS: tuple[Broken, ...] = (
    Broken(
        "invalid-json",
        "dòng 3, cột 3",
        "JSON không hợp lệ: thiếu dấu phẩy",
        text=_missing_comma,
    ),
    Broken(
        "missing-title",
        "items[3].title",
        "thiếu trường bắt buộc",
        mutate=_delete(("items", 3, "title")),
    ),
    Broken(
        "unknown-kind",
        "items[2].kind",
        'giá trị "karaoke" không hợp lệ',
        mutate=_set(("items", 2, "kind"), "karaoke"),
    ),
    Broken(
        "duplicate-id",
        "items[7].id",
        'mã mục "tham-luan-ha-noi" bị trùng với items[5].id',
        mutate=_set(("items", 7, "id"), "tham-luan-ha-noi"),
    ),
    Broken(
        "zero-duration",
        "items[6].duration",
        "phải là số > 0 (nhận được 0)",
        mutate=_set(("items", 6, "duration"), 0),
    ),
    Broken(
        "negative-duration",
        "items[6].duration",
        "phải là số > 0 (nhận được -5)",
        mutate=_set(("items", 6, "duration"), -5),
    ),
    Broken(
        "warning-not-below-duration",
        "items[6].timer.warning",
        "ngưỡng 10 phút phải nhỏ hơn thời lượng 10 phút",
        mutate=_set(("items", 6, "timer", "warning"), 10),
    ),
    Broken(
        "danger-above-warning",
        "items[6].timer.danger",
        "ngưỡng đỏ (3 phút) phải nhỏ hơn hoặc bằng ngưỡng vàng (2 phút)",
        mutate=_set(("items", 6, "timer", "danger"), 3),
    ),
    Broken(
        "no-items",
        "items",
        "danh sách không được để trống",
        mutate=_set(("items",), []),
    ),
    Broken(
        "duration-as-text",
        "items[6].duration",
        'phải là số (nhận được "10")',
        mutate=_set(("items", 6, "duration"), "10"),
    ),
    Broken(
        "misspelt-field",
        "items[6].durration",
        "trường không được hỗ trợ; bạn có muốn viết «duration» không?",
        mutate=_set(("items", 6, "durration"), 10),
    ),
    Broken(
        "start-8h",
        "event.start",
        'giờ phải có dạng HH:MM, ví dụ 08:00 (nhận được "8h")',
        mutate=_set(("event", "start"), "8h"),
    ),
    Broken(
        "unknown-timezone",
        "event.timezone",
        'múi giờ không tồn tại: "Asia/Hanoi"',
        mutate=_set(("event", "timezone"), "Asia/Hanoi"),
    ),
    Broken(
        "countdown-without-duration",
        "items[6].duration",
        "mục đếm ngược phải có thời lượng",
        mutate=_set(("items", 6, "duration"), None),
    ),
    Broken(
        "date-dd-mm-yyyy",
        "event.date",
        'ngày phải có dạng YYYY-MM-DD (nhận được "28/07/2023")',
        mutate=_set(("event", "date"), "28/07/2023"),
    ),
    Broken(
        "id-with-capitals-and-spaces",
        "items[1].id",
        '"Tuyen Bo" không hợp lệ: chỉ dùng chữ thường không dấu',
        mutate=_set(("items", 1, "id"), "Tuyen Bo"),
    ),
    Broken(
        "schema-version-2",
        "schema_version",
        "giá trị 2 không hợp lệ; chỉ chấp nhận 1",
        mutate=_set(("schema_version",), 2),
    ),
)


def agenda_with_three_mistakes(folder: Path) -> Path:
    """The bundled agenda with a bad start time, an unknown kind and a zero duration."""
    document = bundled_document()
    document["event"]["start"] = "8h"
    document["items"][2]["kind"] = "karaoke"
    document["items"][6]["duration"] = 0
    path = folder / "agenda.json"
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    return path
