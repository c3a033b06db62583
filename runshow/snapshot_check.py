"""A strict check that a value restored from JSON has the types its dataclass
declares, all the way down (a deadline that is text, a flag that is 1, a list
where a mapping belongs). Generic, so that fields the engine adds are checked
without anyone keeping a second schema in step."""

from __future__ import annotations

import dataclasses
import functools
import types
import typing
from collections.abc import Mapping
from typing import Any, Literal, Union

from runshow.i18n import _


class UntypedValue(ValueError):
    """A value whose type is not the declared one; says where."""


def check_types(value: Any, hint: Any = None, place: str = "") -> None:
    """Raise `UntypedValue` unless `value` matches `hint` (its own dataclass by default)."""
    hint = type(value) if hint is None else hint
    origin = typing.get_origin(hint)
    if hint is Any:
        return
    if origin in (Union, types.UnionType):
        for option in typing.get_args(hint):
            try:
                check_types(value, option, place)
            except UntypedValue:
                continue
            return
        _wrong(value, hint, place)
    elif origin is Literal:
        if value not in typing.get_args(hint) or type(value) is bool:
            _wrong(value, hint, place)
    elif hint is type(None):
        if value is not None:
            _wrong(value, hint, place)
    elif origin is not None and issubclass(origin, Mapping):
        key_hint, value_hint = typing.get_args(hint) or (Any, Any)
        if not isinstance(value, Mapping):
            _wrong(value, hint, place)
        for key, one in value.items():
            check_types(key, key_hint, f"{place}.{key}")
            check_types(one, value_hint, f"{place}.{key}")
    elif origin is tuple:
        if not isinstance(value, tuple):
            _wrong(value, hint, place)
        arguments = typing.get_args(hint)
        if len(arguments) == 2 and arguments[1] is Ellipsis:
            arguments = (arguments[0],) * len(value)
        if len(arguments) != len(value):
            _wrong(value, hint, place)
        for index, (one, one_hint) in enumerate(zip(value, arguments, strict=True)):
            check_types(one, one_hint, f"{place}[{index}]")
    elif dataclasses.is_dataclass(hint):
        if type(value) is not hint:
            _wrong(value, hint, place)
        for name, field_hint in _hints(hint).items():
            check_types(getattr(value, name), field_hint, f"{place}.{name}" if place else name)
    elif isinstance(hint, type) and (
        # bool is an int to Python, never to a saved snapshot
        not isinstance(value, hint) or (hint is int and type(value) is bool)
    ):
        _wrong(value, hint, place)


@functools.cache
def _hints(cls: type) -> dict[str, Any]:
    return {
        spec.name: hint
        for spec in dataclasses.fields(cls)
        for hint in (typing.get_type_hints(cls)[spec.name],)
    }


def _wrong(value: Any, hint: Any, place: str) -> typing.NoReturn:
    shown = repr(value)
    shown = shown if len(shown) <= 40 else shown[:37] + "..."
    name = getattr(hint, "__name__", str(hint))
    raise UntypedValue(
        _("%(place)s phải là %(type)s, không phải %(value)s", place=place, type=name, value=shown)
        if place
        else _("toàn bộ phải là %(type)s, không phải %(value)s", type=name, value=shown)
    )
