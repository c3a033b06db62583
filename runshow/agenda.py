"""The programme of an event: loading, validating and describing `agenda.json`.

Pure: reads a file or a string and returns frozen, typed objects, or raises
`AgendaError` listing *every* problem at once, each with the file, the place in
the document (``items[6].duration``) and what is wrong in plain Vietnamese.
The file format is documented in ``docs/agenda-format.md``; durations and
thresholds are in minutes there and in milliseconds here.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import re
import unicodedata
from collections.abc import Container, Iterable, Mapping
from dataclasses import dataclass, replace
from functools import cached_property
from pathlib import Path
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel.core import UnknownLocaleError
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    SerializerFunctionWrapHandler,
    StringConstraints,
    ValidationError,
    field_validator,
    model_serializer,
)

from runshow.commands import MAX_MESSAGE_CHARS, MessageColour, MessageTarget
from runshow.errors import Problem, describe_pydantic_error, format_location, shown
from runshow.i18n import N_, _, current_language, format_date, language
from runshow.jsontext import JsonError, read_json
from runshow.timefmt import CLOCK_RE

MINUTE_MS = 60_000
#: The longest an item, or a threshold, can be: a whole day, in minutes.
MAX_ITEM_MINUTES = 24 * 60
#: The most delegates an event can expect.
MAX_DELEGATES = 1_000_000

ItemKind = Literal[
    # conferences
    "opening",
    "welcome_speech",
    "report",
    "adoption",
    "discussion_speech",
    "directive_speech",
    "closing",
    "visit",
    # ceremonies, graduations, festivals
    "reception",
    "flag_salute",
    "ceremony",
    "speech",
    "performance",
    "award",
    "diploma",
    "oath",
    "flowers",
    "signing",
    "video",
    "qa",
    "photo",
    "game",
    "lucky_draw",
    "meal",
    "break",
    "other",
]

#: What the screens call each kind, unless an item sets its own `kind_label` (messages:
#: `localized(item, "kind_label", lang)` says one in a language; the spreadsheet's
#: kind column reads them as written here).
KIND_LABELS: dict[str, str] = {
    "opening": N_("Tuyên bố lý do"),
    "welcome_speech": N_("Phát biểu khai mạc"),
    "report": N_("Báo cáo"),
    "adoption": N_("Thông qua"),
    "discussion_speech": N_("Tham luận"),
    "directive_speech": N_("Phát biểu chỉ đạo"),
    "closing": N_("Bế mạc"),
    "visit": N_("Tham quan"),
    "reception": N_("Đón tiếp đại biểu"),
    "flag_salute": N_("Chào cờ"),
    "ceremony": N_("Nghi lễ"),
    "speech": N_("Phát biểu"),
    "performance": N_("Văn nghệ"),
    "award": N_("Trao thưởng"),
    "diploma": N_("Trao bằng"),
    "oath": N_("Tuyên thệ"),
    "flowers": N_("Tặng hoa"),
    "signing": N_("Ký kết"),
    "video": N_("Trình chiếu video"),
    "qa": N_("Hỏi đáp"),
    "photo": N_("Chụp ảnh lưu niệm"),
    "game": N_("Trò chơi"),
    "lucky_draw": N_("Bốc thăm may mắn"),
    "meal": N_("Tiệc"),
    "break": N_("Giải lao"),
    "other": N_("Khác"),
}

#: Kinds whose countdown the audience screen shows unless the agenda says otherwise.
#: Speeches of leaders, ceremonies and performances keep it to the speaker's screen:
#: a red "+01:12" behind a central leader is a protocol incident.
AUDIENCE_TIMER_KINDS = frozenset(
    {"report", "adoption", "discussion_speech", "qa", "game", "meal", "break", "other"}
)

MAX_KIND_LABEL_CHARS = 40


def shows_audience_timer(kind: str, chosen: bool | None) -> bool:
    """The item's own choice (`timer.audience`), else its kind's default."""
    return kind in AUDIENCE_TIMER_KINDS if chosen is None else chosen


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


#: A language an agenda's translations are keyed by: ``en``, ``fr``, ``zh``…
LANGUAGE_CODE = r"^[a-z]{2,3}$"
LanguageCode = Annotated[str, StringConstraints(pattern=LANGUAGE_CODE)]
#: A translated text: given, it is not empty (left out, the text shows as written).
TranslatedText = Annotated[str, StringConstraints(min_length=1)]


class _Translation(_Strict):
    """The texts of a record in one language: written out without those it leaves out
    (an exported agenda.json, an edit's document, the payloads)."""

    @model_serializer(mode="wrap")
    def _given_only(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        return {field: text for field, text in handler(self).items() if text is not None}


class _Translatable(_Strict):
    """A record that may carry `translations`: written out without them when it has none."""

    @model_serializer(mode="wrap")
    def _translations_when_given(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        data = handler(self)
        if not data.get("translations"):
            data.pop("translations", None)
        return data


class EventTranslation(_Translation):
    """The event's texts in one language (`EventInfo.translations`)."""

    title: TranslatedText | None = None
    banner_lines: tuple[str, ...] | None = Field(default=None, min_length=1)
    banner_place_date: TranslatedText | None = None
    organiser: TranslatedText | None = None


class ItemTranslation(_Translation):
    """An item's texts in one language; `presenter_role` and `presenter_organisation`
    are its presenter's `role` and `organisation`."""

    title: TranslatedText | None = None
    kind_label: str | None = Field(default=None, min_length=1, max_length=MAX_KIND_LABEL_CHARS)
    mc_script: TranslatedText | None = None
    presenter_role: TranslatedText | None = None
    presenter_organisation: TranslatedText | None = None


class DelegateTranslation(_Translation):
    """A delegate's words in one language, as the MC reads them out."""

    honorific: TranslatedText | None = None
    title: TranslatedText | None = None
    group: TranslatedText | None = None


class Venue(_Strict):
    name: str = Field(min_length=1)
    address: str = Field(min_length=1)


#: The messages the console sends in one click when the agenda names none.
DEFAULT_PRESETS: tuple[dict[str, str], ...] = (
    {"text": "Còn 5 phút", "target": "speaker", "colour": "blue"},
    {"text": "Còn 2 phút", "target": "speaker", "colour": "yellow"},
    {"text": "Còn 1 phút", "target": "speaker", "colour": "red"},
    {"text": "Xin mời kết thúc phần trình bày", "target": "speaker", "colour": "red"},
    {"text": "Hết giờ", "target": "speaker", "colour": "red"},
    {"text": "Xin nói to hơn", "target": "speaker", "colour": "grey"},
    {"text": "Xin mời chậm lại", "target": "speaker", "colour": "grey"},
)


class PresetMessage(_Strict):
    """A message the console sends in one click (the `message` command), with its look there."""

    text: str = Field(min_length=1, max_length=MAX_MESSAGE_CHARS)
    target: MessageTarget = "speaker"
    colour: MessageColour = "blue"


class EventInfo(_Translatable):
    title: str = Field(min_length=1)
    banner_lines: tuple[str, ...] = Field(min_length=1)
    banner_place_date: str = ""
    organiser: str = ""
    venue: Venue
    date: str
    start: str
    timezone: str
    expected_delegates: int | None = Field(default=None, gt=0, le=MAX_DELEGATES)
    presets: tuple[PresetMessage, ...] = Field(
        default=tuple(PresetMessage(**preset) for preset in DEFAULT_PRESETS), max_length=30
    )
    translations: dict[LanguageCode, EventTranslation] = {}

    @field_validator("date")
    @classmethod
    def _date_is_iso(cls, value: str) -> str:
        try:
            dt.date.fromisoformat(value)
        except ValueError:
            raise ValueError(
                _("ngày phải có dạng YYYY-MM-DD (nhận được %(value)s)", value=shown(value))
            ) from None
        return value

    @field_validator("start")
    @classmethod
    def _start_is_clock(cls, value: str) -> str:
        return _check_clock(value)

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(_("múi giờ không tồn tại: %(value)s", value=shown(value))) from None
        return value


class Delegate(_Translatable):
    id: str | None = Field(default=None, pattern=r"^[a-z0-9][a-z0-9-]*$", max_length=64)
    honorific: str | None = None
    name: str | None = None
    title: str = Field(min_length=1)
    group: str = Field(min_length=1)
    present: bool = True
    translations: dict[LanguageCode, DelegateTranslation] = {}


class Presenter(_Strict):
    name: str | None = None
    role: str = Field(min_length=1)
    organisation: str = ""


def presenter_line(presenter: Presenter | None) -> str:
    """Đồng chí X — Lãnh đạo Ủy ban nhân dân thành phố Hải Phòng: as it is read aloud."""
    if presenter is None:
        return ""
    role = " ".join(part for part in (presenter.role, presenter.organisation) if part)
    return f"{presenter.name} — {role}" if presenter.name else role


class TimerRules(_Strict):
    mode: Literal["countdown", "countup"] = "countdown"
    warning: float | None = Field(default=None, ge=0, le=MAX_ITEM_MINUTES)
    danger: float | None = Field(default=None, ge=0, le=MAX_ITEM_MINUTES)
    at_zero: Literal["overtime", "stop"] = "overtime"
    #: Whether the audience screen (/stage) shows the countdown; None: the kind's default.
    audience: bool | None = None


class ItemSpec(_Translatable):
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$", max_length=64)
    kind: ItemKind
    kind_label: str | None = Field(default=None, min_length=1, max_length=MAX_KIND_LABEL_CHARS)
    title: str = Field(min_length=1)
    presenter: Presenter | None = None
    duration: float | None = Field(default=None, gt=0, le=MAX_ITEM_MINUTES)
    duration_estimated: bool = False
    timer: TimerRules = TimerRules()
    starts_at: str | None = None
    mc_script: str = ""
    tech_notes: str = ""
    translations: dict[LanguageCode, ItemTranslation] = {}

    @field_validator("starts_at")
    @classmethod
    def _starts_at_is_clock(cls, value: str | None) -> str | None:
        return None if value is None else _check_clock(value)


class AgendaSpec(_Strict):
    schema_version: Literal[1]
    event: EventInfo
    delegates: tuple[Delegate, ...] = ()
    items: tuple[ItemSpec, ...] = Field(min_length=1)


def _check_clock(value: str) -> str:
    if not CLOCK_RE.match(value):
        raise ValueError(
            _("giờ phải có dạng HH:MM, ví dụ 08:00 (nhận được %(value)s)", value=shown(value))
        )
    return value


# --------------------------------------------------------------------------- #
# A new item's defaults, the same whether it comes from a spreadsheet or a live edit.


def slug(text: str) -> str:
    """``Tham luận của Hà Nội`` → ``tham-luan-cua-ha-noi``: an item id from a title."""
    text = text.replace("đ", "d").replace("Đ", "D")
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    words = re.findall(r"[a-z0-9]+", ascii_text.lower())
    return "-".join(words)[:48].strip("-") or "muc"


def unique_id(base: str, taken: Container[str]) -> str:
    """`base`, or `base-2`, `base-3`… : the first one not `taken`."""
    candidate, number = base, 2
    while candidate in taken:
        candidate, number = f"{base}-{number}", number + 1
    return candidate


def suggested_thresholds(duration: float) -> tuple[float | None, float | None]:
    """The format reference's suggestion: 2/1 up to 10 minutes, 3/1 to 20, then 5/2."""
    if duration <= 10:
        warning, danger = 2.0, 1.0
    elif duration <= 20:
        warning, danger = 3.0, 1.0
    else:
        warning, danger = 5.0, 2.0
    if warning >= duration:
        return None, None
    return warning, danger


# --------------------------------------------------------------------------- #
# The loaded programme, in the units the engine works in.


@dataclass(frozen=True)
class Item:
    """One item of the programme, durations in milliseconds."""

    index: int
    spec: ItemSpec

    @property
    def id(self) -> str:
        return self.spec.id

    @property
    def title(self) -> str:
        return self.spec.title

    @property
    def kind_label(self) -> str:
        """The item's own label (e.g. "Trao bằng tiến sĩ"), else its kind's."""
        return self.spec.kind_label or KIND_LABELS[self.spec.kind]

    @property
    def timed(self) -> bool:
        """Counts down against a planned duration (the alternative is a stopwatch)."""
        return self.spec.timer.mode == "countdown"

    @cached_property
    def duration_ms(self) -> int:
        """Planned duration; 0 for an untimed item without a planned duration."""
        return _minutes_to_ms(self.spec.duration or 0)

    @cached_property
    def warning_ms(self) -> int:
        return _minutes_to_ms(self.spec.timer.warning or 0)

    @cached_property
    def danger_ms(self) -> int:
        return _minutes_to_ms(self.spec.timer.danger or 0)

    @property
    def audience_timer(self) -> bool:
        """Whether the audience screen shows this item's countdown (the speaker's always does)."""
        return shows_audience_timer(self.spec.kind, self.spec.timer.audience)

    @property
    def stops_at_zero(self) -> bool:
        return self.spec.timer.at_zero == "stop"


@dataclass(frozen=True)
class Agenda:
    """A validated programme: the event and its items in order.

    A dress rehearsal plays the same programme later (`rehearsal_at`): every planned
    time moves by `shift_ms`, and `event` tells the rehearsal's day and start, so
    every screen, the API and the report show the same shifted plan.
    """

    spec: AgendaSpec
    source: str
    items: tuple[Item, ...]
    shift_ms: int = 0
    rehearsal: bool = False

    @cached_property
    def event(self) -> EventInfo:
        written = self.spec.event
        if not self.shift_ms:
            return written
        start = dt.datetime.fromtimestamp(self.start_ms / 1000, self.tz)
        day = dt.date.fromisoformat(written.date)
        return written.model_copy(
            update={
                "date": start.date().isoformat(),
                "start": start.strftime("%H:%M"),
                "banner_place_date": _with_day(written.banner_place_date, start.date()),
                "translations": {
                    lang: _translation_on(translation, lang, day, start.date())
                    for lang, translation in written.translations.items()
                },
            }
        )

    def rehearsal_at(self, start_ms: int) -> Agenda:
        """The programme as a dress rehearsal whose first item is planned at `start_ms`
        (epoch ms): the same items, every planned time moved by the same amount."""
        written = replace(self, shift_ms=0, rehearsal=False)
        return replace(self, shift_ms=start_ms - written.start_ms, rehearsal=True)

    def planned_like(self, running: Agenda) -> Agenda:
        """This programme planned as `running` is: a dress rehearsal stays one, from
        the same start (a live edit must not send a rehearsal back to the event's day)."""
        return self.rehearsal_at(running.start_ms) if running.rehearsal else self

    @cached_property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.spec.event.timezone)

    @cached_property
    def _indices(self) -> dict[str, int]:
        return {item.id: item.index for item in self.items}

    def index_of(self, item_id: str) -> int | None:
        return self._indices.get(item_id)

    def get(self, item_id: str | None) -> Item | None:
        index = None if item_id is None else self.index_of(item_id)
        return None if index is None else self.items[index]

    def clock_ms(self, hhmm: str) -> int:
        """Epoch milliseconds of a time written in the agenda (on the event's date, in its
        zone), moved by a rehearsal's shift."""
        hours, minutes = (int(part) for part in hhmm.split(":"))
        day = dt.date.fromisoformat(self.spec.event.date)
        moment = dt.datetime(day.year, day.month, day.day, hours, minutes, tzinfo=self.tz)
        return int(moment.timestamp() * 1000) + self.shift_ms

    def delegate_ids(self) -> list[str]:
        """Each delegate's id: its own, else ``d1``, ``d2``… by position."""
        return [d.id or f"d{n}" for n, d in enumerate(self.spec.delegates, start=1)]

    @cached_property
    def start_ms(self) -> int:
        return self.clock_ms(self.spec.event.start)

    def planned_starts_ms(self) -> list[int]:
        """Planned start of every item: the event start plus the durations before it.

        An item with a fixed ``starts_at`` starts then, unless the programme
        before it runs later than that.
        """
        return list(self._planned_starts)

    @cached_property
    def _planned_starts(self) -> tuple[int, ...]:
        # Worked out once per programme: every command's schedule reads it (an Agenda
        # never changes; a live edit or a rehearsal makes a new one).
        starts: list[int] = []
        cursor = self.start_ms
        for item in self.items:
            if item.spec.starts_at is not None:
                cursor = max(cursor, self.clock_ms(item.spec.starts_at))
            starts.append(cursor)
            cursor += item.duration_ms
        return tuple(starts)

    @cached_property
    def planned_end_ms(self) -> int:
        """End of the last item that has a planned duration (an open-ended item such as
        an afternoon visit does not push the end of the programme)."""
        starts = self.planned_starts_ms()
        ends = [
            start + item.duration_ms
            for start, item in zip(starts, self.items, strict=True)
            if item.duration_ms
        ]
        return max(ends, default=starts[-1])

    @property
    def total_planned_ms(self) -> int:
        return sum(item.duration_ms for item in self.items)


# --------------------------------------------------------------------------- #
# The agenda's own texts in a reader's language.

Translated = EventInfo | ItemSpec | Delegate | Item | Mapping[str, Any]


def localized(record: Translated, field: str, lang: str | None = None) -> Any:
    """`field` of an event, item or delegate in `lang` (the current language when None):
    the agenda's translation when it gives one, else the text as written (an item's
    kind's own label is an interface word: translated from the catalogue).
    `presenter_role` and `presenter_organisation` are the item's presenter's.
    A record of a payload (a dict, as the templates get the event) reads as
    static/js/i18n.js's `localized` reads it."""
    lang = lang or current_language()
    if isinstance(record, Mapping):
        translated = record.get("translations", {}).get(lang, {}).get(field)
        return translated or record.get(field) or ""
    spec = record.spec if isinstance(record, Item) else record
    given = spec.translations.get(lang)
    translated = getattr(given, field, None) if given is not None else None
    if translated:
        return translated
    if isinstance(spec, ItemSpec) and field == "kind_label":
        if spec.kind_label:
            return spec.kind_label
        with language(lang):
            return _(KIND_LABELS[spec.kind])
    if isinstance(spec, ItemSpec) and field.startswith("presenter_"):
        presenter = spec.presenter
        return "" if presenter is None else getattr(presenter, field.removeprefix("presenter_"))
    return getattr(spec, field)


def localized_presenter_line(record: ItemSpec | Item, lang: str | None = None) -> str:
    """`presenter_line` with the presenter's role and organisation in `lang`."""
    spec = record.spec if isinstance(record, Item) else record
    if spec.presenter is None:
        return ""
    words = {
        "name": spec.presenter.name,
        "role": localized(spec, "presenter_role", lang),
        "organisation": localized(spec, "presenter_organisation", lang),
    }
    return presenter_line(Presenter.model_construct(**words))


def _minutes_to_ms(minutes: float) -> int:
    return round(minutes * MINUTE_MS)


_WRITTEN_DAY = re.compile(r"ngày\s+\d{1,2}\s+tháng\s+\d{1,2}\s+năm\s+\d{4}|\d{1,2}/\d{1,2}/\d{4}")


def _with_day(text: str, day: dt.date) -> str:
    """``Cần Thơ, ngày 28 tháng 7 năm 2023`` with another day written the same way."""

    def rewrite(match: re.Match[str]) -> str:
        if "/" in match.group(0):
            return f"{day.day:02d}/{day.month:02d}/{day.year}"
        return f"ngày {day.day} tháng {day.month} năm {day.year}"

    return _WRITTEN_DAY.sub(rewrite, text)


def _translation_on(
    translation: EventTranslation, lang: str, written: dt.date, day: dt.date
) -> EventTranslation:
    """A translated place-and-date line with `day` for `written`, when it writes the
    day as the language does (``Can Tho, 28 July 2023``) or as a Vietnamese line does."""
    text = translation.banner_place_date
    if not text:
        return translation
    with contextlib.suppress(UnknownLocaleError):  # a language Babel does not know
        text = text.replace(format_date(written, lang), format_date(day, lang))
    return translation.model_copy(update={"banner_place_date": _with_day(text, day)})


# --------------------------------------------------------------------------- #
# Loading.


class AgendaError(Exception):
    """The agenda cannot be used; `problems` lists every reason found."""

    def __init__(self, source: str, problems: list[Problem]):
        self.source = source
        self.problems = problems
        lines = [f"{source}: {problem}" for problem in problems]
        super().__init__("\n".join(lines))


def read_text(path: Path, not_utf8_hint: str = "") -> str:
    """A UTF-8 text file, or AgendaError saying in words why it cannot be read."""
    try:
        # utf-8-sig: Windows Notepad may save "UTF-8 with BOM"; the mark is not content.
        return path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise AgendaError(str(path), [Problem("", _("không tìm thấy tệp"))]) from None
    except UnicodeDecodeError as exc:
        message = _(
            "tệp không phải UTF-8 (byte lỗi ở vị trí %(position)s)%(hint)s",
            position=exc.start,
            hint=not_utf8_hint,
        )
        raise AgendaError(str(path), [Problem("", message)]) from None
    except OSError as exc:
        message = _("không đọc được tệp: %(cause)s", cause=exc.strerror)
        raise AgendaError(str(path), [Problem("", message)]) from None


def load_agenda(path: str | Path) -> Agenda:
    path = Path(path)
    return parse_agenda(read_text(path), source=str(path))


def parse_agenda(text: str, source: str = "agenda.json") -> Agenda:
    try:
        raw = read_json(text)
    except JsonError as error:
        raise AgendaError(source, error.problems) from None

    problems: list[Problem] = []
    spec: AgendaSpec | None = None
    try:
        spec = AgendaSpec.model_validate_json(text)
    except ValidationError as exc:
        problems.extend(
            _language_key_problem(error) or describe_pydantic_error(error, AgendaSpec)
            for error in exc.errors()
            if not _echo(error, raw)
        )
    problems.extend(_semantic_problems(raw))
    if problems or spec is None:
        raise AgendaError(source, _unique(problems))
    items = tuple(Item(index, item_spec) for index, item_spec in enumerate(spec.items))
    return Agenda(spec=spec, source=source, items=items)


def _language_key_problem(error: Any) -> Problem | None:
    """A `translations` block keyed by something other than a language code, said as such."""
    place = error["loc"]
    if len(place) < 3 or place[-1] != "[key]" or place[-3] != "translations":
        return None
    place = place[:-1]
    message = _(
        'mã ngôn ngữ phải là 2 hoặc 3 chữ cái thường, ví dụ "en" (nhận được %(value)s)',
        value=shown(place[-1]),
    )
    return Problem(format_location(place), message)


def _echo(error: Any, raw: Any) -> bool:
    """Pydantic adds "at least 1 item" when every item of a non-empty list failed:
    the items' own problems say what is wrong."""
    items = raw.get("items") if isinstance(raw, dict) else None
    return error["type"] == "too_short" and error["loc"] == ("items",) and bool(items)


def _semantic_problems(raw: Any) -> list[Problem]:
    """Rules across fields, checked on the raw document so that they are reported
    together with any type errors. Values of the wrong type are skipped here:
    the schema reports those."""
    if not isinstance(raw, dict) or not isinstance(raw.get("items"), list):
        return []
    problems: list[Problem] = []
    seen: dict[str, int] = {}
    for index, item in enumerate(raw["items"]):
        if not isinstance(item, dict):
            continue
        item_id = item.get("id")
        if isinstance(item_id, str):
            if item_id in seen:
                problems.append(
                    Problem(
                        format_location(("items", index, "id")),
                        _(
                            "mã mục %(id)s bị trùng với %(first)s",
                            id=shown(item_id),
                            first=format_location(("items", seen[item_id], "id")),
                        ),
                    )
                )
            else:
                seen[item_id] = index
        problems.extend(_timer_problems(index, item))
    return problems


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


def _timer_problems(index: int, item: dict[str, Any]) -> Iterable[Problem]:
    timer = item.get("timer", {})
    if not isinstance(timer, dict):
        return
    mode = timer.get("mode", "countdown")
    duration = _number(item.get("duration"))
    if mode == "countdown" and item.get("duration") is None:
        yield Problem(
            format_location(("items", index, "duration")),
            _("mục đếm ngược phải có thời lượng (số phút > 0)"),
        )
    warning, danger = _number(timer.get("warning")), _number(timer.get("danger"))
    for name, value in (("warning", warning), ("danger", danger)):
        if value is not None and duration is not None and duration > 0 and value >= duration:
            yield Problem(
                format_location(("items", index, "timer", name)),
                _(
                    "ngưỡng %(threshold)s phút phải nhỏ hơn thời lượng %(duration)s phút",
                    threshold=format(value, "g"),
                    duration=format(duration, "g"),
                ),
            )
    if warning is not None and danger is not None and danger > warning:
        yield Problem(
            format_location(("items", index, "timer", "danger")),
            _(
                "ngưỡng đỏ (%(danger)s phút) phải nhỏ hơn hoặc bằng ngưỡng vàng (%(warning)s phút)",
                danger=format(danger, "g"),
                warning=format(warning, "g"),
            ),
        )


def _unique(problems: list[Problem]) -> list[Problem]:
    seen: set[Problem] = set()
    result: list[Problem] = []
    for problem in problems:
        if problem not in seen:
            seen.add(problem)
            result.append(problem)
    return result
