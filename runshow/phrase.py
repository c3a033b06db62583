"""Words kept to be said later, in whoever reads them's language.

A message written once and read by several people (what undo would revert, shown
on every console of the room) is kept as its message and values, not as a sentence:
each console is sent it in its own language (runshow/web/broadcast.py).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from runshow import i18n
from runshow.timefmt import duration_text


@dataclass(frozen=True)
class Duration:
    """How long, in words, said in the reader's language (timefmt.duration_text)."""

    duration_ms: int

    def said(self) -> str:
        return duration_text(self.duration_ms)

    def to_json(self) -> dict[str, Any]:
        return {"ms": self.duration_ms}


@dataclass(frozen=True)
class Phrase:
    """An N_-marked `message` and its ``%(name)s`` values (text, numbers, or phrases)."""

    message: str
    params: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))

    def said(self, lang: str | None = None) -> str:
        """The phrase in `lang`, else in the current language."""
        if lang is not None:
            with i18n.language(lang):
                return self.said()
        values = {
            name: value.said() if isinstance(value, Phrase | Duration) else value
            for name, value in self.params.items()
        }
        return i18n._(self.message, **values)

    def to_json(self) -> list[Any]:
        """``[message, {name: value}]`` (saved with every undo entry: kept short)."""
        params = {
            name: value.to_json() if isinstance(value, Phrase | Duration) else value
            for name, value in self.params.items()
        }
        return [self.message, params] if params else [self.message]

    @classmethod
    def from_json(cls, data: list[Any]) -> Phrase:
        message, params = data[0], data[1] if len(data) > 1 else {}
        values = {name: _value_from(value) for name, value in params.items()}
        return cls(str(message), MappingProxyType(values))


def phrase(message: str, **params: Any) -> Phrase:
    """`Phrase(message, params)`, written as `_()` is."""
    return Phrase(message, MappingProxyType(params))


def _value_from(data: Any) -> Any:
    if isinstance(data, dict):
        return Duration(int(data["ms"]))
    return Phrase.from_json(data) if isinstance(data, list) else data
