"""Problems reported to people, in plain words (Vietnamese, or the asker's language:
runshow/i18n.py), with where they are. A message is worded when the problem is found,
in the language of whoever is being answered then."""

from __future__ import annotations

import difflib
import json
import re
import types
import typing
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel

from runshow.i18n import N_, _, ngettext

_SURROGATE = re.compile("[\ud800-\udfff]")


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input: the place in it (``items[6].duration``) and why."""

    place: str
    message: str

    def __post_init__(self) -> None:
        # What a person wrote is quoted in places and messages; a lone surrogate in it
        # ("\ud800") could not be written to the screen or the log: shown as its escape.
        for name in ("place", "message"):
            text = getattr(self, name)
            if _SURROGATE.search(text):
                escaped = text.encode("utf-8", "backslashreplace").decode("utf-8")
                object.__setattr__(self, name, escaped)

    def __str__(self) -> str:
        return f"{self.place}: {self.message}" if self.place else self.message


def format_location(loc: Sequence[str | int]) -> str:
    """``("items", 6, "duration")`` → ``items[6].duration``."""
    text = ""
    for part in loc:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
    return text


#: What a value of each pydantic type must be: a whole message each (N_: worded where used).
_TYPE_MESSAGES = {
    "string": N_("phải là chuỗi ký tự (nhận được %(value)s)"),
    "int": N_("phải là số nguyên (nhận được %(value)s)"),
    "float": N_("phải là số (nhận được %(value)s)"),
    "bool": N_("phải là true hoặc false (nhận được %(value)s)"),
    "dict": N_("phải là đối tượng {...} (nhận được %(value)s)"),
    "model": N_("phải là đối tượng {...} (nhận được %(value)s)"),
    "model_attributes": N_("phải là đối tượng {...} (nhận được %(value)s)"),
    "mapping": N_("phải là đối tượng {...} (nhận được %(value)s)"),
    "tuple": N_("phải là danh sách [...] (nhận được %(value)s)"),
    "list": N_("phải là danh sách [...] (nhận được %(value)s)"),
    "iterable": N_("phải là danh sách [...] (nhận được %(value)s)"),
    "none_required": N_("phải là null (nhận được %(value)s)"),
}


_BOUND_SIGNS = {
    "greater_than": (">", "gt"),
    "greater_than_equal": ("≥", "ge"),
    "less_than": ("<", "lt"),
    "less_than_equal": ("≤", "le"),
}


def _number(value: Any) -> str:
    """0.0 → ``0``, 7.5 → ``7.5``: bounds as a person writes them."""
    return f"{value:g}" if isinstance(value, float) else str(value)


def shown(value: Any) -> str:
    """A value as the person wrote it in JSON (``null``, ``true``, ``"text"``), cut short."""
    try:
        text = json.dumps(value, ensure_ascii=False)
    except (TypeError, ValueError):
        text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


_PY_STRING = re.compile(r"'((?:[^'\\]|\\.)*)'")


def _json_word(match: re.Match[str]) -> str:
    return {"None": "null", "True": "true", "False": "false"}[match.group(1)]


def close_match(written: Any, choices: Iterable[str]) -> str | None:
    """The one of `choices` that `written` is probably a misspelling of, if any."""
    if not isinstance(written, str):
        return None
    close = difflib.get_close_matches(written, list(choices), n=1, cutoff=0.6)
    return close[0] if close else None


def did_you_mean(written: Any, choices: Iterable[str]) -> str:
    """``; bạn có muốn viết «title» không?`` (a clause ending a message) when `written`
    is close to one of `choices`, else nothing."""
    close = close_match(written, choices)
    return _("; bạn có muốn viết «%(close)s» không?", close=close) if close else ""


def text_position(line: int, column: int) -> str:
    """``dòng 3, cột 14``: a place in a text, as an editor numbers it."""
    return _("dòng %(line)s, cột %(column)s", line=line, column=column)


def describe_pydantic_error(error: dict[str, Any], model: type[BaseModel] | None = None) -> Problem:
    """Turn one pydantic error into a Problem worded for the person editing the input.

    Every error type pydantic can raise gets words in the current language (the rare
    ones a general sentence); `model` lets an unknown field name the close field the
    person probably meant.
    """
    kind: str = error["type"]
    ctx: dict[str, Any] = error.get("ctx") or {}
    value = error.get("input")
    loc = [part for part in error["loc"] if not _is_union_tag(part)]
    place = format_location(loc)
    base = kind.removesuffix("_type").removesuffix("_parsing")
    got = shown(value)
    if kind == "missing":
        message = _("thiếu trường bắt buộc")
    elif kind == "extra_forbidden":
        fields = _fields_at(model, loc[:-1]) if loc else []
        close = close_match(loc[-1], fields) if loc else None
        message = (
            _("trường không được hỗ trợ; bạn có muốn viết «%(close)s» không?", close=close)
            if close
            else _("trường không được hỗ trợ (kiểm tra lỗi chính tả)")
        )
    elif kind == "literal_error":
        written = str(ctx.get("expected", ""))  # "'a', 'b' or 'c'", as Python writes it
        choices = [match.group(1) for match in _PY_STRING.finditer(written)]
        message = _(
            "giá trị %(value)s không hợp lệ; chỉ chấp nhận %(expected)s",
            value=got,
            expected=_expected(written),
        )
        message += did_you_mean(value, choices)
    elif kind in _BOUND_SIGNS:
        sign, key = _BOUND_SIGNS[kind]
        message = _(
            "phải là số %(sign)s %(bound)s (nhận được %(value)s)",
            sign=sign,
            bound=_number(ctx.get(key)),
            value=got,
        )
    elif kind == "string_too_short":
        message = _("không được để trống")
    elif kind == "string_too_long":
        most = ctx.get("max_length")
        message = ngettext(
            "quá dài (tối đa %(num)s ký tự)", "quá dài (tối đa %(num)s ký tự)", _count(most)
        )
    elif kind == "too_short":
        message = _("danh sách không được để trống")
    elif kind == "too_long":
        message = ngettext(
            "danh sách quá dài (tối đa %(num)s phần tử)",
            "danh sách quá dài (tối đa %(num)s phần tử)",
            _count(ctx.get("max_length")),
        )
    elif kind == "string_pattern_mismatch":
        message = _(
            "%(value)s không hợp lệ: chỉ dùng chữ thường không dấu, số và dấu gạch ngang",
            value=got,
        )
    elif kind == "value_error":  # the validator's own words, already in the asker's language
        message = str(ctx.get("error") or _("giá trị không hợp lệ"))
    elif kind == "int_from_float":
        message = _("phải là số nguyên, không có phần lẻ (nhận được %(value)s)", value=got)
    elif kind in {"int_parsing_size", "finite_number"}:
        message = _("phải là một số hữu hạn, không quá lớn (nhận được %(value)s)", value=got)
    elif kind in {"recursion_loop", "recursion_depth_exceeded"}:
        message = _("lồng nhau quá sâu")
    elif base in _TYPE_MESSAGES:
        message = _(_TYPE_MESSAGES[base], value=got)
    else:
        message = _("giá trị %(value)s không hợp lệ ở đây", value=got)
    return Problem(place, message)


def _expected(written: str) -> str:
    """Pydantic's ``'a', 'b' or 'c'`` as JSON values, joined in the current language."""
    as_json = _PY_STRING.sub(lambda match: shown(match.group(1)), written)
    as_json = re.sub(r"\b(None|True|False)\b", _json_word, as_json)
    others, joined, last = as_json.rpartition(" or ")
    return _("%(others)s hoặc %(last)s", others=others, last=last) if joined else as_json


def _count(value: Any) -> int:
    """A count for ngettext: pydantic's limit, or 0 if it did not give one."""
    return value if isinstance(value, int) else 0


def _fields_at(model: type[BaseModel] | None, loc: Sequence[str | int]) -> list[str]:
    """The field names allowed in the object at `loc` of a `model` document."""
    current: Any = model
    for part in loc:
        current = _inner_model(current, part)
        if current is None:
            return []
    models = [option for option in _options(current) if _is_model(option)]
    fields = models[0].model_fields.items() if models else []
    return [field.alias or name for name, field in fields]  # as written: "from", not from_id


def _inner_model(annotation: Any, part: str | int) -> Any:
    """One step down a model's type: a field of a model, an element of a list."""
    for option in _options(annotation):
        if isinstance(part, str) and _is_model(option):
            for name, field in option.model_fields.items():
                if part in (name, field.alias):
                    return field.annotation
        if isinstance(part, int) and typing.get_origin(option) in (tuple, list):
            return typing.get_args(option)[0]
    return None


def _options(annotation: Any) -> list[Any]:
    """``X | None`` → [X, None]; anything else → [it]."""
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        return list(typing.get_args(annotation))
    return [annotation]


def _is_model(annotation: Any) -> bool:
    return isinstance(annotation, type) and issubclass(annotation, BaseModel)


def _is_union_tag(part: str | int) -> bool:
    """Pydantic inserts the chosen member of a union into locations; people never see it."""
    return isinstance(part, str) and (
        part.startswith(("function-", "literal[")) or part in {"float", "int", "str", "none"}
    )


#: Python's JSON reader's messages (their beginnings: some name a character after),
#: each in words (N_: worded where used). Any other is said in general words, never
#: in Python's.
_JSON_REASONS = {
    "Expecting value": N_("JSON không hợp lệ: thiếu giá trị"),
    "Expecting ',' delimiter": N_("JSON không hợp lệ: thiếu dấu phẩy"),
    "Expecting ':' delimiter": N_("JSON không hợp lệ: thiếu dấu hai chấm"),
    "Expecting property name enclosed in double quotes": N_(
        "JSON không hợp lệ: tên trường phải nằm trong ngoặc kép"
    ),
    "Unterminated string starting at": N_("JSON không hợp lệ: chuỗi chưa đóng ngoặc kép"),
    "Extra data": N_("JSON không hợp lệ: có dữ liệu thừa sau phần JSON"),
    "Invalid control character": N_(
        "JSON không hợp lệ: ký tự điều khiển (xuống dòng, tab...) trong chuỗi phải "
        "viết dạng \\n, \\t"
    ),
    "Invalid \\uXXXX escape": N_(
        "JSON không hợp lệ: mã \\u phải có đúng 4 chữ số thập lục phân, ví dụ \\u00e9"
    ),
    "Invalid \\escape": N_(
        'JSON không hợp lệ: dấu \\ trong chuỗi chỉ được đứng trước " \\ / b f n r t u '
        "(muốn viết dấu \\ thì ghi \\\\)"
    ),
    "Illegal trailing comma": N_("JSON không hợp lệ: dấu phẩy thừa trước dấu đóng ngoặc"),
}
_JSON_SYNTAX = N_("JSON không hợp lệ: sai cú pháp")


def describe_json_error(error: json.JSONDecodeError) -> Problem:
    """Where a JSON text breaks (line and column, as an editor shows them) and why."""
    reason = next(
        (words for start, words in _JSON_REASONS.items() if error.msg.startswith(start)),
        _JSON_SYNTAX,
    )
    return Problem(text_position(error.lineno, error.colno), _(reason))
