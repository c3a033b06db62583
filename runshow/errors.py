"""Problems reported to people, in plain Vietnamese, with where they are."""

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


_TYPE_NAMES = {
    "string": "chuỗi ký tự",
    "int": "số nguyên",
    "float": "số",
    "bool": "true hoặc false",
    "dict": "đối tượng {...}",
    "model": "đối tượng {...}",
    "model_attributes": "đối tượng {...}",
    "mapping": "đối tượng {...}",
    "tuple": "danh sách [...]",
    "list": "danh sách [...]",
    "iterable": "danh sách [...]",
    "none_required": "null",
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


def did_you_mean(written: Any, choices: Iterable[str]) -> str:
    """`` — bạn có muốn viết «title» không?`` when `written` is close to one of `choices`."""
    if not isinstance(written, str):
        return ""
    close = difflib.get_close_matches(written, list(choices), n=1, cutoff=0.6)
    return f"; bạn có muốn viết «{close[0]}» không?" if close else ""


def describe_pydantic_error(error: dict[str, Any], model: type[BaseModel] | None = None) -> Problem:
    """Turn one pydantic error into a Problem worded for the person editing the input.

    Every error type pydantic can raise gets Vietnamese words (the rare ones a
    general sentence); `model` lets an unknown field name the close field the
    person probably meant.
    """
    kind: str = error["type"]
    ctx: dict[str, Any] = error.get("ctx") or {}
    value = error.get("input")
    loc = [part for part in error["loc"] if not _is_union_tag(part)]
    place = format_location(loc)
    base = kind.removesuffix("_type").removesuffix("_parsing")
    if kind == "missing":
        message = "thiếu trường bắt buộc"
    elif kind == "extra_forbidden":
        fields = _fields_at(model, loc[:-1]) if loc else []
        hint = did_you_mean(loc[-1], fields) if loc else ""
        message = f"trường không được hỗ trợ{hint or ' (kiểm tra lỗi chính tả)'}"
    elif kind == "literal_error":
        written = str(ctx.get("expected", ""))  # "'a', 'b' or 'c'", as Python writes it
        choices = [match.group(1) for match in _PY_STRING.finditer(written)]
        expected = _PY_STRING.sub(lambda match: shown(match.group(1)), written)
        expected = re.sub(r"\b(None|True|False)\b", _json_word, expected).replace(" or ", " hoặc ")
        message = f"giá trị {shown(value)} không hợp lệ; chỉ chấp nhận {expected}"
        message += did_you_mean(value, choices)
    elif kind in _BOUND_SIGNS:
        sign, key = _BOUND_SIGNS[kind]
        message = f"phải là số {sign} {_number(ctx.get(key))} (nhận được {shown(value)})"
    elif kind == "string_too_short":
        message = "không được để trống"
    elif kind == "string_too_long":
        message = f"quá dài (tối đa {ctx.get('max_length')} ký tự)"
    elif kind == "too_short":
        message = "danh sách không được để trống"
    elif kind == "too_long":
        message = f"danh sách quá dài (tối đa {ctx.get('max_length')} phần tử)"
    elif kind == "string_pattern_mismatch":
        message = (
            f"{shown(value)} không hợp lệ: chỉ dùng chữ thường không dấu, số và dấu gạch ngang"
        )
    elif kind == "value_error":
        message = str(ctx.get("error", "giá trị không hợp lệ"))
    elif kind == "int_from_float":
        message = f"phải là số nguyên, không có phần lẻ (nhận được {shown(value)})"
    elif kind in {"int_parsing_size", "finite_number"}:
        message = f"phải là một số hữu hạn, không quá lớn (nhận được {shown(value)})"
    elif kind in {"recursion_loop", "recursion_depth_exceeded"}:
        message = "lồng nhau quá sâu"
    elif base in _TYPE_NAMES:
        message = f"phải là {_TYPE_NAMES[base]} (nhận được {shown(value)})"
    else:
        message = f"giá trị {shown(value)} không hợp lệ ở đây"
    return Problem(place, message)


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
#: each in words. Any other is said in general words, never in English.
_JSON_REASONS = {
    "Expecting value": "thiếu giá trị",
    "Expecting ',' delimiter": "thiếu dấu phẩy",
    "Expecting ':' delimiter": "thiếu dấu hai chấm",
    "Expecting property name enclosed in double quotes": "tên trường phải nằm trong ngoặc kép",
    "Unterminated string starting at": "chuỗi chưa đóng ngoặc kép",
    "Extra data": "có dữ liệu thừa sau phần JSON",
    "Invalid control character": "ký tự điều khiển (xuống dòng, tab...) trong chuỗi phải "
    "viết dạng \\n, \\t",
    "Invalid \\uXXXX escape": "mã \\u phải có đúng 4 chữ số thập lục phân, ví dụ \\u00e9",
    "Invalid \\escape": 'dấu \\ trong chuỗi chỉ được đứng trước " \\ / b f n r t u '
    "(muốn viết dấu \\ thì ghi \\\\)",
    "Illegal trailing comma": "dấu phẩy thừa trước dấu đóng ngoặc",
}
_JSON_SYNTAX = "sai cú pháp"


def describe_json_error(error: json.JSONDecodeError) -> Problem:
    """Where a JSON text breaks (line and column, as an editor shows them) and why."""
    reason = next(
        (words for start, words in _JSON_REASONS.items() if error.msg.startswith(start)),
        _JSON_SYNTAX,
    )
    return Problem(f"dòng {error.lineno}, cột {error.colno}", f"JSON không hợp lệ: {reason}")
