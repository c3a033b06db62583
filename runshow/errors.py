"""Problems reported to people, in plain Vietnamese, with where they are."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input: the place in it (``items[6].duration``) and why."""

    place: str
    message: str

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
    "tuple": "danh sách [...]",
    "list": "danh sách [...]",
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


def _shown(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def describe_pydantic_error(error: dict[str, Any]) -> Problem:
    """Turn one pydantic error into a Problem worded for the person editing the input."""
    kind: str = error["type"]
    ctx: dict[str, Any] = error.get("ctx") or {}
    value = error.get("input")
    place = format_location([part for part in error["loc"] if not _is_union_tag(part)])
    base = kind.removesuffix("_type").removesuffix("_parsing")
    if kind == "missing":
        message = "thiếu trường bắt buộc"
    elif kind == "extra_forbidden":
        message = "trường không được hỗ trợ (kiểm tra lỗi chính tả)"
    elif kind == "literal_error":
        expected = str(ctx.get("expected", "")).replace(" or ", " hoặc ")
        message = f"giá trị {_shown(value)} không hợp lệ; chỉ chấp nhận {expected}"
    elif kind in _BOUND_SIGNS:
        sign, key = _BOUND_SIGNS[kind]
        message = f"phải là số {sign} {_number(ctx.get(key))} (nhận được {_shown(value)})"
    elif kind == "string_too_short":
        message = "không được để trống"
    elif kind == "string_too_long":
        message = f"quá dài (tối đa {ctx.get('max_length')} ký tự)"
    elif kind == "too_short":
        message = "danh sách không được để trống"
    elif kind == "string_pattern_mismatch":
        message = (
            f"{_shown(value)} không hợp lệ: chỉ dùng chữ thường không dấu, số và dấu gạch ngang"
        )
    elif kind == "value_error":
        message = str(ctx.get("error", error["msg"]))
    elif base in _TYPE_NAMES:
        message = f"phải là {_TYPE_NAMES[base]} (nhận được {_shown(value)})"
    else:
        message = error["msg"]
    return Problem(place, message)


def _is_union_tag(part: str | int) -> bool:
    """Pydantic inserts the chosen member of a union into locations; people never see it."""
    return isinstance(part, str) and (
        part.startswith(("function-", "literal[")) or part in {"float", "int", "str", "none"}
    )


_JSON_REASONS = {
    "Expecting value": "thiếu giá trị",
    "Expecting ',' delimiter": "thiếu dấu phẩy",
    "Expecting ':' delimiter": "thiếu dấu hai chấm",
    "Expecting property name enclosed in double quotes": "tên trường phải nằm trong ngoặc kép",
    "Unterminated string starting at": "chuỗi chưa đóng ngoặc kép",
    "Extra data": "có dữ liệu thừa sau phần JSON",
    "Invalid control character at": "ký tự điều khiển không hợp lệ trong chuỗi",
}


def describe_json_error(error: json.JSONDecodeError) -> Problem:
    """Where a JSON text breaks (line and column, as an editor shows them) and why."""
    reason = _JSON_REASONS.get(error.msg, error.msg)
    return Problem(f"dòng {error.lineno}, cột {error.colno}", f"JSON không hợp lệ: {reason}")
