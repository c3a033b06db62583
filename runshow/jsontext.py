"""Reading JSON written by people and by other programs, without surprises.

Python's `json` accepts what the JSON standard does not (``NaN``, ``Infinity``),
keeps silently the last of two equal keys, turns ``1e999`` into infinity, raises
`ValueError` past 4300 digits and `RecursionError` on deep nesting. `read_json`
refuses all of these with a `Problem` naming the place (path, line, column) and
the reason in plain words (the asker's language). It also refuses half of a UTF-16 pair (a lone
surrogate, ``"\\ud800"``: an emoji a client cut in two), which Python reads into
a string that no file, database or screen can take as UTF-8.

A text too short to nest too deep is parsed at once, with hooks that stop at the
first of these (a number's length is checked before it is turned into an
integer); any other text, or one the hooks stop, is first scanned, so the parser
never meets a document it could crash on.
"""

from __future__ import annotations

import bisect
import contextlib
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from babel.numbers import format_decimal

from runshow.errors import Problem, describe_json_error, format_location, text_position
from runshow.i18n import N_, _, current_language, ngettext

#: Deeper than any agenda (5 levels) or command (1) will ever be.
MAX_DEPTH = 20
#: The largest whole number a browser (a double) counts exactly: 2**53 - 1.
MAX_NUMBER = 9_007_199_254_740_991

_STRING = r'"[^"\\]*(?:\\.[^"\\]*)*"'
_TOKENS = re.compile(
    rf"(?P<key>{_STRING})\s*:"
    rf"|(?P<string>{_STRING})"
    r'|(?P<unterminated>")'
    r"|(?P<open>[\[{])"
    r"|(?P<close>[\]}])"
    r"|(?P<comma>,)"
    r"|(?P<number>-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)"
    r"|(?P<constant>-?Infinity|NaN)",
    re.DOTALL,
)
#: A lone surrogate as a character, or as the escape that may write one.
_MAYBE_SURROGATE = re.compile(r"[\ud800-\udfff]|\\u[dD][89a-fA-F]")
_SURROGATE = re.compile("[\ud800-\udfff]")
SURROGATE_REASON = N_(
    "có ký tự hỏng (nửa ký tự, thường do một biểu tượng cảm xúc bị cắt đôi): "
    "hãy xoá hoặc gõ lại ký tự đó"
)
SURROGATE_IN_KEY_REASON = N_(
    "tên trường có ký tự hỏng (nửa ký tự, thường do một biểu tượng cảm xúc bị cắt đôi): "
    "hãy xoá hoặc gõ lại ký tự đó"
)


class JsonError(ValueError):
    """The text cannot be used as JSON; `problems` say where and why."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("; ".join(str(problem) for problem in problems))


@dataclass
class _Frame:
    """An open object or array during the scan."""

    is_object: bool
    index: int = 0  # arrays: the element being read
    key: str | None = None  # objects: the key being read
    keys: dict[str, int] = field(default_factory=dict)  # objects: key → offset


class _Places:
    """Offsets in a text → line and column, as an editor numbers them."""

    def __init__(self, text: str, with_lines: bool):
        self.with_lines = with_lines
        self.starts = [0] + [match.end() for match in re.finditer("\n", text)]

    def line_column(self, offset: int) -> str:
        line = bisect.bisect_right(self.starts, offset)
        return text_position(line, offset - self.starts[line - 1] + 1)

    def place(self, path: list[str | int], offset: int) -> str:
        if not self.with_lines:
            return format_location(path)
        where = self.line_column(offset)
        return f"{format_location(path)} ({where})" if path else where


def scan(text: str, max_depth: int = MAX_DEPTH, with_lines: bool = True) -> list[Problem]:
    """What the standard parser would get wrong in `text`: numbers that are not
    finite or too large, NaN/Infinity, and keys given twice in one object; raises
    `JsonError` at once for nesting deeper than `max_depth`. Syntax errors are left
    to the parser. Places are paths, with line and column if `with_lines`."""
    return list(_scan(text, max_depth, _Places(text, with_lines)))


def _scan(text: str, max_depth: int, lines: _Places) -> Iterator[Problem]:
    stack: list[_Frame] = []

    def path() -> list[str | int]:
        parts: list[str | int] = []
        for frame in stack:
            if not frame.is_object:
                parts.append(frame.index)
            elif frame.key is not None:
                parts.append(frame.key)
        return parts

    for token in _TOKENS.finditer(text):
        kind, offset = token.lastgroup, token.start()
        top = stack[-1] if stack else None
        if kind == "open":
            if len(stack) >= max_depth:
                reason = ngettext(
                    "lồng nhau quá sâu (tối đa %(num)s tầng {...} hoặc [...])",
                    "lồng nhau quá sâu (tối đa %(num)s tầng {...} hoặc [...])",
                    max_depth,
                )
                raise JsonError([Problem(lines.place(path(), offset), reason)])
            stack.append(_Frame(is_object=token.group() == "{"))
        elif kind == "close":
            if stack:
                stack.pop()
        elif kind == "comma":
            if top is not None and not top.is_object:
                top.index += 1
        elif kind == "key" and top is not None and top.is_object:
            yield from _check_key(top, token.group("key"), offset, lines, path)
        elif kind == "string" and _MAYBE_SURROGATE.search(token.group()):
            with contextlib.suppress(ValueError):  # a broken escape: the parser says where
                if _SURROGATE.search(json.loads(token.group())):
                    yield Problem(lines.place(path(), offset), _(SURROGATE_REASON))
        elif kind == "number":
            reason = _number_problem(token.group())
            if reason:
                yield Problem(lines.place(path(), offset), reason)
        elif kind == "constant":
            yield Problem(
                lines.place(path(), offset),
                _(
                    "%(constant)s không phải là số trong JSON (hãy ghi một số, ví dụ 5)",
                    constant=token.group(),
                ),
            )
        elif kind == "unterminated":
            return  # the parser reports the unclosed string with its place


def _check_key(
    frame: _Frame, quoted: str, offset: int, lines: _Places, path: Callable[[], list[str | int]]
) -> Iterator[Problem]:
    try:
        key = json.loads(quoted)
    except ValueError:
        return  # a broken escape: the parser says where
    frame.key = key
    if _SURROGATE.search(key):  # placed at the key itself, shown as its escape
        yield Problem(lines.place(path(), offset), _(SURROGATE_IN_KEY_REASON))
    if key in frame.keys:
        name = json.dumps(key, ensure_ascii=False)
        message = (
            _(
                "trường %(name)s được ghi hai lần (lần đầu ở %(first)s): hãy giữ một lần "
                "(JSON chỉ giữ lần sau, lần đầu sẽ bị mất)",
                name=name,
                first=lines.line_column(frame.keys[key]),
            )
            if lines.with_lines
            else _(
                "trường %(name)s được ghi hai lần: hãy giữ một lần "
                "(JSON chỉ giữ lần sau, lần đầu sẽ bị mất)",
                name=name,
            )
        )
        yield Problem(lines.place(path(), offset), message)
    else:
        frame.keys[key] = offset


def _number_problem(literal: str) -> str | None:
    digits = literal.lstrip("-")
    if digits.isdigit():
        too_large = len(digits) > len(str(MAX_NUMBER)) or int(digits) > MAX_NUMBER
    else:
        value = float(literal)
        too_large = abs(value) > MAX_NUMBER  # 1e999 is infinity, and larger too
    if too_large:
        shown = (
            literal
            if len(literal) <= 24
            else ngettext(
                "%(start)s…(%(num)s ký tự)",
                "%(start)s…(%(num)s ký tự)",
                len(literal),
                start=literal[:12],
            )
        )
        largest = format_decimal(MAX_NUMBER, locale=current_language())
        return _("số %(number)s quá lớn (tối đa %(largest)s)", number=shown, largest=largest)
    return None


def _refuse_constant(name: str) -> Any:
    raise JsonError([Problem("", _("%(constant)s không phải là số trong JSON", constant=name))])


def read_json(text: str, max_depth: int = MAX_DEPTH, with_lines: bool = True) -> Any:
    """Parse `text`, or raise `JsonError` with every problem `scan` finds, or the
    syntax error, each with its place.

    A text with too few brackets to nest deeper than `max_depth` (every command, every
    screen's event) is parsed at once, with checks on its numbers, constants and keys;
    only one those checks stop, or that does not parse, is scanned to say where and
    why: the same answer as `read_strict`, in about a third of the time. A text that
    may hold a lone surrogate is scanned too (it is rare: an emoji sent as escapes)."""
    quick = text.count("{") + text.count("[") <= max_depth
    if quick and _MAYBE_SURROGATE.search(text) is None:
        with contextlib.suppress(_Suspect, ValueError, RecursionError):  # ValueError: syntax
            return json.loads(
                text,
                object_pairs_hook=_unique_keys,
                parse_int=_safe_integer,
                parse_float=_safe_real,
                parse_constant=_suspect_constant,
            )
    return read_strict(text, max_depth, with_lines)


class _Suspect(Exception):
    """Something `scan` reports: a key given twice, a number too large, NaN."""


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    value = dict(pairs)
    if len(value) != len(pairs):
        raise _Suspect
    return value


def _safe_integer(literal: str) -> int:
    if _number_problem(literal) is not None:  # checks the length before int() does
        raise _Suspect
    return int(literal)


def _safe_real(literal: str) -> float:
    value = float(literal)
    if not abs(value) <= MAX_NUMBER:  # also infinity
        raise _Suspect
    return value


def _suspect_constant(_name: str) -> Any:
    raise _Suspect


def read_strict(text: str, max_depth: int = MAX_DEPTH, with_lines: bool = True) -> Any:
    """`read_json` that always scans first: for what the quick parse does not take
    (an agenda file has too many brackets for it)."""
    problems = scan(text, max_depth, with_lines)
    if problems:
        raise JsonError(problems)
    try:
        return json.loads(text, parse_constant=_refuse_constant)
    except json.JSONDecodeError as exc:
        raise JsonError([describe_json_error(exc)]) from None


@dataclass(frozen=True)
class Unreadable:
    """Stands for an argument that arrived but could not be read safely (for the
    Socket.IO decoder, which must still hand the event over to be answered).

    `found` is the problems, or what finds them: a packet is decoded before anyone
    knows whose language to answer in, so its problems are worded when asked for."""

    found: list[Problem] | Callable[[], list[Problem]]

    @property
    def problems(self) -> list[Problem]:
        return self.found() if callable(self.found) else self.found


#: The start of a Socket.IO event's data: ``["event name",`` (or ``["event name"]``).
_EVENT = re.compile(rf"\s*\[\s*({_STRING})\s*[,\]]")


def read_packet_data(text: str) -> Any:
    """Decode the data of a Socket.IO packet (the codec's `loads`).

    With the standard codec a client can crash the decoding of its own packet (a
    huge integer, deep nesting), and an event that cannot be decoded is dropped
    without an answer. Here such an event is still delivered, its arguments
    replaced by one `Unreadable` saying what was wrong, so that its handler
    answers with a plain refusal. Anything else unreadable raises ValueError, as
    the standard codec does."""
    try:
        return _read_packet(text)
    except JsonError:
        event = _EVENT.match(text)
        if event is None:
            raise
        return [json.loads(event.group(1)), Unreadable(lambda: _packet_problems(text))]


def _read_packet(text: str) -> Any:
    return read_json(text, MAX_DEPTH + 1, with_lines=False)  # +1: the packet's own list


def _packet_problems(text: str) -> list[Problem]:
    """What is wrong in a packet `read_packet_data` could not read, worded now (read
    again: safe, as every read is, and rare), placed in its argument."""
    try:
        _read_packet(text)
    except JsonError as error:
        return [Problem(_in_argument(p.place), p.message) for p in error.problems]
    return []  # never: the text did not read the first time


def _in_argument(place: str) -> str:
    """``[1].seconds`` (in the packet's list) → ``seconds`` (in the argument)."""
    return place.removeprefix("[1]").removeprefix(".")
