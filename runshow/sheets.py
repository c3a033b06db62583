"""The programme as a spreadsheet: read a plan from Excel (.xlsx) or CSV, write one back.

Organisers plan in Excel. The layout (documented in ``docs/sheet-format.md``):

- sheet ``Chương trình``: one row per item under a header row (time, title,
  presenter, role, organisation, duration, MC script, notes, and optional
  columns for the kind, the id and the timer thresholds);
- sheet ``Đại biểu``: one row per delegate, in protocol order;
- sheet ``Sự kiện``: the event's details as ``field | value`` rows.

A CSV file holds the programme sheet only; the event and the delegates then
come from a base agenda. Every problem names the sheet, the row and the column.
The result is checked by the same rules as ``agenda.json`` (`parse_agenda`).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import IO, Any, TypeVar

from runshow.agenda import (
    KIND_LABELS,
    Agenda,
    AgendaError,
    load_agenda,
    parse_agenda,
    read_text,
    slug,
    suggested_thresholds,
    unique_id,
)
from runshow.errors import Problem
from runshow.i18n import N_, _
from runshow.timefmt import clock_text

PROGRAMME_SHEET = "Chương trình"
DELEGATES_SHEET = "Đại biểu"
EVENT_SHEET = "Sự kiện"
KINDS_SHEET = "Loại mục"
SHEET_SUFFIXES = (".xlsx", ".csv")
T = TypeVar("T")


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    width: int
    aliases: tuple[str, ...] = ()
    required: bool = False


ITEM_COLUMNS = (
    Column("time", "Giờ", 8, ("thời gian", "giờ bắt đầu", "time")),
    Column("title", "Nội dung", 42, ("tiêu đề", "mục", "title"), required=True),
    Column("name", "Người trình bày", 22, ("họ tên", "diễn giả", "presenter")),
    Column("role", "Chức vụ", 26, ("chức danh", "role")),
    Column("organisation", "Đơn vị", 26, ("cơ quan", "organisation")),
    Column("duration", "Thời lượng (phút)", 10, ("thời lượng", "phút", "duration")),
    Column("mc_script", "Lời dẫn MC", 60, ("lời dẫn", "kịch bản", "mc script")),
    Column("tech_notes", "Ghi chú kỹ thuật", 36, ("ghi chú", "notes")),
    Column("kind", "Loại", 18, ("loại mục", "kind")),
    Column("kind_label", "Nhãn riêng", 18, ("kind label",)),
    Column("id", "Mã mục", 22, ("mã", "id")),
    Column("warning", "Vàng (phút)", 9, ("vàng", "warning")),
    Column("danger", "Đỏ (phút)", 9, ("đỏ", "danger")),
    Column("estimated", "Ước tính", 8, ("estimated",)),
    Column("audience", "Đồng hồ khán giả", 12, ("đồng hồ sân khấu", "audience")),
    Column("countup", "Đếm lên", 8, ("countup",)),
    Column("stop", "Dừng ở 0", 8, ("stop at zero",)),
)

DELEGATE_COLUMNS = (
    Column("group", "Nhóm", 40, ("đoàn", "group"), required=True),
    Column("honorific", "Danh xưng", 12, ("honorific",)),
    Column("name", "Họ tên", 24, ("tên", "name")),
    Column("title", "Chức vụ", 70, ("chức danh", "title"), required=True),
    Column("present", "Có mặt", 8, ("present",)),
    Column("id", "Mã", 8, ("id",)),
)

#: Rows of the event sheet: label → field of `event` (banner lines may repeat).
EVENT_FIELDS = (
    ("Tiêu đề", "title"),
    ("Dòng băng rôn", "banner_lines"),
    ("Địa danh và ngày", "banner_place_date"),
    ("Đơn vị tổ chức", "organiser"),
    ("Địa điểm", "venue.name"),
    ("Địa chỉ", "venue.address"),
    ("Ngày", "date"),
    ("Giờ bắt đầu", "start"),
    ("Múi giờ", "timezone"),
    ("Số đại biểu dự kiến", "expected_delegates"),
)

#: Agenda fields of an item → the column that holds them.
_ITEM_FIELD_COLUMNS = {
    "id": "id",
    "kind": "kind",
    "kind_label": "kind_label",
    "title": "title",
    "presenter": "role",
    "presenter.name": "name",
    "presenter.role": "role",
    "presenter.organisation": "organisation",
    "duration": "duration",
    "duration_estimated": "estimated",
    "timer.warning": "warning",
    "timer.danger": "danger",
    "timer.audience": "audience",
    "timer.mode": "countup",
    "timer.at_zero": "stop",
    "timer": "duration",
    "starts_at": "time",
    "mc_script": "mc_script",
    "tech_notes": "tech_notes",
}

THRESHOLD_WITHOUT_LENGTH = N_(
    "ngưỡng chỉ dùng cho mục đếm ngược: mục không có thời lượng đếm lên và không đổi màu "
    "(ghi «Thời lượng (phút)» hoặc để trống ô này)"
)
THRESHOLD_WITH_COUNTUP = N_(
    "ngưỡng chỉ dùng cho mục đếm ngược: mục có «x» ở cột «Đếm lên» không đổi màu "
    "(bỏ «x» ở «Đếm lên» hoặc để trống ô này)"
)

#: What a cell that does not read must be (N_; ``%(value)s``: what it holds).
DURATION_RULE = N_("thời lượng phải là số phút (nhận được «%(value)s»)")
MINUTES_RULE = N_("phải là số phút (nhận được «%(value)s»)")
TIME_RULE = N_("giờ phải có dạng HH:MM, ví dụ 08:00 (nhận được «%(value)s»)")

_YES = {"x", "có", "co", "yes", "y", "1", "true", "✓"}
_NO = {"", "không", "khong", "no", "n", "0", "false"}
_CLOCK_RE = re.compile(r"^(\d{1,2})\s*[:hHgG.]\s*(\d{2})?\s*$")


def normalise_header(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).casefold().split())


def _lookup(columns: tuple[Column, ...]) -> dict[str, Column]:
    names: dict[str, Column] = {}
    for column in columns:
        for alias in (column.header, *column.aliases):
            names[normalise_header(alias)] = column
    return names


def column_letter(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


# --------------------------------------------------------------------------- #
# Reading.


@dataclass(frozen=True)
class Cell:
    value: Any
    row: int
    column: int


@dataclass
class Table:
    """One sheet: its name and its non-empty rows (1-based row numbers)."""

    name: str
    rows: list[list[Cell]]


@dataclass
class _Reader:
    """Collects problems while turning cells into agenda values."""

    source: str
    problems: list[Problem] = field(default_factory=list)
    places: dict[str, str] = field(default_factory=dict)  # agenda location → sheet place

    def place(self, table: str, row: int, column: int | None = None, header: str = "") -> str:
        """``trang «Chương trình», dòng 3, cột F (Thời lượng (phút))``: the sheet's and
        the column's names as the file writes them, the words in the asker's language."""
        if column is None:
            return _("trang «%(sheet)s», dòng %(row)s", sheet=table, row=row)
        letter = column_letter(column)
        if not header:
            return _(
                "trang «%(sheet)s», dòng %(row)s, cột %(column)s",
                sheet=table,
                row=row,
                column=letter,
            )
        return _(
            "trang «%(sheet)s», dòng %(row)s, cột %(column)s (%(header)s)",
            sheet=table,
            row=row,
            column=letter,
            header=header,
        )

    def problem(self, place: str, message: str) -> None:
        self.problems.append(Problem(place, message))

    def convert(self, value: Any, reading: Callable[[Any], T | None], place: str, rule: str):
        """`reading(value)` for a filled cell, None for an empty one; a cell that
        does not read is a problem stated with `rule` (an N_ message whose
        ``%(value)s`` is what the cell holds)."""
        if _blank(value):
            return None
        result = reading(value)
        if result is None:
            self.problem(place, _(rule, value=_text(value)))
        return result


def read_tables(path: Path) -> dict[str, Table]:
    """The sheets of a workbook, or the one table of a CSV file (named after the file)."""
    if path.suffix.lower() == ".csv":
        return {PROGRAMME_SHEET: _read_csv(path)}
    return _read_xlsx(path)


def _read_xlsx(path: Path) -> dict[str, Table]:
    from zipfile import BadZipFile

    from openpyxl import load_workbook

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
        formulas = load_workbook(path, read_only=True, data_only=False)
    except FileNotFoundError:
        raise AgendaError(str(path), [Problem("", _("không tìm thấy tệp"))]) from None
    except (BadZipFile, KeyError, OSError, ValueError):
        raise AgendaError(
            str(path),
            [Problem("", _("không đọc được tệp Excel (.xlsx): tệp hỏng hoặc sai định dạng"))],
        ) from None
    tables = {}
    reader = _Reader(str(path))
    try:
        for sheet, written in zip(workbook.worksheets, formulas.worksheets, strict=True):
            rows: list[list[Cell]] = []
            numbered = enumerate(
                zip(
                    sheet.iter_rows(values_only=True),
                    written.iter_rows(values_only=True),
                    strict=False,
                ),
                start=1,
            )
            try:
                _read_rows(reader, sheet.title, numbered, rows)
            except (SyntaxError, ValueError):  # the sheet's XML: a character no text can hold
                after = rows[-1][0].row if rows else 0
                reader.problem(
                    reader.place(sheet.title, after + 1),
                    _(
                        "có ký tự hỏng trong một ô từ dòng này trở xuống (không đọc được "
                        "thành chữ): mở tệp bằng Excel hoặc LibreOffice, gõ lại ô đó rồi lưu"
                    ),
                )
            tables[normalise_header(sheet.title)] = Table(sheet.title, rows)
    finally:
        workbook.close()
        formulas.close()
    if reader.problems:
        raise AgendaError(str(path), reader.problems)
    return tables


def _read_rows(reader: _Reader, title: str, numbered, rows: list[list[Cell]]) -> None:
    """The rows of a sheet with a value (`numbered`: its values and formulas by row)."""
    for row_number, (values, texts) in numbered:
        cells = [Cell(value, row_number, index) for index, value in enumerate(values)]
        for cell, text in zip(cells, texts, strict=False):
            if cell.value is None and isinstance(text, str) and text.startswith("="):
                reader.problem(
                    reader.place(title, row_number, cell.column),
                    _(
                        "công thức «%(formula)s» chưa có kết quả đã tính trong tệp: mở tệp "
                        "bằng Excel hoặc LibreOffice rồi lưu lại",
                        formula=text,
                    ),
                )
        if any(not _blank(cell.value) for cell in cells):
            rows.append(cells)


def _read_csv(path: Path) -> Table:
    text = read_text(path, _("; lưu lại dạng CSV UTF-8"))
    first_line = text.split("\n", 1)[0]
    # Excel in a Vietnamese locale separates with ';'.
    delimiter = max(",;\t", key=first_line.count)
    rows = []
    for row_number, values in enumerate(csv.reader(io.StringIO(text), delimiter=delimiter), 1):
        cells = [Cell(value, row_number, index) for index, value in enumerate(values)]
        if any(not _blank(cell.value) for cell in cells):
            rows.append(cells)
    return Table(path.name, rows)


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return unicodedata.normalize("NFC", str(value)).replace("\r\n", "\n").strip()


def _header_map(
    reader: _Reader, table: Table, columns: tuple[Column, ...]
) -> tuple[dict[str, int], list[list[Cell]]]:
    """Column key → position, from the table's first row; the rows under it."""
    if not table.rows:
        reader.problem(reader.place(table.name, 1), _("trang trống: thiếu dòng tiêu đề cột"))
        return {}, []
    header, *body = table.rows
    known = _lookup(columns)
    positions: dict[str, int] = {}
    for cell in header:
        text = _text(cell.value)
        if not text:
            continue
        column = known.get(normalise_header(text))
        where = reader.place(table.name, cell.row, cell.column)
        if column is None:
            expected = ", ".join(f"«{c.header}»" for c in columns)
            reader.problem(
                where,
                _(
                    "cột «%(header)s» không được hỗ trợ (có: %(known)s)",
                    header=text,
                    known=expected,
                ),
            )
        elif column.key in positions:
            reader.problem(where, _("cột «%(header)s» xuất hiện hai lần", header=column.header))
        else:
            positions[column.key] = cell.column
    for column in columns:
        if column.required and column.key not in positions:
            reader.problem(
                reader.place(table.name, header[0].row),
                _("thiếu cột «%(header)s»", header=column.header),
            )
    return positions, body


def _row_values(row: list[Cell], positions: dict[str, int]) -> dict[str, Any]:
    by_column = {cell.column: cell.value for cell in row}
    return {key: by_column.get(index) for key, index in positions.items()}


def _clock(value: Any) -> str | None:
    """A time cell as ``HH:MM``: Excel times, ``8:00``, ``8h00``, ``8h``; None if unreadable."""
    if isinstance(value, dt.datetime):
        value = value.time()
    if isinstance(value, dt.time):
        return f"{value.hour:02d}:{value.minute:02d}"
    if isinstance(value, float | int) and not isinstance(value, bool) and 0 <= value < 1:
        minutes = round(value * 24 * 60)
        return f"{minutes // 60:02d}:{minutes % 60:02d}"
    match = _CLOCK_RE.match(_text(value))
    if not match or int(match.group(1)) > 23:
        return None
    return f"{int(match.group(1)):02d}:{match.group(2) or '00'}"


def _minutes(value: Any) -> float | None:
    """A number of minutes: 10, 7.5, ``"7,5"``, ``"10 phút"``; None if unreadable."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    text = _text(value).casefold().removesuffix("phút").removesuffix("'").strip()
    try:
        return float(text.replace(",", "."))
    except ValueError:
        return None


def _kind(value: Any) -> str | None:
    text = normalise_header(_text(value))
    if not text:
        return "other"
    for code, label in KIND_LABELS.items():
        if text in (code, normalise_header(label)):
            return code
    return None


def _items(reader: _Reader, table: Table) -> list[dict[str, Any]]:
    positions, body = _header_map(reader, table, ITEM_COLUMNS)
    headers = {column.key: column.header for column in ITEM_COLUMNS}
    items: list[dict[str, Any]] = []
    given_ids = {
        _text(value)
        for row in body
        if (value := _row_values(row, positions).get("id")) is not None and _text(value)
    }
    taken: set[str] = set()
    for row in body:
        number = row[0].row
        values = _row_values(row, positions)
        index = len(items)

        def at(key: str, row_number: int = number) -> str:
            column = positions.get(key)
            return reader.place(table.name, row_number, column, headers[key])

        for agenda_field, key in _ITEM_FIELD_COLUMNS.items():
            reader.places[f"items[{index}].{agenda_field}"] = (
                at(key) if key in positions else (reader.place(table.name, number))
            )
        reader.places[f"items[{index}]"] = reader.place(table.name, number)

        item: dict[str, Any] = {"title": _text(values.get("title"))}
        kind = _kind(values.get("kind"))
        if kind is None:
            labels = ", ".join(f"«{label}»" for label in KIND_LABELS.values())
            reader.problem(
                at("kind"),
                _(
                    "loại «%(kind)s» không có (có: %(known)s)",
                    kind=_text(values.get("kind")),
                    known=labels,
                ),
            )
            kind = "other"
        item["kind"] = kind
        if label := _text(values.get("kind_label")):
            item["kind_label"] = label
        given = _text(values.get("id"))
        if given:
            if given in taken:
                reader.problem(at("id"), _("mã mục %(id)s bị trùng", id=repr(given)))
            taken.add(given)
            item["id"] = given
        else:
            item["id"] = unique_id(slug(item["title"]), taken | given_ids)
            taken.add(item["id"])
        name, role = _text(values.get("name")), _text(values.get("role"))
        organisation = _text(values.get("organisation"))
        if name or role or organisation:
            item["presenter"] = {"name": name or None, "role": role, "organisation": organisation}
        else:
            item["presenter"] = None

        duration = reader.convert(values.get("duration"), _minutes, at("duration"), DURATION_RULE)
        item["duration"] = duration
        item["duration_estimated"] = _yes(reader, values.get("estimated"), at("estimated"))
        item["timer"] = _timer(reader, values, duration, at)
        item["mc_script"] = _text(values.get("mc_script"))
        item["tech_notes"] = _text(values.get("tech_notes"))
        clock = reader.convert(values.get("time"), _clock, at("time"), TIME_RULE)
        if clock is not None:
            item["_time"] = clock
        items.append(item)
    if not body and table.rows:
        reader.problem(reader.place(table.name, 2), _("chưa có mục nào trong chương trình"))
    return items


def _yes(reader: _Reader, value: Any, place: str) -> bool:
    text = normalise_header(_text(value))
    if text in _YES:
        return True
    if text not in _NO:
        reader.problem(
            place, _("ghi «x» hoặc để trống (nhận được «%(value)s»)", value=_text(value))
        )
    return False


def _yes_no_or_default(reader: _Reader, value: Any, place: str) -> bool | None:
    """«có» / «không», or empty for the default (None)."""
    text = normalise_header(_text(value))
    if not text:
        return None
    if text in _YES:
        return True
    if text in _NO:
        return False
    reader.problem(
        place,
        _("ghi «có», «không» hoặc để trống (nhận được «%(value)s»)", value=_text(value)),
    )
    return None


def _timer(reader: _Reader, values: dict[str, Any], duration: float | None, at) -> dict[str, Any]:
    audience = _yes_no_or_default(reader, values.get("audience"), at("audience"))
    chosen = {} if audience is None else {"audience": audience}
    countup = _yes(reader, values.get("countup"), at("countup"))
    stop = _yes(reader, values.get("stop"), at("stop"))
    given = {
        key: reader.convert(values.get(key), _minutes, at(key), MINUTES_RULE)
        for key in ("warning", "danger")
    }
    if duration is None or countup:
        # A count-up clock never turns yellow or red: a threshold here would be dropped.
        # (A length that does not read is already a problem of its own.)
        no_length = _blank(values.get("duration"))
        why = THRESHOLD_WITHOUT_LENGTH if no_length else THRESHOLD_WITH_COUNTUP
        for key in ("warning", "danger"):
            if given[key] is not None and (countup or no_length):
                reader.problem(at(key), _(why))
        return {"mode": "countup", **chosen}
    warning, danger = suggested_thresholds(duration) if duration > 0 else (None, None)
    warning = given["warning"] if given["warning"] is not None else warning
    danger = given["danger"] if given["danger"] is not None else danger
    timer: dict[str, Any] = {"mode": "countdown", "at_zero": "stop" if stop else "overtime"}
    if warning is not None:
        timer["warning"] = warning
    if danger is not None:
        timer["danger"] = danger
    return timer | chosen


def _delegates(reader: _Reader, table: Table) -> list[dict[str, Any]]:
    positions, body = _header_map(reader, table, DELEGATE_COLUMNS)
    delegates = []
    for row in body:
        values = _row_values(row, positions)
        index = len(delegates)
        for column in DELEGATE_COLUMNS:
            if column.key in positions:
                reader.places[f"delegates[{index}].{column.key}"] = reader.place(
                    table.name, row[0].row, positions[column.key], column.header
                )
        delegate = {
            "honorific": _text(values.get("honorific")) or None,
            "name": _text(values.get("name")) or None,
            "title": _text(values.get("title")),
            "group": _text(values.get("group")),
        }
        where = reader.places.get(f"delegates[{index}].present", "")
        if _yes_no_or_default(reader, values.get("present"), where) is False:
            delegate["present"] = False
        if given_id := _text(values.get("id")):
            delegate["id"] = given_id
        delegates.append(delegate)
    return delegates


def _event(reader: _Reader, table: Table) -> dict[str, Any]:
    labels = {normalise_header(label): key for label, key in EVENT_FIELDS}
    event: dict[str, Any] = {"banner_lines": []}
    for row in table.rows:
        cells = [cell for cell in row if not _blank(cell.value)]
        if not cells:
            continue
        key_cell, value_cells = cells[0], cells[1:]
        key = labels.get(normalise_header(_text(key_cell.value)))
        if key is None:
            if row is table.rows[0]:
                continue  # a header row such as "Mục | Giá trị"
            where = reader.place(table.name, key_cell.row, key_cell.column)
            known = ", ".join(f"«{label}»" for label, _ in EVENT_FIELDS)
            reader.problem(
                where,
                _(
                    "mục «%(label)s» không có (có: %(known)s)",
                    label=_text(key_cell.value),
                    known=known,
                ),
            )
            continue
        value_cell = value_cells[0] if value_cells else None
        value = None if value_cell is None else value_cell.value
        where = reader.place(
            table.name,
            key_cell.row,
            key_cell.column + 1 if value_cell is None else value_cell.column,
        )
        location = f"event.{key}"
        if key == "banner_lines":
            location = f"event.banner_lines[{len(event['banner_lines'])}]"
            event["banner_lines"].append(_text(value))
        elif key == "date":
            event["date"] = (
                value.date().isoformat() if isinstance(value, dt.datetime) else _text(value)
            )
        elif key == "start":
            event["start"] = _clock(value) or _text(value)
        elif key == "expected_delegates":
            number = _minutes(value) if not _blank(value) else None
            event["expected_delegates"] = (
                int(number)
                if number and number.is_integer()
                else (None if _blank(value) else _text(value))
            )
        elif key.startswith("venue."):
            event.setdefault("venue", {})[key.split(".")[1]] = _text(value)
        else:
            event[key] = _text(value)
        reader.places[location] = where
        if key == "banner_lines":
            reader.places["event.banner_lines"] = where
    return event


def _place_times(reader: _Reader, document: dict[str, Any]) -> None:
    """A time written next to an item later than where the programme gets to fixes its
    start (``starts_at``); the first item's time is the event start if none is given."""
    items = document["items"]
    event = document["event"]
    if items and "_time" in items[0] and not event.get("start"):
        event["start"] = items[0]["_time"]
    start = event.get("start")
    if not isinstance(start, str) or _clock(start) is None:
        for item in items:
            item.pop("_time", None)
        return
    cursor = _clock_minutes(start)
    for index, item in enumerate(items):
        time = item.pop("_time", None)
        if time is not None:
            fixed = _clock_minutes(time)
            if fixed > cursor + 0.5:
                item["starts_at"] = time
                cursor = fixed
            elif fixed < cursor - 0.5:
                expected = f"{int(cursor) // 60:02d}:{int(cursor) % 60:02d}"
                reader.problem(
                    reader.places.get(f"items[{index}].starts_at", f"items[{index}]"),
                    _(
                        "giờ %(time)s sớm hơn giờ mục này bắt đầu theo các mục trước "
                        "(%(expected)s): kiểm tra giờ hoặc thời lượng các mục trước",
                        time=time,
                        expected=expected,
                    ),
                )
        duration = item.get("duration")
        if isinstance(duration, int | float):
            cursor += duration


def _clock_minutes(hhmm: str) -> float:
    hours, minutes = hhmm.split(":")
    return int(hours) * 60 + int(minutes)


def read_sheet(path: str | Path, base: Agenda | None = None) -> dict[str, Any]:
    """The agenda document a workbook or CSV file describes (not yet validated).

    The event and delegates not in the file come from `base`. Raises AgendaError
    listing every problem found in the cells.
    """
    path = Path(path)
    reader = _Reader(str(path))
    tables = read_tables(path)
    programme = tables.get(normalise_header(PROGRAMME_SHEET))
    if programme is None:
        if len(tables) == 1 or path.suffix.lower() == ".csv":
            programme = next(iter(tables.values()))
        else:
            names = ", ".join(f"«{table.name}»" for table in tables.values())
            missing = _(
                "thiếu trang «%(sheet)s» (tệp có: %(names)s)", sheet=PROGRAMME_SHEET, names=names
            )
            raise AgendaError(str(path), [Problem("", missing)])
    base_document = (
        {} if base is None else json.loads(json.dumps(base.spec.model_dump(mode="json")))
    )
    event_table = tables.get(normalise_header(EVENT_SHEET))
    delegate_table = tables.get(normalise_header(DELEGATES_SHEET))
    if event_table is not None:
        event = _event(reader, event_table)
    elif "event" in base_document:
        event = base_document["event"]
    else:
        reader.problem(
            "",
            _("thiếu trang «%(sheet)s» (hoặc một tệp chương trình gốc --base)", sheet=EVENT_SHEET),
        )
        event = {}
    if delegate_table is not None:
        delegates = _delegates(reader, delegate_table)
    else:
        delegates = base_document.get("delegates", [])
    document = {
        "schema_version": 1,
        "event": event,
        "delegates": delegates,
        "items": _items(reader, programme),
    }
    _place_times(reader, document)
    if reader.problems:
        raise AgendaError(str(path), reader.problems)
    try:
        parse_agenda(json.dumps(document, ensure_ascii=False), source=str(path))
    except AgendaError as error:
        raise AgendaError(str(path), [_located(reader, p) for p in error.problems]) from None
    return document


def _located(reader: _Reader, problem: Problem) -> Problem:
    """A problem found by the agenda's rules, placed at the cell it came from."""
    place = problem.place
    while place:
        if place in reader.places:
            return Problem(reader.places[place], problem.message)
        shorter = re.sub(r"(\.[^.\[]+|\[\d+\])$", "", place)
        if shorter == place:
            break
        place = shorter
    return problem


def load_plan(path: str | Path, base: Agenda | None = None) -> Agenda:
    """An agenda from `agenda.json`, or from a workbook / CSV file."""
    path = Path(path)
    if path.suffix.lower() not in SHEET_SUFFIXES:
        return load_agenda(path)
    document = read_sheet(path, base)
    return parse_agenda(json.dumps(document, ensure_ascii=False), source=str(path))


def agenda_json(agenda: Agenda) -> str:
    """The agenda as an `agenda.json` text that loads back to the same programme."""
    document = agenda.spec.model_dump(mode="json", exclude_none=False)
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


#: The files the programme can be written to (`programme_file`), by suffix.
PROGRAMME_SUFFIXES = (".json", ".xlsx")


def programme_file(agenda: Agenda, suffix: str) -> bytes:
    """The programme as written (a dress rehearsal's shift undone): an `agenda.json`
    text for ``.json``, a workbook `read_sheet` reads back for ``.xlsx``."""
    written = replace(agenda, shift_ms=0, rehearsal=False)
    if suffix.lower() == ".xlsx":
        content = io.BytesIO()
        write_workbook(written, content)
        return content.getvalue()
    return agenda_json(written).encode("utf-8")


# --------------------------------------------------------------------------- #
# Writing.


def _minutes_cell(value: float | None) -> float | int | None:
    if value is None:
        return None
    return int(value) if float(value).is_integer() else value


def item_rows(agenda: Agenda) -> Iterator[list[Any]]:
    tz = agenda.tz
    for item, start in zip(agenda.items, agenda.planned_starts_ms(), strict=True):
        spec = item.spec
        presenter = spec.presenter
        counts_down = item.timed
        values = {
            "time": clock_text(start, tz),
            "title": spec.title,
            "name": presenter.name if presenter else None,
            "role": presenter.role if presenter else None,
            "organisation": presenter.organisation if presenter else None,
            "duration": _minutes_cell(spec.duration),
            "mc_script": spec.mc_script,
            "tech_notes": spec.tech_notes,
            "kind": KIND_LABELS[spec.kind],
            "kind_label": spec.kind_label,
            "id": spec.id,
            # Thresholds of a count-up clock never apply: the sheet would refuse them.
            "warning": _minutes_cell(spec.timer.warning) if counts_down else None,
            "danger": _minutes_cell(spec.timer.danger) if counts_down else None,
            "estimated": "x" if spec.duration_estimated else None,
            "audience": {True: "có", False: "không", None: None}[spec.timer.audience],
            "countup": "x" if spec.timer.mode == "countup" and spec.duration else None,
            "stop": "x" if spec.timer.at_zero == "stop" else None,
        }
        yield [values[column.key] or None for column in ITEM_COLUMNS]


def _event_rows(agenda: Agenda) -> Iterable[tuple[str, Any]]:
    event = agenda.event
    yield ("Mục", "Giá trị")
    for label, key in EVENT_FIELDS:
        if key == "banner_lines":
            for line in event.banner_lines:
                yield (label, line)
        elif key.startswith("venue."):
            yield (label, getattr(event.venue, key.split(".")[1]))
        else:
            yield (label, getattr(event, key))


def write_workbook(agenda: Agenda, path: str | Path | IO[bytes]) -> None:
    """The programme as a workbook in the layout `read_sheet` reads."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.worksheet.datavalidation import DataValidation

    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="FFE8C4")
    wrap = Alignment(wrap_text=True, vertical="top")

    workbook = Workbook()
    programme = workbook.active
    programme.title = PROGRAMME_SHEET
    _table(programme, ITEM_COLUMNS, item_rows(agenda), bold, fill, wrap)

    delegates = workbook.create_sheet(DELEGATES_SHEET)
    _table(
        delegates,
        DELEGATE_COLUMNS,
        (
            [d.group, d.honorific, d.name, d.title, None if d.present else "không", d.id]
            for d in agenda.spec.delegates
        ),
        bold,
        fill,
        wrap,
    )

    event = workbook.create_sheet(EVENT_SHEET)
    for row in _event_rows(agenda):
        event.append(list(row))
    for cell in event[1]:
        cell.font, cell.fill = bold, fill
    event.column_dimensions["A"].width = 24
    event.column_dimensions["B"].width = 90

    kinds = workbook.create_sheet(KINDS_SHEET)
    kinds.append(["Loại (ghi vào cột «Loại»)", "Mã"])
    for code, label in KIND_LABELS.items():
        kinds.append([label, code])
    for cell in kinds[1]:
        cell.font, cell.fill = bold, fill
    kinds.column_dimensions["A"].width = 30
    kinds.column_dimensions["B"].width = 20

    kind_column = column_letter([c.key for c in ITEM_COLUMNS].index("kind"))
    choice = DataValidation(
        type="list", formula1=f"='{KINDS_SHEET}'!$A$2:$A${len(KIND_LABELS) + 1}", allow_blank=True
    )
    programme.add_data_validation(choice)
    choice.add(f"{kind_column}2:{kind_column}500")
    workbook.save(path)


def _table(sheet, columns: tuple[Column, ...], rows: Iterable[list[Any]], bold, fill, wrap) -> None:
    sheet.append([column.header for column in columns])
    for row in rows:
        sheet.append(row)
    for cell in sheet[1]:
        cell.font, cell.fill = bold, fill
    for index, column in enumerate(columns):
        sheet.column_dimensions[column_letter(index)].width = column.width
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = wrap
    sheet.freeze_panes = "A2"
